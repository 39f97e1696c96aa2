"""A grid of uint8 images (N, S, S, C) scaled to fit the widget.

Small images are enlarged by whole factors with nearest-neighbour sampling so each pixel stays a
crisp square (a 32x32 sprite is unreadable when smoothed); larger ones are shrunk smoothly.
Images with an alpha channel are drawn over a checkerboard so transparency is visible.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QImage, QMouseEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from studio.widgets.qimage import array_to_qimage, as_image_batch, checkerboard_brush


@dataclass(frozen=True)
class GridLayout:
    """Where the cells go: `columns` x `rows` cells of `cell` pixels, starting at `origin`."""

    columns: int
    rows: int
    cell: int
    origin: QPoint

    def rect(self, index: int, spacing: int) -> QRect:
        row, column = divmod(index, self.columns)
        step = self.cell + spacing
        return QRect(self.origin.x() + column * step, self.origin.y() + row * step,
                     self.cell, self.cell)


def fit_cell(available: float, image_size: int, max_scale: int) -> int:
    """Cell size for `available` pixels: a whole multiple of the image size when enlarging."""
    if available >= image_size:
        return image_size * max(1, min(max_scale, int(available // image_size)))
    return max(1, int(available))


def plan_grid(count: int, image_size: int, area: QSize, spacing: int, columns: int | None,
              max_scale: int) -> GridLayout:
    """The layout that shows `count` images as large as possible inside `area`."""
    candidates = [columns] if columns else range(1, count + 1)
    best = GridLayout(1, count, 1, QPoint(0, 0))
    for cols in candidates:
        rows = math.ceil(count / cols)
        room = min((area.width() - (cols - 1) * spacing) / cols,
                   (area.height() - (rows - 1) * spacing) / rows)
        cell = fit_cell(room, image_size, max_scale)
        if cell > best.cell:
            best = GridLayout(cols, rows, cell, QPoint(0, 0))
    width = best.columns * best.cell + (best.columns - 1) * spacing
    height = best.rows * best.cell + (best.rows - 1) * spacing
    origin = QPoint(max(0, (area.width() - width) // 2), max(0, (area.height() - height) // 2))
    return GridLayout(best.columns, best.rows, best.cell, origin)


class ImageGrid(QWidget):
    sig_image_clicked = Signal(int)
    """Index of the image under a left click."""

    def __init__(self, columns: int | None = None, placeholder: str = "", max_scale: int = 8,
                 spacing: int = 4, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._columns = columns
        self._placeholder = placeholder
        self._max_scale = max_scale
        self._spacing = spacing
        self._images: np.ndarray | None = None  # kept alive: the QImages below view its memory
        self._qimages: list[QImage] = []
        self._checkerboard = checkerboard_brush()
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(48, 48)

    def set_images(self, images: np.ndarray | None) -> None:
        """Show uint8 (N, S, S, C) images (C = 1, 3 or 4); None or N = 0 shows the placeholder."""
        if images is None or len(images) == 0:
            self._images, self._qimages = None, []
        else:
            self._images = as_image_batch(images)
            self._qimages = [array_to_qimage(image) for image in self._images]
        self.update()

    def set_placeholder(self, text: str) -> None:
        self._placeholder = text
        self.update()

    def set_columns(self, columns: int | None) -> None:
        self._columns = columns
        self.update()

    def images(self) -> np.ndarray | None:
        return self._images

    def image_count(self) -> int:
        return len(self._qimages)

    def layout_plan(self) -> GridLayout | None:
        """The current cell layout, or None when there is nothing to show."""
        if self._images is None:
            return None
        columns = min(self._columns, len(self._qimages)) if self._columns else None
        return plan_grid(len(self._qimages), self._images.shape[1], self.contentsRect().size(),
                         self._spacing, columns, self._max_scale)

    def cell_rect(self, index: int) -> QRect:
        plan = self.layout_plan()
        if plan is None or not 0 <= index < len(self._qimages):
            return QRect()
        return plan.rect(index, self._spacing).translated(self.contentsRect().topLeft())

    def index_at(self, pos: QPoint) -> int:
        """Index of the image under `pos`, or -1."""
        for index in range(len(self._qimages)):
            if self.cell_rect(index).contains(pos):
                return index
        return -1

    def sizeHint(self) -> QSize:
        if self._images is None:
            return QSize(160, 80)
        columns = self._columns or min(len(self._qimages), 8)
        rows = math.ceil(len(self._qimages) / columns)
        size = self._images.shape[1]
        return QSize(columns * (size + self._spacing), rows * (size + self._spacing))

    def mousePressEvent(self, event: QMouseEvent) -> None:
        index = self.index_at(event.position().toPoint())
        if event.button() == Qt.MouseButton.LeftButton and index >= 0:
            self.sig_image_clicked.emit(index)
        super().mousePressEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        plan = self.layout_plan()
        if plan is None:
            self._paint_placeholder(painter)
            return
        has_alpha = self._images.shape[-1] == 4
        # Smooth only when shrinking: enlarged pixels must stay hard-edged squares.
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform,
                              plan.cell < self._images.shape[1])
        for index, image in enumerate(self._qimages):
            rect = self.cell_rect(index)
            if has_alpha:
                painter.setBrushOrigin(rect.topLeft())
                painter.fillRect(rect, self._checkerboard)
            painter.drawImage(rect, image)
        painter.end()

    def _paint_placeholder(self, painter: QPainter) -> None:
        if self._placeholder:
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.contentsRect(),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             self._placeholder)
        painter.end()
