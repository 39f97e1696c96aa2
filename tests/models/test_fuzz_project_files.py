"""Fuzzing the files of a project folder a user can damage (a bad disk, a sync tool, a hand
edit): each, broken at random, opens or fails with the project's own error, never another
exception, never a hang, and opening it never changes the project."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.gallery import Gallery, ItemSettings, between_images
from models.latent_map import MapPath, list_paths, load_path, save_path
from models.project import Project

from .damage import FUZZ, assert_fails_cleanly, damaged, replaced

JSON_FILES = ("project.json", "cache/manifest.json", "checkpoint/state.json",
              "checkpoint/history.json")
BINARY_FILES = ("cache/images.npy", "checkpoint/ema.safetensors", "checkpoint/prior.safetensors")


@pytest.fixture(scope="module")
def project_path(trained_project):
    path = trained_project
    project = Project.open(path)
    made = between_images(project, "shape_000.png", "shape_002.png", ItemSettings(frames=3))
    Gallery.open(path).add(made.item, made.frames)
    (path / "paths").mkdir()
    save_path(path / "paths" / "walk.json", MapPath(
        name="walk", method="pca", model_id=project.model_id,
        points=np.array([[0.0, 0.0], [1.0, 0.5]]), frames=8, waypoints_snapped=(3, None)))
    return path


def open_everything(path) -> None:
    """What opening a project in the app or the CLI reads."""
    project = Project.open(path)
    _ = project.history, project.trained_steps, project.report, project.image_count
    if project.is_trained:
        project.decode(np.zeros((1, project.latent_dim), np.float32))


@pytest.mark.parametrize("name", JSON_FILES)
@FUZZ
@given(data=st.data())
def test_a_damaged_project_document_fails_cleanly(project_path, name, data):
    file = project_path / name
    with replaced(file, data.draw(damaged(file.read_bytes(), is_json=True))):
        assert_fails_cleanly(lambda: open_everything(project_path), project_path)


@pytest.mark.parametrize("name", BINARY_FILES)
@FUZZ
@given(data=st.data())
def test_damaged_project_data_fails_cleanly(project_path, name, data):
    file = project_path / name
    with replaced(file, data.draw(damaged(file.read_bytes()))):
        assert_fails_cleanly(lambda: open_everything(project_path), project_path)


def read_gallery(path) -> None:
    gallery = Gallery.open(path)
    for item in gallery.items:
        gallery.frames(item.id)


@pytest.mark.parametrize("name", ["index.json", "data"])
@FUZZ
@given(data=st.data())
def test_a_damaged_gallery_fails_cleanly(project_path, name, data):
    folder = project_path / "gallery"
    file = folder / name if name != "data" else next(folder.glob("*.safetensors"))
    with replaced(file, data.draw(damaged(file.read_bytes(), is_json=name.endswith(".json")))):
        assert_fails_cleanly(lambda: read_gallery(project_path), project_path)


@FUZZ
@given(data=st.data())
def test_a_damaged_saved_path_fails_cleanly(project_path, data):
    file = project_path / "paths" / "walk.json"

    def read() -> None:
        list_paths(Project.open(project_path))
        load_path(file)

    with replaced(file, data.draw(damaged(file.read_bytes(), is_json=True))):
        assert_fails_cleanly(read, project_path)
