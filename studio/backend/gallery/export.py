"""Writing a gallery item to a file for the GalleryService, through the same
`models.gallery.export_frames` as `latentia export`, with the same provenance
(`models.gallery.item_provenance`). Worker thread only.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, features

from models.errors import ExportError
from models.export import Provenance, estimate_gif_bytes, mp4_available, sidecar_path
from models.export.frames import ProgressCallback, StopCallback
from models.export.settings import (
    GIF_MAX_FPS,
    MAX_FPS,
    MAX_HOLD_MS,
    MAX_LOOP,
    MAX_SCALE,
    SIDECAR_FORMATS,
)
from models.export.sheet import MAX_SPACING
from models.export.timeline import build_timeline
from models.gallery.exporting import ExportRequest, export_frames
from studio.contract.gallery_records import ExportCapabilities, GalleryExportRequest

_FALLBACK_MAX_PIXELS = 89_478_485  # Pillow's default decompression-bomb limit


def capabilities() -> ExportCapabilities:
    return ExportCapabilities(
        mp4=mp4_available(), webp=bool(features.check("webp")), max_scale=MAX_SCALE,
        max_fps=MAX_FPS, gif_max_fps=GIF_MAX_FPS, max_loop=MAX_LOOP, max_hold_ms=MAX_HOLD_MS,
        max_spacing=MAX_SPACING, max_pixels=int(Image.MAX_IMAGE_PIXELS or _FALLBACK_MAX_PIXELS))


def existing_targets(request: GalleryExportRequest) -> tuple[str, ...]:
    """Files (or a non-empty folder) the export would replace."""
    path = Path(request.path)
    if request.format == "frames_dir":
        taken = path.is_dir() and any(path.iterdir())
        return (str(path),) if taken else ()
    targets = (path, sidecar_path(path)) if request.format in SIDECAR_FORMATS else (path,)
    return tuple(str(t) for t in targets if t.exists() or t.is_symlink())


def export_request(request: GalleryExportRequest) -> ExportRequest:
    """The same request for `models.gallery.export_frames`, which checks every setting."""
    return ExportRequest(
        format=request.format, path=Path(request.path), fps=request.fps, loop=request.loop,
        pingpong=request.pingpong, dither=request.dither, scale=request.scale,
        resample=request.resample, columns=request.columns, rows=request.rows,
        spacing=request.spacing, hold_first_ms=request.hold_first_ms,
        hold_last_ms=request.hold_last_ms, frame=request.frame, overwrite=request.overwrite)


def check_request(request: GalleryExportRequest) -> None:
    """Raise ExportError for a bad format or setting before any frame is touched."""
    export_request(request)
    if not request.path.strip():
        raise ExportError("choose where to write the export")


def write_export(request: GalleryExportRequest, frames: np.ndarray, provenance: Provenance,
                 progress: ProgressCallback | None = None,
                 should_stop: StopCallback | None = None) -> Path:
    """Write uint8 (n, S, S, C) frames as `request` says; returns the written path.

    `provenance` holds one latent code per frame. Every writer is atomic: a failure or a cancel
    leaves no file behind.
    """
    check_request(request)
    return export_frames(export_request(request), frames, provenance, progress=progress,
                         should_stop=should_stop)


def estimate_gif(request: GalleryExportRequest, frames: np.ndarray) -> tuple[int, int]:
    """(bytes, displayed frames) of the GIF `request` would write."""
    settings = export_request(request).writer_settings()
    return estimate_gif_bytes(frames, settings), len(build_timeline(len(frames), settings))


def written_size(path: Path) -> int:
    return path.stat().st_size if path.is_file() else 0

