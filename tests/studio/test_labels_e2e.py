"""Labels on the real worker and a tiny project trained with folder labels: the map colours by
label, the Canvas shows an image under every label and blends two, a selection becomes a label
and a labelled copy of the project opens."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from studio.contract.canvas_records import GeneratedKind
from studio.panels.map.labels_box import LabelledProjectDialog
from tests.studio.real_worker import map_and_canvas_on

pytestmark = pytest.mark.slow
WAIT_MS = 90_000


@pytest.fixture(scope="module")
def labelled(tmp_path_factory) -> Path:
    import torch

    from models.config import LabelConfig
    from models.project import Project
    from tests.labelled_shapes import make_labelled_folder
    from tests.models.conftest import tiny_config

    root = tmp_path_factory.mktemp("labelled")
    folder = make_labelled_folder(root / "shapes", per_label=8, unlabelled=4)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        config = tiny_config(epochs=2).replace(labels=LabelConfig("folders"))
        project = Project.create(root / "shapes.latentia", folder, config)
        list(project.trainer().run())
    finally:
        torch.set_num_threads(threads)
    return project.path


@pytest.fixture
def studio(qtbot, state, labelled):
    with map_and_canvas_on(qtbot, state, labelled, (1100, 800), WAIT_MS) as panels:
        yield panels


def test_the_strip_and_the_blend_on_the_real_model(qtbot, state, studio):
    map_panel, canvas, errors = studio
    data = map_panel.plot.data
    assert data.label_names == ("circle", "square", "triangle")
    assert (data.image_labels >= 0).sum() == 24 and (data.image_labels < 0).sum() == 4
    assert data.latents.shape[1] == 8 + 3  # the style, then the label weights
    square = int(np.flatnonzero(data.image_labels == 1)[0])
    state.map.sig_image_picked.emit(map_panel_current(map_panel, square))
    with qtbot.waitSignal(state.canvas.sig_generated, timeout=WAIT_MS):
        canvas.labels.strip_button.click()
    qtbot.waitUntil(lambda: canvas.labels.strip.image_count() == 3, timeout=WAIT_MS)
    canvas.labels.strip.sig_image_clicked.emit(2)
    shown = canvas.animator.animation
    assert shown.source.labels == ("triangle",) and shown.source.image_indices == (square,)
    assert np.allclose(shown.latents[0, 8:], [0, 0, 1])
    assert np.allclose(shown.latents[0, :8], data.latents[square, :8], atol=1e-5)
    canvas.stage.frames.setValue(6)
    canvas.labels.animate.click()
    qtbot.waitUntil(lambda: canvas.stage.filmstrip.count() == 6, timeout=WAIT_MS)
    blend = canvas.animator.animation
    assert blend.source.kind == "label blend" and blend.latents.shape == (6, 11)
    assert np.allclose(blend.latents[:, 8:].sum(axis=1), 1.0)
    with qtbot.waitSignal(state.canvas.sig_generated, timeout=WAIT_MS,
                          check_params_cb=lambda r: r.kind == GeneratedKind.TRANSFER):
        canvas.labels.contrast.setValue(canvas.labels.contrast.maximum() // 2)  # 0.5
    canvas.labels.strip.sig_image_clicked.emit(1)
    weights = canvas.animator.animation.latents[0, 8:]  # past a label, away from its own
    assert np.isclose(weights.sum(), 1.0) and np.isclose(weights.min(), -0.5)
    assert errors == []


def test_a_selection_becomes_a_label_and_a_labelled_copy_opens(qtbot, state, studio,
                                                               monkeypatch, tmp_path):
    map_panel, _canvas, errors = studio
    state.map.set_selection(np.array([0, 1, 2], np.int64))
    map_panel.sidebar.labels.name.setText("firsts")
    with qtbot.waitSignal(state.map.sig_labels, timeout=WAIT_MS):
        map_panel.sidebar.labels.name_selection.click()
    data = state.map.data
    assert data.label_names[-1] == "firsts" and list(data.image_labels[:3]) == [3, 3, 3]
    target = tmp_path / "relabelled.latentia"
    monkeypatch.setattr(LabelledProjectDialog, "ask", classmethod(lambda cls, *a: str(target)))
    with qtbot.waitSignal(state.sig_project_changed, timeout=WAIT_MS,
                          check_params_cb=lambda info: info is not None
                          and info.path == str(target)):
        map_panel.sidebar.labels.train_labelled.click()
    config = state.project.config
    assert config.labels.source == "manual" and "firsts" in config.labels.names
    assert state.project.trained_steps == 0
    assert errors == []


def map_panel_current(map_panel, index: int):
    from studio.contract.map_records import CurrentImage

    data = map_panel.plot.data
    return CurrentImage(data.latents[index], data.thumbnails[index], f"Image {index + 1}", index)
