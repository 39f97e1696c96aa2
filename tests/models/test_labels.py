"""Label bookkeeping: from folders (top level or full path), from the user, and codes."""

from __future__ import annotations

import json

import numpy as np
import pytest

from models.config import LABELLED_LATENT_DIM, LabelConfig, ProjectConfig, VAEConfig
from models.errors import LatentiaError, ProjectError
from models.labels import (
    LABELS_FILE,
    assignment_from_folders,
    convex_weights,
    label_of_path,
    normalised_weights,
    one_hot,
    read_assignment,
    split_codes,
)
from models.project import Project
from models.project_labels import assigned_labels, labelled_copy, name_images, unlabel_images

from .conftest import tiny_config

NESTED = ["cats/a.png", "cats/tabby/b.png", "cats/tabby/c.png", "dogs/d.png", "e.png"]


def test_folder_labels_by_top_level_or_by_full_path():
    assert [label_of_path(p, "folders") for p in NESTED] == ["cats", "cats", "cats", "dogs",
                                                              None]
    assert [label_of_path(p, "paths") for p in NESTED] == ["cats", "cats/tabby", "cats/tabby",
                                                            "dogs", None]
    top = assignment_from_folders(NESTED, "folders")
    assert top.names == ("cats", "dogs") and "e.png" not in top.images
    full = assignment_from_folders(NESTED, "paths")
    assert full.names == ("cats", "cats/tabby", "dogs")
    rows = full.rows_for(NESTED)
    assert list(rows.rows) == [0, 1, 1, 2, -1] and rows.labelled == 4
    assert list(rows.counts()) == [1, 2, 1]


def test_one_folder_or_none_is_no_labels():
    assert assignment_from_folders(["a.png", "b.png"], "folders") is None
    assert assignment_from_folders(["only/a.png", "b.png"], "folders") is None


def test_label_settings_are_checked():
    with pytest.raises(ValueError, match="labels must come from"):
        LabelConfig("pictures")
    with pytest.raises(ValueError, match="distinct"):
        LabelConfig("manual", ("a", "a"))
    with pytest.raises(ValueError, match="label"):
        ProjectConfig(vae=VAEConfig(labels=3))  # a model with labels nobody named
    config = ProjectConfig().with_labels(LabelConfig("folders", ("a", "b")))
    assert config.vae.labels == 2
    assert ProjectConfig.from_dict(json.loads(json.dumps(config.to_dict()))) == config


def test_codes_split_into_style_and_a_convex_label_mix():
    codes = np.array([[0.5, -1.0, 2.0, 0.0], [1.0, 1.0, -0.2, 0.6]], np.float32)
    z, weights = split_codes(codes, 2)
    assert np.array_equal(z, codes[:, :2])
    assert np.allclose(weights, [[1.0, 0.0], [0.0, 1.0]])
    assert np.allclose(normalised_weights(np.zeros((1, 4))), 0.25)
    assert np.allclose(one_hot([2, -1], 4), [[0, 0, 1, 0], [0.25] * 4])


def test_a_label_mix_past_its_label_is_kept_within_range():
    rows = np.array([[1.5, -0.5, 0.0],  # label contrast: an affine mix inside the range
                     [2.5, -1.5, 0.0],  # too far past the label: made convex
                     [1.2, -0.1, 0.0]], np.float32)  # does not sum to one: made convex
    kept = normalised_weights(rows)
    assert np.allclose(kept, [[1.5, -0.5, 0.0], [1.0, 0.0, 0.0], [1.0, 0.0, 0.0]])
    assert np.array_equal(convex_weights(rows[:1]), [[1.0, 0.0, 0.0]])


def test_the_users_labels_are_kept_and_make_a_labelled_copy(tmp_path, shape_folder):
    project = Project.create(tmp_path / "p.latentia", shape_folder, tiny_config())
    assert assigned_labels(project) is None
    name_images(project, "round", [0, 1, 2, 5])
    labels = name_images(project, "boxy", [3, 4, 5])  # 5 changes its mind
    assert labels.names == ("round", "boxy")
    assert list(labels.rows[:7]) == [0, 0, 0, 1, 1, 1, -1]
    assert read_assignment(project.path).source == "manual"
    assert project.labels is None  # the project's own model stays unconditional
    labels = unlabel_images(project, [0])
    assert labels.rows[0] == -1 and labels.labelled == 5

    copy = labelled_copy(project, tmp_path / "labelled.latentia")
    assert copy.label_names == ("round", "boxy") and copy.config.labels.source == "manual"
    assert copy.config.vae.latent_dim == project.config.vae.latent_dim  # the person's size
    assert np.array_equal(copy.labels.rows, labels.rows) and not copy.is_trained
    list(copy.trainer(copy.config.train.replace(epochs=1)).run())
    assert Project.open(copy.path).sample(2, seed=0, label="boxy").shape == (2, 3, 32, 32)


def test_a_labelled_copy_of_a_default_sized_project_gets_the_style_sized_code(
        tmp_path, shape_folder):
    config = tiny_config()
    config = config.replace(vae=config.vae.replace(latent_dim=VAEConfig.latent_dim))
    project = Project.create(tmp_path / "p.latentia", shape_folder, config)
    name_images(project, "round", [0, 1])
    name_images(project, "boxy", [3, 4])
    copy = labelled_copy(project, tmp_path / "labelled.latentia")
    assert copy.config.vae.latent_dim == LABELLED_LATENT_DIM and copy.style_dim == 32


def test_user_label_mistakes_are_clear(tmp_path, shape_folder):
    project = Project.create(tmp_path / "p.latentia", shape_folder, tiny_config())
    with pytest.raises(LatentiaError, match="name"):
        name_images(project, "  ", [0])
    with pytest.raises(LatentiaError, match="run from 0"):
        name_images(project, "x", [10_000])
    with pytest.raises(LatentiaError, match="at least one image"):
        name_images(project, "x", [])
    name_images(project, "only", [1])
    with pytest.raises(LatentiaError, match="two different labels"):
        labelled_copy(project, tmp_path / "c.latentia")
    assert not (tmp_path / "c.latentia").exists()


def test_a_labels_file_of_another_kind_is_refused(tmp_path, shape_folder):
    project = Project.create(tmp_path / "p.latentia", shape_folder, tiny_config())
    (project.path / LABELS_FILE).write_text(json.dumps({"format": "something else"}))
    with pytest.raises(ProjectError, match="labels"):
        assigned_labels(project)
