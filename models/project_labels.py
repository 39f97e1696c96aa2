"""The user's own labels in a project: name a map cluster or a selection, then train with them.

A project's label vocabulary is part of its model (one embedding row per label), fixed when
the project is created, like its image size. So naming images writes `labels.json` at once
(the map shows the new labels), and `labelled_copy` makes the project that trains with them:
same folder, same images, same settings, conditioned on these labels, nothing trained yet
(a project at the default latent size gets the labelled default, `LABELLED_LATENT_DIM`: its
code now holds only the style).

    name_images(project, "cats", rows)            # rows of project.images()
    copy = labelled_copy(project, "pets-by-kind.latentia")
    list(copy.trainer().run())
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from models.config import LABELLED_LATENT_DIM, VAEConfig
from models.errors import LatentiaError, ProjectError
from models.fileio import read_json, staged_folder, write_json_atomic
from models.labels import (
    ImageLabels,
    LabelAssignment,
    read_assignment,
    with_named_images,
    without_images,
    write_assignment,
)

if TYPE_CHECKING:
    from models.project import Project


def _writable(project: Project) -> None:
    if project.read_only:
        raise LatentiaError("an exported model has no images to label; open its project")


def _paths(project: Project, rows: Sequence[int]) -> list[str]:
    indices = np.asarray(rows, dtype=np.int64).reshape(-1)
    count = len(project.cache.entries)
    if indices.size and (indices.min() < 0 or indices.max() >= count):
        raise LatentiaError(f"image numbers run from 0 to {count - 1}")
    return [project.cache.entries[i].path for i in indices]


def assigned_labels(project: Project) -> ImageLabels | None:
    """Every image's label as the user sees it now (labels.json, including names the model was
    not trained with), or None when the project has no labels at all."""
    if project.read_only:
        return None
    assignment = read_assignment(project.path)
    if assignment is None:
        return None
    return assignment.rows_for([entry.path for entry in project.cache.entries])


def name_images(project: Project, name: str, rows: Sequence[int]) -> ImageLabels:
    """Give the images at `rows` the label `name` (new or existing); returns the new labels."""
    _writable(project)
    assignment = with_named_images(read_assignment(project.path), _paths(project, rows), name)
    write_assignment(project.path, assignment)
    return assigned_labels(project)


def unlabel_images(project: Project, rows: Sequence[int]) -> ImageLabels | None:
    """Take the labels off the images at `rows`; returns the labels left."""
    _writable(project)
    assignment = read_assignment(project.path)
    if assignment is None:
        return None
    write_assignment(project.path, without_images(assignment, _paths(project, rows)))
    return assigned_labels(project)


def labelled_copy(project: Project, path: str | Path) -> Project:
    """A new, untrained project at `path` with this project's images and settings, conditioned
    on its labels as they are now (at least two labels must be in use)."""
    from models.project import PROJECT_SUFFIX, Project

    _writable(project)
    assignment = read_assignment(project.path)
    if assignment is None or len(assignment.names) < 2:
        raise LatentiaError("label images with at least two different labels first")
    target = Path(path)
    if target.exists():
        raise ProjectError(f"{target} already exists; choose another name")
    with staged_folder(target, f"cannot create the project at {target}") as staging:
        shutil.copytree(project.path / "cache", staging / "cache")
        _write_labelled_document(project, staging, target.name.removesuffix(PROJECT_SUFFIX),
                                 assignment)
    return Project.open(target)


def _write_labelled_document(project: Project, staging: Path, name: str,
                             assignment: LabelAssignment) -> None:
    document = read_json(project.path / "project.json", "project description")
    config = project.config.with_labels(
        project.config.labels.replace(source=assignment.source, names=assignment.names))
    if config.vae.latent_dim == VAEConfig.latent_dim:  # the default, not the person's choice
        config = config.replace(vae=config.vae.replace(latent_dim=LABELLED_LATENT_DIM))
    document.update(name=name, config=config.to_dict(),
                    created=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
    write_assignment(staging, assignment)
    write_json_atomic(staging / "project.json", document)
