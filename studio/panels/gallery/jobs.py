"""The Gallery's job strip: progress and Cancel for its exports, regenerations and remixes, and
a line saying what happened last."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QWidget

from studio.contract.app_state import AppState
from studio.contract.project_records import JobKind, JobOutcome

JOB_KINDS = (JobKind.GALLERY_EXPORT, JobKind.GALLERY_REGENERATE, JobKind.GALLERY_REMIX)
OUTCOMES = {JobOutcome.CANCELLED: "Cancelled. Nothing was left half-written.",
            JobOutcome.FAILED: "It did not work (see the message). Nothing was left "
                               "half-written."}


def is_gallery_job(job_id: str) -> bool:
    return any(kind.owns(job_id) for kind in JOB_KINDS)


class JobStrip(QWidget):
    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self.job_id = ""
        self.label = QLabel()
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.progress = QProgressBar()
        self.progress.setMaximumWidth(220)
        self.progress.setTextVisible(False)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop; nothing is left half-written")
        self.message = QLabel()
        self.message.setTextFormat(Qt.TextFormat.PlainText)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.progress)
        layout.addWidget(self.cancel_button)
        layout.addWidget(self.message, 1)
        state.sig_job_started.connect(self._on_job_started)
        state.sig_job_progress.connect(self._on_job_progress)
        state.sig_job_finished.connect(self._on_job_finished)
        self.cancel_button.clicked.connect(self._on_cancel)
        self._update_running(False)

    def show_message(self, text: str) -> None:
        self.message.setText(text)

    def busy(self) -> bool:
        return bool(self.job_id)

    def _on_job_started(self, job_id: str, label: str) -> None:
        if not is_gallery_job(job_id):
            return
        self.job_id = job_id
        self.label.setText(label + "…")
        self.progress.setRange(0, 0)  # busy until the first progress report
        self.message.clear()
        self._update_running(True)

    def _on_job_progress(self, job_id: str, fraction: float, detail: str) -> None:
        if job_id != self.job_id:
            return
        if fraction < 0:
            self.progress.setRange(0, 0)
        else:
            self.progress.setRange(0, 1000)
            self.progress.setValue(round(fraction * 1000))
        self.progress.setToolTip(detail)

    def _on_job_finished(self, job_id: str, outcome: str) -> None:
        if job_id != self.job_id:
            return
        self.job_id = ""
        self._update_running(False)
        if outcome in OUTCOMES:
            self.message.setText(OUTCOMES[outcome])

    def _on_cancel(self) -> None:
        if self.job_id:
            self.cancel_button.setEnabled(False)
            self._state.sig_request_cancel.emit(self.job_id)

    def _update_running(self, running: bool) -> None:
        for widget in (self.label, self.progress, self.cancel_button):
            widget.setVisible(running)
        self.cancel_button.setEnabled(running)
