"""`python -m studio`: the same as the `latentia` command."""

from studio.launcher import main

# Guarded: ingestion's worker processes (forkserver/spawn) import the main module again.
if __name__ == "__main__":
    raise SystemExit(main())
