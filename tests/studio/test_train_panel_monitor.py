"""The Train panel's monitor side: progress, loss charts, previews and latent health, driven
by AppState's result signals with hand-made records."""

from __future__ import annotations

import numpy as np
import pytest

from models.records import LatentHealth, PreviewImages, TrainProgress
from studio.panels.train.panel import TrainPanel
from tests.studio.test_train_panel import health, metrics, project_info


@pytest.fixture
def panel(qtbot, state) -> TrainPanel:
    widget = TrainPanel(state)
    qtbot.addWidget(widget)
    state.sig_project_reported.emit(project_info())  # kl_warmup_steps = 1000 (the default)
    return widget


def test_progress_updates_bar_eta_and_speed(panel, state):
    state.sig_training_state_reported.emit("running")
    state.sig_train_progress.emit(TrainProgress("step", 250, 2.5, 1000, train=metrics(9.0),
                                                images_per_second=180.0, eta_seconds=95.0))
    status = panel.monitor.status
    assert status.progress.value() == 250
    assert "Step 250 of 1,000" in status.stats.text()
    assert "≈ 2 min left" in status.stats.text() and "180 images/s" in status.stats.text()
    assert status.headline.text() == "Training…"


def test_charts_receive_training_and_validation_points(panel, state):
    for step in range(1, 4):
        state.sig_train_progress.emit(TrainProgress("step", step, step / 10, 100,
                                                    train=metrics(10.0 * step)))
    state.sig_train_progress.emit(TrainProgress("validation", 3, 0.3, 100,
                                                validation=metrics(50.0)))
    charts = panel.monitor.charts
    charts.flush()
    x, y = charts.curve("recon", "train").getOriginalDataset()
    np.testing.assert_allclose(x, [0.1, 0.2, 0.3])
    np.testing.assert_allclose(y, [9.0, 19.0, 29.0])
    x, y = charts.curve("total", "validation").getOriginalDataset()
    np.testing.assert_allclose(x, [0.3])
    np.testing.assert_allclose(y, [0.5])


def test_charts_refresh_on_their_own_timer(panel, state, qtbot):
    state.sig_train_progress.emit(TrainProgress("step", 1, 0.5, 100, train=metrics(4.0)))
    curve = panel.monitor.charts.curve("kl", "train")
    qtbot.waitUntil(lambda: curve.getOriginalDataset()[1] is not None
                    and len(curve.getOriginalDataset()[1]) == 1, timeout=2000)


def test_history_of_opened_project_is_plotted(panel, state):
    history = tuple(TrainProgress("step", s, s / 4, 40, train=metrics(float(s)))
                    for s in range(1, 9))
    state.sig_project_reported.emit(project_info(trained_steps=8, history=history,
                                                path="/p/other.latentia"))
    _, y = panel.monitor.charts.curve("total", "train").getOriginalDataset()
    np.testing.assert_allclose(y, np.arange(1, 9) / 100)


def test_fractions_of_an_epoch_read_as_they_are(panel, state, qtbot):
    # pyqtgraph rescaled a first epoch's 0.01..0.08 to 10..80 and labelled the axis
    # "epoch (x0.001)".
    history = tuple(TrainProgress("step", s, s / 100, 40, train=metrics(float(s)))
                    for s in range(1, 9))
    panel.resize(1200, 800)
    panel.show()
    state.sig_project_reported.emit(project_info(trained_steps=8, history=history,
                                                path="/p/other.latentia"))
    for metric in ("recon", "kl", "total"):
        axis = panel.monitor.charts.plot(metric).getAxis("bottom")
        qtbot.waitUntil(lambda a=axis: a.range[1] < 1, timeout=2000)
        assert "x0" not in axis.labelString()
        assert max(value for _, values in axis.tickValues(*axis.range, 400)
                   for value in values) < 1


def test_log_scale_toggle(panel):
    charts = panel.monitor.charts
    charts.log_scale.setChecked(True)
    assert all(charts.plot(m).ctrl.logYCheck.isChecked() for m in ("recon", "kl", "total"))
    charts.log_scale.setChecked(False)
    assert not charts.plot("kl").ctrl.logYCheck.isChecked()


def test_previews_appear_in_the_grids(panel, state):
    rng = np.random.default_rng(1)
    originals, recon, samples = (rng.integers(0, 256, (3, 8, 8, 3), dtype=np.uint8)
                                 for _ in range(3))
    state.sig_previews.emit(PreviewImages(originals, recon, samples, step=42))
    grids = panel.monitor.previews.grids
    np.testing.assert_array_equal(grids["originals"].images(), originals)
    np.testing.assert_array_equal(grids["reconstructions"].images(), recon)
    np.testing.assert_array_equal(grids["samples"].images(), samples)
    assert "42" in panel.monitor.previews.caption.text()


def test_collapse_warning_after_kl_warmup(panel, state):
    view = panel.monitor.health
    state.sig_train_progress.emit(TrainProgress("validation", 500, 1, 2000, health=health(1)))
    assert view.warning_text() == ""  # still warming up: collapse is not judged yet
    state.sig_train_progress.emit(TrainProgress("validation", 1500, 3, 2000, health=health(2)))
    assert "collapse" in view.warning_text()
    assert "β" in view.warning_text() and "free bits" in view.warning_text()
    assert "2</b> of 32" in view.active_label.text()
    np.testing.assert_allclose(view.bar_heights(), np.linspace(2.0, 0.0, 32), rtol=1e-6)
    state.sig_train_progress.emit(TrainProgress("validation", 2000, 4, 2000, health=health(20)))
    assert view.warning_text() == ""


def test_training_warnings_are_shown(panel, state):
    state.sig_train_progress.emit(TrainProgress("warning", 9, 0.1, 100,
                                                message="The loss jumped; learning rate halved."))
    assert "learning rate halved" in panel.monitor.status.warning.text()


def test_project_republished_after_a_run_keeps_the_live_view(panel, state):
    state.sig_training_state_reported.emit("running")
    state.sig_train_progress.emit(TrainProgress("step", 5, 1.0, 10, train=metrics(3.0)))
    images = np.zeros((2, 8, 8, 3), dtype=np.uint8)
    state.sig_previews.emit(PreviewImages(images, images, images, step=5))
    state.sig_train_progress.emit(TrainProgress("done", 10, 2.0, 10, message="reached 2 epochs"))
    state.sig_project_reported.emit(project_info(trained_steps=10))
    state.sig_training_state_reported.emit("finished")
    assert panel.monitor.previews.grids["samples"].image_count() == 2
    panel.monitor.charts.flush()
    assert len(panel.monitor.charts.curve("recon", "train").getOriginalDataset()[0]) == 1
    assert panel.monitor.status.headline.text() == "Finished — reached 2 epochs"
    assert panel.setup.controls.start_button.text() == "Continue training"


def test_latent_health_bars_sort_toggle(panel, state):
    kl = np.array([0.5, 2.0, 0.0, 1.0], dtype=np.float32)
    record = LatentHealth(kl, np.array([0.5, 0.5, 0.0, 0.5], np.float32), 3, 4)
    state.sig_train_progress.emit(TrainProgress("validation", 10, 1, 100, health=record))
    view = panel.monitor.health
    np.testing.assert_allclose(view.bar_heights(), [2.0, 1.0, 0.5, 0.0])
    view.sort_by_kl.setChecked(False)
    np.testing.assert_allclose(view.bar_heights(), kl)
