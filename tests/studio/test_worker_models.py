"""The worker on the real backend: the demo opens and decodes, quitting mid-training is clean."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from models.config import IngestConfig, ProjectConfig, TrainConfig, VAEConfig
from studio import demo
from studio.backend.handle import WorkerHandle
from studio.contract.project_records import DecodeRequest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "packaging"))

from demo_images import generate_demo_images

pytestmark = pytest.mark.slow


@pytest.fixture
def handle(qtbot, state) -> Iterator[WorkerHandle]:
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)  # the test machine is shared
    worker = WorkerHandle(state)
    with qtbot.waitSignal(state.sig_device, timeout=60_000):
        worker.start()
    yield worker
    assert worker.stop()
    torch.set_num_threads(threads)


@pytest.mark.skipif(not demo.demo_available(), reason="demo not built")
def test_demo_opens_trained_and_decodes(qtbot, state, handle):
    errors = []
    state.sig_error.connect(errors.append)
    copy = demo.prepare_demo_copy()
    with qtbot.waitSignal(state.sig_project_changed, timeout=30_000) as blocker:
        state.sig_request_open_project.emit(str(copy))
    info = blocker.args[0]
    assert info.is_demo and info.trained_steps > 0 and info.image_count == 300
    latents = np.zeros((2, info.latent_dim), np.float32)
    with qtbot.waitSignal(state.sig_decoded, timeout=30_000) as blocker:
        state.sig_request_decode.emit(DecodeRequest(latents, tag="demo"))
    assert blocker.args[0].images.shape == (2, info.image_size, info.image_size, 3)
    assert errors == []


def test_quitting_while_training_checkpoints_cleanly(qtbot, state, handle, tmp_path):
    import models

    generate_demo_images(tmp_path / "images", per_family=6, size=32)
    config = ProjectConfig(ingest=IngestConfig(image_size=32, max_workers=1),
                           vae=VAEConfig(image_size=32, latent_dim=8, width=8),
                           train=TrainConfig(epochs=500, batch_size=8, device="cpu", bf16="off",
                                             checkpoint_minutes=60.0))
    errors, outcomes = [], []
    state.sig_error.connect(errors.append)
    state.sig_job_finished.connect(lambda job_id, outcome: outcomes.append((job_id, outcome)))
    project_path = tmp_path / "quit.latentia"
    with qtbot.waitSignal(state.sig_project_changed, timeout=60_000):
        state.sig_request_new_project.emit(str(tmp_path / "images"), str(project_path), config)
    steps = []
    state.sig_train_progress.connect(lambda p: steps.append(p.step))
    state.sig_request_train.emit(config.train)
    qtbot.waitUntil(lambda: len(steps) >= 3, timeout=60_000)
    assert handle.stop(timeout_ms=60_000)  # what quitting the app does
    assert not handle.thread.isRunning()
    qtbot.wait(50)  # deliver the last queued signals
    assert errors == []
    assert outcomes[-1][0].startswith("train") and outcomes[-1][1] == "cancelled"
    reopened = models.open_project(project_path)
    assert reopened.trained_steps >= steps[-1] > 0
