"""Recipes that make new gallery items (not yet saved) from a project, with no window.

Each returns a `Rendering`: an item with its full recipe plus its decoded frames, ready for
`Gallery.add` or for an export with `item_provenance`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING

import numpy as np

from models.export import Provenance
from models.gallery.images import encode_images, find_project_image
from models.gallery.item import GalleryItem, GallerySource, ItemSettings
from models.gallery.render import ProgressCallback, StopCallback, render_latents
from models.labels import LABEL_CONTRAST
from models.latent_map import MapPath, path_frames_for, project_map
from models.latent_map.maths import interpolate
from models.records import frozen_array

if TYPE_CHECKING:
    from models.project import Project


@dataclass(frozen=True, eq=False)
class Rendering:
    """A new item and what the current model decodes from it."""

    item: GalleryItem
    frames: np.ndarray = field(repr=False)  # uint8 (n, S, S, C), read-only

    def __post_init__(self) -> None:
        object.__setattr__(self, "frames", frozen_array(self.frames, np.uint8))


def between_images(project: Project, first: str, second: str, settings: ItemSettings, *,
                   mode: str = "slerp", name: str | None = None,
                   progress: ProgressCallback | None = None,
                   should_stop: StopCallback | None = None) -> Rendering:
    """`settings.frames` frames morphing between two images of the project's folder.

    Both images are encoded to their posterior means and joined by `interpolate` (slerp by
    default, which keeps codes at a typical norm all the way; see
    `models.latent_map.maths.interpolation`). `settings.easing` and `settings.cyclic` shape the
    route.
    """
    images = [find_project_image(project, first), find_project_image(project, second)]
    means = encode_images(project, images)  # (2, D)
    latents = interpolate(means, settings.frames, mode=mode, easing=settings.easing,
                          loop=settings.cyclic)
    source = GallerySource(
        kind="interpolation", mode=mode,
        image_indices=tuple(-1 if i.index is None else i.index for i in images),
        image_paths=tuple(i.relative for i in images))
    default_name = " to ".join(PurePosixPath(i.relative).stem for i in images)
    item = GalleryItem.create(name or default_name, latents, source, project.model_id, settings)
    frames = render_latents(project, latents, progress=progress, should_stop=should_stop)
    return Rendering(item, frames)


def along_path(project: Project, map_path: MapPath, n_frames: int | None = None,
               settings: ItemSettings | None = None, *,
               map_progress: Callable[[float, str], None] | None = None,
               should_stop: StopCallback | None = None) -> Rendering:
    """Frames along a path drawn on the project's map (`models.latent_map`): the path's own
    frame count unless `n_frames` is given. The map is built first if it is not on disk."""
    if n_frames is not None:
        map_path = dataclasses.replace(map_path, frames=n_frames)
    latent_map = project_map(project, method=map_path.method, progress=map_progress,
                             should_stop=should_stop)
    made = path_frames_for(project, latent_map, map_path)  # decodes every frame in one batch
    source = GallerySource(kind="path", mode="path", map_method=map_path.method,
                           smoothing=map_path.smoothing,
                           map_points=tuple(map(tuple, map_path.resolved_points(latent_map))))
    settings = (settings or ItemSettings()).replace(frames=len(made))
    item = GalleryItem.create(map_path.name, made.latents, source, project.model_id, settings)
    return Rendering(item, made.images)


def label_blend(project: Project, image: str, first: str, second: str,
                settings: ItemSettings, *, name: str | None = None,
                progress: ProgressCallback | None = None,
                should_stop: StopCallback | None = None,
                contrast: float = LABEL_CONTRAST) -> Rendering:
    """`settings.frames` frames of one image's style (a conditional project's) with its label
    blending from `first` to `second` (the label embedding interpolated; see
    `models.transfer`, also for `contrast`). `settings.easing` shapes the blend."""
    from models.transfer import blend_codes

    found = find_project_image(project, image)
    latents = blend_codes(project, encode_images(project, [found]), first, second,
                          settings.frames, settings.easing, contrast)  # (frames, D + L)
    source = GallerySource(kind="label blend", image_paths=(found.relative,),
                           image_indices=(-1 if found.index is None else found.index,),
                           labels=(project.label_names[project.label_index(first)],
                                   project.label_names[project.label_index(second)]))
    default_name = f"{PurePosixPath(found.relative).stem}: {first} to {second}"
    item = GalleryItem.create(name or default_name, latents, source, project.model_id, settings)
    frames = render_latents(project, latents, progress=progress, should_stop=should_stop)
    return Rendering(item, frames)


def in_label(project: Project, image: str, label: str, *, name: str | None = None,
             contrast: float = LABEL_CONTRAST) -> Rendering:
    """A still of one image's style redrawn with `label` (style transfer; `contrast`: see
    `models.transfer`)."""
    from models.transfer import with_label

    found = find_project_image(project, image)
    latents = with_label(project, encode_images(project, [found]), label,
                         contrast)  # (1, D + L)
    target = project.label_names[project.label_index(label)]
    source = GallerySource(kind="style transfer", image_paths=(found.relative,),
                           image_indices=(-1 if found.index is None else found.index,),
                           labels=(target,))
    default_name = f"{PurePosixPath(found.relative).stem} as {target}"
    item = GalleryItem.create(name or default_name, latents, source, project.model_id)
    return Rendering(item, render_latents(project, latents))


def item_provenance(item: GalleryItem, model_id: str | None = None) -> Provenance:
    """What an export of `item` carries: every frame's code, the model and the recipe.

    `model_id` is the model that decoded the exported frames (default: the item's own).
    """
    return Provenance.create(item.latents, model_id or item.model_id, item.describe(),
                             kind=item.source.kind)
