"""The Qt-free trainer: a generator of TrainProgress records that obeys `should_stop`.

Pausing is simply not pulling the next record; stopping checkpoints and ends the generator.
Each `next()` does one optimisation step (plus validation or a checkpoint when due), so the
studio's worker can interleave other requests between steps.
"""

from __future__ import annotations

import dataclasses
import logging
import math
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from models.config import LabelConfig, TrainConfig, VAEConfig
from models.errors import TrainingError
from models.history import HISTORY_STEP_SECONDS, progress_to_row
from models.prior import LatentPrior
from models.records import Metrics, PreviewImages, TrainProgress
from models.runtime import describe_device
from models.training import checkpoint as ckpt
from models.training.data import spread
from models.training.distributed import DistContext, any_rank, barrier, rank0_value
from models.training.optimisation import Optimisation
from models.training.prior_fit import RawPosteriors, fit_sampling_prior, fit_style_space
from models.training.validation import evaluate, fit_prior, make_previews, metrics_are_finite
from models.weights import numpy_to_tensors, save_tensors

log = logging.getLogger(__name__)

PREVIEW_SEED = 1234  # fixed-seed samples, so the user watches the same latents sharpen
MIN_VALIDATION_SECONDS = 20.0  # validate at epoch ends, but not more often than this...
MAX_VALIDATION_SECONDS = 120.0  # ...and at least this often on big folders
COLLAPSE_DB = 3.0  # a sharpen stage that costs this much held-out PSNR has collapsed


@dataclass(frozen=True)
class TrainingData:
    """What a trainer reads: the project folder (for checkpoints) and its image cache."""

    project_path: Path
    images: np.ndarray  # uint8 (N, S, S, C) read-only memmap
    train_idx: np.ndarray  # int64 indices into images
    val_idx: np.ndarray
    labels: np.ndarray | None = None  # (N,) int64 label index per image, -1 = none


def _labels_for(data: TrainingData, vae_config: VAEConfig) -> np.ndarray | None:
    return data.labels if vae_config.labels else None


