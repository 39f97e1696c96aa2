"""The VAE network and its posterior: shapes at every preset, KL, clamping, gradients."""

from __future__ import annotations

import math

import pytest
import torch

from models.config import RESOLUTION_PRESETS, VAEConfig
from models.distributions import LOGVAR_MAX, LOGVAR_MIN, DiagonalGaussian
from models.vae import VAE, VAEOutput, count_flops, stage_widths


@pytest.fixture(autouse=True)
def _one_thread():
    previous = torch.get_num_threads()
    torch.set_num_threads(1)  # the machine is shared; tiny models gain nothing from threads
    yield
    torch.set_num_threads(previous)


def tiny_config(image_size: int = 32, channels: int = 3) -> VAEConfig:
    return VAEConfig(image_size=image_size, channels=channels, latent_dim=8, width=4)


@pytest.mark.parametrize("channels", [3, 4])
@pytest.mark.parametrize("image_size", RESOLUTION_PRESETS)
def test_shapes_at_every_preset(image_size: int, channels: int) -> None:
    model = VAE(tiny_config(image_size, channels))
    x = torch.rand(2, channels, image_size, image_size)
    with torch.no_grad():
        posterior = model.encode(x)
        images = model.decode(torch.randn(3, 8))
    assert posterior.mean.shape == (2, 8)
    assert posterior.logvar.shape == (2, 8)
    assert images.shape == (3, channels, image_size, image_size)
    assert torch.isfinite(images).all()


def test_stage_widths_double_and_cap() -> None:
    assert stage_widths(VAEConfig(image_size=32, width=8)) == (8, 16, 32)
    assert stage_widths(VAEConfig(image_size=256, width=8)) == (8, 16, 32, 64, 64, 64)


def test_grayscale_channel_works() -> None:
    model = VAE(tiny_config(32, 1))
    out = model(torch.rand(2, 1, 32, 32))
    assert out.reconstruction.shape == (2, 1, 32, 32)


def test_forward_returns_named_output_and_uses_generator() -> None:
    model = VAE(tiny_config())
    x = torch.rand(4, 3, 32, 32)
    first = model(x, generator=torch.Generator().manual_seed(7))
    again = model(x, generator=torch.Generator().manual_seed(7))
    other = model(x, generator=torch.Generator().manual_seed(8))
    assert isinstance(first, VAEOutput)
    assert first.z.shape == (4, 8)
    assert torch.equal(first.z, again.z)
    assert not torch.equal(first.z, other.z)
    assert torch.allclose(first.reconstruction, model.decode(first.z), atol=1e-6)


def test_encode_rejects_wrong_image_shape() -> None:
    model = VAE(tiny_config(32, 3))
    with pytest.raises(ValueError, match=r"expected images \(N, 3, 32, 32\)"):
        model.encode(torch.rand(2, 4, 32, 32))


def test_gradients_reach_every_parameter() -> None:
    model = VAE(tiny_config())
    out = model(torch.rand(4, 3, 32, 32))
    loss = out.reconstruction.square().mean() + out.posterior.kl().mean()
    loss.backward()
    for name, parameter in model.named_parameters():
        assert parameter.grad is not None, name
        assert torch.isfinite(parameter.grad).all(), name
    assert any(p.grad.abs().sum() > 0 for p in model.encoder.parameters())


def test_parameters_are_channels_last() -> None:
    model = VAE(tiny_config())
    conv = model.encoder[0].weight
    assert conv.is_contiguous(memory_format=torch.channels_last)


def test_count_flops_grows_with_resolution_and_matches_first_conv() -> None:
    small, large = count_flops(tiny_config(32)), count_flops(tiny_config(64))
    assert large > small > 0
    # The first conv alone: 16x16 outputs x 4 channels x (3 x 3 x 3) multiply-adds x 2.
    assert small > 16 * 16 * 4 * 27 * 2


def test_kl_closed_form_matches_monte_carlo() -> None:
    generator = torch.Generator().manual_seed(0)
    mean = torch.tensor([[0.5, -1.0, 2.0]])
    logvar = torch.tensor([[0.0, -1.5, 0.7]])
    posterior = DiagonalGaussian(mean, logvar)
    samples = torch.stack([posterior.sample(generator) for _ in range(40_000)])  # (S, 1, 3)
    # KL = E_q[log q(z) - log p(z)], estimated per dimension.
    log_q = -0.5 * ((samples - mean) ** 2 / logvar.exp() + logvar + math.log(2 * math.pi))
    log_p = -0.5 * (samples**2 + math.log(2 * math.pi))
    monte_carlo = (log_q - log_p).mean(0)  # (1, 3)
    assert posterior.kl().shape == (1, 3)
    assert torch.allclose(posterior.kl(), monte_carlo, atol=0.04)


def test_kl_is_zero_for_standard_normal() -> None:
    posterior = DiagonalGaussian(torch.zeros(2, 5), torch.zeros(2, 5))
    assert torch.allclose(posterior.kl(), torch.zeros(2, 5))


def test_logvar_clamp_prevents_overflow() -> None:
    huge = torch.tensor([[1e4, -1e4, 0.0]])
    posterior = DiagonalGaussian(torch.zeros(1, 3), huge)
    assert posterior.logvar.max() == LOGVAR_MAX
    assert posterior.logvar.min() == LOGVAR_MIN
    for value in (posterior.std, posterior.var, posterior.kl(), posterior.sample()):
        assert torch.isfinite(value).all()


def test_huge_encoder_outputs_stay_finite() -> None:
    model = VAE(tiny_config())
    with torch.no_grad():
        model.to_posterior.bias.fill_(1e4)  # logvar and mean far beyond any sane range
        out = model(torch.rand(2, 3, 32, 32))
    assert torch.isfinite(out.posterior.kl()).all()
    assert torch.isfinite(out.reconstruction).all()


def test_mode_is_mean_and_mismatched_shapes_fail() -> None:
    posterior = DiagonalGaussian(torch.ones(2, 3), torch.zeros(2, 3))
    assert torch.equal(posterior.mode(), torch.ones(2, 3))
    with pytest.raises(ValueError):
        DiagonalGaussian(torch.ones(2, 3), torch.zeros(2, 4))
