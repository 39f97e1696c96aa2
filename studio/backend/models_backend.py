"""The worker's door to `models`: every import of the backend (and so of torch) happens here,
on first use, inside the worker thread, after the window is on screen.

`ModelsBackend` is the `studio.backend.seams.Backend` the app uses; tests hand the worker a
fake with the same methods to exercise it without training a network.
"""

from __future__ import annotations

import numpy as np

from models.config import IngestConfig, ProjectConfig, TrainConfig, VAEConfig
from models.records import IngestReport
from studio.backend.seams import CountProgress, ShouldStop, WorkerProject
from studio.contract.project_records import BackendInfo, ProjectInfo


class ModelsBackend:
    """The real backend (`models`), imported lazily."""

    def load(self) -> BackendInfo:
        import torch

        # torch and the project/training code load here, on the worker thread right after
        # start-up, so the first "open project" does not wait for them. scikit-learn and
        # torchvision (~3 s more) load inside the jobs that need them (maps, prior fits,
        # augmentation), on this same thread: importing them from a second thread meanwhile
        # could meet this one halfway through a circular import, and Python then raises.
        import models.project
        import models.training  # noqa: F401

        if torch.cuda.is_available():
            device = f"GPU · {torch.cuda.get_device_name(0)}"
        elif getattr(torch.backends, "mps", None) is not None and torch.backends.mps.is_available():
            device = "GPU · Apple"
        else:
            device = "CPU"
        return BackendInfo(torch.__version__, np.__version__, device)

    def open_project(self, path: str) -> WorkerProject:
        import models

        return models.open_project(path)

    def create_project(self, project_path: str, folder: str, config: ProjectConfig,
                       progress: CountProgress, should_stop: ShouldStop) -> WorkerProject:
        import models

        return models.Project.create(project_path, folder, config, progress=progress,
                                     should_stop=should_stop)

    def scan_folder(self, folder: str, config: IngestConfig, progress: CountProgress,
                    should_stop: ShouldStop) -> tuple[IngestReport, np.ndarray]:
        from models.ingest import scan_report

        return scan_report(folder, config, limit_preview=8, progress=progress,
                           should_stop=should_stop)

    def estimate(self, vae: VAEConfig, train: TrainConfig, image_count: int) -> float:
        import models

        return float(models.estimate_seconds_per_epoch(vae, train, image_count))


def project_info(project: WorkerProject, is_demo: bool) -> ProjectInfo:
    """The UI's immutable view of an open backend project."""
    return ProjectInfo(
        path=str(project.path), name=project.name, source_folder=str(project.source_folder),
        image_count=int(project.image_count), image_size=int(project.image_size),
        channels=int(project.channels), latent_dim=int(project.latent_dim),
        trained_steps=int(project.trained_steps), config=project.config,
        report=project.report, history=tuple(project.history), is_demo=is_demo,
        is_model_file=bool(project.read_only),
    )
