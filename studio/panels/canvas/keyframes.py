"""The keyframes that slerp, lerp and norm-lerp move through, in order (drag to reorder)."""

from __future__ import annotations

import itertools

import numpy as np
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QGridLayout,
    QListView,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio.contract.map_records import CurrentImage
from studio.widgets.qimage import array_to_qimage

ICON_PX = 48
MAX_KEYFRAMES = 16  # more keyframes than this make segments too short to see


class KeyframeList(QWidget):
    sig_changed = Signal()
    """Keyframes added, removed or reordered."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._entries: dict[int, CurrentImage] = {}
        self._ids = itertools.count()
        self.list = QListWidget()
        self.list.setViewMode(QListView.ViewMode.IconMode)
        self.list.setFlow(QListView.Flow.LeftToRight)
        self.list.setWrapping(True)
        self.list.setIconSize(QSize(ICON_PX, ICON_PX))
        self.list.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setFixedHeight(2 * ICON_PX + 40)  # two rows, then it scrolls
        self.list.setToolTip("Drag to reorder; select and press Remove to take keyframes out.")
        self.add_selection = QPushButton("Add map selection")
        self.add_selection.setToolTip("Add the images selected on the Map as keyframes")
        self.add_current = QPushButton("Add current image")
        self.remove = QPushButton("Remove")
        self.clear = QPushButton("Clear")
        buttons = QGridLayout()  # two by two: the tools column is narrow
        for number, button in enumerate((self.add_selection, self.add_current, self.remove,
                                         self.clear)):
            buttons.addWidget(button, number // 2, number % 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        self.remove.clicked.connect(self._on_remove)
        self.clear.clicked.connect(self.clear_all)
        self.list.model().rowsMoved.connect(self.sig_changed)
        self._update_buttons()

    def add(self, entries: list[CurrentImage]) -> int:
        """Append keyframes (up to MAX_KEYFRAMES in all); returns how many were added."""
        room = MAX_KEYFRAMES - len(self._entries)
        for entry in entries[:max(0, room)]:
            key = next(self._ids)
            self._entries[key] = entry
            image = array_to_qimage(np.ascontiguousarray(entry.image)).scaled(
                ICON_PX, ICON_PX, Qt.AspectRatioMode.KeepAspectRatio)
            item = QListWidgetItem(QIcon(QPixmap.fromImage(image)), "")
            item.setToolTip(entry.label)
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.list.addItem(item)
        added = min(len(entries), max(0, room))
        if added:
            self._update_buttons()
            self.sig_changed.emit()
        return added

    def keyframes(self) -> list[CurrentImage]:
        """In the order shown."""
        return [self._entries[self.list.item(row).data(Qt.ItemDataRole.UserRole)]
                for row in range(self.list.count())]

    def latents(self) -> np.ndarray:
        """(K, D) float32 latents of the keyframes, in order."""
        frames = self.keyframes()
        if not frames:
            return np.zeros((0, 0), np.float32)
        return np.stack([np.asarray(k.latent, np.float32) for k in frames])

    def clear_all(self) -> None:
        if self._entries:
            self.list.clear()
            self._entries.clear()
            self._update_buttons()
            self.sig_changed.emit()

    def _on_remove(self) -> None:
        for item in self.list.selectedItems():
            self._entries.pop(item.data(Qt.ItemDataRole.UserRole), None)
            self.list.takeItem(self.list.row(item))
        self._update_buttons()
        self.sig_changed.emit()

    def _update_buttons(self) -> None:
        self.remove.setEnabled(bool(self._entries))
        self.clear.setEnabled(bool(self._entries))
