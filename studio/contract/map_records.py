"""Records of the Map panel's share of the contract (MapState's payloads): the map of the open
project, the drag loop's decodes, paths drawn on the map and images picked from it.

Frozen, Qt-free, plain values and read-only numpy arrays: safe to send between threads.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from enum import StrEnum

import numpy as np

DEFAULT_FRAMES = 48  # 4 s at 12 fps: long enough to follow a morph


class MapStage(StrEnum):
    """Where the map of the open project stands (MapStatus.stage)."""

    NONE = "none"  # no project open
    UNTRAINED = "untrained"
    MODEL_FILE = "model_file"  # an exported model: no images, so no map
    BUILDING = "building"
    READY = "ready"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def has_no_map(self) -> bool:
        """No map can exist at this stage (as opposed to one not built yet)."""
        return self in (MapStage.NONE, MapStage.UNTRAINED, MapStage.MODEL_FILE)


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
    label_names: tuple[str, ...] = ()  # the project's labels (folders or the user's), if any
    image_labels: np.ndarray | None = None  # (N,) int64 label of each image, -1 for none

    @property
    def count(self) -> int:
        return int(self.points.shape[0])

    @property
    def k(self) -> int:
        return len(self.cluster_names)

    def with_cluster_names(self, names: tuple[str, ...]) -> MapData:
        return replace(self, cluster_names=tuple(names))

    def with_labels(self, labels: MapLabels) -> MapData:
        return replace(self, label_names=labels.names, image_labels=labels.rows)


@dataclass(frozen=True, eq=False)
class MapLabels:
    """The project's labels as the map shows them: names and each image's label (-1: none)."""

    names: tuple[str, ...]
    rows: np.ndarray  # (N,) int64, read-only


@dataclass(frozen=True, eq=False)
class NameImagesRequest:
    """Give the images `indices` the label `name` (the user's own label)."""

    name: str
    indices: np.ndarray  # (n,) int64


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
    """Where the map stands; `message` says it to a person."""

    stage: MapStage
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
class ImagePair:
    """A training image and the model's reconstruction of it (from its mean latent)."""

    index: int
    original: np.ndarray  # (S, S, C) uint8
    reconstruction: np.ndarray  # (S, S, C) uint8


@dataclass(frozen=True, eq=False)
class CurrentImage:
    """The image the Canvas works on (picked on the map or from a grid)."""

    latent: np.ndarray  # (D,) float32
    image: np.ndarray  # (S, S, C) uint8
    label: str
    image_index: int | None = None  # a training image, or None for a generated one
