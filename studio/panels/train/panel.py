"""The Train panel: choose a folder, check how the model will see it, set up and watch training.

A view over AppState: buttons emit its `sig_request_*` signals, its result signals (scan report,
project, progress, previews, training state, estimate, jobs, errors) update the parts in
`studio/panels/train/`. Nothing here touches the model or a thread.
"""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QStackedWidget, QVBoxLayout, QWidget

from models.config import IngestConfig, ProjectConfig, TrainConfig
from models.records import ProgressKind, TrainProgress
from studio.contract.app_state import AppState
from studio.contract.project_records import (
    ErrorRecord,
    JobOutcome,
    ProjectInfo,
    ScanResult,
    TrainingState,
)
from studio.panels.train.dialogs import FolderDialog, ProjectPathDialog, default_project_path
from studio.panels.train.estimate import EstimateScheduler
from studio.panels.train.panel_state import PanelFacts, Pending, describe
from studio.panels.train.views import EmptyState, TrainWorkspace

SCAN_DEBOUNCE_MS = 300  # image options clicked through quickly trigger one re-scan


def _same_folder(a: str, b: str) -> bool:
    return bool(a) and bool(b) and os.path.normpath(a) == os.path.normpath(b)


class TrainPanel(QWidget):
    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self._folder = ""  # the folder a new project would be created from
        self._usable = 0
        self._own_scans: list[str] = []  # folders of our scan requests not yet answered
        self._project: ProjectInfo | None = None
        self._new_project = True  # Start creates a project (else continues the open one)
        self._custom_path: Path | None = None
        self._pending = Pending.NONE  # a request not answered yet
        self._job_id = ""
        self._train_when_created: TrainConfig | None = None  # what Start asked for
        self._training_state = state.training_state
        self._error = False
        self._done_message = ""
        self.empty = EmptyState()
        self.workspace = TrainWorkspace()
        self.setup, self.monitor = self.workspace.setup, self.workspace.monitor
        self._pages = QStackedWidget()
        self._pages.addWidget(self.empty)
        self._pages.addWidget(self.workspace)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self._pages)
        self._scan_timer = QTimer(self)
        self._scan_timer.setSingleShot(True)
        self._scan_timer.setInterval(SCAN_DEBOUNCE_MS)
        self._estimates = EstimateScheduler(state, self.setup.form, self.setup.controls, self)
        self._connect_signals()
        if state.project is not None:
            self._on_project_changed(state.project)
        self._update_view()

    def _connect_signals(self) -> None:
        state, ingest, controls = self._state, self.setup.ingest, self.setup.controls
        self._scan_timer.timeout.connect(self._request_scan)
        state.sig_project_changed.connect(self._on_project_changed)
        state.sig_scan_finished.connect(self._on_scan_finished)
        state.sig_job_started.connect(self._on_job_started)
        state.sig_job_progress.connect(self._on_job_progress)
        state.sig_job_finished.connect(self._on_job_finished)
        state.sig_training_state.connect(self._on_training_state)
        state.sig_train_progress.connect(self._on_train_progress)
        state.sig_previews.connect(self.monitor.previews.set_previews)
        state.sig_device.connect(self.monitor.status.set_device)
        state.sig_error.connect(self._on_error)
        self.empty.sig_choose_folder.connect(self._on_choose_folder)
        ingest.sig_choose_folder.connect(self._on_choose_folder)
        ingest.sig_cancel.connect(self._on_cancel_job)
        self.monitor.status.sig_cancel_job.connect(self._on_cancel_job)
        self.setup.form.sig_ingest_changed.connect(self._on_ingest_changed)
        self.setup.form.sig_settings_changed.connect(self._schedule_estimate)
        controls.sig_start.connect(self._on_start)
        controls.sig_pause.connect(state.sig_request_pause)
        controls.sig_resume.connect(state.sig_request_resume)
        controls.sig_stop.connect(state.sig_request_stop)
        controls.sig_sharpen.connect(self._on_sharpen)
        controls.sig_change_path.connect(self._on_change_path)

    # --- folder and scan --------------------------------------------------------------------
    def choose_folder(self, folder: str) -> None:
        """Use `folder` for a new project: scan it with the current image options."""
        self._folder, self._usable = folder, 0
        self._new_project, self._custom_path, self._error = True, None, False
        self._request_scan()

    def _request_scan(self) -> None:
        if not self._folder or not self._new_project:
            return
        self._pending, self._job_id = Pending.SCAN, ""
        self._own_scans.append(self._folder)
        self.setup.ingest.show_scanning(self._folder)
        self._state.sig_request_scan_folder.emit(self._folder, self.setup.form.ingest_config())
        self._update_view()

    def _on_choose_folder(self) -> None:
        start = self._folder or (self._project.source_folder if self._project else "")
        folder = FolderDialog.ask(self, start)
        if folder:
            self.choose_folder(folder)

    def _on_ingest_changed(self) -> None:
        if self._folder and self._new_project:
            self._scan_timer.start()

    def _on_scan_finished(self, result: ScanResult) -> None:
        own = next((f for f in self._own_scans if _same_folder(f, result.folder)), None)
        if own is not None:
            self._own_scans.remove(own)
            if not _same_folder(own, self._folder):
                return  # an answer for a folder the user has since replaced
        else:  # dropped on the window or given on the command line
            self._folder, self._new_project, self._custom_path = result.folder, True, None
        if self._pending == Pending.SCAN and not self._own_scans:
            self._pending, self._job_id = Pending.NONE, ""
        self._usable, self._error = result.report.usable, False
        self.setup.ingest.show_scan(result)
        if own is None and self.setup.form.ingest_config() != IngestConfig():
            self._request_scan()  # show it with this panel's image options, not the defaults
        self._schedule_estimate()
        self._update_view()

    # --- project and training ---------------------------------------------------------------
    def _clear_messages(self) -> None:
        self.monitor.status.error.clear()
        self.monitor.status.warning.clear()
        self._error, self._done_message = False, ""

    def _on_start(self) -> None:
        self._clear_messages()
        if not self._new_project:
            self._request_training()
            return
        config = self.setup.form.project_config()
        self._pending, self._job_id, self._train_when_created = Pending.CREATE, "", config.train
        self.monitor.clear()
        self.monitor.status.show_job(-1, "Reading and preparing every image…")
        self._state.sig_request_new_project.emit(self._folder, str(self._project_path()), config)
        self._update_view()

    def _on_sharpen(self) -> None:
        """Continue the open project with the sharpen stage on, for a quarter of the length set
        in the form (the worker reads a length as "this much more")."""
        self._clear_messages()
        self._request_training(self.setup.form.train_config().for_sharpening())

    def _request_training(self, config: TrainConfig | None = None) -> None:
        config = config or self.setup.form.train_config()
        self._pending, self._job_id = Pending.TRAIN, ""
        self.monitor.health.set_kl_warmup_steps(config.kl_warmup_steps)
        self._state.sig_request_train.emit(config)
        self._update_view()

    def _on_project_changed(self, info: ProjectInfo | None) -> None:
        same = info is not None and self._project is not None and info.path == self._project.path
        self._project = info
        if info is None:
            self.monitor.clear()
            self._new_project = True
            if not self._folder:
                self.setup.ingest.clear()
        elif not same:
            self.monitor.clear()
            self._show_project(info)
        elif not self._new_project:  # re-published after a run: keep the live charts
            self.setup.ingest.show_project(info)
        if self._pending == Pending.CREATE and info is not None:
            self._pending, self._job_id = Pending.NONE, ""
            self.monitor.status.hide_job()
        if self._train_when_created is not None and info is not None:
            config, self._train_when_created = self._train_when_created, None
            self._request_training(config)
        self._schedule_estimate()
        self._update_view()

    def _show_project(self, info: ProjectInfo) -> None:
        self._new_project, self._folder, self._usable = False, "", 0
        if isinstance(info.config, ProjectConfig):
            self.setup.form.load_project_config(info.config)
            self.monitor.health.set_kl_warmup_steps(info.config.train.kl_warmup_steps)
        self.setup.form.set_project_locked(True)
        self.setup.ingest.show_project(info)
        self.monitor.charts.add_history(info.history)
        if info.history:
            self.monitor.status.show_progress(info.history[-1])
        health = next((p for p in reversed(info.history) if p.health is not None), None)
        if health is not None:
            self.monitor.health.set_health(health.health, health.step)

    def _project_path(self) -> Path:
        return self._custom_path or default_project_path(self._folder)

    def _on_change_path(self) -> None:
        path = ProjectPathDialog.ask(self, self._project_path())
        if path is not None:
            self._custom_path = path
            self._update_view()

    def _on_training_state(self, training_state: str) -> None:
        self._training_state = TrainingState(training_state)
        if self._pending == Pending.TRAIN:
            self._pending = Pending.NONE
        if training_state == TrainingState.RUNNING:
            self._error, self._done_message = False, ""
        self._schedule_estimate()
        self._update_view()

    def _on_train_progress(self, progress: TrainProgress) -> None:
        status = self.monitor.status
        self.monitor.charts.add_progress(progress)
        if progress.total_steps > 0:
            status.show_progress(progress)
        if progress.health is not None:
            self.monitor.health.set_health(progress.health, progress.step)
        if progress.kind == ProgressKind.WARNING and progress.message:
            status.warning.show_message("warning", progress.message)
        elif progress.kind == ProgressKind.CHECKPOINT:
            status.set_note(f"Checkpoint saved at step {progress.step:,}")
        elif progress.kind in (ProgressKind.STAGE, ProgressKind.PRIOR) and progress.message:
            status.set_note(progress.message[:1].upper() + progress.message[1:])
        elif progress.kind == ProgressKind.DONE:
            self._done_message = progress.message
            self._update_view()

    # --- jobs and errors --------------------------------------------------------------------
    def _on_job_started(self, job_id: str, _label: str) -> None:
        kind = self._pending.job_kind
        if kind is not None and not self._job_id and kind.owns(job_id):
            self._job_id = job_id

    def _on_job_progress(self, job_id: str, fraction: float, detail: str) -> None:
        if not job_id or job_id != self._job_id:
            return
        if self._pending == Pending.SCAN:
            self.setup.ingest.show_job_progress(fraction, detail)
        else:
            self.monitor.status.show_job(fraction, detail)

    def _on_job_finished(self, job_id: str, outcome: str) -> None:
        if not job_id or job_id != self._job_id or outcome == JobOutcome.DONE:
            return
        self._stop_pending("Cancelled." if outcome == JobOutcome.CANCELLED else "")

    def _on_cancel_job(self) -> None:
        if self._job_id:
            self._state.sig_request_cancel.emit(self._job_id)

    def _on_error(self, record: ErrorRecord) -> None:
        if not (self._pending or self._training_state.busy):
            return  # someone else's error: the main window shows it
        self._error = True
        self.monitor.status.error.show_message("error", f"<b>{record.title}</b><br>"
                                                        f"{record.message}")
        self._stop_pending(record.message)

    def _stop_pending(self, message: str) -> None:
        if self._pending == Pending.SCAN:
            self._own_scans.clear()
            self.setup.ingest.show_scan_stopped(message or "The folder could not be scanned.")
        self._pending, self._job_id, self._train_when_created = Pending.NONE, "", None
        self.monitor.status.hide_job()
        self.monitor.status.reset_progress(message)
        self._update_view()

    # --- estimate ---------------------------------------------------------------------------
    def _schedule_estimate(self) -> None:
        available = bool(self._project or self._usable) and not self._training_state.busy
        self._estimates.schedule(available, self._project.path if self._project else self._folder)

    # --- redraw -----------------------------------------------------------------------------
    def _facts(self) -> PanelFacts:
        project = self._project
        return PanelFacts(
            training_state=self._training_state, pending=self._pending,
            new_project=self._new_project, folder=self._folder, usable=self._usable,
            project_path=project.path if project else "",
            is_model_file=project.is_model_file if project else False,
            trained_steps=project.trained_steps if project else 0,
            error=self._error, done_message=self._done_message)

    def _update_view(self) -> None:
        look = describe(self._facts())
        self._pages.setCurrentIndex(0 if look.show_invitation else 1)
        self.monitor.status.set_headline(look.headline)
        self.setup.controls.update_buttons(self._training_state, look.can_start,
                                           look.start_label, look.start_tooltip,
                                           look.can_sharpen)
        self.setup.form.set_training_locked(look.lock_all_settings)
        self.setup.form.set_project_locked(look.lock_project_settings)
        new_path = self._project_path() if self._new_project and self._folder else None
        self.setup.controls.set_project_path(new_path)
