"""New codes from the data: per-cluster Gaussians and attribute directions."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
from sklearn.covariance import LedoitWolf

from models.errors import LatentiaError, ProjectError
from models.latent_map.maths._common import (
    as_codes,
    as_latents,
    check_same_rows,
    json_field,
    read_json_field,
    require_array,
    rng_seed,
)
from models.records import frozen_array

MIN_OWN_COVARIANCE = 3  # smaller clusters borrow the pooled within-cluster covariance


@dataclass(frozen=True, eq=False)
class ClusterSampler:
    """One Gaussian per cluster, N(mean_c, Sigma_c), to draw new codes that look like it."""

    means: np.ndarray  # (k, D) float64, cluster means
    factors: np.ndarray  # (k, D, D) float64, L_c with L_c L_c^T = Sigma_c

    @property
    def k(self) -> int:
        return int(self.means.shape[0])

    @classmethod
    def fit(cls, means: np.ndarray, labels: np.ndarray, seed: int = 0) -> ClusterSampler:
        """Fit a Gaussian to the latent means (N, D) of each cluster in `labels` (N,).

        Covariances use Ledoit-Wolf shrinkage (Ledoit & Wolf 2004): a cluster of a few dozen
        images in D = 128 has a singular sample covariance, the shrunk one is well conditioned.
        The fit is deterministic; `seed` is accepted for API symmetry and validated.
        """
        rng_seed(seed)
        codes = as_latents(means, "latent means", min_rows=1)
        groups = np.asarray(labels)
        if groups.ndim != 1 or groups.dtype.kind not in "iu":
            raise LatentiaError("cluster labels must be a 1-D array of integers")
        check_same_rows(codes, groups[:, None], "latent means and cluster labels")
        if groups.min() < 0:
            raise LatentiaError("cluster labels must be >= 0")
        k = int(groups.max()) + 1
        centres = np.stack([codes[groups == c].mean(axis=0) if np.any(groups == c)
                            else np.full(codes.shape[1], np.nan) for c in range(k)])  # (k, D)
        if np.isnan(centres).any():
            raise LatentiaError("every cluster number 0..k-1 needs at least one latent")
        residuals = codes - centres[groups]  # (N, D), within-cluster deviations
        pooled = _shrunk_covariance(residuals)
        factors = np.stack([_factor(_shrunk_covariance(residuals[groups == c])
                                    if np.count_nonzero(groups == c) >= MIN_OWN_COVARIANCE
                                    else pooled) for c in range(k)])  # (k, D, D)
        return cls(frozen_array(centres), frozen_array(factors))

    def sample(self, cluster: int, n: int, temperature: float = 0.8, seed: int = 0
               ) -> np.ndarray:
        """`n` codes (n, D) float32 from cluster `cluster`: mean + temperature * L eps.

        Temperature < 1 scales the standard deviation down, trading variety for typicality
        (the "reduced temperature" sampling of Kingma & Dhariwal 2018, Glow, Sec. 5).
        """
        if not 0 <= int(cluster) < self.k:
            raise LatentiaError(f"no cluster {cluster}; there are {self.k}")
        if int(n) < 0 or not np.isfinite(temperature) or temperature < 0:
            raise LatentiaError("sample count and temperature must be >= 0")
        rng = np.random.default_rng(rng_seed(seed))
        noise = rng.standard_normal((int(n), self.means.shape[1]))  # (n, D)
        codes = self.means[cluster] + temperature * noise @ self.factors[cluster].T
        return codes.astype(np.float32)


def attribute_direction(codes_a: np.ndarray, codes_b: np.ndarray) -> np.ndarray:
    """mean(A) - mean(B), (D,) float32: adding it moves a code from look B towards look A
    (attribute vectors, Larsen et al. 2016 Sec. 5; White 2016 Sec. 3)."""
    group_a = as_latents(codes_a, "codes of group A")
    group_b = as_latents(codes_b, "codes of group B")
    if group_a.shape[1] != group_b.shape[1]:
        raise LatentiaError("both groups of codes need the same latent dimension")
    return (group_a.mean(axis=0) - group_b.mean(axis=0)).astype(np.float32)


def apply_direction(code: np.ndarray, direction: np.ndarray, strength: float) -> np.ndarray:
    """code + strength * direction, for one code (D,) or a batch (M, D); float32."""
    vector = as_codes(direction, what="direction")
    if vector.ndim != 1:
        raise LatentiaError("a direction must be one vector of shape (D,)")
    codes = as_codes(code, dim=vector.shape[0], what="code")
    if not np.isfinite(strength):
        raise LatentiaError("direction strength must be a finite number")
    return (codes + float(strength) * vector).astype(np.float32)


@dataclass(frozen=True, eq=False)
class NamedDirections:
    """An ordered set of named latent directions (e.g. "smile", "darker")."""

    names: tuple[str, ...] = ()
    vectors: np.ndarray | None = None  # (n, D) float32, row i belongs to names[i]

    def __len__(self) -> int:
        return len(self.names)

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self.names:
            raise LatentiaError(f"no direction named {name!r}")
        return self.vectors[self.names.index(name)]

    def with_direction(self, name: str, vector: np.ndarray) -> NamedDirections:
        """A copy with `name` set to `vector` (D,), replacing a direction of that name."""
        if not isinstance(name, str) or not name.strip():
            raise LatentiaError("a direction needs a non-empty name")
        name = name.strip()
        row = as_codes(vector, what="direction")
        if row.ndim != 1 or (self.vectors is not None and row.shape[0] != self.vectors.shape[1]):
            raise LatentiaError("a direction must be one vector of the latent dimension")
        kept = [i for i, old in enumerate(self.names) if old != name]
        rows = [*(self.vectors[i] for i in kept), row]
        return NamedDirections((*(self.names[i] for i in kept), name),
                               frozen_array(np.stack(rows), np.float32))

    def without(self, name: str) -> NamedDirections:
        kept = [i for i, old in enumerate(self.names) if old != name]
        if len(kept) == len(self.names):
            raise LatentiaError(f"no direction named {name!r}")
        vectors = frozen_array(self.vectors[kept], np.float32) if kept else None
        return NamedDirections(tuple(self.names[i] for i in kept), vectors)

    def to_arrays(self) -> dict[str, np.ndarray]:
        dim = 0 if self.vectors is None else self.vectors.shape[1]
        vectors = np.zeros((0, dim), np.float32) if self.vectors is None else self.vectors
        return {"vectors": np.ascontiguousarray(vectors, dtype=np.float32),
                "names_json": json_field(list(self.names))}

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray]) -> NamedDirections:
        vectors = require_array(arrays, "vectors", (None, None))
        names = read_json_field(arrays, "names_json")
        if not isinstance(names, list) or len(names) != vectors.shape[0]:
            raise ProjectError("stored directions need one name per vector")
        return cls._from_pairs([str(name) for name in names], vectors)

    def to_json(self) -> str:
        """{"name": [floats...], ...} as JSON text, in order."""
        return json.dumps({name: [float(x) for x in self[name]] for name in self.names})

    @classmethod
    def from_json(cls, text: str) -> NamedDirections:
        try:
            payload = json.loads(text)
            names = list(payload)
            vectors = np.asarray(list(payload.values()), dtype=np.float64)
        except (json.JSONDecodeError, AttributeError, TypeError, ValueError) as exc:
            raise ProjectError("stored directions must be a JSON object of name: "
                               "list of numbers, all of the same length") from exc
        if names and (vectors.ndim != 2 or not np.all(np.isfinite(vectors))):
            raise ProjectError("stored directions must be finite vectors of the same length")
        return cls._from_pairs(names, vectors)

    @classmethod
    def _from_pairs(cls, names: list[str], vectors: np.ndarray) -> NamedDirections:
        if len(set(names)) != len(names):
            raise ProjectError("stored directions have duplicate names")
        if not names:
            return cls()
        return cls(tuple(names), frozen_array(vectors, np.float32))


def _shrunk_covariance(deviations: np.ndarray) -> np.ndarray:
    """(D, D) Ledoit-Wolf covariance of zero-mean rows (N, D)."""
    return LedoitWolf(assume_centered=True).fit(deviations).covariance_


def _factor(covariance: np.ndarray) -> np.ndarray:
    """L (D, D) with L L^T = covariance, via eigh so a PSD matrix with zero eigenvalues works."""
    values, vectors = np.linalg.eigh(covariance)
    return vectors * np.sqrt(np.clip(values, 0.0, None))  # scales column j by sqrt(lambda_j)
