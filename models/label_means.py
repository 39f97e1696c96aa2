"""Keeping the label out of the code: the labels' mean codes are pulled together.

A conditional VAE is told the label, so its code z should hold only what the label does not
(the "style"). Left alone it keeps the label too, and an adversary does not cure that: on the
glyphs the code's label adversary read the letter from z 9 % of the time while a fresh logistic
regression read it 100 % (docs/benchmarks.md) — the encoder hides the letter from the one
adversary it is trained against instead of dropping it.

What any linear read-out can use is the difference between the labels' mean codes m_y, seen
through the codes' covariance S within a label: the best linear classifier of Gaussian classes
(Fisher's discriminant) scores a code by S^-1 (m_y - m) . z, where m is the average of the
m_y. So the posterior means mu are pushed to shrink 1/2 sum_y (m_y - m)' S^-1 (m_y - m), a
Mahalanobis form of the linear-kernel MMD between each label and the rest (Gretton et al. 2012,
"A Kernel Two-Sample Test", section 2.2), whose gradient on a code of label y is
S^-1 (m_y - m). Without S^-1 (plain distances between the means) the letter's share of the
codes' variance fell from 12 % to 0.7 % on the glyphs, yet a probe still read 98 %: it sat in
directions of low variance.

The means and S are running averages over recent batches (a batch of 32 holds about one image
per letter), kept as buffers of the model so that a checkpoint resumes them exactly.

The push on each code is scaled to the reconstruction's pull on it, like the adversary's
(`models.conditioning.confuse_codes`): weight * |pull| * d_y / spread, with d_y the discriminant
in code units (S^-1 (m_y - m) times the mean variance per dimension; just m_y - m for round
codes) and spread the root-mean-square distance of the codes from m. It fades as the means
meet, and is measured in the units the codes are actually moved in from the first step to the
last.
"""

from __future__ import annotations

import torch
from torch import nn

MEAN_RATE = 0.01  # per code of the label: a window of ~100 codes (~80 batches at 26 labels)
RIDGE = 1e-2  # S + RIDGE * mean variance: a direction is weighted at most 100x the average


class LabelMeans(nn.Module):
    """Running means of the posterior means per label (L, D), their spread about the centre,
    and the covariance of the codes about their own label's mean (D, D).

    Float buffers only: the weights' EMA (`AveragedModel(use_buffers=True)`) interpolates them.
    Older weight files, saved before these buffers existed, load with empty statistics.
    """

    def __init__(self, labels: int, latent_dim: int) -> None:
        super().__init__()
        self.register_buffer("means", torch.zeros(labels, latent_dim))  # (L, D)
        self.register_buffer("seen", torch.zeros(labels))  # (L,) codes averaged in, capped
        self.register_buffer("spread", torch.zeros(1))  # (1,) RMS distance of codes from m
        self.register_buffer("covariance", torch.zeros(latent_dim, latent_dim))  # (D, D) within

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs) -> None:
        for name, buffer in self.named_buffers(recurse=False):
            state_dict.setdefault(prefix + name, torch.zeros_like(buffer))
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

    @torch.no_grad()
    def update(self, codes: torch.Tensor, labels: torch.Tensor) -> None:
        """Fold codes (N, D) with label indices (N,) (-1: unlabelled, skipped) into the means.

        A label's first codes are averaged plainly, later ones at about MEAN_RATE each."""
        known = labels >= 0
        codes, labels = codes[known].float(), labels[known]
        if not len(codes):
            return
        counts = torch.bincount(labels, minlength=len(self.seen)).to(self.seen.dtype)  # (L,)
        sums = torch.zeros_like(self.means).index_add_(0, labels, codes)  # (L, D)
        rate = counts / (self.seen + counts).clamp_min(1.0)  # (L,), 0 for absent labels
        self.means += rate[:, None] * (sums / counts.clamp_min(1.0)[:, None] - self.means)
        self.seen.copy_(torch.clamp(self.seen + counts, max=1.0 / MEAN_RATE))
        rate = MEAN_RATE if bool(self.spread > 0) else 1.0
        square = (codes - self.centre()).square().sum(dim=1).mean()
        self.spread.copy_((self.spread.square() * (1 - rate) + rate * square).sqrt())
        within = codes - self.means[labels]  # (n, D): each code about its own label's mean
        self.covariance.lerp_(within.T @ within / len(codes), rate)

    def centre(self) -> torch.Tensor:
        """m (D,): the average of the labels' mean codes, each label counted once."""
        present = self.seen > 0
        if not bool(present.any()):
            return torch.zeros_like(self.means[0])
        return self.means[present].mean(dim=0)

    def offsets(self) -> torch.Tensor:
        """m_y - m (L, D); zero for labels not seen yet."""
        return (self.means - self.centre()) * (self.seen > 0)[:, None]

    def discriminants(self) -> torch.Tensor:
        """S^-1 (m_y - m) in code units (L, D): the offsets as the best linear read-out of the
        label weighs them (equal to the offsets when the codes are round)."""
        dim = self.covariance.shape[0]
        variance = torch.trace(self.covariance) / dim  # mean variance per dimension
        if not bool(variance > 0):  # one code per label so far: no spread to weigh by
            return self.offsets()
        ridged = self.covariance + RIDGE * variance * torch.eye(dim, device=variance.device)
        return torch.linalg.solve(ridged, self.offsets().T).T * variance

    def between_fraction(self) -> float:
        """The share of the codes' spread that their labels' means explain (0: none)."""
        if not bool(self.spread > 0):
            return 0.0
        present = self.seen > 0
        between = self.offsets()[present].square().sum(dim=1).mean()
        return float(between / self.spread.square())


def match_label_means(tracker: LabelMeans, mu: torch.Tensor, labels: torch.Tensor,
                      weight: float) -> None:
    """Update the running statistics with mu (N, D), then push each labelled code towards the
    codes of the other labels during backward (see the module docstring)."""
    if weight <= 0 or not mu.requires_grad:
        return
    tracker.update(mu.detach(), labels)
    if not bool(tracker.spread > 0):
        return
    known = (labels >= 0)[:, None]  # (N, 1)
    away = tracker.discriminants()[labels.clamp_min(0)] * known  # (N, D)
    away = away / tracker.spread  # in units of the codes' spread

    def add_push(incoming: torch.Tensor) -> torch.Tensor:  # in float32, back in mu's dtype
        pull = incoming.float()
        return (pull + weight * pull.norm(dim=1, keepdim=True) * away).to(incoming.dtype)

    mu.register_hook(add_push)
