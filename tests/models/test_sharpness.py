"""The weight-free sharpness losses: values on images whose answers are known by hand."""

from __future__ import annotations

import math

import pytest
import torch

from models.sharpness import (
    MSSSIM_MIX,
    fft_amplitude_loss,
    focal_frequency_loss,
    msssim_l1_loss,
    sharpness_loss,
)


def textured(size: int = 64, seed: int = 0) -> torch.Tensor:
    """Two RGB images (2, 3, S, S) in [0, 1] with detail at every scale."""
    generator = torch.Generator().manual_seed(seed)
    return torch.rand(2, 3, size, size, generator=generator)


def test_identical_images_cost_nothing() -> None:
    x = textured()
    assert focal_frequency_loss(x, x).abs().max() < 1e-9
    assert fft_amplitude_loss(x, x).abs().max() < 1e-9
    assert msssim_l1_loss(x, x).abs().max() < 1e-6


def test_a_constant_offset_lives_in_the_zero_frequency_alone() -> None:
    """recon = x + c: the only spectral error is the mean. With orthonormal FFTs the zero
    frequency of a constant c over S x S pixels is c * S, in each of the 3 channels, and the
    focal weight there is 1 (the largest error of the image)."""
    x, c, size = textured(), 0.1, 64
    expected_squared = 3 * (c * size) ** 2
    assert focal_frequency_loss(x, x + c) == pytest.approx([expected_squared] * 2, rel=1e-4)
    assert fft_amplitude_loss(x, x + c).tolist() == pytest.approx([3 * c * size] * 2, rel=1e-3)


def test_amplitude_loss_is_blind_to_where_detail_is_but_focal_loss_is_not() -> None:
    x = textured()
    shifted = torch.roll(x, shifts=(5, 3), dims=(2, 3))  # same detail, elsewhere
    assert fft_amplitude_loss(x, shifted).max() < 1e-3
    assert focal_frequency_loss(x, shifted).min() > 100.0


def test_blur_costs_more_than_nothing_and_amplitude_sees_the_lost_detail() -> None:
    x = textured()
    blurred = torch.nn.functional.avg_pool2d(x, 3, stride=1, padding=1,
                                             count_include_pad=False)
    assert fft_amplitude_loss(x, blurred).min() > 10 * fft_amplitude_loss(x, x + 1e-3).max()
    assert msssim_l1_loss(x, blurred).min() > 0.05


def test_msssim_l1_mix_of_a_constant_offset() -> None:
    """x + c: the L1 part is exactly c; MS-SSIM stays near 1 (structure is untouched)."""
    x, c = textured(), 0.02
    loss = msssim_l1_loss(x, x + c)
    l1_part = (1 - MSSSIM_MIX) * c
    assert torch.all(loss >= l1_part - 1e-6)
    assert torch.all(loss < l1_part + MSSSIM_MIX * 0.01)


def test_small_images_fall_back_to_single_scale_ssim() -> None:
    x = textured(size=32)
    assert torch.isfinite(msssim_l1_loss(x, x * 0.9)).all()


def test_sharpness_loss_is_scaled_to_the_gaussian_term() -> None:
    """Squared terms grow as 1 / sigma^2, L1-like terms as 1 / sigma (see the module doc)."""
    x = textured()
    recon = x * 0.8
    log_sigma = torch.tensor(math.log(0.1))
    half = torch.tensor(math.log(0.05))
    for weights, ratio in (({"focal_frequency": 1.0}, 4.0), ({"fft_amplitude": 1.0}, 2.0),
                           ({"msssim_l1": 1.0}, 2.0)):
        at_sigma = sharpness_loss(x, recon, log_sigma, **weights)
        at_half = sharpness_loss(x, recon, half, **weights)
        assert at_half.item() == pytest.approx(ratio * at_sigma.item(), rel=1e-5)
    expected = 0.5 / 0.01 * focal_frequency_loss(x, recon).mean()
    assert sharpness_loss(x, recon, log_sigma, focal_frequency=1.0).item() == pytest.approx(
        expected.item(), rel=1e-5)
    assert sharpness_loss(x, recon, log_sigma).item() == 0.0


def test_gradients_flow_to_the_reconstruction() -> None:
    x = textured()
    recon = (x * 0.5).requires_grad_()
    sharpness_loss(x, recon, torch.tensor(-2.0), focal_frequency=1.0, fft_amplitude=1.0,
                   msssim_l1=1.0).backward()
    assert torch.isfinite(recon.grad).all() and recon.grad.abs().sum() > 0
