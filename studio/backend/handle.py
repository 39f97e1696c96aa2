"""The UI side of the backend worker: start its thread, and stop it cleanly on quit."""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, Qt, QThread, Signal

from studio.backend.seams import Backend
from studio.backend.worker import BackendWorker
from studio.contract.app_state import AppState

log = logging.getLogger(__name__)

_DIRECT = Qt.ConnectionType.DirectConnection


class WorkerHandle(QObject):
    """Owns the worker's thread from the UI side: start it, and stop it cleanly on quit."""

    sig_shutdown = Signal()

    def __init__(self, state: AppState, backend: Backend | None = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.thread = QThread()
        self.thread.setObjectName("latentia-backend")
        self.worker = BackendWorker(state, backend)
        self.worker.moveToThread(self.thread)
        self.thread.started.connect(self.worker._on_thread_started)
        self.sig_shutdown.connect(self.worker._on_shutdown)
        # Direct: these set thread-safe flags at once, even while the worker is busy.
        state.sig_request_cancel.connect(self.worker.cancel_from_ui, _DIRECT)
        state.sig_request_stop.connect(self.worker.stop_from_ui, _DIRECT)

    def start(self) -> None:
        self.thread.start()

    def stop(self, timeout_ms: int = 120_000) -> bool:
        """Cancel jobs, checkpoint a running training, end the thread; False if it hung."""
        if not self.thread.isRunning():
            return True
        self.worker.prepare_shutdown()
        self.sig_shutdown.emit()
        finished = self.thread.wait(timeout_ms)
        if not finished:
            log.error("the backend thread did not stop within %d ms", timeout_ms)
        return bool(finished)

