"""The map's ViewBox: turns mouse gestures into map-level signals, in map (view) units.

Left-drag does what the active tool says: "draw" a path, "select" a rectangle, "lasso" a free
shape, or "pan". Shift-drag always selects a rectangle and Ctrl- or Alt-drag always lassos, so
selecting never needs a tool change; the middle button always pans, the right button zooms and
the wheel zooms, as everywhere in pyqtgraph. A left-drag that starts on a waypoint handle
moves that waypoint, whatever the tool.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt, Signal
from PySide6.QtWidgets import QApplication

TOOLS = ("draw", "select", "lasso", "pan")
DOUBLE_CLICK_SLOP_PX = 6  # the two clicks of a double-click may be this far apart
_LEFT = Qt.MouseButton.LeftButton
_RIGHT = Qt.MouseButton.RightButton


def as_point(pos: QPointF) -> np.ndarray:
    return np.array([pos.x(), pos.y()], dtype=np.float64)


class MapViewBox(pg.ViewBox):
    sig_stroke = Signal(str, object)
    """(phase "start" | "move" | "finish", (2,) map point): the draw tool's drag."""
    sig_handle = Signal(int, str, object)
    """(waypoint row, phase, (2,) map point): a waypoint dragged."""
    sig_region = Signal(str, object, bool)
    """(shape "rect" | "lasso", (K, 2) map points, finished): a selection being made."""
    sig_clicked = Signal(object, object, bool)
    """((2,) map point, Qt.MouseButton, double click): a click that was not a drag."""

    def __init__(self) -> None:
        super().__init__(lockAspect=True, enableMenu=True)
        self.tool = "draw"
        self.handle_at: Callable[[np.ndarray], int] = lambda point: -1
        self._gesture = ""  # "" | "pan" | "draw" | "select" | "lasso" | "handle"
        self._handle_row = -1
        self._trace: list[np.ndarray] = []
        self._last_click: tuple[float, QPointF] | None = None

    def gesture(self) -> str:
        """The drag in progress ("" when none)."""
        return self._gesture

    def mouseDragEvent(self, ev, axis=None) -> None:
        if axis is not None or ev.button() != _LEFT:
            super().mouseDragEvent(ev, axis)
            return
        if ev.isStart():
            self._begin(ev)
        if self._gesture in ("pan", ""):
            super().mouseDragEvent(ev, axis)
        else:
            ev.accept()
            self._continue(as_point(self.mapToView(ev.pos())), ev.isStart(), ev.isFinish())
        if ev.isFinish():
            self._gesture, self._handle_row, self._trace = "", -1, []

    def _begin(self, ev) -> None:
        start = as_point(self.mapToView(ev.buttonDownPos()))
        modifiers = ev.modifiers()
        self._handle_row = self.handle_at(start)
        if self._handle_row >= 0:
            self._gesture = "handle"
        elif modifiers & Qt.KeyboardModifier.ShiftModifier:
            self._gesture = "select"
        elif modifiers & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier):
            self._gesture = "lasso"
        else:
            self._gesture = self.tool
        self._trace = [start]
        if self._gesture == "draw":
            self.sig_stroke.emit("start", start)

    def _continue(self, point: np.ndarray, starting: bool, finished: bool) -> None:
        phase = "finish" if finished else ("start" if starting else "move")
        if self._gesture == "draw":
            self.sig_stroke.emit("finish" if finished else "move", point)
        elif self._gesture == "handle":
            self.sig_handle.emit(self._handle_row, phase, point)
        elif self._gesture == "select":
            self.sig_region.emit("rect", np.stack([self._trace[0], point]), finished)
        elif self._gesture == "lasso":
            self._trace.append(point)
            self.sig_region.emit("lasso", np.stack(self._trace), finished)

    def mouseClickEvent(self, ev) -> None:
        point = as_point(self.mapToView(ev.pos()))
        if ev.button() == _RIGHT and self.handle_at(point) < 0:
            super().mouseClickEvent(ev)  # the view's context menu
            return
        if ev.button() in (_LEFT, _RIGHT):
            ev.accept()
            self.sig_clicked.emit(point, ev.button(), self._is_double(ev))

    def _is_double(self, ev) -> bool:
        """pyqtgraph reports the second click of a double-click as a plain click (its scene
        turns Qt's double-click event into a press), so double-clicks are recognised here:
        a second left click soon after the first, at about the same place."""
        now, where = time.monotonic(), ev.screenPos()
        previous, self._last_click = self._last_click, (now, where)
        if ev.double():
            return True
        if ev.button() != _LEFT or previous is None:
            return False
        interval = QApplication.doubleClickInterval() / 1000.0
        moved = (where - previous[1]).manhattanLength()
        if now - previous[0] <= interval and moved <= DOUBLE_CLICK_SLOP_PX:
            self._last_click = None  # a third click starts again
            return True
        return False
