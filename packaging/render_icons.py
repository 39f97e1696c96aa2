"""Render the app icon resources/icons/latentia.svg to the PNG sizes desktops ask for.

    .venv/bin/python packaging/render_icons.py

Writes resources/icons/app/latentia-SIZE.png for every size in ICON_SIZES (the hicolor theme's
usual sizes, 16 to 512). Run it again after editing the SVG; tests/studio/test_desktop_files.py
checks that every size is there and drawn.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def render(svg: Path, size: int, out: Path) -> None:
    from PySide6.QtCore import QRectF, Qt
    from PySide6.QtGui import QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    QSvgRenderer(str(svg)).render(painter, QRectF(0, 0, size, size))
    painter.end()
    tmp = out.with_name(out.name + ".tmp.png")
    if not image.save(str(tmp), "PNG"):
        raise OSError(f"could not write {tmp}")
    tmp.replace(out)


def main() -> int:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtGui import QGuiApplication

    from studio.locations import APP_ICONS, ICONS, app_icon_png

    _app = QGuiApplication.instance() or QGuiApplication([])
    APP_ICONS.mkdir(parents=True, exist_ok=True)
    for size in ICON_SIZES:
        render(ICONS / "latentia.svg", size, app_icon_png(size))
        print(f"wrote {app_icon_png(size).relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
