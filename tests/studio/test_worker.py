"""The backend worker thread with a fake backend: requests in, result signals out."""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest

from models.config import IngestConfig, ProjectConfig, TrainConfig
from studio.backend.handle import WorkerHandle
from studio.contract.project_records import DecodeRequest
from tests.conftest import FrozenClock
from tests.studio.fake_backend import FakeBackend, FakeProject


@pytest.fixture
def project(tmp_path) -> FakeProject:
    path = tmp_path / "fake.latentia"
    path.mkdir()
    return FakeProject(path)


@pytest.fixture
def backend(project) -> FakeBackend:
    return FakeBackend(project)


@pytest.fixture
def handle(qtbot, state, backend) -> Iterator[WorkerHandle]:
    worker = WorkerHandle(state, backend)
    with qtbot.waitSignal(state.sig_device):  # AppState signals reach the test thread queued
        worker.start()
    yield worker
    assert worker.stop()


def open_project(qtbot, state, project) -> None:
    # The open job's job_finished too, so that it cannot answer a later wait for another job.
    with qtbot.waitSignal(state.sig_job_finished), \
            qtbot.waitSignal(state.sig_project_changed) as blocker:
        state.sig_request_open_project.emit(str(project.path))
    assert blocker.args[0].path == str(project.path)


def test_open_project_publishes_info_and_job(qtbot, state, handle, project):
    jobs = []
    state.sig_job_started.connect(lambda job_id, label: jobs.append(("started", label)))
    state.sig_job_finished.connect(lambda job_id, outcome: jobs.append(("finished", outcome)))
    with qtbot.waitSignal(state.sig_project_changed) as blocker:
        state.sig_request_open_project.emit(str(project.path))
    info = blocker.args[0]
    assert (info.name, info.image_count, info.latent_dim, info.is_demo) == ("fake", 10, 4, False)
    qtbot.waitUntil(lambda: len(jobs) == 2)
    assert jobs == [("started", "Opening fake.latentia"), ("finished", "done")]


def test_a_trained_project_shows_its_previews_when_opened(qtbot, state, handle, project):
    previews = []
    state.sig_previews.connect(previews.append)
    open_project(qtbot, state, project)  # untrained: nothing to show yet
    project.trained_steps = 40
    with qtbot.waitSignal(state.sig_previews) as blocker:
        state.sig_request_open_project.emit(str(project.path))
    assert blocker.args[0].step == 40 and len(previews) == 1


def test_errors_become_records_and_the_worker_goes_on(qtbot, state, handle, backend, project):
    with qtbot.waitSignal(state.sig_error) as blocker:
        state.sig_request_open_project.emit("/nowhere/x.latentia")
    record = blocker.args[0]
    assert record.message == "/nowhere/x.latentia does not exist."
    backend.fail_with = ZeroDivisionError("boom")
    with qtbot.waitSignal(state.sig_error) as blocker:
        state.sig_request_open_project.emit(str(project.path))
    record = blocker.args[0]
    assert record.message == "Something went wrong while opening the project."
    assert "ZeroDivisionError: boom" in record.details
    backend.fail_with = None
    open_project(qtbot, state, project)  # still alive and answering


def test_new_project_reports_progress_and_can_be_cancelled(qtbot, state, handle, tmp_path):
    started, progress = [], []
    state.sig_job_started.connect(lambda job_id, label: started.append(job_id))
    state.sig_job_progress.connect(lambda job_id, fraction, detail: progress.append(fraction))
    state.sig_request_new_project.emit(str(tmp_path), str(tmp_path / "n.latentia"),
                                       ProjectConfig())
    qtbot.waitUntil(lambda: len(progress) >= 2)
    with qtbot.waitSignal(state.sig_job_finished) as blocker:
        state.sig_request_cancel.emit(started[0])
    assert blocker.args == [started[0], "cancelled"]
    assert 0 < max(progress) < 1
    assert len(progress) < 200  # throttled, not one signal per image


def test_training_runs_checkpoints_autosaves_and_finishes(qtbot, state, handle, project,
                                                          monkeypatch):
    import studio.backend.pacing as pacing

    monkeypatch.setattr(pacing, "time", FrozenClock())  # no interval passes during the run
    open_project(qtbot, state, project)
    kinds, states, dirty = [], [], []
    state.sig_train_progress.connect(lambda p: kinds.append(p.kind))
    state.sig_training_state.connect(states.append)
    state.sig_project_dirty.connect(dirty.append)
    with qtbot.waitSignal(state.sig_training_state, timeout=10_000,
                          check_params_cb=lambda s: s == "finished"):
        state.sig_request_train.emit(TrainConfig(epochs=1))
    assert states == ["running", "finished"]
    assert kinds.count("validation") == 6 and kinds.count("checkpoint") == 3
    assert kinds[-1] == "done"
    assert kinds.count("step") == 1  # step records are throttled: the first one only
    assert dirty[0] is True and dirty[-1] is False  # steps dirty it, checkpoints save it
    assert project.saves and all(path is None for path in project.saves)
    assert project.trained_steps == 60


