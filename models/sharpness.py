"""Weight-free sharpness losses, added beside the calibrated Gaussian term of `models.loss`.

A Gaussian likelihood alone is minimised by the mean of everything an image might be, which is
a blur. These terms push towards the detail of the real image without a pretrained network
(nothing may be downloaded at run time, so no LPIPS or VGG):

- `focal_frequency_loss`: squared spectrum error, each frequency weighted by how wrong it is
  (Jiang et al. 2021, "Focal Frequency Loss for Image Reconstruction and Synthesis", eq. 3-5),
  so the hard frequencies, the fine detail a blurred image misses, dominate;
- `fft_amplitude_loss`: L1 between amplitude spectra; blind to phase, so it asks for as much
  fine detail as the original has even where the model cannot know exactly where it goes;
- `msssim_l1_loss`: 0.84 (1 - MS-SSIM) + 0.16 L1, the mix of Zhao et al. 2017 ("Loss
  Functions for Image Restoration with Neural Networks", eq. 10), MS-SSIM of Wang et al. 2003
  through pytorch-msssim with 3x3 windows so five scales fit 64 px images.

`sharpness_loss` scales them to the Gaussian term: the calibrated sigma (set from the squared
error alone, `models.loss.calibrated_log_sigma`) gives the Gaussian term a per-pixel gradient
of about 1 / sigma, so squared-error-like terms are divided by 2 sigma^2 and L1-like terms by
sigma, and both are summed over pixels like the likelihood. A weight then means the same
share of the push at every stage of training, however sharp the reconstructions already are.
"""

from __future__ import annotations

import torch

MSSSIM_MIX = 0.84  # Zhao et al. 2017: share of 1 - MS-SSIM in the mix, the rest is L1
MSSSIM_WINDOW = 3  # 3x3 windows: five scales fit a 64 px image (the 4 px scale included)
MSSSIM_MIN_SIZE = (MSSSIM_WINDOW - 1) * 2**4 + 1  # pytorch-msssim: side > (win - 1) * 2^4
FOCAL_ALPHA = 1.0  # Jiang et al.: spectrum weight = |error|^alpha, normalised per image


def _spectra(x: torch.Tensor, recon: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Orthonormal 2-D spectra of both batches, complex (N, C, S, S // 2 + 1); with "ortho"
    the squared magnitudes sum to the squared pixels (Parseval)."""
    return (torch.fft.rfft2(x.float(), norm="ortho"),
            torch.fft.rfft2(recon.float(), norm="ortho"))


def focal_frequency_loss(x: torch.Tensor, recon: torch.Tensor) -> torch.Tensor:
    """Per image (N,): sum over frequencies of w * |F(recon) - F(x)|^2, w = |error|^alpha
    scaled to a maximum of 1 per image and channel (detached: a weight, not a target)."""
    real, fake = _spectra(x, recon)
    squared = (fake - real).abs().pow(2)  # (N, C, S, S // 2 + 1)
    weight = squared.sqrt().pow(FOCAL_ALPHA).detach()
    weight = weight / weight.amax(dim=(-2, -1), keepdim=True).clamp_min(1e-12)
    return (weight * squared).flatten(1).sum(1)


def fft_amplitude_loss(x: torch.Tensor, recon: torch.Tensor) -> torch.Tensor:
    """Per image (N,): sum over frequencies of | |F(recon)| - |F(x)| |."""
    real, fake = _spectra(x, recon)
    return (fake.abs() - real.abs()).abs().flatten(1).sum(1)


def msssim_l1_loss(x: torch.Tensor, recon: torch.Tensor) -> torch.Tensor:
    """Per image (N,): 0.84 (1 - MS-SSIM) + 0.16 mean |recon - x|, both in [0, 1] scale.
    Images too small for five scales (32 px) use single-scale SSIM with the same window."""
    from pytorch_msssim import ms_ssim, ssim  # only training with this loss needs it

    measure = ms_ssim if min(x.shape[-2:]) >= MSSSIM_MIN_SIZE else ssim
    similarity = measure(recon.float(), x.float(), data_range=1.0, size_average=False,
                         win_size=MSSSIM_WINDOW)  # (N,)
    l1 = (recon.float() - x.float()).abs().flatten(1).mean(1)  # (N,)
    return MSSSIM_MIX * (1.0 - similarity) + (1.0 - MSSSIM_MIX) * l1


def sharpness_loss(x: torch.Tensor, recon: torch.Tensor, log_sigma: torch.Tensor, *,
                   focal_frequency: float = 0.0, fft_amplitude: float = 0.0,
                   msssim_l1: float = 0.0) -> torch.Tensor:
    """The weighted sharpness terms, mean per image, in the Gaussian term's scale (see the
    module doc). `log_sigma` is the calibrated, detached log-sigma of the batch."""
    total = x.new_zeros((), dtype=torch.float32)
    inverse_sigma = torch.exp(-log_sigma.detach().float())
    if focal_frequency:
        total = total + focal_frequency * 0.5 * inverse_sigma**2 * (
            focal_frequency_loss(x, recon).mean())
    if fft_amplitude:
        total = total + fft_amplitude * inverse_sigma * fft_amplitude_loss(x, recon).mean()
    if msssim_l1:
        pixels = x[0].numel()
        total = total + msssim_l1 * inverse_sigma * pixels * msssim_l1_loss(x, recon).mean()
    return total
