"""Paths drawn on the map: constant-speed resampling, smoothing, degenerate strokes."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from models.errors import LatentiaError
from models.latent_map.maths import path_length, resample_path


def _steps(frames: np.ndarray) -> np.ndarray:
    return np.linalg.norm(np.diff(frames.astype(np.float64), axis=0), axis=1)


def test_polyline_is_resampled_at_constant_speed_and_keeps_endpoints():
    # Uneven input spacing: one long segment, then many short ones along a straight line.
    drawn = np.array([[0.0, 0.0], [8.0, 0.0], [8.5, 0.0], [9.0, 0.0], [10.0, 0.0]])
    frames = resample_path(drawn, 11)
    assert frames.shape == (11, 2) and frames.dtype == np.float32
    np.testing.assert_allclose(_steps(frames), 1.0, rtol=1e-5)
    np.testing.assert_array_equal(frames[0], drawn[0])
    np.testing.assert_array_equal(frames[-1], drawn[-1])


def test_arc_length_is_split_evenly_around_corners():
    drawn = np.array([[0.0, 0.0], [3.0, 0.0], [3.0, 4.0]])
    frames = resample_path(drawn, 8)  # 7 steps of length 1 along the 7-long L
    np.testing.assert_allclose(frames[3], [3.0, 0.0], atol=1e-6)  # the corner is hit exactly
    np.testing.assert_allclose(_steps(frames), 1.0, rtol=1e-5)
    assert path_length(frames) == pytest.approx(7.0)


def test_smoothed_wobbly_stroke_is_constant_speed_and_smoother():
    rng = np.random.default_rng(0)
    angles = np.linspace(0, np.pi, 80)
    drawn = np.column_stack([np.cos(angles), np.sin(angles)]) * 5
    drawn[1:-1] += rng.normal(scale=0.05, size=(78, 2))  # hand jitter
    smooth = resample_path(drawn, 60, smoothing=0.02)
    steps = _steps(smooth)
    assert steps.std() / steps.mean() < 0.02
    np.testing.assert_allclose(smooth[[0, -1]], drawn[[0, -1]], atol=1e-6)
    # Smoothing removes the jitter: the path is shorter than the drawn zig-zag, near a half circle.
    assert path_length(smooth) < path_length(drawn)
    assert path_length(smooth) == pytest.approx(5 * np.pi, rel=0.03)
    radii = np.linalg.norm(smooth, axis=1)
    assert np.abs(radii - 5).max() < 0.2


def test_degenerate_strokes():
    one = resample_path([[2.0, 3.0]], 4)
    np.testing.assert_array_equal(one, np.tile([2.0, 3.0], (4, 1)))
    repeated = resample_path([[1.0, 1.0]] * 5 + [[2.0, 1.0]] * 3, 3)
    np.testing.assert_allclose(repeated, [[1.0, 1.0], [1.5, 1.0], [2.0, 1.0]])
    still = resample_path([[1.0, 1.0]] * 4, 3, smoothing=0.5)
    np.testing.assert_array_equal(still, np.ones((3, 2)))
    two = resample_path([[0.0, 0.0], [0.0, 2.0]], 5, smoothing=0.1)
    np.testing.assert_allclose(two[:, 1], [0.0, 0.5, 1.0, 1.5, 2.0], atol=1e-6)
    np.testing.assert_array_equal(resample_path([[0, 0], [1, 1]], 1), [[0.0, 0.0]])


def test_bad_path_input():
    with pytest.raises(LatentiaError, match="positive integer"):
        resample_path([[0, 0], [1, 1]], 0)
    with pytest.raises(LatentiaError, match=r"\(M, 2\)"):
        resample_path(np.zeros((3, 3)), 5)
    with pytest.raises(LatentiaError, match="at least 1"):
        resample_path(np.zeros((0, 2)), 5)
    with pytest.raises(LatentiaError, match="smoothing"):
        resample_path([[0, 0], [1, 1]], 5, smoothing=-1)


def _distance_to_polyline(points: np.ndarray, polyline: np.ndarray) -> np.ndarray:
    """Distance (N,) from each of `points` (N, 2) to the nearest segment of `polyline` (K, 2)."""
    best = np.full(len(points), np.inf)
    for start, end in itertools.pairwise(polyline):
        along = np.clip((points - start) @ (end - start) / np.sum((end - start) ** 2), 0, 1)
        nearest = start + along[:, None] * (end - start)  # (N, 2)
        best = np.minimum(best, np.linalg.norm(points - nearest, axis=1))
    return best


@pytest.mark.parametrize("smoothing", [0.001, 0.01, 0.1, 0.5, 2.0])
@pytest.mark.parametrize("waypoints", [
    [[0.0, 0.0], [1.0, 0.0], [1.0, 10.0]],  # a short leg, then a long one
    [[0.0, 0.0], [10.0, 0.0], [10.0, 1.0], [0.0, 1.0]],  # a hairpin
    [[0.0, 0.0], [5.0, 0.0], [5.0, 5.0], [0.0, 5.0], [0.0, 10.0]],  # a zig-zag
])
def test_smoothing_few_waypoints_rounds_corners_without_overshooting(waypoints, smoothing):
    # A path of a few waypoints (what the Map panel saves) used to become the polynomial through
    # them: with a short leg before a long one it swung 2.3 units past a waypoint 1 unit away.
    drawn = np.array(waypoints)
    frames = resample_path(drawn, 60, smoothing=smoothing).astype(np.float64)
    diagonal = np.linalg.norm(drawn.max(axis=0) - drawn.min(axis=0))
    outside = np.maximum(drawn.min(axis=0) - frames, frames - drawn.max(axis=0)).max()
    assert outside < 0.05 * diagonal
    assert _distance_to_polyline(frames, drawn).max() < 0.15 * diagonal
    np.testing.assert_allclose(frames[[0, -1]], drawn[[0, -1]], atol=1e-6)


def test_slight_smoothing_passes_close_to_every_waypoint():
    drawn = np.array([[0.0, 0.0], [1.0, 0.0], [1.0, 10.0], [6.0, 10.0]])
    curve = resample_path(drawn, 400, smoothing=0.003).astype(np.float64)
    diagonal = np.linalg.norm(drawn.max(axis=0) - drawn.min(axis=0))
    for waypoint in drawn[1:-1]:
        assert np.linalg.norm(curve - waypoint, axis=1).min() < 0.03 * diagonal
    assert _distance_to_polyline(curve, drawn).max() < 0.03 * diagonal
