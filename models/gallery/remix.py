"""Remix: an exported image dropped back into Latentia finds the latent codes it came from.

Exports carry their codes (`models.export` provenance: a PNG chunk or a JSON sidecar), which
give the image back exactly, even one the model could not reproduce from its pixels. An image
without provenance is encoded instead: its posterior mean is the nearest code the model has.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from models.errors import ExportError, LatentiaError
from models.export import Provenance, read_provenance
from models.gallery.images import ProjectImage, encode_images
from models.records import frozen_array

if TYPE_CHECKING:
    from models.project import Project

log = logging.getLogger(__name__)

REMIX_ORIGINS = ("provenance", "encoded")


@dataclass(frozen=True, eq=False)
class RemixMatch:
    """The codes of a dropped image and how much to trust them."""

    latents: np.ndarray = field(repr=False)  # (n, D) float32, read-only; n frames or 1
    origin: str  # "provenance" (stored with the export) or "encoded" (from the pixels)
    model_id: str  # the model the codes belong to
    matches_model: bool  # model_id is the project's current model: decoding gives the image
    note: str = ""  # why provenance was not used, or that it belongs to another model

    def __post_init__(self) -> None:
        object.__setattr__(self, "latents", frozen_array(self.latents, np.float32))


def find_provenance_latents(png_path: str | os.PathLike) -> np.ndarray | None:
    """The latent codes stored with an exported image, (n, D) float32; None when it has none.

    A still gives one row, an animation or sprite sheet one per frame. A damaged record
    raises ExportError.
    """
    provenance = read_provenance(png_path)
    if provenance is None:
        return None
    return np.atleast_2d(np.array(provenance.latents, dtype=np.float32))


def locate_remix(project: Project, png_path: str | os.PathLike) -> RemixMatch:
    """The codes of the image at `png_path` for `project`: from its provenance when it has
    usable provenance, else the posterior mean of the image under the project's model."""
    path = Path(png_path)
    if not path.is_file():
        raise LatentiaError(f"{path} does not exist or is not a file")
    current = project.model_id
    provenance, note = _usable_provenance(path, project.latent_dim)
    if provenance is not None:
        matches = provenance.model_id == current
        if not matches:
            note = (f"made by another model ({provenance.model_id}); this model "
                    f"({current}) decodes its codes differently")
        return RemixMatch(np.atleast_2d(provenance.latents), "provenance",
                          provenance.model_id, matches, note)
    means = encode_images(project, [ProjectImage(path.resolve(), str(path), None)])
    return RemixMatch(means, "encoded", current, True, note)


def _usable_provenance(path: Path, latent_dim: int) -> tuple[Provenance | None, str]:
    """(provenance, "") when its codes fit the model, else (None, why not)."""
    try:
        provenance = read_provenance(path)
    except ExportError as exc:
        log.warning("ignoring unreadable provenance: %s", exc)
        return None, f"its stored provenance is unreadable ({exc}); encoded the pixels instead"
    if provenance is None:
        return None, ""
    dim = provenance.latents.shape[-1] if provenance.latents.ndim else 0
    if dim != latent_dim:
        return None, (f"its stored codes have {dim} dimensions, this model {latent_dim}; "
                      "encoded the pixels instead")
    return provenance, ""
