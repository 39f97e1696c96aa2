"""Sprite sheets: many frames on one PNG grid, with the grid layout stored in the file."""

from __future__ import annotations

import json
import logging
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from models.errors import ExportError
from models.export.frames import as_frames, check_pixel_count, to_pil, upscale
from models.export.png import save_png
from models.export.provenance import Provenance, provenance_texts, read_png_text
from models.export.settings import check_scale
from models.export.target import export_file

log = logging.getLogger(__name__)

SHEET_KEY = "latentia-sheet"  # PNG iTXt chunk holding the layout as JSON
MAX_SPACING = 1024

Colour = int | tuple[int, ...]


@dataclass(frozen=True)
class FrameRect:
    """Where frame `index` sits on the sheet, in output pixels."""

    index: int
    x: int
    y: int
    width: int
    height: int


@dataclass(frozen=True)
class SheetLayout:
    """A grid of `rows` x `columns` cells, filled row by row, `spacing` pixels apart."""

    columns: int
    rows: int
    spacing: int
    width: int  # of the whole sheet
    height: int
    rects: tuple[FrameRect, ...]  # rects[i] is frame i

    def to_dict(self) -> dict[str, Any]:
        return {"columns": self.columns, "rows": self.rows, "spacing": self.spacing,
                "width": self.width, "height": self.height,
                "rects": [[r.index, r.x, r.y, r.width, r.height] for r in self.rects]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SheetLayout:
        rects = tuple(FrameRect(*(int(v) for v in rect)) for rect in data["rects"])
        return cls(columns=int(data["columns"]), rows=int(data["rows"]),
                   spacing=int(data["spacing"]), width=int(data["width"]),
                   height=int(data["height"]), rects=rects)


def sheet_grid(count: int, columns: int | None, rows: int | None) -> tuple[int, int]:
    """(columns, rows) for `count` frames: a missing one is derived, both missing give the
    squarest grid; both given come back as they are, even without room (`_grid` checks)."""
    if columns is None and rows is None:
        columns = math.ceil(math.sqrt(count))
    if columns is None:
        columns = math.ceil(count / rows)
    if rows is None:
        rows = math.ceil(count / columns)
    return columns, rows


def _grid(count: int, columns: int | None, rows: int | None) -> tuple[int, int]:
    """`sheet_grid`, refusing counts that are not whole numbers >= 1 and grids without room."""
    for name, value in (("columns", columns), ("rows", rows)):
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                  or value < 1):
            raise ExportError(f"{name} must be a whole number of at least 1; got {value!r}")
    columns, rows = sheet_grid(count, columns, rows)
    if columns * rows < count:
        raise ExportError(f"a {columns}x{rows} grid has room for {columns * rows} frames, "
                          f"not {count}")
    return columns, rows


def plan_sheet(count: int, cell_width: int, cell_height: int, *, columns: int | None = None,
               rows: int | None = None, spacing: int = 0) -> SheetLayout:
    """The layout of `count` cells of `cell_width` x `cell_height` pixels."""
    if isinstance(spacing, bool) or not isinstance(spacing, int) or not 0 <= spacing <= MAX_SPACING:
        raise ExportError(f"spacing must be a whole number of pixels from 0 to {MAX_SPACING}; "
                          f"got {spacing!r}")
    columns, rows = _grid(count, columns, rows)
    rects = tuple(FrameRect(index=i, x=(i % columns) * (cell_width + spacing),
                            y=(i // columns) * (cell_height + spacing),
                            width=cell_width, height=cell_height) for i in range(count))
    return SheetLayout(columns=columns, rows=rows, spacing=spacing,
                       width=columns * cell_width + (columns - 1) * spacing,
                       height=rows * cell_height + (rows - 1) * spacing, rects=rects)


def _background_pixel(background: Colour | None, channels: int) -> np.ndarray:
    """(C,) uint8 fill; None is transparent for RGBA and black otherwise."""
    if background is None:
        return np.zeros(channels, np.uint8)
    colour = (background,) if isinstance(background, int) else tuple(background)
    if channels == 4 and len(colour) == 3:
        colour = (*colour, 255)
    valid = all(isinstance(c, int) and not isinstance(c, bool) and 0 <= c <= 255
                for c in colour)
    if len(colour) != channels or not valid:
        raise ExportError(f"background must be {channels} values from 0 to 255 for "
                          f"{channels}-channel frames; got {background!r}")
    return np.asarray(colour, np.uint8)


def compose_sheet(frames: np.ndarray, layout: SheetLayout, background: Colour | None = None,
                  *, scale: int = 1, resample: str = "lanczos") -> np.ndarray:
    """Paste (N, h, w, C) frames, each upscaled, at their rects: -> (height, width, C) uint8."""
    stack = as_frames(frames)
    sheet = np.empty((layout.height, layout.width, stack.shape[3]), np.uint8)
    sheet[:] = _background_pixel(background, stack.shape[3])
    for rect, frame in zip(layout.rects, stack, strict=True):
        sheet[rect.y:rect.y + rect.height, rect.x:rect.x + rect.width] = upscale(
            frame, scale, resample)
    return sheet


def write_sprite_sheet(path: str | os.PathLike, frames: np.ndarray, *,
                       columns: int | None = None, rows: int | None = None, spacing: int = 0,
                       scale: int = 1, resample: str = "lanczos",
                       background: Colour | None = None, provenance: Provenance | None = None,
                       overwrite: bool = False) -> SheetLayout:
    """Write (N, H, W, C) frames as one PNG grid and return where each frame went.

    Frames are upscaled first; `spacing` is in output pixels. The layout is also stored in
    the PNG (iTXt `latentia-sheet`, see `read_sheet_layout`), the provenance in `latentia`.
    """
    stack = as_frames(frames)
    check_scale(scale, resample)
    height, width = stack.shape[1] * scale, stack.shape[2] * scale
    layout = plan_sheet(len(stack), width, height, columns=columns, rows=rows, spacing=spacing)
    check_pixel_count(layout.height, layout.width)
    sheet = compose_sheet(stack, layout, background, scale=scale, resample=resample)
    texts = {SHEET_KEY: json.dumps(layout.to_dict(), separators=(",", ":")),
             **provenance_texts(provenance)}
    with export_file(path, overwrite=overwrite) as tmp:
        save_png(to_pil(sheet), tmp, texts)
    log.info("wrote a %dx%d sheet of %d frames to %s", layout.columns, layout.rows,
             len(stack), path)
    return layout


def read_sheet_layout(path: str | os.PathLike) -> SheetLayout | None:
    """The layout stored in a sprite sheet PNG; None for a PNG without one."""
    file = Path(path)
    if not file.is_file():
        raise ExportError(f"{file} does not exist or is not a file")
    text = read_png_text(file, SHEET_KEY)
    if text is None:
        return None
    try:
        return SheetLayout.from_dict(json.loads(text))
    except (ValueError, KeyError, TypeError) as exc:
        raise ExportError(f"the sheet layout in {file} is corrupt ({exc})") from exc
