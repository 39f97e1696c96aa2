"""Image ingestion: a user's messy folder of images → a uint8 training cache.

    cache = ingest_folder("~/Pictures/cats", IngestConfig(image_size=64), project / "cache")
    train_idx, val_idx = cache.split(0.08, seed=0)
    batch = cache.images[train_idx[:32]]  # (32, 64, 64, 3) uint8

Modules: `scan` (walk the folder), `decode` + `pixels` (one file → square pixels), `pool`
(parallel, ordered decoding), `rows` (memmap writer), `cache` (files on disk), `split`
(deterministic train/validation split), `ingest` (the two entry points).
"""

from models._lazy import lazy_exports

_EXPORTS = {
    "CacheEntry": "models.ingest.cache",
    "ImageCache": "models.ingest.cache",
    "load_image": "models.ingest.decode",
    "ingest_folder": "models.ingest.ingest",
    "scan_report": "models.ingest.ingest",
    "SUPPORTED_EXTENSIONS": "models.ingest.scan",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
