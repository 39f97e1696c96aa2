"""The map service in the real worker thread, on a tiny trained project: the map is built as a
job after opening, drag decodes, animations, samples, attributes, saved paths and directions,
and training holds back while the map is being dragged."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from models.records import frozen_array
from studio.backend.handle import WorkerHandle
from studio.contract.canvas_records import (
    AttributeRequest,
    DirectionRequest,
    FramesRequest,
    SampleRequest,
)
from studio.contract.map_records import MapBuildRequest, PathRecord, PointsDecodeRequest
from tests.conftest import FrozenClock

pytestmark = pytest.mark.slow
WAIT_MS = 60_000


@pytest.fixture(scope="module")
def trained(trained_project) -> Path:
    return trained_project


@pytest.fixture
def opened(qtbot, state, trained) -> Iterator[tuple]:
    """A worker with the trained project open and its map built."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    handle = WorkerHandle(state)
    errors, statuses = [], []
    state.sig_error.connect(errors.append)
    state.map.sig_status.connect(statuses.append)
    with qtbot.waitSignal(state.sig_device, timeout=WAIT_MS):
        handle.start()
    with qtbot.waitSignal(state.map.sig_map_ready, timeout=WAIT_MS) as blocker:
        state.sig_request_open_project.emit(str(trained))
    qtbot.waitUntil(lambda: state.map.status.stage == "ready", timeout=WAIT_MS)
    yield handle, blocker.args[0], errors, statuses
    assert handle.stop(timeout_ms=WAIT_MS)
    torch.set_num_threads(threads)


def test_opening_a_trained_project_builds_its_map(qtbot, state, opened):
    _handle, data, errors, statuses = opened
    assert [s.stage for s in statuses][-2:] == ["building", "ready"]
    assert statuses[-2].job_id.startswith("map-")
    assert data.count == 48 and data.points.shape == (48, 2) and data.latents.shape == (48, 8)
    assert data.thumbnails.shape == (48, 32, 32, 3) and not data.thumbnails.flags.writeable
    assert data.k == len(data.cluster_names) >= 2 and data.auto_k
    assert data.density.ndim == 2 and data.density.max() == pytest.approx(1.0, abs=0.05)
    assert errors == []


def test_drag_decodes_and_path_frames(qtbot, state, opened):
    _handle, data, errors, _ = opened
    point = frozen_array(data.points[:1].copy())
    with qtbot.waitSignal(state.map.sig_points_decoded, timeout=WAIT_MS) as blocker:
        state.map.sig_request_points_decode.emit(PointsDecodeRequest(point, 5))
    decoded = blocker.args[0]
    assert decoded.generation == 5 and decoded.images.shape == (1, 32, 32, 3)
    path = PathRecord(frozen_array(data.points[[0, 1, 2]].copy()), "pca", 9)
    with qtbot.waitSignal(state.canvas.sig_frames, timeout=WAIT_MS) as blocker:
        state.canvas.sig_request_frames.emit(FramesRequest("path", 9, 1, path=path))
    frames = blocker.args[0]
    assert frames.images.shape == (9, 32, 32, 3) and frames.latents.shape == (9, 8)
    assert np.allclose(frames.points[0], data.points[0], atol=1e-4)
    assert frames.nearest.shape == (9,)
    keys = frozen_array(data.latents[[3, 4]].copy())
    with qtbot.waitSignal(state.canvas.sig_frames, timeout=WAIT_MS) as blocker:
        state.canvas.sig_request_frames.emit(FramesRequest("slerp", 5, 2, keyframes=keys))
    slerped = blocker.args[0]
    assert slerped.kind == "slerp" and np.allclose(slerped.latents[[0, -1]], keys, atol=1e-5)
    assert errors == []


