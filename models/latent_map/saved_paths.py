"""Paths drawn on the latent map, saved as small JSON files (in the project or anywhere).

File format ("latentia-path", version 1), UTF-8 JSON:

    {
      "format": "latentia-path",        always this string
      "version": 1,                     files of a newer version are refused, not guessed at
      "name": "sunrise",                the path's name (in a project: also the file name)
      "method": "pca",                  the map it was drawn on: "pca" or "umap"
      "model_id": "3f9c0d12ab34ef56",   the model it was drawn with (Project.model_id)
      "points": [[x, y], ...],          K >= 1 waypoints in map units, in drawing order
      "frames": 60,                     frames to render along the path (>= 1)
      "smoothing": 0.0,                 spline smoothing (0 = straight segments), >= 0
      "waypoints_snapped": [12, null, ...]
                                        per waypoint: the index of the training image it was
                                        snapped to, or null; K entries
    }

A snapped waypoint follows its image when the map is rebuilt (`MapPath.resolved_points`), so a
path from image 12 to image 40 still joins those images after more training. A project keeps
its paths in `<project>/paths/NAME.json`.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from models.errors import LatentiaError, ProjectError
from models.fileio import read_json, write_bytes_atomic
from models.latent_map.decoding import PathFrames, path_frames
from models.latent_map.maths import PROJECTION_METHODS, LatentMap
from models.latent_map.store import require_project_folder
from models.records import frozen_array

if TYPE_CHECKING:
    from models.project import Project

log = logging.getLogger(__name__)

PATH_FORMAT = "latentia-path"
PATH_VERSION = 1
PATHS_FOLDER = "paths"
PATH_SUFFIX = ".json"
MAX_NAME_LENGTH = 100
FORBIDDEN_NAME_CHARACTERS = set('/\\:*?"<>|')  # not allowed in file names on some systems


@dataclass(frozen=True, eq=False)
class MapPath:
    """A path drawn on the latent map and how to render it (see the module docstring)."""

    name: str
    method: str
    model_id: str
    points: np.ndarray  # (K, 2) float64, read-only
    frames: int = 60
    smoothing: float = 0.0
    waypoints_snapped: tuple[int | None, ...] = field(default=())  # K entries; () = none

    def __post_init__(self) -> None:
        points = np.asarray(self.points, dtype=np.float64)
        if points.ndim != 2 or points.shape[1] != 2:
            raise LatentiaError(f"a path needs points of shape (K, 2); got {points.shape}")
        if points.shape[0] < 1:
            raise LatentiaError("a path needs at least one point")
        if not np.all(np.isfinite(points)):
            raise LatentiaError("path points must be finite numbers")
        snapped = tuple(self.waypoints_snapped) or (None,) * points.shape[0]
        if len(snapped) != points.shape[0]:
            raise LatentiaError(f"{len(snapped)} snapped waypoints given for "
                                f"{points.shape[0]} points")
        if not all(i is None or (_is_int(i) and i >= 0) for i in snapped):
            raise LatentiaError("a snapped waypoint must be an image index (>= 0) or None")
        if self.method not in PROJECTION_METHODS:
            raise LatentiaError(f"unknown map method {self.method!r}")
        if not _is_int(self.frames) or self.frames < 1:
            raise LatentiaError(f"a path needs at least one frame; got {self.frames!r}")
        if not isinstance(self.smoothing, (int, float)) or not (
                math.isfinite(self.smoothing) and self.smoothing >= 0):
            raise LatentiaError(f"path smoothing must be a number >= 0; got {self.smoothing!r}")
        object.__setattr__(self, "name", check_path_name(self.name))
        object.__setattr__(self, "points", frozen_array(points))
        object.__setattr__(self, "waypoints_snapped",
                           tuple(None if i is None else int(i) for i in snapped))
        object.__setattr__(self, "frames", int(self.frames))
        object.__setattr__(self, "smoothing", float(self.smoothing))

    def resolved_points(self, latent_map: LatentMap) -> np.ndarray:
        """(K, 2) float64 points, snapped waypoints moved to their image's place on this map."""
        points = np.array(self.points)
        count = latent_map.points.shape[0]
        for row, index in enumerate(self.waypoints_snapped):
            if index is not None:
                if index >= count:
                    raise LatentiaError(f"path '{self.name}' is snapped to image {index}, but "
                                        f"the map has only {count} images")
                points[row] = latent_map.points[index]
        return points

    def to_json(self) -> dict[str, Any]:
        return {"format": PATH_FORMAT, "version": PATH_VERSION, "name": self.name,
                "method": self.method, "model_id": self.model_id,
                "points": self.points.tolist(), "frames": self.frames,
                "smoothing": self.smoothing, "waypoints_snapped": list(self.waypoints_snapped)}

    @classmethod
    def from_json(cls, document: Any, source: str = "the path file") -> MapPath:
        """Parse a decoded JSON document; anything malformed is a ProjectError."""
        if not isinstance(document, dict) or document.get("format") != PATH_FORMAT:
            raise ProjectError(f"{source} is not a Latentia path")
        if document.get("version") != PATH_VERSION:
            raise ProjectError(f"{source} was made by an unknown version of Latentia "
                               f"(path format {document.get('version')!r})")
        missing = [key for key in ("name", "method", "model_id", "points", "frames")
                   if key not in document]
        if missing:
            raise ProjectError(f"{source} is incomplete: missing {', '.join(missing)}")
        try:
            return cls(name=document["name"], method=document["method"],
                       model_id=str(document["model_id"]), points=_points(document["points"]),
                       frames=document["frames"], smoothing=document.get("smoothing", 0.0),
                       waypoints_snapped=tuple(document.get("waypoints_snapped") or ()))
        except (LatentiaError, TypeError) as exc:
            raise ProjectError(f"{source} is damaged: {exc}") from exc


