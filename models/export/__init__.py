"""Export of generated images and animations, shared by the GUI and the CLI (no Qt here).

Frames are uint8 numpy arrays (N, H, W, C), C = 1 (grey), 3 (RGB) or 4 (RGBA). Every writer
is atomic (temporary file + rename), refuses to replace a file unless `overwrite=True`, and
raises `ExportError` with a readable message on bad settings, bad paths or full disks.
Provenance travels inside PNG files (iTXt `latentia`) and beside the others (`NAME.ext.json`).

The names below load on first use, so a module that needs one small part (the studio's export
form needs `sheet.sheet_grid`) does not pull in scipy with the GIF palette.
"""

from models._lazy import lazy_exports

_EXPORTS = {
    "AnimationSettings": "models.export.settings",
    "FrameRect": "models.export.sheet",
    "GifPalette": "models.export.palette",
    "GifSettings": "models.export.settings",
    "ProgressCallback": "models.export.frames",
    "Provenance": "models.export.provenance",
    "SheetLayout": "models.export.sheet",
    "StopCallback": "models.export.frames",
    "Timeline": "models.export.timeline",
    "VideoSettings": "models.export.settings",
    "animation_frames": "models.export.timeline",
    "build_global_palette": "models.export.palette",
    "build_timeline": "models.export.timeline",
    "estimate_gif_bytes": "models.export.gif",
    "frame_durations_ms": "models.export.timeline",
    "mp4_available": "models.export.video",
    "read_provenance": "models.export.provenance",
    "read_sheet_layout": "models.export.sheet",
    "sidecar_path": "models.export.provenance",
    "write_apng": "models.export.animation",
    "write_frames_dir": "models.export.png",
    "write_gif": "models.export.gif",
    "write_mp4": "models.export.video",
    "write_png": "models.export.png",
    "write_sprite_sheet": "models.export.sheet",
    "write_webp": "models.export.animation",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
