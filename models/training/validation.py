"""Held-out metrics, latent health, preview images and the fitted sampling prior."""

from __future__ import annotations

import math

import numpy as np
import torch

from models.loss import elbo_loss, latent_health, psnr_db
from models.pixels import to_uint8_images
from models.prior import LatentPrior, SamplingPrior
from models.records import LatentHealth, Metrics, PreviewImages, frozen_array
from models.training.data import to_tensor
from models.vae import VAE

EVAL_BATCH = 128
MAX_EVAL_IMAGES = 512  # enough for stable metrics; validation stays a few % of training time


@torch.no_grad()
def encode_means(model: VAE, images: np.ndarray, indices: np.ndarray,
                 device: torch.device) -> np.ndarray:
    """Posterior means of images[indices], float32 (M, D)."""
    chunks = [model.encode(to_tensor(images[np.sort(indices[i:i + EVAL_BATCH])], device)).mean
              for i in range(0, len(indices), EVAL_BATCH)]
    return torch.cat(chunks).float().cpu().numpy()


@torch.no_grad()
def evaluate(model: VAE, images: np.ndarray, indices: np.ndarray,
             device: torch.device) -> tuple[Metrics, LatentHealth]:
    """True negative ELBO (beta = 1, no warm-up, no free bits) and PSNR of mean reconstructions."""
    model.eval()
    indices = np.sort(indices[:MAX_EVAL_IMAGES])
    noise = torch.Generator(device=device).manual_seed(0)  # leaves the training RNG untouched
    totals = np.zeros(4)
    means, kls, psnrs = [], [], []
    for start in range(0, len(indices), EVAL_BATCH):
        x = to_tensor(images[indices[start:start + EVAL_BATCH]], device)
        posterior = model.encode(x)
        terms = elbo_loss(x, model.decode(posterior.sample(noise)), posterior)
        n = len(x)
        totals += n * np.array([terms.recon_nats.item(), terms.kl_nats.item(),
                                terms.bits_per_dim.item(), terms.log_sigma.item()])
        psnrs.append(psnr_db(x, model.decode(posterior.mode())) * n)
        means.append(posterior.mean.float().cpu().numpy())
        kls.append(posterior.kl().float().mean(0).cpu().numpy() * n)
    count = len(indices)
    recon, kl, bpd, log_sigma = totals / count
    metrics = Metrics(total_nats=recon + kl, recon_nats=recon, kl_nats=kl, bits_per_dim=bpd,
                      log_sigma=log_sigma, psnr_db=float(sum(psnrs) / count))
    health = latent_health(np.concatenate(means), np.sum(kls, axis=0) / count)
    return metrics, health


def metrics_are_finite(metrics: Metrics) -> bool:
    return all(math.isfinite(v) for v in (metrics.total_nats, metrics.bits_per_dim))


@torch.no_grad()
def make_previews(model: VAE, images: np.ndarray, preview_idx: np.ndarray, prior: SamplingPrior,
                  device: torch.device, step: int, seed: int) -> PreviewImages:
    """Fixed validation images, their reconstructions (posterior means) and fixed-seed samples."""
    model.eval()
    x = to_tensor(images[np.sort(preview_idx)], device)
    reconstructions = model.decode(model.encode(x).mode())
    z = torch.from_numpy(prior.sample(len(preview_idx), temperature=1.0, seed=seed)).to(device)
    samples = model.decode(z)
    return PreviewImages(originals=frozen_array(images[np.sort(preview_idx)]),
                         reconstructions=frozen_array(to_uint8_images(reconstructions.float().cpu())),
                         samples=frozen_array(to_uint8_images(samples.float().cpu())), step=step)


def fit_prior(model: VAE, images: np.ndarray, indices: np.ndarray, device: torch.device,
              seed: int, max_components: int = 10) -> LatentPrior:
    """Ex-post density of the encoded training means (Ghosh et al. 2020), sampled by default."""
    model.eval()
    means = encode_means(model, images, indices, device)
    return LatentPrior.fit(means, seed=seed, max_components=max_components)
