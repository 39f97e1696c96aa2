"""The Map panel: every image of the project as a dot, placed so that alike images sit close.

A view over `AppState.map` (studio.contract.map_state.MapState): its results (status, map, decoded
points, reconstructions, saved paths) update the parts in `studio/panels/map/`; gestures on the
map become its requests. Hover shows an image, click compares it with its reconstruction,
Shift/Ctrl-drag selects, and dragging with "Draw path" draws the image at the cursor live and
hands the path to the Canvas as an animation. Nothing here touches the model or a thread.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QSplitter, QStackedWidget, QVBoxLayout, QWidget

from models.records import frozen_array
from studio.contract.app_state import AppState
from studio.contract.map_records import (
    CurrentImage,
    ImagePair,
    MapData,
    MapStage,
    MapStatus,
    PathRecord,
)
from studio.panels.map.controls import MapControls, default_point_size
from studio.panels.map.geometry import in_polygon, in_rectangle
from studio.panels.map.labels_box import MapLabelsController
from studio.panels.map.pages import BuildingPage, MessagePage
from studio.panels.map.path_editor import PathEditor
from studio.panels.map.plot import MapPlot
from studio.panels.map.sidebar import MapSidebar

TITLES = {MapStage.NONE: "No project open", MapStage.UNTRAINED: "Not trained yet",
          MapStage.MODEL_FILE: "No map for an exported model",
          MapStage.FAILED: "The map could not be built", MapStage.CANCELLED: "Map not built"}


class MapPanel(QWidget):
    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self._map = state.map
        self._status = state.map.status
        self._pair: ImagePair | None = None
        self._clicked = -1
        self._shown: tuple[str | None, str] = (None, "")  # (project, projection) on screen
        self._path_after_build: PathRecord | None = None  # a saved path for another projection
        self.message = MessagePage()
        self.building = BuildingPage()
        self.controls = MapControls()
        self.plot = MapPlot(self._map)
        self.sidebar = MapSidebar()
        self.editor = PathEditor(self.plot, self._map, state.canvas, self)
        self.labels = MapLabelsController(state, self.sidebar.labels, self.plot,
                                          self._set_selection, self)
        self.workspace = self._build_workspace()
        self._pages = QStackedWidget()
        for page in (self.message, self.building, self.workspace):
            self._pages.addWidget(page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self._pages)
        self._delete_shortcuts = [QShortcut(key, self.plot) for key in (
            QKeySequence(QKeySequence.StandardKey.Delete), QKeySequence(Qt.Key.Key_Backspace))]
        for shortcut in self._delete_shortcuts:  # only while the map has the focus
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self._connect_signals()
        self._map.sig_request_options.emit()
        self._on_options(self._map.options)
        self._on_status(self._map.status)
        if self._map.data is not None:
            self._on_map_ready(self._map.data)

    def _build_workspace(self) -> QWidget:
        left = QWidget()
        column = QVBoxLayout(left)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.controls)
        column.addWidget(self.plot, 1)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(self.sidebar)
        splitter.setStretchFactor(0, 1)
        splitter.setCollapsible(0, False)
        return splitter

    def _connect_signals(self) -> None:
        m, c, s, vb = self._map, self.controls, self.sidebar, self.plot.view_box
        m.sig_status.connect(self._on_status)
        m.sig_options.connect(self._on_options)
        m.sig_map_ready.connect(self._on_map_ready)
        m.sig_cluster_names.connect(self._on_cluster_names)
        m.sig_points_decoded.connect(self.editor.on_decoded)
        self._state.canvas.sig_frames.connect(self.editor.show_route)
        m.sig_reconstruction.connect(self._on_reconstruction)
        m.sig_paths.connect(s.paths.set_names)
        m.sig_path_loaded.connect(self._on_path_loaded)
        m.sig_mark_point.connect(self._on_frame_point)
        self._state.sig_job_progress.connect(self._on_job_progress)
        self.message.sig_action.connect(self._on_build_requested)
        self.building.sig_cancel.connect(self._on_cancel_build)
        c.sig_tool_changed.connect(self._on_tool_changed)
        c.sig_clear_path.connect(self.editor.clear)
        c.sig_build_changed.connect(m.sig_request_build)
        c.sig_point_size_changed.connect(self.plot.set_point_size)
        c.sig_density_toggled.connect(self.plot.set_density_visible)
        c.sig_thumbnails_toggled.connect(self.plot.set_thumbnails_visible)
        c.snap.toggled.connect(self._on_snap_toggled)
        c.smooth.toggled.connect(self._on_smooth_toggled)
        vb.sig_region.connect(self._on_region)
        vb.sig_clicked.connect(self._on_clicked)
        self.plot.sig_hovered.connect(self._on_hovered)
        self.editor.sig_path_changed.connect(self._on_path_changed)
        self.editor.sig_preview.connect(self._on_preview)
        s.legend.sig_rename.connect(m.sig_request_rename_cluster)
        s.legend.sig_cluster_clicked.connect(self._on_cluster_clicked)
        s.sig_clear_selection.connect(self._on_clear_selection)
        s.sig_use_in_canvas.connect(self._on_use_in_canvas)
        s.paths.sig_save.connect(self._on_save_path)
        s.paths.sig_open.connect(m.sig_request_load_path)
        s.paths.sig_rename.connect(m.sig_request_rename_path)
        s.paths.sig_delete.connect(m.sig_request_delete_path)
        for shortcut in self._delete_shortcuts:
            shortcut.activated.connect(self.editor.delete)

    # --- the map and its state ----------------------------------------------------------------
    def _on_status(self, status: MapStatus) -> None:
        self._status = status
        if status.stage == MapStage.BUILDING:
            self.building.reset()
        if status.stage.has_no_map:
            self._clear_map()
        self._update_page()

    def _on_options(self, options) -> None:
        self.controls.set_options(options)

    def _on_map_ready(self, data: MapData) -> None:
        project = self._state.project.path if self._state.project is not None else ""
        shown, self._shown = self._shown, (project, data.method)
        if shown[0] != project:  # another project: dots sized for its number of images
            self.controls.point_size.setValue(default_point_size(data.count))
        self.controls.show_build(data.method, None if data.auto_k else data.k)
        self.plot.show_map(self.controls.point_size.value())
        self.plot.set_density_visible(self.controls.density.isChecked())
        self.sidebar.legend.set_clusters(data.cluster_names, data.labels)
        self._set_selection(np.zeros(0, np.int64))
        self._pair, self._clicked = None, -1
        self.sidebar.show_pair(None)
        if shown == self._shown:
            self.editor.refresh()  # the same layout, rebuilt: snapped waypoints follow
        else:
            self.editor.clear()  # the path's coordinates belong to another map
        if self._path_after_build is not None and data.method == self._path_after_build.method:
            self._on_path_loaded(self._path_after_build)
        self._path_after_build = None
        self._update_page()

    def _clear_map(self) -> None:
        self.plot.show_map(self.controls.point_size.value())  # the state holds no map now
        self.editor.clear()
        self.sidebar.legend.set_clusters((), np.zeros(0, np.int64))
        self.sidebar.show_preview(None, "Hover a dot to see its image.")
        self.sidebar.show_pair(None)

    def _on_cluster_names(self, names: tuple[str, ...]) -> None:
        self.sidebar.legend.set_names(names)  # MapState's map has the new names already

    def _on_job_progress(self, job_id: str, fraction: float, detail: str) -> None:
        if job_id and job_id == self._status.job_id:
            self.building.set_progress(fraction, detail)

    def _on_build_requested(self) -> None:
        self._map.sig_request_build.emit(self.controls.build_request())

    def _on_cancel_build(self) -> None:
        if self._status.job_id:
            self._state.sig_request_cancel.emit(self._status.job_id)

    # --- looking at images -------------------------------------------------------------------
    def _on_hovered(self, index: int) -> None:
        data = self.plot.data
        if data is not None and index >= 0:
            self.sidebar.show_preview(data.thumbnails[index], self._describe(index))

    def _on_preview(self, image: np.ndarray, point: np.ndarray) -> None:
        self.sidebar.show_preview(image, f"What the model draws at ({point[0]:.2f}, "
                                         f"{point[1]:.2f})")

    def _on_clicked(self, point: np.ndarray, button, double: bool) -> None:
        if self.editor.click(point, button, double) or button != Qt.MouseButton.LeftButton:
            return
        index = self.plot.pick(point)
        if double or index < 0:
            self.editor.decode_at(point)  # what the model imagines between the images
            return
        self._set_selection(np.array([index], np.int64))
        self._clicked = index
        self.sidebar.show_pair(None, f"{self._describe(index)} — reconstructing…")
        self._map.sig_request_reconstruction.emit(index)

    def _on_reconstruction(self, pair: ImagePair) -> None:
        if pair.index == self._clicked:
            self._pair = pair
            self.sidebar.show_pair(pair, f"{self._describe(pair.index)}: the original, and "
                                         "the model's reconstruction")

    def _on_use_in_canvas(self) -> None:
        data, pair = self.plot.data, self._pair
        if data is not None and pair is not None:
            self._map.sig_image_picked.emit(CurrentImage(
                data.latents[pair.index], pair.original, self._describe(pair.index), pair.index))

    def _describe(self, index: int) -> str:
        data = self.plot.data
        if data is None:
            return ""
        text = f"Image {index + 1:,} · {data.cluster_names[int(data.labels[index])]}"
        if data.image_labels is not None and data.image_labels[index] >= 0:
            text += f" · “{data.label_names[int(data.image_labels[index])]}”"
        return text

    # --- selection ----------------------------------------------------------------------------
    def _on_region(self, shape: str, points: np.ndarray, finished: bool) -> None:
        self.plot.set_region(shape, None if finished else points)
        if finished and self.plot.data is not None:
            all_points = self.plot.data.points
            chosen = (in_rectangle(all_points, points[0], points[-1]) if shape == "rect"
                      else in_polygon(all_points, points))
            self._set_selection(chosen)

    def _on_cluster_clicked(self, cluster: int) -> None:
        if self.plot.data is not None and cluster >= 0:
            self._set_selection(np.flatnonzero(self.plot.data.labels == cluster))

    def _on_clear_selection(self) -> None:
        self._set_selection(np.zeros(0, np.int64))

    def _set_selection(self, indices: np.ndarray) -> None:
        indices = frozen_array(np.asarray(indices, np.int64))
        self.plot.set_selection(indices)
        data = self.plot.data
        shown = data.thumbnails[indices[:24]] if data is not None and len(indices) else None
        self.sidebar.show_selection(shown, len(indices))
        self._map.set_selection(indices)

    # --- paths -------------------------------------------------------------------------------
    def _on_path_changed(self, record: PathRecord | None) -> None:
        self.controls.clear_path.setEnabled(record is not None)
        self.sidebar.paths.set_can_save(record is not None, self.editor.path.name)
        if record is not None:
            self._map.sig_path_drawn.emit(record)

    def _on_path_loaded(self, record: PathRecord) -> None:
        if self.plot.data is not None and record.method != self.plot.data.method:
            self._path_after_build = record  # shown once its map is
            self.controls.show_build(record.method, self.controls.clusters.currentData())
            self._map.sig_request_build.emit(self.controls.build_request())
            return
        self.controls.smooth.blockSignals(True)  # the editor takes the smoothing from the record
        self.controls.smooth.setChecked(record.smoothing > 0)
        self.controls.smooth.blockSignals(False)
        self._state.canvas.path_frames = record.frames
        self.editor.set_record(record)
        self.sidebar.paths.select(record.name)

    def _on_save_path(self, name: str) -> None:
        if self.editor.record() is not None:
            self.editor.path.name = name
            self._map.sig_request_save_path.emit(self.editor.record())

    def _on_frame_point(self, point: np.ndarray | None) -> None:
        self.plot.set_frame_marker(point)

    def _on_tool_changed(self, tool: str) -> None:
        self.plot.view_box.tool = tool

    def _on_snap_toggled(self, on: bool) -> None:
        self.editor.snap = on

    def _on_smooth_toggled(self, on: bool) -> None:
        self.editor.smooth = on
        if self.editor.record() is not None:
            self.editor.announce()

    # --- redraw -----------------------------------------------------------------------------
    def _update_page(self) -> None:
        stage = self._status.stage
        if stage == MapStage.BUILDING:
            self._pages.setCurrentWidget(self.building)
        elif stage == MapStage.READY and self.plot.data is not None:
            self._pages.setCurrentWidget(self.workspace)
        else:
            action = "Build the map" if stage in (MapStage.FAILED, MapStage.CANCELLED) else ""
            text = self._status.message or "The map appears here once it is built."
            self.message.show_message(TITLES.get(stage, "Map"), text, action)
            self._pages.setCurrentWidget(self.message)
