"""Where exports land: atomic files (with their sidecars), refusals and readable errors."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

from models.errors import Cancelled, ExportError, LatentiaError
from models.export.provenance import Provenance, sidecar_path
from models.fileio import atomic_path, write_json_atomic


def refuse_existing(path: Path, overwrite: bool) -> None:
    if not overwrite and (path.exists() or path.is_symlink()):
        raise ExportError(f"{path} already exists; choose another name or allow overwriting")


@contextlib.contextmanager
def export_errors() -> Iterator[None]:
    """Re-raise file errors from `models.fileio` as ExportError (Cancelled passes through)."""
    try:
        yield
    except (ExportError, Cancelled):
        raise
    except LatentiaError as exc:
        raise ExportError(str(exc)) from exc


@contextlib.contextmanager
def export_file(path: str | os.PathLike, *, overwrite: bool) -> Iterator[Path]:
    """Yield a temporary path to write; it becomes `path` only if the block succeeds."""
    target = Path(path)
    refuse_existing(target, overwrite)
    with export_errors(), atomic_path(target, overwrite=overwrite) as tmp:
        yield tmp


@contextlib.contextmanager
def export_file_with_sidecar(path: str | os.PathLike, provenance: Provenance | None, *,
                             overwrite: bool) -> Iterator[Path]:
    """Like `export_file`, and writes `provenance` to `NAME.ext.json` (also atomically).

    The sidecar is written before the file is renamed into place and removed again if that
    fails, so a file never appears without its sidecar. Replacing a file without provenance
    deletes the old sidecar, which would otherwise describe the wrong image.
    """
    target = Path(path)
    sidecar = sidecar_path(target)
    refuse_existing(target, overwrite)
    if provenance is not None:
        refuse_existing(sidecar, overwrite)
    wrote_sidecar = False
    try:
        with export_errors(), atomic_path(target, overwrite=overwrite) as tmp:
            yield tmp
            if provenance is not None:
                write_json_atomic(sidecar, provenance.to_dict())
                wrote_sidecar = True
            else:
                sidecar.unlink(missing_ok=True)
    except BaseException:
        if wrote_sidecar:
            sidecar.unlink(missing_ok=True)
        raise
