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
