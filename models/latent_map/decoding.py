"""Map points, drawn paths and keyframe codes to images: the verbs of the drag-to-interpolate
canvas. Numpy in, numpy out; images are uint8 (M, S, S, C) ready for display.

Decoding speed (tests/benchmarks/bench_decode_latency.py, default model, one image, on a
shared 2-core AMD EPYC): 64x64 decodes in ~5 ms p50 on one thread (~12 ms at 128x128). On two
intra-op threads, with other work on the machine, the same decode took 37 ms p50 / 208 ms p95:
the threads wait for each other, and one image has too little work to split anyway. So small
batches (the drag loop) run on one thread and big ones (a whole path) on all of them.
No bf16: this AVX2 CPU has no bf16 kernels, and emulated bf16 is slower (see models.runtime).
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

import numpy as np
import torch

from models.errors import LatentiaError
from models.latent_map.maths import LatentMap, NearestMatches, interpolate, resample_path
from models.pixels import to_uint8_images
from models.records import frozen_array

if TYPE_CHECKING:
    from models.project import Project

SINGLE_THREAD_BATCH = 4  # decode this many images or fewer on one CPU thread (see above)


@dataclass(frozen=True, eq=False)
class PathFrames:
    """The frames of an animation through latent space, all arrays read-only."""

    points: np.ndarray | None  # (n, 2) float32 map position of each frame; None without a map
    latents: np.ndarray  # (n, D) float32
    images: np.ndarray  # (n, S, S, C) uint8
    nearest: np.ndarray | None  # (n,) int64 index of the nearest real image; None without a map

    def __len__(self) -> int:
        return int(self.latents.shape[0])


class SnappedPoint(NamedTuple):
    """Result of `snap_to_image`; unpacks as (index, point)."""

    index: int  # the image whose map position is nearest
    point: np.ndarray  # (2,) float32, that image's map position


class _SingleThreadScope:
    """Torch's thread count is process-wide: overlapping scopes (decodes from two threads)
    share one switch to a single thread, and the last one out restores the saved count."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._depth = 0
        self._saved = 1

    @contextlib.contextmanager
    def __call__(self) -> Iterator[None]:
        with self._lock:
            if self._depth == 0:
                self._saved = torch.get_num_threads()
                torch.set_num_threads(1)  # costs microseconds: cheap enough per request
            self._depth += 1
        try:
            yield
        finally:
            with self._lock:
                self._depth -= 1
                if self._depth == 0:
                    torch.set_num_threads(self._saved)


_single_thread = _SingleThreadScope()


def decode_threads(batch: int) -> contextlib.AbstractContextManager[None]:
    """Run torch on one thread for small batches (see the module docstring), then restore."""
    return _single_thread() if batch <= SINGLE_THREAD_BATCH else contextlib.nullcontext()


def decode_latents(project: Project, latents: np.ndarray) -> np.ndarray:
    """Latents (M, D) or (D,) -> images uint8 (M, S, S, C), one batch, no gradients."""
    codes = np.asarray(latents, dtype=np.float32)
    codes = codes[None, :] if codes.ndim == 1 else codes
    with decode_threads(codes.shape[0]), torch.inference_mode():
        pixels = project.decode(codes)  # (M, C, S, S) float32 in [0, 1]
    return to_uint8_images(pixels)


def decode_points(project: Project, latent_map: LatentMap, points: np.ndarray) -> np.ndarray:
    """Map positions (M, 2) -> images uint8 (M, S, S, C) through the map's inverse."""
    return decode_latents(project, latent_map.inverse(points))


def path_frames(project: Project, latent_map: LatentMap, points: np.ndarray, n_frames: int,
                smoothing: float = 0.0) -> PathFrames:
    """`n_frames` frames along a path drawn on the map through `points` (K, 2), in order.

    The path is smoothed (`smoothing` > 0, see `resample_path`), resampled at constant speed on
    the map (first and last frames at the drawn ends), taken to latents by the map's inverse
    and decoded in one batch.
    """
    frames = resample_path(points, n_frames, smoothing)  # (n, 2)
    return _frames(project, latent_map.inverse(frames), frames, latent_map)


def interpolate_images(project: Project, codes: np.ndarray, n_frames: int, mode: str = "slerp",
                       easing: str = "linear", loop: bool = False, pingpong: bool = False, *,
                       latent_map: LatentMap | None = None) -> PathFrames:
    """`n_frames` frames through keyframe latents `codes` (K, D) (see `interpolate` for the
    modes and easings). With a `latent_map`, each frame also gets its map position and
    nearest real image; an exported model (no map) gets None for those."""
    keys = np.asarray(codes, dtype=np.float64)
    if keys.ndim != 2 or keys.shape[1] != project.latent_dim:
        raise LatentiaError(f"keyframe codes must have shape (K, {project.latent_dim}); "
                            f"got {keys.shape}")
    latents = interpolate(keys, n_frames, mode=mode, easing=easing, loop=loop,
                          pingpong=pingpong)  # (n, D) float32
    points = None if latent_map is None else latent_map.projection.transform(latents)
    return _frames(project, latents, points, latent_map)


def snap_to_image(latent_map: LatentMap, point: np.ndarray) -> SnappedPoint:
    """The image placed nearest to map `point` (2,), and its exact map position."""
    target = np.asarray(point, dtype=np.float64).reshape(-1)
    if target.shape != (2,) or not np.all(np.isfinite(target)):
        raise LatentiaError(f"a map point must be two finite numbers; got {point!r}")
    # Brute force: 10,000 squared distances take ~50 us, less than building a tree.
    index = int(np.argmin(np.square(latent_map.points - target).sum(axis=1)))
    return SnappedPoint(index, latent_map.points[index].copy())


def nearest_images(latent_map: LatentMap, latents: np.ndarray, k: int = 5) -> NearestMatches:
    """The `k` real images nearest to each latent (M, D) or (D,): (indices, distances)."""
    return latent_map.nearest.query(latents, k=k)


def _frames(project: Project, latents: np.ndarray, points: np.ndarray | None,
            latent_map: LatentMap | None) -> PathFrames:
    images = decode_latents(project, latents)  # the whole path in one batch
    nearest = None if latent_map is None else latent_map.nearest.query(latents, k=1).indices[:, 0]
    return PathFrames(None if points is None else frozen_array(points, np.float32),
                      frozen_array(latents, np.float32), frozen_array(images),
                      None if nearest is None else frozen_array(nearest, np.int64))
