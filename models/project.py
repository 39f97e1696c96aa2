"""A Latentia project: a folder holding everything about one model of one image folder.

    NAME.latentia/
        project.json     format version, name, source folder, ProjectConfig
        cache/           images.npy (uint8 memmap) + manifest.json (paths, sizes, mtimes, digests,
                         ingestion report)
        checkpoint/      weights (EMA and raw), optimiser, RNG, history, prior (safetensors/JSON)

Opening a project reads JSON and safetensors only, never pickle.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import numpy as np

from models.config import ProjectConfig, TrainConfig
from models.errors import LatentiaError, ProjectError
from models.fileio import read_json, write_json_atomic
from models.history import progress_from_row
from models.inference import InferenceModel
from models.ingest import ImageCache, ingest_folder
from models.model_file import MODEL_SUFFIX, ModelFile, read_model_file, write_model_file
from models.prior import LatentPrior
from models.records import IngestReport, PreviewImages, TrainProgress
from models.runtime import select_device
from models.training import checkpoint as ckpt

PROJECT_FORMAT = "latentia-project"
PROJECT_FORMAT_VERSION = 1
PROJECT_SUFFIX = ".latentia"


def open_project(path: str | Path) -> Project:
    """Open a project folder (*.latentia) or a single-file model (*.latentia-model)."""
    return Project.open(path)


class Project:
    def __init__(self, path: Path, document: dict, cache: ImageCache | None,
                 model_file: ModelFile | None = None) -> None:
        self.path = path
        self.name: str = document["name"]
        self.source_folder: str = document.get("source_folder", "")
        self.config = ProjectConfig.from_dict(document["config"])
        self.cache = cache
        self._model_file = model_file
        self._inference: InferenceModel | None = None
        self._loaded_stamp: int | None = None

    # -- creating and opening ----------------------------------------------------------------
    @classmethod
    def create(cls, path: str | Path, folder: str | Path, config: ProjectConfig | None = None,
               *, progress: Callable[[int, int], None] | None = None,
               should_stop: Callable[[], bool] | None = None) -> Project:
        """Ingest `folder` and write a new project at `path` (never half-written)."""
        path, config = Path(path), config or ProjectConfig()
        if path.exists() and any(path.iterdir()):
            raise ProjectError(f"{path} already exists and is not empty; choose another name")
        config = ProjectConfig(ingest=config.ingest, train=config.train, vae=config.vae.replace(
            image_size=config.ingest.image_size, channels=config.ingest.channels))
        staging = path.with_name(f".{path.name}.creating")
        shutil.rmtree(staging, ignore_errors=True)
        try:
            staging.mkdir(parents=True)
            ingest_folder(folder, config.ingest, staging / "cache", progress=progress,
                          should_stop=should_stop)
            document = {"format": PROJECT_FORMAT, "format_version": PROJECT_FORMAT_VERSION,
                        "name": path.name.removesuffix(PROJECT_SUFFIX),
                        "created": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                        "source_folder": str(Path(folder).resolve()),
                        "config": config.to_dict()}
            write_json_atomic(staging / "project.json", document)
            if path.exists():
                path.rmdir()
            staging.rename(path)
        except OSError as exc:
            raise ProjectError(f"cannot create the project at {path}: {exc.strerror}") from exc
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        return cls.open(path)

    @classmethod
    def open(cls, path: str | Path) -> Project:
        path = Path(path).expanduser()
        if path.is_file() and path.suffix == MODEL_SUFFIX:
            return cls._open_model_file(path)
        if not path.exists():
            raise ProjectError(f"{path} does not exist")
        if not (path / "project.json").is_file():
            raise ProjectError(f"{path} is not a Latentia project (no project.json)")
        document = _read_document(path)
        project = cls(path, document, ImageCache.open(path / "cache"))
        if ckpt.has_checkpoint(path):
            ckpt.load_state(path)
            project._model()  # validates the weights now, not at the first decode
        return project

    @classmethod
    def _open_model_file(cls, path: Path) -> Project:
        model = read_model_file(path)
        document = {"name": model.name, "config": model.config.to_dict()}
        return cls(path, document, cache=None, model_file=model)

    # -- what it holds -----------------------------------------------------------------------
    @property
    def read_only(self) -> bool:
        """An exported single-file model: no images, no training."""
        return self._model_file is not None

    @property
    def report(self) -> IngestReport:
        return self._model_file.report if self.read_only else self.cache.report

    @property
    def image_count(self) -> int:
        return self.report.usable

    @property
    def image_size(self) -> int:
        return self.config.vae.image_size

    @property
    def channels(self) -> int:
        return self.config.vae.channels

    @property
    def latent_dim(self) -> int:
        return self.config.vae.latent_dim

    @property
    def trained_steps(self) -> int:
        if self.read_only:
            return self._model_file.trained_steps
        return ckpt.load_state(self.path).step if ckpt.has_checkpoint(self.path) else 0

    @property
    def is_trained(self) -> bool:
        return self.trained_steps > 0

    @property
    def history(self) -> tuple[TrainProgress, ...]:
        if self.read_only or not ckpt.has_checkpoint(self.path):
            return ()
        return tuple(progress_from_row(row) for row in ckpt.load_history(self.path))

    @property
    def model_id(self) -> str:
        return self._model().model_id

    def images(self) -> np.ndarray:
        """The training images, uint8 (N, S, S, C), read-only."""
        if self.cache is None:
            raise LatentiaError("an exported model does not contain its training images")
        return self.cache.images

    # -- the model ---------------------------------------------------------------------------
    def _model(self) -> InferenceModel:
        """The inference model, reloaded whenever training wrote a newer checkpoint."""
        stamp = None if self.read_only else _checkpoint_stamp(self.path)
        if self._inference is None or stamp != self._loaded_stamp:
            self._inference = self._load_inference()
            self._loaded_stamp = stamp
        return self._inference

    def _load_inference(self) -> InferenceModel:
        device = select_device(self.config.train.device)
        if self.read_only:
            prior = (LatentPrior.from_arrays(self._model_file.prior) if self._model_file.prior
                     else LatentPrior.standard_normal(self.latent_dim))
            return InferenceModel(self.config.vae, self._model_file.weights, prior, device)
        if not ckpt.has_checkpoint(self.path):
            raise LatentiaError("this project has not been trained yet; train it first")
        ema = ckpt.load_ema_weights(self.path)
        weights = {k[len("module."):]: v for k, v in ema.items() if k.startswith("module.")}
        return InferenceModel(self.config.vae, weights, self._load_prior(), device)

    def _load_prior(self) -> LatentPrior:
        return ckpt.load_prior(self.path) or LatentPrior.standard_normal(self.latent_dim)

    def encode(self, images) -> tuple[np.ndarray, np.ndarray]:
        """images (N, C, S, S) floats in [0, 1] -> (mu, logvar), float32 (N, latent_dim)."""
        return self._model().encode(images)

    def decode(self, z) -> np.ndarray:
        """z (N, latent_dim) -> images float32 (N, C, S, S) in [0, 1]."""
        return self._model().decode(z)

    def sample_latents(self, n: int, temperature: float = 1.0, seed: int | None = None,
                       prior: str = "fitted") -> np.ndarray:
        """n latent codes float32 (N, latent_dim) from the fitted density or N(0, I)."""
        return self._model().sample_latents(n, temperature, seed, prior)

    def sample(self, n: int, temperature: float = 1.0, seed: int | None = None,
               prior: str = "fitted") -> np.ndarray:
        """n images (N, C, S, S) from the fitted latent density ("fitted") or N(0, I) ("normal")."""
        return self._model().sample(n, temperature=temperature, seed=seed, prior=prior)

    def previews(self) -> PreviewImages:
        """The Train panel's previews as training last showed them: the fixed validation images,
        their reconstructions and the fixed-seed samples, from the saved weights and density."""
        from models.training.trainer import PREVIEW_SEED, preview_indices
        from models.training.validation import make_previews

        images, config, model = self.images(), self.config.train, self._model()
        train_idx, val_idx = self.cache.split(config.val_fraction, config.seed)
        return make_previews(model.model, images,
                             preview_indices(train_idx, val_idx, config.preview_count),
                             model.prior, model.device, self.trained_steps, PREVIEW_SEED)

    # -- training and saving -----------------------------------------------------------------
    def trainer(self, train_config: TrainConfig | None = None, context=None):
        """A Trainer that continues from the last checkpoint if there is one."""
        from models.training import Trainer, TrainingData

        if self.read_only:
            raise LatentiaError("an exported model cannot be trained; open its project instead")
        config = train_config or self.config.train
        if config != self.config.train:
            self.config = ProjectConfig(ingest=self.config.ingest, vae=self.config.vae,
                                        train=config)
            self.save()
        train_idx, val_idx = self.cache.split(config.val_fraction, config.seed)
        data = TrainingData(self.path, self.cache.images, train_idx, val_idx)
        return Trainer(data, self.config.vae, config, context)

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
        done = ckpt.load_state(self.path) if ckpt.has_checkpoint(self.path) else None
        if minutes is not None:
            spent = done.train_seconds / 60 if done else 0.0
            return base.replace(minutes=spent + minutes, epochs=None)
        return base.replace(epochs=(done.epoch if done else 0) + epochs, minutes=None)

    def save(self, path: str | Path | None = None) -> None:
        """Write project.json in place, or copy the whole project to `path` ('save as')."""
        if self.read_only:
            raise LatentiaError("an exported model cannot be saved as a project")
        if path is not None and Path(path).resolve() != self.path.resolve():
            self._copy_to(Path(path))
        document = _read_document(self.path)
        document.update(name=self.name, config=self.config.to_dict())
        write_json_atomic(self.path / "project.json", document)

    def _copy_to(self, target: Path) -> None:
        if target.exists():
            raise ProjectError(f"{target} already exists; choose another name")
        staging = target.with_name(f".{target.name}.saving")
        shutil.rmtree(staging, ignore_errors=True)
        try:
            shutil.copytree(self.path, staging, ignore=shutil.ignore_patterns("checkpoint.*"))
            staging.rename(target)
        except OSError as exc:
            shutil.rmtree(staging, ignore_errors=True)
            raise ProjectError(f"cannot save the project to {target}: {exc.strerror}") from exc
        self.path = target
        self.name = target.name.removesuffix(PROJECT_SUFFIX)
        self.cache = ImageCache.open(target / "cache")

    def export_model(self, path: str | Path) -> None:
        """Write a single shareable file: weights, prior, config and manifest, no image cache."""
        model = self._model()
        manifest = self._model_file.manifest if self.read_only else tuple(
            {"path": e.path, "size": e.size, "digest": e.digest} for e in self.cache.entries)
        weights = {k: v.detach().cpu() for k, v in model.model.state_dict().items()}
        write_model_file(Path(path), ModelFile(
            name=self.name, config=self.config, report=self.report, manifest=manifest,
            trained_steps=self.trained_steps, weights=weights, prior=model.prior.to_arrays()))


def _checkpoint_stamp(path: Path) -> int | None:
    state = ckpt.checkpoint_dir(path) / "state.json"
    return state.stat().st_mtime_ns if state.is_file() else None


def _read_document(path: Path) -> dict:
    document = read_json(path / "project.json", "project description")
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
