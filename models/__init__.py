"""Latentia's VAE backend: a plain Python library (no Qt).

Importing `models` is cheap: torch is imported only when a name below that needs it is used,
so the desktop app can show its window before torch loads.

    project = models.open_project("icons.latentia")
    mu, logvar = project.encode(images)      # images: (N, C, S, S) floats in [0, 1]
    images = project.decode(mu)              # (N, C, S, S) floats in [0, 1]
    grid = project.sample(16, temperature=0.8, seed=1)
"""

from models._lazy import lazy_exports

__version__ = "0.1.0"

_EXPORTS = {
    "Project": "models.project",
    "open_project": "models.project",
    "Trainer": "models.training",
    "estimate_seconds_per_epoch": "models.training",
    "VAE": "models.vae",
}

__all__ = ["__version__", *_EXPORTS]
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
