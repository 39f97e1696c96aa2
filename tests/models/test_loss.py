"""Negative ELBO with the calibrated decoder, PSNR and active-unit counting."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch

from models.config import TrainConfig
from models.distributions import DiagonalGaussian
from models.loss import censored_reconstruction, elbo_loss, latent_health, psnr_db
from models.records import LatentHealth


def tiny_batch() -> tuple[torch.Tensor, torch.Tensor, DiagonalGaussian]:
    """Two 1x2x2 images, reconstructions off by known amounts, a 2-D posterior."""
    x = torch.tensor([[[[0.0, 0.5], [1.0, 0.25]]], [[[0.2, 0.2], [0.2, 0.2]]]])  # (2, 1, 2, 2)
    recon = x + torch.tensor([0.1, -0.1, 0.2, 0.0]).view(1, 1, 2, 2)
    posterior = DiagonalGaussian(torch.tensor([[1.0, 0.0], [0.0, 0.0]]),
                                 torch.tensor([[0.0, 0.0], [math.log(4.0), 0.0]]))
    return x, recon, posterior


def hand_log_sigma(mse: float, floor: float) -> float:
    return floor + math.log1p(math.exp(0.5 * math.log(mse) - floor))  # soft floor via softplus


def test_elbo_matches_hand_computation() -> None:
    x, recon, posterior = tiny_batch()
    terms = elbo_loss(x, recon, posterior, min_log_sigma=-4.6)
    squared = [0.01 + 0.01 + 0.04 + 0.0] * 2  # per image, summed over its 4 pixels
    mse = sum(squared) / 8
    log_sigma = hand_log_sigma(mse, -4.6)
    far_floor = elbo_loss(x, recon, posterior, min_log_sigma=-20.0).log_sigma.item()
    assert far_floor == pytest.approx(0.5 * math.log(mse), rel=1e-5)  # the optimum sqrt(MSE)
    recon_nats = np.mean([0.5 * s * math.exp(-2 * log_sigma) + 4 * (log_sigma + 0.5 * math.log(
        2 * math.pi)) for s in squared])
    # KL per dim: 0.5 (mu^2 + var - 1 - log var); image 1: 0.5 + 0; image 2: 0.5 (3 - ln 4) + 0.
    kl_image = [0.5, 0.5 * (3.0 - math.log(4.0))]
    assert terms.log_sigma.item() == pytest.approx(log_sigma, rel=1e-5)
    assert terms.recon_nats.item() == pytest.approx(recon_nats, rel=1e-5)
    assert terms.kl_nats.item() == pytest.approx(np.mean(kl_image), rel=1e-5)
    assert terms.kl_per_dim.tolist() == pytest.approx([np.mean(kl_image), 0.0], abs=1e-6)
    assert terms.loss.item() == pytest.approx(recon_nats + np.mean(kl_image), rel=1e-5)
    bits = (recon_nats + np.mean(kl_image)) / (4 * math.log(2))
    assert terms.bits_per_dim.item() == pytest.approx(bits, rel=1e-5)


def test_censored_reconstruction_forgives_only_what_lies_beyond_a_saturated_pixel() -> None:
    x = torch.tensor([1.0, 1.0, 0.0, 0.0, 0.5, 0.5])
    recon = torch.tensor([1.3, 0.9, -0.2, 0.1, 1.2, -0.1], requires_grad=True)
    seen = censored_reconstruction(x, recon)
    # past white or black paper: x itself (clamped for display, the same picture); short of
    # it, or anywhere for a mid-grey pixel: the reconstruction as it is
    assert seen.tolist() == pytest.approx([1.0, 0.9, 0.0, 0.1, 1.2, -0.1])
    seen.sum().backward()
    assert recon.grad.tolist() == [0.0, 1.0, 0.0, 1.0, 1.0, 1.0]


def test_censored_overshoot_costs_no_likelihood() -> None:
    x, recon, posterior = tiny_batch()  # image 1 has a white pixel, its reconstruction 1.2
    plain = elbo_loss(x, recon, posterior, min_log_sigma=-20.0)
    censored = elbo_loss(x, censored_reconstruction(x, recon), posterior, min_log_sigma=-20.0)
    mse = (0.01 + 0.01 + 0.0 + 0.0 + 0.01 + 0.01 + 0.04 + 0.0) / 8  # the 0.2 overshoot forgiven
    assert censored.log_sigma.item() == pytest.approx(0.5 * math.log(mse), rel=1e-5)
    assert censored.recon_nats.item() < plain.recon_nats.item()


def test_censoring_is_on_for_unlabelled_models_unless_chosen() -> None:
    assert TrainConfig().censors(labelled=False)
    assert not TrainConfig().censors(labelled=True)  # "auto": labelled models keep the Gaussian
    assert TrainConfig(censored="on").censors(labelled=True)
    assert not TrainConfig(censored="off").censors(labelled=False)
    with pytest.raises(ValueError, match="censored"):
        TrainConfig(censored="yes")


def test_sigma_is_the_likelihood_optimum() -> None:
    x, recon, posterior = tiny_batch()
    best = elbo_loss(x, recon, posterior, min_log_sigma=-20.0).recon_nats.item()
    # Far above its floor, sigma is the optimum: any other fixed sigma gives a worse likelihood.
    squared = (x - recon).pow(2).flatten(1).sum(1)
    for log_sigma in np.linspace(-4.0, 0.0, 41):
        nll = (0.5 * squared * math.exp(-2 * log_sigma) + 4 * (log_sigma + 0.5 * math.log(
            2 * math.pi))).mean().item()
        assert nll >= best - 1e-4


def test_soft_floor_holds_sigma_for_perfect_reconstructions() -> None:
    x, _, posterior = tiny_batch()
    terms = elbo_loss(x, x.clone(), posterior, min_log_sigma=-3.0)
    assert terms.log_sigma.item() == pytest.approx(-3.0, abs=1e-6)
    assert torch.isfinite(terms.loss)
    near_floor = elbo_loss(x, x + math.exp(-3.0), posterior, min_log_sigma=-3.0)
    # At sigma* == floor the softplus gives floor + ln 2, smoothly, not a kink.
    assert near_floor.log_sigma.item() == pytest.approx(-3.0 + math.log(2.0), abs=1e-5)


def test_kl_weight_and_beta_scale_only_the_loss() -> None:
    x, recon, posterior = tiny_batch()
    plain = elbo_loss(x, recon, posterior)
    warm = elbo_loss(x, recon, posterior, beta=2.0, kl_weight=0.25)
    assert warm.kl_nats.item() == pytest.approx(plain.kl_nats.item())
    expected = plain.recon_nats.item() + 0.5 * plain.kl_nats.item()
    assert warm.loss.item() == pytest.approx(expected, rel=1e-6)


def test_free_bits_floor_the_batch_mean_kl_per_dimension() -> None:
    x, recon, posterior = tiny_batch()
    terms = elbo_loss(x, recon, posterior, free_bits=0.3)
    kl_dim0 = terms.kl_per_dim[0].item()  # ~0.40 nats, above the floor; dim 1 has 0
    assert kl_dim0 > 0.3
    assert terms.loss.item() == pytest.approx(terms.recon_nats.item() + kl_dim0 + 0.3, rel=1e-6)
    assert terms.kl_nats.item() == pytest.approx(kl_dim0)  # reported KL is the true one


def test_free_bits_stop_gradients_of_dimensions_under_the_floor() -> None:
    mean = torch.tensor([[0.1, 2.0], [0.1, 2.0]], requires_grad=True)
    posterior = DiagonalGaussian(mean, torch.zeros(2, 2))
    x = torch.rand(2, 1, 2, 2)
    elbo_loss(x, x * 0.9, posterior, free_bits=0.5).loss.backward()
    assert mean.grad[:, 0].abs().max() == 0  # KL 0.005 nats < 0.5: free
    assert mean.grad[:, 1].abs().min() > 0  # KL 2 nats > 0.5: penalised


def test_gradient_flows_into_reconstruction_but_not_sigma() -> None:
    x = torch.rand(3, 2, 4, 4)
    recon = torch.rand(3, 2, 4, 4, requires_grad=True)
    posterior = DiagonalGaussian(torch.zeros(3, 2), torch.zeros(3, 2))
    terms = elbo_loss(x, recon, posterior)
    terms.loss.backward()
    assert recon.grad is not None and recon.grad.abs().sum() > 0
    assert not terms.log_sigma.requires_grad
    # With sigma fixed the gradient is (recon - x) / sigma^2 / N per pixel.
    expected = (recon - x).detach() * math.exp(-2 * terms.log_sigma.item()) / 3
    assert torch.allclose(recon.grad, expected, rtol=1e-4)


def test_loss_rejects_mismatched_shapes() -> None:
    x, recon, posterior = tiny_batch()
    with pytest.raises(ValueError):
        elbo_loss(x, recon[:, :, :1], posterior)


def test_psnr_of_known_error_and_clamping() -> None:
    x = torch.full((1, 3, 4, 4), 0.5)
    assert psnr_db(x, x + 0.1) == pytest.approx(20.0, abs=1e-4)  # MSE 0.01
    ones = torch.ones(1, 1, 2, 2)
    assert psnr_db(ones, ones + 5.0) == pytest.approx(100.0)  # clamped to 1: perfect, capped


def test_latent_health_counts_active_units() -> None:
    rng = np.random.default_rng(0)
    means = np.zeros((500, 4))
    means[:, 0] = rng.normal(0, 1.0, 500)  # active
    means[:, 1] = rng.normal(0, 0.3, 500)  # variance 0.09: active
    means[:, 2] = rng.normal(0, 0.05, 500)  # variance 0.0025: inactive
    health = latent_health(means, np.array([1.0, 0.5, 0.0, 0.0]))
    assert isinstance(health, LatentHealth)
    assert health.active_units == 2
    assert health.latent_dim == 4
    assert health.mean_variance.dtype == np.float32
    assert health.mean_variance[0] == pytest.approx(1.0, abs=0.15)
    assert not health.kl_per_dim.flags.writeable
    with pytest.raises(ValueError):
        latent_health(means, np.zeros(3))
