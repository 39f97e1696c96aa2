"""Training inside the worker thread: the backend's generator, pulled one record per slice.

`TrainingDriver` pulls one `TrainProgress` per zero-timeout timer tick, publishes what the UI
needs, then returns to the thread's event loop so decode and control requests queued meanwhile
are served between steps. Pausing = not pulling. Stopping = setting the trainer's `should_stop`
flag and pulling on: the trainer then validates, checkpoints and yields "done".
"""

from __future__ import annotations

import math
import threading
import time

from PySide6.QtCore import QObject, QTimer, Signal

from models.config import TrainConfig
from models.errors import Cancelled
from models.records import PreviewImages, ProgressKind, TrainProgress
from studio.backend.jobs import Job, JobRegistry
from studio.backend.pacing import Throttle
from studio.backend.seams import WorkerHost, WorkerProject
from studio.contract.app_state import AppState
from studio.contract.project_records import JobKind, JobOutcome, TrainingState

STEP_INTERVAL_S = 0.1  # ~10 step records a second: more than a plot can show, fewer floods the UI
PREVIEW_INTERVAL_S = 3.0  # previews cost a few decoder passes; every few seconds feels live
# After a map drag request, training slices wait this long: a decode queued behind a training
# step waits for the whole step, so while requests keep coming no step is started at all.
HOLD_AFTER_INTERACTION_S = 0.3


class TrainingSession:
    """The trainer of the open project and the state of its current run."""

    def __init__(self, project: WorkerProject, config: TrainConfig | None, job: Job) -> None:
        self.job = job
        # the panel's length means "this much more" when the project was trained before
        settings = project.more_training(config) if config else project.config.train
        project.set_train_config(settings)  # saved with the project at the next autosave
        self.trainer = project.trainer(settings)
        self.device_label: str = str(self.trainer.device_label)
        self.paused = False
        self.finished = False
        self.latest: TrainProgress | None = None
        self._stop = threading.Event()  # set from the UI thread as well
        self._items = self.trainer.run(should_stop=self.should_stop)
        self._step_reports = Throttle(STEP_INTERVAL_S)
        self._previews = Throttle(PREVIEW_INTERVAL_S, start_due=False)

    # --- control (any thread) -----------------------------------------------------------------
    def should_stop(self) -> bool:
        return self._stop.is_set() or self.job.should_stop()

    def request_stop(self) -> None:
        self._stop.set()

    # --- the worker thread --------------------------------------------------------------------
    def pull(self) -> TrainProgress | None:
        """The next report, or None when the run has ended (finished, or stopped on request)."""
        if self.finished:
            return None
        try:
            progress = next(self._items)
        except (StopIteration, Cancelled):
            self.finished = True
            return None
        self.latest = progress
        if progress.kind == ProgressKind.DONE:
            self.finished = True
        return progress

    def should_publish(self, progress: TrainProgress) -> bool:
        """Every non-step record; step records at most every STEP_INTERVAL_S."""
        return progress.kind != ProgressKind.STEP or self._step_reports.due()

    def preview_due(self) -> bool:
        return self._previews.due()

    def previews(self) -> PreviewImages:
        self._previews.restart()
        return self.trainer.previews()

    def close(self) -> None:
        """Close the generator (idempotent; a finished run has already checkpointed)."""
        self.finished = True
        self._items.close()

    def progress_text(self, progress: TrainProgress) -> str:
        return (f"Epoch {progress.epoch:.1f} · step {progress.step:,} of "
                f"{progress.total_steps:,}")

    def fraction(self, progress: TrainProgress) -> float:
        return progress.step / progress.total_steps if progress.total_steps > 0 else -1.0


