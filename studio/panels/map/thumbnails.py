"""Images drawn on the map: small thumbnails in place of dots, and the hover tip.

Thumbnails are shown only for points in view, at most one per thumbnail-sized square of the
screen (so they never pile up) and at most `cap` in all, from a fixed pool of
QGraphicsPixmapItems that ignore the view's zoom (they keep their pixel size).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPixmapItem

from studio.panels.map.geometry import spread_in_view
from studio.panels.map.palette import cluster_color
from studio.widgets.qimage import array_to_qimage

THUMBNAIL_PX = 44  # on screen, border included
THUMBNAIL_CAP = 250  # pixmap items at most: drawing stays fast when zoomed out
CACHE_LIMIT = 4 * THUMBNAIL_CAP  # pixmaps kept for panning back and forth
TIP_PX = 112  # the hover tip, at least this big on screen
BORDER = 1


def framed_pixmap(image: np.ndarray, frame: QColor) -> QPixmap:
    """`image` (T, T, C) uint8 on a `frame`-coloured square 2 pixels bigger."""
    size = image.shape[0]
    pixmap = QPixmap(size + 2 * BORDER, size + 2 * BORDER)
    pixmap.fill(frame)
    painter = QPainter(pixmap)
    painter.drawImage(BORDER, BORDER, array_to_qimage(np.ascontiguousarray(image)))
    painter.end()
    return pixmap


def _pixmap_item(z: float) -> QGraphicsPixmapItem:
    item = QGraphicsPixmapItem()
    item.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIgnoresTransformations)
    item.setTransformationMode(Qt.TransformationMode.FastTransformation)  # crisp pixels
    item.setZValue(z)
    item.hide()
    return item


class ThumbnailLayer:
    """A pool of pixmap items over the ViewBox `view_box` showing images of visible points."""

    def __init__(self, view_box, z: float = 5.0) -> None:
        self._view_box = view_box
        self._items = [_pixmap_item(z) for _ in range(THUMBNAIL_CAP)]
        for item in self._items:
            view_box.addItem(item, ignoreBounds=True)
        self._images: np.ndarray | None = None
        self._labels: np.ndarray | None = None
        self._points: np.ndarray | None = None
        self._cache: dict[int, QPixmap] = {}
        self.shown = np.zeros(0, np.int64)  # indices drawn now
        self.enabled = False

    def set_data(self, points: np.ndarray, images: np.ndarray, labels: np.ndarray) -> None:
        self._points, self._images, self._labels = points, images, labels
        self._cache.clear()
        self.refresh()

    def set_enabled(self, enabled: bool) -> None:
        self.enabled = enabled
        self.refresh()

    def refresh(self) -> None:
        """Show thumbnails for the points in view (call after the view range changes)."""
        chosen = np.zeros(0, np.int64)
        if self.enabled and self._points is not None and len(self._points):
            rect = self._view_box.viewRect()
            pixel = max(self._view_box.viewPixelSize())  # map units per screen pixel
            low = np.array([rect.left(), rect.top()])
            high = np.array([rect.right(), rect.bottom()])
            chosen = spread_in_view(self._points, np.minimum(low, high), np.maximum(low, high),
                                    THUMBNAIL_PX * pixel, THUMBNAIL_CAP)
        self._place(chosen)

    def _place(self, chosen: np.ndarray) -> None:
        if len(self._cache) > CACHE_LIMIT:
            self._cache.clear()
        for item, index in zip(self._items, chosen, strict=False):
            pixmap = self._pixmap(int(index))
            item.setPixmap(pixmap)
            item.setScale(THUMBNAIL_PX / pixmap.width())
            item.setOffset(-pixmap.width() / 2, -pixmap.height() / 2)
            x, y = self._points[index]
            item.setPos(QPointF(float(x), float(y)))
            item.show()
        for item in self._items[len(chosen):]:
            item.hide()
        self.shown = chosen

    def _pixmap(self, index: int) -> QPixmap:
        pixmap = self._cache.get(index)
        if pixmap is None:
            pixmap = framed_pixmap(self._images[index], cluster_color(int(self._labels[index])))
            self._cache[index] = pixmap
        return pixmap


class HoverTip:
    """The enlarged image of the point under the cursor, drawn beside it."""

    def __init__(self, view_box, z: float = 20.0) -> None:
        self.item = _pixmap_item(z)
        view_box.addItem(self.item, ignoreBounds=True)
        self.index = -1

    def show(self, index: int, position: np.ndarray, image: np.ndarray, frame: QColor) -> None:
        pixmap = framed_pixmap(image, frame)
        scale = max(1, round(TIP_PX / image.shape[0]))  # whole factors keep pixels square
        self.item.setPixmap(pixmap)
        self.item.setScale(scale)
        self.item.setOffset(QPointF(6 / scale, -pixmap.height() - 6 / scale))  # up-right
        self.item.setPos(QPointF(float(position[0]), float(position[1])))
        self.item.show()
        self.index = index

    def hide(self) -> None:
        self.item.hide()
        self.index = -1

    def bounds(self) -> QRectF:
        return self.item.sceneBoundingRect()
