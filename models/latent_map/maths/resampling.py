"""Paths drawn on the map: optional spline smoothing, then constant-speed resampling."""

from __future__ import annotations

import logging

import numpy as np
from scipy.interpolate import splev, splprep

from models.errors import LatentiaError
from models.latent_map.maths._common import as_points

log = logging.getLogger(__name__)

DENSE_SAMPLES_PER_FRAME = 16  # spline evaluations per output frame for the arc-length table
MIN_DENSE_SAMPLES = 512
# Points along the drawn polyline that the smoothing spline is fitted to. A path of a few
# waypoints fitted directly leaves the spline no interior knots: it becomes the polynomial
# through the waypoints, which swings far past them when the legs differ in length.
FIT_SAMPLES = 256
ENDPOINT_WEIGHT = 1e3  # spline weight of the first and last drawn points: keeps them in place


def resample_path(points: np.ndarray, n_frames: int, smoothing: float = 0.0) -> np.ndarray:
    """`n_frames` map positions (n_frames, 2) float32 evenly spaced along the drawn path.

    `points` (K, 2) is the path in drawing order. `smoothing` 0 keeps the polyline through the
    points; > 0 fits a smoothing cubic B-spline (Dierckx 1993, via `scipy.interpolate.splprep`)
    to points spread evenly along that polyline, so its RMS distance from the drawn path may
    reach `smoothing` times the path's bounding-box diagonal: corners are rounded, the curve
    never swings out past the waypoints. Consecutive duplicates are ignored; a path of one
    distinct point gives `n_frames` copies of it. The first and last frames are exactly the
    drawn endpoints.
    """
    coords = as_points(points, "path points", min_rows=1)
    if isinstance(n_frames, bool) or not isinstance(n_frames, (int, np.integer)) or n_frames < 1:
        raise LatentiaError(f"n_frames must be a positive integer; got {n_frames!r}")
    if not np.isfinite(smoothing) or smoothing < 0:
        raise LatentiaError(f"path smoothing must be >= 0; got {smoothing}")
    coords = _drop_repeats(coords)
    if coords.shape[0] == 1 or n_frames == 1:
        return np.repeat(coords[:1], n_frames, axis=0).astype(np.float32)
    curve = _smoothed(coords, n_frames, smoothing) if smoothing > 0 else coords
    frames = _constant_speed(curve, n_frames)  # (n_frames, 2)
    frames[0], frames[-1] = coords[0], coords[-1]
    return frames.astype(np.float32)


def path_length(points: np.ndarray) -> float:
    """Length of the polyline through `points` (K, 2), in map units."""
    coords = as_points(points, "path points", min_rows=1)
    return float(np.linalg.norm(np.diff(coords, axis=0), axis=1).sum())


def _drop_repeats(coords: np.ndarray) -> np.ndarray:
    """Remove points equal to their predecessor: they add no length and break splprep."""
    scale = max(1.0, float(np.abs(coords).max()))
    step = np.linalg.norm(np.diff(coords, axis=0), axis=1)  # (K-1,)
    keep = np.concatenate([[True], step > 1e-12 * scale])
    return coords[keep]


def _along_polyline(coords: np.ndarray, count: int) -> np.ndarray:
    """The drawn points (K, 2) plus `count` points evenly spaced along their polyline, in
    order: (M, 2) with K <= M <= K + count, every segment sampled in proportion to its length."""
    arc = np.concatenate([[0.0], np.cumsum(np.linalg.norm(np.diff(coords, axis=0), axis=1))])
    positions = np.union1d(arc, np.linspace(0.0, arc[-1], count))  # sorted, duplicates dropped
    return np.column_stack([np.interp(positions, arc, coords[:, 0]),
                            np.interp(positions, arc, coords[:, 1])])


def _smoothed(drawn: np.ndarray, n_frames: int, smoothing: float) -> np.ndarray:
    """A dense polyline (S, 2) sampling a smoothing spline along `drawn` (K, 2)."""
    coords = _along_polyline(drawn, FIT_SAMPLES)  # (M, 2)
    count = coords.shape[0]
    degree = min(3, count - 1)  # splprep needs more points than the spline degree
    diagonal = float(np.linalg.norm(coords.max(axis=0) - coords.min(axis=0)))
    # splprep's s bounds sum(w_i^2 * residual_i^2): K * (smoothing * diagonal)^2 allows an RMS
    # residual of smoothing * diagonal over the interior points.
    target = count * (smoothing * diagonal) ** 2
    weights = np.ones(count)
    weights[[0, -1]] = ENDPOINT_WEIGHT
    try:
        tck, _ = splprep(coords.T, w=weights, s=target, k=degree)
    except (ValueError, TypeError) as exc:  # e.g. a path that folds back on itself exactly
        log.debug("spline smoothing failed (%s); using the drawn polyline", exc)
        return drawn
    samples = max(MIN_DENSE_SAMPLES, DENSE_SAMPLES_PER_FRAME * n_frames)
    x, y = splev(np.linspace(0.0, 1.0, samples), tck)
    return np.column_stack([x, y])  # (S, 2)


def _constant_speed(curve: np.ndarray, n_frames: int) -> np.ndarray:
    """Points (n_frames, 2) at equal arc-length steps along the polyline `curve` (S, 2)."""
    lengths = np.linalg.norm(np.diff(curve, axis=0), axis=1)  # (S-1,)
    arc = np.concatenate([[0.0], np.cumsum(lengths)])  # (S,) arc length at each vertex
    if arc[-1] <= 0:
        return np.repeat(curve[:1], n_frames, axis=0)
    targets = np.linspace(0.0, arc[-1], n_frames)  # (n_frames,)
    # Zero-length segments (a spline cusp) make `arc` flat; np.interp still picks a vertex.
    x = np.interp(targets, arc, curve[:, 0])
    y = np.interp(targets, arc, curve[:, 1])
    return np.column_stack([x, y])
