"""The sharpen stage: critic, augmentation, adaptive weight, and its place in training."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
import torch

from models.config import TrainConfig, VAEConfig
from models.project import Project
from models.training import checkpoint as ckpt
from models.training import trainer as trainer_module
from models.training.discriminator import (
    PatchDiscriminator,
    diff_augment,
    hinge_discriminator_loss,
    hinge_generator_loss,
)
from models.training.sharpen import SHARPEN_FROM, SharpenStage
from models.vae import VAE

from .conftest import tiny_config


def test_a_sharpen_run_is_a_quarter_of_the_length_with_the_stage_on() -> None:
    assert TrainConfig(epochs=40).for_sharpening() == TrainConfig(epochs=10, sharpen="on")
    assert TrainConfig(epochs=1).for_sharpening().epochs == 1
    timed = TrainConfig(epochs=None, minutes=30.0).for_sharpening()
    assert timed.minutes == pytest.approx(7.5) and timed.sharpen == "on"


def test_critic_size_and_patch_scores() -> None:
    critic = PatchDiscriminator(3)
    parameters = sum(p.numel() for p in critic.parameters())
    assert 200_000 <= parameters <= 700_000
    assert critic(torch.zeros(2, 3, 64, 64)).shape == (2, 1, 8, 8)


def test_hinge_losses() -> None:
    confident = hinge_discriminator_loss(torch.full((4,), 2.0), torch.full((4,), -2.0))
    assert confident.item() == 0.0  # both beyond the margin: nothing to learn
    assert hinge_discriminator_loss(torch.zeros(4), torch.zeros(4)).item() == 2.0
    assert hinge_generator_loss(torch.tensor([1.0, 3.0])).item() == -2.0


def test_diff_augment_is_seeded_per_image_and_differentiable() -> None:
    x = (torch.rand(6, 3, 32, 32) * 2 - 1).requires_grad_()
    torch.manual_seed(4)
    first = diff_augment(x)
    torch.manual_seed(4)
    assert torch.equal(first, diff_augment(x))  # the global generator decides everything
    assert first.shape == x.shape
    same = diff_augment(x[:1].detach().expand(6, -1, -1, -1))
    assert not torch.allclose(same[0], same[1])  # one draw per image
    first.sum().backward()
    assert torch.isfinite(x.grad).all() and x.grad.abs().sum() > 0


def test_adaptive_weight_matches_the_gradient_norms_at_the_output_layer() -> None:
    """lambda * grad(L_adv) has the norm of grad(L_rec) at the decoder's last layer."""
    torch.manual_seed(0)
    vae_config = VAEConfig(image_size=32, latent_dim=8, width=8)
    model = VAE(vae_config)
    stage = SharpenStage(vae_config, TrainConfig(sharpen_weight=1.0), torch.device("cpu"))
    x = torch.rand(4, 3, 32, 32)
    reconstruction = model(x).reconstruction
    rec_loss = (reconstruction - x).pow(2).sum() * 50.0
    step = stage.adversarial(model, x, reconstruction, rec_loss, weight=1.0)
    output = model.output_layer_weight()
    (rec_grad,) = torch.autograd.grad(rec_loss, output, retain_graph=True)
    (adv_grad,) = torch.autograd.grad(step.generator_loss, output)
    assert adv_grad.norm().item() == pytest.approx(rec_grad.norm().item(), rel=1e-3)
    assert len(step.critic_grads) == len(list(stage.critic.parameters()))
    assert step.finite()


@pytest.mark.parametrize("censored", ["auto", "off"])
def test_a_censored_critic_sees_reconstructions_clamped_for_display(censored) -> None:
    torch.manual_seed(0)
    vae_config = VAEConfig(image_size=32, latent_dim=8, width=8)
    model = VAE(vae_config)
    stage = SharpenStage(vae_config, TrainConfig(censored=censored), torch.device("cpu"))
    x = torch.rand(4, 3, 32, 32)
    losses = []
    for reconstruction in (torch.ones_like(x), torch.full_like(x, 3.0)):  # white, "whiter"
        torch.manual_seed(1)  # the same codes and augmentations for both
        reconstruction.requires_grad_()
        rec_loss = (reconstruction - x).pow(2).sum() + model.output_layer_weight().sum()
        losses.append(stage.adversarial(model, x, reconstruction, rec_loss, 1.0).critic_loss)
    assert (losses[0] == losses[1]) == (censored == "auto")  # auto: on for unlabelled models


def collect(trainer, **kwargs):
    return list(trainer.run(**kwargs))


def sharpen_project(tmp_path, shape_folder, name="p", **changes):
    config = tiny_config(epochs=6, **{"prior": "gmm", "sharpen": "auto", **changes})
    return Project.create(tmp_path / f"{name}.latentia", shape_folder, config)


