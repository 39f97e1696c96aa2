"""The Gallery's signal hub: `AppState.gallery`, on the UI thread.

The Gallery panel (and the Canvas, for "Add to gallery") emit the `sig_request_*` signals; the
worker's gallery service (studio/backend/gallery/) answers with the result signals. The
listing and the export capabilities are reported to the hub, kept, then announced. Payloads
are the records of `studio.contract.gallery_records`.

Undo: each change the worker makes is filed under a `token` (GalleryChangeDone). The panel's
undo command for it sends that token back with `sig_request_undo` / `sig_request_redo`; the
worker reverts the stored `models.gallery.GalleryEdit`s and keeps the edits that undo the revert.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from studio.contract.gallery_records import (
    ExportCapabilities,
    GalleryChangeDone,
    GalleryListing,
    RemixRecord,
)
from studio.contract.map_state import MapState


class GalleryState(QObject):
    # --- requests, UI -> worker (queued) -------------------------------------------------
    sig_request_listing = Signal()
    """Send the gallery of the open project now and after every change (the panel asks)."""
    sig_request_add = Signal(object)
    """GalleryAddRequest: save a still or animation made on the Canvas."""
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

    # --- reports, worker -> hub (queued); the hub keeps them, then announces --------------
    sig_listing_reported = Signal(object)
    sig_change_reported = Signal(object, object)
    """(GalleryListing, GalleryChangeDone): a change made and the listing that shows it, one
    report so no panel sees the new listing before Undo names the change (a Ctrl+Z then would
    undo the step before it)."""
    sig_capabilities_reported = Signal(object)

    # --- announcements, hub -> panels (the hub is up to date when they arrive) -----------
    sig_listing = Signal(object)
    """GalleryListing after every change (and when the project changes); also `listing`."""
    sig_capabilities = Signal(object)
    """ExportCapabilities (also `capabilities`)."""

    # --- other results, worker -> UI (queued) ---------------------------------------------
    sig_change_done = Signal(object)
    """GalleryChangeDone: a new undoable step (also for adds from the Canvas), announced right
    after the sig_listing that shows it."""
    sig_history_reset = Signal()
    """Earlier tokens are gone (another project, or an undo failed): clear the undo stack."""
    sig_export_confirm = Signal(object)
    """ExportConfirmation: nothing was written because files would be replaced."""
    sig_export_done = Signal(object)
    """ExportDone."""
    sig_gif_estimate = Signal(object)
    """GifEstimate answering sig_request_gif_estimate."""
    sig_remix_located = Signal(object)
    """RemixRecord: shown in the Gallery's detail view, and marked on the Map panel's map."""

    # --- UI only --------------------------------------------------------------------------
    sig_show_map = Signal()
    """The user wants to see the Map panel (where a remix was marked); the window switches."""

    def __init__(self, map_state: MapState, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._map = map_state  # a remix is placed on, and marked on, the map shown
        self.listing = GalleryListing(unavailable="No project is open.")
        self.capabilities: ExportCapabilities | None = None
        self.sig_listing_reported.connect(self._on_listing_reported)
        self.sig_change_reported.connect(self._on_change_reported)
        self.sig_capabilities_reported.connect(self._on_capabilities_reported)
        self.sig_remix_located.connect(self._on_remix_located)

    def request_remix(self, path: str) -> None:
        """Find the codes of the image at `path`, placed on the map the Map panel shows."""
        data = self._map.data
        self.sig_request_remix.emit(path, data.method if data is not None else "pca")

    def map_shows(self, record: RemixRecord) -> bool:
        """True when the Map panel's map is the one `record` was placed on."""
        data = self._map.data
        return (data is not None and record.map_points is not None
                and data.method == record.map_method)

    def mark_on_map(self, record: RemixRecord) -> bool:
        """Mark where `record` sits on the Map panel's map; False when that map is not shown."""
        if not self.map_shows(record):
            return False
        self._map.sig_mark_point.emit(record.map_points[0])
        return True

    def _on_remix_located(self, record: RemixRecord) -> None:
        self.mark_on_map(record)

    def _on_listing_reported(self, listing: GalleryListing) -> None:
        self.listing = listing
        self.sig_listing.emit(listing)

    def _on_change_reported(self, listing: GalleryListing, done: GalleryChangeDone) -> None:
        self._on_listing_reported(listing)
        self.sig_change_done.emit(done)

    def _on_capabilities_reported(self, capabilities: ExportCapabilities) -> None:
        self.capabilities = capabilities
        self.sig_capabilities.emit(capabilities)
