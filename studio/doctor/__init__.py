"""`latentia doctor [FOLDER]`: what Latentia finds on this computer, and what to fix.

Prints one line per check (Python, Latentia's files, torch and its build, CPU and GPU, Qt and
whether a window can open, optional extras, free disk space in the projects folder or FOLDER,
the log folder) with a hint under each warning or failure. Exits 1 when something Latentia
needs is missing, 0 otherwise (a missing display or extra is a warning: the command line still
works).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from studio.doctor.checks import (
    FAIL,
    WARN,
    Check,
    check_disk,
    check_extras,
    check_logs,
    check_python,
    check_resources,
    check_torch,
)

EXIT_PROBLEM = 1


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="latentia doctor",
        description="Check what Latentia needs on this computer and say what to fix.")
    parser.add_argument("folder", nargs="?", type=Path,
                        help="where projects go, for the free-space check "
                             "(default: the projects folder of the app's preferences)")
    parser.add_argument("--display-probe", action="store_true", help=argparse.SUPPRESS)
    return parser


def default_projects_folder() -> Path:
    """The projects folder the app's preferences name (Documents/Latentia by default)."""
    from PySide6.QtCore import QCoreApplication

    from studio.settings import APPLICATION, ORGANISATION, Settings

    if not QCoreApplication.organizationName():
        QCoreApplication.setOrganizationName(ORGANISATION)
        QCoreApplication.setApplicationName(APPLICATION)
    return Path(Settings().projects_folder())


def run_checks(folder: Path | None) -> list[Check]:
    from studio.doctor.display import check_display, check_qt

    checks = [check_python(), check_resources(), *check_torch()]
    qt, plugins = check_qt()
    checks += [qt, check_display(plugins) if qt.level != FAIL else
               Check("Display", FAIL, "not checked: Qt is unusable", qt.hint)]
    checks += check_extras()
    if folder is None and qt.level != FAIL:
        folder = default_projects_folder()
    checks.append(check_disk(folder or Path.home()))
    checks.append(check_logs())
    return checks


def format_report(checks: list[Check]) -> str:
    width = max(len(c.name) for c in checks)
    lines = []
    for check in checks:
        lines.append(f"  {check.level:<5} {check.name:<{width}}  {check.detail}")
        if check.hint and check.level in {WARN, FAIL}:
            lines.append(f"  {'':<5} {'':<{width}}  -> {check.hint}")
    failed = [c.name for c in checks if c.level == FAIL]
    warned = [c.name for c in checks if c.level == WARN]
    if failed:
        lines.append(f"Not ready: fix {', '.join(failed)} (see the hints above).")
    elif warned:
        lines.append(f"Ready, with warnings about {', '.join(warned)}.")
    else:
        lines.append("Ready.")
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    if args.display_probe:
        from studio.doctor.display import probe_main

        return probe_main()
    from models import __version__

    print(f"Latentia {__version__}: checking this computer...", flush=True)
    checks = run_checks(args.folder)
    print(format_report(checks))
    return EXIT_PROBLEM if any(c.level == FAIL for c in checks) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
