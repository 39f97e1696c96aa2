"""Animated GIF with one global palette shared by every frame (no palette flicker).

Every frame is mapped onto the palette of `palette.build_global_palette`, dithered as
`settings.dither` says (ordered by default: still areas stay still). Pillow is handed that
palette explicitly with `optimize=False`: it then writes one global colour table and no
per-frame local tables.
"""

from __future__ import annotations

import io
import logging
import os
from pathlib import Path
from typing import BinaryIO

import numpy as np
from PIL import Image

from models.export.frames import (
    ProgressCallback,
    StopCallback,
    as_frames,
    check_pixel_count,
    step,
    upscale,
)
from models.export.palette import GifPalette, build_global_palette, quantize_frame
from models.export.provenance import Provenance
from models.export.settings import GifSettings
from models.export.target import export_file_with_sidecar
from models.export.timeline import build_timeline, round_durations

log = logging.getLogger(__name__)

GIF_TIME_UNIT_MS = 10  # GIF delays are stored in centiseconds
_ESTIMATE_FRAMES = 8  # frames really encoded by `estimate_gif_bytes`
_DISPOSE_NONE, _DISPOSE_TO_BACKGROUND = 1, 2


def _netscape_loop(plays: int) -> int | None:
    """Our `loop` counts plays; GIF's NETSCAPE field counts repeats after the first play, and
    a GIF without the field plays once."""
    if plays == 1:
        return None
    return 0 if plays == 0 else plays - 1


def _save_gif(target: Path | BinaryIO, images: list[Image.Image], durations_ms: list[int],
              settings: GifSettings, palette: GifPalette) -> None:
    options: dict = {"format": "GIF", "save_all": True, "append_images": images[1:],
                     "duration": durations_ms, "optimize": False,
                     "palette": palette.palette_bytes()}
    if palette.transparent_index is not None:
        # Clear each frame before the next, or old pixels show through transparent ones.
        options.update(transparency=palette.transparent_index, disposal=_DISPOSE_TO_BACKGROUND)
    else:
        options["disposal"] = _DISPOSE_NONE
    loop = _netscape_loop(settings.loop)
    if loop is not None:
        options["loop"] = loop
    images[0].save(target, **options)


def _quantized_frames(stack: np.ndarray, indices: list[int] | np.ndarray, settings: GifSettings,
                      palette: GifPalette, progress: ProgressCallback | None = None,
                      should_stop: StopCallback | None = None) -> dict[int, Image.Image]:
    quantized = {}
    for done, index in enumerate(indices):
        step(done, len(indices) + 1, progress, should_stop)
        big = upscale(stack[index], settings.scale, settings.resample)
        quantized[int(index)] = quantize_frame(big, palette, settings.dither)
    return quantized


def write_gif(path: str | os.PathLike, frames: np.ndarray, settings: GifSettings, *,
              provenance: Provenance | None = None, overwrite: bool = False,
              progress: ProgressCallback | None = None,
              should_stop: StopCallback | None = None) -> Path:
    """Write (N, H, W, C) uint8 frames as an animated GIF; provenance goes to `NAME.gif.json`.

    Frame times are rounded to GIF's 10 ms steps with the error carried forward, so each frame
    ends within 5 ms of its exact time and the total is right. Pillow merges a frame identical
    to the one before it into that frame (durations added), so such runs count as one frame.
    """
    stack = as_frames(frames)
    check_pixel_count(stack.shape[1] * settings.scale, stack.shape[2] * settings.scale)
    timeline = build_timeline(len(stack), settings)
    durations = round_durations(timeline.durations_ms, GIF_TIME_UNIT_MS)
    palette = build_global_palette(stack)
    quantized = _quantized_frames(stack, range(len(stack)), settings, palette, progress,
                                  should_stop)
    images = [quantized[i] for i in timeline.indices]
    with export_file_with_sidecar(path, provenance, overwrite=overwrite) as tmp:
        _save_gif(tmp, images, durations, settings, palette)
    step(len(stack) + 1, len(stack) + 1, progress, None)
    log.info("wrote %d GIF frames (%d ms) to %s", len(images), sum(durations), path)
    return Path(path)


def estimate_gif_bytes(frames: np.ndarray, settings: GifSettings) -> int:
    """Expected size of `write_gif(frames, settings)` in bytes, from encoding a few frames.

    Sampled frames are further apart than neighbours, so GIF's changed-region cropping helps
    them less: the estimate leans high for animations with still areas.
    """
    stack = as_frames(frames)
    timeline = build_timeline(len(stack), settings)
    palette = build_global_palette(stack)
    picked = np.unique(np.linspace(0, len(stack) - 1, min(len(stack), _ESTIMATE_FRAMES))
                       .round().astype(int))
    quantized = _quantized_frames(stack, picked, settings, palette)
    buffer = io.BytesIO()
    images = list(quantized.values())
    _save_gif(buffer, images, [100] * len(images), settings, palette)
    table_entries = 1 << max(1, (len(palette.palette_bytes()) // 3 - 1).bit_length())
    overhead = 13 + 3 * table_entries + 19 + 1  # header, colour table, loop block, trailer
    per_frame = (buffer.getbuffer().nbytes - overhead) / len(images)
    return round(overhead + per_frame * len(timeline))
