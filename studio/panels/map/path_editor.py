"""Drawing and editing the path on the map, with the live preview of the image at the cursor.

A stroke drawn with the "Draw path" tool is decoded live at the cursor (through LiveDecoder:
one request in flight, latest wins); on release it is simplified to a few waypoints (snapped
to real images when asked) and announced as a PathRecord. Waypoints are edited in place: drag
a handle to move it, double-click the line to insert one, right-click a handle (or select it
and press Delete) to remove it.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Qt, Signal

from studio.contract.canvas_records import FramesKind, FramesResult
from studio.contract.canvas_state import CanvasState
from studio.contract.map_records import PathRecord, PointsDecoded
from studio.contract.map_state import MapState
from studio.panels.map.live import LiveDecoder
from studio.panels.map.path_model import PathModel
from studio.panels.map.plot import HANDLE_RADIUS_PX, MapPlot

SIMPLIFY_PX = 5.0  # drawn strokes are kept to within this many screen pixels
STROKE_STEP_PX = 2.0  # cursor moves shorter than this add no stroke point
INSERT_RADIUS_PX = 10.0  # double-clicks this close to the line insert a waypoint
# Spline smoothing of "Smooth" paths (models.latent_map.maths.resample_path): the RMS distance from
# the drawn lines may be 0.5% of the path's size: corners visibly round, and the curve passes
# within about 3% of the path's size of every waypoint (and of the images they are snapped to).
SMOOTHING = 0.005


class PathEditor(QObject):
    sig_path_changed = Signal(object)
    """PathRecord after a stroke or an edit (at least two waypoints), or None when cleared."""
    sig_preview = Signal(object, object)
    """((S, S, C) uint8 image, (2,) map point) decoded at the cursor."""

    def __init__(self, plot: MapPlot, map_state: MapState, canvas: CanvasState,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._plot = plot
        self._canvas = canvas  # its path_frames: how many frames a path's animation has
        self.path = PathModel()
        self.live = LiveDecoder(map_state, self)
        self.snap = False
        self.smooth = False
        self.active_row = -1
        self._stroke: list[np.ndarray] = []
        self._route: np.ndarray | None = None  # (n, 2) where the animation's frames lie
        view_box = plot.view_box
        view_box.handle_at = self.handle_at
        view_box.sig_stroke.connect(self._on_stroke)
        view_box.sig_handle.connect(self._on_handle)

    # --- public -------------------------------------------------------------------------------
    def handle_at(self, point: np.ndarray) -> int:
        return self.path.handle_at(point, HANDLE_RADIUS_PX * self._plot.pixel_size())

    def decode_at(self, point: np.ndarray) -> None:
        self.live.request(point)
        self._plot.set_markers(np.asarray(point).reshape(1, 2))

    def on_decoded(self, result: PointsDecoded) -> None:
        if self.live.accept(result):
            self.sig_preview.emit(result.images[0], result.points[0])

    def show_route(self, result: FramesResult) -> None:
        """Draw the route an animation of this path really takes (smoothed, resampled)."""
        points = result.points
        if result.kind != FramesKind.PATH or points is None or len(self.path) < 2:
            return
        tolerance = HANDLE_RADIUS_PX * self._plot.pixel_size()
        ends = np.stack([self.path.points[0], self.path.points[-1]])
        if np.allclose(points[[0, -1]], ends, atol=tolerance):  # an answer for this path
            self._route = np.asarray(points, np.float64)
            self._redraw()

    def record(self) -> PathRecord | None:
        if len(self.path) < 2 or self._plot.data is None:
            return None
        return self.path.record(self._plot.data.method, self._canvas.path_frames,
                                SMOOTHING if self.smooth else 0.0)

    def set_record(self, record: PathRecord) -> None:
        """Show a saved path (and animate it)."""
        self.path.set_points(record.points, record.snapped, record.name)
        self.smooth = record.smoothing > 0
        self._changed()

    def click(self, point: np.ndarray, button: Qt.MouseButton, double: bool) -> bool:
        """Path edits by clicking; True when the click was one."""
        row = self.handle_at(point)
        if button == Qt.MouseButton.RightButton and row >= 0:
            self.delete(row)
            return True
        if button != Qt.MouseButton.LeftButton:
            return False
        if double:
            radius = INSERT_RADIUS_PX * self._plot.pixel_size()
            inserted = self.path.insert_near(point, radius, self._snap_index())
            if inserted >= 0:
                self.active_row = inserted
                self._changed()
                return True
            return False
        if row >= 0:
            self.active_row = row
            self._redraw()
            return True
        return False

    def delete(self, row: int | None = None) -> None:
        """Remove waypoint `row` (the active one by default); a path needs two to stay."""
        row = self.active_row if row is None else row
        if not 0 <= row < len(self.path):
            return
        self.path.delete(row)
        self.active_row = -1
        if len(self.path) < 2:
            self.clear()
        else:
            self._changed()

    def clear(self) -> None:
        self.path.clear()
        self.active_row = -1
        self._plot.set_markers(np.zeros((0, 2)))
        self._changed()

    def refresh(self) -> None:
        """The map changed (rebuilt): snapped waypoints follow their images."""
        data = self._plot.data
        if data is None or not len(self.path):
            self._redraw()
            return
        for row, image in enumerate(self.path.snapped):
            if image is not None and image < data.count:
                self.path.points[row] = data.points[image]
        self._redraw()

    def announce(self) -> None:
        """Send the current path again (its frame count or smoothing changed)."""
        self.sig_path_changed.emit(self.record())

    # --- gestures -------------------------------------------------------------------------------
    def _on_stroke(self, phase: str, point: np.ndarray) -> None:
        step = STROKE_STEP_PX * self._plot.pixel_size()
        if phase == "start":
            self._stroke = [point]
        elif phase == "move" and np.linalg.norm(point - self._stroke[-1]) < step:
            return
        else:
            self._stroke.append(point)
        self._plot.set_stroke(np.array(self._stroke))
        self.decode_at(point)
        if phase == "finish":
            self._finish_stroke()

    def _finish_stroke(self) -> None:
        stroke, self._stroke = np.array(self._stroke), []
        self._plot.set_stroke(np.zeros((0, 2)))
        if len(stroke) < 2:
            return
        tolerance = SIMPLIFY_PX * self._plot.pixel_size()
        self.path.set_stroke(stroke, tolerance, self._snap_index())
        self.path.name = ""
        self.active_row = -1
        if len(self.path) < 2:
            self.clear()
        else:
            self._changed()

    def _on_handle(self, row: int, phase: str, point: np.ndarray) -> None:
        if not 0 <= row < len(self.path):
            return
        self.active_row = row
        self._route = None
        self.path.move(row, point, self._snap_index() if phase == "finish" else None)
        self.decode_at(self.path.points[row])
        if phase == "finish":
            self._changed()
        else:
            self._redraw()

    # --- helpers --------------------------------------------------------------------------------
    def _snap_index(self):
        return self._plot.index if self.snap and len(self._plot.index) else None

    def _redraw(self) -> None:
        self._plot.set_path(self.path.points, self.active_row, self._route)

    def _changed(self) -> None:
        self._route = None  # straight lines until the new route is rendered
        self._redraw()
        self.announce()
