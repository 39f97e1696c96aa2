"""2-D projections of latent means for the map: PCA (with an exact linear inverse) or UMAP.

UMAP is optional (`umap-learn` is heavy): it is imported lazily inside `fit_projection`.
"""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
from sklearn.decomposition import PCA
from sklearn.neighbors import KNeighborsRegressor

from models.errors import LatentiaError, ProjectError
from models.latent_map.maths._common import (
    as_latents,
    json_field,
    read_json_field,
    require_array,
    rng_seed,
    single_threaded,
)
from models.records import frozen_array

PROJECTION_METHODS = ("pca", "umap")
# Out-of-sample UMAP placement averages this many nearest training latents' map positions.
UMAP_TRANSFORM_NEIGHBOURS = 10


def umap_available() -> bool:
    """True when `umap-learn` can be imported (checked without importing it: that is slow)."""
    if "umap" in sys.modules:
        return sys.modules["umap"] is not None
    return importlib.util.find_spec("umap") is not None


@dataclass(frozen=True, eq=False)
class Projection:
    """Where each latent mean sits on the 2-D map, and how to place new latents there."""

    method: str  # "pca" | "umap"
    points: np.ndarray  # (N, 2) float32, read-only: map position of each fitted latent
    mean: np.ndarray | None = None  # (D,) float64, PCA centre
    components: np.ndarray | None = None  # (2, D) float64, orthonormal PCA axes as rows
    explained_variance_ratio: np.ndarray | None = None  # (2,) share of variance per axis
    # UMAP only: places new latents by their nearest fitted latents (see `_knn_placer`).
    placer: KNeighborsRegressor | None = field(default=None, repr=False)

    @property
    def latent_dim(self) -> int | None:
        return None if self.components is None else int(self.components.shape[1])

    def transform(self, latents: np.ndarray) -> np.ndarray:
        """Map positions (M, 2) float32 of latents (M, D)."""
        if self.method == "pca":
            codes = as_latents(latents, "latents to project")
            self._check_dim(codes.shape[1])
            return ((codes - self.mean) @ self.components.T).astype(np.float32)  # (M, 2)
        if self.placer is None:
            raise LatentiaError("this UMAP map was loaded without its latents; "
                                "load it with the latents to place new codes on it")
        codes = as_latents(latents, "latents to project")
        if codes.shape[1] != self.placer.n_features_in_:
            raise LatentiaError(f"latents have {codes.shape[1]} dimensions; "
                                f"the map was built from {self.placer.n_features_in_}")
        return self.placer.predict(codes).astype(np.float32)

    def inverse_linear(self, points: np.ndarray) -> np.ndarray:
        """PCA only: latents (M, D) float32 whose projection is exactly `points` (M, 2).

        The PCA axes are orthonormal, so mean + p @ components is the least-norm preimage.
        """
        if self.method != "pca":
            raise LatentiaError("only a PCA map has a linear inverse; use MapInverse instead")
        coords = np.asarray(points, dtype=np.float64).reshape(-1, 2)
        return (self.mean + coords @ self.components).astype(np.float32)  # (M, D)

    def to_arrays(self) -> dict[str, np.ndarray]:
        """Numeric arrays only (safetensors-friendly); the method name travels as JSON bytes."""
        arrays = {"points": np.ascontiguousarray(self.points, dtype=np.float32),
                  "meta_json": json_field({"method": self.method})}
        if self.method == "pca":
            arrays["mean"] = np.ascontiguousarray(self.mean, dtype=np.float64)
            arrays["components"] = np.ascontiguousarray(self.components, dtype=np.float64)
            arrays["explained_variance_ratio"] = np.ascontiguousarray(
                self.explained_variance_ratio, dtype=np.float64)
        return arrays

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray],
                    latents: np.ndarray | None = None) -> Projection:
        """Rebuild from `to_arrays`; a UMAP map needs its `latents` (N, D) to place new codes."""
        method = read_json_field(arrays, "meta_json").get("method")
        if method not in PROJECTION_METHODS:
            raise ProjectError(f"stored map projection has an unknown method {method!r}")
        points = require_array(arrays, "points", (None, 2))
        if method == "umap":
            placer = None if latents is None else _knn_placer(
                as_latents(latents), points.astype(np.float64))
            return cls("umap", frozen_array(points, np.float32), placer=placer)
        components = require_array(arrays, "components", (2, None))
        mean = require_array(arrays, "mean", (components.shape[1],))
        ratio = require_array(arrays, "explained_variance_ratio", (2,))
        return cls("pca", frozen_array(points, np.float32), frozen_array(mean, np.float64),
                   frozen_array(components, np.float64), frozen_array(ratio, np.float64))

    def _check_dim(self, dim: int) -> None:
        if dim != self.latent_dim:
            raise LatentiaError(f"latents have {dim} dimensions; the map was built from "
                                f"{self.latent_dim}")


