"""The Train panel's parts on their own: image grid, series buffer, form, wording, panel states."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QSize, Qt
from PySide6.QtGui import QColor

from models.config import IngestConfig, ProjectConfig, TrainConfig, VAEConfig
from models.records import LatentHealth
from studio.panels.train.beta_control import (
    BetaControl,
    beta_to_slider,
    slider_to_beta,
)
from studio.panels.train.dialogs import default_project_path
from studio.panels.train.formatting import estimate_text, format_duration
from studio.panels.train.latent_health import collapse_warning
from studio.panels.train.panel_state import PanelFacts, describe
from studio.panels.train.settings_form import TrainSettingsForm
from studio.widgets.banner import MessageBanner
from studio.widgets.color_button import ColorButton
from studio.widgets.growing_series import GrowingSeries
from studio.widgets.image_grid import ImageGrid, plan_grid
from studio.widgets.qimage import as_image_batch

RED, BLUE, GREEN, WHITE = (255, 0, 0), (0, 0, 255), (0, 255, 0), (255, 255, 255)


def rgb(qimage, x: int, y: int) -> tuple[int, int, int]:
    color = QColor(qimage.pixel(x, y))
    return color.red(), color.green(), color.blue()


def shown_grid(qtbot, images, size=64, **kwargs) -> ImageGrid:
    grid = ImageGrid(spacing=0, **kwargs)
    qtbot.addWidget(grid)
    grid.setContentsMargins(0, 0, 0, 0)
    grid.resize(size, size)
    grid.set_images(images)
    return grid


def test_small_images_are_enlarged_by_whole_factors_without_smoothing(qtbot):
    image = np.array([[RED, BLUE], [GREEN, WHITE]], dtype=np.uint8)[None]  # (1, 2, 2, 3)
    grid = shown_grid(qtbot, image, max_scale=32)
    assert grid.cell_rect(0).size() == QSize(64, 64)
    shot = grid.grab().toImage()
    assert rgb(shot, 31, 0) == RED and rgb(shot, 32, 0) == BLUE  # hard edge, no blend
    assert rgb(shot, 0, 63) == GREEN and rgb(shot, 63, 63) == WHITE


def test_transparent_pixels_show_a_checkerboard(qtbot):
    image = np.zeros((1, 4, 4, 4), dtype=np.uint8)  # fully transparent RGBA
    shot = shown_grid(qtbot, image, max_scale=16).grab().toImage()
    greys = {rgb(shot, x, y) for x in range(0, 64, 4) for y in range(0, 64, 4)}
    assert greys == {(0xE6, 0xE6, 0xE6), (0xB3, 0xB3, 0xB3)}


def test_grid_click_reports_the_image_index(qtbot):
    images = np.zeros((4, 8, 8, 3), dtype=np.uint8)
    grid = shown_grid(qtbot, images, size=64, columns=2)
    assert grid.image_count() == 4
    with qtbot.waitSignal(grid.sig_image_clicked) as blocker:
        qtbot.mouseClick(grid, Qt.MouseButton.LeftButton, pos=grid.cell_rect(3).center())
    assert blocker.args == [3]
    assert grid.index_at(QPoint(-5, -5)) == -1


def test_grid_keeps_its_buffer_and_clears(qtbot):
    images = np.full((2, 8, 8, 1), 7, dtype=np.uint8)
    grid = shown_grid(qtbot, images)
    np.testing.assert_array_equal(grid.images(), images)
    grid.set_images(None)
    assert grid.image_count() == 0 and grid.layout_plan() is None


def test_plan_grid_picks_the_largest_cells():
    plan = plan_grid(8, 16, QSize(300, 80), spacing=4, columns=None, max_scale=8)
    assert plan.cell == 32 and plan.columns * plan.rows >= 8
    shrunk = plan_grid(8, 64, QSize(200, 30), spacing=0, columns=8, max_scale=8)
    assert shrunk.cell == 25  # smaller than the image: shrink smoothly to fit


def test_image_batch_validation():
    assert as_image_batch(np.zeros((5, 6), dtype=np.uint8)).shape == (1, 5, 6, 1)
    with pytest.raises(ValueError, match="uint8"):
        as_image_batch(np.zeros((1, 4, 4, 3), dtype=np.float32))
    with pytest.raises(ValueError, match="C in 1, 3, 4"):
        as_image_batch(np.zeros((1, 4, 4, 2), dtype=np.uint8))


def test_growing_series_grows_and_rewinds():
    series = GrowingSeries(capacity=4)
    for step in range(1000):
        series.append(step, 2.0 * step)
    assert len(series) == 1000
    np.testing.assert_array_equal(series.y[:3], [0.0, 2.0, 4.0])
    shown_y = series.y
    series.append(500, -1.0)  # resumed from an earlier checkpoint
    assert len(series) == 501 and series.x[-1] == 500 and series.y[-1] == -1.0
    assert shown_y[500] == 1000.0  # a view handed out earlier is never overwritten
    series.clear()
    assert len(series) == 0


@pytest.mark.parametrize("seconds, text", [(0.4, "1 s"), (12, "12 s"), (480, "8 min"),
                                           (3900, "1 h 05 min"), (math.nan, "—")])
def test_format_duration(seconds, text):
    assert format_duration(seconds) == text


def test_estimate_wording():
    assert estimate_text(12.0, TrainConfig(epochs=40)) == "≈ 12 s per epoch · ≈ 8 min total"
    assert estimate_text(30.0, TrainConfig(epochs=None, minutes=10)) == (
        "≈ 30 s per epoch · ≈ 20 epochs in 10 min")
    assert estimate_text(math.nan, TrainConfig()).startswith("No time estimate")


def test_beta_slider_is_logarithmic(qtbot):
    assert slider_to_beta(0) == 0.05 and slider_to_beta(100) == 5.0
    assert abs(slider_to_beta(beta_to_slider(1.0)) - 1.0) < 0.05
    control = BetaControl(1.0)
    qtbot.addWidget(control)
    with qtbot.waitSignal(control.sig_value_changed) as blocker:
        control._slider.setValue(0)
    assert blocker.args == [0.05] and control.value() == 0.05


def test_collapse_warning_rule():
    dim = 100
    few = LatentHealth(np.zeros(dim, np.float32), np.zeros(dim, np.float32), 9, dim)
    enough = LatentHealth(np.zeros(dim, np.float32), np.zeros(dim, np.float32), 10, dim)
    assert collapse_warning(few, step=999, kl_warmup_steps=1000) == ""
    assert "free bits" in collapse_warning(few, step=1000, kl_warmup_steps=1000)
    assert collapse_warning(enough, step=5000, kl_warmup_steps=1000) == ""


def test_form_round_trips_a_project_config(qtbot):
    form = TrainSettingsForm()
    qtbot.addWidget(form)
    config = ProjectConfig(
        ingest=IngestConfig(image_size=128, keep_alpha=True, background=(1, 2, 3), fit="pad"),
        vae=VAEConfig(image_size=128, channels=4, latent_dim=48, width=16),
        train=TrainConfig(epochs=None, minutes=25.0, beta=0.3, seed=11, device="cuda",
                          augment="on", batch_size=64, free_bits=0.1, kl_warmup_steps=300,
                          learning_rate=1e-3, checkpoint_minutes=9.0))
    with qtbot.assertNotEmitted(form.sig_settings_changed):
        form.load_project_config(config)
    assert form.project_config() == config
    assert not form.background.isEnabled()  # transparency kept: no background colour
    form.length_mode.setCurrentIndex(form.length_mode.findData("epochs"))
    assert form.train_config().epochs == 40 and form.train_config().minutes is None


def test_form_channels_follow_transparency(qtbot):
    form = TrainSettingsForm()
    qtbot.addWidget(form)
    with qtbot.waitSignal(form.sig_ingest_changed):
        form.keep_alpha.setChecked(True)
    assert form.vae_config().channels == 4 and form.ingest_config().keep_alpha


def test_default_project_path_numbering(tmp_path):
    assert default_project_path("/pics/cats", tmp_path) == tmp_path / "cats.latentia"
    (tmp_path / "cats.latentia").mkdir()
    (tmp_path / "cats 2.latentia").mkdir()
    assert default_project_path("/pics/cats/", tmp_path) == tmp_path / "cats 3.latentia"


def test_panel_look_for_each_situation():
    nothing = describe(PanelFacts("idle"))
    assert nothing.show_invitation and not nothing.can_start
    creating = describe(PanelFacts("idle", pending="create", folder="/f", usable=3))
    assert creating.lock_all_settings and not creating.can_start
    exported = describe(PanelFacts("idle", new_project=False, project_path="/m.latentia-model",
                                   is_model_file=True))
    assert not exported.can_start and "exported" in exported.start_tooltip
    finished = describe(PanelFacts("finished", new_project=False, project_path="/p.latentia",
                                   trained_steps=10, done_message="reached 40 epochs"))
    assert finished.can_start and finished.start_label == "Continue training"
    assert finished.headline == "Finished — reached 40 epochs"
    assert finished.lock_project_settings and not finished.lock_all_settings
    assert finished.can_sharpen and not nothing.can_sharpen and not exported.can_sharpen


def test_sharpen_needs_a_trained_project_and_nothing_running():
    def look(training_state: str, steps: int):
        return describe(PanelFacts(training_state, new_project=False,
                                   project_path="/p.latentia", trained_steps=steps))

    assert look("idle", 500).can_sharpen
    assert not look("idle", 0).can_sharpen  # nothing to sharpen yet
    assert not look("running", 500).can_sharpen and not look("paused", 500).can_sharpen


def test_banner_and_colour_button(qtbot, monkeypatch):
    banner = MessageBanner()
    qtbot.addWidget(banner)
    banner.show_message("error", "Boom")
    assert banner.text() == "Boom" and banner.level() == "error"
    with qtbot.waitSignal(banner.sig_dismissed):
        banner._close.click()
    assert banner.text() == ""
    button = ColorButton((255, 255, 255))
    qtbot.addWidget(button)
    monkeypatch.setattr(ColorButton, "ask", classmethod(lambda cls, p, c, t: (0, 128, 255)))
    with qtbot.waitSignal(button.sig_color_changed) as blocker:
        button.click()
    assert blocker.args == [(0, 128, 255)] and button.text() == "#0080ff"
