"""The backend worker: one long-lived QThread that owns the open project and its trainer.

Requests arrive from AppState's `sig_request_*` signals as queued calls; answers leave through
AppState's result signals (emitted here, delivered queued on the UI thread). Training runs in
slices: one record pulled from the trainer's generator per zero-timeout timer tick, so decode
and control requests queued behind it are handled between steps. Cancel and stop flags are set
directly from the UI thread so that even a blocking call sees them at its next check.
"""

from __future__ import annotations

import contextlib
import logging
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from PySide6.QtCore import QObject, QThread, Signal, Slot

from models.config import IngestConfig, ProjectConfig, TrainConfig, VAEConfig
from models.errors import Cancelled, ProjectError
from models.pixels import to_uint8_images
from models.records import frozen_array
from studio.backend.gallery.service import GalleryService
from studio.backend.jobs import Job, JobRegistry, error_record
from studio.backend.map.service import MapService
from studio.backend.models_backend import ModelsBackend, project_info
from studio.backend.pacing import LatestOnly
from studio.backend.seams import Backend, WorkerProject
from studio.backend.training import TrainingDriver
from studio.contract.app_state import AppState
from studio.contract.project_records import (
    DecodeRequest,
    DecodeResult,
    JobKind,
    JobOutcome,
    ScanResult,
    TrainingState,
)
from studio.demo import is_demo_path

log = logging.getLogger(__name__)


