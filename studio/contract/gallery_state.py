"""The Gallery's share of the app state: its requests, its results and the records they carry.

Created once as `AppState.gallery`. The Gallery panel (and the Canvas, for "Add to gallery")
emit the `sig_request_*` signals; the worker's GalleryService (studio/backend/gallery/) answers
with the result signals. Every payload is a frozen record of plain values and read-only numpy
arrays: no models.gallery object ever reaches a panel.

Undo: each change the worker makes is filed under a `token` (GalleryChangeDone). The panel's
undo command for it sends that token back with `sig_request_undo` / `sig_request_redo`; the
worker reverts the stored `models.gallery.GalleryEdit`s and keeps the edits that undo the revert.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QObject, Signal

EXPORT_FORMATS = ("png", "sheet", "gif", "webp", "apng", "mp4", "frames_dir")
ANIMATED_FORMATS = ("gif", "webp", "apng", "mp4")
RESAMPLE_METHODS = ("nearest", "lanczos")


@dataclass(frozen=True)
class SourceView:
    """How an item was made, in plain values (models.gallery.GallerySource without arrays)."""

    kind: str  # "sample", "interpolation", "path", "cluster", "attribute", ...
    mode: str = ""  # "slerp", "lerp", "normlerp", "path" or ""
    image_paths: tuple[str, ...] = ()
    images: np.ndarray | None = None  # uint8 (k, S, S, C) of the source images still found
    map_method: str = ""
    map_points: np.ndarray | None = None  # float32 (K, 2) of a drawn path
    smoothing: float = 0.0
    temperature: float | None = None
    seed: int | None = None
    cluster: int | None = None
    attribute: str = ""
    strength: float = 0.0


@dataclass(frozen=True)
class GalleryItemView:
    """One gallery item as the panel shows it."""

    id: str
    name: str
    kind: str  # "still" | "animation"
    frames: np.ndarray  # uint8 (n, S, S, C), read-only: the cached frames
    fps: float
    loop: int  # plays; 0 = forever
    pingpong: bool
    easing: str
    model_id: str  # the model that decoded the frames
    created: str  # ISO 8601 UTC
    current_model: bool  # model_id is the project's model now
    source: SourceView

    @property
    def frame_count(self) -> int:
        return int(self.frames.shape[0])


@dataclass(frozen=True)
class GalleryListing:
    """The whole gallery of the open project, in order."""

    project_path: str = ""
    model_id: str = ""  # the project's current model; "" when untrained
    image_size: int = 0
    items: tuple[GalleryItemView, ...] = ()
    problems: tuple[str, ...] = ()  # entries that could not be read
    unavailable: str = ""  # why there is no gallery (no project, a model file...)

    def find(self, item_id: str) -> GalleryItemView | None:
        return next((item for item in self.items if item.id == item_id), None)

    @property
    def order(self) -> tuple[str, ...]:
        return tuple(item.id for item in self.items)


@dataclass(frozen=True)
class GalleryChange:
    """UI -> worker: rename one item, delete some, or put all of them in a new order."""

    action: str  # "rename" | "delete" | "reorder"
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


class GalleryState(QObject):
    # --- requests, UI -> worker (queued) -------------------------------------------------
    sig_request_listing = Signal()
    """Send the gallery of the open project now and after every change (the panel asks)."""
    sig_request_add = Signal(object)
    """studio.contract.records.GalleryAddRequest: save a still or animation made on the Canvas."""
    sig_request_change = Signal(object)
    """GalleryChange: rename, delete or reorder."""
    sig_request_undo = Signal(int)
    """Token of a GalleryChangeDone to undo."""
    sig_request_redo = Signal(int)
    """Token of an undone change to make again."""
    sig_request_regenerate = Signal(object)
    """RegenerateRequest: decode items again with the current model (a long job)."""
    sig_request_export = Signal(object)
    """GalleryExportRequest: write a file (a long job)."""
    sig_request_gif_estimate = Signal(object)
    """GalleryExportRequest of format "gif": how large would it be? Latest wins."""
    sig_request_capabilities = Signal()
    sig_request_remix = Signal(str, str)
    """(path of a dropped image, map method to place it on): find its latent codes (a long
    job). Use `request_remix`, which picks the map the Map panel shows."""

    # --- results, worker -> UI ------------------------------------------------------------
    sig_listing = Signal(object)
    """GalleryListing after every change (and when the project changes)."""
    sig_change_done = Signal(object)
    """GalleryChangeDone: a new undoable step (also for adds from the Canvas)."""
    sig_history_reset = Signal()
    """Earlier tokens are gone (another project, or an undo failed): clear the undo stack."""
    sig_export_confirm = Signal(object)
    """ExportConfirmation: nothing was written because files would be replaced."""
    sig_export_done = Signal(object)
    """ExportDone."""
    sig_gif_estimate = Signal(object)
    """GifEstimate answering sig_request_gif_estimate."""
    sig_capabilities = Signal(object)
    """ExportCapabilities."""
    sig_remix_located = Signal(object)
    """RemixRecord: shown in the Gallery's detail view, and marked on the Map panel's map."""

    # --- UI only --------------------------------------------------------------------------
    sig_show_map = Signal()
    """The user wants to see the Map panel (where a remix was marked); the window switches."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.listing = GalleryListing(unavailable="No project is open.")
        self.capabilities: ExportCapabilities | None = None
        self.sig_listing.connect(self._on_listing)
        self.sig_capabilities.connect(self._on_capabilities)
        self.sig_remix_located.connect(self._on_remix_located)

    def request_remix(self, path: str) -> None:
        """Find the codes of the image at `path`, placed on the map the Map panel shows."""
        data = self._map_data()
        self.sig_request_remix.emit(path, data.method if data is not None else "pca")

    def map_shows(self, record: RemixRecord) -> bool:
        """True when the Map panel's map is the one `record` was placed on."""
        data = self._map_data()
        return (data is not None and record.map_points is not None
                and data.method == record.map_method)

    def _map_data(self) -> object | None:
        """The Map panel's current map (studio.contract.map_state.MapData), if any."""
        return getattr(getattr(self.parent(), "map", None), "data", None)

    def mark_on_map(self, record: RemixRecord) -> bool:
        """Mark where `record` sits on the Map panel's map; False when that map is not shown."""
        if not self.map_shows(record):
            return False
        self.parent().map.sig_frame_point.emit(record.map_points[0])
        return True

    def _on_remix_located(self, record: RemixRecord) -> None:
        self.mark_on_map(record)

    def _on_listing(self, listing: GalleryListing) -> None:
        self.listing = listing

    def _on_capabilities(self, capabilities: ExportCapabilities) -> None:
        self.capabilities = capabilities
