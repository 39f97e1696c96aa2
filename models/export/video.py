"""MP4 (H.264) through PyAV, an optional extra: `pip install av`."""

from __future__ import annotations

import importlib
import logging
import os
from fractions import Fraction
from pathlib import Path
from types import ModuleType

import numpy as np

from models.errors import ExportError
from models.export.frames import (
    ProgressCallback,
    StopCallback,
    as_frames,
    check_pixel_count,
    step,
    upscale,
)
from models.export.provenance import Provenance
from models.export.settings import VideoSettings
from models.export.target import export_file_with_sidecar
from models.export.timeline import build_timeline

log = logging.getLogger(__name__)

_CODEC = "libx264"


def mp4_available() -> bool:
    """True when PyAV can be imported (it is imported only when asked)."""
    try:
        importlib.import_module("av")
    except ImportError:
        return False
    return True


def _import_av() -> ModuleType:
    try:
        return importlib.import_module("av")
    except ImportError as exc:
        raise ExportError("MP4 export needs the optional PyAV package (pip install av); "
                          "export GIF, WebP or APNG instead") from exc


def video_frame(pixels: np.ndarray, settings: VideoSettings) -> np.ndarray:
    """(H, W, C) -> (H', W', 3) RGB: upscaled, alpha flattened onto the background, and edge
    padded to even sizes (H.264's 4:2:0 chroma has one sample per 2x2 pixels)."""
    big = upscale(pixels, settings.scale, settings.resample).astype(np.float32)
    if big.shape[2] == 1:
        big = np.repeat(big, 3, axis=2)
    elif big.shape[2] == 4:
        alpha = big[..., 3:] / 255.0
        big = big[..., :3] * alpha + np.asarray(settings.background, np.float32) * (1 - alpha)
    rgb = np.rint(big).astype(np.uint8)
    return np.pad(rgb, ((0, rgb.shape[0] % 2), (0, rgb.shape[1] % 2), (0, 0)), mode="edge")


def frame_repeats(durations_ms: tuple[int, ...], fps: float) -> list[int]:
    """How many constant-rate video frames each displayed frame lasts: holds become whole
    extra frames (rounded, carried forward), which every player shows correctly."""
    ends = np.rint(np.cumsum(durations_ms) * fps / 1000.0).astype(np.int64)
    return [max(1, int(n)) for n in np.diff(ends, prepend=0)]


def write_mp4(path: str | os.PathLike, frames: np.ndarray, settings: VideoSettings, *,
              provenance: Provenance | None = None, overwrite: bool = False,
              progress: ProgressCallback | None = None,
              should_stop: StopCallback | None = None) -> Path:
    """Write (N, H, W, C) uint8 frames as an H.264 MP4 (yuv420p, plays everywhere).

    Provenance goes to the sidecar `NAME.mp4.json`. Needs PyAV (`mp4_available()`).
    """
    av = _import_av()
    stack = as_frames(frames)
    check_pixel_count(stack.shape[1] * settings.scale, stack.shape[2] * settings.scale)
    timeline = build_timeline(len(stack), settings)
    repeats = frame_repeats(timeline.durations_ms, settings.fps)
    if _CODEC not in av.codecs_available:
        raise ExportError("this PyAV build has no H.264 encoder (libx264); export GIF or WebP")
    with export_file_with_sidecar(path, provenance, overwrite=overwrite) as tmp:
        try:
            _encode(av, tmp, stack, timeline.indices, repeats, settings, progress, should_stop)
        except av.FFmpegError as exc:
            raise ExportError(f"the video encoder failed: {exc}") from exc
    step(len(timeline) + 1, len(timeline) + 1, progress, None)
    log.info("wrote %d video frames to %s", sum(repeats), path)
    return Path(path)


def _encode(av: ModuleType, target: Path, stack: np.ndarray, indices: tuple[int, ...],
            repeats: list[int], settings: VideoSettings, progress: ProgressCallback | None,
            should_stop: StopCallback | None) -> None:
    rate = Fraction(settings.fps).limit_denominator(1001)
    with av.open(str(target), mode="w", format="mp4") as container:
        stream = container.add_stream(_CODEC, rate=rate)
        height, width = (side * settings.scale for side in stack.shape[1:3])
        stream.width, stream.height = width + width % 2, height + height % 2
        stream.pix_fmt = "yuv420p"
        stream.options = {"crf": str(settings.crf)}
        tick = 0  # presentation time in frame periods
        for done, (index, repeat) in enumerate(zip(indices, repeats, strict=True)):
            step(done, len(indices) + 1, progress, should_stop)
            frame = av.VideoFrame.from_ndarray(video_frame(stack[index], settings),
                                               format="rgb24")
            frame.time_base = 1 / rate
            for _ in range(repeat):
                frame.pts = tick
                tick += 1
                container.mux(stream.encode(frame))
        container.mux(stream.encode(None))  # flush the encoder's delayed frames
