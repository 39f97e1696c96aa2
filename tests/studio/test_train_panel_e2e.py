"""End to end: the Train panel with the real backend worker scans a tiny folder, creates the
project and trains it for one short epoch."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from studio.backend.handle import WorkerHandle
from studio.panels.train.panel import TrainPanel
from studio.settings import Settings

pytestmark = pytest.mark.slow


def write_images(folder: Path, count: int = 12) -> None:
    folder.mkdir()
    rng = np.random.default_rng(0)
    for index in range(count):
        pixels = np.full((20, 24, 3), rng.integers(0, 256, 3), dtype=np.uint8)
        pixels[5:15, 6:18] = rng.integers(0, 256, 3)
        Image.fromarray(pixels).save(folder / f"image_{index:02d}.png")
    (folder / "broken.png").write_bytes(b"not a png")


@pytest.fixture
def worker(qtbot, state):
    import torch

    torch.set_num_threads(1)  # two shared cores: keep the test light
    handle = WorkerHandle(state)
    with qtbot.waitSignal(state.sig_device, timeout=120_000):  # not worker.sig_ready: see conftest
        handle.start()
    yield handle
    assert handle.stop(timeout_ms=60_000)


def test_scan_create_and_train_a_tiny_project(qtbot, state, worker, tmp_path, monkeypatch):
    monkeypatch.setattr(Settings, "projects_folder", lambda self: str(tmp_path / "projects"))
    write_images(tmp_path / "pictures")
    panel = TrainPanel(state)
    qtbot.addWidget(panel)
    form = panel.setup.form
    form.resolution.setCurrentIndex(form.resolution.findData(32))
    form.latent_dim.setValue(8)
    form.length.setValue(1)
    form.batch_size.setValue(4)
    form.kl_warmup.setValue(0)

    with qtbot.waitSignal(state.sig_scan_finished, timeout=60_000):
        panel.choose_folder(str(tmp_path / "pictures"))
    assert "12 usable images" in panel.setup.ingest.summary.text()
    assert panel.setup.ingest.skipped_list.topLevelItemCount() == 1
    assert panel.setup.ingest.preview.images().shape[1:] == (32, 32, 3)

    panel.setup.controls.start_button.click()
    qtbot.waitUntil(lambda: panel._training_state == "finished", timeout=180_000)
    assert (tmp_path / "projects" / "pictures.latentia").is_dir()
    assert panel.monitor.status.headline.text().startswith("Finished")
    assert panel.monitor.previews.grids["samples"].image_count() > 0
    panel.monitor.charts.flush()
    assert len(panel.monitor.charts.series("total", "train")) > 0
    assert panel.setup.controls.start_button.text() == "Continue training"
