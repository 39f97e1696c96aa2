"""The Map panel's signal hub: `AppState.map`, on the UI thread.

The map service in the worker thread (studio/backend/map/) answers the `sig_request_*`
signals (queued) by reporting its results to the hub (`sig_*_reported`, queued). The hub keeps
what a panel built later needs (the map, its status, the selection) and only then announces
it, so every listener sees the hub already up to date, whatever the order slots were
connected in. Payloads are the records of `studio.contract.map_records`.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Signal

from models.records import frozen_array
from studio.contract.map_records import MapData, MapLabels, MapOptions, MapStage, MapStatus


class MapState(QObject):
    # --- requests, UI -> worker (queued) -------------------------------------------------
    sig_request_options = Signal()
    """Ask which projections the backend offers (answered by sig_options)."""
    sig_request_build = Signal(object)
    """MapBuildRequest: build (or reuse) the map of the open project, as a long job."""
    sig_request_points_decode = Signal(object)
    """PointsDecodeRequest: images at map positions (the drag preview)."""
    sig_request_reconstruction = Signal(int)
    """Index of a training image: answered by sig_reconstruction."""
    sig_request_rename_cluster = Signal(int, str)
    """(cluster index, new name); a blank name restores "Cluster i"."""
    sig_request_save_path = Signal(object)
    """PathRecord with a name: saved in the project (replacing one of that name)."""
    sig_request_list_paths = Signal()
    sig_request_load_path = Signal(str)
    sig_request_rename_path = Signal(str, str)
    """(old name, new name)."""
    sig_request_delete_path = Signal(str)
    sig_request_name_images = Signal(object)
    """NameImagesRequest: label images (answered by sig_labels)."""
    sig_request_labelled_copy = Signal(str)
    """Path of a new project: this one's images and settings, conditioned on its labels."""

    # --- reports, worker -> hub (queued); the hub keeps them, then announces --------------
    sig_status_reported = Signal(object)
    sig_map_reported = Signal(object)
    sig_cluster_names_reported = Signal(object)
    sig_labels_reported = Signal(object)
    sig_options_reported = Signal(object)

    # --- announcements, hub -> panels (the hub is up to date when they arrive) -----------
    sig_options = Signal(object)
    """MapOptions."""
    sig_status = Signal(object)
    """MapStatus: no project, not trained, building (with its job id), ready, failed."""
    sig_map_ready = Signal(object)
    """MapData of the open project (also `self.data`)."""
    sig_cluster_names = Signal(object)
    """tuple[str, ...]: every cluster's name after a rename (`self.data` has them already)."""
    sig_labels = Signal(object)
    """MapLabels after images were labelled (`self.data` has them already)."""
    sig_selection_changed = Signal(object)
    """(n,) int64 read-only array: the images selected on the map (also `self.selection`)."""

    # --- other results, worker -> panels (queued) -------------------------------------------
    sig_points_decoded = Signal(object)
    """PointsDecoded answering a PointsDecodeRequest."""
    sig_reconstruction = Signal(object)
    """ImagePair."""
    sig_paths = Signal(object)
    """tuple[str, ...]: names of the paths saved in the project, sorted."""
    sig_path_loaded = Signal(object)
    """PathRecord of a saved path, resolved on the current map."""
    sig_labelled_copy_made = Signal(str)
    """Path of the labelled project just made (answering sig_request_labelled_copy)."""

    # --- from the map to other panels, and back (UI thread) -------------------------------
    sig_path_drawn = Signal(object)
    """PathRecord: a path finished on the map; the Canvas animates it."""
    sig_image_picked = Signal(object)
    """CurrentImage: an image clicked on the map, to work on in the Canvas."""
    sig_mark_point = Signal(object)
    """(2,) map position to mark on the map (the Canvas's frame, a remixed image), or None."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.data: MapData | None = None  # the map of the open project: the one copy
        self.status = MapStatus(MapStage.NONE, "Open or create a project to see its map.")
        self.options = MapOptions(("pca",), False)
        self.selection = frozen_array(np.zeros(0, np.int64))
        self.sig_status_reported.connect(self._on_status_reported)
        self.sig_map_reported.connect(self._on_map_reported)
        self.sig_cluster_names_reported.connect(self._on_cluster_names_reported)
        self.sig_labels_reported.connect(self._on_labels_reported)
        self.sig_options_reported.connect(self._on_options_reported)

    def set_selection(self, indices: np.ndarray) -> None:
        """Select images `indices` (int64) on the map; the panels hear it."""
        self.selection = frozen_array(np.asarray(indices, np.int64).reshape(-1))
        self.sig_selection_changed.emit(self.selection)

    def _on_status_reported(self, status: MapStatus) -> None:
        self.status = status
        if status.stage.has_no_map:
            self.data = None
        self.sig_status.emit(status)

    def _on_map_reported(self, data: MapData) -> None:
        self.data = data
        self.sig_map_ready.emit(data)

    def _on_cluster_names_reported(self, names: tuple[str, ...]) -> None:
        if self.data is not None and len(names) == self.data.k:
            self.data = self.data.with_cluster_names(names)
        self.sig_cluster_names.emit(tuple(names))

    def _on_labels_reported(self, labels: MapLabels) -> None:
        if self.data is not None and len(labels.rows) == self.data.count:
            self.data = self.data.with_labels(labels)
        self.sig_labels.emit(labels)

    def _on_options_reported(self, options: MapOptions) -> None:
        self.options = options
        self.sig_options.emit(options)
