"""Training history: TrainProgress records <-> JSON rows (arrays of latent health are not kept)."""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from models.errors import ProjectError
from models.records import LatentHealth, Metrics, TrainProgress, frozen_array

HISTORY_STEP_SECONDS = 0.5  # at most two step rows per second of training are kept


def _clean(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _metrics_row(metrics: Metrics | None) -> dict | None:
    if metrics is None:
        return None
    return {k: _clean(float(v)) for k, v in dataclasses.asdict(metrics).items()}


def _metrics_from(row: dict | None) -> Metrics | None:
    if row is None:
        return None
    return Metrics(**{k: float("nan") if v is None else float(v) for k, v in row.items()
                      if k in Metrics.__dataclass_fields__})


def progress_to_row(progress: TrainProgress) -> dict:
    health = progress.health
    return {
        "kind": progress.kind, "step": progress.step, "epoch": progress.epoch,
        "total_steps": progress.total_steps, "train": _metrics_row(progress.train),
        "validation": _metrics_row(progress.validation),
        "active_units": None if health is None else health.active_units,
        "latent_dim": None if health is None else health.latent_dim,
        "kl_per_dim": None if health is None else [round(float(v), 5) for v in health.kl_per_dim],
        "mean_variance": None if health is None else [
            round(float(v), 6) for v in health.mean_variance],
        "learning_rate": progress.learning_rate,
        "images_per_second": _clean(progress.images_per_second),
        "elapsed_seconds": progress.elapsed_seconds, "message": progress.message,
    }


def history_from_rows(rows: list, source: str = "the training history") -> tuple[
        TrainProgress, ...]:
    """The records of a saved history; a row unlike those `progress_to_row` writes (a damaged or
    hand-edited file) is a ProjectError naming `source`, never a TypeError deep in the UI."""
    try:
        return tuple(progress_from_row(row) for row in rows)
    except (TypeError, ValueError, KeyError, AttributeError, OverflowError) as exc:
        raise ProjectError(f"{source} is corrupt (a row has a value of the wrong kind)") from exc


def progress_from_row(row: dict) -> TrainProgress:
    """Rebuild a record; health arrays are not stored, only the active-unit count."""
    return TrainProgress(
        kind=str(row.get("kind", "step")), step=int(row.get("step", 0)),
        epoch=float(row.get("epoch", 0.0)), total_steps=int(row.get("total_steps", 0)),
        train=_metrics_from(row.get("train")), validation=_metrics_from(row.get("validation")),
        health=_health_from(row), learning_rate=float(row.get("learning_rate") or 0.0),
        images_per_second=float(row.get("images_per_second") or 0.0),
        elapsed_seconds=float(row.get("elapsed_seconds") or 0.0),
        message=str(row.get("message", "")))


def _health_from(row: dict) -> LatentHealth | None:
    """Latent health of a validation row (older rows may hold only the active-unit count)."""
    if row.get("active_units") is None:
        return None
    kl = frozen_array(row.get("kl_per_dim") or [], np.float32)
    variance = frozen_array(row.get("mean_variance") or [], np.float32)
    if kl.ndim != 1 or variance.ndim != 1:
        raise ValueError("per-dimension values must be flat lists of numbers")
    return LatentHealth(kl_per_dim=kl, mean_variance=variance,
                        active_units=int(row["active_units"]), latent_dim=int(row["latent_dim"]))
