"""Unexpected errors in the app: logged in full, then shown in a dialog that can copy them.

`CrashReporter.install()` replaces `sys.excepthook` (which PySide6 calls for an exception
escaping a slot or a virtual method) and `threading.excepthook`. Each error is written to the
log file with its traceback at once, from whichever thread raised it; the dialog is shown on
the UI thread through a queued signal. The app keeps running: the error interrupted one action,
and the project on disk stays as its last save or checkpoint left it.
"""

from __future__ import annotations

import logging
import platform
import sys
import threading
import traceback

from PySide6.QtCore import QObject, QtMsgType, Signal, qInstallMessageHandler
from PySide6.QtWidgets import QWidget

from studio import __version__
from studio.logs import current_log_file
from studio.window.crash_dialog import CrashDialog

__all__ = ["CrashDialog", "CrashReporter", "error_details", "log_qt_message"]

log = logging.getLogger(__name__)
qt_log = logging.getLogger("qt")
_QT_LEVELS = {QtMsgType.QtDebugMsg: logging.DEBUG, QtMsgType.QtInfoMsg: logging.INFO,
              QtMsgType.QtWarningMsg: logging.WARNING, QtMsgType.QtCriticalMsg: logging.ERROR,
              QtMsgType.QtFatalMsg: logging.CRITICAL}


def log_qt_message(mode: QtMsgType, _context, message: str) -> None:
    """Qt's own warnings go to the log file too, not only to a terminal nobody sees."""
    qt_log.log(_QT_LEVELS.get(mode, logging.WARNING), "%s", message)


def error_details(exc_type, exc, tb, thread_name: str) -> str:
    """Everything a bug report needs, as plain text."""
    lines = [f"Latentia {__version__}, Python {platform.python_version()}, "
             f"{platform.platform()}", f"Thread: {thread_name}", ""]
    lines += traceback.format_exception(exc_type, exc, tb)
    return "\n".join(line.rstrip("\n") for line in lines)


class CrashReporter(QObject):
    sig_error = Signal(str)
    """An unexpected error happened (payload: its details); emitted from any thread."""

    def __init__(self, parent_window: QWidget | None = None) -> None:
        super().__init__()
        self._window = parent_window
        self._showing = False
        self.unseen = 0  # errors raised while the dialog was already open (all logged)
        self.sig_error.connect(self._on_error)

    def install(self) -> None:
        qInstallMessageHandler(log_qt_message)
        sys.excepthook = self.report
        threading.excepthook = lambda args: self.report(
            args.exc_type, args.exc_value, args.exc_traceback,
            args.thread.name if args.thread else "?")

    def report(self, exc_type, exc, tb, thread_name: str | None = None) -> None:
        if issubclass(exc_type, KeyboardInterrupt):
            sys.__excepthook__(exc_type, exc, tb)
            return
        details = error_details(exc_type, exc, tb, thread_name or threading.current_thread().name)
        log.critical("unexpected error\n%s", details)
        self.sig_error.emit(details)

    def _on_error(self, details: str) -> None:
        if self._showing:  # one dialog at a time; the others are in the log
            self.unseen += 1
            return
        self._showing = True
        try:
            CrashDialog.ask(self._window, details, current_log_file())
        finally:
            self._showing = False
