"""The command line with labels: `train --labels`, `sample --label`, `export --blend-labels`."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from models.config import LABELLED_LATENT_DIM, VAEConfig
from models.export import read_provenance
from models.labels import read_assignment
from tests.labelled_shapes import make_labelled_folder
from tests.models.test_cli import TINY, run_cli


@pytest.fixture(scope="module")
def labelled_folder(tmp_path_factory):
    return make_labelled_folder(tmp_path_factory.mktemp("labelled") / "shapes", per_label=8,
                                unlabelled=3)


def train_cli(folder, out, epochs: int, *options: str):
    from models.cli import main

    assert main(["train", str(folder), "--out", str(out), "--epochs", str(epochs), *options,
                 *TINY]) == 0
    return out


@pytest.fixture(scope="module")
def labelled_project(tmp_path_factory, labelled_folder):
    return train_cli(labelled_folder, tmp_path_factory.mktemp("cli") / "shapes.latentia", 2,
                     "--labels", "folders")


@pytest.fixture(scope="module")
def unlabelled_project(tmp_path_factory, labelled_folder):
    return train_cli(labelled_folder, tmp_path_factory.mktemp("cli") / "plain.latentia", 1)


def test_train_with_folder_labels_keeps_them_in_the_project(labelled_project, capsys):
    code, out, _ = run_cli(capsys, "info", labelled_project, "--json")
    info = json.loads(out)
    assert code == 0 and info["labels"] == "circle, square, triangle"
    assert info["latent_dim"] == 8 and info["config"]["labels"]["source"] == "folders"
    assert info["config"]["vae"]["labels"] == 3
    assert len(read_assignment(labelled_project).images) == 24


@pytest.mark.parametrize("options, latent", [
    (["--labels", "folders"], LABELLED_LATENT_DIM),  # a labelled code holds only the style
    (["--labels", "paths", "--latent-dim", "16"], 16),  # the person's size stays
    ([], VAEConfig.latent_dim), (["--labels", "none"], VAEConfig.latent_dim)])
def test_a_new_labelled_project_gets_the_style_sized_code(options, latent, tmp_path):
    from models.cli import build_parser
    from models.cli.train_command import new_project_config

    args = build_parser().parse_args(["train", str(tmp_path), "--out", str(tmp_path / "p"),
                                      *options])
    assert new_project_config(args).vae.latent_dim == latent


def test_sample_draws_the_asked_label(labelled_project, capsys, tmp_path):
    grid = tmp_path / "squares.png"
    code, out, _ = run_cli(capsys, "sample", labelled_project, "-n", "4", "--label", "square",
                           "--out", grid, "--temperature", "0.5", "--seed", "2")
    assert code == 0 and "wrote 4 samples" in out
    with Image.open(grid) as image:
        assert image.size == (70, 70)


def test_export_blends_labels_into_a_gif_with_provenance(labelled_project, capsys, tmp_path):
    gif = tmp_path / "blend.gif"
    code, out, _ = run_cli(capsys, "export", labelled_project, "--blend-labels",
                           "circle/000.png", "circle", "triangle", "--frames", "6", "--gif",
                           gif, "--quiet")
    assert code == 0 and "6 frames" in out
    provenance = read_provenance(gif)
    assert provenance.kind == "label blend" and provenance.latents.shape == (6, 11)
    assert provenance.settings["source"]["labels"] == ["circle", "triangle"]
    assert provenance.latents[0, 8:].tolist() == [1.0, 0.0, 0.0]
    assert provenance.latents[-1, 8:].tolist() == [0.0, 0.0, 1.0]


def test_export_blends_labels_with_contrast(labelled_project, capsys, tmp_path):
    gif = tmp_path / "blend.gif"
    code, _, _ = run_cli(capsys, "export", labelled_project, "--blend-labels",
                         "circle/000.png", "square", "triangle", "--frames", "3",
                         "--contrast", "0.5", "--gif", gif, "--quiet")
    assert code == 0
    weights = read_provenance(gif).latents[:, 8:]  # past each label, away from the circle
    assert np.allclose(weights, [[-0.5, 1.5, 0.0], [-0.5, 0.75, 0.75], [-0.5, 0.0, 1.5]])


def test_style_maps_are_kept_by_resume_until_switched_off(labelled_folder, tmp_path):
    from models.project import Project

    def maps_of(path):
        project = Project.open(path)
        return project.config.train.style_maps, not project._model().model.style_space.is_identity

    out = train_cli(labelled_folder, tmp_path / "maps.latentia", 1, "--labels", "folders")
    assert maps_of(out) == (True, True)  # on by default
    train_cli(labelled_folder, out, 1, "--resume")
    assert maps_of(out) == (True, True)
    train_cli(labelled_folder, out, 1, "--resume", "--no-style-maps")
    assert maps_of(out) == (False, False)
    train_cli(labelled_folder, out, 1, "--resume", "--style-maps")
    assert maps_of(out) == (True, True)


@pytest.mark.parametrize("args, message", [
    (["sample", "{labelled}", "--label", "hexagon", "--out", "{tmp}/x.png"],
     "unknown label 'hexagon'"),
    (["sample", "{unlabelled}", "--label", "square", "--out", "{tmp}/x.png"], "without labels"),
    (["export", "{labelled}", "--blend-labels", "circle/000.png", "circle", "star", "--gif",
      "{tmp}/x.gif"], "unknown label 'star'"),
    (["export", "{labelled}", "--blend-labels", "circle/000.png", "circle", "square",
      "--contrast", "2", "--gif", "{tmp}/x.gif"], "--contrast: must be a number from 0 to 1"),
    (["train", "{folder}", "--out", "{labelled}", "--resume", "--labels", "paths", *TINY],
     "--resume keeps them"),
    (["train", "{folder}", "--out", "{tmp}/n.latentia", "--style-maps", *TINY],
     "--style-maps needs labels"),
    (["train", "{folder}", "--out", "{unlabelled}", "--resume", "--style-maps"],
     "made without labels; --style-maps needs them"),
    (["train", "{folder}", "--out", "{tmp}/n.latentia", "--style-maps", "--no-style-maps",
      "--labels", "folders", *TINY], "not allowed with argument"),
])
def test_label_mistakes_are_one_clear_line(args, message, labelled_project, labelled_folder,
                                           tmp_path, capsys, unlabelled_project):
    names = {"labelled": labelled_project, "unlabelled": unlabelled_project, "tmp": tmp_path,
             "folder": labelled_folder}
    code, _, err = run_cli(capsys, *[a.format(**names) for a in args])
    lines = err.strip().splitlines()
    assert code != 0 and len(lines) >= 1 and message in lines[-1], err
    assert "Traceback" not in err
    assert not (tmp_path / "x.png").exists() and not (tmp_path / "x.gif").exists()
