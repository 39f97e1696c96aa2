"""Training: a generator-based trainer, checkpoints, and a quick speed estimate."""

from models.training.estimate import estimate_seconds_per_epoch
from models.training.trainer import Trainer, TrainingData

__all__ = ["Trainer", "TrainingData", "estimate_seconds_per_epoch"]
