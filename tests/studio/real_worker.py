"""The Map and Canvas panels on the real worker with a project open, for end-to-end tests."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from studio.backend.handle import WorkerHandle
from studio.contract.app_state import AppState
from studio.panels.canvas.panel import CanvasPanel
from studio.panels.map.panel import MapPanel


@contextmanager
def map_and_canvas_on(qtbot, state: AppState, project: Path, size: tuple[int, int],
                      wait_ms: int) -> Iterator[tuple[MapPanel, CanvasPanel, list]]:
    """Shown panels, the worker started on one torch thread and `project` open on the map;
    yields the panels and the errors the worker reported. The worker is stopped after."""
    import torch

    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    handle = WorkerHandle(state)
    errors = []
    state.sig_error.connect(errors.append)
    map_panel, canvas = MapPanel(state), CanvasPanel(state)
    for panel in (map_panel, canvas):
        qtbot.addWidget(panel)
        panel.resize(*size)
        panel.show()
    with qtbot.waitSignal(state.sig_device, timeout=wait_ms):
        handle.start()
    state.sig_request_open_project.emit(str(project))
    qtbot.waitUntil(lambda: map_panel._pages.currentWidget() is map_panel.workspace,
                    timeout=wait_ms)
    yield map_panel, canvas, errors
    assert handle.stop(timeout_ms=wait_ms)
    torch.set_num_threads(threads)
