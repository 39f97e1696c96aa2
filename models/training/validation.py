"""Held-out metrics, latent health, preview images and the fitted sampling prior."""

from __future__ import annotations

import math

import numpy as np
import torch

from models.conditioning import batch_labels, one_hot_weights
from models.loss import censored_reconstruction, elbo_loss, latent_health, psnr_db
from models.pixels import to_uint8_images
from models.prior import LatentPrior, SamplingPrior
from models.records import LatentHealth, Metrics, PreviewImages, frozen_array
from models.training.data import spread, to_tensor
from models.training.prior_fit import encode_posteriors
from models.vae import VAE

EVAL_BATCH = 128
MAX_EVAL_IMAGES = 512  # enough for stable metrics; validation stays a few % of training time


def encode_means(model: VAE, images: np.ndarray, indices: np.ndarray,
                 device: torch.device, labels: np.ndarray | None = None) -> np.ndarray:
    """Posterior means (styles) of images[indices], float32 (M, D) (conditioned on `labels`
    (N,)), as `encode_posteriors` gives them."""
    return encode_posteriors(model, images, indices, device, labels)[0]


@torch.no_grad()
def evaluate(model: VAE, images: np.ndarray, indices: np.ndarray, device: torch.device,
             labels: np.ndarray | None = None, *,
             censored: bool = False) -> tuple[Metrics, LatentHealth]:
    """True negative ELBO (beta = 1, no warm-up, no free bits; with saturated pixels censored
    like training, `censored`) and PSNR of mean reconstructions; for a conditional model also
    q(y|x)'s accuracy and the adversary's (leakage)."""
    model.eval()
    indices = np.sort(spread(indices, MAX_EVAL_IMAGES))
    noise = torch.Generator(device=device).manual_seed(0)  # leaves the training RNG untouched
    totals = np.zeros(4)
    means, kls, psnrs = [], [], []
    for start in range(0, len(indices), EVAL_BATCH):
        rows = indices[start:start + EVAL_BATCH]
        x = to_tensor(images[rows], device)
        weights = batch_labels(model, x, labels, rows)
        posterior = model.encode(x, weights)
        drawn = model.decode(posterior.sample(noise), weights)
        terms = elbo_loss(x, censored_reconstruction(x, drawn) if censored else drawn, posterior)
        n = len(x)
        totals += n * np.array([terms.recon_nats.item(), terms.kl_nats.item(),
                                terms.bits_per_dim.item(), terms.log_sigma.item()])
        psnrs.append(psnr_db(x, model.decode(posterior.mode(), weights)) * n)
        means.append(posterior.mean.float().cpu().numpy())
        kls.append(posterior.kl().float().mean(0).cpu().numpy() * n)
    count = len(indices)
    recon, kl, bpd, log_sigma = totals / count
    metrics = Metrics(total_nats=recon + kl, recon_nats=recon, kl_nats=kl, bits_per_dim=bpd,
                      log_sigma=log_sigma, psnr_db=float(sum(psnrs) / count),
                      **label_scores(model, images, indices, device, labels,
                                     np.concatenate(means)))
    health = latent_health(np.concatenate(means), np.sum(kls, axis=0) / count)
    return metrics, health


@torch.no_grad()
def label_scores(model: VAE, images: np.ndarray, indices: np.ndarray, device: torch.device,
                 labels: np.ndarray | None, means: np.ndarray) -> dict[str, float]:
    """{"label_accuracy", "label_leakage"} on the labelled images among `indices` (sorted),
    whose posterior means are `means`; {} for an unconditional model or no labelled image."""
    if not model.conditional or labels is None:
        return {}
    y = np.asarray(labels)[indices]
    known = y >= 0
    if not known.any():
        return {}
    logits = torch.cat([model.classify(to_tensor(images[indices[i:i + EVAL_BATCH]], device))
                        for i in range(0, len(indices), EVAL_BATCH)]).float().cpu().numpy()
    z = torch.from_numpy(means[known]).to(device)
    guesses = model.label_adversary(z).float().cpu().numpy()
    return {"label_accuracy": float((logits[known].argmax(1) == y[known]).mean()),
            "label_leakage": float((guesses.argmax(1) == y[known]).mean())}


def metrics_are_finite(metrics: Metrics) -> bool:
    return all(math.isfinite(v) for v in (metrics.total_nats, metrics.bits_per_dim))


@torch.no_grad()
def make_previews(model: VAE, images: np.ndarray, preview_idx: np.ndarray, prior: SamplingPrior,
                  device: torch.device, step: int, seed: int,
                  labels: np.ndarray | None = None) -> PreviewImages:
    """Fixed validation images, their reconstructions (posterior means) and fixed-seed samples
    (of a conditional model: sample i drawn with label i mod L, so every label shows up)."""
    model.eval()
    rows = np.sort(preview_idx)
    x = to_tensor(images[rows], device)
    weights = batch_labels(model, x, labels, rows)
    reconstructions = model.decode(model.encode(x, weights).mode(), weights)
    z = torch.from_numpy(prior.sample(len(preview_idx), temperature=1.0, seed=seed)).to(device)
    sample_labels = None
    if model.conditional:
        cycle = torch.arange(len(preview_idx), device=device) % model.config.labels
        sample_labels = one_hot_weights(cycle, model.config.labels)
    samples = model.decode_style(z, sample_labels)
    return PreviewImages(originals=frozen_array(images[np.sort(preview_idx)]),
                         reconstructions=frozen_array(to_uint8_images(reconstructions.float().cpu())),
                         samples=frozen_array(to_uint8_images(samples.float().cpu())), step=step)


def fit_prior(model: VAE, images: np.ndarray, indices: np.ndarray, device: torch.device,
              seed: int, max_components: int = 10,
              labels: np.ndarray | None = None) -> LatentPrior:
    """Ex-post density of the encoded training means (Ghosh et al. 2020), sampled by default.

    For a conditional model the codes are encoded with their labels, so the density is one
    over the label-free style z, shared by every label."""
    model.eval()
    means = encode_means(model, images, indices, device, labels)
    return LatentPrior.fit(means, seed=seed, max_components=max_components)
