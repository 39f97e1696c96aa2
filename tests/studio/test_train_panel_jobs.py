"""The Train panel following long jobs (scan, project creation), errors, and folders that
arrive from elsewhere (dropped on the window, or chosen while a project is open)."""

from __future__ import annotations

import pytest

from models.records import TrainProgress
from studio.contract.project_records import ErrorRecord
from studio.panels.train.dialogs import FolderDialog
from studio.panels.train.panel import TrainPanel
from studio.settings import Settings
from tests.studio.test_train_panel import FOLDER, metrics, project_info, scan


@pytest.fixture
def panel(qtbot, state, tmp_path, monkeypatch) -> TrainPanel:
    monkeypatch.setattr(Settings, "projects_folder", lambda self: str(tmp_path))
    widget = TrainPanel(state)
    qtbot.addWidget(widget)
    return widget


@pytest.fixture
def scanned(panel, state) -> TrainPanel:
    state.sig_scan_finished.emit(scan())
    return panel


def test_create_job_progress_cancel_and_failure(scanned, state, qtbot):
    scanned.setup.controls.start_button.click()
    state.sig_job_started.emit("ingest-3", "Creating cats.latentia")
    state.sig_job_progress.emit("ingest-3", 0.5, "3 of 6 images")
    status = scanned.monitor.status
    assert status.progress.value() == 500 and status.stats.text() == "3 of 6 images"
    with qtbot.waitSignal(state.sig_request_cancel) as blocker:
        status.cancel_button.click()
    assert blocker.args == ["ingest-3"]
    state.sig_error.emit(ErrorRecord("Could not create the project", "the disk is full"))
    state.sig_job_finished.emit("ingest-3", "failed")
    assert status.headline.text() == "Something went wrong"
    assert "the disk is full" in status.error.text()
    assert scanned.setup.controls.start_button.isEnabled()
    with qtbot.assertNotEmitted(state.sig_request_train):
        state.sig_project_reported.emit(None)


def test_errors_of_other_panels_are_left_to_the_window(scanned, state):
    state.sig_error.emit(ErrorRecord("Export failed", "no permission"))
    assert scanned.monitor.status.error.text() == ""


def test_folder_dropped_on_window_is_adopted(panel, state, qtbot):
    other = "/data/dogs"
    state.sig_scan_finished.emit(scan(folder=other))
    assert panel._pages.currentWidget() is panel.workspace
    assert panel.setup.ingest.folder_label.text() == other
    with qtbot.waitSignal(state.sig_request_new_project) as blocker:
        panel.setup.controls.start_button.click()
    assert blocker.args[0] == other and blocker.args[1].endswith("dogs.latentia")


def test_scan_progress_follows_the_scan_job_only(panel, state, monkeypatch):
    monkeypatch.setattr(FolderDialog, "ask", classmethod(lambda cls, parent, start: FOLDER))
    panel.empty.choose_button.click()
    state.sig_job_started.emit("estimate-1", "Timing a few training steps")
    state.sig_job_started.emit("scan-2", "Reading cats")
    state.sig_job_progress.emit("estimate-1", 0.9, "not ours")
    state.sig_job_progress.emit("scan-2", 0.25, "2 of 8 images")
    ingest = panel.setup.ingest
    assert ingest.progress.value() == 250 and ingest.progress_detail.text() == "2 of 8 images"
    state.sig_job_finished.emit("estimate-1", "failed")
    assert panel.monitor.status.headline.text() == "Scanning the folder…"
    state.sig_job_finished.emit("scan-2", "cancelled")
    assert ingest.summary.text() == "Cancelled."
    assert not ingest.progress.isVisibleTo(panel)


def test_new_folder_while_a_project_is_open_starts_a_new_project(panel, state, qtbot,
                                                                 monkeypatch):
    state.sig_project_reported.emit(project_info(trained_steps=50))
    monkeypatch.setattr(FolderDialog, "ask", classmethod(lambda cls, parent, start: "/data/owls"))
    with qtbot.waitSignal(state.sig_request_scan_folder):
        panel.setup.ingest.choose_button.click()
    assert panel.setup.form.latent_dim.isEnabled()  # a new project: everything can change
    state.sig_scan_finished.emit(scan(folder="/data/owls"))
    assert panel.setup.controls.start_button.text() == "Create project and train"
    with qtbot.waitSignal(state.sig_request_new_project) as blocker:
        panel.setup.controls.start_button.click()
    assert blocker.args[0] == "/data/owls"


def test_training_error_shows_in_the_panel(panel, state, qtbot):
    state.sig_project_reported.emit(project_info())
    with qtbot.waitSignal(state.sig_request_train):
        panel.setup.controls.start_button.click()
    assert panel.monitor.status.headline.text() == "Starting training…"
    state.sig_error.emit(ErrorRecord("Training stopped", "the loss became NaN"))
    assert "the loss became NaN" in panel.monitor.status.error.text()
    assert panel.setup.controls.start_button.isEnabled()
    state.sig_training_state_reported.emit("running")
    state.sig_train_progress.emit(TrainProgress("step", 1, 0.1, 10, train=metrics(1.0)))
    assert panel.monitor.status.headline.text() == "Training…"
