"""Fitting the sampling prior when a run ends, from the posteriors of the training images.

A finished run fits the kind its settings name (`TrainConfig.prior`: the learned diffusion
model by default). A stopped run, or a fit cancelled half-way, gets the Gaussian mixture, which
takes seconds: whoever pressed Stop wants training to end, not another minute of fitting.
"""

from __future__ import annotations

from collections.abc import Callable, Generator

import numpy as np
import torch

from models.conditioning import batch_labels
from models.prior import LatentPrior, SamplingPrior
from models.training.data import spread, to_tensor
from models.vae import VAE

EVAL_BATCH = 128
MIXTURE_IMAGES = 5000  # a mixture's EM costs grow with the points; 5,000 pin it down
LEARNED_IMAGES = 20_000  # the learned prior's fit costs the same for any count: use them all


@torch.no_grad()
def encode_posteriors(model: VAE, images: np.ndarray, indices: np.ndarray,
                      device: torch.device, labels: np.ndarray | None = None,
                      raw: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Posterior means and log-variances of images[indices], float32 (M, D) each; a
    conditional model encodes each image with its label (`labels` (N,), -1 = predict), so
    the codes are the label-free styles one prior serves for every label (`raw`: the codes
    before the style maps of `models.style_space`)."""
    model.eval()
    encode = model.encode if raw else model.encode_style
    means, logvars = [], []
    for start in range(0, len(indices), EVAL_BATCH):
        rows = np.sort(indices[start:start + EVAL_BATCH])
        x = to_tensor(images[rows], device)
        posterior = encode(x, batch_labels(model, x, labels, rows))
        means.append(posterior.mean.float().cpu())
        logvars.append(posterior.logvar.float().cpu())
    return torch.cat(means).numpy(), torch.cat(logvars).numpy()


def fit_style_space(model: VAE, average: VAE, images: np.ndarray, indices: np.ndarray,
                    device: torch.device, labels: np.ndarray | None, enabled: bool) -> None:
    """Fit the style maps (`models.style_space`) of a labelled model's weight average, used
    for everything but training, to the posterior means of the labelled images[indices]
    (`enabled` False: back to the identity); the training weights get the same maps, so that
    averaging them in keeps them."""
    if not average.conditional or labels is None:
        return
    if enabled:
        rows = np.sort(spread(indices, LEARNED_IMAGES))
        means, _ = encode_posteriors(average, images, rows, device, labels, raw=True)
        average.style_space.fit(means, np.asarray(labels)[rows])
    else:
        average.style_space.reset()
    model.style_space.load_state_dict(average.style_space.state_dict())


def fit_sampling_prior(kind: str, model: VAE, images: np.ndarray, indices: np.ndarray,
                       device: torch.device, seed: int, should_stop: Callable[[], bool],
                       labels: np.ndarray | None = None
                       ) -> Generator[float, None, SamplingPrior]:
    """Yields the fraction of the fit done now and then; returns the fitted prior.

    `kind` "diffusion" fits `DiffusionPrior` (falling back to the mixture when `should_stop()`
    turns true during the fit); "gmm" fits the mixture at once.
    """
    count = LEARNED_IMAGES if kind == "diffusion" else MIXTURE_IMAGES
    means, logvars = encode_posteriors(model, images, spread(indices, count), device, labels)
    yield 0.0
    if kind == "diffusion":
        from models.prior_diffusion import DiffusionPrior

        learned = yield from DiffusionPrior.fit_steps(means, logvars, seed=seed,
                                                      should_stop=should_stop)
        if learned is not None:
            return learned
    return LatentPrior.fit(means[:MIXTURE_IMAGES], seed=seed)
