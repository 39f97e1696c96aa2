"""Records of the open project, its jobs and its training (AppState's payloads), and the
status words the UI and the worker compare.

Frozen, Qt-free, plain values and read-only numpy arrays: safe to send between threads.
"""

from __future__ import annotations

import platform
from dataclasses import dataclass
from enum import StrEnum

import numpy as np

from models.config import ProjectConfig
from models.records import IngestReport, TrainProgress


class TrainingState(StrEnum):
    """Where training of the open project stands (AppState.sig_training_state)."""

    IDLE = "idle"
    RUNNING = "running"
    PAUSED = "paused"
    FINISHED = "finished"

    @property
    def busy(self) -> bool:
        """A run exists (running or paused): settings are locked, quitting checkpoints it."""
        return self in (TrainingState.RUNNING, TrainingState.PAUSED)


class JobOutcome(StrEnum):
    """How a long job ended (AppState.sig_job_finished)."""

    DONE = "done"
    CANCELLED = "cancelled"
    FAILED = "failed"


class JobKind(StrEnum):
    """What a long job does; its id is "<kind>-<number>", so a panel can tell its own apart."""

    OPEN = "open"
    INGEST = "ingest"
    SCAN = "scan"
    ESTIMATE = "estimate"
    SAVE = "save"
    EXPORT_MODEL = "export"
    TRAIN = "train"
    MAP = "map"
    GALLERY_EXPORT = "gallery_export"
    GALLERY_REGENERATE = "gallery_regenerate"
    GALLERY_REMIX = "gallery_remix"

    def owns(self, job_id: str) -> bool:
        return job_id.startswith(f"{self.value}-")


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
    config: ProjectConfig
    report: IngestReport
    history: tuple[TrainProgress, ...]  # oldest first
    is_demo: bool = False
    is_model_file: bool = False  # an exported single-file model: no images, cannot train


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
class BackendInfo:
    """Versions and compute device, reported once the backend is loaded (About dialog)."""

    torch_version: str
    numpy_version: str
    device: str  # e.g. "CPU" or "GPU · NVIDIA H100"
    python_version: str = platform.python_version()
