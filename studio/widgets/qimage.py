"""Numpy images to QImage without copying, and the checkerboard drawn under transparency."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPixmap

_FORMATS = {
    1: QImage.Format.Format_Grayscale8,
    3: QImage.Format.Format_RGB888,
    4: QImage.Format.Format_RGBA8888,  # straight (not premultiplied) alpha, as stored on disk
}


def as_image_batch(images: np.ndarray) -> np.ndarray:
    """A C-contiguous uint8 (N, H, W, C) batch; (H, W) or (H, W, C) inputs become N = 1.

    The result may be `images` itself (no copy) when it already fits.
    """
    batch = np.asarray(images)
    if batch.dtype != np.uint8:
        raise ValueError(f"images must be uint8, not {batch.dtype}")
    if batch.ndim == 2:  # (H, W) grey
        batch = batch[None, :, :, None]
    elif batch.ndim == 3:  # (H, W, C)
        batch = batch[None]
    if batch.ndim != 4 or batch.shape[-1] not in _FORMATS:
        raise ValueError(f"images must be (N, H, W, C) with C in 1, 3, 4, not {batch.shape}")
    return np.ascontiguousarray(batch)


def array_to_qimage(image: np.ndarray) -> QImage:
    """A QImage that views `image`, a C-contiguous uint8 (H, W, C) array, without copying.

    The QImage reads the array's memory, so the caller must keep `image` alive (and unchanged)
    for as long as the QImage is drawn.
    """
    if image.dtype != np.uint8 or image.ndim != 3 or not image.flags.c_contiguous:
        raise ValueError("expected a C-contiguous uint8 (H, W, C) array")
    height, width, channels = image.shape
    return QImage(image.data, width, height, width * channels, _FORMATS[channels])


def checkerboard_brush(square: int = 8, light: str = "#e6e6e6", dark: str = "#b3b3b3") -> QBrush:
    """A brush tiling grey squares, the usual backdrop that shows where an image is transparent."""
    tile = QPixmap(2 * square, 2 * square)
    tile.fill(QColor(light))
    painter = QPainter(tile)
    painter.fillRect(0, 0, square, square, QColor(dark))
    painter.fillRect(square, square, square, square, QColor(dark))
    painter.end()
    brush = QBrush(tile)
    brush.setStyle(Qt.BrushStyle.TexturePattern)
    return brush
