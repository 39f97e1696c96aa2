"""PNG stills and folders of numbered PNG frames, each carrying its provenance."""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path

import numpy as np
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from models.errors import ExportError
from models.export.frames import (
    ProgressCallback,
    StopCallback,
    as_frames,
    as_image,
    check_pixel_count,
    scaled_pil,
    step,
)
from models.export.provenance import Provenance, provenance_texts
from models.export.settings import check_scale
from models.export.target import export_file
from models.fileio import default_permissions

log = logging.getLogger(__name__)


def png_info(texts: Mapping[str, str]) -> PngInfo:
    """iTXt chunks (UTF-8, uncompressed) for each key -> text."""
    info = PngInfo()
    for key, text in texts.items():
        info.add_itxt(key, text)
    return info


def save_png(image: Image.Image, path: Path, texts: Mapping[str, str]) -> None:
    # format= because temporary names end in .tmp, which Pillow cannot map to a format.
    image.save(path, format="PNG", pnginfo=png_info(texts))


def write_png(path: str | os.PathLike, image: np.ndarray, *, scale: int = 1,
              resample: str = "lanczos", provenance: Provenance | None = None,
              overwrite: bool = False) -> Path:
    """Write an (H, W, C) uint8 image as PNG, upscaled by a whole `scale` (1..8).

    RGBA stays RGBA. `provenance` goes into the iTXt chunk `latentia`.
    """
    pixels = as_image(image)
    check_scale(scale, resample)
    check_pixel_count(pixels.shape[0] * scale, pixels.shape[1] * scale)
    with export_file(path, overwrite=overwrite) as tmp:
        save_png(scaled_pil(pixels, scale, resample), tmp, provenance_texts(provenance))
    log.info("wrote %s", path)
    return Path(path)


def frame_name(index: int, count: int) -> str:
    """`frame_0001.png` for index 0; more digits when there are 10,000 frames or more."""
    digits = max(4, len(str(count)))
    return f"frame_{index + 1:0{digits}d}.png"


def write_frames_dir(folder: str | os.PathLike, frames: np.ndarray, *, scale: int = 1,
                     resample: str = "lanczos",
                     provenance: Provenance | Sequence[Provenance] | None = None,
                     overwrite: bool = False, progress: ProgressCallback | None = None,
                     should_stop: StopCallback | None = None) -> Path:
    """Write (N, H, W, C) frames as `folder/frame_0001.png` ... `frame_NNNN.png`.

    `provenance` is one record for every frame, or a sequence with one per frame (see
    `Provenance.for_frame`). The frames are written into a hidden folder beside `folder` that
    is renamed into place at the end, so `folder` is never half-written. A non-empty `folder`
    is only replaced when `overwrite` is True.
    """
    stack = as_frames(frames)
    check_scale(scale, resample)
    check_pixel_count(stack.shape[1] * scale, stack.shape[2] * scale)
    records = _per_frame(provenance, len(stack))
    target = Path(folder)
    _refuse_folder(target, overwrite)
    with _staging_folder(target) as staging:
        for index, pixels in enumerate(stack):
            step(index, len(stack), progress, should_stop)
            file = staging / frame_name(index, len(stack))
            save_png(scaled_pil(pixels, scale, resample), file, provenance_texts(records[index]))
            _fsync(file)
        _swap_into_place(staging, target)
    step(len(stack), len(stack), progress, None)
    log.info("wrote %d frames to %s", len(stack), target)
    return target


def _per_frame(provenance: Provenance | Sequence[Provenance] | None,
               count: int) -> list[Provenance | None]:
    if provenance is None or isinstance(provenance, Provenance):
        return [provenance] * count
    records = list(provenance)
    if len(records) != count:
        raise ExportError(f"got {len(records)} provenance records for {count} frames")
    return records


def _refuse_folder(target: Path, overwrite: bool) -> None:
    if target.exists() and not target.is_dir():
        raise ExportError(f"{target} already exists and is not a folder")
    if not target.parent.is_dir():
        raise ExportError(f"cannot write {target}: the folder {target.parent} does not exist")
    if not overwrite and target.is_dir() and any(target.iterdir()):
        raise ExportError(f"{target} already exists and is not empty; choose another folder "
                          "or allow overwriting")


@contextlib.contextmanager
def _staging_folder(target: Path) -> Iterator[Path]:
    """A hidden folder beside `target`, deleted again unless it was renamed onto `target`."""
    try:
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".tmp",
                                        dir=target.parent))
        staging.chmod(default_permissions(folder=True))  # mkdtemp makes 0700
    except OSError as exc:
        raise ExportError(f"cannot write {target}: {exc.strerror or exc}") from exc
    try:
        yield staging
    except OSError as exc:
        raise ExportError(f"cannot write {target}: {exc.strerror or exc}") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _swap_into_place(staging: Path, target: Path) -> None:
    """Rename `staging` to `target`; an old `target` is moved aside first and deleted after."""
    if not target.exists():
        os.replace(staging, target)
        return
    if not any(target.iterdir()):
        target.rmdir()  # rename onto an empty folder fails on Windows
        os.replace(staging, target)
        return
    aside = Path(tempfile.mkdtemp(prefix=f".{target.name}.", suffix=".old", dir=target.parent))
    aside.rmdir()
    os.replace(target, aside)
    try:
        os.replace(staging, target)
    except OSError:
        os.replace(aside, target)
        raise
    shutil.rmtree(aside, ignore_errors=True)


def _fsync(file: Path) -> None:
    """Flush to disk so a crash right after the rename cannot leave empty frame files."""
    with open(file, "rb+") as handle:
        os.fsync(handle.fileno())