def test_auto_stage_takes_the_last_third_and_is_checkpointed(tmp_path, shape_folder):
    project = sharpen_project(tmp_path, shape_folder)
    records = collect(project.trainer())
    total = records[-1].total_steps
    stage = [r for r in records if r.kind == "stage"]
    assert len(stage) == 1 and stage[0].step == int(np.ceil(SHARPEN_FROM * total))
    state = ckpt.load_state(project.path)
    assert state.sharpen_step == stage[0].step and state.sharpen_psnr > 0
    assert (ckpt.checkpoint_dir(project.path) / "sharpen.safetensors").is_file()


def test_off_means_no_stage_and_no_critic(tmp_path, shape_folder):
    project = sharpen_project(tmp_path, shape_folder, sharpen="off")
    assert not [r for r in collect(project.trainer()) if r.kind == "stage"]
    assert not (ckpt.checkpoint_dir(project.path) / "sharpen.safetensors").exists()


def test_resume_inside_the_stage_continues_exactly(tmp_path, shape_folder):
    reference = sharpen_project(tmp_path, shape_folder, name="a", augment="on")
    steps = [r for r in collect(reference.trainer()) if r.kind == "step"]
    interrupted = sharpen_project(tmp_path, shape_folder, name="b", augment="on")
    first = interrupted.trainer()
    for record in first.run():
        if record.kind == "step" and record.step == 25:  # the stage began at step 20
            break
    first.checkpoint()
    resumed = Project.open(interrupted.path).trainer()
    assert resumed.opt.sharpening and resumed.state.step == 25
    rest = [r for r in collect(resumed) if r.kind == "step"]
    assert [r.train.total_nats for r in rest] == pytest.approx(
        [r.train.total_nats for r in steps[25:]], rel=1e-5)
    a, b = (ckpt.load_checkpoint_tensors(p.path) for p in (reference, interrupted))
    for name in a.sharpen:
        assert torch.allclose(a.sharpen[name], b.sharpen[name], atol=1e-6), name
    for name in a.raw:
        assert torch.allclose(a.raw[name], b.raw[name], atol=1e-6), name


def test_sharpen_on_begins_at_once_when_a_finished_project_continues(tmp_path, shape_folder):
    project = sharpen_project(tmp_path, shape_folder, sharpen="off")
    collect(project.trainer())
    more = project.more_training(project.config.train.replace(sharpen="on"), epochs=2)
    records = collect(project.trainer(more))
    first_step = next(r for r in records if r.kind == "step")
    stage = next(r for r in records if r.kind == "stage")
    assert stage.step == first_step.step - 1  # before the first step of the continuation


def test_a_non_finite_critic_step_is_skipped(tmp_path, shape_folder, monkeypatch):
    project = sharpen_project(tmp_path, shape_folder)
    calls = {"n": 0}
    real_forward = PatchDiscriminator.forward

    def sometimes_nan(self, x):
        calls["n"] += 1
        scores = real_forward(self, x)
        return scores * float("nan") if calls["n"] in (3, 4) else scores

    monkeypatch.setattr(PatchDiscriminator, "forward", sometimes_nan)
    records = collect(project.trainer())
    warnings = [r for r in records if r.kind == "warning"]
    assert warnings and "non-finite" in warnings[0].message
    tensors = ckpt.load_checkpoint_tensors(project.path)
    assert all(torch.isfinite(t).all() for t in [*tensors.raw.values(),
                                                  *tensors.sharpen.values()])
    assert records[-1].message == "training finished"


def test_a_collapse_goes_back_to_the_last_good_state(tmp_path, shape_folder, monkeypatch):
    project = sharpen_project(tmp_path, shape_folder)
    trainer = project.trainer()
    real_evaluate = trainer_module.evaluate

    def collapsing(model, *args, **kwargs):
        metrics, health = real_evaluate(model, *args, **kwargs)
        if trainer.opt.sharpening:  # every validation inside the stage looks 10 dB worse
            metrics = dataclasses.replace(metrics, psnr_db=metrics.psnr_db - 10.0)
        return metrics, health

    monkeypatch.setattr(trainer_module, "evaluate", collapsing)
    snapshots = []
    real_undo = trainer.opt.undo_collapse

    def undo_and_record():
        real_undo()
        snapshots.append({k: v.clone() for k, v in trainer.opt.model.state_dict().items()})

    trainer.opt.undo_collapse = undo_and_record
    records = collect(trainer)
    warnings = [r for r in records if r.kind == "warning" and "sharpening" in r.message]
    assert warnings and snapshots
    assert trainer.state.adversarial_scale == 0.5 ** len(warnings)
    good = trainer.opt.guard._snapshot["model"]
    for name, value in snapshots[-1].items():
        assert torch.equal(value, good[name]), name


def test_subsets_of_a_big_folder_cover_all_of_it():
    """Fits use a few thousand images; the cache keeps path order (A/, B/, ... Z/), so the
    first few thousand would be the first few subfolders only."""
    from models.training.data import spread

    rows = spread(np.arange(20_000) * 2, 2000)
    assert len(np.unique(rows)) == 2000 and rows[0] == 0 and rows[-1] == 39_998
    assert np.ptp(np.diff(rows)) <= 2  # evenly spaced
    assert np.array_equal(spread(np.arange(7), 2000), np.arange(7))
