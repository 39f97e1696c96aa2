"""Negative ELBO with a calibrated Gaussian decoder, plus reconstruction and latent diagnostics.

The decoder is p(x|z) = N(x; decode(z), sigma^2 I) with ONE sigma shared by all pixels, set
analytically to its maximum-likelihood value sqrt(MSE) of the batch: the "optimal sigma-VAE" of
Rybkin, Daniilidis & Levine 2021, "Simple and Effective VAE Training with Calibrated Decoders",
section 3.3. A calibrated sigma balances reconstruction against KL by itself, so no hand-tuned
beta is needed to get sharp images; as reconstructions improve sigma shrinks and the
reconstruction term's weight grows.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
import torch.nn.functional as F

from models.distributions import DiagonalGaussian
from models.records import LatentHealth, frozen_array

HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)
PSNR_MIN_MSE = 1e-10  # a perfect reconstruction reads 100 dB instead of an infinite value


@dataclass(frozen=True)
class LossTerms:
    """The terms of one batch's negative ELBO. All scalars are means per image, in nats."""

    loss: torch.Tensor  # scalar to backpropagate: recon + beta * kl_weight * kl (free bits applied)
    recon_nats: torch.Tensor  # -log p(x|z), true nats (no weights)
    kl_nats: torch.Tensor  # KL(q(z|x) || N(0, I)), true nats (no free bits, no weights)
    kl_per_dim: torch.Tensor  # (D,) batch mean of the KL of each latent dimension
    log_sigma: torch.Tensor  # the decoder's shared log-sigma (detached)
    bits_per_dim: torch.Tensor  # (recon_nats + kl_nats) / (C * S * S * ln 2)


def censored_reconstruction(x: torch.Tensor, recon: torch.Tensor) -> torch.Tensor:
    """What of `recon` a loss should see when pixels at 0 or 1 are censored: a saturated pixel
    of x (pure white paper, pure black ink, a clipped highlight) only says "this bright or
    brighter" (or "this dark or darker"), so a reconstruction beyond it shows the same picture
    once clamped for display and is no error; there x itself stands in (no gradient). Like the
    edge cases of PixelCNN++'s discretised likelihood (Salimans et al. 2017, sec. 2.1), with the
    Gaussian's tail replaced by "no cost". Elsewhere `recon` is kept as it is."""
    beyond = ((x >= 1.0) & (recon > x)) | ((x <= 0.0) & (recon < x))
    return torch.where(beyond, x, recon)


def calibrated_log_sigma(x: torch.Tensor, recon: torch.Tensor,
                         min_log_sigma: float) -> torch.Tensor:
    """The optimal shared log-sigma, log sqrt(MSE), with a soft floor at `min_log_sigma`.

    sigma* = sqrt(mean((x - recon)^2)) maximises the Gaussian likelihood for fixed recon
    (Rybkin et al. 2021, eq. 5). It is detached: it is a closed-form optimum, not a parameter.
    The softplus floor, min + softplus(log sigma* - min), equals log sigma* far above the floor
    and approaches the floor smoothly, so a near-perfect batch cannot blow up 1 / sigma^2.
    """
    mse = (x - recon).detach().float().pow(2).mean()  # scalar over batch, channels and pixels
    half_log_mse = 0.5 * torch.log(mse.clamp_min(torch.finfo(torch.float32).tiny))
    return min_log_sigma + F.softplus(half_log_mse - min_log_sigma)


def elbo_loss(x: torch.Tensor, recon: torch.Tensor, posterior: DiagonalGaussian, *,
              beta: float = 1.0, kl_weight: float = 1.0, free_bits: float = 0.0,
              min_log_sigma: float = -4.6) -> LossTerms:
    """Negative ELBO of a batch. x and recon are (N, C, S, S) in [0, 1] pixel units.

    `kl_weight` is the caller's linear KL warm-up factor in [0, 1]; `free_bits` is the number of
    nats per latent dimension below which KL is not penalised. Like Kingma et al. 2016 ("Improved
    Variational Inference with Inverse Autoregressive Flow", eq. 15) the floor applies to each
    dimension's KL averaged over the batch.
    """
    if x.shape != recon.shape:
        raise ValueError(f"images {tuple(x.shape)} and reconstructions {tuple(recon.shape)} differ")
    x, recon = x.float(), recon.float()  # the loss is always fp32, also under bf16 autocast
    log_sigma = calibrated_log_sigma(x, recon, min_log_sigma)
    # Gaussian NLL per pixel: (x - mu)^2 / (2 sigma^2) + log sigma + 1/2 log(2 pi), SUMMED over
    # the pixels of each image (a mean would silently down-weight the likelihood against the KL).
    squared_error = (x - recon).pow(2).flatten(1).sum(1)  # (N,)
    pixels = x[0].numel()  # C * S * S
    recon_per_image = (0.5 * squared_error * torch.exp(-2.0 * log_sigma)
                       + pixels * (log_sigma + HALF_LOG_2PI))  # (N,)
    kl = posterior.kl().float()  # (N, D)
    kl_per_dim = kl.mean(0)  # (D,)
    kl_penalised = kl_per_dim.clamp_min(free_bits).sum() if free_bits > 0 else kl_per_dim.sum()
    recon_nats = recon_per_image.mean()
    kl_nats = kl_per_dim.sum()
    return LossTerms(
        loss=recon_nats + beta * kl_weight * kl_penalised,
        recon_nats=recon_nats,
        kl_nats=kl_nats,
        kl_per_dim=kl_per_dim,
        log_sigma=log_sigma,
        # A continuous density on [0, 1] pixels, so this can be negative; for 8-bit data the
        # usual discrete figure is roughly this plus 8 bits.
        bits_per_dim=(recon_nats + kl_nats) / (pixels * math.log(2.0)),
    )


def psnr_db(x: torch.Tensor, recon: torch.Tensor) -> float:
    """Peak signal-to-noise ratio of the batch, in dB, of reconstructions clamped to [0, 1]."""
    mse = (x.float() - recon.float().clamp(0.0, 1.0)).pow(2).mean().item()
    return 10.0 * math.log10(1.0 / max(mse, PSNR_MIN_MSE))


def latent_health(means: np.ndarray, kl_per_dim: np.ndarray,
                  threshold: float = 0.01) -> LatentHealth:
    """Active units of Burda, Grosse & Salakhutdinov 2016 ("Importance Weighted Autoencoders",
    section 5.2): dimension d is active when Cov_x(E_q(z|x)[z_d]) > threshold.

    means: (N, D) posterior means over a data set; kl_per_dim: (D,) nats.
    """
    means = np.asarray(means, dtype=np.float64)
    kl_per_dim = np.asarray(kl_per_dim, dtype=np.float64)
    if means.ndim != 2 or kl_per_dim.shape != (means.shape[1],):
        raise ValueError(f"means must be (N, D) and kl_per_dim (D,), "
                         f"got {means.shape} and {kl_per_dim.shape}")
    mean_variance = means.var(axis=0)  # (D,) variance over the data of each posterior mean
    return LatentHealth(
        kl_per_dim=frozen_array(kl_per_dim, np.float32),
        mean_variance=frozen_array(mean_variance, np.float32),
        active_units=int((mean_variance > threshold).sum()),
        latent_dim=means.shape[1],
    )
