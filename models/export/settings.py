"""Export settings: frozen records, checked when made so a bad value fails before any work."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Self

from models.errors import ExportError

# What an item's frames can be written as (models.gallery.exporting picks the writer):
STILL_FORMATS = ("png", "sheet")  # one PNG: a frame, or every frame on a grid
ANIMATED_FORMATS = ("gif", "webp", "apng", "mp4")
OUTPUT_FORMATS = (*ANIMATED_FORMATS, "frames_dir", *STILL_FORMATS)
SIDECAR_FORMATS = ("gif", "webp", "mp4")  # formats whose provenance sits beside them
RESAMPLE_METHODS = ("nearest", "lanczos")  # nearest keeps pixel art crisp; lanczos for photos
MAX_SCALE = 8
MAX_FPS = 100.0  # 10 ms frames: the finest step APNG/WebP players honour in practice
# GIF stores delays in 1/100 s, and browsers slow any delay under 2/100 s to 1/10 s, so a GIF
# above 50 fps would play slower than asked, not faster.
GIF_MAX_FPS = 50.0
MAX_HOLD_MS = 60_000
MAX_LOOP = 65_535  # GIF's NETSCAPE loop field is 16 bits
# How GIF frames are mapped onto their 256 colours (models/export/palette.py):
#   ordered: a fixed Bayer pattern; a pixel that keeps its colour keeps its palette entry in
#     every frame, so still areas of a morph stay still (the default);
#   floyd-steinberg: error diffusion; smoothest in a still, but still areas shimmer when
#     anything above or left of them moves;
#   none: the nearest colour; gradients band.
DITHER_MODES = ("ordered", "floyd-steinberg", "none")
# True / False, from a dither on/off switch (the export dialog's check box, the CLI's
# --dither/--no-dither), mean the mode fit for animations, or none.
_DITHER_SWITCH = {True: "ordered", False: "none"}


def check_scale(scale: int, resample: str) -> None:
    """Raise ExportError unless `scale` is an integer 1..8 and `resample` a known method."""
    if isinstance(scale, bool) or not isinstance(scale, int) or not 1 <= scale <= MAX_SCALE:
        raise ExportError(f"scale must be a whole number from 1 to {MAX_SCALE}; got {scale!r}")
    if resample not in RESAMPLE_METHODS:
        raise ExportError(f"resample must be one of {', '.join(RESAMPLE_METHODS)}; "
                          f"got {resample!r}")


def _check_int(name: str, value: int, low: int, high: int) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ExportError(f"{name} must be a whole number from {low} to {high}; got {value!r}")


def _check_bool(name: str, value: bool) -> None:
    if not isinstance(value, bool):
        raise ExportError(f"{name} must be True or False; got {value!r}")


def _dither_mode(value: str | bool) -> str:
    """A name from DITHER_MODES for `value`, a mode name or an on/off bool."""
    if isinstance(value, bool):
        return _DITHER_SWITCH[value]
    if not isinstance(value, str) or value not in DITHER_MODES:
        raise ExportError(f"dither must be one of {', '.join(DITHER_MODES)} (or True for "
                          f"ordered, False for none); got {value!r}")
    return value


def _check_timing(fps: float, hold_first_ms: int, hold_last_ms: int, max_fps: float) -> None:
    is_number = isinstance(fps, int | float) and not isinstance(fps, bool)
    if not is_number or not math.isfinite(fps) or not 0 < fps <= max_fps:
        raise ExportError(f"fps must be above 0 and at most {max_fps:g}; got {fps!r}")
    _check_int("hold_first_ms", hold_first_ms, 0, MAX_HOLD_MS)
    _check_int("hold_last_ms", hold_last_ms, 0, MAX_HOLD_MS)


class _FrameRate:
    """Mixin: the frame period in ms, and a constructor from it ("fps or per-frame ms")."""

    fps: float

    @property
    def frame_ms(self) -> float:
        return 1000.0 / self.fps

    @classmethod
    def from_frame_ms(cls, frame_ms: float, **fields: Any) -> Self:
        """Settings whose frames last `frame_ms` milliseconds each (fps = 1000 / frame_ms)."""
        if isinstance(frame_ms, bool) or not isinstance(frame_ms, int | float) or frame_ms <= 0:
            raise ExportError(f"the frame duration must be a positive number of ms; "
                              f"got {frame_ms!r}")
        return cls(fps=1000.0 / frame_ms, **fields)


@dataclass(frozen=True)
class GifSettings(_FrameRate):
    """How to write an animated GIF. `loop` counts plays: 0 forever, 1 once, n times.

    `dither` is one of DITHER_MODES; True and False are accepted and stored as "ordered" and
    "none", so `settings.dither` is always a mode name.
    """

    fps: float = 24.0  # film rate: smooth morphs at half the frames of 50 fps
    loop: int = 0
    pingpong: bool = False  # play forwards then backwards (end frames not repeated)
    hold_first_ms: int = 0  # extra time on the first source frame
    hold_last_ms: int = 0  # extra time on the last source frame (the turn, in ping-pong)
    dither: str | bool = "ordered"  # hides banding without shimmer; costs file size
    scale: int = 1
    resample: str = "lanczos"

    def __post_init__(self) -> None:
        _check_timing(self.fps, self.hold_first_ms, self.hold_last_ms, GIF_MAX_FPS)
        _check_bool("pingpong", self.pingpong)
        object.__setattr__(self, "dither", _dither_mode(self.dither))
        _check_int("loop", self.loop, 0, MAX_LOOP)
        check_scale(self.scale, self.resample)


@dataclass(frozen=True)
class AnimationSettings(_FrameRate):
    """How to write an animated WebP or APNG. `loop` counts plays: 0 forever, 1 once."""

    fps: float = 24.0
    loop: int = 0
    pingpong: bool = False
    hold_first_ms: int = 0
    hold_last_ms: int = 0
    scale: int = 1
    resample: str = "lanczos"
    lossless: bool = True  # WebP only (APNG is always lossless): exact pixels, bigger file
    quality: int = 80  # lossy WebP only: 0..100, 80 shows no artefacts on smooth images

    def __post_init__(self) -> None:
        _check_timing(self.fps, self.hold_first_ms, self.hold_last_ms, MAX_FPS)
        _check_bool("pingpong", self.pingpong)
        _check_bool("lossless", self.lossless)
        _check_int("loop", self.loop, 0, MAX_LOOP)
        _check_int("quality", self.quality, 0, 100)
        check_scale(self.scale, self.resample)


@dataclass(frozen=True)
class VideoSettings(_FrameRate):
    """How to write an H.264 MP4. Holds are rounded to whole frames; alpha is flattened."""

    fps: float = 24.0
    pingpong: bool = False
    hold_first_ms: int = 0
    hold_last_ms: int = 0
    scale: int = 1
    resample: str = "lanczos"
    crf: int = 18  # x264 constant quality: 18 looks lossless to most eyes, 23 is x264's default
    background: tuple[int, int, int] = (0, 0, 0)  # what transparent pixels become

    def __post_init__(self) -> None:
        _check_timing(self.fps, self.hold_first_ms, self.hold_last_ms, MAX_FPS)
        _check_bool("pingpong", self.pingpong)
        _check_int("crf", self.crf, 0, 51)
        background = tuple(self.background)
        if len(background) != 3:
            raise ExportError(f"background must be an (R, G, B) colour; got {self.background!r}")
        for channel in background:
            _check_int("each background channel", channel, 0, 255)
        object.__setattr__(self, "background", background)
