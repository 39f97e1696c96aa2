"""Image ingestion: a user's messy folder of images → a uint8 training cache.

    cache = ingest_folder("~/Pictures/cats", IngestConfig(image_size=64), project / "cache")
    train_idx, val_idx = cache.split(0.08, seed=0)
    batch = cache.images[train_idx[:32]]  # (32, 64, 64, 3) uint8

Modules: `scan` (walk the folder), `decode` + `pixels` (one file → square pixels), `pool`
(parallel, ordered decoding), `rows` (memmap writer), `cache` (files on disk), `split`
(deterministic train/validation split), `ingest` (the two entry points).
"""

from models.ingest.cache import CacheEntry, ImageCache
from models.ingest.decode import load_image
from models.ingest.ingest import ingest_folder, scan_report
from models.ingest.scan import SUPPORTED_EXTENSIONS

__all__ = ["SUPPORTED_EXTENSIONS", "CacheEntry", "ImageCache", "ingest_folder", "load_image",
           "scan_report"]
