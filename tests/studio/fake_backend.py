"""A stand-in for `models` with the same verbs, to test the worker's threading and bookkeeping
without torch. Steps sleep a little so requests really arrive while training runs."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from models.config import ProjectConfig, TrainConfig
from models.errors import Cancelled, ProjectError
from models.records import IngestReport, Metrics, PreviewImages, TrainProgress
from studio.contract.project_records import BackendInfo

SIZE, LATENT = 8, 4


def progress(kind: str, step: int, total: int, message: str = "") -> TrainProgress:
    metrics = Metrics(total_nats=100.0 / (step + 1), recon_nats=90.0, kl_nats=10.0,
                      bits_per_dim=1.0, log_sigma=-2.0)
    return TrainProgress(kind=kind, step=step, epoch=step / 10, total_steps=total,
                         train=metrics, message=message)


class FakeTrainer:
    def __init__(self, project: FakeProject, steps: int, step_seconds: float) -> None:
        self.project = project
        self.steps = steps
        self.step_seconds = step_seconds
        self.device_label = "CPU · bf16 off"
        self.step = project.trained_steps

    def run(self, should_stop):
        stopped = False
        while self.step < self.steps:
            if should_stop():
                stopped = True
                break
            time.sleep(self.step_seconds)
            self.step += 1
            yield progress("step", self.step, self.steps)
            if self.step % 10 == 0:
                yield progress("validation", self.step, self.steps)
            if self.step % 25 == 0:
                yield self.checkpoint()
        yield self.checkpoint()
        yield progress("done", self.step, self.steps,
                       "training stopped" if stopped else "training finished")

    def checkpoint(self) -> TrainProgress:
        self.project.trained_steps = self.step
        self.project.checkpoints += 1
        return progress("checkpoint", self.step, self.steps, "checkpoint saved")

    def previews(self) -> PreviewImages:
        images = np.zeros((2, SIZE, SIZE, 3), np.uint8)
        return PreviewImages(images, images, images, step=self.step)


@dataclass
class FakeProject:
    path: Path
    name: str = "fake"
    steps: int = 60
    step_seconds: float = 0.002
    trained_steps: int = 0
    checkpoints: int = 0
    saves: list = field(default_factory=list)
    exports: list = field(default_factory=list)
    extended: list = field(default_factory=list)  # configs passed to more_training
    config: ProjectConfig = field(default_factory=ProjectConfig)
    read_only: bool = False
    model_id: str = "fake-model"

    source_folder = "/data/fake"
    image_count = 10
    image_size = SIZE
    channels = 3
    latent_dim = LATENT
    history = ()

    @property
    def report(self) -> IngestReport:
        return IngestReport("/data/fake", found=10, usable=10, duplicates=0)

    @property
    def is_trained(self) -> bool:
        return self.trained_steps > 0

    def previews(self) -> PreviewImages:
        return FakeTrainer(self, self.steps, self.step_seconds).previews()

    def more_training(self, config: TrainConfig | None = None) -> TrainConfig | None:
        self.extended.append(config)
        return config

    def set_train_config(self, config: TrainConfig) -> None:
        self.config = self.config.replace(train=config)

    def trainer(self, config: TrainConfig | None = None) -> FakeTrainer:
        return FakeTrainer(self, self.steps, self.step_seconds)

    def decode(self, z: np.ndarray) -> np.ndarray:
        return np.full((len(z), 3, SIZE, SIZE), 0.5, np.float32)

    def save(self, path=None) -> None:
        self.saves.append(path)

    def export_model(self, path) -> None:
        self.exports.append(path)


class FakeBackend:
    def __init__(self, project: FakeProject) -> None:
        self.project = project
        self.gate = threading.Event()  # blocks scan_folder until set
        self.gate.set()
        self.fail_with: BaseException | None = None

    def load(self) -> BackendInfo:
        return BackendInfo("0.fake", np.__version__, "CPU")

    def open_project(self, path: str) -> FakeProject:
        if self.fail_with is not None:
            raise self.fail_with
        if not Path(path).exists():
            raise ProjectError(f"{path} does not exist")
        self.project.path = Path(path)
        return self.project

    def create_project(self, project_path, folder, config, progress, should_stop):
        for done in range(1, 1001):
            if should_stop():
                raise Cancelled("ingestion cancelled")
            time.sleep(0.002)
            progress(done, 1000)
        self.project.path = Path(project_path)
        return self.project

    def scan_folder(self, folder, config, progress, should_stop):
        self.gate.wait(10)
        report = IngestReport(folder, found=3, usable=3, duplicates=0)
        return report, np.zeros((3, SIZE, SIZE, 3), np.uint8)

    def estimate(self, vae, train, image_count) -> float:
        return 0.5 * image_count
