"""What a dropped image turned out to be: its codes decoded again, where they sit on the map
and the project's images nearest to them."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from studio.contract.gallery_records import RemixRecord
from studio.panels.gallery.preview import AnimatedPreview
from studio.widgets.banner import MessageBanner
from studio.widgets.image_grid import ImageGrid

ORIGINS = {"provenance": "read from the file (every Latentia export stores its codes), so the "
                         "model draws the image again exactly",
           "encoded": "found by encoding the pixels (the file carries no Latentia codes): the "
                      "nearest image this model can make"}


def remix_summary(record: RemixRecord, on_map: bool = False) -> str:
    """A few sentences: what was found and where it is (`on_map`: marked on the Map panel)."""
    count = len(record.latents)
    what = "1 latent code" if count == 1 else f"{count} latent codes (one per frame)"
    text = f"Found {what}, {ORIGINS.get(record.origin, 'from the file')}."
    if record.map_points is not None and len(record.map_points):
        x, y = (float(v) for v in record.map_points[0])
        text += f" On the {record.map_method.upper()} map it sits at ({x:.2f}, {y:.2f})"
        if record.nearest_paths:
            text += f", nearest to {record.nearest_paths[0]}"
        text += ". It is marked on the Map panel." if on_map else "."
    return text


class RemixView(QFrame):
    sig_closed = Signal()
    sig_show_on_map = Signal(object)
    """The RemixRecord shown: the user asks to see it on the Map panel."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.record: RemixRecord | None = None
        self.title = QLabel()
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.close_button = QToolButton()
        self.close_button.setText("✕")
        self.close_button.setAutoRaise(True)
        self.close_button.setToolTip("Close")
        self.preview = AnimatedPreview()
        self.preview.setMaximumHeight(220)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.warning = MessageBanner()
        self.map_button = QPushButton("Show on the map")
        self.map_button.setToolTip("Switch to the Map panel, where this image is marked")
        self.nearest_label = QLabel("Nearest images of the project:")
        self.nearest = ImageGrid(max_scale=2, spacing=4)
        self.nearest.setMinimumHeight(64)
        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addLayout(header)
        layout.addWidget(self.preview)
        layout.addWidget(self.summary)
        layout.addWidget(self.warning)
        layout.addWidget(self.map_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.nearest_label)
        layout.addWidget(self.nearest)
        self.close_button.clicked.connect(self._on_close)
        self.map_button.clicked.connect(self._on_map_clicked)
        self.hide()

    def show_record(self, record: RemixRecord, on_map: bool = False) -> None:
        self.record = record
        self.title.setText(f"Remix: {Path(record.path).name}" if record.path else "Remix")
        self.preview.set_frames(record.images, fps=12.0)
        self.summary.setText(remix_summary(record, on_map))
        self.map_button.setVisible(on_map)
        if record.note:
            level = "info" if record.matches_model else "warning"
            self.warning.show_message(level, record.note[0].upper() + record.note[1:])
        else:
            self.warning.clear()
        has_nearest = record.nearest_images is not None and len(record.nearest_images) > 0
        self.nearest_label.setVisible(has_nearest)
        self.nearest.setVisible(has_nearest)
        self.nearest.set_images(record.nearest_images if has_nearest else None)
        self.nearest.setToolTip("\n".join(
            f"{path}  (distance {float(d):.2f})"
            for path, d in zip(record.nearest_paths, record.nearest_distances
                               if record.nearest_distances is not None else (), strict=False)))
        self.show()

    def _on_map_clicked(self) -> None:
        if self.record is not None:
            self.sig_show_on_map.emit(self.record)

    def _on_close(self) -> None:
        self.hide()
        self.sig_closed.emit()
