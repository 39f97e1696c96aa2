"""The column beside the map: the live preview, the clicked image and its reconstruction, the
selection, the cluster legend and the saved paths."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from studio.contract.map_records import ImagePair
from studio.panels.map.labels_box import LabelsBox
from studio.panels.map.legend import ClusterLegend
from studio.panels.map.paths_box import PathsBox
from studio.widgets.collapsible import CollapsibleSection
from studio.widgets.hint import hint_label
from studio.widgets.image_grid import ImageGrid

SIDEBAR_WIDTH = 300
SELECTION_SHOWN = 24  # thumbnails of the selection shown at most


def _heading(text: str) -> QLabel:
    label = QLabel(f"<b>{text}</b>")
    return label


class MapSidebar(QScrollArea):
    sig_use_in_canvas = Signal()
    sig_clear_selection = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.preview = ImageGrid(columns=1, placeholder="Drag on the map: the image the model "
                                                        "draws at the cursor appears here.")
        self.preview.setMinimumHeight(200)
        self.preview_caption = hint_label("Hover a dot to see its image.")
        self.pair = ImageGrid(columns=2, placeholder="Click a dot to compare an image with the "
                                                     "model's reconstruction of it.")
        self.pair.setMinimumHeight(110)
        self.pair_caption = hint_label()
        self.use_in_canvas = QPushButton("Work on it in the Canvas")
        self.use_in_canvas.setEnabled(False)
        self.selection_label = hint_label("No images selected. Shift-drag a rectangle or Ctrl-drag "
                                        "a lasso to select.")
        self.selection_grid = ImageGrid(columns=6, max_scale=2, spacing=2)
        self.selection_grid.setMinimumHeight(0)
        self.selection_grid.hide()
        self.clear_selection = QPushButton("Clear selection")
        self.clear_selection.setEnabled(False)
        self.legend = ClusterLegend()
        self.legend.setMinimumHeight(140)
        self.labels = LabelsBox()
        self.paths = PathsBox()
        self._build_layout()
        self.use_in_canvas.clicked.connect(self.sig_use_in_canvas)
        self.clear_selection.clicked.connect(self.sig_clear_selection)

    def _build_layout(self) -> None:
        column = QWidget()
        layout = QVBoxLayout(column)
        layout.setContentsMargins(6, 0, 6, 6)
        layout.addWidget(_heading("Preview"))
        layout.addWidget(self.preview, 3)
        layout.addWidget(self.preview_caption)
        layout.addWidget(_heading("Image and reconstruction"))
        layout.addWidget(self.pair, 2)
        layout.addWidget(self.pair_caption)
        layout.addWidget(self.use_in_canvas)
        layout.addWidget(_heading("Selection"))
        layout.addWidget(self.selection_label)
        layout.addWidget(self.selection_grid)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.clear_selection)
        layout.addLayout(row)
        layout.addWidget(CollapsibleSection("Clusters", self.legend, expanded=True))
        layout.addWidget(CollapsibleSection("Labels", self.labels, expanded=True))
        layout.addWidget(CollapsibleSection("Saved paths", self.paths, expanded=True))
        layout.addStretch(1)
        self.setWidget(column)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setMinimumWidth(SIDEBAR_WIDTH)
        self.setMaximumWidth(int(SIDEBAR_WIDTH * 1.4))

    def show_preview(self, image: np.ndarray | None, caption: str) -> None:
        self.preview.set_images(None if image is None else image[None])
        self.preview_caption.setText(caption)

    def show_pair(self, pair: ImagePair | None, caption: str = "") -> None:
        if pair is None:
            self.pair.set_images(None)
        else:
            self.pair.set_images(np.stack([pair.original, pair.reconstruction]))
        self.pair_caption.setText(caption)
        self.use_in_canvas.setEnabled(pair is not None)

    def show_selection(self, thumbnails: np.ndarray | None, count: int) -> None:
        if count == 0 or thumbnails is None:
            self.selection_label.setText("No images selected. Shift-drag a rectangle or "
                                         "Ctrl-drag a lasso to select.")
            self.selection_grid.set_images(None)
            self.selection_grid.hide()
        else:
            more = f" (first {SELECTION_SHOWN} shown)" if count > SELECTION_SHOWN else ""
            self.selection_label.setText(f"{count:,} image{'s' if count != 1 else ''} "
                                         f"selected{more}. Use them as keyframes or for an "
                                         "attribute on the Canvas.")
            self.selection_grid.set_images(thumbnails[:SELECTION_SHOWN])
            rows = (min(count, SELECTION_SHOWN) + 5) // 6
            self.selection_grid.setFixedHeight(rows * 44)
            self.selection_grid.show()
        self.clear_selection.setEnabled(count > 0)
