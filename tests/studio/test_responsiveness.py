"""The window keeps answering while the worker thread trains.

How fast it answers (the 50 ms target) is measured by tests/benchmarks/bench_ui_watchdog.py
on a quiet machine; this test only checks the order of events, which load cannot change: the
UI thread's own timer keeps firing between the training reports, which a UI thread doing the
training (or blocked by it) could not do."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QTimer

from studio.backend.handle import WorkerHandle
from studio.panels.train.panel import TrainPanel
from tests.models.conftest import make_shape_folder, tiny_config

pytestmark = pytest.mark.slow
TICK_MS = 10


def tick_between_reports(events: list[str]) -> bool:
    """True once a UI tick came after one training report and before a later one."""
    first = events.index("report") if "report" in events else len(events)
    ticked = "tick" in events[first:]
    return ticked and "report" in events[first + events[first:].index("tick"):]


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
        events: list[str] = []
        state.sig_train_progress.connect(lambda _progress: events.append("report"))
        timer = QTimer()
        timer.timeout.connect(lambda: events.append("tick"))
        timer.start(TICK_MS)
        state.sig_request_train.emit(config.train)
        qtbot.waitUntil(lambda: tick_between_reports(events), timeout=60_000)
        timer.stop()
        assert state.training_state == "running"
    finally:
        state.sig_request_stop.emit()
        assert handle.stop(timeout_ms=60_000)


def test_the_order_check_needs_a_tick_inside_the_run():
    assert tick_between_reports(["tick", "report", "tick", "tick", "report"])
    assert not tick_between_reports(["tick", "tick", "report", "report", "report"])
    assert not tick_between_reports(["report", "report", "tick", "tick"])
