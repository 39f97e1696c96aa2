"""pyqtgraph colours taken from the Qt palette, so plots follow the light or dark theme."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QWidget

# Series colours that read on both white and near-black backgrounds.
TRAIN_COLOR = "#3d8fd1"
VALIDATION_COLOR = "#e8710a"


def style_plot(widget: QWidget, graphics: pg.GraphicsView, plots: list[pg.PlotItem]) -> None:
    """Paint `graphics` and its `plots` with `widget`'s palette (Base background, Text axes)."""
    palette = widget.palette()
    text = palette.color(QPalette.ColorRole.Text)
    graphics.setBackground(palette.color(QPalette.ColorRole.Base))
    for plot in plots:
        for name in ("left", "bottom"):
            axis = plot.getAxis(name)
            axis.setPen(pg.mkPen(palette.color(QPalette.ColorRole.Mid)))
            axis.setTextPen(pg.mkPen(text))
        plot.titleLabel.setAttr("color", text.name())
        plot.titleLabel.setText(plot.titleLabel.text)
