"""Dialog contents and the honest pages of the panels still to come."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.config import LABELLED_LATENT_DIM, LabelConfig, VAEConfig
from models.errors import IngestError
from studio.backend.jobs import error_record
from studio.contract.project_records import BackendInfo
from studio.window.dialogs import about_html, user_guide_markdown
from studio.window.main_window import MainWindow
from studio.window.new_project_dialog import NewProjectDialog
from studio.window.preferences_dialog import PreferencesDialog


def test_new_project_dialog_builds_the_config_and_guards_the_path(qtbot, settings, tmp_path):
    settings.set("projects/folder", str(tmp_path))
    settings.set("projects/image_size", 32)
    (tmp_path / "cats.latentia").mkdir()
    dialog = NewProjectDialog("/data/cats", settings)
    qtbot.addWidget(dialog)
    assert dialog.name_edit.text() == "cats 2"  # "cats" is taken
    assert dialog.create_button.isEnabled()
    dialog.name_edit.setText("cats")
    assert not dialog.create_button.isEnabled()
    assert "already exists" in dialog.path_label.text()
    dialog.name_edit.setText("kittens")
    dialog.alpha_check.setChecked(True)
    dialog.fit_combo.setCurrentIndex(dialog.fit_combo.findData("pad"))
    choice = dialog.choice()
    assert choice.project_path == str(tmp_path / "kittens.latentia")
    ingest = choice.config.ingest
    assert (ingest.image_size, ingest.fit, ingest.keep_alpha) == (32, "pad", True)


def test_preferences_write_the_settings(qtbot, settings):
    dialog = PreferencesDialog(settings)
    qtbot.addWidget(dialog)
    dialog.scheme_combo.setCurrentIndex(dialog.scheme_combo.findData("dark"))
    dialog.size_combo.setCurrentIndex(dialog.size_combo.findData(128))
    dialog.reopen_check.setChecked(True)
    dialog.save()
    assert settings.get("appearance/color_scheme") == "dark"
    assert settings.get("projects/image_size") == 128
    assert settings.get("startup/reopen_last") is True


def test_about_lists_the_versions_the_worker_reported():
    text = about_html(BackendInfo("2.9.1", "2.1.0", "GPU · Test card"))
    assert all(part in text for part in ("2.9.1", "2.1.0", "GPU · Test card", "Python", "Qt"))
    assert "still loading" in about_html(None)


def test_user_guide_has_the_sections_a_newcomer_needs():
    guide = user_guide_markdown()
    assert guide.startswith("# User guide")
    for topic in ("Train", "Save", "demo"):
        assert topic in guide


def test_error_records_are_short_sentences_with_details_for_bugs():
    try:
        raise IngestError("the folder /x contains no images") from OSError("listdir failed")
    except IngestError as exc:
        record = error_record(exc, "creating the project")
    assert record.message == "The folder /x contains no images."
    assert "listdir failed" in record.details
    record = error_record(KeyError("k"), "drawing images")
    assert record.message == "Something went wrong while drawing images."
    assert "KeyError" in record.details


@pytest.mark.skipif(not Path(__file__).resolve().parents[2].joinpath(
    "resources/demo/project").is_dir(), reason="demo not built")
def test_try_the_demo_opens_a_fresh_copy(qtbot, state, settings, isolated_settings):
    window = MainWindow(state, settings)
    qtbot.addWidget(window)
    with qtbot.waitSignal(state.sig_request_open_project) as blocker:
        window.welcome.demo_button.click()
    copy = Path(blocker.args[0])
    assert copy.is_relative_to(isolated_settings / "demo") and (copy / "project.json").is_file()


def test_new_project_dialog_offers_labels_for_a_folder_of_subfolders(qtbot, settings, tmp_path):
    flat = NewProjectDialog(str(tmp_path), settings)
    qtbot.addWidget(flat)
    assert not flat.labels_combo.isEnabled()
    assert flat.choice().config.labels.source == "none"
    for name in ("cats", "dogs", ".hidden"):
        (tmp_path / name).mkdir()
    dialog = NewProjectDialog(str(tmp_path), settings)
    qtbot.addWidget(dialog)
    assert dialog.labels_combo.isEnabled()
    dialog.labels_combo.setCurrentIndex(dialog.labels_combo.findData("paths"))
    config = dialog.choice().config
    assert config.labels.source == "paths" and config.vae.labels == 0  # read at creation
    assert config.vae.latent_dim == LABELLED_LATENT_DIM  # the code holds only the style
    assert dialog.style_maps_check.isEnabled() and config.train.style_maps  # on by default
    dialog.style_maps_check.setChecked(False)
    assert not dialog.choice().config.train.style_maps
    dialog.labels_combo.setCurrentIndex(dialog.labels_combo.findData("none"))
    assert not dialog.style_maps_check.isEnabled()
    assert dialog.choice().config.labels == LabelConfig()
    assert dialog.choice().config.vae.latent_dim == VAEConfig.latent_dim
