"""An (x, y) series in pre-allocated numpy buffers that grow by doubling.

Appending one point per training step stays O(1) amortised, and plotting hands views of the
filled part to pyqtgraph without copying. x must not decrease: a point with a smaller x (training
resumed from an earlier checkpoint) first drops the points it supersedes, so plots stay monotonic
(pyqtgraph's clip-to-view relies on sorted x).
"""

from __future__ import annotations

import numpy as np


class GrowingSeries:
    def __init__(self, capacity: int = 1024) -> None:
        self._x = np.empty(max(1, capacity), dtype=np.float64)
        self._y = np.empty(max(1, capacity), dtype=np.float64)
        self._length = 0

    def __len__(self) -> int:
        return self._length

    @property
    def x(self) -> np.ndarray:
        """View of the filled x values (valid until the next append)."""
        return self._x[: self._length]

    @property
    def y(self) -> np.ndarray:
        return self._y[: self._length]

    def append(self, x: float, y: float) -> None:
        if self._length and x < self._x[self._length - 1]:
            self._length = int(np.searchsorted(self._x[: self._length], x, side="left"))
            self._grow(len(self._x))  # fresh buffers: never overwrite what a plot still shows
        if self._length == len(self._x):
            self._grow(2 * len(self._x))
        self._x[self._length] = x
        self._y[self._length] = y
        self._length += 1

    def clear(self) -> None:
        self._length = 0

    def _grow(self, capacity: int) -> None:
        # New arrays rather than resize in place: views already handed to the plot stay valid.
        for name in ("_x", "_y"):
            old = getattr(self, name)
            new = np.empty(capacity, dtype=np.float64)
            new[: self._length] = old[: self._length]
            setattr(self, name, new)
