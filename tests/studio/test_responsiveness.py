"""The window keeps answering while the worker thread trains (timer-based watchdog).

The 50 ms target itself is measured by tests/benchmarks/bench_ui_watchdog.py on a quiet
machine; this test only catches a UI thread that freezes (work moved onto it by mistake)."""

from __future__ import annotations

import pytest

from studio.backend.handle import WorkerHandle
from studio.panels.train.panel import TrainPanel
from studio.window.watchdog import Watchdog
from tests.models.conftest import make_shape_folder, tiny_config

pytestmark = pytest.mark.slow


def test_ui_keeps_ticking_while_training(qtbot, state, tmp_path):
    import torch

    torch.set_num_threads(1)
    folder = make_shape_folder(tmp_path / "shapes", 24)
    handle = WorkerHandle(state)
    with qtbot.waitSignal(state.sig_device, timeout=120_000):  # not worker.sig_ready: see conftest
        handle.start()
    try:
        panel = TrainPanel(state)  # the live charts and grids redraw on this thread
        qtbot.addWidget(panel)
        panel.show()
        config = tiny_config(epochs=1000)
        with qtbot.waitSignal(state.sig_project_changed, timeout=60_000):
            state.sig_request_new_project.emit(str(folder), str(tmp_path / "p.latentia"), config)
        watchdog = Watchdog()
        with qtbot.waitSignal(state.sig_train_progress, timeout=60_000):
            state.sig_request_train.emit(config.train)
        watchdog.start()
        qtbot.wait(3000)
        watchdog.stop()
        stalls = watchdog.stalls_ms()
        assert state.training_state == "running"
        assert len(stalls) > 60  # ~300 ticks expected; a frozen loop gives almost none
        assert stalls.max() < 1000, f"the UI thread froze for {stalls.max():.0f} ms"
    finally:
        state.sig_request_stop.emit()
        assert handle.stop(timeout_ms=60_000)