def fit_projection(means: np.ndarray, method: str = "pca", seed: int = 0) -> Projection:
    """Project latent means (N, D) to 2-D with PCA (Pearson 1901) or UMAP (McInnes et al. 2018)."""
    if method not in PROJECTION_METHODS:
        raise LatentiaError(f"unknown map method {method!r}; choose one of {PROJECTION_METHODS}")
    codes = as_latents(means, "latent means", min_rows=2)
    if codes.shape[1] < 2:
        raise LatentiaError("a 2-D map needs latents with at least 2 dimensions")
    with single_threaded():
        if method == "umap":
            return _fit_umap(codes, rng_seed(seed))
        return _fit_pca(codes, rng_seed(seed))


def _fit_pca(codes: np.ndarray, seed: int) -> Projection:
    with np.errstate(invalid="ignore", divide="ignore"):  # 0/0 variance ratio, handled below
        pca = PCA(n_components=2, random_state=seed).fit(codes)
    mean = pca.mean_.astype(np.float64)  # (D,)
    components = pca.components_.astype(np.float64)  # (2, D), signs fixed by sklearn's svd_flip
    # All-identical latents have zero variance: report 0 instead of sklearn's 0/0.
    ratio = np.nan_to_num(pca.explained_variance_ratio_.astype(np.float64))
    points = (codes - mean) @ components.T  # (N, 2)
    return Projection("pca", frozen_array(points, np.float32), frozen_array(mean),
                      frozen_array(components), frozen_array(ratio))


def _fit_umap(codes: np.ndarray, seed: int) -> Projection:
    try:
        import umap  # optional and slow to import (numba)
    except ImportError as exc:
        raise LatentiaError("UMAP is not installed; install the 'umap-learn' package "
                            "or use the PCA map") from exc
    # umap-learn needs n_neighbors < N; 15 is its default for larger sets.
    neighbours = max(2, min(15, codes.shape[0] - 1))
    reducer = umap.UMAP(n_components=2, n_neighbors=neighbours, random_state=seed)
    points = np.asarray(reducer.fit_transform(codes), dtype=np.float64)  # (N, 2)
    if points.shape != (codes.shape[0], 2) or not np.all(np.isfinite(points)):
        raise LatentiaError("UMAP did not produce a usable 2-D map for these latents")
    return Projection("umap", frozen_array(points, np.float32),
                      placer=_knn_placer(codes, points))


def _knn_placer(codes: np.ndarray, points: np.ndarray) -> KNeighborsRegressor:
    """Out-of-sample UMAP placement: the inverse-distance weighted mean of the map positions of
    the nearest fitted latents, like the starting position umap-learn's `transform` refines.
    A fitted latent itself lands exactly on its own point (zero distance takes all the weight).
    Deterministic and available after loading, unlike the stochastic `UMAP.transform`.
    """
    if codes.shape[0] != points.shape[0]:
        raise LatentiaError(f"the UMAP map has {points.shape[0]} points but "
                            f"{codes.shape[0]} latents were given")
    neighbours = min(UMAP_TRANSFORM_NEIGHBOURS, codes.shape[0])
    # Ball tree: exact, and no BLAS threads to fight other work (see neighbours.py).
    placer = KNeighborsRegressor(n_neighbors=neighbours, weights="distance", algorithm="ball_tree")
    return placer.fit(codes, points)
