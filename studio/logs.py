"""The app's logging: a rotating file in the platform's log folder, warnings on stderr.

A desktop launch has no terminal, so the file is where a problem can be read afterwards; the
crash dialog points at it. Rotation keeps at most LOG_BYTES x (LOG_BACKUPS + 1) on disk.
Qt-free.
"""

from __future__ import annotations

import logging
import logging.handlers
import sys
from pathlib import Path

from studio.locations import log_file

LOG_BYTES = 2 * 1024 * 1024
LOG_BACKUPS = 4
FORMAT = "%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s"

log = logging.getLogger(__name__)


def setup_logging(debug: bool = False, path: Path | None = None) -> Path | None:
    """Log to `path` (default: the platform's log file) and to stderr; returns the file used,
    or None when it cannot be written (then stderr alone gets everything)."""
    root = logging.getLogger()
    root.setLevel(logging.DEBUG if debug else logging.INFO)
    console = logging.StreamHandler(sys.stderr)
    console.setLevel(logging.DEBUG if debug else logging.WARNING)
    console.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    root.addHandler(console)
    logging.captureWarnings(True)
    path = path or log_file()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = logging.handlers.RotatingFileHandler(
            path, maxBytes=LOG_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8")
    except OSError as exc:
        console.setLevel(logging.DEBUG if debug else logging.INFO)
        log.warning("cannot write the log file %s (%s); logging to the terminal only", path, exc)
        return None
    handler.setFormatter(logging.Formatter(FORMAT))
    root.addHandler(handler)
    log.info("Latentia starting; log file %s", path)
    return path


def current_log_file() -> Path | None:
    """The file the root logger writes to, if any (for the crash dialog)."""
    for handler in logging.getLogger().handlers:
        if isinstance(handler, logging.handlers.RotatingFileHandler):
            return Path(handler.baseFilename)
    return None
