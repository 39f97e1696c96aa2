"""Writing a gallery item to a file for the GalleryService: one `models.export` writer per format.

`models.gallery.export_frames` covers the CLI's options; the panel's dialogs also offer holds on
the first and last frame and a sheet's rows and spacing, so the writers are called directly here
with the same provenance (`models.gallery.item_provenance`). Worker thread only.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PIL import Image, features

from models.errors import ExportError
from models.export import (
    AnimationSettings,
    GifSettings,
    Provenance,
    VideoSettings,
    estimate_gif_bytes,
    mp4_available,
    sidecar_path,
    write_apng,
    write_frames_dir,
    write_gif,
    write_mp4,
    write_png,
    write_sprite_sheet,
    write_webp,
)
from models.export.frames import ProgressCallback, StopCallback
from models.export.settings import (
    GIF_MAX_FPS,
    MAX_FPS,
    MAX_HOLD_MS,
    MAX_LOOP,
    MAX_SCALE,
    check_scale,
)
from models.export.sheet import MAX_SPACING
from models.export.timeline import animation_indices, build_timeline
from studio.gallery_state import EXPORT_FORMATS, ExportCapabilities, GalleryExportRequest

_SIDECAR_FORMATS = ("gif", "webp", "mp4")  # provenance sits beside these files
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
    targets = (path, sidecar_path(path)) if request.format in _SIDECAR_FORMATS else (path,)
    return tuple(str(t) for t in targets if t.exists() or t.is_symlink())


def gif_settings(request: GalleryExportRequest) -> GifSettings:
    return GifSettings(fps=request.fps, loop=request.loop, pingpong=request.pingpong,
                       hold_first_ms=request.hold_first_ms, hold_last_ms=request.hold_last_ms,
                       dither=request.dither, scale=request.scale, resample=request.resample)


def _animation_settings(request: GalleryExportRequest) -> AnimationSettings:
    return AnimationSettings(fps=request.fps, loop=request.loop, pingpong=request.pingpong,
                             hold_first_ms=request.hold_first_ms,
                             hold_last_ms=request.hold_last_ms, scale=request.scale,
                             resample=request.resample)


def _video_settings(request: GalleryExportRequest) -> VideoSettings:
    return VideoSettings(fps=request.fps, pingpong=request.pingpong,
                         hold_first_ms=request.hold_first_ms, hold_last_ms=request.hold_last_ms,
                         scale=request.scale, resample=request.resample)


def check_request(request: GalleryExportRequest) -> None:
    """Raise ExportError for a bad format or setting before any frame is touched."""
    if request.format not in EXPORT_FORMATS:
        raise ExportError(f"unknown export format {request.format!r}")
    if not request.path.strip():
        raise ExportError("choose where to write the export")
    if request.format == "mp4" and not mp4_available():
        raise ExportError("MP4 export needs the optional PyAV package (pip install av); "
                          "export GIF, WebP or APNG instead")
    {"gif": gif_settings, "webp": _animation_settings, "apng": _animation_settings,
     "mp4": _video_settings}.get(request.format, _check_still)(request)


def _check_still(request: GalleryExportRequest) -> None:
    check_scale(request.scale, request.resample)


def write_export(request: GalleryExportRequest, frames: np.ndarray, provenance: Provenance,
                 progress: ProgressCallback | None = None,
                 should_stop: StopCallback | None = None) -> Path:
    """Write uint8 (n, S, S, C) frames as `request` says; returns the written path.

    `provenance` holds one latent code per frame. Every writer is atomic: a failure or a cancel
    leaves no file behind.
    """
    check_request(request)
    path, fmt, keep = Path(request.path), request.format, request.overwrite
    options = {"provenance": provenance, "overwrite": keep, "progress": progress,
               "should_stop": should_stop}
    if fmt == "gif":
        return write_gif(path, frames, gif_settings(request), **options)
    if fmt in ("webp", "apng"):
        writer = write_webp if fmt == "webp" else write_apng
        return writer(path, frames, _animation_settings(request), **options)
    if fmt == "mp4":
        return write_mp4(path, frames, _video_settings(request), **options)
    if fmt == "png":
        return _write_still(request, frames, provenance)
    if fmt == "sheet":
        write_sprite_sheet(path, frames, columns=request.columns, rows=request.rows,
                           spacing=request.spacing, scale=request.scale,
                           resample=request.resample, provenance=provenance, overwrite=keep)
        return path
    order = animation_indices(len(frames), request.pingpong)  # display order, as animations
    return write_frames_dir(path, frames[order], scale=request.scale, resample=request.resample,
                            provenance=[_frame_provenance(provenance, int(i)) for i in order],
                            overwrite=keep, progress=progress, should_stop=should_stop)


def _write_still(request: GalleryExportRequest, frames: np.ndarray,
                 provenance: Provenance) -> Path:
    if not 0 <= request.frame < len(frames):
        raise ExportError(f"frame {request.frame + 1} does not exist; the item has "
                          f"{len(frames)} frames")
    return write_png(request.path, frames[request.frame], scale=request.scale,
                     resample=request.resample,
                     provenance=_frame_provenance(provenance, request.frame),
                     overwrite=request.overwrite)


def _frame_provenance(provenance: Provenance, index: int) -> Provenance:
    """One frame's record: its own latent code, so a remix of that image finds exactly it."""
    return provenance.for_frame(index) if provenance.latents.ndim == 2 else provenance


def estimate_gif(request: GalleryExportRequest, frames: np.ndarray) -> tuple[int, int]:
    """(bytes, displayed frames) of the GIF `request` would write."""
    settings = gif_settings(request)
    return estimate_gif_bytes(frames, settings), len(build_timeline(len(frames), settings))


def written_size(path: Path) -> int:
    return path.stat().st_size if path.is_file() else 0