def test_reconstruction_samples_and_attributes(qtbot, state, opened):
    _handle, data, errors, _ = opened
    with qtbot.waitSignal(state.map.sig_reconstruction, timeout=WAIT_MS) as blocker:
        state.map.sig_request_reconstruction.emit(6)
    pair = blocker.args[0]
    assert pair.index == 6 and pair.original.shape == pair.reconstruction.shape == (32, 32, 3)
    with qtbot.waitSignal(state.canvas.sig_generated, timeout=WAIT_MS) as blocker:
        state.canvas.sig_request_sample.emit(SampleRequest(4, 0.8, 10, 1))
    first = blocker.args[0]
    assert first.images.shape == (4, 32, 32, 3) and first.seeds == (10, 11, 12, 13)
    with qtbot.waitSignal(state.canvas.sig_generated, timeout=WAIT_MS) as blocker:
        state.canvas.sig_request_sample.emit(SampleRequest(2, 0.8, 11, 2))
    assert np.allclose(blocker.args[0].latents[0], first.latents[1])  # seed 11 twice
    with qtbot.waitSignal(state.canvas.sig_generated, timeout=WAIT_MS) as blocker:
        state.canvas.sig_request_sample.emit(SampleRequest(3, 0.8, 0, 3, cluster=0))
    assert blocker.args[0].kind == "cluster" and len(blocker.args[0].latents) == 3
    with qtbot.waitSignal(state.canvas.sig_directions, timeout=WAIT_MS) as blocker:
        state.canvas.sig_request_save_direction.emit(DirectionRequest(
            "redder", frozen_array(np.array([0, 4])), frozen_array(np.array([1, 5]))))
    assert blocker.args[0] == ("redder",)
    code = frozen_array(data.latents[0].copy())
    strengths = frozen_array(np.array([0.0, 1.0], np.float32))
    with qtbot.waitSignal(state.canvas.sig_generated, timeout=WAIT_MS) as blocker:
        state.canvas.sig_request_attribute.emit(AttributeRequest(code, "redder", strengths, 7))
    edits = blocker.args[0]
    assert edits.kind == "attribute" and edits.strengths == (0.0, 1.0)
    assert np.allclose(edits.latents[0], data.latents[0])
    direction = data.latents[[0, 4]].mean(axis=0) - data.latents[[1, 5]].mean(axis=0)
    assert np.allclose(edits.latents[1] - edits.latents[0], direction, atol=1e-4)
    assert errors == []


def test_paths_and_cluster_names_are_kept_in_the_project(qtbot, state, opened, trained):
    _handle, data, errors, _ = opened
    record = PathRecord(frozen_array(data.points[[0, 1]].copy()), "pca", 12, 0.0, (0, None),
                        "walk")
    with qtbot.waitSignal(state.map.sig_paths, timeout=WAIT_MS) as blocker:
        state.map.sig_request_save_path.emit(record)
    assert "walk" in blocker.args[0] and (trained / "paths" / "walk.json").is_file()
    with qtbot.waitSignal(state.map.sig_path_loaded, timeout=WAIT_MS) as blocker:
        state.map.sig_request_load_path.emit("walk")
    loaded = blocker.args[0]
    assert loaded.frames == 12 and loaded.snapped == (0, None)
    assert np.allclose(loaded.points, record.points)
    with qtbot.waitSignal(state.map.sig_paths, timeout=WAIT_MS) as blocker:
        state.map.sig_request_rename_path.emit("walk", "stroll")
    assert "stroll" in blocker.args[0] and "walk" not in blocker.args[0]
    with qtbot.waitSignal(state.map.sig_paths, timeout=WAIT_MS) as blocker:
        state.map.sig_request_delete_path.emit("stroll")
    assert "stroll" not in blocker.args[0]
    with qtbot.waitSignal(state.map.sig_cluster_names, timeout=WAIT_MS) as blocker:
        state.map.sig_request_rename_cluster.emit(0, "Round ones")
    assert blocker.args[0][0] == "Round ones"
    with qtbot.waitSignal(state.map.sig_map_ready, timeout=WAIT_MS) as blocker:
        state.map.sig_request_build.emit(MapBuildRequest("pca", None))
    assert blocker.args[0].cluster_names[0] == "Round ones"  # kept with the stored map
    with qtbot.waitSignal(state.map.sig_map_ready, timeout=WAIT_MS) as blocker:
        state.map.sig_request_build.emit(MapBuildRequest("pca", 2))
    assert blocker.args[0].k == 2 and not blocker.args[0].auto_k
    assert errors == []


