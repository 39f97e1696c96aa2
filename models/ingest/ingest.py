"""Folder → training cache, and the preview scan the studio shows before ingesting."""

from __future__ import annotations

import contextlib
import itertools
import logging
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from models.config import IngestConfig
from models.errors import Cancelled, IngestError, LatentiaError, ProjectError
from models.fileio import atomic_path
from models.ingest.cache import IMAGES_FILE, MANIFEST_FILE, CacheEntry, ImageCache, write_manifest
from models.ingest.decode import DecodedFile
from models.ingest.pool import MAX_CHUNK, decode_in_order
from models.ingest.rows import ImageRowsWriter
from models.ingest.scan import SUPPORTED_EXTENSIONS, FolderScan, ScannedFile, scan_folder
from models.records import IngestReport, SkippedFile

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]
ShouldStop = Callable[[], bool]
# An already decoded row for a scanned file (matched by path, size, mtime_ns), or None.
ReuseLookup = Callable[[ScannedFile], DecodedFile | None]


@dataclass(frozen=True)
class FileOutcome:
    """What became of one scanned file: a new row, a duplicate, or skipped with a reason."""

    file: ScannedFile
    digest: str  # of the file's contents (see `decode.file_digest`)
    pixels: np.ndarray | None = None  # (S, S, C) uint8 for a new distinct image
    reason: str = ""
    duplicate: bool = False


@dataclass
class _Tally:
    """Running counts for the report, plus what the manifest needs about every file."""

    entries: list[CacheEntry] = field(default_factory=list)
    other_files: list[CacheEntry] = field(default_factory=list)
    skipped: list[SkippedFile] = field(default_factory=list)
    duplicates: int = 0

    def add(self, outcome: FileOutcome) -> None:
        file = outcome.file
        entry = CacheEntry(file.path, file.size, file.mtime_ns, outcome.digest)
        if outcome.pixels is not None:
            self.entries.append(entry)
            return
        self.other_files.append(entry)
        if outcome.duplicate:
            self.duplicates += 1
        else:
            self.skipped.append(SkippedFile(file.path, outcome.reason))

    def report(self, scan: FolderScan, started: float) -> IngestReport:
        skipped = sorted([*scan.skipped, *self.skipped], key=lambda s: s.path)
        return IngestReport(folder=str(scan.folder), found=scan.found, usable=len(self.entries),
                            duplicates=self.duplicates, skipped=tuple(skipped),
                            seconds=time.perf_counter() - started)


def ingest_folder(folder: str | os.PathLike, config: IngestConfig, cache_dir: str | os.PathLike,
                  *, progress: Progress | None = None,
                  should_stop: ShouldStop | None = None) -> ImageCache:
    """Decode every usable image of `folder` into a cache in `cache_dir` and return it.

    An unchanged folder (same paths, sizes and modification times, same pixel settings) returns
    the existing cache without decoding anything; a changed one re-decodes only new or changed
    files. `progress(done, total)` counts files; `should_stop()` returning True raises
    `Cancelled` and leaves any previous cache as it was. Raises `IngestError` for a missing,
    empty or all-bad folder.
    """
    started = time.perf_counter()
    scan = _scan_with_images(folder)
    cache_dir = Path(cache_dir)
    previous = _open_previous(cache_dir)
    if previous is not None and previous.matches(scan, config):
        log.info("reusing the image cache in %s (%d images)", cache_dir, len(previous))
        _report_progress(progress, len(scan.files), len(scan.files))
        return previous
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        _build_cache(scan, config, cache_dir, previous, started, progress, should_stop)
    except (IngestError, Cancelled):
        raise
    except LatentiaError as error:  # disk full, no permission: already one clear sentence
        raise IngestError(str(error)) from error
    except OSError as error:
        raise IngestError(f"Cannot write the image cache in {cache_dir}: "
                          f"{error.strerror or error}.") from error
    return ImageCache.open(cache_dir)


def _build_cache(scan: FolderScan, config: IngestConfig, cache_dir: Path,
                 previous: ImageCache | None, started: float, progress: Progress | None,
                 should_stop: ShouldStop | None) -> None:
    tally = _Tally()
    row_shape = (config.image_size, config.image_size, config.channels)
    with atomic_path(cache_dir / IMAGES_FILE) as temporary:
        writer = ImageRowsWriter(temporary, max(1, len(scan.files)), row_shape)
        try:
            for outcome in classify_files(scan, config, _reuse_lookup(previous, scan, config),
                                          progress, should_stop):
                if outcome.pixels is not None:
                    writer.append(outcome.pixels)
                tally.add(outcome)
        finally:
            writer.close()
        report = tally.report(scan, started)
        _raise_if_unusable(report)
        writer.finish()
        # From here the old manifest would describe the wrong images: drop it before the rename.
        (cache_dir / MANIFEST_FILE).unlink(missing_ok=True)
    write_manifest(cache_dir, scan.folder, config, report, tally.entries, tally.other_files)
    log.info("ingested %s: %s in %.1f s", scan.folder, report.summary(), report.seconds)


