"""The map itself: every image as a dot coloured by cluster, plus the layers drawn over it.

Built to stay smooth with 20,000+ points (tests/benchmarks/bench_map_view.py): one
ScatterPlotItem holding all points with `data=np.arange(n)`, one shared brush per cluster (so
pyqtgraph renders k sprites, not n), `useCache`; hover picking goes through a KD-tree
(picking.MapIndex), never per-point items; thumbnails come from a capped pool.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QPainterPath, QPalette, QPixmap, QTransform
from PySide6.QtWidgets import QGraphicsPathItem, QGraphicsPixmapItem, QVBoxLayout, QWidget

from studio.contract.map_records import MapData
from studio.contract.map_state import MapState
from studio.panels.map.palette import PATH_COLOR, group_brushes, group_color
from studio.panels.map.picking import MapIndex
from studio.panels.map.thumbnails import HoverTip, ThumbnailLayer
from studio.panels.map.viewbox import MapViewBox, as_point
from studio.widgets.qimage import array_to_qimage

HOVER_RADIUS_PX = 7  # how near (on screen) the cursor must be to a dot to pick it
HANDLE_RADIUS_PX = 9  # grab distance of a waypoint handle
THUMBNAIL_DELAY_MS = 40  # re-place thumbnails this long after the view stops changing
DENSITY_ALPHA = 120  # of the densest shading


class InertScatter(pg.ScatterPlotItem):
    """Dots that let clicks through to the ViewBox, which picks through the KD-tree
    (pyqtgraph's own pointsAt() scans every point, and a marker must not swallow a click)."""

    def mouseClickEvent(self, ev) -> None:
        ev.ignore()


class MapPlot(QWidget):
    sig_hovered = Signal(int)
    """Index of the image under the cursor, or -1 when none."""

    def __init__(self, map_state: MapState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._map_state = map_state  # owns the map; the plot draws it and never keeps a copy
        self.view_box = MapViewBox()
        self.graphics = pg.PlotWidget(viewBox=self.view_box)
        self.plot_item = self.graphics.getPlotItem()
        for axis in ("left", "bottom"):
            self.plot_item.hideAxis(axis)
        self.index = MapIndex(np.zeros((0, 2)))
        self.colour_by = "cluster"  # or "label", for a project with labels
        self._build_layers()
        self.thumbnails = ThumbnailLayer(self.view_box)
        self.tip = HoverTip(self.view_box)
        self._thumb_timer = QTimer(self)
        self._thumb_timer.setSingleShot(True)
        self._thumb_timer.setInterval(THUMBNAIL_DELAY_MS)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.graphics)
        self._thumb_timer.timeout.connect(self.thumbnails.refresh)
        self.view_box.sigRangeChanged.connect(self._on_range_changed)
        self.graphics.scene().sigMouseMoved.connect(self._on_mouse_moved)
        self._update_colors()

    def _build_layers(self) -> None:
        add = self.view_box.addItem
        self.density = QGraphicsPixmapItem()  # smoothly scaled, unlike pyqtgraph's ImageItem
        self.density.setTransformationMode(Qt.TransformationMode.SmoothTransformation)
        self.density.setZValue(-10)
        self.density.hide()
        self.scatter = InertScatter(pxMode=True, useCache=True, size=6, pen=None)
        self.selection = InertScatter(pxMode=True, size=11, brush=None)
        self.selection.setZValue(3)
        path_pen = pg.mkPen(PATH_COLOR, width=3)
        self.path_curve = pg.PlotCurveItem(pen=path_pen)
        self.stroke_curve = pg.PlotCurveItem(pen=pg.mkPen(PATH_COLOR, width=2,
                                                          style=Qt.PenStyle.DashLine))
        self.handles = InertScatter(pxMode=True, size=12, pen=pg.mkPen(PATH_COLOR, width=2))
        self.markers = InertScatter(pxMode=True, size=16, brush=None,
                                    pen=pg.mkPen(PATH_COLOR, width=3))
        self.frame_marker = InertScatter(pxMode=True, size=10, brush=pg.mkBrush(PATH_COLOR),
                                         pen=pg.mkPen("w", width=1.5))
        self.region = QGraphicsPathItem()
        region_pen = pg.mkPen(PATH_COLOR, width=1.5, style=Qt.PenStyle.DashLine)
        region_pen.setCosmetic(True)
        self.region.setPen(region_pen)
        for z, item in enumerate((self.path_curve, self.stroke_curve, self.handles,
                                  self.frame_marker, self.markers, self.region), start=8):
            item.setZValue(z)
        add(self.density, ignoreBounds=True)
        add(self.scatter)
        for item in (self.selection, self.path_curve, self.stroke_curve, self.handles,
                     self.frame_marker, self.markers, self.region):
            add(item, ignoreBounds=True)

    # --- data ---------------------------------------------------------------------------------
    @property
    def data(self) -> MapData | None:
        """The map drawn: the one `MapState` holds."""
        return self._map_state.data

    def show_map(self, point_size: float) -> None:
        """Draw the map `MapState` holds now (nothing when it holds none)."""
        data = self.data
        self.tip.hide()
        if data is None:
            self.scatter.clear()
            self.index = MapIndex(np.zeros((0, 2)))
            self.set_selection(np.zeros(0, np.int64))
            self.thumbnails.set_data(np.zeros((0, 2)), np.zeros((0, 1, 1, 3), np.uint8),
                                     np.zeros(0, np.int64))
            return
        self.index = MapIndex(data.points)
        groups, brushes = self._groups()
        self.scatter.setData(pos=data.points, data=np.arange(data.count), size=point_size,
                             brush=[brushes[group] for group in groups])
        self._update_density()
        self.thumbnails.set_data(data.points, data.thumbnails, groups)
        self.set_selection(np.zeros(0, np.int64))
        self.view_box.autoRange(padding=0.05)

    def set_colour_by(self, colour_by: str) -> None:
        """Colour the dots by "cluster" or by "label" (grey: no label)."""
        self.colour_by = colour_by
        data = self.data
        if data is not None and len(self.scatter.data) == data.count:  # else show_map will
            groups, brushes = self._groups()
            self.scatter.setBrush([brushes[group] for group in groups])
            self.thumbnails.set_data(data.points, data.thumbnails, groups)

    def _groups(self) -> tuple[np.ndarray, list]:
        """Each image's colour group (N,) and one brush per group."""
        data = self.data
        if self.colour_by == "label" and data.image_labels is not None:
            count = len(data.label_names)
            groups = np.where(data.image_labels >= 0, data.image_labels, count)
            return groups, group_brushes(count + 1, unlabelled_last=True)
        return data.labels, group_brushes(data.k, unlabelled_last=False)

    def group_color(self, index: int):
        """The colour of image `index`'s dot."""
        groups, _brushes = self._groups()
        labelled = self.colour_by == "label" and self.data.image_labels is not None
        count = len(self.data.label_names) + 1 if labelled else self.data.k
        return group_color(int(groups[index]), count, labelled)

    def set_point_size(self, size: float) -> None:
        self.scatter.setSize(size)

    def set_density_visible(self, visible: bool) -> None:
        self.density.setVisible(visible and self.data is not None)

    def set_thumbnails_visible(self, visible: bool) -> None:
        self.thumbnails.set_enabled(visible)

    def set_selection(self, indices: np.ndarray) -> None:
        if self.data is None or len(indices) == 0:
            self.selection.clear()
            return
        self.selection.setData(pos=self.data.points[indices])

    # --- the path and the markers -------------------------------------------------------------
    def set_path(self, points: np.ndarray, active_row: int = -1,
                 curve: np.ndarray | None = None) -> None:
        """Waypoints (K, 2) with a handle each (the active one filled), joined by `curve`
        (M, 2), the route the animation takes, or by straight lines until it is known."""
        if len(points) == 0:
            self.path_curve.clear()
            self.handles.clear()
            return
        line = points if curve is None else curve
        self.path_curve.setData(line[:, 0], line[:, 1])
        base = self.palette().color(QPalette.ColorRole.Base)
        brushes = [pg.mkBrush(PATH_COLOR if row == active_row else base)
                   for row in range(len(points))]
        self.handles.setData(pos=points, brush=brushes)

    def set_stroke(self, points: np.ndarray) -> None:
        """The stroke being drawn (M, 2), before it becomes waypoints."""
        if len(points) < 2:
            self.stroke_curve.clear()
        else:
            self.stroke_curve.setData(points[:, 0], points[:, 1])

    def set_markers(self, points: np.ndarray) -> None:
        """Rings at (M, 2) map points: where the preview was decoded."""
        if len(points) == 0:
            self.markers.clear()
        else:
            self.markers.setData(pos=np.asarray(points, dtype=np.float64).reshape(-1, 2))

    def set_frame_marker(self, point: np.ndarray | None) -> None:
        """A dot where the frame the Canvas shows sits on the map (None: no dot)."""
        if point is None:
            self.frame_marker.clear()
        else:
            self.frame_marker.setData(pos=np.asarray(point, dtype=np.float64).reshape(1, 2))

    def set_region(self, shape: str, points: np.ndarray | None) -> None:
        """Outline of a selection being made: a rectangle (2 corners) or a lasso (K, 2)."""
        outline = QPainterPath()
        if points is not None and shape == "rect":
            (x0, y0), (x1, y1) = points[0], points[-1]
            outline.addRect(QRectF(min(x0, x1), min(y0, y1), abs(x1 - x0), abs(y1 - y0)))
        elif points is not None and len(points) > 1:
            outline.moveTo(*points[0])
            for x, y in points[1:]:
                outline.lineTo(x, y)
            outline.closeSubpath()
        self.region.setPath(outline)

    # --- helpers --------------------------------------------------------------------------------
    def pixel_size(self) -> float:
        """Map units per screen pixel (the aspect is locked, so x and y agree)."""
        size = self.view_box.viewPixelSize()
        return float(max(size)) if size[0] > 0 else 1.0

    def pick(self, point: np.ndarray) -> int:
        """The image whose dot is under map `point`, or -1."""
        radius = (max(HOVER_RADIUS_PX, self.scatter.opts["size"] / 2 + 2)) * self.pixel_size()
        return self.index.nearest(point, radius)

    def hide_tip(self) -> None:
        if self.tip.index >= 0:
            self.tip.hide()
            self.sig_hovered.emit(-1)

    def _on_mouse_moved(self, scene_pos) -> None:
        if self.data is None:
            return
        if self.view_box.gesture():  # drawing or selecting: the tip would hide the map
            self.hide_tip()
            return
        if not self.view_box.sceneBoundingRect().contains(scene_pos):
            self.hide_tip()
            return
        point = as_point(self.view_box.mapSceneToView(scene_pos))
        index = self.pick(point)
        if index < 0:
            self.hide_tip()
        elif index != self.tip.index:
            self.tip.show(index, self.data.points[index], self.data.thumbnails[index],
                          self.group_color(index))
            self.sig_hovered.emit(index)

    def _on_range_changed(self, *_args) -> None:
        if self.thumbnails.enabled:
            self._thumb_timer.start()

    def _update_density(self) -> None:
        data = self.data
        if data is None:
            return
        color = QColor(self.palette().color(QPalette.ColorRole.Text))
        rgba = np.empty((*data.density.shape, 4), np.uint8)  # (H, W, 4)
        rgba[..., :3] = (color.red(), color.green(), color.blue())
        rgba[..., 3] = np.clip(data.density * DENSITY_ALPHA, 0, 255).astype(np.uint8)
        self.density.setPixmap(QPixmap.fromImage(array_to_qimage(rgba)))  # copies the pixels
        # Pixel (column, row) -> map (x_min + column * width, y_min + row * height): row 0 of
        # the grid is at y_min, and the map's y axis points up.
        x_min, x_max, y_min, y_max = data.density_bounds
        height, width = data.density.shape
        self.density.setTransform(QTransform.fromTranslate(x_min, y_min).scale(
            (x_max - x_min) / width, (y_max - y_min) / height))

    def _update_colors(self) -> None:
        palette = self.palette()
        self.graphics.setBackground(palette.color(QPalette.ColorRole.Base))
        self.selection.setPen(pg.mkPen(palette.color(QPalette.ColorRole.Text), width=2))
        self._update_density()

    def changeEvent(self, event) -> None:
        if event.type() == event.Type.PaletteChange:
            self._update_colors()
        super().changeEvent(event)