def test_errors_become_messages_not_crashes(qtbot, state, opened):
    _handle, _data, _errors, _ = opened
    with qtbot.waitSignal(state.sig_error, timeout=WAIT_MS) as blocker:
        state.map.sig_request_load_path.emit("no such path")
    assert "no path named" in blocker.args[0].message
    with qtbot.waitSignal(state.map.sig_points_decoded, timeout=WAIT_MS) as blocker:
        state.map.sig_request_points_decode.emit(PointsDecodeRequest(
            frozen_array(np.array([[np.nan, 0.0]], np.float32)), 9))
    assert blocker.args[0].generation == 9 and len(blocker.args[0].images) == 0


def test_dragging_holds_training_back_and_the_map_refreshes_after(qtbot, state, opened,
                                                                  monkeypatch):
    import studio.backend.training as training
    from tests.models.conftest import tiny_config

    clock = FrozenClock()  # the hold lasts HOLD_AFTER_INTERACTION_S of this clock
    monkeypatch.setattr(training, "time", clock)
    handle, data, errors, _ = opened
    steps = []
    state.sig_train_progress.connect(lambda progress: steps.append(progress.step))
    state.sig_request_train.emit(tiny_config(epochs=500).train)
    qtbot.waitUntil(lambda: len(steps) >= 3, timeout=WAIT_MS)
    session = handle.worker.training.session
    point = frozen_array(data.points[:1].copy())
    with qtbot.waitSignal(state.map.sig_points_decoded, timeout=WAIT_MS):
        state.map.sig_request_points_decode.emit(PointsDecodeRequest(point, 0))
    held_at = session.latest.step  # the hold began before this answer was sent
    for generation in range(1, 6):  # the drag goes on: each request is answered...
        with qtbot.waitSignal(state.map.sig_points_decoded, timeout=WAIT_MS) as blocker:
            state.map.sig_request_points_decode.emit(PointsDecodeRequest(point, generation))
        assert blocker.args[0].generation == generation and len(blocker.args[0].images) == 1
    assert session.latest.step == held_at  # ...and training took no step meanwhile
    clock.now += 2 * training.HOLD_AFTER_INTERACTION_S  # the drag ended a while ago
    qtbot.waitUntil(lambda: session.latest.step > held_at, timeout=WAIT_MS)  # resumed by itself
    with qtbot.waitSignal(state.map.sig_map_ready, timeout=WAIT_MS):
        state.sig_request_stop.emit()  # the run ends: the map is rebuilt for the new weights
    assert errors == []


def test_a_map_build_reports_progress_and_can_be_cancelled(qtbot, state, opened, monkeypatch):
    import time

    import studio.backend.map.requests as ops

    def slow_map(project, request, progress, should_stop):
        for step in range(2000):  # 20 s at most: the cancel must come long before
            progress(step / 2000, f"step {step}")
            if should_stop():
                from models.errors import Cancelled

                raise Cancelled("cancelled")
            time.sleep(0.01)
        raise AssertionError("the build was not cancelled")

    monkeypatch.setattr(ops, "project_map", slow_map)
    reports = []
    state.sig_job_progress.connect(lambda job, fraction, text: reports.append((job, text)))
    with qtbot.waitSignal(state.map.sig_status, timeout=WAIT_MS,
                          check_params_cb=lambda s: s.stage == "building") as blocker:
        state.map.sig_request_build.emit(MapBuildRequest("pca", 3))
    job_id = blocker.args[0].job_id
    qtbot.waitUntil(lambda: any(job == job_id for job, _ in reports), timeout=WAIT_MS)
    with qtbot.waitSignal(state.map.sig_status, timeout=WAIT_MS,
                          check_params_cb=lambda s: s.stage == "cancelled"):
        state.sig_request_cancel.emit(job_id)
    assert state.map.status.stage == "cancelled"
