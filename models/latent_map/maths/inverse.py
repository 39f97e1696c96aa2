"""Map -> latent: radial-basis-function interpolation through (map point, latent) pairs.

Measured on 10,000 clustered 128-D latents (PCA map): the thin-plate spline overshoots between
close map points with unrelated latents (norms up to 3x the data's, x100 when extrapolating),
while the polyharmonic `linear` kernel phi(r) = -r with a constant polynomial stays within ~1.2x.
So `linear` is the default: exact at the images, continuous, bounded outside the data.

A local RBF (each query uses only its nearest map points) is fast but has seams where the
neighbour set changes; near the data they are small, but far from it (where the set changes by
a whole cluster) one pixel of drag could jump 45% of a typical image-to-image distance. So far
from the data we blend into a smooth global RBF through coarse "landmarks" (grid-cell averages).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.linalg import LinAlgError
from scipy.interpolate import RBFInterpolator
from scipy.spatial import cKDTree

from models.errors import LatentiaError
from models.latent_map.maths._common import as_latents, as_points, check_same_rows, single_threaded
from models.records import frozen_array

INVERSE_KERNEL = "linear"
INVERSE_KERNELS = ("linear", "thin_plate_spline", "cubic", "quintic")  # polyharmonic splines
# Each query solves a system on its nearest map points only (`RBFInterpolator(neighbors=)`),
# O(n^3) per query for n neighbours instead of O(N^3) once: 64 keeps one query ~0.5 ms.
INVERSE_NEIGHBOURS = 64
# Ridge added to the kernel matrix (map coordinates are standardised first, so this is
# scale-free): the inverse stays within ~1e-3 relative of each image's latent, while
# images at exactly the same map position average instead of making the system singular.
INVERSE_SMOOTHING = 1e-6
COLLINEAR_RATIO = 1e-9  # points whose second singular value is below this share lie on a line
SPACING_NEIGHBOUR = 8  # data spacing: median distance from a point to its 8th nearest point
# Pure local RBF within 2 spacings of an image, pure landmark RBF beyond 4 (seams measured
# < 0.05 of a typical image-to-image distance up to 4 spacings, up to 0.45 beyond).
LOCAL_UNTIL, BACKGROUND_FROM = 2.0, 4.0
LANDMARK_GRID = 24  # landmark cells per axis (at most 576 landmarks: a ~5 ms global solve)


@dataclass(frozen=True, eq=False)
class MapInverse:
    """Callable: map points (M, 2) -> latents (M, D) float32, exact at the images."""

    centre: np.ndarray  # (2,) subtracted from map points before interpolation
    scale: float  # then divided by this (largest standard deviation of an axis)
    local: RBFInterpolator  # through every image, near the data
    fallback: RBFInterpolator  # constant-polynomial twin for neighbourhoods where `local` fails
    background: RBFInterpolator  # smooth, through landmark averages, far from the data
    tree: cKDTree  # over the standardised map points
    spacing: float  # typical distance between neighbouring images, standardised units
    latent_dim: int
    kernel: str
    neighbours: int
    smoothing: float

    @classmethod
    def fit(cls, points: np.ndarray, latents: np.ndarray, *, kernel: str = INVERSE_KERNEL,
            neighbours: int = INVERSE_NEIGHBOURS, smoothing: float = INVERSE_SMOOTHING
            ) -> MapInverse:
        """Interpolate `latents` (N, D) over map `points` (N, 2)."""
        coords = as_points(points, "map points", min_rows=1)
        codes = as_latents(latents, "latents")
        check_same_rows(coords, codes, "map points and latents")
        if kernel not in INVERSE_KERNELS:
            raise LatentiaError(f"unknown map inverse kernel {kernel!r}; "
                                f"choose one of {INVERSE_KERNELS}")
        if neighbours < 1 or smoothing < 0:
            raise LatentiaError("the map inverse needs neighbours >= 1 and smoothing >= 0")
        centre = coords.mean(axis=0)
        spread = coords.std(axis=0).max()
        scale = float(spread) if spread > 0 else 1.0
        unit = (coords - centre) / scale  # (N, 2), standardised so smoothing is scale-free
        # Up to `neighbours` points, one global system is solved once instead of per query.
        local_size = neighbours if coords.shape[0] > neighbours else None
        fallback = _rbf(unit, codes, local_size, smoothing, "linear", degree=0)
        local = fallback
        if kernel != "linear" and not _collinear(unit):
            # The kernel's own minimum polynomial degree (1 for the thin-plate spline).
            local = _rbf(unit, codes, local_size, smoothing, kernel, degree=None)
        tree = cKDTree(unit)
        with single_threaded():
            background = _landmark_interpolant(unit, codes, smoothing)
        return cls(frozen_array(centre), scale, local, fallback, background, tree,
                   _typical_spacing(tree, unit), codes.shape[1], kernel, int(neighbours),
                   float(smoothing))

    def __call__(self, points: np.ndarray) -> np.ndarray:
        """Latents (M, D) float32 at map `points` (M, 2) (a single (2,) point gives (1, D))."""
        unit = (as_points(points, "map points") - self.centre) / self.scale  # (M, 2)
        distance, _ = self.tree.query(unit)  # (M,) to the nearest image
        weight = _local_weight(distance / self.spacing)  # (M,) 1 near images, 0 far away
        codes = np.zeros((unit.shape[0], self.latent_dim))  # (M, D)
        near, far = weight > 0, weight < 1
        if near.any():
            codes[near] = weight[near, None] * self._local(unit[near])
        if far.any():
            codes[far] += (1.0 - weight[far, None]) * self.background(unit[far])
        return codes.astype(np.float32)

    def _local(self, unit: np.ndarray) -> np.ndarray:
        try:
            return self.local(unit)
        except LinAlgError:
            # A neighbourhood of collinear or coincident points: the constant-polynomial
            # system is always solvable thanks to the smoothing ridge.
            return self.fallback(unit)


def _rbf(unit: np.ndarray, codes: np.ndarray, neighbours: int | None, smoothing: float,
         kernel: str, degree: int | None) -> RBFInterpolator:
    return RBFInterpolator(unit, codes, neighbors=neighbours, smoothing=smoothing,
                           kernel=kernel, degree=degree)


def _collinear(unit: np.ndarray) -> bool:
    """True when the map points lie on a line (or one point): a degree-1 polynomial is then
    not determined, which kernels like the thin-plate spline need (Fasshauer 2007, ch. 8)."""
    if unit.shape[0] < 3:
        return True
    singular = np.linalg.svd(unit - unit.mean(axis=0), compute_uv=False)  # (2,)
    return bool(singular[1] <= COLLINEAR_RATIO * max(singular[0], 1e-300))


def _typical_spacing(tree: cKDTree, unit: np.ndarray) -> float:
    """Median distance from an image to its 8th nearest image (ignoring exact duplicates)."""
    rank = min(SPACING_NEIGHBOUR, unit.shape[0] - 1)
    if rank < 1:
        return 1.0
    distances, _ = tree.query(unit, rank + 1)  # (N, rank + 1), column 0 is the point itself
    positive = distances[:, -1][distances[:, -1] > 0]
    return float(np.median(positive)) if positive.size else 1.0


def _local_weight(spacings: np.ndarray) -> np.ndarray:
    """1 up to LOCAL_UNTIL spacings from an image, 0 from BACKGROUND_FROM, smoothstep between
    (C1, so the blend adds no kink)."""
    t = np.clip((spacings - LOCAL_UNTIL) / (BACKGROUND_FROM - LOCAL_UNTIL), 0.0, 1.0)
    return 1.0 - t * t * (3.0 - 2.0 * t)


def _landmark_interpolant(unit: np.ndarray, codes: np.ndarray,
                          smoothing: float) -> RBFInterpolator:
    """Global linear-kernel RBF through the mean position and mean latent of the images in each
    occupied cell of a LANDMARK_GRID^2 grid: smooth everywhere, bounded, cheap to evaluate."""
    low, span = unit.min(axis=0), np.ptp(unit, axis=0)
    cell_size = np.where(span > 0, span / LANDMARK_GRID, 1.0)
    cells = np.minimum((unit - low) // cell_size, LANDMARK_GRID - 1).astype(np.int64)  # (N, 2)
    _, cell_of = np.unique(cells[:, 0] * LANDMARK_GRID + cells[:, 1], return_inverse=True)
    counts = np.bincount(cell_of)[:, None]  # (L, 1)
    positions = np.zeros((counts.shape[0], 2))
    latents = np.zeros((counts.shape[0], codes.shape[1]))
    np.add.at(positions, cell_of, unit)
    np.add.at(latents, cell_of, codes)
    return RBFInterpolator(positions / counts, latents / counts, smoothing=max(smoothing, 1e-9),
                           kernel="linear", degree=0)