class Trainer:
    def __init__(self, data: TrainingData, vae_config: VAEConfig, config: TrainConfig,
                 context: DistContext | None = None,
                 label_config: LabelConfig | None = None) -> None:
        self.data = data
        self.config = config
        self.context = context or DistContext()
        self.labels = _labels_for(data, vae_config)  # None for an unconditional model
        self.opt = Optimisation(data, vae_config, config, self.context, label_config)
        self.history: list[dict] = ckpt.load_history(data.project_path)
        self.device_label = describe_device(self.opt.device, self.opt.bf16)
        self.preview_idx = preview_indices(data.train_idx, data.val_idx, config.preview_count)
        # continuing a trained project: sample previews from its fitted density at once
        self._preview_prior = (ckpt.load_prior(data.project_path)
                               or LatentPrior.standard_normal(vae_config.latent_dim))
        self._last_validation = self.state.train_seconds
        self._last_checkpoint = self.state.train_seconds
        self._last_history_row = -math.inf
        self._images_per_second = float("nan")

    # -- public ------------------------------------------------------------------------------
    @property
    def state(self) -> ckpt.TrainState:
        return self.opt.state

    @state.setter
    def state(self, value: ckpt.TrainState) -> None:
        self.opt.state = value

    @property
    def total_steps(self) -> int:
        per_epoch = self.opt.sampler.batches_per_epoch
        if self.config.minutes is not None:
            rate = self._images_per_second / self.config.batch_size / self.context.world_size
            if math.isfinite(rate) and rate > 0:
                remaining = self.config.minutes * 60 - self.state.train_seconds
                return self.state.step + max(0, int(remaining * rate))
            return self.state.step + per_epoch
        return (self.config.epochs or 1) * per_epoch

    def run(self, should_stop: Callable[[], bool] = lambda: False) -> Iterator[TrainProgress]:
        """Train until the epochs or minutes are done or `should_stop()`; checkpoint at the end."""
        stopped = False
        while not self._budget_spent():
            if any_rank(should_stop(), self.context):  # all ranks stop at the same step
                stopped = True
                break
            if self.opt.sharpen_due(self._fraction_done()):
                yield from self._begin_sharpen()
            yield from self._one_step()
            if self._validation_due():
                yield from self._validate()
            if self._checkpoint_due():
                yield self.checkpoint()
        yield from self._finish(stopped, should_stop)

    def previews(self) -> PreviewImages:
        return make_previews(self.opt.ema_model, self.data.images, self.preview_idx,
                             self._preview_prior, self.opt.device, self.state.step, PREVIEW_SEED,
                             self.labels)

    def checkpoint(self) -> TrainProgress:
        """Write a checkpoint now (rank 0 only); returns the record announcing it."""
        self.state = self.opt.snapshot_state(self.state)
        if self.context.is_writer:
            ckpt.save_checkpoint(self.data.project_path, self.state, self.opt.tensors(),
                                 self.history)
        barrier(self.context)
        self._last_checkpoint = self.state.train_seconds
        return self._record("checkpoint", message="checkpoint saved")

    # -- loop parts --------------------------------------------------------------------------
    def _one_step(self) -> Iterator[TrainProgress]:
        started = time.perf_counter()
        fraction = self._fraction_done()
        outcome = self.opt.step(fraction)
        # Rank 0's clock is every rank's: budgets, validations and checkpoints fall alike.
        seconds = rank0_value(time.perf_counter() - started, self.context)
        self.opt.add_seconds(seconds)
        rate = self.config.batch_size * self.context.world_size / max(seconds, 1e-9)
        self._images_per_second = rate if math.isnan(self._images_per_second) else (
            0.9 * self._images_per_second + 0.1 * rate)
        if outcome.warning:
            yield self._record("warning", message=outcome.warning)
        if outcome.metrics is not None:
            record = self._record("step", train=outcome.metrics)
            if self.state.train_seconds - self._last_history_row >= HISTORY_STEP_SECONDS:
                self._last_history_row = self.state.train_seconds
                self.history.append(progress_to_row(record))
            yield record

    def _validate(self) -> Generator[TrainProgress, None, Metrics]:
        """Held-out metrics (one record, plus a warning if the sharpen stage collapsed and was
        undone); returns the metrics."""
        eval_idx = self.data.val_idx if len(self.data.val_idx) else self._health_idx()
        metrics, health = evaluate(self.opt.ema_model, self.data.images, eval_idx,
                                   self.opt.device, self.labels, censored=self.opt.censored)
        self._last_validation = self.state.train_seconds
        collapsed = self._collapsed(metrics)
        if metrics_are_finite(metrics) and not collapsed:
            self.opt.remember_good_state()
        self._preview_prior = fit_prior(self.opt.ema_model, self.data.images, self._health_idx(),
                                        self.opt.device, self.config.seed, max_components=1,
                                        labels=self.labels)
        record = self._record("validation", validation=metrics, health=health)
        self.history.append(progress_to_row(record))
        yield record
        if collapsed:
            self.opt.undo_collapse()
            yield self._record("warning", message=(
                "sharpening made the reconstructions worse; went back to the last good "
                "weights and halved the adversarial weight"))
        return metrics

    def _collapsed(self, metrics: Metrics) -> bool:
        """During the sharpen stage: held-out PSNR non-finite or COLLAPSE_DB below its start."""
        if not self.opt.sharpening:
            return False
        return not (metrics.psnr_db >= self.state.sharpen_psnr - COLLAPSE_DB)

    def _begin_sharpen(self) -> Iterator[TrainProgress]:
        """Validate (the PSNR a collapse is judged against), then start the adversarial stage."""
        metrics = yield from self._validate()
        self.opt.begin_sharpen(self.data.images, self.data.train_idx, metrics.psnr_db)
        yield self._record("stage", message="sharpening: the adversarial stage has begun")

    def _finish(self, stopped: bool, should_stop: Callable[[], bool]) -> Iterator[TrainProgress]:
        if not stopped or self._validation_stale():
            yield from self._validate()
        raw = None
        if self.context.is_writer:  # before the checkpoint, which saves the maps
            raw = fit_style_space(self.opt.model, self.opt.ema_model, self.data.images,
                                  self.data.train_idx, self.opt.device, self.labels,
                                  self.config.style_maps)
        # a continued run that is stopped is unfinished again, whatever its checkpoint said
        self.state = dataclasses.replace(self.opt.snapshot_state(self.state), finished=not stopped)
        yield self.checkpoint()
        if self.context.is_writer:
            yield from self._fit_prior("gmm" if stopped else self.config.prior, should_stop, raw)
        message = "training stopped" if stopped else "training finished"
        yield self._record("done", message=message)

    def _fit_prior(self, kind: str, should_stop: Callable[[], bool],
                   raw: RawPosteriors | None = None) -> Iterator[TrainProgress]:
        """Fit the sampling prior to the new weights (from `raw`, the style maps' posteriors,
        where they hold the rows it needs) and save it beside the checkpoint, reporting how far
        the fit is."""
        fitting = fit_sampling_prior(kind, self.opt.ema_model, self.data.images,
                                     self.data.train_idx, self.opt.device, self.config.seed,
                                     should_stop, self.labels, raw)
        while True:
            try:
                fraction = next(fitting)
            except StopIteration as done:
                prior = done.value
                break
            yield self._record("prior", message=f"fitting the sampling prior ({fraction:.0%})")
        save_tensors(ckpt.checkpoint_dir(self.data.project_path) / "prior.safetensors",
                     numpy_to_tensors(prior.to_arrays(), ""))
        self._preview_prior = prior

    # -- bookkeeping -------------------------------------------------------------------------
    def _health_idx(self) -> np.ndarray:
        pool = np.concatenate([self.data.val_idx, self.data.train_idx])
        return spread(pool, 512)

    def _fraction_done(self) -> float:
        if self.config.minutes is not None:
            return self.state.train_seconds / (self.config.minutes * 60)
        return self.state.step / max(1, self.total_steps)

    def _budget_spent(self) -> bool:
        if self.config.minutes is not None:
            return self.state.train_seconds >= self.config.minutes * 60
        return self.state.step >= self.total_steps

    def _validation_due(self) -> bool:
        since = self.state.train_seconds - self._last_validation
        at_epoch_end = self.state.batch == 0
        return since >= MAX_VALIDATION_SECONDS or (at_epoch_end and since >= MIN_VALIDATION_SECONDS)

    def _validation_stale(self) -> bool:
        return self.state.train_seconds - self._last_validation > 1.0

    def _checkpoint_due(self) -> bool:
        return (self.state.train_seconds - self._last_checkpoint
                >= self.config.checkpoint_minutes * 60)

    def _record(self, kind: str, **fields) -> TrainProgress:
        total = self.total_steps
        rate = self._images_per_second / (self.config.batch_size * self.context.world_size)
        eta = (total - self.state.step) / rate if rate > 0 else float("nan")
        if self.config.minutes is not None:
            eta = max(0.0, self.config.minutes * 60 - self.state.train_seconds)
        per_epoch = self.opt.sampler.batches_per_epoch
        return TrainProgress(
            kind=kind, step=self.state.step, total_steps=total,
            epoch=self.state.epoch + self.state.batch / per_epoch,
            learning_rate=self.opt.learning_rate, images_per_second=self._images_per_second,
            eta_seconds=eta, elapsed_seconds=self.state.train_seconds, **fields)


def preview_indices(train_idx: np.ndarray, val_idx: np.ndarray, count: int) -> np.ndarray:
    """The images the previews show: the first `count` validation images (training images when
    nothing is held out)."""
    return (val_idx if len(val_idx) else train_idx)[:count]


def check_trainable(data: TrainingData) -> None:
    if len(data.train_idx) == 0:
        raise TrainingError("there are no training images; add images to the folder")
