"""The Map and Canvas panels' share of the app state: their records and signals.

`MapState` lives on the UI thread as `AppState.map`. The map service in the worker thread
(studio/backend/map/service.py) answers its `sig_request_*` signals (queued) with the result signals
below; the Map and Canvas panels talk to each other only through its UI-side signals. Every
payload is an immutable record of read-only numpy arrays: no tensor, QImage or widget.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace

import numpy as np
from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)

INTERPOLATION_KINDS = ("path", "slerp", "lerp", "normlerp")  # "path": along a map path
DEFAULT_FRAMES = 48  # 4 s at 12 fps: long enough to follow a morph
MAP_STATES = ("none", "untrained", "model_file", "building", "ready", "failed", "cancelled")


@dataclass(frozen=True, eq=False)
class MapData:
    """Everything the map view draws, sent once per build (arrays read-only)."""

    method: str  # "pca" | "umap"
    points: np.ndarray  # (N, 2) float32 map position of each training image
    labels: np.ndarray  # (N,) int64 cluster of each image
    cluster_names: tuple[str, ...]  # k names, editable
    representatives: np.ndarray  # (k,) int64 image closest to each cluster centre
    latents: np.ndarray  # (N, D) float32 posterior mean of each image (keyframes, attributes)
    thumbnails: np.ndarray  # (N, T, T, C) uint8, T <= image size (downsampled for big folders)
    density: np.ndarray  # (H, W) float32 in 0..1; row 0 at y_min, column 0 at x_min
    density_bounds: tuple[float, float, float, float]  # x_min, x_max, y_min, y_max of `density`
    image_size: int
    auto_k: bool  # the number of clusters was chosen automatically

    @property
    def count(self) -> int:
        return int(self.points.shape[0])

    @property
    def k(self) -> int:
        return len(self.cluster_names)

    def with_cluster_names(self, names: tuple[str, ...]) -> MapData:
        return replace(self, cluster_names=tuple(names))


@dataclass(frozen=True)
class MapBuildRequest:
    method: str = "pca"
    k: int | None = None  # None: chosen automatically


@dataclass(frozen=True)
class MapOptions:
    """What the backend can do for the map (asked once the worker is up)."""

    methods: tuple[str, ...]  # projections available, "pca" always first
    umap_available: bool


@dataclass(frozen=True)
class MapStatus:
    """Where the map stands: `state` is one of MAP_STATES; `message` says it to a person."""

    state: str
    message: str = ""
    job_id: str = ""  # the build job while state == "building"


@dataclass(frozen=True, eq=False)
class PointsDecodeRequest:
    """Map positions to decode (the drag loop); only the latest pending one is served."""

    points: np.ndarray  # (M, 2) float32
    generation: int


@dataclass(frozen=True, eq=False)
class PointsDecoded:
    points: np.ndarray  # (M, 2) float32, as requested
    images: np.ndarray  # (M, S, S, C) uint8; M = 0 when decoding failed
    generation: int
    seconds: float


@dataclass(frozen=True, eq=False)
class PathRecord:
    """A path drawn on the map: what the Canvas animates and what is saved in the project."""

    points: np.ndarray  # (K, 2) float32 waypoints in drawing order
    method: str  # the map it was drawn on
    frames: int = DEFAULT_FRAMES
    smoothing: float = 0.0
    snapped: tuple[int | None, ...] = ()  # per waypoint: the image it is snapped to, or None
    name: str = ""  # set once saved in the project


@dataclass(frozen=True, eq=False)
class FramesRequest:
    """An animation to render: along `path` (kind "path") or through `keyframes`."""

    kind: str  # one of INTERPOLATION_KINDS
    frames: int
    generation: int
    path: PathRecord | None = None
    keyframes: np.ndarray | None = None  # (K, D) float32 latents, K >= 2
    easing: str = "linear"


@dataclass(frozen=True, eq=False)
class FramesResult:
    kind: str
    generation: int
    latents: np.ndarray  # (n, D) float32
    images: np.ndarray  # (n, S, S, C) uint8
    points: np.ndarray | None  # (n, 2) float32 map position of each frame
    nearest: np.ndarray | None  # (n,) int64 nearest training image of each frame


@dataclass(frozen=True, eq=False)
class ImagePair:
    """A training image and the model's reconstruction of it (from its mean latent)."""

    index: int
    original: np.ndarray  # (S, S, C) uint8
    reconstruction: np.ndarray  # (S, S, C) uint8


@dataclass(frozen=True)
class SampleRequest:
    """`n` new images, image i drawn with seed `seed + i` (so each one can be made again)."""

    n: int
    temperature: float
    seed: int
    generation: int
    cluster: int | None = None  # None: from the whole model


@dataclass(frozen=True, eq=False)
class AttributeRequest:
    """Apply the saved direction `name` to `code` at each of `strengths`."""

    code: np.ndarray  # (D,) float32
    name: str
    strengths: np.ndarray  # (M,) float32
    generation: int


