"""Fitting the sampling prior when a run ends, from the posteriors of the training images.

A finished run fits the kind its settings name (`TrainConfig.prior`: the learned diffusion
model by default). A stopped run, or a fit cancelled half-way, gets the Gaussian mixture, which
takes seconds: whoever pressed Stop wants training to end, not another minute of fitting.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import NamedTuple

import numpy as np
import torch

from models.conditioning import batch_labels
from models.distributions import DiagonalGaussian
from models.prior import LatentPrior, SamplingPrior
from models.training.data import spread, to_tensor
from models.vae import VAE

EVAL_BATCH = 128
MIXTURE_IMAGES = 5000  # a mixture's EM costs grow with the points; 5,000 pin it down
LEARNED_IMAGES = 20_000  # the learned prior's fit costs the same for any count: use them all


class RawPosteriors(NamedTuple):
    """Posteriors of images[rows] before the style maps, with the label weights they were
    encoded under: what the maps are fitted to, and what the prior's codes are mapped from."""

    rows: np.ndarray  # (M,) image indices
    means: np.ndarray  # (M, D) float32
    logvars: np.ndarray  # (M, D) float32
    weights: np.ndarray | None  # (M, L) float32; None for an unconditional model


def encode_posteriors(model: VAE, images: np.ndarray, indices: np.ndarray,
                      device: torch.device, labels: np.ndarray | None = None,
                      raw: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Posterior means and log-variances of images[indices], float32 (M, D) each, in the
    order of `encode_order(indices)`; a conditional model encodes each image with its label
    (`labels` (N,), -1 = predict), so the codes are the label-free styles one prior serves for
    every label (`raw`: the codes before the style maps of `models.style_space`)."""
    encoded = _encode(model, images, indices, device, labels, raw)
    return encoded.means, encoded.logvars


def encode_order(indices: np.ndarray) -> np.ndarray:
    """The order `encode_posteriors` returns images[indices] in: sorted within each batch."""
    return np.concatenate([np.sort(indices[start:start + EVAL_BATCH])
                           for start in range(0, len(indices), EVAL_BATCH)] or [indices])


@torch.no_grad()
def _encode(model: VAE, images: np.ndarray, indices: np.ndarray, device: torch.device,
            labels: np.ndarray | None, raw: bool) -> RawPosteriors:
    model.eval()
    encode = model.encode if raw else model.encode_style
    order = encode_order(np.asarray(indices))
    means, logvars, weights = [], [], []
    for start in range(0, len(order), EVAL_BATCH):
        rows = order[start:start + EVAL_BATCH]
        x = to_tensor(images[rows], device)
        batch_weights = batch_labels(model, x, labels, rows)
        posterior = encode(x, batch_weights)
        means.append(posterior.mean.float().cpu())
        logvars.append(posterior.logvar.float().cpu())
        if batch_weights is not None:
            weights.append(batch_weights.float().cpu())
    return RawPosteriors(order, torch.cat(means).numpy(),
                         torch.cat(logvars).numpy(),
                         torch.cat(weights).numpy() if weights else None)


def fit_style_space(model: VAE, average: VAE, images: np.ndarray, indices: np.ndarray,
                    device: torch.device, labels: np.ndarray | None,
                    enabled: bool) -> RawPosteriors | None:
    """Fit the style maps (`models.style_space`) of a labelled model's weight average, used
    for everything but training, to the posterior means of the labelled images[indices]
    (`enabled` False: back to the identity); the training weights get the same maps, so that
    averaging them in keeps them. Returns the raw posteriors it fitted to (None if it fitted
    nothing), from which `fit_sampling_prior` takes its codes without encoding again."""
    if not average.conditional or labels is None:
        return None
    raw = None
    if enabled:
        rows = np.sort(spread(indices, LEARNED_IMAGES))
        raw = _encode(average, images, rows, device, labels, raw=True)
        average.style_space.fit(raw.means, np.asarray(labels)[rows])
    else:
        average.style_space.reset()
    model.style_space.load_state_dict(average.style_space.state_dict())
    return raw


@torch.no_grad()
def mapped_posteriors(model: VAE, raw: RawPosteriors, indices: np.ndarray,
                      device: torch.device) -> tuple[np.ndarray, np.ndarray] | None:
    """`encode_posteriors(model, images, indices, ...)` computed from the raw posteriors
    instead of the images: their rows mapped to styles by the model's style maps, in the same
    order. None when `raw` lacks some of those rows."""
    order = encode_order(np.asarray(indices))
    if raw.weights is None or not len(raw.rows):
        return None
    by_row = np.argsort(raw.rows)
    found = np.minimum(np.searchsorted(raw.rows[by_row], order), len(raw.rows) - 1)
    at = by_row[found]  # where each wanted row sits in `raw`
    if not np.array_equal(raw.rows[at], order):
        return None
    means, logvars = [], []
    for start in range(0, len(at), EVAL_BATCH):  # the maps are (rows, D, D) per batch
        chunk = at[start:start + EVAL_BATCH]
        posterior = DiagonalGaussian(torch.from_numpy(raw.means[chunk]).to(device),
                                     torch.from_numpy(raw.logvars[chunk]).to(device))
        styles = model.style_space.styles(posterior, torch.from_numpy(raw.weights[chunk])
                                          .to(device))
        means.append(styles.mean.float().cpu())
        logvars.append(styles.logvar.float().cpu())
    return torch.cat(means).numpy(), torch.cat(logvars).numpy()


def fit_sampling_prior(kind: str, model: VAE, images: np.ndarray, indices: np.ndarray,
                       device: torch.device, seed: int, should_stop: Callable[[], bool],
                       labels: np.ndarray | None = None, raw: RawPosteriors | None = None
                       ) -> Generator[float, None, SamplingPrior]:
    """Yields the fraction of the fit done now and then; returns the fitted prior.

    `kind` "diffusion" fits `DiffusionPrior` (falling back to the mixture when `should_stop()`
    turns true during the fit); "gmm" fits the mixture at once. `raw`: the posteriors the style
    maps were just fitted to, mapped instead of encoding the same images again.
    """
    count = LEARNED_IMAGES if kind == "diffusion" else MIXTURE_IMAGES
    chosen = spread(indices, count)
    mapped = None if raw is None else mapped_posteriors(model, raw, chosen, device)
    means, logvars = mapped or encode_posteriors(model, images, chosen, device, labels)
    yield 0.0
    if kind == "diffusion":
        from models.prior_diffusion import DiffusionPrior

        learned = yield from DiffusionPrior.fit_steps(means, logvars, seed=seed,
                                                      should_stop=should_stop)
        if learned is not None:
            return learned
    return LatentPrior.fit(means[:MIXTURE_IMAGES], seed=seed)
