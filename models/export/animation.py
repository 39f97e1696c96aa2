"""Animated WebP and APNG through Pillow. Durations are whole milliseconds in both formats."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, features
from PIL.PngImagePlugin import Blend, Disposal

from models.errors import ExportError
from models.export.frames import (
    ProgressCallback,
    StopCallback,
    as_frames,
    check_pixel_count,
    scaled_pil,
    step,
)
from models.export.png import png_info
from models.export.provenance import Provenance, provenance_texts
from models.export.settings import AnimationSettings
from models.export.target import export_file, export_file_with_sidecar
from models.export.timeline import build_timeline

log = logging.getLogger(__name__)

# libwebp's `method` runs from 0 (fast) to 6 (small). Lossless takes `quality` as effort;
# on 120 morphing 256x256 frames method 0 / effort 50 took ~1 s where Pillow's defaults
# (method 4 / effort 80) took ~27 s for a file 25% smaller: not worth the wait in an export.
_LOSSLESS_METHOD, _LOSSLESS_EFFORT = 0, 50
_LOSSY_METHOD = 4  # libwebp's default; lossy is fast at any method


@dataclass(frozen=True)
class _PreparedAnimation:
    images: list[Image.Image]  # in display order; a repeated source frame is the same object
    durations_ms: list[int]
    source_count: int  # distinct source frames, for progress


def _prepare(frames: np.ndarray, settings: AnimationSettings, progress: ProgressCallback | None,
             should_stop: StopCallback | None) -> _PreparedAnimation:
    """Upscale each source frame once and lay them out on the timeline."""
    stack = as_frames(frames)
    check_pixel_count(stack.shape[1] * settings.scale, stack.shape[2] * settings.scale)
    timeline = build_timeline(len(stack), settings)
    scaled = []
    for index, pixels in enumerate(stack):
        step(index, len(stack) + 1, progress, should_stop)
        image = scaled_pil(pixels, settings.scale, settings.resample)
        # WebP and APNG have no grey mode: encoders widen L anyway, so do it once here.
        scaled.append(image.convert("RGB") if image.mode == "L" else image)
    return _PreparedAnimation(images=[scaled[i] for i in timeline.indices],
                              durations_ms=list(timeline.durations_ms),
                              source_count=len(stack))


def write_webp(path: str | os.PathLike, frames: np.ndarray, settings: AnimationSettings, *,
               provenance: Provenance | None = None, overwrite: bool = False,
               progress: ProgressCallback | None = None,
               should_stop: StopCallback | None = None) -> Path:
    """Write (N, H, W, C) uint8 frames as an animated WebP (alpha kept).

    `settings.lossless` keeps exact pixels (fast encoding, see `_LOSSLESS_METHOD`); otherwise
    `settings.quality` sets the lossy quality. Provenance goes to the sidecar `NAME.webp.json`.
    """
    if not features.check("webp"):
        raise ExportError("this Pillow was built without WebP support; export GIF or APNG")
    prepared = _prepare(frames, settings, progress, should_stop)
    quality, method = ((_LOSSLESS_EFFORT, _LOSSLESS_METHOD) if settings.lossless
                       else (settings.quality, _LOSSY_METHOD))
    with export_file_with_sidecar(path, provenance, overwrite=overwrite) as tmp:
        prepared.images[0].save(
            tmp, format="WEBP", save_all=True, append_images=prepared.images[1:],
            duration=prepared.durations_ms, loop=settings.loop, lossless=settings.lossless,
            quality=quality, method=method)
    _finish(prepared, path, progress)
    return Path(path)


def write_apng(path: str | os.PathLike, frames: np.ndarray, settings: AnimationSettings, *,
               provenance: Provenance | None = None, overwrite: bool = False,
               progress: ProgressCallback | None = None,
               should_stop: StopCallback | None = None) -> Path:
    """Write (N, H, W, C) uint8 frames as an animated PNG (lossless, alpha kept).

    Provenance goes into the iTXt chunk `latentia`, as in stills. Pillow merges a frame
    identical to the one before it into that frame (durations added).
    """
    prepared = _prepare(frames, settings, progress, should_stop)
    with export_file(path, overwrite=overwrite) as tmp:
        # Each frame replaces (not blends over) the canvas, so alpha is kept frame by frame.
        prepared.images[0].save(
            tmp, format="PNG", save_all=True, append_images=prepared.images[1:],
            duration=prepared.durations_ms, loop=settings.loop, disposal=Disposal.OP_NONE,
            blend=Blend.OP_SOURCE, default_image=False,
            pnginfo=png_info(provenance_texts(provenance)))
    _finish(prepared, path, progress)
    return Path(path)


def _finish(prepared: _PreparedAnimation, path: str | os.PathLike,
            progress: ProgressCallback | None) -> None:
    total = prepared.source_count + 1
    step(total, total, progress, None)
    log.info("wrote %d frames (%d ms) to %s", len(prepared.images),
             sum(prepared.durations_ms), path)
