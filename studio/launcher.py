"""The `latentia` command: the headless CLI for its subcommands, the desktop app otherwise.

    latentia                     open the app
    latentia PROJECT             open a project (*.latentia folder or *.latentia-model file)
    latentia FOLDER              start a new project from a folder of images
    latentia train|info|sample|ingest|export ...   the command line (models.cli)

Only the names needed for the chosen path are imported, so `latentia info` never loads Qt and
the app never loads torch before its window is up.
"""

from __future__ import annotations

import logging
import os
import sys

CLI_FIRST_ARGUMENTS = frozenset({"train", "info", "sample", "ingest", "export",
                                 "-h", "--help", "--version"})
USAGE = "usage: latentia [PROJECT | FOLDER]   (or: latentia --help for the command line)"


def _run_cli(argv: list[str]) -> int:
    from models.cli import main as cli_main

    try:
        return int(cli_main(argv) or 0)
    except SystemExit as exc:  # argparse's --help and --version end this way
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] in CLI_FIRST_ARGUMENTS:
        return _run_cli(argv)
    # Qt's own options are left to its environment variables (QT_QPA_PLATFORM, ...).
    if len(argv) > 1 or (argv and argv[0].startswith("-")):
        sys.stderr.write(f"latentia: unexpected arguments {' '.join(argv)}\n{USAGE}\n")
        return 2
    # OpenMP threads that spin while waiting collapse training 3-5x when the laptop is busy
    # with other programs (measured here); passive waiting costs little. Set before torch loads.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    from studio.app import run_gui

    return run_gui(argv[0] if argv else None)
