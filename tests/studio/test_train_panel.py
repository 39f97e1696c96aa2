"""The Train panel as a view over AppState: result signals in, request signals out."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from models.config import IngestConfig, ProjectConfig, TrainConfig, VAEConfig
from models.records import (
    IngestReport,
    LatentHealth,
    Metrics,
    SkippedFile,
    TrainProgress,
)
from studio.contract.project_records import ProjectInfo, ScanResult
from studio.panels.train.dialogs import FolderDialog, ProjectPathDialog
from studio.panels.train.panel import TrainPanel
from studio.settings import Settings

FOLDER = "/data/cats"


def report(usable: int = 5) -> IngestReport:
    skipped = (SkippedFile("broken.png", "truncated or corrupt image"),
               SkippedFile("empty.jpg", "empty file (0 bytes)"))
    return IngestReport(FOLDER, found=usable + 3, usable=usable, duplicates=1, skipped=skipped)


def scan(folder: str = FOLDER, channels: int = 3, usable: int = 5) -> ScanResult:
    rng = np.random.default_rng(0)
    preview = rng.integers(0, 256, (4, 8, 8, channels), dtype=np.uint8)
    return ScanResult(folder, report(usable), preview)


def metrics(value: float) -> Metrics:
    return Metrics(total_nats=value, recon_nats=value - 1, kl_nats=1.0,
                   bits_per_dim=value / 100, log_sigma=-2.0)


def health(active: int, dim: int = 32) -> LatentHealth:
    kl = np.linspace(2.0, 0.0, dim, dtype=np.float32)
    variance = np.where(np.arange(dim) < active, 0.5, 0.0).astype(np.float32)
    return LatentHealth(kl_per_dim=kl, mean_variance=variance, active_units=active, latent_dim=dim)


def project_info(trained_steps: int = 0, history: tuple = (),
                 path: str = "/p/cats.latentia") -> ProjectInfo:
    config = ProjectConfig(vae=VAEConfig(latent_dim=32), train=TrainConfig(epochs=7, beta=0.5))
    return ProjectInfo(path=path, name="cats", source_folder=FOLDER, image_count=5,
                       image_size=64, channels=3, latent_dim=32, trained_steps=trained_steps,
                       config=config, report=report(), history=history)


@pytest.fixture
def projects_root(tmp_path, monkeypatch) -> Path:
    monkeypatch.setattr(Settings, "projects_folder", lambda self: str(tmp_path))
    return tmp_path


@pytest.fixture
def panel(qtbot, state, projects_root) -> TrainPanel:
    widget = TrainPanel(state)
    qtbot.addWidget(widget)
    widget.resize(1280, 800)
    return widget


@pytest.fixture
def scanned(qtbot, panel, state) -> TrainPanel:
    state.sig_scan_finished.emit(scan())
    return panel


def test_empty_state_invites_to_choose_a_folder(panel, state, qtbot, monkeypatch):
    assert panel._pages.currentWidget() is panel.empty
    monkeypatch.setattr(FolderDialog, "ask", classmethod(lambda cls, parent, start: FOLDER))
    with qtbot.waitSignal(state.sig_request_scan_folder) as blocker:
        panel.empty.choose_button.click()
    assert blocker.args == [FOLDER, IngestConfig()]
    assert panel._pages.currentWidget() is panel.workspace
    assert panel.setup.ingest.progress.isVisibleTo(panel)
    assert panel.monitor.status.headline.text() == "Scanning the folder…"


def test_cancelled_folder_dialog_requests_nothing(panel, state, qtbot, monkeypatch):
    monkeypatch.setattr(FolderDialog, "ask", classmethod(lambda cls, parent, start: None))
    with qtbot.assertNotEmitted(state.sig_request_scan_folder):
        panel.empty.choose_button.click()
    assert panel._pages.currentWidget() is panel.empty


def test_scan_result_shows_report_and_preview(scanned):
    ingest = scanned.setup.ingest
    assert "5 usable images" in ingest.summary.text()
    assert "of 8 files" in ingest.summary.text()
    assert "2 skipped" in ingest.details.text() and "1 duplicate (" in ingest.details.text()
    assert ingest.skipped_section.title() == "Skipped files (2)"
    items = [ingest.skipped_list.topLevelItem(i)
             for i in range(ingest.skipped_list.topLevelItemCount())]
    rows = [(item.text(0), item.text(1)) for item in items]
    assert rows == [("broken.png", "truncated or corrupt image"),
                    ("empty.jpg", "empty file (0 bytes)")]
    np.testing.assert_array_equal(ingest.preview.images(), scan().preview)
    assert scanned.monitor.status.headline.text() == "Ready to train"
    assert scanned.setup.controls.start_button.isEnabled()


def test_folder_without_usable_images_cannot_start(panel, state):
    state.sig_scan_finished.emit(scan(usable=0))
    assert not panel.setup.controls.start_button.isEnabled()
    assert panel.monitor.status.headline.text() == "No usable images in this folder"


@pytest.mark.parametrize("edit, expected", [
    (lambda form: form.fit.setCurrentIndex(form.fit.findData("pad")), {"fit": "pad"}),
    (lambda form: form.keep_alpha.setChecked(True), {"keep_alpha": True}),
    (lambda form: form.resolution.setCurrentIndex(form.resolution.findData(32)),
     {"image_size": 32}),
])
def test_image_options_request_a_new_scan(scanned, state, qtbot, edit, expected):
    with qtbot.waitSignal(state.sig_request_scan_folder, timeout=2000) as blocker:
        edit(scanned.setup.form)
    assert blocker.args == [FOLDER, IngestConfig().replace(**expected)]


def test_background_colour_requests_a_new_scan(scanned, state, qtbot, monkeypatch):
    button = scanned.setup.form.background
    monkeypatch.setattr(type(button), "ask", classmethod(lambda cls, p, c, t: (10, 20, 30)))
    with qtbot.waitSignal(state.sig_request_scan_folder, timeout=2000) as blocker:
        button.click()
    assert blocker.args[1].background == (10, 20, 30)


def test_rgba_preview_keeps_its_alpha_channel(panel, state):
    state.sig_scan_finished.emit(scan(channels=4))
    assert panel.setup.ingest.preview.images().shape == (4, 8, 8, 4)


def test_start_creates_project_with_form_settings_then_trains(scanned, state, qtbot,
                                                              projects_root):
    form = scanned.setup.form
    form.length_mode.setCurrentIndex(form.length_mode.findData("minutes"))
    form.length.setValue(15)
    form.beta.set_value(0.25)
    form.seed.setValue(7)
    form.latent_dim.setValue(64)
    form.device.setCurrentIndex(form.device.findData("cpu"))
    form.augment.setCurrentIndex(form.augment.findData("off"))
    with qtbot.waitSignal(state.sig_request_new_project) as blocker:
        scanned.setup.controls.start_button.click()
    folder, path, config = blocker.args
    assert folder == FOLDER and Path(path) == projects_root / "cats.latentia"
    assert config.vae == VAEConfig(image_size=64, channels=3, latent_dim=64)
    assert config.ingest == IngestConfig()
    assert config.train == TrainConfig(epochs=None, minutes=15.0, beta=0.25, seed=7,
                                       device="cpu", augment="off")
    assert scanned.monitor.status.headline.text() == "Creating the project…"
    assert not scanned.setup.controls.start_button.isEnabled()
    with qtbot.waitSignal(state.sig_request_train) as train:
        state.sig_project_reported.emit(project_info())
    assert train.args[0].minutes == 15.0 and train.args[0].beta == 0.25


def test_project_path_can_be_changed(scanned, state, qtbot, monkeypatch, tmp_path):
    chosen = tmp_path / "elsewhere" / "mine.latentia"
    monkeypatch.setattr(ProjectPathDialog, "ask", classmethod(lambda cls, parent, s: chosen))
    scanned.setup.controls.change_path_button.click()
    assert str(chosen) in scanned.setup.controls.path_label.text()
    with qtbot.waitSignal(state.sig_request_new_project) as blocker:
        scanned.setup.controls.start_button.click()
    assert blocker.args[1] == str(chosen)


def test_default_project_path_is_made_unique(scanned, state, qtbot, projects_root):
    (projects_root / "cats.latentia").mkdir()
    with qtbot.waitSignal(state.sig_request_new_project) as blocker:
        scanned.setup.controls.start_button.click()
    assert Path(blocker.args[1]) == projects_root / "cats 2.latentia"


def test_open_project_continues_training_with_its_settings(panel, state, qtbot):
    state.sig_project_reported.emit(project_info(trained_steps=500))
    controls, form = panel.setup.controls, panel.setup.form
    assert controls.start_button.text() == "Continue training"
    assert not controls.path_label.isVisibleTo(panel)
    assert form.latent_dim.value() == 32 and not form.latent_dim.isEnabled()
    assert "Project “cats”" in panel.setup.ingest.title.text()
    details = panel.setup.ingest.details.text()
    assert "2 skipped · 1 duplicate (" in details and "5 training images" in details
    with qtbot.assertNotEmitted(state.sig_request_new_project), \
            qtbot.waitSignal(state.sig_request_train) as blocker:
        controls.start_button.click()
    assert blocker.args[0] == TrainConfig(epochs=7, beta=0.5)


def test_sharpen_continues_for_a_third_of_the_length_with_the_stage_on(panel, state, qtbot):
    state.sig_project_reported.emit(project_info(trained_steps=0))
    controls = panel.setup.controls
    assert not controls.sharpen_button.isEnabled()  # an untrained project has nothing to sharpen
    state.sig_project_reported.emit(project_info(trained_steps=500))
    assert controls.sharpen_button.isEnabled()
    with qtbot.waitSignal(state.sig_request_train) as blocker:
        controls.sharpen_button.click()
    assert blocker.args[0] == TrainConfig(epochs=2, beta=0.5, sharpen="on")  # 7 epochs / 3
    state.sig_training_state_reported.emit("running")
    assert not controls.sharpen_button.isEnabled()


def test_stage_and_prior_reports_show_as_notes(panel, state):
    state.sig_project_reported.emit(project_info(trained_steps=500))
    state.sig_train_progress.emit(TrainProgress(kind="stage", step=600, epoch=9.0,
                                                total_steps=700, message="sharpening: begun"))
    assert panel.monitor.status.note.text() == "Sharpening: begun"
    state.sig_train_progress.emit(TrainProgress(kind="prior", step=700, epoch=10.0,
                                                total_steps=700,
                                                message="fitting the sampling prior (40%)"))
    assert panel.monitor.status.note.text() == "Fitting the sampling prior (40%)"


def test_panel_created_after_project_shows_it(qtbot, state, projects_root):
    state.sig_project_reported.emit(project_info(trained_steps=10))
    late = TrainPanel(state)
    qtbot.addWidget(late)
    assert late._pages.currentWidget() is late.workspace
    assert late.setup.controls.start_button.text() == "Continue training"


@pytest.mark.parametrize("training_state, enabled", [
    ("idle", (True, False, False, False)),
    ("running", (False, True, False, True)),
    ("paused", (False, False, True, True)),
    ("finished", (True, False, False, False)),
])
def test_buttons_follow_training_state(panel, state, training_state, enabled):
    state.sig_project_reported.emit(project_info())
    state.sig_training_state_reported.emit(training_state)
    controls = panel.setup.controls
    buttons = (controls.start_button, controls.pause_button, controls.resume_button,
               controls.stop_button)
    assert tuple(b.isEnabled() for b in buttons) == enabled
    assert panel.setup.form.isEnabled() == (training_state in ("idle", "finished"))


def test_pause_resume_stop_emit_requests(panel, state, qtbot):
    state.sig_project_reported.emit(project_info())
    controls = panel.setup.controls
    state.sig_training_state_reported.emit("running")
    with qtbot.waitSignal(state.sig_request_pause):
        controls.pause_button.click()
    state.sig_training_state_reported.emit("paused")
    with qtbot.waitSignal(state.sig_request_resume):
        controls.resume_button.click()
    with qtbot.waitSignal(state.sig_request_stop):
        controls.stop_button.click()


def test_estimate_is_requested_and_worded(scanned, state, qtbot):
    with qtbot.waitSignal(state.sig_request_estimate, timeout=3000) as blocker:
        scanned.setup.form.latent_dim.setValue(64)
    vae, train = blocker.args
    assert vae.latent_dim == 64 and train.epochs == 40
    state.sig_estimate.emit(12.0)
    assert scanned.setup.controls.estimate_label.text() == "≈ 12 s per epoch · ≈ 8 min total"
    with qtbot.assertNotEmitted(state.sig_request_estimate, wait=800):
        scanned.setup.form.length.setValue(10)  # epochs only re-word the known estimate
    assert scanned.setup.controls.estimate_label.text() == "≈ 12 s per epoch · ≈ 2 min total"
