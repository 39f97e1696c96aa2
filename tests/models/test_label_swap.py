"""Codes decoded under another label, judged by the model's classifier (models.label_swap)."""

from __future__ import annotations

import pytest
import torch
from torch.nn import functional as F

from models.config import LabelConfig, VAEConfig
from models.label_swap import (
    SWAP_FROM,
    SWAPPED_PER_BATCH,
    swap_labels,
    swap_weight_now,
    swapped_label_loss,
)
from models.vae import VAE


def tiny_model() -> VAE:
    torch.manual_seed(0)
    return VAE(VAEConfig(image_size=32, latent_dim=8, width=8, labels=3))


def batch(model: VAE, labels: list[int]):
    """(z, labels, reconstruction, image loss) of a random batch, as a training step has them."""
    x = torch.rand(len(labels), 3, 32, 32)
    y = torch.tensor(labels)
    out = model(x, labels=y)
    image_loss = (out.reconstruction - x).square().sum(dim=(1, 2, 3)).mean()
    return out.z, y, out.reconstruction, image_loss


def test_the_other_label_is_never_the_own_one_and_every_other_comes_up():
    labels = torch.tensor([0, 1, 2, 3] * 250)
    swapped = swap_labels(labels, 4, torch.Generator().manual_seed(0))
    assert not bool((swapped == labels).any())
    assert sorted(swapped[labels == 0].unique().tolist()) == [1, 2, 3]


def test_only_the_decoder_and_the_codes_learn_from_the_judge():
    model = tiny_model()
    z, y, reconstruction, image_loss = batch(model, [0, 1, 2, 0])
    codes = z.detach().requires_grad_(True)  # (4, 8): the encoder's own share is cut off here
    swapped_label_loss(model, codes, y, reconstruction, image_loss, weight=0.5).backward()
    decoder = [p.grad for p in model.decoder.parameters()]
    assert any(g is not None and g.abs().sum() > 0 for g in decoder)
    assert codes.grad is not None and codes.grad.abs().sum() > 0
    judge = [*model.encoder.parameters(), *model.label_classifier.parameters()]
    assert all(p.grad is None for p in judge)


def test_each_swapped_image_is_pushed_as_hard_as_the_reconstructions_pull_times_the_weight():
    model = tiny_model()
    z, y, reconstruction, image_loss = batch(model, [0, 1, 2])
    pull = torch.autograd.grad(image_loss, reconstruction, retain_graph=True)[0]
    seen = []
    decode = model.decode

    def spy(codes, weights):
        images = decode(codes, weights)
        images.register_hook(seen.append)
        return images

    model.decode = spy
    swapped_label_loss(model, z, y, reconstruction, image_loss, weight=0.5).backward()
    (push,) = seen  # (3, C, S, S): the gradient each swapped image received
    assert torch.allclose(push.flatten(1).norm(dim=1), 0.5 * pull.flatten(1).norm(dim=1),
                          rtol=1e-4)


def test_following_the_push_makes_the_judge_read_the_new_label():
    model = tiny_model()
    z, y, reconstruction, image_loss = batch(model, [0, 1, 2, 1])
    generator = torch.get_rng_state()
    targets = swap_labels(y, 3)
    torch.set_rng_state(generator)  # the loss draws the same other labels

    def judged() -> float:
        with torch.no_grad():
            images = model.decode(z.detach(), F.one_hot(targets, 3).float())
            return float(F.cross_entropy(model.classify(images), targets))

    before = judged()
    swapped_label_loss(model, z, y, reconstruction, image_loss, weight=1.0).backward()
    with torch.no_grad():
        for parameter in model.decoder.parameters():
            if parameter.grad is not None:
                parameter -= 1e-3 * parameter.grad / parameter.grad.norm().clamp_min(1e-12)
    assert judged() < before


def test_unlabelled_images_and_a_zero_weight_add_nothing():
    model = tiny_model()
    z, y, reconstruction, image_loss = batch(model, [-1, -1])
    assert swapped_label_loss(model, z, y, reconstruction, image_loss, 1.0).item() == 0.0
    z, y, reconstruction, image_loss = batch(model, [0, 1])
    assert swapped_label_loss(model, z, y, reconstruction, image_loss, 0.0).item() == 0.0


def test_at_most_a_few_images_of_a_batch_are_swapped():
    model = tiny_model()
    calls = []
    decode = model.decode
    model.decode = lambda codes, weights: calls.append(len(codes)) or decode(codes, weights)
    z, y, reconstruction, image_loss = batch(model, [0, 1, 2] * 8)
    swapped_label_loss(model, z, y, reconstruction, image_loss, weight=0.5)
    assert calls[-1] == SWAPPED_PER_BATCH < 24


def test_a_negative_swap_weight_is_refused():
    with pytest.raises(ValueError, match="not be negative"):
        LabelConfig("folders", swap_weight=-0.1)


def test_the_swap_is_off_for_the_first_two_thirds_of_a_run_then_ramped():
    assert abs(SWAP_FROM - 2 / 3) < 1e-12
    assert swap_weight_now(0.5, 0.0, 1.0) == 0.0
    assert swap_weight_now(0.5, 0.66, 1.0) == 0.0
    assert swap_weight_now(0.5, 2 / 3, 1.0) == 0.5  # a step at exactly two thirds swaps
    assert swap_weight_now(0.5, 0.9, 0.4) == pytest.approx(0.2)
    assert swap_weight_now(0.0, 0.9, 1.0) == 0.0


def test_training_swaps_only_in_the_last_third(monkeypatch, tmp_path):
    """Each step passes the swap weight of its point in the run to the loss."""
    from models.project import Project
    from models.training import optimisation
    from tests.labelled_shapes import make_labelled_folder
    from tests.models.test_conditional import labelled_config

    seen = []
    real = optimisation.swapped_label_loss

    def spy(model, z, labels, reconstruction, image_loss, weight):
        seen.append(weight)
        return real(model, z, labels, reconstruction, image_loss, weight)

    monkeypatch.setattr(optimisation, "swapped_label_loss", spy)
    folder = make_labelled_folder(tmp_path / "shapes", per_label=6, unlabelled=0)
    config = labelled_config(epochs=6)
    config = config.replace(train=config.train.replace(sharpen="off", prior="gmm"))
    assert config.labels.swap_weight == 0.5
    list(Project.create(tmp_path / "p.latentia", folder, config).trainer().run())
    late = [i for i, w in enumerate(seen) if w > 0]
    assert seen and late and late[0] >= SWAP_FROM * len(seen) - 1, seen
    assert all(w > 0 for w in seen[late[0]:]) and all(w == 0 for w in seen[:late[0]])
