"""Plane geometry of the map view, in numpy: simplifying drawn strokes, lasso and rectangle
tests, nearest path segment, and a spread of points for thumbnails. No Qt."""

from __future__ import annotations

import numpy as np


def simplify_stroke(points: np.ndarray, tolerance: float) -> np.ndarray:
    """Ramer-Douglas-Peucker (Douglas & Peucker 1973): keep the fewest points (K, 2) of the
    stroke `points` (M, 2) so that no dropped point lies farther than `tolerance` from it.
    The first and last points are always kept."""
    coords = np.asarray(points, dtype=np.float64).reshape(-1, 2)
    if coords.shape[0] <= 2:
        return coords.copy()
    keep = np.zeros(coords.shape[0], dtype=bool)
    keep[[0, -1]] = True
    stack = [(0, coords.shape[0] - 1)]
    while stack:  # iterative: a long stroke must not hit Python's recursion limit
        first, last = stack.pop()
        if last - first < 2:
            continue
        inner = coords[first + 1:last]
        distances = point_segment_distance(inner, coords[first], coords[last])
        farthest = int(np.argmax(distances))
        if distances[farthest] > tolerance:
            split = first + 1 + farthest
            keep[split] = True
            stack.extend([(first, split), (split, last)])
    return coords[keep]


def point_segment_distance(points: np.ndarray, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Distance (M,) of each point (M, 2) to the segment from `a` to `b` (2,)."""
    direction = b - a
    length2 = float(direction @ direction)
    if length2 == 0.0:
        return np.linalg.norm(points - a, axis=1)
    t = np.clip((points - a) @ direction / length2, 0.0, 1.0)  # (M,) projection parameter
    return np.linalg.norm(points - (a + t[:, None] * direction), axis=1)


def nearest_segment(path: np.ndarray, point: np.ndarray) -> tuple[int, float]:
    """(i, distance) of the segment path[i] -> path[i + 1] nearest to `point` (2,)."""
    coords = np.asarray(path, dtype=np.float64).reshape(-1, 2)
    target = np.asarray(point, dtype=np.float64).reshape(1, 2)
    if coords.shape[0] < 2:
        return -1, float("inf")
    distances = [float(point_segment_distance(target, coords[i], coords[i + 1])[0])
                 for i in range(coords.shape[0] - 1)]
    best = int(np.argmin(distances))
    return best, distances[best]


def in_rectangle(points: np.ndarray, corner_a: np.ndarray, corner_b: np.ndarray) -> np.ndarray:
    """Indices (n,) int64 of the points (N, 2) inside the rectangle with these corners."""
    low, high = np.minimum(corner_a, corner_b), np.maximum(corner_a, corner_b)
    inside = np.all((points >= low) & (points <= high), axis=1)
    return np.flatnonzero(inside).astype(np.int64)


def in_polygon(points: np.ndarray, polygon: np.ndarray) -> np.ndarray:
    """Indices (n,) int64 of the points (N, 2) inside the closed `polygon` (K, 2), by the
    even-odd rule (a ray cast to +x crosses the boundary an odd number of times)."""
    shape = np.asarray(polygon, dtype=np.float64).reshape(-1, 2)
    if shape.shape[0] < 3:
        return np.zeros(0, np.int64)
    candidates = in_rectangle(points, shape.min(axis=0), shape.max(axis=0))
    x, y = points[candidates, 0], points[candidates, 1]
    inside = np.zeros(candidates.shape[0], dtype=bool)
    x1, y1 = shape[:, 0], shape[:, 1]
    x2, y2 = np.roll(x1, -1), np.roll(y1, -1)
    for ax, ay, bx, by in zip(x1, y1, x2, y2, strict=True):  # one edge at a time, all points
        straddles = (ay > y) != (by > y)
        with np.errstate(divide="ignore", invalid="ignore"):
            crossing_x = ax + (y - ay) * (bx - ax) / (by - ay)
        inside ^= straddles & (x < crossing_x)
    return candidates[inside]


def spread_in_view(points: np.ndarray, low: np.ndarray, high: np.ndarray, cell: float,
                   cap: int) -> np.ndarray:
    """At most `cap` indices of points inside [low, high], at most one per `cell`-sized square,
    so thumbnails drawn there do not overlap. Lower indices win a square (stable choice)."""
    visible = in_rectangle(points, low, high)
    if visible.size == 0 or cell <= 0:
        return visible[:0]
    cells = np.floor((points[visible] - low) / cell).astype(np.int64)  # (n, 2)
    _, first = np.unique(cells, axis=0, return_index=True)
    return np.sort(visible[first])[:cap]
