"""The Map and Canvas panels on the real worker and a tiny trained project: drag a path on the
map, see the previews follow it, get the animation on the Canvas, send it to the gallery."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from tests.studio.real_worker import map_and_canvas_on
from tests.studio.test_map_support import click, drag, hover

pytestmark = pytest.mark.slow
WAIT_MS = 60_000


@pytest.fixture(scope="module")
def trained(trained_project) -> Path:
    return trained_project


@pytest.fixture
def studio(qtbot, state, trained):
    with map_and_canvas_on(qtbot, state, trained, (1000, 650), WAIT_MS) as panels:
        yield panels


def test_drag_on_the_map_previews_live_and_animates_on_the_canvas(qtbot, state, studio):
    map_panel, canvas, errors = studio
    data = map_panel.plot.data
    canvas.stage.frames.setValue(20)  # the Canvas decides how many frames paths get
    previews = []
    map_panel.editor.sig_preview.connect(lambda image, point: previews.append(point))
    low, high = data.points.min(axis=0), data.points.max(axis=0)
    stroke = [low + (high - low) * t for t in np.linspace(0.15, 0.85, 12)]
    drag(qtbot, map_panel.plot, stroke, step_ms=30)
    qtbot.waitUntil(lambda: canvas.stage.filmstrip.count() == 20, timeout=WAIT_MS)
    assert len(previews) >= 3  # images at the cursor arrived while dragging
    assert map_panel.editor.live.sent >= len(previews)
    shown = map_panel.sidebar.preview.images()
    assert shown is not None and shown.shape == (1, 32, 32, 3)
    animation = canvas.animator.animation
    assert animation.images.shape == (20, 32, 32, 3) and animation.latents.shape == (20, 8)
    assert animation.nearest is not None and animation.points.shape == (20, 2)
    assert np.allclose(animation.points[0], stroke[0], atol=0.05 * np.ptp(data.points))
    assert canvas.animator.player.is_playing()
    assert errors == []


def test_hover_click_and_gallery_on_the_real_map(qtbot, state, studio):
    map_panel, canvas, errors = studio
    data = map_panel.plot.data
    target = int(np.argmax(data.points[:, 0]))  # the rightmost dot: nothing on top of it
    with qtbot.waitSignal(map_panel.plot.sig_hovered, timeout=WAIT_MS) as blocker:
        hover(qtbot, map_panel.plot, data.points[target])
    assert blocker.args == [target]
    with qtbot.waitSignal(state.map.sig_reconstruction, timeout=WAIT_MS):
        click(qtbot, map_panel.plot, data.points[target])
    assert map_panel.sidebar.pair.image_count() == 2
    map_panel.sidebar.use_in_canvas.click()
    assert len(canvas.animator.animation) == 1
    sent = []
    state.gallery.sig_request_add.connect(sent.append)
    canvas._update_gallery()
    canvas.gallery.add_frame.click()
    assert np.array_equal(sent[-1].latents[0], data.latents[target])
    assert sent[-1].source.image_indices == (target,)
    assert errors == []