def save_path(path_file: str | Path, map_path: MapPath, *, overwrite: bool = True) -> None:
    """Write `map_path` as JSON to `path_file`, atomically."""
    text = json.dumps(map_path.to_json(), indent=2).encode("utf-8")
    write_bytes_atomic(path_file, text, overwrite=overwrite)


def load_path(path_file: str | Path) -> MapPath:
    """Read a path file; a missing, unreadable or malformed file is a clear LatentiaError."""
    document = read_json(path_file, "path file")
    return MapPath.from_json(document, f"the path file {path_file}")


def path_frames_for(project: Project, latent_map: LatentMap, map_path: MapPath) -> PathFrames:
    """Render a saved path on `latent_map` (which must be of the path's method)."""
    if latent_map.method != map_path.method:
        raise LatentiaError(f"path '{map_path.name}' was drawn on the {map_path.method.upper()} "
                            f"map; show that map to play it")
    if map_path.model_id != project.model_id:
        log.info("path %r was drawn with an earlier model; waypoints may have moved",
                 map_path.name)
    return path_frames(project, latent_map, map_path.resolved_points(latent_map),
                       map_path.frames, map_path.smoothing)


# -- paths kept in a project ---------------------------------------------------------------------
def check_path_name(name: Any) -> str:
    """`name` stripped, if it can be a file name on every system; otherwise a LatentiaError."""
    if not isinstance(name, str) or not name.strip():
        raise LatentiaError("a path needs a name")
    name = name.strip()
    if len(name) > MAX_NAME_LENGTH:
        raise LatentiaError(f"a path name can have at most {MAX_NAME_LENGTH} characters")
    bad = sorted({c for c in name if c in FORBIDDEN_NAME_CHARACTERS or ord(c) < 32})
    if bad or name.startswith(".") or name.endswith("."):
        shown = " ".join(repr(c) for c in bad) or "a leading or trailing dot"
        raise LatentiaError(f"a path name cannot contain {shown}")
    return name


def paths_folder(project: Project) -> Path:
    return require_project_folder(project, "keep paths") / PATHS_FOLDER


def list_paths(project: Project) -> tuple[str, ...]:
    """Names of the paths saved in the project, sorted (none for an exported model)."""
    if project.read_only or not paths_folder(project).is_dir():
        return ()
    return tuple(sorted((file.stem for file in paths_folder(project).glob(f"*{PATH_SUFFIX}")
                         if not file.name.startswith(".")), key=str.casefold))


def save_project_path(project: Project, map_path: MapPath) -> Path:
    """Save `map_path` in the project as `paths/<name>.json` (replacing one of that name)."""
    folder = paths_folder(project)
    try:
        folder.mkdir(exist_ok=True)
    except OSError as exc:
        raise LatentiaError(f"cannot create {folder}: {exc.strerror or exc}") from exc
    file = _path_file(project, map_path.name)
    save_path(file, map_path)
    return file


def load_project_path(project: Project, name: str) -> MapPath:
    file = _path_file(project, name)
    if not file.is_file():
        raise LatentiaError(f"there is no path named '{check_path_name(name)}' in this project")
    return load_path(file)


def rename_project_path(project: Project, old_name: str, new_name: str) -> MapPath:
    """Rename a saved path (file and the name inside it); refuses to overwrite another path."""
    renamed = dataclasses.replace(load_project_path(project, old_name), name=new_name)
    old_file, new_file = _path_file(project, old_name), _path_file(project, renamed.name)
    if new_file == old_file or (new_file.exists() and new_file.samefile(old_file)):
        save_path(old_file, renamed)  # same file: a new name inside, or a change of case only
        _move(old_file, new_file)
        return renamed
    save_path(new_file, renamed, overwrite=False)  # "already exists" error if the name is taken
    _remove(old_file)
    return renamed


def delete_project_path(project: Project, name: str) -> None:
    file = _path_file(project, name)
    if not file.is_file():
        raise LatentiaError(f"there is no path named '{check_path_name(name)}' in this project")
    _remove(file)


def _path_file(project: Project, name: str) -> Path:
    return paths_folder(project) / f"{check_path_name(name)}{PATH_SUFFIX}"


def _move(source: Path, target: Path) -> None:
    try:
        source.rename(target)
    except OSError as exc:
        raise LatentiaError(f"cannot rename {source}: {exc.strerror or exc}") from exc


def _remove(file: Path) -> None:
    try:
        file.unlink()
    except OSError as exc:
        raise LatentiaError(f"cannot remove {file}: {exc.strerror or exc}") from exc


def _points(value: Any) -> np.ndarray:
    if not isinstance(value, list) or not all(
            isinstance(p, list) and len(p) == 2 and all(_is_number(c) for c in p) for p in value):
        raise LatentiaError("points must be a list of [x, y] number pairs")
    return np.asarray(value, dtype=np.float64).reshape(-1, 2)


def _is_int(value: Any) -> bool:
    return isinstance(value, (int, np.integer)) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)
