"""Records of the Canvas panel's share of the contract (CanvasState's payloads): animations
along paths and through keyframes, new samples, attribute directions and their edits.

Frozen, Qt-free, plain values and read-only numpy arrays: safe to send between threads.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from models.labels import LABEL_CONTRAST
from studio.contract.map_records import PathRecord


class FramesKind(StrEnum):
    """How an animation's frames are made: along a drawn map path, or through keyframes."""

    PATH = "path"
    SLERP = "slerp"
    LERP = "lerp"
    NORMLERP = "normlerp"
    BLEND = "label blend"  # one code whose label blends from one to another (labelled models)


class GeneratedKind(StrEnum):
    """What a GeneratedResult holds."""

    SAMPLE = "sample"  # from the whole model
    CLUSTER = "cluster"  # looking like one cluster of the map
    ATTRIBUTE = "attribute"  # one code moved along a saved direction
    TRANSFER = "style transfer"  # one code under every label (labelled models)
    BLEND = "label blend"  # one code between two labels (labelled models)


@dataclass(frozen=True, eq=False)
class FramesRequest:
    """An animation to render: along `path` (kind "path"), through `keyframes`, or (kind
    "label blend") one code, keyframes[0], from label blend[0] to label blend[1]."""

    kind: FramesKind
    frames: int
    generation: int
    path: PathRecord | None = None
    keyframes: np.ndarray | None = None  # (K, D) float32 latents, K >= 2 (1 for a blend)
    easing: str = "linear"
    blend: tuple[int, int] | None = None  # label indices of a blend's two ends
    contrast: float = LABEL_CONTRAST  # a blend: how far past each label, away from the code's own


@dataclass(frozen=True, eq=False)
class FramesResult:
    kind: FramesKind
    generation: int
    latents: np.ndarray  # (n, D) float32
    images: np.ndarray  # (n, S, S, C) uint8
    points: np.ndarray | None  # (n, 2) float32 map position of each frame
    nearest: np.ndarray | None  # (n,) int64 nearest training image of each frame


@dataclass(frozen=True)
class SampleRequest:
    """`n` new images, image i drawn with seed `seed + i` (so each one can be made again)."""

    n: int
    temperature: float
    seed: int
    generation: int
    cluster: int | None = None  # None: from the whole model
    label: int | None = None  # a labelled model: draw every image with this label


@dataclass(frozen=True, eq=False)
class AttributeRequest:
    """Apply the saved direction `name` to `code` at each of `strengths`."""

    code: np.ndarray  # (D,) float32
    name: str
    strengths: np.ndarray  # (M,) float32
    generation: int


@dataclass(frozen=True, eq=False)
class GeneratedResult:
    """New images for the Canvas's pick grid, and how they were made (for the recipe)."""

    kind: GeneratedKind
    generation: int
    latents: np.ndarray  # (n, D) float32
    images: np.ndarray  # (n, S, S, C) uint8
    temperature: float | None = None
    seeds: tuple[int, ...] = ()  # per image, for samples
    cluster: int | None = None
    attribute: str = ""
    strengths: tuple[float, ...] = ()  # per image, for attribute edits and blend amounts
    labels: tuple[str, ...] = ()  # per image of a transfer; a blend's two ends; a sample's label
    image_index: int | None = None  # the training image a transfer or blend started from


@dataclass(frozen=True, eq=False)
class LabelStripRequest:
    """A labelled model: the style of `code` under every label, in label order."""

    code: np.ndarray  # (D,) float32
    generation: int
    image_index: int | None = None  # the training image it came from, if any
    contrast: float = LABEL_CONTRAST  # how far past each label, away from the code's own


@dataclass(frozen=True, eq=False)
class LabelBlendRequest:
    """A labelled model: the style of `code` `amount` (0..1) of the way from one label to
    another."""

    code: np.ndarray  # (D,) float32
    first: int
    second: int
    amount: float
    generation: int
    image_index: int | None = None
    contrast: float = LABEL_CONTRAST  # how far past the label, away from the code's own


@dataclass(frozen=True, eq=False)
class DirectionRequest:
    """Save the direction from the look of images `indices_b` to that of `indices_a`."""

    name: str
    indices_a: np.ndarray  # (A,) int64
    indices_b: np.ndarray  # (B,) int64
