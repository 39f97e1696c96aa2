"""The `latentia` command: every first word is routed here.

    latentia [--debug]                      open the app
    latentia [--debug] PROJECT | FOLDER     open a project, or start one from a folder of images
    latentia [--debug] train|info|sample|ingest|export ...   the command line (models.cli)
    latentia [--debug] doctor [FOLDER]      check this computer (studio.doctor)
    latentia --install-desktop | --uninstall-desktop | --version | --help

Anything else (an unknown word that is not an existing path, an unknown option, extra
arguments) ends in one line on stderr and exit code 1, like every mistake on the command line.
Only the names needed for the chosen path are imported, so `latentia info` never loads Qt and
the app never loads torch before its window is up.
"""

from __future__ import annotations

import difflib
import os
import sys
from pathlib import Path

CLI_COMMANDS = ("train", "info", "sample", "ingest", "export")
DOCTOR = "doctor"
EXIT_ERROR = 1
USAGE = """\
usage: latentia [--debug] [PROJECT | FOLDER]
       latentia [--debug] COMMAND [ARGS...]     (latentia COMMAND --help for its options)
       latentia --install-desktop | --uninstall-desktop | --version | --help"""
APP_HELP = """\
Latentia: train a VAE on a folder of your images and explore what it learned.

The desktop app:
  latentia                 open the window
  latentia PROJECT         open a project (a *.latentia folder or a *.latentia-model file)
  latentia FOLDER          start a new project from a folder of images

Options:
  --debug                  show tracebacks and debug logs (the app logs to {log})
  --install-desktop        add Latentia to this user's desktop menu and file types (Linux)
  --uninstall-desktop      remove what --install-desktop added
  --version                print the version
  -h, --help               print this help"""


def fail(message: str) -> int:
    sys.stderr.write(f"latentia: error: {message}\n")
    return EXIT_ERROR


def _run_cli(argv: list[str]) -> int:
    from models.cli import main as cli_main

    try:
        return int(cli_main(argv) or 0)
    except SystemExit as exc:  # argparse's --help, --version and usage errors end this way
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)


def _run_doctor(argv: list[str], debug: bool) -> int:
    from studio.doctor import build_parser
    from studio.doctor import main as doctor_main

    if any(a in {"-h", "--help"} for a in argv):
        build_parser().print_help()
        return 0
    known, extra = build_parser().parse_known_args(argv)
    if extra or (known.folder is not None and str(known.folder).startswith("-")):
        return fail(f"unexpected arguments for doctor: {' '.join(extra)} "
                    "(usage: latentia doctor [FOLDER])")
    try:
        return doctor_main(argv)
    except Exception as exc:
        if debug:
            raise
        return fail(f"the doctor failed: {type(exc).__name__}: {exc} (run with --debug)")


def commands_help() -> str:
    """The command list, with each command's one-line help from models.cli's own parser."""
    import argparse

    from models.cli import build_parser

    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    lines = [f"  {choice.dest:<9} {choice.help}" for choice in sub._choices_actions]
    lines.append(f"  {DOCTOR:<9} check this computer: Python, torch, CPU/GPU, Qt and display, "
                 "extras, disk")
    return "Commands (no window needed):\n" + "\n".join(lines)


def print_help() -> int:
    from studio.locations import log_folder

    print(f"{USAGE}\n\n{APP_HELP.format(log=log_folder())}\n\n{commands_help()}")
    return 0


def _desktop(word: str) -> int:
    from studio import desktop_install

    if not sys.platform.startswith("linux"):
        return fail(f"{word} is for Linux desktops; on macOS and Windows start Latentia with "
                    "the latentia command (see the README)")
    try:
        if word == "--install-desktop":
            files = desktop_install.install()
            print(f"Installed Latentia in the desktop menu ({len(files)} files under "
                  f"{desktop_install.data_home()}); it starts: "
                  f"{' '.join(desktop_install.launch_command())}")
        else:
            files = desktop_install.uninstall()
            print(f"Removed {len(files)} files of Latentia's desktop entry.")
    except OSError as exc:
        return fail(f"{word} failed: {exc}")
    return 0


def _open_app(path: str | None, debug: bool) -> int:
    # OpenMP threads that spin while waiting collapse training 3-5x when the laptop is busy
    # with other programs (measured here); passive waiting costs little. Set before torch loads.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    from studio.logs import setup_logging

    setup_logging(debug)
    from studio.app import run_gui

    return run_gui(path)


def unknown_word_message(word: str) -> str:
    close = difflib.get_close_matches(word, [*CLI_COMMANDS, DOCTOR], n=1, cutoff=0.6)
    guess = f"did you mean '{close[0]}'? " if close else ""
    return f"unknown command or path '{word}' ({guess}see latentia --help)"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    debug = False
    while argv and argv[0] == "--debug":
        debug, argv = True, argv[1:]
    word, rest = (argv[0], argv[1:]) if argv else (None, [])
    if word in CLI_COMMANDS:
        return _run_cli(["--debug", *argv] if debug else argv)
    if word == DOCTOR:
        return _run_doctor(rest, debug)
    if word in {"-h", "--help"}:
        return print_help()
    if word == "--version":
        from models import __version__

        print(f"latentia {__version__}")
        return 0
    if word is not None and rest:
        return fail(f"unexpected arguments after {word}: {' '.join(rest)} "
                    "(see latentia --help)")
    if word in {"--install-desktop", "--uninstall-desktop"}:
        return _desktop(word)
    if word is not None and word.startswith("-"):
        return fail(f"unknown option {word} (see latentia --help)")
    if word is not None and not Path(word).exists():
        return fail(unknown_word_message(word))
    return _open_app(word, debug)
