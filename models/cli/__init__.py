"""The headless command line: `latentia train|info|sample|ingest ...`.

Every failure a user can cause ends in one clear line on stderr and a non-zero exit code,
never a traceback (pass --debug to see one).
"""

from __future__ import annotations

import argparse
import logging
import sys

from models import __version__
from models.errors import Cancelled, LatentiaError

EXIT_ERROR = 1
EXIT_INTERRUPTED = 130


def build_parser() -> argparse.ArgumentParser:
    from models.cli import commands, export_command

    parser = argparse.ArgumentParser(
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
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.debug else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    if args.command is None:
        parser.print_help()
        return 0
    try:
        return int(args.run(args) or 0)
    except Cancelled:
        print("latentia: stopped", file=sys.stderr)
        return EXIT_INTERRUPTED
    except LatentiaError as exc:
        print(f"latentia: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("latentia: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except Exception as exc:
        if args.debug:
            raise
        print(f"latentia: unexpected error: {type(exc).__name__}: {exc} "
              "(run with --debug for details)", file=sys.stderr)
        return EXIT_ERROR
