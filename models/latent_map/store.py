"""Shared plumbing of the mapping package: the project's map folder, safetensors files of numpy
arrays with string metadata, progress scaling and cancellation checks."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from safetensors import SafetensorError, safe_open

from models.errors import Cancelled, LatentiaError, ProjectError
from models.weights import numpy_to_tensors, save_tensors

log = logging.getLogger(__name__)

Progress = Callable[[float, str], None]  # (fraction 0..1, what is happening now)
StopCheck = Callable[[], bool]

MAP_FOLDER = "map"  # <project>/map/: encodings, map layouts, named directions
STORE_VERSION = "1"  # metadata "version" of every safetensors file written here


def require_project_folder(project, doing: str) -> Path:
    """The project folder, or a clear error for an exported single-file model."""
    if project.read_only:
        raise LatentiaError(f"an exported model has no images or project folder, so it cannot "
                            f"{doing}; open its project instead")
    return Path(project.path)


def map_folder(project, *, create: bool = False) -> Path:
    """`<project>/map`, made on request (a read-only model has none)."""
    folder = require_project_folder(project, "keep a latent map") / MAP_FOLDER
    if create:
        try:
            folder.mkdir(exist_ok=True)
        except OSError as exc:
            raise LatentiaError(f"cannot create {folder}: {exc.strerror or exc}") from exc
    return folder


@dataclass(frozen=True)
class StoredArrays:
    """The arrays and the string metadata of one safetensors file."""

    arrays: dict[str, np.ndarray]
    metadata: dict[str, str]


def write_arrays(path: Path, arrays: Mapping[str, np.ndarray], metadata: Mapping[str, str]
                 ) -> None:
    """Write numpy arrays atomically (`models.weights.save_tensors`), tagged with `metadata`."""
    # Writable C-ordered arrays: torch warns about (and safetensors needs no) read-only views.
    tensors = numpy_to_tensors({key: np.require(value, requirements=["C", "W"])
                                for key, value in arrays.items()}, "")
    save_tensors(path, tensors, metadata={"version": STORE_VERSION, **metadata})


def read_arrays(path: Path, what: str) -> StoredArrays | None:
    """The arrays of `path`, None if there is no such file; a damaged file is a ProjectError."""
    if not path.is_file():
        return None
    try:
        with safe_open(str(path), framework="numpy") as handle:
            metadata = dict(handle.metadata() or {})
            arrays = {key: handle.get_tensor(key) for key in handle.keys()}  # noqa: SIM118
    except (SafetensorError, OSError, ValueError, RuntimeError) as exc:
        raise ProjectError(f"the {what} is corrupt or not a safetensors file ({path})") from exc
    return StoredArrays(arrays, metadata)


def read_cache(path: Path, what: str) -> StoredArrays | None:
    """Like `read_arrays` for files that can be recomputed: a damaged one counts as missing."""
    try:
        stored = read_arrays(path, what)
    except ProjectError as exc:
        log.warning("%s; recomputing it", exc)
        return None
    if stored is not None and stored.metadata.get("version") != STORE_VERSION:
        log.info("the %s at %s has another format version; recomputing it", what, path)
        return None
    return stored


def scaled(progress: Progress | None, start: float, end: float) -> Progress | None:
    """`progress` for a sub-task that covers [start, end] of the whole job."""
    if progress is None:
        return None
    return lambda fraction, text: progress(start + (end - start) * fraction, text)


def check_stop(should_stop: StopCheck | None, what: str) -> None:
    if should_stop is not None and should_stop():
        raise Cancelled(f"{what} was cancelled")
