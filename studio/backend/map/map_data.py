"""Turning a project's latent map into the `MapData` record the Map panel draws (Qt-free).

Runs in the worker thread. The training images are a read-only memmap that may hold gigabytes,
so the UI gets a frozen copy only when it is small, and block-averaged thumbnails otherwise.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from models.errors import Cancelled
from models.latent_map.maths import LatentMap, MapBounds
from models.records import frozen_array
from studio.contract.map_records import MapData, MapLabels

if TYPE_CHECKING:
    from models.project import Project

THUMBNAIL_BUDGET_BYTES = 96 * 2**20  # what the UI may hold for hover and "show thumbnails"
MAX_THUMBNAIL = 64  # pixels a side: enough for a hover tip; the click shows the full image
MIN_THUMBNAIL = 8
THUMBNAIL_CHUNK = 512  # images per block-average, so a cancel is seen quickly
DENSITY_RESOLUTION = 192  # cells a side of the shading grid: smooth at any window size
DENSITY_MARGIN = 0.15  # of the map's size, so the shading fades out around the points


def thumbnail_size(count: int, image_size: int, channels: int) -> int:
    """The largest size S / 2^j (<= MAX_THUMBNAIL) whose thumbnails fit the byte budget."""
    size = image_size
    while size > MIN_THUMBNAIL and (
            size > MAX_THUMBNAIL or count * size * size * channels > THUMBNAIL_BUDGET_BYTES):
        if size % 2:
            break
        size //= 2
    return size


def make_thumbnails(images: np.ndarray, size: int,
                    should_stop: Callable[[], bool] | None = None) -> np.ndarray:
    """uint8 (N, S, S, C) -> read-only uint8 (N, size, size, C), averaging size-by-size blocks
    (a box filter: exact for S a multiple of size, and free of aliasing)."""
    count, image_size = images.shape[0], images.shape[1]
    factor = image_size // size
    out = np.empty((count, size, size, images.shape[3]), np.uint8)
    for start in range(0, count, THUMBNAIL_CHUNK):
        if should_stop is not None and should_stop():
            raise Cancelled("preparing the map thumbnails was cancelled")
        chunk = np.asarray(images[start:start + THUMBNAIL_CHUNK])  # (B, S, S, C) read from disk
        if factor == 1:
            out[start:start + len(chunk)] = chunk
            continue
        blocks = chunk.reshape(len(chunk), size, factor, size, factor, chunk.shape[3])
        out[start:start + len(chunk)] = (blocks.mean(axis=(2, 4)) + 0.5).astype(np.uint8)
    return frozen_array(out)


def density_image(latent_map: LatentMap) -> tuple[np.ndarray, tuple[float, float, float, float]]:
    """The map's point density on a grid around the points, and the grid's bounds."""
    bounds = MapBounds.around(latent_map.points, margin=DENSITY_MARGIN)
    grid = latent_map.density.density_grid(bounds, DENSITY_RESOLUTION)  # (H, W), row 0 = y_min
    return frozen_array(grid, np.float32), (bounds.x_min, bounds.x_max, bounds.y_min,
                                            bounds.y_max)


def map_data(latent_map: LatentMap, thumbnails: np.ndarray, image_size: int,
             auto_k: bool, labels: MapLabels | None = None) -> MapData:
    """The UI's immutable view of `latent_map` (and of the project's labels, if any)."""
    grid, bounds = density_image(latent_map)
    clusters = latent_map.clusters
    return MapData(
        method=latent_map.method, points=frozen_array(latent_map.points, np.float32),
        labels=frozen_array(clusters.labels, np.int64), cluster_names=tuple(clusters.names),
        representatives=frozen_array(clusters.representatives, np.int64),
        latents=frozen_array(latent_map.means, np.float32), thumbnails=thumbnails,
        density=grid, density_bounds=bounds, image_size=int(image_size), auto_k=auto_k,
        label_names=() if labels is None else labels.names,
        image_labels=None if labels is None else labels.rows)


def project_labels(project: Project) -> MapLabels | None:
    """Every image's label as the user sees it (folders or their own names), or None."""
    from models.project_labels import assigned_labels

    labels = assigned_labels(project)
    if labels is None:
        return None
    return MapLabels(labels.names, frozen_array(labels.rows, np.int64))


def project_thumbnails(project: Project, should_stop: Callable[[], bool] | None) -> np.ndarray:
    images = project.images()  # (N, S, S, C) uint8 memmap
    size = thumbnail_size(images.shape[0], images.shape[1], images.shape[3])
    return make_thumbnails(images, size, should_stop)
