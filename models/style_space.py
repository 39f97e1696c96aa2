"""The style space of a labelled model: every label's codes moved onto one shared distribution.

A conditional model's code should hold only the style, what the label does not say. Trained with
the label adversary and the label means (`models.conditioning`, `models.label_means`), each
letter's codes on the glyphs still differed a little in mean and in spread: a fresh linear probe
read the letter from held-out fonts' codes 17.7 % of the time (chance 3.8 %), by putting each
letter where its codes spread furthest (docs/benchmarks.md). A linear read-out can only use
what differs between the labels' first two moments: with equal means no linear predictor beats
a constant (Belrose et al. 2023, "LEACE: Perfect linear concept erasure in closed form"), and
with equal covariances too, no line's tail belongs to one label either.

So when a run ends, the posterior means h of each label y, summed up as N(m_y, S_y), are mapped
onto the pooled N(c, P) (c: the mean of the m_y; P: the codes' covariance about their own
label's mean) by the optimal-transport map between two Gaussians (Givens & Shortt 1984), the
affine map that moves the codes least:

    s = c + T_y (h - m_y),   T_y = S_y^-1/2 (S_y^1/2 P S_y^1/2)^1/2 S_y^-1/2,

and a style s is decoded under label t from h = m_t + T_t^-1 (s - c): a redraw lands where
label t's own codes lie. The style s is what the app, the map, the sampling prior and style
transfer see; training works on h and never on s. Label weights that are not one-hot (an
unlabelled image's predicted label, a blend, a label contrast) mix the maps linearly. Each S_y
is shrunk towards P by D / n_y (n_y codes of the label); a label without codes keeps the
identity.
Before the first fit (and in weight files from before it existed) the maps are the identity.

Opt-in (`LabelConfig.style_maps`). On the glyphs it took that probe from 17.7 to 4.6 % and lifted
transfer to held-out fonts from 96.8 to 98.9 %, but on the small shape-vs-colour set of the
tests (label = shape, code = colour) the redraws kept their colour worse on three of five
training seeds and better on two: where the code's colour is laid out differently for each
label, matching the labels' spreads moves it (docs/benchmarks.md).
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from models.distributions import DiagonalGaussian

RIDGE = 1e-6  # added to covariances, times their mean variance: keeps the square roots finite


class StyleSpace(nn.Module):
    """Per-label affine maps between a model's raw codes h (N, D) and styles s (N, D)."""

    def __init__(self, labels: int, latent_dim: int) -> None:
        super().__init__()
        identity = torch.eye(latent_dim).repeat(labels, 1, 1)  # (L, D, D)
        self.register_buffer("fitted", torch.zeros(1))  # float: the weights' EMA averages it
        self.register_buffer("label_means", torch.zeros(labels, latent_dim))  # m_y (L, D)
        self.register_buffer("centre", torch.zeros(latent_dim))  # c (D,)
        self.register_buffer("to_style", identity.clone())  # T_y (L, D, D)
        self.register_buffer("from_style", identity)  # T_y^-1 (L, D, D)

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs) -> None:
        for name, buffer in self.named_buffers(recurse=False):  # older files: the identity
            state_dict.setdefault(prefix + name, buffer.clone())
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

    @property
    def is_identity(self) -> bool:
        return not bool(self.fitted > 0)

    def styles(self, posterior: DiagonalGaussian, weights: torch.Tensor) -> DiagonalGaussian:
        """The posterior q(h|x, y) as one over styles: its mean mapped, its variances carried
        through the map (the diagonal of A diag(var) A')."""
        if self.is_identity:
            return posterior
        mean, logvar, w = posterior.mean.float(), posterior.logvar.float(), weights.float()
        maps = torch.einsum("nl,lij->nij", w, self.to_style)  # (N, D, D)
        shifts = torch.einsum("lij,lj->li", self.to_style, self.label_means)  # T_y m_y (L, D)
        style = self.centre + torch.einsum("nij,nj->ni", maps, mean) - w @ shifts
        variance = torch.einsum("nij,nj->ni", maps.square(), logvar.exp())
        return DiagonalGaussian(style.to(posterior.mean.dtype),
                                variance.clamp_min(1e-30).log().to(posterior.logvar.dtype))

    def codes(self, style: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
        """Styles (N, D) under label weights (N, L) -> the raw codes the decoder takes."""
        if self.is_identity:
            return style
        w = weights.float()
        maps = torch.einsum("nl,lij->nij", w, self.from_style)  # (N, D, D)
        code = torch.einsum("nij,nj->ni", maps, style.float() - self.centre) + w @ self.label_means
        return code.to(style.dtype)

    @torch.no_grad()
    def fit(self, codes: np.ndarray, labels: np.ndarray) -> None:
        """Fit the maps to posterior means `codes` (M, D) with label indices (M,) (-1: none)."""
        known = np.asarray(labels) >= 0
        codes, labels = np.asarray(codes, np.float64)[known], np.asarray(labels)[known]
        count, dim = self.label_means.shape
        seen = np.bincount(labels, minlength=count)
        if np.count_nonzero(seen > 1) < 2:  # nothing to tell labels apart by
            self.reset()
            return
        sums = np.zeros((count, dim))
        np.add.at(sums, labels, codes)
        means = sums / np.maximum(seen, 1)[:, None]  # (L, D)
        within = codes - means[labels]
        pooled = _ridged(within.T @ within / len(codes))
        centre = means[seen > 0].mean(axis=0)
        means[seen == 0] = centre  # a label without codes: its styles are its codes
        to_style = np.repeat(np.eye(dim)[None], count, axis=0)
        for label in np.flatnonzero(seen > 1):
            rows = within[labels == label]
            shrink = min(1.0, dim / len(rows))  # few codes: mostly the pooled covariance
            own = (1 - shrink) * rows.T @ rows / len(rows) + shrink * pooled
            to_style[label] = gaussian_transport(_ridged(own), pooled)
        self._set(means, centre, to_style)

    def reset(self) -> None:
        """Back to the identity: styles are the raw codes."""
        count, dim = self.label_means.shape
        self._set(np.zeros((count, dim)), np.zeros(dim), np.repeat(np.eye(dim)[None], count, 0),
                  fitted=False)

    def _set(self, means: np.ndarray, centre: np.ndarray, to_style: np.ndarray,
             fitted: bool = True) -> None:
        for buffer, value in ((self.label_means, means), (self.centre, centre),
                              (self.to_style, to_style),
                              (self.from_style, np.linalg.inv(to_style))):
            buffer.copy_(torch.as_tensor(value, dtype=buffer.dtype, device=buffer.device))
        self.fitted.fill_(float(fitted))


def gaussian_transport(source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """The optimal-transport map (D, D) from N(0, source) to N(0, target): symmetric positive
    definite T with T source T = target."""
    from scipy.linalg import sqrtm  # here: only a run's end needs scipy's linear algebra

    root = np.real(sqrtm(source))
    inverse_root = np.linalg.inv(root)
    transport = inverse_root @ np.real(sqrtm(root @ target @ root)) @ inverse_root
    return (transport + transport.T) / 2


def _ridged(covariance: np.ndarray) -> np.ndarray:
    dim = len(covariance)
    scale = max(float(np.trace(covariance)) / dim, 1e-12)
    return (covariance + covariance.T) / 2 + RIDGE * scale * np.eye(dim)
