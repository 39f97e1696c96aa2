"""Icons drawn as SVG in resources/icons/, tinted with the current palette's text colour.

The SVG files stroke with `currentColor`; we substitute the palette colour before rendering so
the same files read well in light and dark themes (a fixed black icon vanishes on dark grey).
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QByteArray, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

from studio.locations import APP_ICONS, ICONS, RESOURCES

__all__ = ["ICONS", "RESOURCES", "app_icon", "themed_icon"]
_SIZES = (16, 20, 24, 32, 48, 64)


@cache
def _svg_text(name: str) -> str:
    path = ICONS / f"{name}.svg"
    if not path.is_file():
        raise FileNotFoundError(f"icon {name!r} is missing from {ICONS}")
    return path.read_text(encoding="utf-8")


def _blank(pixels: int) -> QPixmap:
    pixmap = QPixmap(QSize(pixels, pixels))
    pixmap.fill(Qt.GlobalColor.transparent)
    return pixmap


def _render(svg: str, size: int, ratio: float, opacity: float) -> QPixmap:
    pixels = round(size * ratio)
    opaque = _blank(pixels)
    painter = QPainter(opaque)
    QSvgRenderer(QByteArray(svg.encode("utf-8"))).render(painter, QRectF(0, 0, pixels, pixels))
    painter.end()
    result = opaque
    if opacity < 1.0:  # SVG colours have no alpha, palette colours may: fade the whole icon
        result = _blank(pixels)
        painter = QPainter(result)
        painter.setOpacity(opacity)
        painter.drawPixmap(0, 0, opaque)
        painter.end()
    result.setDevicePixelRatio(ratio)
    return result


def themed_icon(name: str, color: QColor | None = None) -> QIcon:
    """The icon `name` drawn in `color` (default: the application palette's button text)."""
    if color is None:
        color = QGuiApplication.palette().color(QPalette.ColorRole.ButtonText)
    svg = _svg_text(name).replace("currentColor", color.name())
    screen = QGuiApplication.primaryScreen()
    ratio = screen.devicePixelRatio() if screen is not None else 1.0
    icon = QIcon()
    for size in _SIZES:
        icon.addPixmap(_render(svg, size, ratio, color.alphaF()))
    return icon


def app_icon() -> QIcon:
    """The application icon (its own colours, not tinted): the PNG of every size from 16 to
    512 (packaging/render_icons.py draws them from the SVG), or the SVG if they are missing."""
    pngs = sorted(APP_ICONS.glob("latentia-*.png"))
    if not pngs:
        return QIcon(str(ICONS / "latentia.svg"))
    icon = QIcon()
    for png in pngs:
        icon.addFile(str(png))
    return icon
