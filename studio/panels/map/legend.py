"""The cluster legend: a colour, a name (double-click to rename) and a count per cluster."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QTreeWidget, QTreeWidgetItem, QWidget

from studio.panels.map.palette import cluster_color

SWATCH_PX = 12


def swatch(color: QColor) -> QIcon:
    pixmap = QPixmap(SWATCH_PX, SWATCH_PX)
    pixmap.fill(color)
    return QIcon(pixmap)


class ClusterLegend(QTreeWidget):
    sig_rename = Signal(int, str)
    """(cluster, new name) typed by the user."""
    sig_cluster_clicked = Signal(int)
    """A cluster's row was clicked: select its images."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setColumnCount(2)
        self.setHeaderLabels(["Cluster", "Images"])
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setEditTriggers(QAbstractItemView.EditTrigger.DoubleClicked
                             | QAbstractItemView.EditTrigger.EditKeyPressed)
        self.setToolTip("Double-click a name to rename the cluster; click a row to select its "
                        "images.")
        self._names: tuple[str, ...] = ()
        self.itemChanged.connect(self._on_item_changed)
        self.itemClicked.connect(self._on_item_clicked)

    def set_clusters(self, names: tuple[str, ...], labels: np.ndarray) -> None:
        sizes = np.bincount(labels, minlength=len(names)) if len(labels) else [0] * len(names)
        self.blockSignals(True)
        self.clear()
        for cluster, name in enumerate(names):
            item = QTreeWidgetItem([name, f"{int(sizes[cluster]):,}"])
            item.setIcon(0, swatch(cluster_color(cluster)))
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsEditable)
            item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.addTopLevelItem(item)
        self.resizeColumnToContents(1)
        self.blockSignals(False)
        self._names = tuple(names)

    def set_names(self, names: tuple[str, ...]) -> None:
        if len(names) != self.topLevelItemCount():
            return
        self.blockSignals(True)
        for cluster, name in enumerate(names):
            self.topLevelItem(cluster).setText(0, name)
        self.blockSignals(False)
        self._names = tuple(names)

    def names(self) -> tuple[str, ...]:
        return self._names

    def _on_item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        cluster = self.indexOfTopLevelItem(item)
        if column != 0 or cluster < 0 or item.text(0) == self._names[cluster]:
            return
        self.sig_rename.emit(cluster, item.text(0).strip())

    def _on_item_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        self.sig_cluster_clicked.emit(self.indexOfTopLevelItem(item))
