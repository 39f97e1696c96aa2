"""Project files: round trip, the Python API, the single-file model, and hostile files."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import models
from models.errors import LatentiaError, ProjectError
from models.project import Project

from .conftest import tiny_config


@pytest.fixture(scope="module")
def trained(trained_project):
    return Project.open(trained_project)


def test_create_writes_a_project_that_opens(tmp_path, shape_folder):
    project = Project.create(tmp_path / "new.latentia", shape_folder, tiny_config())
    assert project.name == "new"
    assert project.image_count == 48
    assert project.images().shape == (48, 32, 32, 3)
    assert not project.is_trained
    reopened = models.open_project(tmp_path / "new.latentia")
    assert reopened.config == project.config
    with pytest.raises(LatentiaError, match="not been trained"):
        reopened.decode(np.zeros((1, 8), np.float32))


def test_create_refuses_an_existing_project(tmp_path, shape_folder):
    Project.create(tmp_path / "p.latentia", shape_folder, tiny_config())
    with pytest.raises(ProjectError, match="already exists"):
        Project.create(tmp_path / "p.latentia", shape_folder, tiny_config())


def test_python_api_shapes_and_ranges(trained):
    images = trained.images()[:5].transpose(0, 3, 1, 2).astype(np.float32) / 255
    mu, logvar = trained.encode(images)
    assert mu.shape == logvar.shape == (5, trained.latent_dim)
    decoded = trained.decode(mu)
    assert decoded.shape == (5, 3, 32, 32) and decoded.dtype == np.float32
    assert decoded.min() >= 0 and decoded.max() <= 1
    samples = trained.sample(4, temperature=0.5, seed=3)
    assert samples.shape == (4, 3, 32, 32)
    np.testing.assert_array_equal(samples, trained.sample(4, temperature=0.5, seed=3))
    assert trained.sample(2, prior="normal", seed=1).shape == (2, 3, 32, 32)
    with pytest.raises(LatentiaError, match="shape"):
        trained.encode(np.zeros((1, 3, 16, 16), np.float32))


def test_history_and_steps_survive_reopening(trained):
    history = trained.history
    assert trained.trained_steps > 0
    assert any(p.kind == "validation" for p in history)
    assert history[-1].validation is not None or history[-1].train is not None


def test_save_as_copies_and_switches(trained, tmp_path):
    copy = Project.open(trained.path)
    copy.save(tmp_path / "copy.latentia")
    assert copy.path == tmp_path / "copy.latentia"
    reopened = Project.open(tmp_path / "copy.latentia")
    assert reopened.trained_steps == trained.trained_steps
    with pytest.raises(ProjectError, match="already exists"):
        Project.open(trained.path).save(tmp_path / "copy.latentia")


def test_exported_model_opens_without_the_cache(trained, tmp_path):
    target = tmp_path / "shapes.latentia-model"
    trained.export_model(target)
    model = models.open_project(target)
    assert model.read_only and model.latent_dim == trained.latent_dim
    z = np.random.default_rng(0).normal(size=(3, trained.latent_dim)).astype(np.float32)
    np.testing.assert_allclose(model.decode(z), trained.decode(z), atol=1e-6)
    np.testing.assert_allclose(model.sample(2, seed=5), trained.sample(2, seed=5), atol=1e-6)
    assert model.model_id == trained.model_id
    with pytest.raises(LatentiaError, match="cannot be trained"):
        model.trainer()
    with pytest.raises(LatentiaError, match="does not contain its training images"):
        model.previews()


def test_previews_of_a_saved_project_are_those_training_would_show(trained):
    shown = trained.previews()
    assert shown.step == trained.trained_steps > 0
    count = trained.config.train.preview_count
    assert shown.originals.shape == shown.reconstructions.shape == (count, 32, 32, 3)
    assert shown.samples.shape == (count, 32, 32, 3)
    from_trainer = trained.trainer().previews()  # loads the same checkpoint and density
    for name in ("originals", "reconstructions", "samples"):
        np.testing.assert_array_equal(getattr(shown, name), getattr(from_trainer, name))
    assert not np.array_equal(shown.samples, shown.reconstructions)


class _Payload:
    def __reduce__(self):
        return (open, ("/tmp/latentia-pwned", "w"))


def test_a_crafted_pickle_is_refused(trained, tmp_path):
    marker = "/tmp/latentia-pwned"
    evil = pickle.dumps(_Payload())
    fake_model = tmp_path / "evil.latentia-model"
    fake_model.write_bytes(evil)
    with pytest.raises(ProjectError, match="not a Latentia model"):
        models.open_project(fake_model)
    victim = tmp_path / "victim.latentia"
    Project.open(trained.path).save(victim)
    (victim / "checkpoint" / "ema.safetensors").write_bytes(evil)
    with pytest.raises(ProjectError, match="corrupt or not a safetensors"):
        models.open_project(victim)
    assert not Path(marker).exists()


@pytest.mark.parametrize("damage, message", [
    (lambda p: (p / "project.json").unlink(), "not a Latentia project"),
    (lambda p: (p / "project.json").write_text("{not json"), "corrupt"),
    (lambda p: _set_version(p, 99), "unknown version"),
    (lambda p: (p / "cache" / "manifest.json").unlink(), "cache"),
    (lambda p: (p / "checkpoint" / "state.json").write_text("[]"), "checkpoint"),
])
def test_damaged_projects_give_clear_errors(trained, tmp_path, damage, message):
    victim = tmp_path / "victim.latentia"
    Project.open(trained.path).save(victim)
    damage(victim)
    with pytest.raises(LatentiaError, match=message):
        models.open_project(victim)


def _set_version(path, version):
    document = json.loads((path / "project.json").read_text())
    document["format_version"] = version
    (path / "project.json").write_text(json.dumps(document))


def test_missing_path_is_a_clear_error(tmp_path):
    with pytest.raises(ProjectError, match="does not exist"):
        models.open_project(tmp_path / "nothing.latentia")


def test_more_training_extends_the_budget_past_the_checkpoint(trained):
    from models.training import checkpoint as ckpt

    state = ckpt.load_state(trained.path)
    more = trained.more_training(trained.config.train.replace(epochs=2, beta=0.5))
    assert more.epochs == state.epoch + 2 and more.beta == 0.5
    timed = trained.more_training(minutes=1.5)
    assert timed.minutes == pytest.approx(state.train_seconds / 60 + 1.5)
    assert timed.epochs is None
    assert trained.more_training() == trained.config.train


def test_opening_projects_and_training_import_neither_sklearn_nor_torchvision(trained):
    """The studio's backend is ready once these load (~2 s); the two big optional ones (~3 s)
    load only when a map, a prior fit or augmentation needs them."""
    code = ("import sys, models, models.project, models.training; "
            f"models.open_project({str(trained.path)!r}).sample(2); "
            "bad = [m for m in ('sklearn', 'torchvision') if m in sys.modules]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True,
                   cwd=Path(__file__).resolve().parents[2])


def test_trainer_writes_checkpoints_but_never_project_json(trained, tmp_path):
    copy = tmp_path / "copy.latentia"
    Project.open(trained.path).save(copy)
    before = (copy / "project.json").read_bytes()
    project = Project.open(copy)
    other = project.config.train.replace(beta=0.5)
    project.trainer(other)  # a trainer with other settings: nothing written yet
    assert (copy / "project.json").read_bytes() == before
    assert project.config.train != other
    project.set_train_config(other)  # remembered, written only by an explicit save
    assert (copy / "project.json").read_bytes() == before
    project.save()
    assert Project.open(copy).config.train == other


def test_history_is_read_once_per_checkpoint(trained, tmp_path, monkeypatch):
    from models.training import checkpoint as ckpt

    copy = tmp_path / "copy.latentia"
    Project.open(trained.path).save(copy)
    project = Project.open(copy)
    reads = []
    original = ckpt.load_history
    monkeypatch.setattr(ckpt, "load_history", lambda path: reads.append(path) or original(path))
    first = project.history
    assert project.history is first and project.trained_steps == trained.trained_steps
    assert reads == []  # read when the project was opened, not on every look
    list(project.trainer(project.more_training(epochs=1)).run())  # a newer checkpoint
    reads.clear()
    assert len(project.history) > len(first) and project.history == project.history
    assert len(reads) == 1


def test_an_exported_model_is_its_own_read_only_type(trained, tmp_path):
    from models.exported_model import ExportedModel

    target = tmp_path / "shapes.latentia-model"
    trained.export_model(target)
    model = models.open_project(target)
    assert isinstance(model, ExportedModel) and not isinstance(model, Project)
    assert model.history == () and model.cache is None
    assert model.trained_steps == trained.trained_steps
    with pytest.raises(ProjectError, match="exported model, not a project folder"):
        Project.open(target)
    with pytest.raises(LatentiaError, match="cannot be saved"):
        model.save(tmp_path / "as-project.latentia")