def scan_report(folder: str | os.PathLike, config: IngestConfig, *, limit_preview: int = 8,
                progress: Progress | None = None,
                should_stop: ShouldStop | None = None) -> tuple[IngestReport, np.ndarray]:
    """Decode the whole folder to report on it, without writing a cache.

    Returns the report and up to `limit_preview` images, uint8 (n, S, S, C), exactly as training
    will see them. An empty or all-bad folder gives a report with `usable == 0` (and its reasons)
    rather than an error, so the studio can show what is wrong; a missing folder raises.
    """
    started = time.perf_counter()
    scan = scan_folder(folder)
    tally = _Tally()
    previews: list[np.ndarray] = []
    for outcome in classify_files(scan, config, None, progress, should_stop):
        if outcome.pixels is not None and len(previews) < limit_preview:
            previews.append(outcome.pixels)
        tally.add(outcome)
    size = config.image_size
    preview = (np.stack(previews) if previews
               else np.zeros((0, size, size, config.channels), dtype=np.uint8))
    return tally.report(scan, started), preview


def classify_files(scan: FolderScan, config: IngestConfig, reuse: ReuseLookup | None,
                   progress: Progress | None, should_stop: ShouldStop | None,
                   ) -> Iterator[FileOutcome]:
    """One `FileOutcome` per scanned file, in path order; decodes only what `reuse` lacks.

    Of byte-identical files, the first in path order is the image; the others are duplicates.
    """
    known = [reuse(file) if reuse is not None else None for file in scan.files]
    to_decode = [str(scan.absolute(file))
                 for file, old in zip(scan.files, known, strict=True) if old is None]
    seen_digests: set[str] = set()
    total = len(scan.files)
    _report_progress(progress, 0, total)
    with contextlib.closing(decode_in_order(to_decode, config)) as chunks:
        decoded = itertools.chain.from_iterable(chunks)
        for done, (file, old) in enumerate(zip(scan.files, known, strict=True), start=1):
            if should_stop is not None and should_stop():
                raise Cancelled("Ingestion was cancelled; nothing was written.")
            result = old if old is not None else next(decoded)
            duplicate = result.ok and result.digest in seen_digests
            if result.ok:
                seen_digests.add(result.digest)
            yield FileOutcome(file, result.digest, None if duplicate else result.pixels,
                              result.reason, duplicate)
            if done % MAX_CHUNK == 0 or done == total:
                _report_progress(progress, done, total)


def _scan_with_images(folder: str | os.PathLike) -> FolderScan:
    scan = scan_folder(folder)
    if scan.found == 0:
        extensions = ", ".join(sorted(SUPPORTED_EXTENSIONS))
        raise IngestError(f"The folder {scan.folder} contains no images (looked for {extensions}).")
    return scan


def _raise_if_unusable(report: IngestReport) -> None:
    if report.usable == 0:
        first = report.skipped[0]
        raise IngestError(f"None of the {report.found} image files in {report.folder} could be "
                          f"used (for example {first.path}: {first.reason}).")


def _open_previous(cache_dir: Path) -> ImageCache | None:
    if not (cache_dir / MANIFEST_FILE).exists():
        return None
    try:
        return ImageCache.open(cache_dir)
    except ProjectError as error:
        log.warning("ignoring the old image cache: %s", error)
        return None


def _reuse_lookup(previous: ImageCache | None, scan: FolderScan,
                  config: IngestConfig) -> ReuseLookup | None:
    """Copy rows of unchanged files (same path, size, mtime) from the previous cache."""
    if previous is None:
        return None
    rows = previous.reusable_rows(scan.folder, config)
    digest_of_row = [entry.digest for entry in previous.entries]

    def lookup(file: ScannedFile) -> DecodedFile | None:
        row = rows.get((file.path, file.size, file.mtime_ns))
        if row is None:
            return None
        return DecodedFile(digest_of_row[row], pixels=np.asarray(previous.images[row]))

    return lookup


def _report_progress(progress: Progress | None, done: int, total: int) -> None:
    if progress is not None:
        progress(done, total)
