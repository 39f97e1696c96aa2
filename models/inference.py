"""A trained VAE and its sampling prior behind numpy-in, numpy-out verbs.

The numpy *code* of an image is what every app-facing verb takes and returns. For an
unconditional model it is z (N, D). For a conditional model with L labels it is z followed by
the label weights: (N, D + L), the first D numbers the label-free style, the last L a convex mix
of labels (one-hot for one label). So paths, gallery items, provenance and exports carry the
label with the style, and style transfer is replacing the label part of a code.
"""

from __future__ import annotations

import hashlib
import math

import numpy as np
import torch

from models.conditioning import batch_labels
from models.config import VAEConfig
from models.distributions import LOGVAR_MIN
from models.errors import LatentiaError, ProjectError
from models.labels import join_codes, one_hot, split_codes
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

    @property
    def labels(self) -> int:
        """L, the number of labels the model is conditioned on (0: unconditional)."""
        return self.config.labels

    @property
    def code_dim(self) -> int:
        """Width of a code: D, plus L label weights for a conditional model."""
        return self.config.latent_dim + self.config.labels

    def _images(self, images) -> torch.Tensor:
        x = _as_tensor(images, "images")
        expected = (self.config.channels, self.config.image_size, self.config.image_size)
        if x.ndim != 4 or tuple(x.shape[1:]) != expected:
            raise LatentiaError(f"images must have shape (N, {', '.join(map(str, expected))}),"
                                f" not {tuple(x.shape)}")
        return x

    @torch.no_grad()
    def encode(self, images, labels=None) -> tuple[np.ndarray, np.ndarray]:
        """images (N, C, S, S) floats in [0, 1] -> (mu, logvar), float32 (N, code_dim).

        `labels` (N,) label indices of a conditional model, -1 (or None for all) where unknown:
        those images are conditioned on, and coded with, the classifier's prediction. The label
        part of a code is exact: its logvar is the lowest the posterior allows."""
        x = self._images(images)
        known = None if labels is None else np.asarray(labels, dtype=np.int64).reshape(-1)
        if known is not None and known.shape != (len(x),):
            raise LatentiaError(f"give one label per image ({len(x)}), not {known.shape}")
        mus, logvars = [], []
        for start in range(0, len(x), BATCH):
            chunk = x[start:start + BATCH].to(self.device).contiguous(
                memory_format=torch.channels_last)
            rows = np.arange(start, start + len(chunk))
            weights = batch_labels(self.model, chunk, known, rows)
            posterior = self.model.encode_style(chunk, weights)
            mu, logvar = posterior.mean.float().cpu(), posterior.logvar.float().cpu()
            if weights is not None:
                weights = weights.float().cpu()
                mu = torch.cat([mu, weights], dim=1)
                logvar = torch.cat([logvar, torch.full_like(weights, LOGVAR_MIN)], dim=1)
            mus.append(mu)
            logvars.append(logvar)
        return torch.cat(mus).numpy(), torch.cat(logvars).numpy()

    @torch.no_grad()
    def classify(self, images) -> np.ndarray:
        """q(y|x) of a conditional model: label probabilities float32 (N, L)."""
        if not self.labels:
            raise LatentiaError("this model was trained without labels")
        x = self._images(images)
        probabilities = [self.model.classify(chunk.to(self.device).contiguous(
            memory_format=torch.channels_last)).float().softmax(1).cpu()
            for chunk in x.split(BATCH)]
        return torch.cat(probabilities).numpy()

    @torch.no_grad()
    def decode(self, z) -> np.ndarray:
        """codes (N, code_dim) -> images float32 (N, C, S, S) in [0, 1]."""
        codes = _as_tensor(z, "latent codes")
        if codes.ndim != 2 or codes.shape[1] != self.code_dim:
            raise LatentiaError(f"latent codes must have shape (N, {self.code_dim}),"
                                f" not {tuple(codes.shape)}")
        style, weights = split_codes(codes.numpy(), self.labels)
        images = []
        for start in range(0, len(codes), BATCH):
            z_chunk = torch.from_numpy(style[start:start + BATCH]).to(self.device)
            w_chunk = (torch.from_numpy(weights[start:start + BATCH]).to(self.device)
                       if self.labels else None)
            images.append(self.model.decode_style(z_chunk, w_chunk).float().clamp(0, 1).cpu())
        return torch.cat(images).numpy()

    def sample_latents(self, n: int, temperature: float = 1.0, seed: int | None = None,
                       prior: str = "fitted", label=None) -> np.ndarray:
        """n codes (n, code_dim): styles from the prior and, for a conditional model, the label
        `label` (an index, or one index per sample), else labels drawn uniformly at random."""
        if n < 1:
            raise LatentiaError("ask for at least one sample")
        if not (math.isfinite(temperature) and temperature >= 0):  # NaN or inf: garbage images
            raise LatentiaError(f"temperature must be a finite number of at least 0, "
                                f"not {temperature}")
        source = self.prior if prior == "fitted" else LatentPrior.standard_normal(
            self.config.latent_dim)
        z = source.sample(n, temperature=temperature, seed=seed)
        if not self.labels:
            if label is not None:
                raise LatentiaError("this model was trained without labels")
            return z
        if label is None:  # a separate stream, so the styles match those of a labelled call
            label = np.random.default_rng(None if seed is None else [seed, 1]).integers(
                self.labels, size=n)
        indices = np.broadcast_to(np.asarray(label, dtype=np.int64), (n,))
        if indices.min() < 0 or indices.max() >= self.labels:
            raise LatentiaError(f"label numbers run from 0 to {self.labels - 1}")
        return join_codes(z, one_hot(indices, self.labels))

    def sample(self, n: int, temperature: float = 1.0, seed: int | None = None,
               prior: str = "fitted", label=None) -> np.ndarray:
        return self.decode(self.sample_latents(n, temperature, seed, prior, label))