def test_decode_is_served_while_training(qtbot, state, handle, project):
    project.steps, project.step_seconds = 400, 0.01
    open_project(qtbot, state, project)
    with qtbot.waitSignal(state.sig_training_state):
        state.sig_request_train.emit(TrainConfig(epochs=1))
    latents = np.zeros((3, 4), np.float32)
    with qtbot.waitSignal(state.sig_decoded) as blocker:
        state.sig_request_decode.emit(DecodeRequest(latents, tag="probe", generation=7))
    result = blocker.args[0]
    assert state.training_state == "running"  # answered between steps, not after training
    assert (result.tag, result.generation, result.images.shape) == ("probe", 7, (3, 8, 8, 3))
    assert result.images.dtype == np.uint8 and not result.images.flags.writeable
    with qtbot.waitSignal(state.sig_training_state, timeout=10_000):
        state.sig_request_stop.emit()


def test_decode_requests_coalesce_to_the_latest(qtbot, state, handle, backend, project):
    open_project(qtbot, state, project)
    decoded = []
    state.sig_decoded.connect(lambda result: decoded.append(result.generation))
    backend.gate.clear()  # the worker is now stuck in a scan while decodes pile up
    state.sig_request_scan_folder.emit("/data/fake", IngestConfig())
    for generation in range(1, 6):
        state.sig_request_decode.emit(DecodeRequest(np.zeros((1, 4), np.float32),
                                                    generation=generation))
    with qtbot.waitSignal(state.sig_decoded):
        backend.gate.set()
    qtbot.wait(100)
    assert decoded == [5]


def test_pause_resume_and_stop_while_paused(qtbot, state, handle, project):
    project.steps, project.step_seconds = 10_000, 0.002
    open_project(qtbot, state, project)
    states, outcomes = [], []
    state.sig_training_state.connect(states.append)
    state.sig_job_finished.connect(lambda job_id, outcome: outcomes.append((job_id, outcome)))
    with qtbot.waitSignal(state.sig_training_state):
        state.sig_request_train.emit(TrainConfig(epochs=1))
    with qtbot.waitSignal(state.sig_training_state):
        state.sig_request_pause.emit()
    steps = []
    state.sig_train_progress.connect(lambda p: steps.append(p.step))
    qtbot.wait(150)
    assert steps == []  # paused: nothing pulled
    with qtbot.waitSignal(state.sig_training_state):
        state.sig_request_resume.emit()
    qtbot.waitUntil(lambda: len(steps) > 0)
    state.sig_request_pause.emit()
    qtbot.waitUntil(lambda: states[-1] == "paused")
    checkpoints = project.checkpoints
    with qtbot.waitSignal(state.sig_training_state, check_params_cb=lambda s: s == "idle"):
        state.sig_request_stop.emit()
    assert states == ["running", "paused", "running", "paused", "idle"]  # no "running" flash
    assert project.checkpoints == checkpoints + 1  # stopping wrote a final checkpoint
    qtbot.waitUntil(lambda: any(job.startswith("train") for job, _ in outcomes))
    assert [outcome for job, outcome in outcomes if job.startswith("train")] == ["cancelled"]


def test_shutdown_while_training_checkpoints_and_ends_the_thread(qtbot, state, backend, project):
    project.steps, project.step_seconds = 100_000, 0.002
    worker = WorkerHandle(state, backend)
    with qtbot.waitSignal(state.sig_device):  # AppState signals reach the test thread queued
        worker.start()
    open_project(qtbot, state, project)
    with qtbot.waitSignal(state.sig_train_progress):
        state.sig_request_train.emit(TrainConfig(epochs=1))
    assert worker.stop(timeout_ms=10_000)
    assert not worker.thread.isRunning()
    assert project.checkpoints == 1 and 0 < project.trained_steps < 100_000


def test_scan_estimate_save_and_export(qtbot, state, handle, project, tmp_path):
    with qtbot.waitSignal(state.sig_scan_finished) as blocker:
        state.sig_request_scan_folder.emit("/data/fake", IngestConfig())
    scan = blocker.args[0]
    assert scan.report.usable == 3 and not scan.preview.flags.writeable
    with qtbot.waitSignal(state.sig_estimate) as blocker:
        state.sig_request_estimate.emit(None, TrainConfig())
    assert blocker.args == [1.5]  # 3 scanned images x 0.5 s in the fake
    open_project(qtbot, state, project)
    # Waiting for what each request does, not for a job_finished: opening a project starts
    # other jobs too (its map), whose job_finished a busy machine delivers at any point here.
    state.sig_request_save.emit("")
    qtbot.waitUntil(lambda: project.saves == [None])
    target = str(tmp_path / "copy.latentia")
    state.sig_request_save.emit(target)
    qtbot.waitUntil(lambda: project.saves == [None, target])
    model = str(tmp_path / "m.latentia-model")
    state.sig_request_export_model.emit(model)
    qtbot.waitUntil(lambda: project.exports == [model])


def test_requests_without_a_project_explain_themselves(qtbot, state, handle):
    with qtbot.waitSignal(state.sig_error) as blocker:
        state.sig_request_train.emit(TrainConfig())
    assert blocker.args[0].message == "No project is open; open or create one first."
