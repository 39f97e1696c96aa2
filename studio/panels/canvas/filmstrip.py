"""The frames of the animation in a row: click one to show it, Ctrl/Shift-click to pick
several (for "Add selected frames" to the gallery)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QItemSelectionModel, QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QListView, QListWidget, QListWidgetItem, QWidget

from studio.widgets.qimage import array_to_qimage

ICON_PX = 56


class Filmstrip(QListWidget):
    sig_frame_chosen = Signal(int)
    """A frame clicked by the user."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(False)
        self.setMovement(QListView.Movement.Static)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setIconSize(QSize(ICON_PX, ICON_PX))
        self.setSpacing(2)
        self.setFixedHeight(ICON_PX + 44)
        self.setToolTip("Click a frame to show it; Ctrl- or Shift-click to pick several.")
        self.itemClicked.connect(self._on_item_clicked)

    def set_frames(self, images: np.ndarray | None) -> None:
        self.clear()
        for number, image in enumerate([] if images is None else images, start=1):
            picture = array_to_qimage(np.ascontiguousarray(image)).scaled(
                ICON_PX, ICON_PX, Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.FastTransformation)  # copies: the array may go
            self.addItem(QListWidgetItem(QIcon(QPixmap.fromImage(picture)), str(number)))

    def show_frame(self, index: int) -> None:
        """Make frame `index` current and visible without touching the picked frames."""
        item = self.item(index)
        if item is not None:
            self.setCurrentItem(item, QItemSelectionModel.SelectionFlag.NoUpdate)
            self.scrollToItem(item)

    def picked_rows(self) -> np.ndarray:
        return np.array(sorted(self.row(item) for item in self.selectedItems()), np.int64)

    def _on_item_clicked(self, item: QListWidgetItem) -> None:
        self.sig_frame_chosen.emit(self.row(item))
