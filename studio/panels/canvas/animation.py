"""What the Canvas shows (an `Animation`: frames, their latents, how they were made) and the
gallery requests made from it, with everything needed to make the frames again."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models.records import frozen_array
from studio.contract.canvas_records import (
    FramesKind,
    FramesResult,
    GeneratedKind,
    GeneratedResult,
)
from studio.contract.gallery_records import GalleryAddRequest, GallerySource, ItemSettings
from studio.contract.map_records import CurrentImage, PathRecord

MODE_LABELS = {FramesKind.PATH: "Map path", FramesKind.SLERP: "Slerp", FramesKind.LERP: "Lerp",
               FramesKind.NORMLERP: "Norm-lerp", FramesKind.BLEND: "Label blend"}


@dataclass(frozen=True, eq=False)
class Animation:
    """Frames on the Canvas (one frame for a still), arrays read-only."""

    latents: np.ndarray  # (n, D) float32
    images: np.ndarray  # (n, S, S, C) uint8
    source: GallerySource  # how they were made (the worker adds image paths and directions)
    label: str  # what a person calls it, e.g. "Map path" or "Sample (seed 12)"
    points: np.ndarray | None = None  # (n, 2) map position of each frame
    nearest: np.ndarray | None = None  # (n,) nearest training image of each frame
    easing: str = "linear"  # speed curve between keyframes

    def __len__(self) -> int:
        return int(self.latents.shape[0])


def path_source(record: PathRecord) -> GallerySource:
    snapped = tuple(int(i) for i in record.snapped if i is not None)
    points = tuple((float(x), float(y)) for x, y in np.asarray(record.points).reshape(-1, 2))
    return GallerySource(kind="path", mode=FramesKind.PATH.value, image_indices=snapped,
                         map_points=points, map_method=record.method if points else "",
                         smoothing=float(record.smoothing))


def keyframe_source(kind: FramesKind, keyframes: list[CurrentImage]) -> GallerySource:
    """Slerp / lerp / norm-lerp through keyframes; training images are named by index
    (generated keyframes are known by their latents, which travel with the request)."""
    indices = tuple(k.image_index for k in keyframes if k.image_index is not None)
    return GallerySource(kind="interpolation", mode=str(kind), image_indices=indices)


def from_frames(result: FramesResult, source: GallerySource, label: str,
                easing: str = "linear") -> Animation:
    return Animation(result.latents, result.images, source, label, result.points,
                     result.nearest, easing)


def from_generated(result: GeneratedResult, row: int) -> Animation:
    """One picked image of a sample, attribute, label strip or blend grid, as a still."""
    seed = result.seeds[row] if row < len(result.seeds) else None
    strength = result.strengths[row] if row < len(result.strengths) else 0.0
    labels = (result.labels[row],) if result.kind == GeneratedKind.TRANSFER else result.labels
    source = GallerySource(kind=str(result.kind), temperature=result.temperature, seed=seed,
                           cluster=result.cluster, attribute=result.attribute,
                           strength=float(strength), labels=labels,
                           image_indices=() if result.image_index is None
                           else (result.image_index,))
    if result.kind == GeneratedKind.TRANSFER:
        label = f"As “{labels[0]}”"
    elif result.kind == GeneratedKind.BLEND:
        label = f"{strength:.0%} of the way from “{labels[0]}” to “{labels[1]}”"
    elif result.kind == GeneratedKind.ATTRIBUTE:
        label = f"“{result.attribute}” at strength {strength:+.2f}"
    elif result.kind == GeneratedKind.CLUSTER:
        label = f"Sample of cluster {int(result.cluster or 0) + 1} (seed {seed})"
    elif labels:
        label = f"Sample of “{labels[0]}” (seed {seed}, temperature {result.temperature:.2f})"
    else:
        label = f"Sample (seed {seed}, temperature {result.temperature:.2f})"
    return Animation(result.latents[row:row + 1], result.images[row:row + 1], source, label)


def from_image(current: CurrentImage) -> Animation:
    """A still of one image: a training image's reconstruction, or a generated image."""
    indices = () if current.image_index is None else (current.image_index,)
    source = GallerySource(kind="interpolation", mode=FramesKind.SLERP.value,
                           image_indices=indices)  # one keyframe: the image itself
    latents = frozen_array(np.asarray(current.latent, np.float32).reshape(1, -1))
    return Animation(latents, frozen_array(current.image[None]), source, current.label)


def gallery_request(animation: Animation, rows: np.ndarray, name: str, fps: float, loop: bool,
                    pingpong: bool) -> GalleryAddRequest:
    """Frames `rows` of `animation` for the gallery: a still for one row, else an animation
    that plays like the Canvas does now."""
    rows = np.asarray(rows, dtype=np.int64).reshape(-1)
    animated = len(rows) > 1
    settings = ItemSettings(frames=len(rows), fps=float(fps),
                            loop=0 if loop or not animated else 1,
                            pingpong=bool(pingpong and animated), easing=animation.easing)
    return GalleryAddRequest(name=name, latents=frozen_array(animation.latents[rows]),
                             images=frozen_array(animation.images[rows]),
                             source=animation.source, settings=settings)
