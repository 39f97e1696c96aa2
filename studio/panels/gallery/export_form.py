"""What the export dialog checks, with no widgets: file names, grids, sizes, frame rates.

Messages are sentences a person can act on; an empty list means the export can start. The
limits come from the worker (ExportCapabilities, read from `models.export`), which checks
everything again before writing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from models.export.sheet import sheet_grid
from models.export.timeline import animation_indices
from studio.contract.gallery_records import ExportCapabilities, GalleryExportRequest

FORMAT_TITLES = {"png": "PNG image", "sheet": "Contact sheet (PNG)", "gif": "Animated GIF",
                 "webp": "Animated WebP", "apng": "Animated PNG (APNG)", "mp4": "MP4 video",
                 "frames_dir": "Folder of PNG frames"}
SUFFIXES = {"png": ".png", "sheet": ".png", "gif": ".gif", "webp": ".webp", "apng": ".png",
            "mp4": ".mp4", "frames_dir": ""}
ACCEPTED_SUFFIXES = {"apng": (".png", ".apng")}
GIF_FPS_WHY = ("GIF stores frame times in hundredths of a second and browsers slow frames "
               "shorter than 2/100 s down")


@dataclass(frozen=True)
class ExportSpec:
    """The item being exported and what this installation can write."""

    item_id: str
    item_name: str
    format: str
    frame_count: int
    image_size: int
    capabilities: ExportCapabilities
    fps: float = 24.0
    loop: int = 0
    pingpong: bool = False
    frame: int = 0  # the frame a still PNG of an animation starts at (the one on screen)

    @property
    def animated(self) -> bool:
        return self.frame_count > 1


def safe_file_name(name: str) -> str:
    """An item name as a file name: no path separators or characters Windows refuses."""
    cleaned = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', "_", name).strip(" .")
    return cleaned or "export"


def suggested_path(folder: str, spec: ExportSpec) -> str:
    stem = safe_file_name(spec.item_name)
    if spec.format == "sheet":
        stem += " sheet"
    elif spec.format == "frames_dir":
        stem += " frames"
    return str(Path(folder) / (stem + SUFFIXES[spec.format]))


def with_suffix(fmt: str, text: str) -> str:
    """`text` ending in the format's suffix (added when missing; a folder gets none)."""
    text = text.strip()
    suffix = SUFFIXES[fmt]
    if not text or not suffix:
        return text
    accepted = ACCEPTED_SUFFIXES.get(fmt, (suffix,))
    return text if Path(text).suffix.lower() in accepted else text + suffix


def output_size(spec: ExportSpec, request: GalleryExportRequest) -> tuple[int, int]:
    """(width, height) in pixels of the image (or of each frame) that will be written."""
    side = spec.image_size * request.scale
    if request.format != "sheet":
        return side, side
    columns, rows = sheet_grid(spec.frame_count, request.columns, request.rows)
    return (columns * side + (columns - 1) * request.spacing,
            rows * side + (rows - 1) * request.spacing)


def displayed_frames(spec: ExportSpec, request: GalleryExportRequest) -> int:
    """Frames an animation shows per loop (ping-pong plays the way back too)."""
    return len(animation_indices(spec.frame_count, request.pingpong))


def path_problems(request: GalleryExportRequest) -> list[str]:
    if not request.path.strip():
        return ["Choose where to save the export."]
    path = Path(request.path).expanduser()
    if not path.is_absolute():
        return ["Give the full path of the file, or choose it with Browse…."]
    if not path.parent.is_dir():
        return [f"The folder {path.parent} does not exist."]
    if request.format == "frames_dir":
        return [f"{path} is a file; choose a name for the new folder."] if path.is_file() else []
    return [f"{path} is a folder; choose a file name."] if path.is_dir() else []


def settings_problems(spec: ExportSpec, request: GalleryExportRequest) -> list[str]:
    caps, problems = spec.capabilities, []
    if request.format == "gif" and request.fps > caps.gif_max_fps:
        problems.append(f"A GIF plays at most {caps.gif_max_fps:g} fps ({GIF_FPS_WHY}); "
                        "lower the frame rate or export WebP or APNG.")
    if request.format == "mp4" and not caps.mp4:
        problems.append("MP4 export needs the optional PyAV package (pip install av).")
    if request.format == "sheet" and request.columns and request.rows:
        room = request.columns * request.rows
        if room < spec.frame_count:
            problems.append(f"A {request.columns}×{request.rows} grid holds {room} frames; "
                            f"this item has {spec.frame_count}. Add columns or rows.")
    width, height = output_size(spec, request)
    if width * height > caps.max_pixels:
        problems.append(f"The image would be {width:,}×{height:,} pixels, more than image "
                        f"viewers open ({caps.max_pixels:,}); lower the scale.")
    if request.format == "png" and not 0 <= request.frame < spec.frame_count:
        problems.append(f"Choose a frame from 1 to {spec.frame_count}.")
    return problems


def validate(spec: ExportSpec, request: GalleryExportRequest) -> list[str]:
    """Everything that stops `request` from being written; empty when it can go ahead."""
    return path_problems(request) + settings_problems(spec, request)