@dataclass(frozen=True, eq=False)
class GeneratedResult:
    """New images for the Canvas's pick grid, and how they were made (for the recipe)."""

    kind: str  # "sample" | "cluster" | "attribute"
    generation: int
    latents: np.ndarray  # (n, D) float32
    images: np.ndarray  # (n, S, S, C) uint8
    temperature: float | None = None
    seeds: tuple[int, ...] = ()  # per image, for samples
    cluster: int | None = None
    attribute: str = ""
    strengths: tuple[float, ...] = ()  # per image, for attribute edits


@dataclass(frozen=True, eq=False)
class DirectionRequest:
    """Save the direction from the look of images `indices_b` to that of `indices_a`."""

    name: str
    indices_a: np.ndarray  # (A,) int64
    indices_b: np.ndarray  # (B,) int64


@dataclass(frozen=True, eq=False)
class CurrentImage:
    """The image the Canvas works on (picked on the map or from a grid)."""

    latent: np.ndarray  # (D,) float32
    image: np.ndarray  # (S, S, C) uint8
    label: str
    image_index: int | None = None  # a training image, or None for a generated one


class MapState(QObject):
    # --- requests, UI -> worker (queued) -------------------------------------------------
    sig_request_options = Signal()
    """Ask which projections the backend offers (answered by sig_options)."""
    sig_request_build = Signal(object)
    """MapBuildRequest: build (or reuse) the map of the open project, as a long job."""
    sig_request_points_decode = Signal(object)
    """PointsDecodeRequest: images at map positions (the drag preview)."""
    sig_request_frames = Signal(object)
    """FramesRequest: an animation along a path or through keyframes."""
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
    sig_request_sample = Signal(object)
    """SampleRequest."""
    sig_request_attribute = Signal(object)
    """AttributeRequest."""
    sig_request_save_direction = Signal(object)
    """DirectionRequest."""
    sig_request_delete_direction = Signal(str)
    sig_request_list_directions = Signal()

    # --- results, worker -> UI -------------------------------------------------------------
    sig_options = Signal(object)
    """MapOptions."""
    sig_status = Signal(object)
    """MapStatus: no project, not trained, building (with its job id), ready, failed."""
    sig_map_ready = Signal(object)
    """MapData of the open project."""
    sig_cluster_names = Signal(object)
    """tuple[str, ...]: every cluster's name after a rename."""
    sig_points_decoded = Signal(object)
    """PointsDecoded answering a PointsDecodeRequest."""
    sig_frames = Signal(object)
    """FramesResult answering a FramesRequest."""
    sig_reconstruction = Signal(object)
    """ImagePair."""
    sig_paths = Signal(object)
    """tuple[str, ...]: names of the paths saved in the project, sorted."""
    sig_path_loaded = Signal(object)
    """PathRecord of a saved path, resolved on the current map."""
    sig_generated = Signal(object)
    """GeneratedResult: samples or attribute edits."""
    sig_directions = Signal(object)
    """tuple[str, ...]: names of the attribute directions saved in the project."""

    # --- between the Map and the Canvas (UI thread) ---------------------------------------
    sig_path_drawn = Signal(object)
    """PathRecord: a path finished on the map; the Canvas animates it."""
    sig_selection_changed = Signal(object)
    """(n,) int64 read-only array: indices of the images selected on the map."""
    sig_current_image = Signal(object)
    """CurrentImage: an image clicked on the map, to work on in the Canvas."""
    sig_frame_point = Signal(object)
    """(2,) float map position of the frame the Canvas shows, or None: marked on the map."""
    sig_add_to_gallery = Signal(object)
    """studio.contract.records.GalleryAddRequest, forwarded to AppState.gallery when it exists."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.data: MapData | None = None  # the latest map, for panels created after it came
        self.status = MapStatus("none", "Open or create a project to see its map.")
        self.options = MapOptions(("pca",), False)
        self.selection = np.zeros(0, np.int64)
        self.frames = DEFAULT_FRAMES  # frames per path animation, set by the Canvas
        self.sig_map_ready.connect(self._on_map_ready)
        self.sig_status.connect(self._on_status)
        self.sig_options.connect(self._on_options)
        self.sig_cluster_names.connect(self._on_cluster_names)
        self.sig_selection_changed.connect(self._on_selection_changed)
        self.sig_add_to_gallery.connect(self._on_add_to_gallery)

    def gallery_available(self) -> bool:
        """True when the app has a gallery to receive `sig_add_to_gallery` requests."""
        return self._gallery() is not None

    def _gallery(self) -> QObject | None:
        gallery = getattr(self.parent(), "gallery", None)
        return gallery if hasattr(gallery, "sig_request_add") else None

    def _on_map_ready(self, data: MapData) -> None:
        self.data = data

    def _on_status(self, status: MapStatus) -> None:
        self.status = status
        if status.state in ("none", "untrained", "model_file"):
            self.data = None

    def _on_options(self, options: MapOptions) -> None:
        self.options = options

    def _on_cluster_names(self, names: tuple[str, ...]) -> None:
        if self.data is not None and len(names) == self.data.k:
            self.data = self.data.with_cluster_names(names)

    def _on_selection_changed(self, indices: np.ndarray) -> None:
        self.selection = indices

    def _on_add_to_gallery(self, request: object) -> None:
        gallery = self._gallery()
        if gallery is None:
            log.warning("no gallery in this version of the app; nothing was added")
            return
        gallery.sig_request_add.emit(request)
