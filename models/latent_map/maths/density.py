"""Where the map is backed by data: a binned Gaussian kernel density estimate of the map points.

Binned KDE (Wand 1994, "Fast computation of multivariate kernel estimators"): count the points
on a fine grid, blur the counts with a Gaussian (`scipy.ndimage.gaussian_filter`), read values
back with bilinear interpolation. O(N + grid) instead of O(N * M) for exact KDE.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import gaussian_filter, map_coordinates

from models.errors import LatentiaError
from models.latent_map.maths._common import as_points
from models.records import frozen_array

MAX_GRID = 1024  # cells per axis, caps memory at 4 MiB of float32
MIN_GRID = 64  # cells per axis, so wide bandwidths still get a smooth surface
CELLS_PER_BANDWIDTH = 3  # a Gaussian sampled at >= 3 cells per sigma is smooth
PAD_BANDWIDTHS = 4  # grid margin around the data: the kernel is < 0.04% of its peak there


@dataclass(frozen=True)
class MapBounds:
    """An axis-aligned rectangle of the map, in map units."""

    x_min: float
    x_max: float
    y_min: float
    y_max: float

    def __post_init__(self) -> None:
        values = (self.x_min, self.x_max, self.y_min, self.y_max)
        if not all(np.isfinite(values)) or self.x_max <= self.x_min or self.y_max <= self.y_min:
            raise LatentiaError(f"map bounds must be finite with min < max; got {values}")

    @classmethod
    def around(cls, points: np.ndarray, margin: float = 0.05) -> MapBounds:
        """The bounding box of `points` (M, 2), widened by `margin` of its size on each side."""
        coords = as_points(points, min_rows=1)
        low, high = coords.min(axis=0), coords.max(axis=0)
        pad = np.maximum((high - low) * margin, 1e-6 * max(1.0, float(np.abs(coords).max())))
        return cls(float(low[0] - pad[0]), float(high[0] + pad[0]),
                   float(low[1] - pad[1]), float(high[1] + pad[1]))


@dataclass(frozen=True, eq=False)
class MapDensity:
    """Density of map points, normalised so the densest spot is 1 and empty areas are ~0."""

    bounds: MapBounds  # extent of `grid`
    grid: np.ndarray  # (H, W) float32, read-only; row 0 at y_min, column 0 at x_min
    bandwidth: tuple[float, float]  # Gaussian kernel standard deviation along x and y

    @classmethod
    def fit(cls, points: np.ndarray, bandwidth_scale: float = 1.0) -> MapDensity:
        """Estimate the density of map `points` (N, 2); `bandwidth_scale` widens the kernel."""
        coords = as_points(points, min_rows=1)
        if not bandwidth_scale > 0:
            raise LatentiaError(f"bandwidth_scale must be positive; got {bandwidth_scale}")
        bandwidth = _bandwidth(coords) * bandwidth_scale  # (2,)
        low = coords.min(axis=0) - PAD_BANDWIDTHS * bandwidth
        high = coords.max(axis=0) + PAD_BANDWIDTHS * bandwidth
        cells = np.clip(np.ceil((high - low) / bandwidth * CELLS_PER_BANDWIDTH),
                        MIN_GRID, MAX_GRID).astype(int)  # (2,) cells along x, y
        counts, _, _ = np.histogram2d(coords[:, 1], coords[:, 0], bins=(cells[1], cells[0]),
                                      range=((low[1], high[1]), (low[0], high[0])))  # (H, W)
        sigma_cells = bandwidth * cells / (high - low)  # (2,) x, y
        smooth = gaussian_filter(counts, sigma=(sigma_cells[1], sigma_cells[0]), mode="constant")
        grid = smooth / smooth.max()
        bounds = MapBounds(float(low[0]), float(high[0]), float(low[1]), float(high[1]))
        return cls(bounds, frozen_array(grid, np.float32),
                   (float(bandwidth[0]), float(bandwidth[1])))

    def density(self, points: np.ndarray) -> np.ndarray:
        """Density (M,) float32 in 0..1 at map `points` (M, 2); 0 far from all data."""
        coords = as_points(points)
        height, width = self.grid.shape
        b = self.bounds
        # Fractional indices of the cell centres: cell i covers [i, i + 1) * cell size.
        cols = (coords[:, 0] - b.x_min) / (b.x_max - b.x_min) * width - 0.5
        rows = (coords[:, 1] - b.y_min) / (b.y_max - b.y_min) * height - 0.5
        values = map_coordinates(self.grid, [rows, cols], order=1, mode="constant", cval=0.0)
        return np.clip(values, 0.0, 1.0).astype(np.float32)

    __call__ = density

    def density_grid(self, bounds: MapBounds, resolution: int | tuple[int, int]) -> np.ndarray:
        """Density (H, W) float32 at the cell centres of `bounds`, for shading the map.

        `resolution` is W = H, or (H, W). Row 0 is at y_min and column 0 at x_min (flip the
        rows to draw with y pointing up in image coordinates).
        """
        height, width = (resolution, resolution) if np.isscalar(resolution) else resolution
        if int(height) < 1 or int(width) < 1 or int(height) * int(width) > MAX_GRID**2 * 16:
            raise LatentiaError(f"density grid resolution must be 1..{4 * MAX_GRID} cells a side; "
                                f"got {resolution}")
        height, width = int(height), int(width)
        xs = bounds.x_min + (np.arange(width) + 0.5) / width * (bounds.x_max - bounds.x_min)
        ys = bounds.y_min + (np.arange(height) + 0.5) / height * (bounds.y_max - bounds.y_min)
        grid_x, grid_y = np.meshgrid(xs, ys)  # (H, W) each
        flat = self.density(np.column_stack([grid_x.ravel(), grid_y.ravel()]))
        return flat.reshape(height, width)


def _bandwidth(coords: np.ndarray) -> np.ndarray:
    """(2,) per-axis kernel width: Scott's rule h = sigma * n^(-1/(d+4)), d = 2 (Scott 1992,
    eq. 6.42), with sigma = min(std, IQR / 1.349) as Silverman (1986, eq. 3.30) suggests so
    that well separated clusters do not inflate it."""
    std = coords.std(axis=0)
    q75, q25 = np.percentile(coords, [75, 25], axis=0)
    robust = np.minimum(std, (q75 - q25) / 1.349)
    sigma = np.where(robust > 0, robust, std)  # IQR is 0 when most points coincide
    if not np.any(sigma > 0):  # a single point or all points identical
        sigma = np.full(2, max(1.0, float(np.abs(coords).max())) * 1e-2)
    sigma = np.where(sigma > 0, sigma, sigma.max())  # all points on a vertical/horizontal line
    return sigma * coords.shape[0] ** (-1.0 / 6.0)
