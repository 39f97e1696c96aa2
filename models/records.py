"""Immutable records that leave the backend: plain values and read-only numpy arrays.

These are what the studio's worker thread hands to the UI thread, so nothing here may hold a
tensor or anything the receiver could mutate. `frozen_array` makes a read-only copy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np


def frozen_array(array: np.ndarray, dtype: np.dtype | type | None = None) -> np.ndarray:
    """A private, read-only copy of `array` (safe to send to another thread)."""
    copy = np.array(array, dtype=dtype, copy=True)
    copy.flags.writeable = False
    return copy


@dataclass(frozen=True)
class SkippedFile:
    """One file that ingestion could not use, with a reason a person understands."""

    path: str  # relative to the scanned folder
    reason: str  # e.g. "empty file (0 bytes)", "truncated or corrupt image"


@dataclass(frozen=True)
class IngestReport:
    """What happened to every file of a folder during ingestion."""

    folder: str
    found: int  # files with an image extension (before decoding)
    usable: int  # distinct images in the training set
    duplicates: int  # byte-identical files counted once
    skipped: tuple[SkippedFile, ...] = ()
    seconds: float = 0.0

    def summary(self) -> str:
        """One line, e.g. '683 usable images of 700 files (12 skipped, 5 duplicates)'."""
        return (f"{self.usable} usable images of {self.found} files "
                f"({len(self.skipped)} skipped, {self.duplicates} duplicates)")

    def to_dict(self) -> dict:
        return {"folder": self.folder, "found": self.found, "usable": self.usable,
                "duplicates": self.duplicates, "seconds": self.seconds,
                "skipped": [{"path": s.path, "reason": s.reason} for s in self.skipped]}

    @classmethod
    def from_dict(cls, data: dict) -> IngestReport:
        skipped = tuple(SkippedFile(s["path"], s["reason"]) for s in data.get("skipped", []))
        return cls(folder=data["folder"], found=int(data["found"]), usable=int(data["usable"]),
                   duplicates=int(data["duplicates"]), skipped=skipped,
                   seconds=float(data.get("seconds", 0.0)))


@dataclass(frozen=True)
class Metrics:
    """Loss terms of one step or one validation pass (per image unless noted)."""

    total_nats: float  # negative ELBO per image
    recon_nats: float  # -log p(x|z) per image
    kl_nats: float  # KL(q(z|x) || N(0, I)) per image
    bits_per_dim: float  # total_nats / (pixels * channels * ln 2)
    log_sigma: float  # calibrated decoder's shared log-sigma
    psnr_db: float = float("nan")  # of the mean reconstruction, in dB (validation only)
    # Conditional models only: how often q(y|x) names the label of a labelled image, and how
    # often the adversary reads it from the code z (leakage; near 1 / labels is none).
    label_accuracy: float = float("nan")
    label_leakage: float = float("nan")


@dataclass(frozen=True)
class LatentHealth:
    """Per-dimension KL and active units (Burda et al. 2016: Cov_x[E_q(z|x) z_d] > 0.01)."""

    kl_per_dim: np.ndarray  # (latent_dim,) float32, nats
    mean_variance: np.ndarray  # (latent_dim,) float32, Cov_x of posterior means
    active_units: int
    latent_dim: int


class ProgressKind(StrEnum):
    """What a TrainProgress reports (plain strings compare equal to these)."""

    STEP = "step"
    VALIDATION = "validation"
    CHECKPOINT = "checkpoint"
    WARNING = "warning"
    STAGE = "stage"  # a new stage of the run begins (e.g. sharpening)
    PRIOR = "prior"  # the sampling prior is being fitted (at the end of a run)
    DONE = "done"


@dataclass(frozen=True)
class TrainProgress:
    """One report of the training generator. `kind` says which fields are fresh."""

    kind: str  # a ProgressKind
    step: int
    epoch: float  # fractional epochs done
    total_steps: int  # planned steps (estimate when training by minutes)
    train: Metrics | None = None
    validation: Metrics | None = None
    health: LatentHealth | None = None
    learning_rate: float = 0.0
    images_per_second: float = 0.0
    eta_seconds: float = float("nan")
    elapsed_seconds: float = 0.0
    message: str = ""  # warnings and the reason training ended


@dataclass(frozen=True)
class PreviewImages:
    """Images for the live preview grids, uint8 (N, S, S, C)."""

    originals: np.ndarray
    reconstructions: np.ndarray
    samples: np.ndarray
    step: int = 0
    extra: dict = field(default_factory=dict)
