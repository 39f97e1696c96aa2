"""`--resume` continues exactly with the settings the CLI and the app use (bf16 "auto")."""

from __future__ import annotations

import pytest
import torch

from models import runtime
from models.config import TrainConfig
from models.project import Project

from .conftest import tiny_config


def fake_bf16_timing(monkeypatch: pytest.MonkeyPatch, bf16_faster: bool) -> None:
    """The bf16 check as on a CPU with bf16 kernels, with steady timings instead of the clock.

    The check still builds its probe and draws its random images; only the verdict is fixed,
    so two runs take the same decision and any difference comes from the resume itself.
    """
    monkeypatch.setattr(runtime, "cpu_supports_bf16", lambda: True)
    monkeypatch.setattr(runtime, "BF16_CHECK_SECONDS", 0.0)
    fast, slow = (0.5, 1.0) if bf16_faster else (1.0, 0.5)
    monkeypatch.setattr(runtime, "_training_step_seconds",
                        lambda _model, _images, bf16: fast if bf16 else slow)


def default_precision_config(**changes):
    """The tiny test network, trained with the defaults' precision and augmentation."""
    return tiny_config(bf16=TrainConfig.bf16, augment=TrainConfig.augment, **changes)


def test_resume_with_default_settings_gives_the_same_next_steps(tmp_path, shape_folder,
                                                                 monkeypatch):
    fake_bf16_timing(monkeypatch, bf16_faster=False)
    config = default_precision_config(epochs=3)
    assert config.train.bf16 == "auto"
    reference = Project.create(tmp_path / "a.latentia", shape_folder, config)
    steps = [r for r in reference.trainer().run() if r.kind == "step"]

    interrupted = Project.create(tmp_path / "b.latentia", shape_folder, config)
    first = interrupted.trainer()
    for record in first.run():
        if record.kind == "step" and record.step == 7:
            break
    first.checkpoint()
    resumed = Project.open(tmp_path / "b.latentia").trainer()
    after = [r for r in resumed.run() if r.kind == "step"][:3]
    assert [r.step for r in after] == [8, 9, 10]
    for ours, theirs in zip(after, steps[7:10], strict=True):
        assert ours.train.total_nats == pytest.approx(theirs.train.total_nats, rel=1e-5)


def test_the_bf16_check_leaves_the_random_state_alone(tmp_path, shape_folder, monkeypatch):
    fake_bf16_timing(monkeypatch, bf16_faster=True)
    project = Project.create(tmp_path / "p.latentia", shape_folder, default_precision_config())
    torch.manual_seed(TrainConfig.seed)
    from models.vae import VAE

    VAE(project.config.vae)  # what the trainer draws before its check
    if project.config.train.sharpen != "off":  # and the sharpen stage's critic
        from models.training.sharpen import SharpenStage

        SharpenStage(project.config.vae, project.config.train, torch.device("cpu"))
    expected = torch.get_rng_state()
    trainer = project.trainer()
    assert trainer.opt.bf16 is True
    assert torch.equal(torch.get_rng_state(), expected)


def test_a_resume_keeps_the_precision_it_was_trained_with(tmp_path, shape_folder, monkeypatch):
    fake_bf16_timing(monkeypatch, bf16_faster=True)
    project = Project.create(tmp_path / "p.latentia", shape_folder, default_precision_config())
    first = project.trainer()
    for record in first.run():
        if record.kind == "step" and record.step == 2:
            break
    first.checkpoint()
    fake_bf16_timing(monkeypatch, bf16_faster=False)  # a busier machine times it otherwise
    resumed = Project.open(project.path).trainer()
    assert resumed.opt.bf16 is True
    assert resumed.device_label.endswith("bf16 on")
