"""Immutable records between the backend worker and the UI (numpy arrays, plain values)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from models.records import IngestReport


@dataclass(frozen=True)
class ProjectInfo:
    """What the UI needs to know about the open project."""

    path: str
    name: str
    source_folder: str
    image_count: int
    image_size: int
    channels: int
    latent_dim: int
    trained_steps: int
    config: object  # models.config.ProjectConfig (frozen)
    report: IngestReport
    history: tuple  # tuple of models.records.TrainProgress, oldest first
    is_demo: bool = False


@dataclass(frozen=True)
class ScanResult:
    """Ingestion report of a folder plus a few images exactly as the model will see them."""

    folder: str
    report: IngestReport
    preview: np.ndarray  # uint8 (N, S, S, C), read-only


@dataclass(frozen=True)
class DecodeRequest:
    """Latent codes to decode; `tag` lets the requester recognise the answer."""

    latents: np.ndarray  # float32 (N, latent_dim)
    tag: str = ""
    generation: int = 0


@dataclass(frozen=True)
class DecodeResult:
    images: np.ndarray  # uint8 (N, S, S, C), read-only
    tag: str
    generation: int
    seconds: float


@dataclass(frozen=True)
class ErrorRecord:
    """An error to show: a short message for everyone, details for the curious."""

    title: str
    message: str
    details: str = ""


@dataclass(frozen=True)
class ItemRecipe:
    """How the Canvas made an image or animation, so the gallery can regenerate it.

    Plain values only (the panels never import the backend); the worker turns it into a
    models.gallery item.
    """

    mode: str  # "path" | "slerp" | "lerp" | "normlerp" | "sample" | "cluster" | "attribute"
    image_indices: tuple[int, ...] = ()  # training images involved (keyframes, endpoints)
    map_points: np.ndarray | None = None  # float32 (K, 2) map path, read-only
    map_method: str = ""  # projection the map points belong to ("pca", "umap")
    smoothing: float = 0.0
    temperature: float | None = None
    seed: int | None = None
    cluster: int | None = None
    attribute: str = ""  # name of an attribute direction
    strength: float = 0.0
    frames: int = 1
    fps: float = 12.0
    loop: int = 0  # plays; 0 = forever
    pingpong: bool = False
    easing: str = "linear"


@dataclass(frozen=True)
class GalleryAddRequest:
    """Canvas -> gallery: a still (one latent) or an animation (several), as shown."""

    name: str
    latents: np.ndarray  # float32 (N, latent_dim), read-only
    images: np.ndarray  # uint8 (N, S, S, C), read-only
    recipe: ItemRecipe
