"""Start / Pause / Resume / Stop with the project path and time estimate (TrainControls), and
the status strip above the charts: state, progress, ETA, speed and messages (TrainStatus)."""

from __future__ import annotations

import math
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models.records import TrainProgress
from studio.contract.project_records import TrainingState
from studio.panels.train.formatting import format_duration
from studio.widgets.banner import MessageBanner

# training state -> which of (pause, resume, stop) can be pressed; Start is decided by the panel.
_ENABLED = {
    TrainingState.IDLE: (False, False, False),
    TrainingState.RUNNING: (True, False, True),
    TrainingState.PAUSED: (False, True, True),
    TrainingState.FINISHED: (False, False, False),
}


def _wrapped(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


class TrainControls(QWidget):
    sig_start = Signal()
    sig_pause = Signal()
    sig_resume = Signal()
    sig_stop = Signal()
    sig_sharpen = Signal()
    """The user wants the trained model sharpened (a short run with the adversarial stage)."""
    sig_change_path = Signal()
    """The user wants to pick where the new project is created."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path_label = _wrapped()
        self.path_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.change_path_button = QPushButton("Change…")
        self.change_path_button.setToolTip("Choose where the new project is saved.")
        self.estimate_label = _wrapped()
        self.start_button = QPushButton("Start training")
        self.start_button.setDefault(True)
        self.pause_button = QPushButton("Pause")
        self.pause_button.setToolTip("Pause after the current step; resume any time.")
        self.resume_button = QPushButton("Resume")
        self.stop_button = QPushButton("Stop")
        self.stop_button.setToolTip("Stop after the current step and save a checkpoint. "
                                    "You can continue training later.")
        self.sharpen_button = QPushButton("Sharpen")
        self.sharpen_button.setToolTip(
            "Train a trained model a little longer (a quarter of the length set above) with a "
            "critic that teaches it fine detail: crisper reconstructions and new images.")
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_label, 1)
        path_row.addWidget(self.change_path_button, 0, Qt.AlignmentFlag.AlignTop)
        buttons = QGridLayout()
        buttons.addWidget(self.start_button, 0, 0, 1, 3)
        buttons.addWidget(self.pause_button, 1, 0)
        buttons.addWidget(self.resume_button, 1, 1)
        buttons.addWidget(self.stop_button, 1, 2)
        buttons.addWidget(self.sharpen_button, 2, 0, 1, 3)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(path_row)
        layout.addWidget(self.estimate_label)
        layout.addLayout(buttons)
        self.start_button.clicked.connect(self.sig_start)
        self.pause_button.clicked.connect(self.sig_pause)
        self.resume_button.clicked.connect(self.sig_resume)
        self.stop_button.clicked.connect(self.sig_stop)
        self.sharpen_button.clicked.connect(self.sig_sharpen)
        self.change_path_button.clicked.connect(self.sig_change_path)
        self.set_project_path(None)

    def set_project_path(self, path: Path | None) -> None:
        """Where Start will create the project; None when it continues an open one."""
        visible = path is not None
        self.path_label.setVisible(visible)
        self.change_path_button.setVisible(visible)
        if visible:
            self.path_label.setText(f"New project: {path}")
            self.path_label.setToolTip(str(path))

    def set_estimate_text(self, text: str) -> None:
        self.estimate_label.setText(text)
        self.estimate_label.setVisible(bool(text))

    def update_buttons(self, training_state: str, can_start: bool, start_label: str,
                       start_tooltip: str, can_sharpen: bool = False) -> None:
        pause, resume, stop = _ENABLED.get(training_state, (False, False, False))
        self.sharpen_button.setEnabled(can_sharpen)
        self.pause_button.setEnabled(pause)
        self.resume_button.setEnabled(resume)
        self.stop_button.setEnabled(stop)
        self.start_button.setEnabled(can_start)
        self.start_button.setText(start_label)
        self.start_button.setToolTip(start_tooltip)


class TrainStatus(QWidget):
    sig_cancel_job = Signal()
    """The user cancelled the project creation in progress."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.headline = QLabel()
        font = self.headline.font()
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        self.headline.setFont(font)
        self.device_label = QLabel()
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setTextVisible(False)
        self.stats = _wrapped()
        self.note = QLabel()
        self.note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.cancel_button = QPushButton("Cancel")
        self.error = MessageBanner()
        self.warning = MessageBanner()
        top = QHBoxLayout()
        top.addWidget(self.headline, 1)
        top.addWidget(self.device_label)
        bar = QHBoxLayout()
        bar.addWidget(self.progress, 1)
        bar.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addLayout(bar)
        stats_row = QHBoxLayout()
        stats_row.addWidget(self.stats, 1)
        stats_row.addWidget(self.note)
        layout.addLayout(stats_row)
        layout.addWidget(self.error)
        layout.addWidget(self.warning)
        self.cancel_button.clicked.connect(self.sig_cancel_job)
        self.cancel_button.hide()
        self.reset_progress()

    def set_headline(self, text: str) -> None:
        self.headline.setText(text)

    def set_note(self, text: str) -> None:
        self.note.setText(text)

    def set_device(self, label: str) -> None:
        self.device_label.setText(label)

    def show_progress(self, progress: TrainProgress) -> None:
        """Progress bar, step, epoch, ETA and speed of a training report."""
        total = max(progress.total_steps, 1)
        self.progress.show()
        self.progress.setRange(0, 1000)
        self.progress.setValue(round(1000 * min(1.0, progress.step / total)))
        parts = [f"Step {progress.step:,} of {progress.total_steps:,}",
                 f"epoch {progress.epoch:.1f}"]
        if math.isfinite(progress.eta_seconds):
            parts.append(f"≈ {format_duration(progress.eta_seconds)} left")
        if progress.images_per_second > 0:
            parts.append(f"{progress.images_per_second:,.0f} images/s")
        self.stats.setText(" · ".join(parts))

    def show_job(self, fraction: float, detail: str) -> None:
        """Progress of the project being created (ingesting every image)."""
        if fraction < 0:
            self.progress.setRange(0, 0)
        else:
            self.progress.setRange(0, 1000)
            self.progress.setValue(round(1000 * min(1.0, fraction)))
        self.progress.show()
        self.stats.setText(detail)
        self.cancel_button.show()

    def hide_job(self) -> None:
        self.progress.setRange(0, 1000)
        self.cancel_button.hide()

    def reset_progress(self, text: str = "") -> None:
        """No training progress to show (yet): hide the bar, keep an optional line of text."""
        self.progress.setValue(0)
        self.progress.hide()
        self.stats.setText(text)
