"""Images of a project's folder, named the way a person would, and their latent codes."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

import numpy as np

from models.errors import LatentiaError
from models.ingest import load_image
from models.pixels import to_model_input

if TYPE_CHECKING:
    from models.project import Project


@dataclass(frozen=True)
class ProjectImage:
    """One image to encode: a file, and its row in the project's image cache if it has one."""

    path: Path  # absolute
    relative: str  # '/'-separated path in the source folder; the absolute path when outside
    index: int | None  # row of the image cache (a duplicate gives its twin's row)


def find_project_image(project: Project, name: str | Path) -> ProjectImage:
    """An image given as a path relative to the project's source folder, an absolute path, or
    a bare file name that only one image of the folder has."""
    text = str(name).strip()
    if not text:
        raise LatentiaError("an image name is empty")
    given = Path(text).expanduser()
    # a folder on this computer; not a label such as the bundled demo's "bundled demo"
    folder = Path(project.source_folder) if Path(project.source_folder).is_absolute() else None
    if given.is_absolute():
        return _absolute_image(project, given, folder)
    relative = PurePosixPath(*given.parts).as_posix()
    rows = _cache_rows(project)
    if relative in rows:
        return ProjectImage(_under(folder, relative), relative, rows[relative])
    if len(given.parts) == 1:
        matches = sorted(p for p in rows if PurePosixPath(p).name == relative)
        if len(matches) == 1:
            return ProjectImage(_under(folder, matches[0]), matches[0], rows[matches[0]])
        if len(matches) > 1:
            shown = ", ".join(matches[:5]) + (", ..." if len(matches) > 5 else "")
            raise LatentiaError(f"{len(matches)} images of the project are called {text} "
                                f"({shown}); give the path relative to the image folder")
    if folder is not None and (folder / given).is_file():
        return ProjectImage(folder / given, relative, None)  # in the folder, not trained on
    where = f"the project's image folder ({folder})" if folder else "this model's images"
    raise LatentiaError(f"{text} is not an image of {where}")


def _absolute_image(project: Project, path: Path, folder: Path | None) -> ProjectImage:
    if not path.is_file():
        raise LatentiaError(f"{path} does not exist or is not a file")
    if folder is not None and path.resolve().is_relative_to(folder.resolve()):
        relative = path.resolve().relative_to(folder.resolve()).as_posix()
        return ProjectImage(path, relative, _cache_rows(project).get(relative))
    return ProjectImage(path, str(path), None)  # any image can be encoded


def _under(folder: Path | None, relative: str) -> Path:
    return (folder / relative) if folder is not None else Path(relative)


def _cache_rows(project: Project) -> dict[str, int]:
    """{relative path: cache row} of every file ingested, duplicates mapped to their twin."""
    if project.cache is None:
        return {}
    rows = {entry.path: row for row, entry in enumerate(project.cache.entries)}
    row_of_digest = {entry.digest: row for row, entry in enumerate(project.cache.entries)}
    for entry in project.cache.other_files:
        if entry.digest in row_of_digest:
            rows[entry.path] = row_of_digest[entry.digest]
    return rows


def image_pixels(project: Project, image: ProjectImage) -> np.ndarray:
    """uint8 (S, S, C) as training sees it: decoded from the file, or the cached row when the
    file is gone (the folder was moved) but the project still has it."""
    if image.path.is_file():
        return load_image(image.path, project.config.ingest)
    if image.index is not None and project.cache is not None:
        return np.asarray(project.cache.images[image.index])
    raise LatentiaError(f"{image.path} is no longer there and the project has no copy of it")


def encode_images(project: Project, images: list[ProjectImage]) -> np.ndarray:
    """Posterior means (len(images), D) float32 of the images under the current model (a
    training image of a conditional model keeps its label; others get the predicted one)."""
    pixels = np.stack([image_pixels(project, image) for image in images])  # (N, S, S, C)
    labels = project.labels
    rows = None if labels is None else [
        -1 if image.index is None else int(labels.rows[image.index]) for image in images]
    means, _logvar = project.encode(to_model_input(pixels), rows)
    return means
