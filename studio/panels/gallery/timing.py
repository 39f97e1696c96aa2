"""Which frame an animation shows at a given time, as the exports will play it."""

from __future__ import annotations

import numpy as np


def display_order(count: int, pingpong: bool) -> np.ndarray:
    """Frame indices in play order: 0..n-1, then n-2..1 for ping-pong (the ends not repeated,
    as `models.export` writes them, so the turn shows no stutter)."""
    forward = np.arange(max(1, count))
    return np.concatenate([forward, forward[-2:0:-1]]) if pingpong and count > 2 else forward


def frame_at(elapsed_ms: float, count: int, fps: float, pingpong: bool) -> int:
    """The frame shown `elapsed_ms` after the animation started, looping forever."""
    order = display_order(count, pingpong)
    step = int(elapsed_ms * max(fps, 0.01) / 1000.0)
    return int(order[step % len(order)])
