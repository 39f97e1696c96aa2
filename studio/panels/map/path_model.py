"""The path being drawn or edited on the map: waypoints, which of them sit on real images,
and the edits (move, insert, delete). Plain numpy; the plot draws it, the panel edits it."""

from __future__ import annotations

import numpy as np

from models.records import frozen_array
from studio.contract.map_records import PathRecord
from studio.panels.map.geometry import nearest_segment, simplify_stroke
from studio.panels.map.picking import MapIndex


class PathModel:
    def __init__(self) -> None:
        self.points = np.zeros((0, 2), np.float64)  # (K, 2) waypoints in drawing order
        self.snapped: list[int | None] = []  # per waypoint: the image it sits on, or None
        self.name = ""  # the name it was saved or opened under

    def __len__(self) -> int:
        return int(self.points.shape[0])

    def set_points(self, points: np.ndarray, snapped: tuple[int | None, ...] | None = None,
                   name: str = "") -> None:
        self.points = np.asarray(points, dtype=np.float64).reshape(-1, 2).copy()
        self.snapped = list(snapped) if snapped else [None] * len(self.points)
        self.name = name

    def set_stroke(self, stroke: np.ndarray, tolerance: float, index: MapIndex | None) -> None:
        """A freshly drawn stroke (M, 2) becomes editable waypoints: simplified to within
        `tolerance` map units, then snapped to the nearest images when `index` is given."""
        self.set_points(simplify_stroke(stroke, tolerance))
        if index is not None:
            for row in range(len(self)):
                self._snap(row, index)
            # Neighbouring waypoints snapped to the same image would be one point twice.
            keep = [row for row in range(len(self))
                    if row == 0 or self.snapped[row] != self.snapped[row - 1]]
            self.set_points(self.points[keep], tuple(self.snapped[row] for row in keep))

    def clear(self) -> None:
        self.set_points(np.zeros((0, 2)))

    def move(self, row: int, point: np.ndarray, index: MapIndex | None = None) -> None:
        self.points[row] = np.asarray(point, dtype=np.float64).reshape(2)
        self.snapped[row] = None
        if index is not None:
            self._snap(row, index)

    def insert_near(self, point: np.ndarray, max_distance: float,
                    index: MapIndex | None = None) -> int:
        """Insert a waypoint at `point` into the segment within `max_distance` of it; returns
        the new waypoint's row, or -1 when no segment is that close."""
        segment, distance = nearest_segment(self.points, point)
        if segment < 0 or distance > max_distance:
            return -1
        row = segment + 1
        self.points = np.insert(self.points, row, np.asarray(point, np.float64), axis=0)
        self.snapped.insert(row, None)
        if index is not None:
            self._snap(row, index)
        return row

    def delete(self, row: int) -> None:
        if 0 <= row < len(self):
            self.points = np.delete(self.points, row, axis=0)
            del self.snapped[row]

    def handle_at(self, point: np.ndarray, radius: float) -> int:
        """Row of the waypoint within `radius` of `point` (the nearest one), or -1."""
        if not len(self):
            return -1
        distances = np.linalg.norm(self.points - np.asarray(point).reshape(1, 2), axis=1)
        row = int(np.argmin(distances))
        return row if distances[row] <= radius else -1

    def record(self, method: str, frames: int, smoothing: float) -> PathRecord:
        return PathRecord(frozen_array(self.points, np.float32), method, int(frames),
                          float(smoothing), tuple(self.snapped), self.name)

    def _snap(self, row: int, index: MapIndex) -> None:
        image, position = index.snap(self.points[row])
        if image >= 0:
            self.points[row] = position
            self.snapped[row] = image
