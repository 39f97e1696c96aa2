"""`python -m studio`: the same as the `latentia` command."""

from studio.launcher import main

if __name__ == "__main__":
    raise SystemExit(main())