class TrainingDriver(QObject):
    """Runs at most one TrainingSession in slices, living in and called from the worker thread.

    Its signals reach the BackendWorker directly (both live in the worker thread).
    """

    sig_step_taken = Signal()
    """The weights changed since the last save."""
    sig_checkpoint_written = Signal()
    """The weights are on disk: the project can be saved with them."""
    sig_run_ended = Signal(str)
    """JobOutcome of the run; the project's steps and history changed."""

    def __init__(self, state: AppState, jobs: JobRegistry, host: WorkerHost,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self._jobs = jobs
        self._host = host
        self.session: TrainingSession | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._slice)
        self._hold_until = 0.0  # time.monotonic() before which no training step starts

    def start(self, project: WorkerProject, config: TrainConfig | None) -> None:
        """Start (or, when paused, resume) training; errors propagate to the caller."""
        if self.session is not None:
            self.resume()
            return
        job = self._jobs.start(JobKind.TRAIN, f"Training {project.name}")
        self._state.sig_job_started.emit(job.job_id, job.label)
        try:
            self.session = TrainingSession(project, config, job)
        except BaseException:
            self._jobs.finish(job)
            self._state.sig_job_finished.emit(job.job_id, JobOutcome.FAILED)
            raise
        self._state.sig_device.emit(self.session.device_label)
        self._state.sig_training_state_reported.emit(TrainingState.RUNNING)
        self._timer.start()

    def pause(self) -> None:
        session = self.session
        if session is not None and not session.paused and not session.should_stop():
            session.paused = True
            self._state.sig_training_state_reported.emit(TrainingState.PAUSED)
            self._state.sig_job_progress.emit(session.job.job_id, -1.0, "Paused")

    def resume(self) -> None:
        session = self.session
        if session is not None and session.paused:
            session.paused = False
            self._state.sig_training_state_reported.emit(TrainingState.RUNNING)
            self._timer.start()

    def stop(self) -> None:
        """Stop after the current step; a paused run is pulled on just long enough to
        checkpoint (without announcing "running" again)."""
        session = self.session
        if session is not None:
            session.request_stop()
            session.paused = False
            self._timer.start()

    def request_stop_from_any_thread(self) -> None:
        session = self.session
        if session is not None:
            session.request_stop()

    def job_id(self) -> str | None:
        return None if self.session is None else self.session.job.job_id

    def finish_now(self) -> None:
        """Stop and pull the run to its end (validation, checkpoint) before returning."""
        session = self.session
        if session is None:
            return
        session.request_stop()
        session.paused = False
        while self.session is session:
            self._advance(session)

    def hold_for_interaction(self) -> None:
        """Start no training step until HOLD_AFTER_INTERACTION_S after the latest call (the
        map's drag loop calls it per request); training then resumes by itself."""
        self._hold_until = time.monotonic() + HOLD_AFTER_INTERACTION_S

    def _held(self, session: TrainingSession) -> bool:
        """True (and the next slice rescheduled) while an interaction holds training back."""
        remaining = self._hold_until - time.monotonic()
        if remaining <= 0 or session.should_stop():  # a stop is never held back
            self._timer.setInterval(0)
            return False
        self._timer.start(max(1, math.ceil(remaining * 1000)))
        return True

    def _slice(self) -> None:
        session = self.session
        if session is None or session.paused or self._held(session):
            return
        self._advance(session)
        if self.session is session:
            self._timer.start()

    def _advance(self, session: TrainingSession) -> None:
        """Pull and publish one record; end the run once it is over."""
        try:
            progress = session.pull()
            if progress is not None:
                self._publish(session, progress)
        except Exception as exc:
            self._host.report(exc, "training")
            self._end(session, JobOutcome.FAILED)
            return
        if session.finished:
            self._end(session, JobOutcome.CANCELLED if session.should_stop() else JobOutcome.DONE)

    def _publish(self, session: TrainingSession, progress: TrainProgress) -> None:
        if progress.kind == ProgressKind.STEP:
            self.sig_step_taken.emit()
        if session.should_publish(progress):
            self._state.sig_train_progress.emit(progress)
            self._state.sig_job_progress.emit(session.job.job_id, session.fraction(progress),
                                              session.progress_text(progress))
        if progress.kind == ProgressKind.CHECKPOINT:
            self.sig_checkpoint_written.emit()
        if progress.kind != ProgressKind.DONE and session.preview_due():
            self._state.sig_previews.emit(session.previews())

    def _end(self, session: TrainingSession, outcome: JobOutcome) -> None:
        self.session = None
        self._timer.stop()
        self._jobs.finish(session.job)
        self.sig_run_ended.emit(outcome)  # re-publishes the project: panels reset their views...
        try:
            session.close()
            if outcome != JobOutcome.FAILED:  # ...so the final previews come after it
                self._state.sig_previews.emit(session.previews())
        except Exception as exc:
            self._host.report(exc, "finishing training")
        finished = outcome == JobOutcome.DONE
        self._state.sig_training_state_reported.emit(
            TrainingState.FINISHED if finished else TrainingState.IDLE)
        self._state.sig_job_finished.emit(session.job.job_id, outcome)
