"""Fuzzing the files a user can be sent: a shared `.latentia-model`, an exported PNG with its
provenance chunk, an animation's JSON sidecar. Broken at random, each opens or fails with the
project's own error, never another exception or a hang, and reading changes no file."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from PIL import Image
from PIL.PngImagePlugin import PngInfo
from safetensors import safe_open
from safetensors.torch import save_file

from models.export import (
    GifSettings,
    Provenance,
    read_provenance,
    sidecar_path,
    write_gif,
    write_png,
)
from models.export.provenance import PNG_KEY
from models.gallery import find_provenance_latents
from models.project import Project, open_project

from .damage import FUZZ, assert_fails_cleanly, damaged, json_edited, replaced


@pytest.fixture(scope="module")
def shared(tmp_path_factory, trained_project):
    """A trained project's exported model, a PNG still and a GIF with its sidecar."""
    folder = tmp_path_factory.mktemp("shared")
    project = Project.open(trained_project)
    project.export_model(folder / "shared.latentia-model")
    latents = project.sample_latents(2, seed=1)
    frames = (project.decode(latents) * 255).astype(np.uint8).transpose(0, 2, 3, 1)
    provenance = Provenance.create(latents, project.model_id, {"seed": 1}, kind="sample")
    write_png(folder / "still.png", frames[0], provenance=provenance.for_frame(0))
    write_gif(folder / "walk.gif", frames, GifSettings(fps=8.0), provenance=provenance)
    return folder


def read_model(path) -> None:
    model = open_project(path)
    _ = model.name, model.report, model.trained_steps
    model.decode(np.zeros((1, model.latent_dim), np.float32))
    model.sample(1, seed=0)


@FUZZ
@given(data=st.data())
def test_a_damaged_model_file_fails_cleanly(shared, data):
    file = shared / "shared.latentia-model"
    with replaced(file, data.draw(damaged(file.read_bytes()))):
        assert_fails_cleanly(lambda: read_model(file), file)


def rewritten_model_file(file, document: bytes, tmp_path):
    """The model file with its JSON description replaced by `document`."""
    with safe_open(str(file), framework="pt") as handle:
        metadata = dict(handle.metadata())
        tensors = {key: handle.get_tensor(key) for key in handle.keys()}  # noqa: SIM118
    metadata["document"] = document.decode("utf-8", "replace")
    target = tmp_path / "edited.latentia-model"
    save_file(tensors, str(target), metadata=metadata)
    return target


@FUZZ
@given(data=st.data())
def test_a_model_file_with_an_edited_description_fails_cleanly(shared, tmp_path, data):
    with safe_open(str(shared / "shared.latentia-model"), framework="pt") as handle:
        document = json.loads(handle.metadata()["document"])
    edited = rewritten_model_file(shared / "shared.latentia-model",
                                  data.draw(json_edited(document)), tmp_path)
    assert_fails_cleanly(lambda: read_model(edited), edited)


def read_png_provenance(file) -> None:
    read_provenance(file)
    find_provenance_latents(file)


@FUZZ
@given(data=st.data())
def test_a_damaged_png_fails_cleanly(shared, data):
    file = shared / "still.png"
    with replaced(file, data.draw(damaged(file.read_bytes()))):
        assert_fails_cleanly(lambda: read_png_provenance(file), file)


@FUZZ
@given(data=st.data())
def test_a_png_with_a_damaged_provenance_chunk_fails_cleanly(shared, tmp_path, data):
    with Image.open(shared / "still.png") as image:
        text, pixels = image.text[PNG_KEY].encode(), image.copy()
    info = PngInfo()
    info.add_itxt(PNG_KEY, data.draw(damaged(text, is_json=True)).decode("utf-8", "replace"))
    file = tmp_path / "edited.png"
    pixels.save(file, pnginfo=info)
    assert_fails_cleanly(lambda: read_png_provenance(file), file)


@FUZZ
@given(data=st.data())
def test_a_damaged_sidecar_fails_cleanly(shared, data):
    gif = shared / "walk.gif"
    sidecar = sidecar_path(gif)
    with replaced(sidecar, data.draw(damaged(sidecar.read_bytes(), is_json=True))):
        assert_fails_cleanly(lambda: read_provenance(gif), sidecar)
