"""A Latentia project: a folder holding everything about one model of one image folder.

    NAME.latentia/
        project.json     format version, name, source folder, ProjectConfig
        cache/           images.npy (uint8 memmap) + manifest.json (paths, sizes, mtimes, digests,
                         ingestion report)
        labels.json      which image has which label (conditional projects; `models.labels`)
        checkpoint/      weights (EMA and raw), optimiser, RNG, history, prior (safetensors/JSON)

Opening a project reads JSON and safetensors only, never pickle. A `Project` writes only when
asked to (`create`, `save`, and its trainer's checkpoints); an exported single-file model opens
as the read-only `models.exported_model.ExportedModel` instead.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from models.config import FOLDER_LABEL_SOURCES, LabelConfig, ProjectConfig, TrainConfig
from models.errors import LatentiaError, ProjectError
from models.exported_model import ExportedModel
from models.fileio import read_json, staged_folder, write_json_atomic
from models.history import history_from_rows
from models.inference import InferenceModel
from models.ingest.cache import ImageCache
from models.ingest.ingest import ingest_folder
from models.labels import ImageLabels, assignment_from_folders, read_assignment, write_assignment
from models.model_access import ModelAccess
from models.prior import LatentPrior
from models.project_files import MODEL_SUFFIX, PROJECT_FILE, PROJECT_SUFFIX
from models.records import IngestReport, PreviewImages, TrainProgress
from models.runtime import select_device
from models.training import checkpoint as ckpt

log = logging.getLogger(__name__)

PROJECT_FORMAT = "latentia-project"
PROJECT_FORMAT_VERSION = 1

__all__ = ["PROJECT_SUFFIX", "Project", "open_project"]


def open_project(path: str | Path) -> Project | ExportedModel:
    """Open a project folder (*.latentia) or a single-file model (*.latentia-model)."""
    path = Path(path).expanduser()
    if path.is_file() and path.suffix == MODEL_SUFFIX:
        return ExportedModel.open(path)
    return Project.open(path)


@dataclass(frozen=True)
class _CheckpointSummary:
    """What the project shows of its checkpoint, read once per checkpoint written."""

    stamp: int | None
    state: ckpt.TrainState | None
    history: tuple[TrainProgress, ...]


class Project(ModelAccess):
    read_only = False

    def __init__(self, path: Path, document: dict, cache: ImageCache) -> None:
        super().__init__(path, document["name"], ProjectConfig.from_dict(document["config"]))
        self.source_folder: str = document.get("source_folder", "")
        self.cache = cache
        self._summary: _CheckpointSummary | None = None

    # -- creating and opening ----------------------------------------------------------------
    @classmethod
    def create(cls, path: str | Path, folder: str | Path, config: ProjectConfig | None = None,
               *, progress: Callable[[int, int], None] | None = None,
               should_stop: Callable[[], bool] | None = None) -> Project:
        """Ingest `folder` and write a new project at `path` (never half-written)."""
        path, config = Path(path), config or ProjectConfig()
        if path.exists() and any(path.iterdir()):
            raise ProjectError(f"{path} already exists and is not empty; choose another name")
        config = dataclasses.replace(config, vae=config.vae.replace(
            image_size=config.ingest.image_size, channels=config.ingest.channels))
        with staged_folder(path, f"cannot create the project at {path}") as staging:
            cache = ingest_folder(folder, config.ingest, staging / "cache", progress=progress,
                                  should_stop=should_stop)
            config = _with_folder_labels(config, cache, staging)
            document = {"format": PROJECT_FORMAT, "format_version": PROJECT_FORMAT_VERSION,
                        "name": path.name.removesuffix(PROJECT_SUFFIX),
                        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                        "source_folder": str(Path(folder).resolve()),
                        "config": config.to_dict()}
            write_json_atomic(staging / PROJECT_FILE, document)
        return cls.open(path)

    @classmethod
    def open(cls, path: str | Path) -> Project:
        """Open a project folder; an exported model file opens with `open_project`."""
        path = Path(path).expanduser()
        if path.is_file() and path.suffix == MODEL_SUFFIX:
            raise ProjectError(f"{path} is an exported model, not a project folder; it cannot "
                               "be trained or saved as a project")
        if not path.exists():
            raise ProjectError(f"{path} does not exist")
        if not (path / PROJECT_FILE).is_file():
            raise ProjectError(f"{path} is not a Latentia project (no {PROJECT_FILE})")
        project = cls(path, _read_document(path), ImageCache.open(path / "cache"))
        if project._checkpoint().state is not None:
            project._model()  # validates the weights now, not at the first decode
        return project

    # -- what it holds -----------------------------------------------------------------------
    @property
    def report(self) -> IngestReport:
        return self.cache.report

    @property
    def trained_steps(self) -> int:
        state = self._checkpoint().state
        return 0 if state is None else state.step

    @property
    def history(self) -> tuple[TrainProgress, ...]:
        return self._checkpoint().history

    def images(self) -> np.ndarray:
        """The training images, uint8 (N, S, S, C), read-only."""
        return self.cache.images

    @property
    def labels(self) -> ImageLabels | None:
        """The label of every training image in the model's label order (None when the model is
        unconditional); images without one (or with a label the model was not trained with,
        see `models.project_labels`) have -1."""
        if not self.label_names:
            return None
        assignment = read_assignment(self.path)
        if assignment is None:
            raise ProjectError(f"the labels of {self.path} are missing (no labels.json)")
        rows = assignment.rows_for([entry.path for entry in self.cache.entries])
        index = {name: i for i, name in enumerate(self.label_names)}
        remap = np.array([index.get(name, -1) for name in rows.names] + [-1], dtype=np.int64)
        return ImageLabels(self.label_names, np.asarray(remap[rows.rows], dtype=np.int64))

    def _checkpoint(self) -> _CheckpointSummary:
        """State and history of the checkpoint on disk, read again only after a new one."""
        stamp = self._weights_stamp()
        if self._summary is None or self._summary.stamp != stamp:
            has = stamp is not None and ckpt.has_checkpoint(self.path)
            state = ckpt.load_state(self.path) if has else None
            history = history_from_rows(ckpt.load_history(self.path)) if has else ()
            self._summary = _CheckpointSummary(stamp, state, history)
        return self._summary

    # -- the model ---------------------------------------------------------------------------
    def _weights_stamp(self) -> int | None:
        state = ckpt.checkpoint_dir(self.path) / "state.json"
        return state.stat().st_mtime_ns if state.is_file() else None

    def _load_inference(self) -> InferenceModel:
        if not ckpt.has_checkpoint(self.path):
            raise LatentiaError("this project has not been trained yet; train it first")
        ema = ckpt.load_ema_weights(self.path)
        weights = {k[len("module."):]: v for k, v in ema.items() if k.startswith("module.")}
        prior = ckpt.load_prior(self.path) or LatentPrior.standard_normal(self.style_dim)
        return InferenceModel(self.config.vae, weights, prior,
                              select_device(self.config.train.device))

    def previews(self) -> PreviewImages:
        """The Train panel's previews as training last showed them: the fixed validation images,
        their reconstructions and the fixed-seed samples, from the saved weights and density."""
        from models.training.trainer import PREVIEW_SEED, preview_indices
        from models.training.validation import make_previews

        images, config, model = self.images(), self.config.train, self._model()
        train_idx, val_idx = self.cache.split(config.val_fraction, config.seed)
        labels = self.labels
        return make_previews(model.model, images,
                             preview_indices(train_idx, val_idx, config.preview_count),
                             model.prior, model.device, self.trained_steps, PREVIEW_SEED,
                             None if labels is None else labels.rows)

    # -- training and saving -----------------------------------------------------------------
    def trainer(self, train_config: TrainConfig | None = None, context=None):
        """A Trainer with `train_config` (else the project's) that continues from the last
        checkpoint if there is one. It writes checkpoints, never project.json: to keep the
        settings with the project, `set_train_config` then `save`."""
        from models.training.trainer import Trainer, TrainingData

        config = train_config or self.config.train
        train_idx, val_idx = self.cache.split(config.val_fraction, config.seed)
        labels = self.labels
        data = TrainingData(self.path, self.cache.images, train_idx, val_idx,
                            None if labels is None else labels.rows)
        return Trainer(data, self.config.vae, config, context, self.config.labels)

    def set_train_config(self, config: TrainConfig) -> None:
        """Train with `config` from now on; the next `save()` writes it to project.json."""
        self.config = self.config.replace(train=config)

    def more_training(self, config: TrainConfig | None = None, *, epochs: int | None = None,
                      minutes: float | None = None) -> TrainConfig:
        """Training settings (`config`, else the project's) whose budget is `epochs` or `minutes`
        — by default the length `config` asks for — *beyond* what the checkpoint has done: a
        trainer's budget counts from the very first step, "continue for 10 minutes" does not."""
        base = config or self.config.train
        if epochs is None and minutes is None:
            if config is None:
                return base
            minutes, epochs = base.minutes, None if base.minutes is not None else base.epochs
        done = self._checkpoint().state
        if minutes is not None:
            spent = done.train_seconds / 60 if done else 0.0
            return base.replace(minutes=spent + minutes, epochs=None)
        return base.replace(epochs=(done.epoch if done else 0) + epochs, minutes=None)

    def save(self, path: str | Path | None = None) -> None:
        """Write project.json in place, or copy the whole project to `path` ('save as')."""
        if path is not None and Path(path).resolve() != self.path.resolve():
            self._copy_to(Path(path))
        document = _read_document(self.path)
        document.update(name=self.name, config=self.config.to_dict())
        write_json_atomic(self.path / PROJECT_FILE, document)

    def _copy_to(self, target: Path) -> None:
        if target.exists():
            raise ProjectError(f"{target} already exists; choose another name")
        with staged_folder(target, f"cannot save the project to {target}") as staging:
            shutil.copytree(self.path, staging, ignore=shutil.ignore_patterns("checkpoint.*"),
                            dirs_exist_ok=True)
        self.path = target
        self.name = target.name.removesuffix(PROJECT_SUFFIX)
        self.cache = ImageCache.open(target / "cache")
        self._summary = None

    def _manifest(self) -> tuple[dict, ...]:
        return tuple({"path": e.path, "size": e.size, "digest": e.digest}
                     for e in self.cache.entries)


def _with_folder_labels(config: ProjectConfig, cache: ImageCache,
                        project_path: Path) -> ProjectConfig:
    """`config` conditioned on the folder layout when it asks for folder labels (writing
    labels.json); unconditional when the folder has fewer than two label folders."""
    if config.labels.source not in FOLDER_LABEL_SOURCES:
        return config
    assignment = assignment_from_folders([e.path for e in cache.entries], config.labels.source)
    if assignment is None:
        log.warning("%s has fewer than two subfolders with images: training without labels",
                    cache.folder)
        return config.with_labels(LabelConfig())
    write_assignment(project_path, assignment)
    return config.with_labels(config.labels.replace(names=assignment.names))


def _read_document(path: Path) -> dict:
    document = read_json(path / PROJECT_FILE, "project description")
    if not isinstance(document, dict) or document.get("format") != PROJECT_FORMAT:
        raise ProjectError(f"{path} is not a Latentia project")
    if document.get("format_version") != PROJECT_FORMAT_VERSION:
        raise ProjectError(f"{path} was made by an unknown version of Latentia "
                           f"(format {document.get('format_version')})")
    if "name" not in document or "config" not in document:
        raise ProjectError(f"the project description in {path} is incomplete")
    try:
        ProjectConfig.from_dict(document["config"])
    except (TypeError, ValueError, AttributeError) as exc:
        raise ProjectError(f"the settings in {path} are invalid: {exc}") from exc
    return document
