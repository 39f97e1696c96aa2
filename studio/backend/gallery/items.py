"""Conversions between the Canvas's plain recipes, `models.gallery` items and the panel's views.

Runs in the worker thread only (it imports `models.gallery`, hence torch).
"""

from __future__ import annotations

import logging
from typing import Any

import numpy as np

from models.errors import LatentiaError
from models.gallery import GalleryItem, GallerySource, ItemSettings
from models.gallery.images import find_project_image, image_pixels
from models.latent_map.maths import EASINGS, INTERPOLATION_MODES
from models.records import frozen_array
from studio.contract.gallery_state import GalleryItemView, SourceView
from studio.contract.records import GalleryAddRequest, ItemRecipe

log = logging.getLogger(__name__)

# Canvas recipe mode -> the kind of source it records.
_RECIPE_KINDS = {"path": "path", "sample": "sample", "cluster": "cluster",
                 "attribute": "attribute", **dict.fromkeys(INTERPOLATION_MODES, "interpolation")}


def model_id_of(project: Any) -> str:
    """The project's current model id, "" when it has no trained model yet (or, like the
    tests' stand-in backend, no model at all)."""
    try:
        return str(project.model_id)
    except (LatentiaError, AttributeError):
        return ""


def image_paths_of(project: Any, indices: tuple[int, ...]) -> tuple[str, ...]:
    """Relative paths of the project's cached images at `indices` ("" where unknown)."""
    cache = getattr(project, "cache", None)
    entries = cache.entries if cache is not None else ()
    return tuple(entries[i].path if 0 <= i < len(entries) else "" for i in indices)


def source_from_recipe(project: Any, recipe: ItemRecipe) -> GallerySource:
    """The `models.gallery` record of how the Canvas made an item."""
    if recipe.mode not in _RECIPE_KINDS:
        raise LatentiaError(f"unknown way of making an image: {recipe.mode!r}")
    indices = tuple(int(i) for i in recipe.image_indices)
    points = () if recipe.map_points is None else tuple(
        (float(x), float(y)) for x, y in np.asarray(recipe.map_points).reshape(-1, 2))
    return GallerySource(
        kind=_RECIPE_KINDS[recipe.mode],
        mode=recipe.mode if recipe.mode in (*INTERPOLATION_MODES, "path") else "",
        image_indices=indices, image_paths=image_paths_of(project, indices),
        map_points=points, map_method=recipe.map_method if points else "",
        smoothing=float(recipe.smoothing), temperature=recipe.temperature, seed=recipe.seed,
        cluster=recipe.cluster, attribute=recipe.attribute,
        direction=_direction(project, recipe.attribute), strength=float(recipe.strength))


def _direction(project: Any, name: str) -> np.ndarray | None:
    """The saved attribute direction called `name`, so the item records what was applied."""
    if not name:
        return None
    try:
        from models.latent_map import load_directions

        return np.asarray(load_directions(project)[name], dtype=np.float32)
    except LatentiaError as exc:
        log.info("attribute %r not stored with the item: %s", name, exc)
        return None


def settings_from_recipe(recipe: ItemRecipe) -> ItemSettings:
    easing = recipe.easing if recipe.easing in EASINGS else "linear"
    return ItemSettings(fps=float(recipe.fps), loop=int(recipe.loop),
                        pingpong=bool(recipe.pingpong), easing=easing)


def item_from_request(project: Any, request: GalleryAddRequest, model_id: str) -> GalleryItem:
    latents = np.atleast_2d(np.asarray(request.latents, dtype=np.float32))
    return GalleryItem.create(request.name, latents, source_from_recipe(project, request.recipe),
                              model_id, settings_from_recipe(request.recipe))


def source_images(project: Any, source: GallerySource) -> np.ndarray | None:
    """uint8 (k, S, S, C) of the source's images that can still be found, or None."""
    found = []
    for index, path in zip(source.image_indices, source.image_paths, strict=False):
        try:
            if index >= 0 and getattr(project, "cache", None) is not None:
                found.append(np.asarray(project.images()[index]))
            elif path:
                found.append(image_pixels(project, find_project_image(project, path)))
        except (LatentiaError, IndexError, OSError) as exc:
            log.info("source image %s of a gallery item not shown: %s", path or index, exc)
    return frozen_array(np.stack(found)) if found else None


def source_view(source: GallerySource, images: np.ndarray | None) -> SourceView:
    points = (frozen_array(np.asarray(source.map_points, np.float32))
              if source.map_points else None)
    return SourceView(
        kind=source.kind, mode=source.mode, image_paths=source.image_paths, images=images,
        map_method=source.map_method, map_points=points, smoothing=source.smoothing,
        temperature=source.temperature, seed=source.seed, cluster=source.cluster,
        attribute=source.attribute, strength=source.strength)


def item_view(item: GalleryItem, frames: np.ndarray, model_id: str,
              images: np.ndarray | None) -> GalleryItemView:
    settings = item.settings
    return GalleryItemView(
        id=item.id, name=item.name, kind=item.kind, frames=frames, fps=float(settings.fps),
        loop=settings.loop, pingpong=settings.pingpong, easing=settings.easing,
        model_id=item.model_id, created=item.created,
        current_model=bool(model_id) and item.model_id == model_id,
        source=source_view(item.source, images))
