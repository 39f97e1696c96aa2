"""Training: a generator-based trainer, checkpoints, and a quick speed estimate."""

from models._lazy import lazy_exports

_EXPORTS = {
    "estimate_seconds_per_epoch": "models.training.estimate",
    "Trainer": "models.training.trainer",
    "TrainingData": "models.training.trainer",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
