"""The encoder's posterior q(z|x): a diagonal Gaussian with `sample`, `mode` and `kl`.

Modelled on diffusers' `DiagonalGaussianDistribution` (src/diffusers/models/autoencoders/vae.py),
flattened to vector latents: every tensor here is (N, D).
"""

from __future__ import annotations

import torch

# exp(20) ~ 4.9e8 and exp(-30) ~ 9e-14 are both finite in fp32 and bf16-autocast maths, so
# `std`, `var` and `kl` never overflow to inf or produce NaN, whatever the encoder outputs.
LOGVAR_MIN = -30.0
LOGVAR_MAX = 20.0


class DiagonalGaussian:
    """N(mean, diag(exp(logvar))) per row. `mean` and `logvar` are (N, D) tensors."""

    def __init__(self, mean: torch.Tensor, logvar: torch.Tensor) -> None:
        if mean.shape != logvar.shape:
            raise ValueError(f"mean {tuple(mean.shape)} and logvar {tuple(logvar.shape)} differ")
        self.mean = mean  # (N, D)
        self.logvar = logvar.clamp(LOGVAR_MIN, LOGVAR_MAX)  # (N, D)

    @property
    def std(self) -> torch.Tensor:
        return torch.exp(0.5 * self.logvar)  # (N, D)

    @property
    def var(self) -> torch.Tensor:
        return torch.exp(self.logvar)  # (N, D)

    def sample(self, generator: torch.Generator | None = None) -> torch.Tensor:
        """z = mean + std * eps, eps ~ N(0, I): the reparameterisation trick (Kingma & Welling
        2014, section 2.4) keeps z differentiable with respect to mean and logvar."""
        eps = torch.randn(self.mean.shape, generator=generator, device=self.mean.device,
                          dtype=self.mean.dtype)  # (N, D)
        return self.mean + self.std * eps

    def mode(self) -> torch.Tensor:
        return self.mean  # (N, D)

    def kl(self) -> torch.Tensor:
        """KL(q || N(0, I)) per dimension in nats, (N, D).

        Closed form of Kingma & Welling 2014, Appendix B:
        -KL = 1/2 * sum_d (1 + log sigma_d^2 - mu_d^2 - sigma_d^2).
        """
        return 0.5 * (self.mean.pow(2) + self.var - 1.0 - self.logvar)
