"""The main window's status bar: the current long job with its progress and Cancel, and the
compute device the backend reports."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar, QToolButton, QWidget

from studio.contract.app_state import AppState

MESSAGE_MS = 5000  # how long "Saved" and friends stay visible


class AppStatusBar(QStatusBar):
    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self._jobs: dict[str, str] = {}  # running job id -> label, oldest first
        self.job_label = QLabel()
        self.progress = QProgressBar()
        self.progress.setFixedWidth(180)
        self.progress.setTextVisible(False)
        self.cancel_button = QToolButton()
        self.cancel_button.setText("Cancel")
        self.cancel_button.setToolTip("Stop this job; nothing half-done is kept")
        self.device_label = QLabel("Loading backend…")
        self.device_label.setToolTip("Where the model runs, and whether bf16 speeds it up")
        for widget in (self.job_label, self.progress, self.cancel_button):
            self.addWidget(widget)
        self.addPermanentWidget(self.device_label)
        state.sig_job_started.connect(self._on_job_started)
        state.sig_job_progress.connect(self._on_job_progress)
        state.sig_job_finished.connect(self._on_job_finished)
        state.sig_device.connect(self._on_device)
        self.cancel_button.clicked.connect(self._on_cancel_clicked)
        self._update_job(-1.0, "")

    def current_job(self) -> str:
        """Id of the job shown (the newest still running), or ""."""
        return next(reversed(self._jobs), "")

    def _on_job_started(self, job_id: str, label: str) -> None:
        self._jobs[job_id] = label
        self.clearMessage()
        self._update_job(-1.0, "")

    def _on_job_progress(self, job_id: str, fraction: float, detail: str) -> None:
        if job_id == self.current_job():
            self._update_job(fraction, detail)

    def _on_job_finished(self, job_id: str, outcome: str) -> None:
        label = self._jobs.pop(job_id, None)
        self._update_job(-1.0, "")
        if label is not None and not self._jobs:
            self.showMessage(f"{label}: {outcome}", MESSAGE_MS)  # a JobOutcome's word

    def _on_device(self, label: str) -> None:
        self.device_label.setText(label)

    def _on_cancel_clicked(self) -> None:
        job_id = self.current_job()
        if job_id:
            self._state.sig_request_cancel.emit(job_id)

    def _update_job(self, fraction: float, detail: str) -> None:
        job_id = self.current_job()
        running = bool(job_id)
        for widget in (self.job_label, self.progress, self.cancel_button):
            widget.setVisible(running)
        if not running:
            return
        label = self._jobs[job_id]
        self.job_label.setText(f"{label} — {detail}" if detail else f"{label}…")
        if fraction < 0:
            self.progress.setRange(0, 0)  # busy indicator
        else:
            self.progress.setRange(0, 1000)
            self.progress.setValue(round(1000 * min(1.0, fraction)))
