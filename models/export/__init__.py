"""Export of generated images and animations, shared by the GUI and the CLI (no Qt here).

Frames are uint8 numpy arrays (N, H, W, C), C = 1 (grey), 3 (RGB) or 4 (RGBA). Every writer
is atomic (temporary file + rename), refuses to replace a file unless `overwrite=True`, and
raises `ExportError` with a readable message on bad settings, bad paths or full disks.
Provenance travels inside PNG files (iTXt `latentia`) and beside the others (`NAME.ext.json`).
"""

from models.export.animation import write_apng, write_webp
from models.export.frames import ProgressCallback, StopCallback
from models.export.gif import estimate_gif_bytes, write_gif
from models.export.palette import GifPalette, build_global_palette
from models.export.png import write_frames_dir, write_png
from models.export.provenance import Provenance, read_provenance, sidecar_path
from models.export.settings import AnimationSettings, GifSettings, VideoSettings
from models.export.sheet import FrameRect, SheetLayout, read_sheet_layout, write_sprite_sheet
from models.export.timeline import (
    Timeline,
    animation_frames,
    build_timeline,
    frame_durations_ms,
)
from models.export.video import mp4_available, write_mp4

__all__ = [
    "AnimationSettings",
    "FrameRect",
    "GifPalette",
    "GifSettings",
    "ProgressCallback",
    "Provenance",
    "SheetLayout",
    "StopCallback",
    "Timeline",
    "VideoSettings",
    "animation_frames",
    "build_global_palette",
    "build_timeline",
    "estimate_gif_bytes",
    "frame_durations_ms",
    "mp4_available",
    "read_provenance",
    "read_sheet_layout",
    "sidecar_path",
    "write_apng",
    "write_frames_dir",
    "write_gif",
    "write_mp4",
    "write_png",
    "write_sprite_sheet",
    "write_webp",
]
