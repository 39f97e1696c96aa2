"""When each frame shows and for how long: ping-pong order, even frame times, holds."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models.errors import ExportError
from models.export.frames import as_frames
from models.export.settings import AnimationSettings, GifSettings, VideoSettings


@dataclass(frozen=True)
class Timeline:
    """The displayed sequence: `indices[i]` is the source frame shown for `durations_ms[i]`."""

    indices: tuple[int, ...]
    durations_ms: tuple[int, ...]

    @property
    def total_ms(self) -> int:
        return sum(self.durations_ms)

    def __len__(self) -> int:
        return len(self.indices)


def animation_indices(count: int, pingpong: bool) -> np.ndarray:
    """Source frame order: 0..N-1, then for ping-pong N-2..1 (the end frames are not repeated,
    so the loop back to frame 0 shows no stutter)."""
    if count < 1:
        raise ExportError("there are no frames to export")
    forward = np.arange(count)
    return np.concatenate([forward, forward[-2:0:-1]]) if pingpong else forward


def animation_frames(frames: np.ndarray, pingpong: bool) -> np.ndarray:
    """(N, H, W, C) -> (M, H, W, C) in display order; M = 2N - 2 for ping-pong (N > 1)."""
    stack = as_frames(frames)
    return stack[animation_indices(len(stack), pingpong)]


def frame_durations_ms(count: int, fps: float, hold_first_ms: int = 0,
                       hold_last_ms: int = 0) -> list[int]:
    """Whole-ms durations of `count` frames at `fps`, holds added to the first and last frame.

    Frame k ends at round(1000 * (k + 1) / fps), so the rounding of each frame is carried into
    the next and the total stays within 0.5 ms of the exact count / fps seconds.
    """
    if count < 1:
        raise ExportError("there are no frames to export")
    if not fps > 0:
        raise ExportError(f"fps must be above 0; got {fps!r}")
    ends = np.rint(np.arange(1, count + 1) * (1000.0 / fps)).astype(np.int64)
    durations = np.diff(ends, prepend=0)
    durations[0] += hold_first_ms
    durations[-1] += hold_last_ms
    return [int(ms) for ms in durations]


def build_timeline(count: int, settings: GifSettings | AnimationSettings | VideoSettings
                   ) -> Timeline:
    """The displayed sequence of `count` source frames under `settings`.

    The holds belong to source frames 0 and N-1: in ping-pong the animation pauses at both
    turning points (frame N-1 sits in the middle of the sequence), otherwise at its two ends.
    """
    indices = animation_indices(count, settings.pingpong)
    durations = frame_durations_ms(len(indices), settings.fps)
    durations[0] += settings.hold_first_ms
    durations[count - 1] += settings.hold_last_ms
    return Timeline(tuple(int(i) for i in indices), tuple(durations))


def round_durations(durations_ms: list[int] | tuple[int, ...], unit_ms: int) -> list[int]:
    """Durations rounded to multiples of `unit_ms` (GIF: 10), keeping every frame's end time
    within unit/2 of the exact one, so the total is the exact total rounded once."""
    ends = np.cumsum(np.asarray(durations_ms, dtype=np.int64))
    # floor(x / u + 1/2) in integers: rounds halves up, never to even, so it is reproducible.
    rounded_ends = (2 * ends + unit_ms) // (2 * unit_ms) * unit_ms
    return [int(ms) for ms in np.diff(rounded_ends, prepend=0)]
