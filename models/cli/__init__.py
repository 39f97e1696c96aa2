"""The headless command line: `latentia train|info|sample|ingest|export ...`.

The exit-code rule, for this module and for `latentia` itself (studio/launcher.py calls `fail`):
every mistake a user can make (a bad argument or value, a missing or damaged file, work that
cannot be done) ends in ONE line on stderr, "latentia: error: ...", and exit code 1
(`EXIT_ERROR`); argparse's usage block and exit code 2 never appear. Ctrl-C or SIGTERM exit with
130 (`EXIT_INTERRUPTED`) after a clean stop. Never a traceback (pass --debug to see one).
"""

from __future__ import annotations

import argparse
import logging
import sys

from models import __version__
from models.errors import Cancelled, LatentiaError

EXIT_OK = 0
EXIT_ERROR = 1
EXIT_INTERRUPTED = 130


def fail(message: str) -> int:
    """Report a mistake the one way the command line does; returns the exit code to use."""
    print(f"latentia: error: {message}", file=sys.stderr)
    return EXIT_ERROR


def build_parser() -> argparse.ArgumentParser:
    from models.cli import commands, export_command
    from models.cli.arguments import CliParser

    parser = CliParser(
        prog="latentia",
        description="Latentia: train a VAE on a folder of your images and explore what it "
                    "learned. Run without arguments to open the desktop app.")
    parser.add_argument("--version", action="version", version=f"latentia {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks and debug logs")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_train(sub)
    commands.add_info(sub)
    commands.add_sample(sub)
    commands.add_ingest(sub)
    export_command.add_export(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    from models.cli.arguments import UsageError

    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except UsageError as exc:
        return fail(str(exc))
    except SystemExit as exc:  # --help and --version, printed by argparse
        return EXIT_OK if exc.code is None else int(exc.code)
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    if args.command is None:
        parser.print_help()
        return EXIT_OK
    try:
        return int(args.run(args) or 0)
    except Cancelled:
        print("latentia: stopped", file=sys.stderr)
        return EXIT_INTERRUPTED
    except LatentiaError as exc:
        return fail(str(exc))
    except KeyboardInterrupt:
        print("latentia: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:
        if args.debug:
            raise
        print(f"latentia: unexpected error: {type(exc).__name__}: {exc} "
              "(run with --debug for details)", file=sys.stderr)
        return EXIT_ERROR
