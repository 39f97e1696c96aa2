"""Records of the Gallery's share of the contract (GalleryState's payloads).

Frozen, Qt-free, plain values and read-only numpy arrays: safe to send between threads. A
saved item travels as the backend's own frozen record, `models.gallery.item.GalleryItem` (its
latents, how it was made as a `GallerySource`, how it plays as `ItemSettings`): one shape from
the Canvas through the worker to the Gallery panel, no copies in other shapes.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from models.export.settings import ANIMATED_FORMATS, STILL_FORMATS
from models.gallery.item import GalleryItem, GallerySource, ItemSettings

# The Export menu's order: stills first, then animations, then a folder of frames.
EXPORT_FORMATS = (*STILL_FORMATS, *ANIMATED_FORMATS, "frames_dir")

__all__ = ["ANIMATED_FORMATS", "EXPORT_FORMATS", "STILL_FORMATS", "GalleryItem",
           "GallerySource", "ItemSettings"]


class GalleryAction(StrEnum):
    """What a GalleryChange does."""

    RENAME = "rename"
    DELETE = "delete"
    REORDER = "reorder"


@dataclass(frozen=True, eq=False)
class GalleryAddRequest:
    """Canvas -> gallery: a still (one latent) or an animation (several), as shown.

    The Canvas fills in what it knows of `source` (kind, mode, the training images by index,
    the map path, seeds, attribute and strength); the worker adds the image paths and the
    attribute's direction vector before saving.
    """

    name: str
    latents: np.ndarray  # float32 (N, latent_dim), read-only
    images: np.ndarray  # uint8 (N, S, S, C), read-only
    source: GallerySource
    settings: ItemSettings


@dataclass(frozen=True, eq=False)
class ListedItem:
    """One gallery item as the panel shows it: the saved item and its cached frames."""

    item: GalleryItem
    frames: np.ndarray  # uint8 (n, S, S, C), read-only: what the model decoded when it was made
    current_model: bool  # made by the project's model as it is now
    source_images: np.ndarray | None = None  # uint8 (k, S, S, C) of its source images still found

    @property
    def id(self) -> str:
        return self.item.id

    @property
    def name(self) -> str:
        return self.item.name

    @property
    def frame_count(self) -> int:
        return int(self.frames.shape[0])

    @property
    def animated(self) -> bool:
        return self.item.kind == "animation"  # models.gallery.item.ITEM_KINDS


@dataclass(frozen=True)
class GalleryListing:
    """The whole gallery of the open project, in order."""

    project_path: str = ""
    model_id: str = ""  # the project's current model; "" when untrained
    image_size: int = 0
    items: tuple[ListedItem, ...] = ()
    problems: tuple[str, ...] = ()  # entries that could not be read
    unavailable: str = ""  # why there is no gallery (no project, a model file...)

    def find(self, item_id: str) -> ListedItem | None:
        return next((item for item in self.items if item.id == item_id), None)

    @property
    def order(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.items)


@dataclass(frozen=True)
class GalleryChange:
    """UI -> worker: rename one item, delete some, or put all of them in a new order."""

    action: GalleryAction
    item_ids: tuple[str, ...]  # reorder: every id of the gallery, in the new order
    name: str = ""  # rename only


@dataclass(frozen=True)
class GalleryChangeDone:
    """Worker -> UI: a change was made and can be undone with `token`."""

    token: int
    label: str  # e.g. "Rename “cat”": the undo action reads "Undo Rename “cat”"
    item_ids: tuple[str, ...] = ()  # items to select afterwards


@dataclass(frozen=True)
class RegenerateRequest:
    item_ids: tuple[str, ...]
    image_size: int | None = None  # None: the project's own resolution


@dataclass(frozen=True)
class GalleryExportRequest:
    """Write one item. Only the fields of its format matter; the worker checks them all."""

    item_id: str
    format: str  # one of EXPORT_FORMATS
    path: str
    scale: int = 1
    resample: str = "lanczos"
    frame: int = 0  # png of an animation: which frame
    fps: float = 24.0
    loop: int = 0  # plays; 0 = forever
    pingpong: bool = False
    hold_first_ms: int = 0
    hold_last_ms: int = 0
    dither: bool = True  # gif
    columns: int | None = None  # sheet; None = derived
    rows: int | None = None
    spacing: int = 0
    overwrite: bool = False


@dataclass(frozen=True)
class ExportConfirmation:
    """Worker -> UI: these files exist; ask before sending the request with overwrite=True."""

    request: GalleryExportRequest
    existing: tuple[str, ...]


@dataclass(frozen=True)
class ExportDone:
    request: GalleryExportRequest
    path: str
    size_bytes: int  # of the main file (0 for a folder)


@dataclass(frozen=True)
class GifEstimate:
    request: GalleryExportRequest  # what was estimated
    size_bytes: int
    displayed_frames: int


@dataclass(frozen=True)
class ExportCapabilities:
    """What this installation can write, and the writers' limits (from models.export)."""

    mp4: bool
    webp: bool
    max_scale: int
    max_fps: float
    gif_max_fps: float
    max_loop: int
    max_hold_ms: int
    max_spacing: int
    max_pixels: int


@dataclass(frozen=True)
class RemixRecord:
    """A dropped image's latent codes, found by `models.gallery.locate_remix`, and where they
    sit among the project's images."""

    latents: np.ndarray  # float32 (n, D), read-only
    origin: str  # "provenance" (stored in the file) or "encoded" (from its pixels)
    note: str = ""
    path: str = ""
    matches_model: bool = True  # the codes belong to the project's current model
    images: np.ndarray | None = None  # uint8 (n, S, S, C): the codes decoded now
    map_method: str = ""  # map the points below belong to ("" when not placed)
    map_points: np.ndarray | None = None  # float32 (n, 2)
    nearest_indices: np.ndarray | None = None  # int64 (k,) image rows, nearest first
    nearest_images: np.ndarray | None = None  # uint8 (k, S, S, C)
    nearest_paths: tuple[str, ...] = ()
    nearest_distances: np.ndarray | None = None  # float32 (k,)
