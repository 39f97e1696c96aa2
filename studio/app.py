"""Building and running the desktop app: QApplication, window, worker thread, clean shutdown.

The order matters for start-up time: the window is built and shown first (Qt, numpy and the
panels only), and the worker thread that imports torch starts after the first paint.
"""

from __future__ import annotations

import logging
import sys
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication

from studio import __version__
from studio.backend.handle import WorkerHandle
from studio.contract.app_state import AppState
from studio.crash import CrashReporter
from studio.icons import app_icon
from studio.locations import APP_ID
from studio.settings import APPLICATION, ORGANISATION, Settings
from studio.theme import apply_color_scheme
from studio.window.main_window import MainWindow

log = logging.getLogger(__name__)


@dataclass
class StudioSession:
    """Everything one run of the app holds; `shutdown` ends it cleanly (idempotent)."""

    app: QApplication
    state: AppState
    settings: Settings
    window: MainWindow
    worker: WorkerHandle
    crash_reporter: CrashReporter | None = None

    def shutdown(self) -> None:
        if not self.worker.stop():
            log.error("the backend did not stop in time; quitting anyway")


def create_application() -> QApplication:
    """The QApplication (or the one that exists, as under pytest-qt), set up for Latentia."""
    QCoreApplication.setOrganizationName(ORGANISATION)
    QCoreApplication.setApplicationName(APPLICATION)
    QCoreApplication.setApplicationVersion(__version__)
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication([sys.argv[0] if sys.argv else "latentia"])
    # Fusion draws everything from palette roles, so light and dark both read well everywhere.
    app.setStyle("Fusion")
    app.setWindowIcon(app_icon())
    # Desktops match the window to the installed entry by this name (X11 and Wayland).
    app.setDesktopFileName(APP_ID)
    return app


def launch(path: str | None) -> StudioSession:
    """Show the window (opening `path` if given), then start the backend thread."""
    app = create_application()
    settings = Settings()
    apply_color_scheme(app, settings.get("appearance/color_scheme"))
    state = AppState()
    window = MainWindow(state, settings)
    window.show()
    crash_reporter = CrashReporter(window)
    crash_reporter.install()
    app.processEvents()  # first paint before the panels and the worker thread load
    window.ensure_panels()  # before the worker starts, so they hear its first signals
    worker = WorkerHandle(state)
    worker.worker.sig_ready.connect(window.set_backend_info)
    worker.start()
    recent = settings.recent_projects()
    if path:
        window.open_path(path)
    elif recent and settings.get("startup/reopen_last"):
        window.open_path(recent[0])
    return StudioSession(app, state, settings, window, worker, crash_reporter)


def run_gui(path: str | None) -> int:
    session = launch(path)
    session.app.aboutToQuit.connect(session.shutdown)
    return int(session.app.exec())
