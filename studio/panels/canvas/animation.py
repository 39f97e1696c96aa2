"""What the Canvas shows (an `Animation`: frames, their latents, how they were made) and the
gallery requests made from it, with everything needed to make the frames again."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from models.records import frozen_array
from studio.contract.map_state import CurrentImage, FramesResult, GeneratedResult, PathRecord
from studio.contract.records import GalleryAddRequest, ItemRecipe

MODE_LABELS = {"path": "Map path", "slerp": "Slerp", "lerp": "Lerp", "normlerp": "Norm-lerp"}


@dataclass(frozen=True, eq=False)
class Animation:
    """Frames on the Canvas (one frame for a still), arrays read-only."""

    latents: np.ndarray  # (n, D) float32
    images: np.ndarray  # (n, S, S, C) uint8
    recipe: ItemRecipe  # how they were made; playback fields are filled in when added
    label: str  # what a person calls it, e.g. "Map path" or "Sample (seed 12)"
    points: np.ndarray | None = None  # (n, 2) map position of each frame
    nearest: np.ndarray | None = None  # (n,) nearest training image of each frame

    def __len__(self) -> int:
        return int(self.latents.shape[0])


def path_recipe(record: PathRecord) -> ItemRecipe:
    snapped = tuple(int(i) for i in record.snapped if i is not None)
    return ItemRecipe(mode="path", image_indices=snapped,
                      map_points=frozen_array(record.points, np.float32),
                      map_method=record.method, smoothing=record.smoothing, frames=record.frames)


def keyframe_recipe(kind: str, keyframes: list[CurrentImage], frames: int,
                    easing: str) -> ItemRecipe:
    """Slerp / lerp / norm-lerp through keyframes; training images are named by index
    (generated keyframes are known by their latents, which travel with the request)."""
    indices = tuple(k.image_index for k in keyframes if k.image_index is not None)
    return ItemRecipe(mode=kind, image_indices=indices, frames=frames, easing=easing)


def from_frames(result: FramesResult, recipe: ItemRecipe, label: str) -> Animation:
    return Animation(result.latents, result.images, recipe, label, result.points,
                     result.nearest)


def from_generated(result: GeneratedResult, row: int) -> Animation:
    """One picked image of a sample or attribute grid, as a still."""
    seed = result.seeds[row] if row < len(result.seeds) else None
    strength = result.strengths[row] if row < len(result.strengths) else 0.0
    recipe = ItemRecipe(mode=result.kind, temperature=result.temperature, seed=seed,
                        cluster=result.cluster, attribute=result.attribute, strength=strength)
    if result.kind == "attribute":
        label = f"“{result.attribute}” at strength {strength:+.2f}"
    elif result.kind == "cluster":
        label = f"Sample of cluster {int(result.cluster or 0) + 1} (seed {seed})"
    else:
        label = f"Sample (seed {seed}, temperature {result.temperature:.2f})"
    return Animation(result.latents[row:row + 1], result.images[row:row + 1], recipe, label)


def from_image(current: CurrentImage) -> Animation:
    """A still of one image: a training image's reconstruction, or a generated image."""
    indices = () if current.image_index is None else (current.image_index,)
    recipe = ItemRecipe(mode="slerp", image_indices=indices)  # one keyframe: the image itself
    latents = frozen_array(np.asarray(current.latent, np.float32).reshape(1, -1))
    return Animation(latents, frozen_array(current.image[None]), recipe, current.label)


def gallery_request(animation: Animation, rows: np.ndarray, name: str, fps: float, loop: bool,
                    pingpong: bool) -> GalleryAddRequest:
    """Frames `rows` of `animation` for the gallery: a still for one row, else an animation
    that plays like the Canvas does now."""
    rows = np.asarray(rows, dtype=np.int64).reshape(-1)
    animated = len(rows) > 1
    recipe = dataclasses.replace(animation.recipe, frames=len(rows), fps=float(fps),
                                 loop=0 if loop or not animated else 1,
                                 pingpong=bool(pingpong and animated))
    return GalleryAddRequest(name=name, latents=frozen_array(animation.latents[rows]),
                             images=frozen_array(animation.images[rows]), recipe=recipe)
