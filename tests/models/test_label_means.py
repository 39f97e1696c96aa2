"""Pulling the labels' mean codes together (models.label_means)."""

from __future__ import annotations

import pytest
import torch

from models.config import LabelConfig, VAEConfig
from models.label_means import MEAN_RATE, LabelMeans, match_label_means
from models.vae import VAE


def tracked(codes: torch.Tensor, labels: torch.Tensor) -> LabelMeans:
    tracker = LabelMeans(labels=int(labels.max()) + 1, latent_dim=codes.shape[1])
    tracker.update(codes, labels)
    return tracker


def between_fraction(codes: torch.Tensor, labels: torch.Tensor) -> float:
    """The share of the codes' variance that their labels' means explain."""
    means = torch.stack([codes[labels == k].mean(0) for k in labels.unique()])
    return float((means - codes.mean(0)).square().sum(1).mean()
                 / (codes - codes.mean(0)).square().sum(1).mean())


def push_of(tracker: LabelMeans, codes: torch.Tensor, labels: torch.Tensor,
            pull: torch.Tensor, weight: float = 0.5) -> torch.Tensor:
    """What match_label_means adds to the gradient `pull` (N, D) on codes (N, D)."""
    mu = codes.clone().requires_grad_(True)
    match_label_means(tracker, mu, labels, weight)
    (mu * pull).sum().backward()
    return mu.grad - pull


def test_no_push_when_every_label_has_the_same_mean_code():
    torch.manual_seed(0)
    style = torch.randn(4, 5)  # (4, 5): four styles, each drawn under both labels
    codes, labels = torch.cat([style, style]), torch.tensor([0] * 4 + [1] * 4)
    tracker = tracked(codes, labels)
    assert tracker.offsets().abs().max() < 1e-6
    assert tracker.between_fraction() == pytest.approx(0.0, abs=1e-10)
    push = push_of(tracker, codes, labels, torch.randn(8, 5))
    assert push.abs().max() < 1e-5


def test_the_push_moves_each_code_away_from_its_labels_offset_in_proportion_to_the_pull():
    torch.manual_seed(1)
    labels = torch.tensor([0, 0, 1, 1, 2, 2])
    codes = torch.randn(6, 4) + torch.tensor([[3.0, 0, 0, 0]]) * (labels == 0)[:, None]
    tracker = tracked(codes, labels)
    assert tracker.between_fraction() > 0.2
    pull = torch.randn(6, 4) * torch.tensor([[1.0], [10.0], [0.1], [3.0], [1.0], [100.0]])
    push = push_of(tracker, codes, labels, pull, weight=0.5)  # updates the statistics again
    expected = (0.5 * pull.norm(dim=1, keepdim=True) * tracker.discriminants()[labels]
                / tracker.spread)
    assert torch.allclose(push, expected, rtol=1e-4, atol=1e-6)
    # the gradient points along S^-1 (m_y - m): a descent step brings each label's mean back
    assert bool(((push * tracker.offsets()[labels]).sum(dim=1) > 0).all())


def test_offsets_in_directions_of_low_variance_weigh_more():
    torch.manual_seed(3)
    labels = torch.arange(2).repeat(500)  # (1000,)
    codes = torch.randn(1000, 3) * torch.tensor([3.0, 3.0, 0.3])  # dimension 2: low variance
    codes[:, 0] += labels * 0.5  # the same offset between the labels in a wide ...
    codes[:, 2] += labels * 0.5  # ... and in a narrow direction
    tracker = tracked(codes, labels)
    offsets, discriminants = tracker.offsets()[1], tracker.discriminants()[1]
    assert offsets[0] == pytest.approx(float(offsets[2]), rel=0.3)
    assert discriminants[2] > 10 * discriminants[0] > 0


def test_for_round_codes_the_discriminants_are_the_offsets():
    torch.manual_seed(4)
    labels = torch.arange(3).repeat(2000)
    codes = torch.randn(6000, 4) + torch.randn(3, 4)[labels] * 0.1
    tracker = tracked(codes, labels)
    assert torch.allclose(tracker.discriminants(), tracker.offsets(), rtol=0.15, atol=0.02)


def test_following_the_push_brings_the_labels_means_together():
    torch.manual_seed(2)
    labels = torch.arange(3).repeat(20)  # (60,)
    codes = torch.randn(60, 6) + torch.randn(3, 6)[labels] * 2.0  # each label shifted
    tracker = LabelMeans(labels=3, latent_dim=6)
    before = between_fraction(codes, labels)
    for _ in range(100):
        step = push_of(tracker, codes, labels, torch.full_like(codes, 0.1), weight=1.0)
        codes = codes - step  # a descent step on the push alone
    assert before > 0.5 and between_fraction(codes, labels) < 0.1 * before


def test_unlabelled_codes_are_neither_counted_nor_pushed():
    codes, labels = torch.tensor([[1.0, 0.0], [0.0, 1.0], [5.0, 5.0]]), torch.tensor([0, 1, -1])
    tracker = LabelMeans(labels=2, latent_dim=2)
    push = push_of(tracker, codes, labels, torch.ones(3, 2))
    assert torch.equal(push[2], torch.zeros(2)) and push[:2].abs().min() > 0
    assert torch.allclose(tracker.means, codes[:2])  # the -1 row was skipped
    assert torch.equal(tracker.seen, torch.tensor([1.0, 1.0]))


def test_first_codes_are_averaged_then_the_window_slides():
    tracker = LabelMeans(labels=2, latent_dim=1)
    for value in (1.0, 2.0, 3.0):
        tracker.update(torch.tensor([[value]]), torch.tensor([0]))
    assert float(tracker.means[0, 0]) == pytest.approx(2.0)
    for _ in range(int(2 / MEAN_RATE)):
        tracker.update(torch.tensor([[10.0]]), torch.tensor([0]))
    assert float(tracker.seen[0]) == 1 / MEAN_RATE  # capped: old codes fade at MEAN_RATE
    assert float(tracker.means[0, 0]) > 9.0


def test_no_weight_no_push_and_no_statistics():
    tracker = LabelMeans(labels=2, latent_dim=3)
    codes = torch.randn(4, 3)
    push = push_of(tracker, codes, torch.tensor([0, 0, 1, 1]), torch.ones(4, 3), weight=0.0)
    assert torch.equal(push, torch.zeros(4, 3))
    assert float(tracker.seen.sum()) == 0.0


def test_weights_saved_before_the_statistics_existed_still_load():
    model = VAE(VAEConfig(image_size=32, latent_dim=8, width=8, labels=3))
    old = {k: v for k, v in model.state_dict().items() if not k.startswith("label_means.")}
    model.label_means.seen.fill_(7.0)
    model.load_state_dict(old)  # strict, as the project and the checkpoint load weights
    assert float(model.label_means.seen.sum()) == 0.0


def test_a_negative_weight_is_refused():
    with pytest.raises(ValueError, match="not be negative"):
        LabelConfig("folders", mean_matching_weight=-1.0)
