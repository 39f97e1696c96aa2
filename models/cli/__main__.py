"""`python -m models.cli ...`: the command line without the desktop app (e.g. under torchrun)."""

import sys

from models.cli import main

if __name__ == "__main__":
    sys.exit(main())
