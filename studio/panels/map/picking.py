"""Finding the image under the cursor: a KD-tree over the map positions (scipy cKDTree).

One tree per map, built in milliseconds for 20,000 points; a query takes microseconds, so
hover picking costs nothing and no per-point hover items are needed.
"""

from __future__ import annotations

import numpy as np
from scipy.spatial import cKDTree


class MapIndex:
    """Nearest-image queries over the map positions (N, 2) of the images."""

    def __init__(self, points: np.ndarray) -> None:
        self.points = np.asarray(points, dtype=np.float64).reshape(-1, 2)
        self._tree = cKDTree(self.points) if len(self.points) else None

    def __len__(self) -> int:
        return int(self.points.shape[0])

    def nearest(self, point: np.ndarray, radius: float = np.inf) -> int:
        """Index of the image nearest to `point` (2,) within `radius`, or -1."""
        if self._tree is None:
            return -1
        distance, index = self._tree.query(np.asarray(point, dtype=np.float64).reshape(2),
                                           distance_upper_bound=radius)
        return int(index) if np.isfinite(distance) else -1

    def snap(self, point: np.ndarray) -> tuple[int, np.ndarray]:
        """(index, position (2,)) of the image nearest to `point`: a waypoint snapped to a real
        image (the same choice as models.latent_map.snap_to_image, without a round trip)."""
        index = self.nearest(point)
        return index, self.points[index].copy()
