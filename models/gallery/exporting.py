"""Write an item's frames to one file format: the step the gallery's Export and the CLI share.

The writers themselves are in `models.export`; this picks one from a request, builds its
settings and hands it the provenance (per frame where a format stores one image per file).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from models.errors import ExportError
from models.export import (
    AnimationSettings,
    GifSettings,
    Provenance,
    VideoSettings,
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
from models.export.settings import OUTPUT_FORMATS, SIDECAR_FORMATS, check_scale
from models.export.timeline import animation_indices
from models.gallery.render import ProgressCallback, StopCallback

_ANIMATION_WRITERS = {"gif": write_gif, "webp": write_webp, "apng": write_apng,
                      "mp4": write_mp4}


@dataclass(frozen=True)
class ExportRequest:
    """Where and how to write frames. Values are checked by the settings of each writer."""

    format: str  # one of OUTPUT_FORMATS
    path: Path
    fps: float = 24.0
    loop: int = 0  # plays: 0 forever, 1 once, n times (GIF, WebP, APNG)
    pingpong: bool = False  # forwards then backwards (animations and frame folders)
    dither: bool = True  # GIF only
    scale: int = 1  # whole-number upscaling, 1..8
    resample: str = "lanczos"  # or "nearest" for crisp pixel art
    columns: int | None = None  # sprite sheet columns; None = about square
    rows: int | None = None  # sprite sheet rows; None = as many as the columns need
    spacing: int = 0  # sprite sheet: pixels between frames
    hold_first_ms: int = 0  # animations: extra time on the first frame ...
    hold_last_ms: int = 0  # ... and on the last
    frame: int = 0  # png: which frame
    overwrite: bool = False

    def __post_init__(self) -> None:
        if self.format not in OUTPUT_FORMATS:
            raise ExportError(f"unknown output format {self.format!r}; choose one of "
                              f"{', '.join(OUTPUT_FORMATS)}")
        if self.format == "mp4" and not mp4_available():
            raise ExportError("MP4 export needs the optional PyAV package (pip install av); "
                              "export GIF, WebP or APNG instead")
        self.writer_settings()  # a bad fps, loop or scale fails now, before any decoding

    def writer_settings(self) -> GifSettings | AnimationSettings | VideoSettings | None:
        """The settings record of the animation writer; None for PNG formats (scale checked)."""
        common = dict(fps=self.fps, pingpong=self.pingpong, hold_first_ms=self.hold_first_ms,
                      hold_last_ms=self.hold_last_ms, scale=self.scale, resample=self.resample)
        if self.format == "gif":
            return GifSettings(loop=self.loop, dither=self.dither, **common)
        if self.format in ("webp", "apng"):
            return AnimationSettings(loop=self.loop, **common)
        if self.format == "mp4":
            return VideoSettings(**common)
        check_scale(self.scale, self.resample)
        return None

    @property
    def files(self) -> tuple[Path, ...]:
        """What the export creates (a folder for frames_dir)."""
        if self.format in SIDECAR_FORMATS:
            return (self.path, sidecar_path(self.path))
        return (self.path,)


def export_frames(request: ExportRequest, frames: np.ndarray, provenance: Provenance | None,
                  *, progress: ProgressCallback | None = None,
                  should_stop: StopCallback | None = None) -> Path:
    """Write uint8 (n, S, S, C) frames as `request` says; returns the written path."""
    settings = request.writer_settings()
    if settings is None:
        return _export_pngs(request, frames, provenance, progress, should_stop)
    writer = _ANIMATION_WRITERS[request.format]
    return writer(request.path, frames, settings, provenance=provenance,
                  overwrite=request.overwrite, progress=progress, should_stop=should_stop)


def _export_pngs(request: ExportRequest, frames: np.ndarray, provenance: Provenance | None,
                 progress: ProgressCallback | None, should_stop: StopCallback | None) -> Path:
    many = provenance is not None and provenance.latents.ndim == 2
    if request.format == "png":
        if not 0 <= request.frame < len(frames):
            raise ExportError(f"frame {request.frame + 1} does not exist; the item has "
                              f"{len(frames)} frames")
        # One frame's record: its own latent code, so a remix of that image finds exactly it.
        chosen = provenance.for_frame(request.frame) if many else provenance
        return write_png(request.path, frames[request.frame], scale=request.scale,
                         resample=request.resample, provenance=chosen,
                         overwrite=request.overwrite)
    if request.format == "sheet":
        write_sprite_sheet(request.path, frames, columns=request.columns, rows=request.rows,
                           spacing=request.spacing, scale=request.scale,
                           resample=request.resample, provenance=provenance,
                           overwrite=request.overwrite)
        return request.path
    order = animation_indices(len(frames), request.pingpong)  # display order, as animations
    records = [provenance.for_frame(int(i)) for i in order] if many else provenance
    return write_frames_dir(request.path, frames[order], scale=request.scale,
                            resample=request.resample, provenance=records,
                            overwrite=request.overwrite, progress=progress,
                            should_stop=should_stop)
