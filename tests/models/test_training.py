"""Trainer: the loss goes down, resume continues exactly, stopping checkpoints, NaN guard."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from models.errors import TrainingError
from models.project import Project
from models.training import checkpoint as ckpt
from models.training.guard import MAX_BAD_STEPS, NonFiniteGuard
from models.training.schedule import kl_weight, learning_rate

from .conftest import tiny_config


@pytest.fixture
def project(tmp_path, shape_folder):
    return Project.create(tmp_path / "shapes.latentia", shape_folder, tiny_config())


def collect(trainer, **kwargs):
    return list(trainer.run(**kwargs))


def test_a_few_hundred_steps_lower_the_loss(tmp_path, shape_folder):
    project = Project.create(tmp_path / "p.latentia", shape_folder,
                             tiny_config(epochs=60, learning_rate=3e-3))
    records = collect(project.trainer())
    steps = [r for r in records if r.kind == "step"]
    assert len(steps) >= 200
    first = np.mean([r.train.bits_per_dim for r in steps[:20]])
    last = np.mean([r.train.bits_per_dim for r in steps[-20:]])
    assert last < first * 0.8
    validations = [r for r in records if r.kind == "validation"]
    assert validations and np.isfinite(validations[-1].validation.psnr_db)
    assert records[-1].kind == "done" and records[-1].message == "training finished"


def test_resume_from_checkpoint_gives_the_same_next_step(tmp_path, shape_folder):
    config = tiny_config(epochs=4, augment="on")
    reference = Project.create(tmp_path / "a.latentia", shape_folder, config)
    steps = [r for r in collect(reference.trainer()) if r.kind == "step"]

    interrupted = Project.create(tmp_path / "b.latentia", shape_folder, config)
    first = interrupted.trainer()
    for record in first.run():
        if record.kind == "step" and record.step == 7:
            break
    first.checkpoint()
    resumed = Project.open(tmp_path / "b.latentia").trainer()
    assert resumed.state.step == 7
    next_step = next(r for r in resumed.run() if r.kind == "step")
    assert next_step.step == 8
    assert next_step.train.total_nats == pytest.approx(steps[7].train.total_nats, rel=1e-5)


def test_continuing_for_longer_climbs_to_the_new_learning_rate(tmp_path, shape_folder):
    project = Project.create(tmp_path / "p.latentia", shape_folder,
                             tiny_config(epochs=3, warmup_steps=4))
    before = [r.learning_rate for r in collect(project.trainer()) if r.kind == "step"]
    longer = project.trainer(project.more_training(epochs=6))  # now 9 epochs in all
    after = [r.learning_rate for r in collect(longer) if r.kind == "step"]
    peak = project.config.train.learning_rate
    assert before[-1] < 0.2 * peak < 0.5 * peak < max(after)  # the new schedule is higher
    assert after[0] == pytest.approx(before[-1])  # no jump: from where it stopped ...
    climb = after[:5]
    assert climb == sorted(climb) and after[4] > 0.5 * peak  # ... up over warmup_steps ...
    assert after[5] <= after[4]  # ... then down the new cosine


def test_stop_writes_a_checkpoint_and_a_prior(project):
    calls = {"n": 0}

    def should_stop():
        calls["n"] += 1
        return calls["n"] > 5

    records = collect(project.trainer(), should_stop=should_stop)
    assert records[-1].kind == "done" and records[-1].message == "training stopped"
    assert ckpt.load_state(project.path).step == 5
    assert (ckpt.checkpoint_dir(project.path) / "prior.safetensors").is_file()
    reopened = Project.open(project.path)
    assert reopened.trained_steps == 5
    assert reopened.sample(3, seed=0).shape == (3, 3, 32, 32)


def test_pausing_is_not_pulling(project):
    trainer = project.trainer()
    run = trainer.run()
    next(run)
    step = trainer.state.step
    seconds = trainer.state.train_seconds
    assert trainer.state.step == step  # nothing happens while the generator is not pulled
    assert trainer.state.train_seconds == seconds
    assert next(run).step >= step


def test_interrupted_checkpoint_swap_keeps_the_previous_one(project):
    trainer = project.trainer()
    run = trainer.run()
    for _ in range(3):
        next(run)
    trainer.checkpoint()
    # simulate a kill between the two renames of the swap
    (project.path / "checkpoint").rename(project.path / "checkpoint.old")
    assert ckpt.has_checkpoint(project.path)
    assert Project.open(project.path).trained_steps == trainer.state.step


def test_non_finite_loss_never_reaches_the_weights(project, monkeypatch):
    trainer = project.trainer()
    before = {k: v.clone() for k, v in trainer.opt.model.state_dict().items()}
    real_forward = trainer.opt.model.forward

    def poisoned(x, *args, **kwargs):
        out = real_forward(x, *args, **kwargs)
        out.reconstruction.data.fill_(float("nan"))
        return out

    monkeypatch.setattr(trainer.opt.model, "forward", poisoned)
    records = []
    with pytest.raises(TrainingError, match="invalid numbers"):
        for record in trainer.run():
            records.append(record)
    assert any(r.kind == "warning" for r in records)
    assert not any(r.kind == "step" for r in records)
    after = trainer.opt.model.state_dict()
    assert all(torch.equal(before[k], after[k]) for k in before)
    assert trainer.state.lr_scale < 1.0


def test_guard_escalates():
    guard = NonFiniteGuard()
    verdicts = [guard.judge(False) for _ in range(MAX_BAD_STEPS)]
    assert [v.restore for v in verdicts] == [False] * (MAX_BAD_STEPS - 1) + [True]
    assert guard.judge(True).message == ""


def test_schedules():
    assert learning_rate(1.0, 0, 10, 0.0) == pytest.approx(0.1)
    assert learning_rate(1.0, 10, 10, 0.0) == pytest.approx(1.0)
    assert learning_rate(1.0, 50, 10, 1.0) == pytest.approx(0.05)
    assert kl_weight(0, 100) == 0.0 and kl_weight(50, 100) == 0.5 and kl_weight(500, 100) == 1.0


def test_time_budget_stops_training(tmp_path, shape_folder):
    project = Project.create(tmp_path / "t.latentia", shape_folder,
                             tiny_config(epochs=None, minutes=0.02))
    records = collect(project.trainer())
    assert records[-1].kind == "done"
    assert records[-1].elapsed_seconds >= 1.2


def test_history_rows_round_trip_latent_health(project):
    from models.history import progress_from_row, progress_to_row

    records = collect(project.trainer())
    validation = next(r for r in records if r.kind == "validation")
    restored = progress_from_row(progress_to_row(validation))
    assert restored.health.active_units == validation.health.active_units
    np.testing.assert_allclose(restored.health.kl_per_dim, validation.health.kl_per_dim,
                               atol=1e-4)
    assert not restored.health.kl_per_dim.flags.writeable


def test_continuing_previews_sample_the_fitted_density(project):
    collect(project.trainer(), should_stop=iter([False] * 12 + [True] * 100).__next__)
    resumed = project.trainer()
    assert resumed._preview_prior.kind != "normal"
    assert resumed.previews().samples.shape == (4, 32, 32, 3)
