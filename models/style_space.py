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
is shrunk towards P by D / n_y (n_y codes of the label); a label with fewer codes than the
code has dimensions has no spread of its own to map and keeps the identity (its styles are
its codes): mapped, a category of two icons drew noise, the shared spread laid around them.
Before the first fit (and in weight files from before it existed) the maps are the identity.

On by default (`TrainConfig.style_maps`). On the glyphs it took that probe from 17.7 to 4.6 %
and lifted transfer to held-out fonts from 96.8 to 98.9 %; on the small shape-vs-colour set of
the tests (label = shape, code = colour) redraws kept their colour as often as without it over
ten training seeds, better on some and worse on others (docs/benchmarks.md).
"""

from __future__ import annotations

import numpy as np
import torch
from torch import nn

from models.distributions import DiagonalGaussian

RIDGE = 1e-6  # added to covariances, times their mean variance: keeps the square roots finite


class StyleSpace(nn.Module):
    """Per-label affine maps between a model's raw codes h (N, D) and styles s (N, D).

    Unfitted, its per-label buffers hold no rows (a model of many labels and a large code does
    not carry L D x D identities in every checkpoint); a fit gives them L rows, and loading
    weights takes the shapes the weights have."""

    PER_LABEL = ("label_means", "to_style", "from_style")

    def __init__(self, labels: int, latent_dim: int) -> None:
        super().__init__()
        self.labels = labels
        self.register_buffer("label_means", torch.zeros(0, latent_dim))  # m_y (L, D) once fitted
        self.register_buffer("centre", torch.zeros(latent_dim))  # c (D,)
        self.register_buffer("to_style", torch.zeros(0, latent_dim, latent_dim))  # T_y (L, D, D)
        self.register_buffer("from_style", torch.zeros(0, latent_dim, latent_dim))  # T_y^-1

    def _load_from_state_dict(self, state_dict, prefix, *args, **kwargs) -> None:
        for name, own in list(self._buffers.items()):
            key = prefix + name
            if key not in state_dict:  # weights from before the maps: the identity
                unfitted = (0, *own.shape[1:]) if name in self.PER_LABEL else own.shape
                state_dict[key] = own.new_zeros(unfitted)
            if state_dict[key].shape != own.shape:  # fitted maps into an unfitted model, or back
                self._buffers[name] = own.new_zeros(state_dict[key].shape)
        super()._load_from_state_dict(state_dict, prefix, *args, **kwargs)

    @property
    def is_identity(self) -> bool:
        return len(self.to_style) == 0

    def styles(self, posterior: DiagonalGaussian, weights: torch.Tensor) -> DiagonalGaussian:
        """The posterior q(h|x, y) as one over styles: its mean mapped, its variances carried
        through the map (the diagonal of A diag(var) A')."""
        if self.is_identity:
            return posterior
        mean, logvar = posterior.mean.float(), posterior.logvar.float()
        w, to_style, means = self._in_use(weights, self.to_style)
        maps = torch.einsum("nl,lij->nij", w, to_style)  # (N, D, D)
        shifts = torch.einsum("lij,lj->li", to_style, means)  # T_y m_y (L', D)
        style = self.centre + torch.einsum("nij,nj->ni", maps, mean) - w @ shifts
        variance = torch.einsum("nij,nj->ni", maps.square(), logvar.exp())
        return DiagonalGaussian(style.to(posterior.mean.dtype),
                                variance.clamp_min(1e-30).log().to(posterior.logvar.dtype))

    def codes(self, style: torch.Tensor, weights: torch.Tensor) -> torch.Tensor:
        """Styles (N, D) under label weights (N, L) -> the raw codes the decoder takes."""
        if self.is_identity:
            return style
        w, from_style, means = self._in_use(weights, self.from_style)
        maps = torch.einsum("nl,lij->nij", w, from_style)  # (N, D, D)
        code = torch.einsum("nij,nj->ni", maps, style.float() - self.centre) + w @ means
        return code.to(style.dtype)

    def _in_use(self, weights: torch.Tensor, maps: torch.Tensor) -> tuple[torch.Tensor, ...]:
        """The weights (N, L'), maps (L', D, D) and means (L', D) of the L' labels the batch
        uses: a batch mixes one or two labels, a model may know a thousand."""
        used = torch.nonzero(weights.abs().sum(dim=0)).squeeze(1)
        return weights.float()[:, used], maps[used], self.label_means[used]

    @torch.no_grad()
    def fit(self, codes: np.ndarray, labels: np.ndarray) -> None:
        """Fit the maps to posterior means `codes` (M, D) with label indices (M,) (-1: none)."""
        known = np.asarray(labels) >= 0
        codes, labels = np.asarray(codes, np.float64)[known], np.asarray(labels)[known]
        count, dim = self.labels, self.centre.shape[0]
        seen = np.bincount(labels, minlength=count)
        mapped = seen >= max(dim, 2)  # fewer codes than dimensions: no spread of its own
        if np.count_nonzero(mapped) < 2:  # nothing to tell labels apart by
            self.reset()
            return
        sums = np.zeros((count, dim))
        np.add.at(sums, labels, codes)
        means = sums / np.maximum(seen, 1)[:, None]  # (L, D)
        within = codes - means[labels]
        pooled = _ridged(within.T @ within / len(codes))
        centre = means[mapped].mean(axis=0)
        means[~mapped] = centre  # a label with too few codes: its styles are its codes
        to_style = np.repeat(np.eye(dim)[None], count, axis=0)
        for label in np.flatnonzero(mapped):
            rows = within[labels == label]
            shrink = min(1.0, dim / len(rows))  # few codes: mostly the pooled covariance
            own = (1 - shrink) * rows.T @ rows / len(rows) + shrink * pooled
            to_style[label] = gaussian_transport(_ridged(own), pooled)
        self._set(means, centre, to_style)

    def reset(self) -> None:
        """Back to the identity: styles are the raw codes."""
        for name in self.PER_LABEL:
            own = self._buffers[name]
            self._buffers[name] = own.new_zeros((0, *own.shape[1:]))
        self.centre.zero_()

    def _set(self, means: np.ndarray, centre: np.ndarray, to_style: np.ndarray) -> None:
        values = {"label_means": means, "to_style": to_style,
                  "from_style": np.linalg.inv(to_style)}
        for name, value in values.items():
            like = self._buffers[name]
            self._buffers[name] = torch.as_tensor(value, dtype=like.dtype, device=like.device)
        self.centre.copy_(torch.as_tensor(centre, dtype=self.centre.dtype))


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
