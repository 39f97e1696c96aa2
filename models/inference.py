"""A trained VAE and its sampling prior behind numpy-in, numpy-out verbs."""

from __future__ import annotations

import hashlib

import numpy as np
import torch

from models.config import VAEConfig
from models.errors import LatentiaError, ProjectError
from models.prior import LatentPrior, SamplingPrior
from models.vae import VAE

BATCH = 256


def _as_tensor(array, what: str) -> torch.Tensor:
    # torch.tensor copies, so read-only arrays (frozen records, memmaps) are fine
    tensor = array.detach().cpu() if torch.is_tensor(array) else torch.tensor(np.asarray(array))
    if not tensor.is_floating_point():
        raise LatentiaError(f"{what} must be floats, not {tensor.dtype}")
    return tensor.float()


class InferenceModel:
    """Encode, decode and sample with fixed (EMA) weights, in eval mode, without gradients."""

    def __init__(self, config: VAEConfig, weights: dict[str, torch.Tensor],
                 prior: SamplingPrior, device: torch.device) -> None:
        self.config = config
        self.device = device
        self.prior = prior
        self.model = VAE(config)
        try:
            self.model.load_state_dict(weights)
        except RuntimeError as exc:
            raise ProjectError("the model weights do not match the project's settings") from exc
        self.model.to(device, memory_format=torch.channels_last).eval()
        digest = hashlib.sha256()
        for key in sorted(weights):
            digest.update(key.encode())
            digest.update(weights[key].detach().cpu().contiguous().view(torch.uint8).numpy())
        self.model_id = digest.hexdigest()[:16]

    @torch.no_grad()
    def encode(self, images) -> tuple[np.ndarray, np.ndarray]:
        """images (N, C, S, S) floats in [0, 1] -> (mu, logvar), float32 (N, latent_dim)."""
        x = _as_tensor(images, "images")
        expected = (self.config.channels, self.config.image_size, self.config.image_size)
        if x.ndim != 4 or tuple(x.shape[1:]) != expected:
            raise LatentiaError(f"images must have shape (N, {', '.join(map(str, expected))}),"
                                f" not {tuple(x.shape)}")
        mus, logvars = [], []
        for chunk in x.split(BATCH):
            chunk = chunk.to(self.device).contiguous(memory_format=torch.channels_last)
            posterior = self.model.encode(chunk)
            mus.append(posterior.mean.float().cpu())
            logvars.append(posterior.logvar.float().cpu())
        return torch.cat(mus).numpy(), torch.cat(logvars).numpy()

    @torch.no_grad()
    def decode(self, z) -> np.ndarray:
        """z (N, latent_dim) -> images float32 (N, C, S, S) in [0, 1]."""
        latents = _as_tensor(z, "latent codes")
        if latents.ndim != 2 or latents.shape[1] != self.config.latent_dim:
            raise LatentiaError(f"latent codes must have shape (N, {self.config.latent_dim}),"
                                f" not {tuple(latents.shape)}")
        images = [self.model.decode(chunk.to(self.device)).float().clamp(0, 1).cpu()
                  for chunk in latents.split(BATCH)]
        return torch.cat(images).numpy()

    def sample_latents(self, n: int, temperature: float = 1.0, seed: int | None = None,
                       prior: str = "fitted") -> np.ndarray:
        if n < 1:
            raise LatentiaError("ask for at least one sample")
        if temperature < 0:
            raise LatentiaError("temperature must not be negative")
        source = self.prior if prior == "fitted" else LatentPrior.standard_normal(
            self.config.latent_dim)
        return source.sample(n, temperature=temperature, seed=seed)

    def sample(self, n: int, temperature: float = 1.0, seed: int | None = None,
               prior: str = "fitted") -> np.ndarray:
        return self.decode(self.sample_latents(n, temperature, seed, prior))
