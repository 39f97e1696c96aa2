"""The training cache on disk: `images.npy` (uint8 rows) plus `manifest.json` describing them.

The manifest lists every file of the folder with its size and modification time, so a second
ingestion of an unchanged folder is a stat walk plus one JSON read, never a decode.
"""

from __future__ import annotations

import logging
import tokenize
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from models.config import IngestConfig
from models.errors import LatentiaError, ProjectError
from models.fileio import read_json, write_json_atomic
from models.ingest.decode import DIGEST_KIND
from models.ingest.scan import FolderScan
from models.ingest.split import split_indices
from models.records import IngestReport

log = logging.getLogger(__name__)

CACHE_FORMAT = "latentia-image-cache"
CACHE_VERSION = 2
# Version 1 named files by the SHA-1 of their bytes ("sha1"); it still opens, but its digests
# cannot be compared with new ones, so none of its rows are reused for a changed folder.
_READABLE_VERSIONS = {1: "sha1", 2: DIGEST_KIND}
IMAGES_FILE = "images.npy"
MANIFEST_FILE = "manifest.json"
UNKNOWN = -1  # size and mtime of a file that could not even be stat-ed (e.g. a broken link)


@dataclass(frozen=True)
class CacheEntry:
    """One file of the folder as it was when the cache was written."""

    path: str  # relative to the folder, '/'-separated
    size: int
    mtime_ns: int
    digest: str  # `file_digest` of the file's bytes; "" for a file that could not be read

    @property
    def stat_key(self) -> tuple[str, int, int]:
        return (self.path, self.size, self.mtime_ns)


def pixel_settings(config: IngestConfig) -> IngestConfig:
    """`config` without the settings that do not change pixels (the worker count)."""
    return config.replace(max_workers=0)


@dataclass(frozen=True, eq=False)
class ImageCache:
    """Decoded training images of one folder; `images[i]` is the file `entries[i]`."""

    folder: Path
    cache_dir: Path
    config: IngestConfig
    entries: tuple[CacheEntry, ...] = field(repr=False)  # one per row, sorted by path
    report: IngestReport = field(repr=False)
    # Read-only uint8 memmap (N, S, S, C), N == len(entries) == report.usable.
    images: np.ndarray = field(repr=False)
    # Files with no row (duplicates, skipped files): kept so a re-scan can tell nothing changed.
    other_files: tuple[CacheEntry, ...] = field(default=(), repr=False)
    digest_kind: str = DIGEST_KIND  # how `CacheEntry.digest` was computed

    def __len__(self) -> int:
        return len(self.entries)

    @classmethod
    def open(cls, cache_dir: str | Path) -> ImageCache:
        """Open a cache written by `ingest_folder`; raises `ProjectError` if it cannot be used."""
        cache_dir = Path(cache_dir)
        try:
            manifest = read_json(cache_dir / MANIFEST_FILE, "image cache manifest")
        except LatentiaError as error:
            raise ProjectError(f"{error}; ingest the image folder again.") from error
        if not isinstance(manifest, dict) or manifest.get("format") != CACHE_FORMAT:
            raise ProjectError(f"{cache_dir} does not hold a Latentia image cache.")
        version = manifest.get("version")
        if type(version) is not int or version not in _READABLE_VERSIONS:
            raise ProjectError(f"The image cache in {cache_dir} has format version "
                               f"{version!r}, which this version cannot read.")
        try:
            cache = cls._from_manifest(cache_dir, manifest)
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise ProjectError(f"The image cache manifest in {cache_dir} is corrupt.") from error
        cache._check_images()
        return cache

    @classmethod
    def _from_manifest(cls, cache_dir: Path, manifest: dict[str, Any]) -> ImageCache:
        try:
            images = np.load(cache_dir / IMAGES_FILE, mmap_mode="r", allow_pickle=False)
        # numpy parses the header with tokenize and ast.literal_eval: damage there raises these
        except (OSError, ValueError, EOFError, SyntaxError, tokenize.TokenError) as error:
            raise ProjectError(f"The cached images in {cache_dir} are missing or corrupt; "
                               "ingest the image folder again.") from error
        return cls(
            folder=Path(manifest["folder"]),
            cache_dir=cache_dir,
            config=IngestConfig.from_dict(manifest["config"]),
            entries=tuple(_entry(entry) for entry in manifest["entries"]),
            report=IngestReport.from_dict(manifest["report"]),
            images=images,
            other_files=tuple(_entry(entry) for entry in manifest["other_files"]),
            digest_kind=_READABLE_VERSIONS[manifest["version"]],
        )

    def _check_images(self) -> None:
        size, channels = self.config.image_size, self.config.channels
        expected = (len(self.entries), size, size, channels)
        if (self.images.dtype != np.uint8 or self.images.shape != expected
                or self.report.usable != len(self.entries)):
            raise ProjectError(f"The cached images in {self.cache_dir} do not match their "
                               "manifest; ingest the image folder again.")

    def split(self, val_fraction: float, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
        """(train_idx, val_idx): sorted int64 row indices, decided by file contents and `seed`."""
        return split_indices([entry.digest for entry in self.entries], val_fraction, seed)

    def matches(self, scan: FolderScan, config: IngestConfig) -> bool:
        """True when `scan` finds exactly the files (path, size, mtime) the cache was made from."""
        if self.folder != scan.folder or pixel_settings(self.config) != pixel_settings(config):
            return False
        cached = {entry.stat_key for entry in (*self.entries, *self.other_files)}
        return cached == scan_keys(scan)

    def reusable_rows(self, folder: Path, config: IngestConfig) -> dict[tuple[str, int, int], int]:
        """{(path, size, mtime_ns): row} for files whose decoded row can be copied, not decoded.

        Duplicates map to the row of their twin (same digest). Empty when the folder or the pixel
        settings differ, because then no old row is what the new settings would produce, and
        for an old cache whose digests cannot be compared with new ones to find duplicates.
        """
        if (self.folder != folder or pixel_settings(self.config) != pixel_settings(config)
                or self.digest_kind != DIGEST_KIND):
            return {}
        row_of_digest = {entry.digest: row for row, entry in enumerate(self.entries)}
        return {entry.stat_key: row_of_digest[entry.digest]
                for entry in (*self.entries, *self.other_files) if entry.digest in row_of_digest}


def _entry(fields: dict[str, Any]) -> CacheEntry:
    if "sha1" in fields:  # version 1
        fields = {**fields, "digest": fields["sha1"]}
        del fields["sha1"]
    return CacheEntry(**fields)


def scan_keys(scan: FolderScan) -> set[tuple[str, int, int]]:
    """(path, size, mtime_ns) of every candidate of `scan`, unreadable ones with UNKNOWN stats."""
    keys = {(file.path, file.size, file.mtime_ns) for file in scan.files}
    return keys | {(skipped.path, UNKNOWN, UNKNOWN) for skipped in scan.skipped}


def write_manifest(cache_dir: Path, folder: Path, config: IngestConfig, report: IngestReport,
                   entries: list[CacheEntry], other_files: list[CacheEntry]) -> None:
    """Write `manifest.json` atomically (after `images.npy` is in place)."""
    size = config.image_size
    write_json_atomic(cache_dir / MANIFEST_FILE, {
        "format": CACHE_FORMAT,
        "version": CACHE_VERSION,
        "folder": str(folder),
        "config": pixel_settings(config).to_dict(),
        "shape": [len(entries), size, size, config.channels],
        "entries": [vars(entry) for entry in entries],
        "other_files": [vars(entry) for entry in other_files],
        "report": report.to_dict(),
    })
