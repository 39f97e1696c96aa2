"""Entry point of the PyInstaller build (packaging/latentia.spec): the `latentia` command."""

import multiprocessing
import sys

from studio.launcher import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # DataLoader workers re-enter the frozen executable
    sys.exit(main())
