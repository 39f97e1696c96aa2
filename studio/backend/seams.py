"""What the worker needs of the world around it, as typed protocols.

`Backend` is the door to `models` (`ModelsBackend`; tests hand the worker a fake with the same
methods), `WorkerProject` what the worker asks of an open project (`models.project.Project`,
`models.exported_model.ExportedModel`, or the tests' fake), `Trainer` what training is pulled
through, and `WorkerHost` what the worker's services ask of the `BackendWorker` that owns
them. Reading this file tells what a fake must provide.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Protocol

import numpy as np

from models.config import IngestConfig, ProjectConfig, TrainConfig, VAEConfig
from models.records import IngestReport, PreviewImages, TrainProgress
from studio.backend.jobs import Job
from studio.contract.project_records import BackendInfo, JobKind

CountProgress = Callable[[int, int], None]  # (done, total)
ShouldStop = Callable[[], bool]


class Trainer(Protocol):
    """A training run the worker pulls one record at a time (models.training.Trainer)."""

    device_label: str

    def run(self, should_stop: ShouldStop) -> Iterator[TrainProgress]: ...

    def checkpoint(self) -> object: ...

    def previews(self) -> PreviewImages: ...


class WorkerProject(Protocol):
    """An open project as the worker uses it."""

    path: Path
    name: str
    source_folder: str
    config: ProjectConfig
    read_only: bool  # an exported single-file model: no images, no training, no saving

    @property
    def report(self) -> IngestReport: ...
    @property
    def image_count(self) -> int: ...
    @property
    def image_size(self) -> int: ...
    @property
    def channels(self) -> int: ...
    @property
    def latent_dim(self) -> int: ...
    @property
    def trained_steps(self) -> int: ...
    @property
    def is_trained(self) -> bool: ...
    @property
    def history(self) -> tuple[TrainProgress, ...]: ...
    @property
    def model_id(self) -> str: ...

    def decode(self, z: np.ndarray) -> np.ndarray: ...

    def previews(self) -> PreviewImages: ...

    def more_training(self, config: TrainConfig | None = None) -> TrainConfig: ...

    def set_train_config(self, config: TrainConfig) -> None: ...

    def trainer(self, train_config: TrainConfig | None = None) -> Trainer: ...

    def save(self, path: str | Path | None = None) -> None: ...

    def export_model(self, path: str | Path) -> None: ...


class Backend(Protocol):
    """Opening, creating and timing projects: the worker's door to `models`."""

    def load(self) -> BackendInfo: ...

    def open_project(self, path: str) -> WorkerProject: ...

    def create_project(self, project_path: str, folder: str, config: ProjectConfig,
                       progress: CountProgress, should_stop: ShouldStop) -> WorkerProject: ...

    def scan_folder(self, folder: str, config: IngestConfig, progress: CountProgress,
                    should_stop: ShouldStop) -> tuple[IngestReport, np.ndarray]: ...

    def estimate(self, vae: VAEConfig, train: TrainConfig, image_count: int) -> float: ...


class WorkerHost(Protocol):
    """What the map and gallery services ask of the BackendWorker that owns them."""

    @property
    def project(self) -> WorkerProject | None:
        """The open project (None when none is open)."""
        ...

    def run_job(self, kind: JobKind, label: str, doing: str,
                work: Callable[[Job], None]) -> bool:
        """Announce, run and close a long job; True when it completed."""
        ...

    def guarded(self, doing: str) -> AbstractContextManager[None]:
        """No exception leaves the block: it becomes the error dialog (a cancel is quiet)."""
        ...

    def report(self, exc: BaseException, doing: str) -> None:
        """Show `exc`, raised while `doing`, in the error dialog."""
        ...

    def emit_progress(self, job_id: str, fraction: float, text: str) -> None:
        """AppState.sig_job_progress."""
        ...

    def hold_training(self) -> None:
        """Start no training step for a moment: an interactive request is being served."""
        ...
