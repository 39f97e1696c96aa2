"""Every file Latentia writes gets the usual mode for new files: the user's umask applied.

A model made to be shared must be readable by others exactly when a plain `open()` would have
made it so; temporary files (mkstemp: 0600) and library writers must not leak their own mode.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from models.gallery import Gallery, ItemSettings, between_images
from models.project import Project
from models.weights import save_tensors

from .conftest import tiny_config

UMASK = 0o027  # unusual on purpose: 0644 hard-coded somewhere would not pass either


@pytest.fixture
def umask():
    previous = os.umask(UMASK)
    yield UMASK
    os.umask(previous)


def modes_under(root: Path) -> dict[str, int]:
    return {str(path.relative_to(root)): stat.S_IMODE(path.stat().st_mode)
            for path in [root, *root.rglob("*")]}


def test_safetensors_files_get_the_umask_mode(tmp_path, umask):
    import torch

    target = tmp_path / "weights.safetensors"
    save_tensors(target, {"w": torch.zeros(3)})
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask


def test_a_trained_project_its_gallery_and_its_shared_model_are_not_private(
        tmp_path, shape_folder, umask):
    project = Project.create(tmp_path / "modes.latentia", shape_folder, tiny_config(epochs=1))
    list(project.trainer().run())
    made = between_images(project, "shape_000.png", "shape_002.png", ItemSettings(frames=2))
    Gallery.open(project.path).add(made.item, made.frames)
    shared = tmp_path / "modes.latentia-model"
    project.export_model(shared)

    expected = {False: 0o666 & ~umask, True: 0o777 & ~umask}  # file, folder
    wrong = {name: oct(mode) for name, mode in modes_under(project.path).items()
             if mode != expected[(project.path / name).is_dir()]}
    assert any(path.suffix == ".safetensors" for path in project.path.rglob("*"))
    assert not wrong, f"expected files {oct(expected[False])}, folders {oct(expected[True])}"
    assert stat.S_IMODE(shared.stat().st_mode) == expected[False]