class BackendWorker(QObject):
    """The studio.backend.seams.WorkerHost of the map and gallery services."""

    sig_ready = Signal(object)
    """BackendInfo once the backend (torch) has loaded."""

    def __init__(self, state: AppState, backend: Backend | None = None) -> None:
        super().__init__()
        self._state = state
        self._backend: Backend = backend if backend is not None else ModelsBackend()
        self.jobs = JobRegistry()
        self._project: WorkerProject | None = None
        self._dirty = False
        self._scanned_images = 0
        self._decodes = LatestOnly(self._serve_decode)
        self.training = TrainingDriver(state, self.jobs, self, parent=self)  # moves with us
        self.map_service = MapService(state, self, parent=self)
        self.gallery_service = GalleryService(state, self, parent=self)
        self.training.sig_step_taken.connect(self._on_step_taken)
        self.training.sig_checkpoint_written.connect(self._autosave)
        self.training.sig_run_ended.connect(self._on_run_ended)
        self._connect_requests()

    def _connect_requests(self) -> None:
        s = self._state
        s.sig_request_open_project.connect(self._on_open_project)
        s.sig_request_new_project.connect(self._on_new_project)
        s.sig_request_scan_folder.connect(self._on_scan_folder)
        s.sig_request_estimate.connect(self._on_estimate)
        s.sig_request_save.connect(self._on_save)
        s.sig_request_export_model.connect(self._on_export_model)
        s.sig_request_decode.connect(self._on_decode)
        s.sig_request_train.connect(self._on_train)
        s.sig_request_pause.connect(self._on_pause)
        s.sig_request_resume.connect(self._on_resume)
        s.sig_request_stop.connect(self._on_stop)
        s.sig_request_cancel.connect(self._on_cancel)

    # --- called from the UI thread ------------------------------------------------------------
    def cancel_from_ui(self, job_id: str) -> None:
        """Direct-connected: flag the job now, even while this thread is busy with it."""
        self.jobs.cancel(job_id)

    def stop_from_ui(self) -> None:
        """Direct-connected: flag the training run to stop at its next step."""
        self.training.request_stop_from_any_thread()

    def prepare_shutdown(self) -> None:
        self.jobs.cancel_all()
        self.stop_from_ui()

    # --- thread lifetime ----------------------------------------------------------------------
    @Slot()
    def _on_thread_started(self) -> None:
        with self.guarded("loading the machine-learning backend"):
            info = self._backend.load()
            self._state.sig_device.emit(info.device)
            self.sig_ready.emit(info)

    @Slot()
    def _on_shutdown(self) -> None:
        """Finish training with a checkpoint, then end the thread's event loop."""
        with self.guarded("stopping training"):
            self.training.finish_now()
        QThread.currentThread().quit()

    # --- the WorkerHost of the services ------------------------------------------------------
    @property
    def project(self) -> WorkerProject | None:
        return self._project

    def report(self, exc: BaseException, doing: str) -> None:
        log.warning("error while %s", doing, exc_info=exc)
        self._state.sig_error.emit(error_record(exc, doing))

    @contextlib.contextmanager
    def guarded(self, doing: str) -> Iterator[None]:
        """No exception ever leaves a slot: it becomes an ErrorRecord for the dialog."""
        try:
            yield
        except Cancelled:
            log.info("cancelled while %s", doing)
        except Exception as exc:
            self.report(exc, doing)

    def run_job(self, kind: JobKind, label: str, doing: str,
                work: Callable[[Job], None]) -> bool:
        """Announce, run and close a long job; True when it completed."""
        job = self.jobs.start(kind, label)
        self._state.sig_job_started.emit(job.job_id, label)
        outcome = JobOutcome.FAILED
        try:
            work(job)
            outcome = JobOutcome.DONE
        except Cancelled:
            outcome = JobOutcome.CANCELLED
        except Exception as exc:
            self.report(exc, doing)
        finally:
            self.jobs.finish(job)
            self._state.sig_job_finished.emit(job.job_id, outcome)
        return outcome == JobOutcome.DONE

    def emit_progress(self, job_id: str, fraction: float, text: str) -> None:
        self._state.sig_job_progress.emit(job_id, fraction, text)

    def hold_training(self) -> None:
        self.training.hold_for_interaction()

    # --- helpers ------------------------------------------------------------------------------
    def _image_progress(self, job: Job) -> Callable[[int, int], None]:
        return job.counted_progress(self.emit_progress, "images")

    def _require_project(self) -> WorkerProject:
        if self._project is None:
            raise ProjectError("no project is open; open or create one first")
        return self._project

    def _adopt(self, project: WorkerProject) -> None:
        self._project = project
        self._state.sig_training_state_reported.emit(TrainingState.IDLE)
        self._publish_project()
        self._set_dirty(False)
        self.map_service.on_project_changed()
        self._publish_previews()

    def _publish_project(self) -> None:
        project = self._project
        info = None if project is None else project_info(project, is_demo_path(project.path))
        self._state.sig_project_reported.emit(info)
        self.gallery_service.on_project(project)  # reopens the gallery when the path changed

    def _publish_previews(self) -> None:
        """A trained project shows what its model does at once, not only once training runs."""
        project = self._project
        if project is not None and project.is_trained and not project.read_only:
            with self.guarded("showing the model's previews"):
                self._state.sig_previews.emit(project.previews())

    def _set_dirty(self, dirty: bool) -> None:
        if dirty != self._dirty:
            self._dirty = dirty
            self._state.sig_project_dirty.emit(dirty)

    def _autosave(self) -> None:
        """After a checkpoint the weights are on disk; the demo copy stays dirty (it is scratch)."""
        project = self._project
        if project is not None and not project.read_only and not is_demo_path(project.path):
            project.save()
            self._set_dirty(False)

    # --- project requests ---------------------------------------------------------------------
    @Slot(str)
    def _on_open_project(self, path: str) -> None:
        def work(job: Job) -> None:
            self._adopt(self._backend.open_project(path))

        self.training.finish_now()
        self.run_job(JobKind.OPEN, f"Opening {Path(path).name}", "opening the project", work)

    @Slot(str, str, object)
    def _on_new_project(self, folder: str, project_path: str, config: ProjectConfig) -> None:
        def work(job: Job) -> None:
            project = self._backend.create_project(project_path, folder, config,
                                                   self._image_progress(job), job.should_stop)
            self._adopt(project)

        self.training.finish_now()
        label = f"Creating {Path(project_path).name} from {Path(folder).name}"
        self.run_job(JobKind.INGEST, label, "creating the project", work)

    @Slot(str, object)
    def _on_scan_folder(self, folder: str, config: IngestConfig) -> None:
        def work(job: Job) -> None:
            report, preview = self._backend.scan_folder(folder, config, self._image_progress(job),
                                                        job.should_stop)
            self._scanned_images = report.usable
            self._state.sig_scan_finished.emit(ScanResult(folder, report, frozen_array(preview)))

        self.run_job(JobKind.SCAN, f"Reading {Path(folder).name}", "reading the folder", work)

    @Slot(object, object)
    def _on_estimate(self, vae_config: VAEConfig, train_config: TrainConfig) -> None:
        def work(job: Job) -> None:
            count = self._project.image_count if self._project is not None else self._scanned_images
            seconds = float("nan")
            if count > 0:
                seconds = self._backend.estimate(vae_config, train_config, count)
            self._state.sig_estimate.emit(seconds)

        self.run_job(JobKind.ESTIMATE, "Timing a few training steps", "estimating training time",
                     work)

    @Slot(str)
    def _on_save(self, path: str) -> None:
        def work(job: Job) -> None:
            project = self._require_project()
            if path:
                self.training.finish_now()  # the trainer writes to the old folder
                project.save(path)
                self._publish_project()
            else:
                session = self.training.session
                if session is not None:
                    session.trainer.checkpoint()
                project.save()
            self._set_dirty(False)

        label = f"Saving to {Path(path).name}" if path else "Saving"
        self.run_job(JobKind.SAVE, label, "saving the project", work)

    @Slot(str)
    def _on_export_model(self, path: str) -> None:
        def work(job: Job) -> None:
            self._require_project().export_model(path)

        self.run_job(JobKind.EXPORT_MODEL, f"Exporting {Path(path).name}", "exporting the model",
                     work)

    @Slot(object)
    def _on_decode(self, request: DecodeRequest) -> None:
        self.hold_training()  # answer the following requests between steps too
        self._decodes.put(request)

    def _serve_decode(self, request: DecodeRequest) -> None:
        with self.guarded("drawing images from the model"):
            started = time.perf_counter()
            decoded = self._require_project().decode(request.latents)  # (N, C, S, S) floats
            images = frozen_array(to_uint8_images(decoded))
            self._state.sig_decoded.emit(DecodeResult(images, request.tag, request.generation,
                                                      time.perf_counter() - started))

    # --- training -----------------------------------------------------------------------------
    @Slot(object)
    def _on_train(self, config: TrainConfig) -> None:
        with self.guarded("starting training"):
            self.training.start(self._require_project(), config)

    @Slot()
    def _on_pause(self) -> None:
        self.training.pause()

    @Slot()
    def _on_resume(self) -> None:
        self.training.resume()

    @Slot()
    def _on_stop(self) -> None:
        self.training.stop()

    @Slot(str)
    def _on_cancel(self, job_id: str) -> None:
        if job_id == self.training.job_id():
            self.training.stop()

    def _on_step_taken(self) -> None:
        self._set_dirty(True)

    def _on_run_ended(self, outcome: str) -> None:
        if outcome != JobOutcome.FAILED:
            self._autosave()
        self._publish_project()  # trained steps and history changed
        self.map_service.on_training_ended()  # the map depends on the weights
