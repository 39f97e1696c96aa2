"""Find the image files of a folder: recursive, hidden entries ignored, folder links not followed.

Walking with `followlinks=False` means a link that points back up the tree (a loop) can never
make the scan run forever; links to *files* are still accepted because `os.stat` follows them.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path

from models.errors import IngestError
from models.records import SkippedFile

log = logging.getLogger(__name__)

SUPPORTED_EXTENSIONS: frozenset[str] = frozenset(
    {".png", ".jpg", ".jpeg", ".webp", ".bmp", ".gif", ".tif", ".tiff"})


@dataclass(frozen=True)
class ScannedFile:
    """One file with an image extension that could be stat-ed."""

    path: str  # relative to the scanned folder, '/'-separated so manifests travel between systems
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class FolderScan:
    """Result of walking a folder, before any decoding. Both tuples are sorted by path."""

    folder: Path  # absolute
    files: tuple[ScannedFile, ...]
    skipped: tuple[SkippedFile, ...]  # image-named entries that cannot even be stat-ed

    @property
    def found(self) -> int:
        return len(self.files) + len(self.skipped)

    def absolute(self, file: ScannedFile) -> Path:
        return self.folder / file.path


def checked_folder(folder: str | os.PathLike) -> Path:
    """`folder` as an absolute path; a missing folder or a file raises `IngestError`."""
    path = Path(folder).expanduser()
    if not path.exists():
        raise IngestError(f"The folder {path} does not exist.")
    if not path.is_dir():
        raise IngestError(
            f"{path} is a file, not a folder; choose the folder that holds your images.")
    return path.resolve()


def scan_folder(folder: str | os.PathLike) -> FolderScan:
    """Walk `folder` recursively and stat every non-hidden file with a supported extension."""
    root = checked_folder(folder)
    files: list[ScannedFile] = []
    skipped: list[SkippedFile] = []

    def on_walk_error(error: OSError) -> None:
        # os.walk calls this for a subfolder it cannot list (e.g. no permission); the root itself
        # was checked above, so this only ever loses that subfolder.
        where = _relative(root, Path(error.filename or root))
        skipped.append(SkippedFile(where, f"folder could not be read ({error.strerror or error})"))

    for dirpath, dirnames, filenames in os.walk(root, followlinks=False, onerror=on_walk_error):
        dirnames[:] = sorted(name for name in dirnames if not name.startswith("."))
        for name in filenames:
            if name.startswith(".") or Path(name).suffix.lower() not in SUPPORTED_EXTENSIONS:
                continue
            entry = _stat_entry(root, Path(dirpath) / name)
            (files if isinstance(entry, ScannedFile) else skipped).append(entry)
    files.sort(key=lambda f: f.path)
    skipped.sort(key=lambda s: s.path)
    log.debug("scanned %s: %d image files, %d skipped", root, len(files), len(skipped))
    return FolderScan(root, tuple(files), tuple(skipped))


def _stat_entry(root: Path, path: Path) -> ScannedFile | SkippedFile:
    relative = _relative(root, path)
    try:
        stat = path.stat()  # follows symlinks: a linked file counts as the file it points to
    except FileNotFoundError:
        return SkippedFile(relative, "broken link (the file it points to does not exist)")
    except OSError as error:
        if path.is_symlink():
            return SkippedFile(relative, "link that cannot be followed (a link loop?)")
        return SkippedFile(relative, f"could not be read ({error.strerror or error})")
    if not path.is_file():
        return SkippedFile(relative, "not a regular file")
    return ScannedFile(relative, stat.st_size, stat.st_mtime_ns)


def _relative(root: Path, path: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
