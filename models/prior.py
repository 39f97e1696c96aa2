"""The sampling prior: where new latents come from when the studio makes new images.

A trained VAE's encodings rarely fill N(0, I) evenly, so decoding N(0, I) draws gives many poor
images. Following Ghosh et al. 2020 ("From Variational to Deterministic Autoencoders",
section 4, ex-post density estimation) we fit a Gaussian mixture to the posterior means of the
training set after training and sample from it instead. The fit uses sklearn; sampling needs
only numpy and the stored weights, means and Cholesky factors.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

import numpy as np

from models.errors import ProjectError

if TYPE_CHECKING:  # sklearn takes ~1.3 s to import; only fitting needs it, not sampling
    from sklearn.mixture import GaussianMixture

log = logging.getLogger(__name__)

KINDS = ("normal", "gmm", "diffusion")  # stored as the index: append, never reorder
FITTED_KINDS = ("diffusion", "gmm")  # what training may fit (TrainConfig.prior)
MIN_POINTS = 8  # fewer encoded images than this say nothing about shape: keep N(0, I)
POINTS_PER_COMPONENT = 50  # a component needs this many points to be estimated at all
# Added to covariance diagonals. Latents live on a unit scale (the KL pulls them towards
# N(0, I)), so 1e-3 only matters for dimensions the encoder does not use, whose means are all
# ~0 and whose covariance would otherwise be singular.
REG_COVAR = 1e-3
COVARIANCE_TYPES = ("diag", "full")  # full wins with many points, diag with few (via BIC)
COMPONENT_LADDER = (1, 2, 3, 4, 6, 8, 12, 16, 24, 32)


class SamplingPrior(Protocol):
    """Where new latents come from: a mixture (`LatentPrior`) or a learned model
    (`models.prior_diffusion.DiffusionPrior`)."""

    kind: str

    @property
    def latent_dim(self) -> int: ...

    def sample(self, n: int, *, temperature: float = 1.0,
               seed: int | None = None) -> np.ndarray: ...

    def to_arrays(self) -> dict[str, np.ndarray]: ...


def prior_from_arrays(arrays: dict[str, np.ndarray]) -> SamplingPrior:
    """Rebuild any stored prior from its arrays; raises ProjectError when anything is off."""
    code = np.asarray(arrays.get("prior.kind", np.zeros(0))).ravel()
    if code.shape == (1,) and int(code[0]) == KINDS.index("diffusion"):
        from models.prior_diffusion import DiffusionPrior

        return DiffusionPrior.from_arrays(arrays)
    return LatentPrior.from_arrays(arrays)


@dataclass(frozen=True, eq=False)  # arrays have no single truth value: compare by identity
class LatentPrior:
    """A Gaussian mixture over latents: component k is N(means[k], L_k L_k^T), L_k = scale_tril[k].

    `kind` is "normal" for N(0, I) (one component, zero mean, identity) or "gmm" for a fit.
    Arrays are float64 and read-only; shapes: weights (K,), means (K, D), scale_tril (K, D, D).
    """

    kind: str
    weights: np.ndarray
    means: np.ndarray
    scale_tril: np.ndarray

    @property
    def latent_dim(self) -> int:
        return self.means.shape[1]

    @property
    def n_components(self) -> int:
        return self.means.shape[0]

    @classmethod
    def standard_normal(cls, latent_dim: int) -> LatentPrior:
        return cls._build("normal", np.ones(1), np.zeros((1, latent_dim)),
                          np.eye(latent_dim)[None])

    @classmethod
    def fit(cls, means: np.ndarray, *, seed: int = 0, max_components: int = 10) -> LatentPrior:
        """Fit a mixture to encoded training means (N, D), choosing the covariance type and
        the number of components (up to `max_components`, and at most one per 50 points) by
        the Bayesian information criterion. Deterministic for a given `seed`."""
        points = np.asarray(means, dtype=np.float64)
        if points.ndim != 2 or not np.isfinite(points).all():
            raise ValueError(f"means must be a finite (N, D) array, got shape {points.shape}")
        if len(points) < MIN_POINTS:
            log.warning("only %d encoded images; sampling from N(0, I) instead", len(points))
            return cls.standard_normal(points.shape[1])
        best = _best_mixture(points, seed, max_components)
        log.info("latent prior: %d %s components", best.n_components, best.covariance_type)
        return cls._build("gmm", best.weights_, best.means_, _covariance_cholesky(best))

    def sample(self, n: int, *, temperature: float = 1.0, seed: int | None = None) -> np.ndarray:
        """n latents, float32 (n, D). `temperature` scales the spread around each component's
        mean (for N(0, I) it is the standard deviation); 0 returns component means."""
        if n < 0 or temperature < 0:
            raise ValueError("n and temperature must not be negative")
        rng = np.random.default_rng(seed)
        component = rng.choice(self.n_components, size=n, p=self.weights)  # (n,)
        noise = rng.standard_normal((n, self.latent_dim))  # (n, D)
        z = self.means[component]  # (n, D)
        for k in np.unique(component):  # z = mu_k + t * L_k eps, batched per component
            rows = component == k
            z[rows] += temperature * noise[rows] @ self.scale_tril[k].T  # (n_k, D)
        return z.astype(np.float32)

    def to_arrays(self) -> dict[str, np.ndarray]:
        """Plain arrays for a safetensors file (which stores no strings: kind is a code)."""
        return {
            "prior.kind": np.array([KINDS.index(self.kind)], dtype=np.int64),
            "prior.weights": np.array(self.weights),
            "prior.means": np.array(self.means),
            "prior.scale_tril": np.array(self.scale_tril),
        }

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> LatentPrior:
        """Rebuild from `to_arrays` output; raises ProjectError when anything is off."""
        missing = [k for k in ("prior.kind", "prior.weights", "prior.means", "prior.scale_tril")
                   if k not in arrays]
        if missing:
            raise ProjectError(f"the saved latent prior is incomplete (missing {missing[0]})")
        code = np.asarray(arrays["prior.kind"]).ravel()
        if code.shape != (1,) or int(code[0]) not in (KINDS.index("normal"), KINDS.index("gmm")):
            raise ProjectError("the saved latent prior has an unknown kind")
        try:
            return cls._build(KINDS[int(code[0])], arrays["prior.weights"],
                              arrays["prior.means"], arrays["prior.scale_tril"])
        except ValueError as exc:
            raise ProjectError(f"the saved latent prior is corrupt: {exc}") from exc

    @classmethod
    def _build(cls, kind: str, weights: np.ndarray, means: np.ndarray,
               scale_tril: np.ndarray) -> LatentPrior:
        """Validated, read-only construction; raises ValueError on inconsistent arrays."""
        weights, means, scale_tril = (np.array(a, dtype=np.float64)
                                      for a in (weights, means, scale_tril))
        _check_mixture(weights, means, scale_tril)
        for array in (weights, means, scale_tril):
            array.flags.writeable = False
        return cls(kind=kind, weights=weights / weights.sum(), means=means, scale_tril=scale_tril)


def _check_mixture(weights: np.ndarray, means: np.ndarray, scale_tril: np.ndarray) -> None:
    if means.ndim != 2 or means.shape[0] < 1 or means.shape[1] < 1:
        raise ValueError(f"means must be (K, D), got {means.shape}")
    k, d = means.shape
    if weights.shape != (k,) or scale_tril.shape != (k, d, d):
        raise ValueError(f"weights {weights.shape} or factors {scale_tril.shape} do not match "
                         f"{k} components of {d} dimensions")
    if not all(np.isfinite(a).all() for a in (weights, means, scale_tril)):
        raise ValueError("it holds non-finite numbers")
    if (weights < 0).any() or weights.sum() <= 0:
        raise ValueError("component weights must be non-negative and not all zero")
    if not np.allclose(scale_tril, np.tril(scale_tril)):
        raise ValueError("covariance factors must be lower triangular")


def _best_mixture(points: np.ndarray, seed: int, max_components: int) -> GaussianMixture:
    """The GaussianMixture with the lowest BIC. The covariance type is chosen with one component
    (two quick fits); then the component count climbs COMPONENT_LADDER while BIC improves.
    Fits grow costly with components (a 2-component full fit of 5,000 128-D points takes
    5-30 s on 2 shared cores), so only the winning type climbs, and only while it pays."""
    cap = max(1, min(max_components, len(points) // POINTS_PER_COMPONENT))
    best = min((_fit_mixture(points, 1, kind, seed) for kind in COVARIANCE_TYPES),
               key=lambda mixture: mixture.bic(points))
    for count in (k for k in COMPONENT_LADDER if 1 < k <= cap):
        larger = _fit_mixture(points, count, best.covariance_type, seed)
        if larger.bic(points) >= best.bic(points):
            break
        best = larger
    return best


def _fit_mixture(points: np.ndarray, count: int, covariance_type: str,
                 seed: int) -> GaussianMixture:
    from sklearn.mixture import GaussianMixture

    mixture = GaussianMixture(n_components=count, covariance_type=covariance_type,
                              reg_covar=REG_COVAR, random_state=seed, max_iter=100)
    return mixture.fit(points)


def _covariance_cholesky(mixture: GaussianMixture) -> np.ndarray:
    """Lower Cholesky factors of each component's covariance, (K, D, D)."""
    if mixture.covariance_type == "full":
        return np.linalg.cholesky(mixture.covariances_)  # covariances_: (K, D, D)
    std = np.sqrt(mixture.covariances_)  # diag: (K, D)
    return np.einsum("kd,de->kde", std, np.eye(std.shape[1]))  # (K, D, D) diagonal matrices
