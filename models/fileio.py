"""Atomic file writes and JSON helpers: a crash or a full disk never leaves a half-written file."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from models.errors import LatentiaError, ProjectError

JSON_FORMAT_VERSION = 1


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, *, overwrite: bool = True) -> Iterator[Path]:
    """Yield a temporary path beside `path`; on success it is fsynced and renamed onto `path`.

    On any exception the temporary file is removed and `path` is left exactly as it was.
    OSErrors (no permission, full disk, missing folder) become a `LatentiaError` with a clear line.
    """
    target = Path(path)
    if not overwrite and target.exists():
        raise LatentiaError(f"{target} already exists; choose another name or allow overwriting")
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except FileNotFoundError as exc:
        raise LatentiaError(
            f"cannot write {target}: the folder {target.parent} does not exist") from exc
    except OSError as exc:
        raise LatentiaError(f"cannot write {target}: {exc.strerror or exc}") from exc
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        yield tmp
        # mkstemp makes 0600, and some writers (safetensors) replace the file with their own
        # 0600 one: set the mode a plain open() would give (0644 under the usual umask) last.
        os.chmod(tmp, default_permissions())
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise LatentiaError(f"cannot write {target}: {exc.strerror or exc}") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def staged_folder(target: Path, failure: str) -> Iterator[Path]:
    """Yield an empty folder beside `target` to fill; when the block ends it is renamed to
    `target` (an empty folder there is replaced), and if the block fails it is deleted: never a
    half-made `target`. OSErrors become a `ProjectError`: "{failure}: {reason}"."""
    staging = target.with_name(f".{target.name}.creating")
    shutil.rmtree(staging, ignore_errors=True)  # left by a crash
    try:
        staging.mkdir(parents=True)
        yield staging
        if target.exists():
            target.rmdir()
        staging.rename(target)
    except OSError as exc:
        raise ProjectError(f"{failure}: {exc.strerror or exc}") from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def default_permissions(*, folder: bool = False) -> int:
    """What a plain open()/mkdir() would give under the current umask (0644/0755 typically)."""
    umask = os.umask(0)
    os.umask(umask)
    return (0o777 if folder else 0o666) & ~umask


def write_bytes_atomic(path: str | os.PathLike, data: bytes, *, overwrite: bool = True) -> None:
    with atomic_path(path, overwrite=overwrite) as tmp:
        tmp.write_bytes(data)


def write_json_atomic(path: str | os.PathLike, payload: Any) -> None:
    """Write `payload` as indented UTF-8 JSON, atomically."""
    text = json.dumps(payload, indent=2, sort_keys=False, allow_nan=True)
    write_bytes_atomic(path, text.encode("utf-8"))


def read_json(path: str | os.PathLike, what: str) -> Any:
    """Read a JSON file; a missing or corrupt file raises `LatentiaError` naming `what`."""
    file = Path(path)
    try:
        return json.loads(file.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise LatentiaError(f"the {what} is missing ({file})") from exc
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LatentiaError(f"the {what} is corrupt or unreadable ({file})") from exc
