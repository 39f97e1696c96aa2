"""The app's signal hub: the one place panels, the main window and the worker meet.

Panels never import each other. They read this object and subscribe to its signals. The
backend worker (studio/backend/worker.py) connects to the `sig_request_*` signals through
queued connections and answers with the result signals, delivered queued on the UI thread.
What a panel built later needs (the open project, the training state) the worker reports to
the hub (`sig_*_reported`); the hub keeps it, then announces it, so every listener finds the
hub up to date. Payloads are the records of `studio.contract` and `models.records`: frozen,
numpy arrays at most, never tensors, QImages or widgets.

`AppState` owns the hubs of the Map (`map`), the Canvas (`canvas`) and the Gallery
(`gallery`).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from studio.contract.canvas_state import CanvasState
from studio.contract.gallery_state import GalleryState
from studio.contract.map_state import MapState
from studio.contract.project_records import ProjectInfo, TrainingState


class AppState(QObject):
    # --- requests, UI -> worker (queued) -------------------------------------------------
    sig_request_open_project = Signal(str)
    """Path of a project folder or exported model file to open."""
    sig_request_new_project = Signal(str, str, object)
    """(image folder, project path, models.config.ProjectConfig): ingest then create."""
    sig_request_scan_folder = Signal(str, object)
    """(image folder, IngestConfig): ingestion report + preview only, no project yet."""
    sig_request_train = Signal(object)
    """models.config.TrainConfig: start or continue training the open project."""
    sig_request_pause = Signal()
    sig_request_resume = Signal()
    sig_request_stop = Signal()
    """Stop training after the current step; a checkpoint is written."""
    sig_request_cancel = Signal(str)
    """Cancel the long job with this id (ingestion, encoding, export...)."""
    sig_request_save = Signal(str)
    """Save the project; an empty string saves in place, otherwise 'save as' to that path."""
    sig_request_export_model = Signal(str)
    """Write a single-file shareable model to this path."""
    sig_request_decode = Signal(object)
    """A DecodeRequest; only the latest pending one is served."""
    sig_request_estimate = Signal(object, object)
    """(VAEConfig, TrainConfig): estimate seconds per epoch for the open or scanned folder."""

    # --- reports, worker -> hub (queued); the hub keeps them, then announces --------------
    sig_project_reported = Signal(object)
    sig_training_state_reported = Signal(str)

    # --- announcements, hub -> UI (the hub is up to date when they arrive) ---------------
    sig_project_changed = Signal(object)
    """ProjectInfo of the open project, or None when closed (also `self.project`)."""
    sig_training_state = Signal(str)
    """A TrainingState (also `self.training_state`)."""

    # --- other results, worker -> UI (queued) ---------------------------------------------
    sig_project_dirty = Signal(bool)
    """True when the project has unsaved changes."""
    sig_scan_finished = Signal(object)
    """ScanResult: ingestion report and preview images of a folder."""
    sig_job_started = Signal(str, str)
    """(job id, human label) of a long job; the id starts with its JobKind."""
    sig_job_progress = Signal(str, float, str)
    """(job id, fraction 0..1 or -1 when unknown, detail text)."""
    sig_job_finished = Signal(str, str)
    """(job id, JobOutcome)."""
    sig_train_progress = Signal(object)
    """models.records.TrainProgress."""
    sig_previews = Signal(object)
    """models.records.PreviewImages (validation originals, reconstructions, fixed-seed samples)."""
    sig_estimate = Signal(float)
    """Estimated seconds per epoch (NaN if unknown)."""
    sig_decoded = Signal(object)
    """DecodeResult answering a DecodeRequest."""
    sig_device = Signal(str)
    """Device label for the status bar, e.g. "CPU · bf16 on"."""
    sig_error = Signal(object)
    """ErrorRecord: shown in a dialog with expandable details."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project: ProjectInfo | None = None
        self.training_state = TrainingState.IDLE
        self.map = MapState(self)
        self.canvas = CanvasState(self)
        self.gallery = GalleryState(self.map, self)
        self.sig_project_reported.connect(self._on_project_reported)
        self.sig_training_state_reported.connect(self._on_training_state_reported)

    def _on_project_reported(self, info: ProjectInfo | None) -> None:
        self.project = info
        self.sig_project_changed.emit(info)

    def _on_training_state_reported(self, state: str) -> None:
        self.training_state = TrainingState(state)
        self.sig_training_state.emit(self.training_state)
