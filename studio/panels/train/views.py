"""The Train panel's three faces: the invitation shown before any folder is chosen, the setup
column (folder, settings, start), and the monitor (status, charts, previews, latent health)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from studio.panels.train.charts import LossCharts
from studio.panels.train.controls import TrainControls, TrainStatus
from studio.panels.train.ingest_view import IngestReportView
from studio.panels.train.latent_health import LatentHealthView
from studio.panels.train.previews import PreviewGrids
from studio.panels.train.settings_form import TrainSettingsForm

INVITATION = (
    "Choose a folder of images (PNG, JPEG, WebP, …). Latentia checks every file, shows you "
    "the images exactly as the model will see them, and then learns from them. "
    "A few hundred images are enough to start.")


class EmptyState(QWidget):
    sig_choose_folder = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        title = QLabel("Train a model on your own images")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        title.setFont(font)
        body = QLabel(INVITATION)
        body.setWordWrap(True)
        body.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.choose_button = QPushButton("Choose a folder of images…")
        self.choose_button.setDefault(True)
        hint = QLabel("You can also drop a folder onto the window, "
                      "or open a saved project from the File menu.")
        hint.setWordWrap(True)
        hint.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        column = QVBoxLayout()
        column.addWidget(title, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addWidget(body)
        column.addSpacing(12)
        column.addWidget(self.choose_button, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addSpacing(8)
        column.addWidget(hint)
        box = QWidget()
        box.setMaximumWidth(560)
        box.setLayout(column)
        # Centre with stretches, not an alignment flag: an aligned widget loses its
        # height-for-width, and the wrapped text would be cut off.
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(box, 3)
        row.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        layout.addLayout(row)
        layout.addStretch(2)
        self.choose_button.clicked.connect(self.sig_choose_folder)


class SetupColumn(QWidget):
    """Folder and settings (scrollable) above the always-visible start controls."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ingest = IngestReportView()
        self.form = TrainSettingsForm()
        self.controls = TrainControls()
        content = QWidget()
        inner = QVBoxLayout(content)
        inner.addWidget(self.ingest)
        inner.addWidget(self.form)
        inner.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(content)
        line = QFrame()
        line.setFrameShape(QFrame.Shape.HLine)
        line.setFrameShadow(QFrame.Shadow.Sunken)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(scroll, 1)
        layout.addWidget(line)
        layout.addWidget(self.controls)
        self.setMinimumWidth(340)


class MonitorView(QWidget):
    """Status strip above a splitter of loss charts and image grids beside latent health."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.status = TrainStatus()
        self.charts = LossCharts()
        self.previews = PreviewGrids()
        self.health = LatentHealthView()
        bottom = QSplitter(Qt.Orientation.Horizontal)
        bottom.addWidget(self.previews)
        bottom.addWidget(self.health)
        bottom.setStretchFactor(0, 2)
        bottom.setStretchFactor(1, 1)
        bottom.setSizes([600, 300])  # eight 64 px previews side by side at 1280 px wide
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.charts)
        splitter.addWidget(bottom)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 1)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.status)
        layout.addWidget(splitter, 1)

    def clear(self) -> None:
        """Forget the last run: charts, previews, latent health and progress."""
        self.charts.clear()
        self.previews.clear()
        self.health.clear()
        self.status.reset_progress()
        self.status.set_note("")


class TrainWorkspace(QSplitter):
    """Setup column on the left, monitor on the right; the monitor takes the extra width."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setup = SetupColumn()
        self.monitor = MonitorView()
        self.addWidget(self.setup)
        self.addWidget(self.monitor)
        self.setStretchFactor(0, 0)
        self.setStretchFactor(1, 1)
        self.setSizes([380, 900])
        self.setChildrenCollapsible(False)
