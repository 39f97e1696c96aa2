"""Provenance: which latent codes, model and settings made an exported image.

PNG files carry it in an iTXt chunk `latentia` (compact JSON); GIF, WebP and MP4 have no text
chunks, so they get a sidecar `NAME.ext.json` beside them. `read_provenance` reads either.
"""

from __future__ import annotations

import base64
import binascii
import importlib.metadata
import json
import math
import os
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image, UnidentifiedImageError

from models.errors import ExportError, LatentiaError
from models.fileio import read_json
from models.records import frozen_array

PNG_KEY = "latentia"
FORMAT_VERSION = 1
# Up to this many values are stored as a readable list; more as base64 of little-endian
# float32 bytes, a third of the size and exact.
_LIST_LIMIT = 64
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_TEXT_FIELDS = ("model_id", "kind", "app_version", "created")


def installed_app_version() -> str:
    """Latentia's version from the installed package metadata ("unknown" in a bare checkout)."""
    try:
        return importlib.metadata.version("latentia")
    except importlib.metadata.PackageNotFoundError:
        return "unknown"


@dataclass(frozen=True, eq=False)
class Provenance:
    """Where an image came from. Arrays are read-only copies; `settings` is plain JSON."""

    latents: np.ndarray  # float32: (D,) for one code, (K, D) for K frames
    model_id: str  # the caller's identity for the model, e.g. a hash of its weights
    settings: dict  # JSON-ready generation settings (temperature, steps, ...)
    kind: str  # what the image shows: "sample", "reconstruction", "interpolation", ...
    app_version: str
    created: str  # ISO 8601 UTC, e.g. "2025-01-31T12:00:00+00:00"

    def __post_init__(self) -> None:
        try:
            latents = np.asarray(self.latents, dtype=np.float32)
        except (TypeError, ValueError) as exc:
            raise ExportError("latent codes must be an array of numbers") from exc
        if not np.all(np.isfinite(latents)):
            raise ExportError("latent codes must be finite numbers (no NaN or infinity)")
        for name in _TEXT_FIELDS:
            if not isinstance(getattr(self, name), str):
                raise ExportError(f"provenance {name} must be text; got {getattr(self, name)!r}")
        object.__setattr__(self, "latents", frozen_array(latents, np.float32))
        object.__setattr__(self, "settings", _json_copy(self.settings))

    @classmethod
    def create(cls, latents: np.ndarray, model_id: str, settings: dict | None = None,
               kind: str = "sample", app_version: str | None = None) -> Provenance:
        """Provenance stamped now (UTC) with this app's version unless one is given."""
        return cls(latents=latents, model_id=model_id, settings=settings or {}, kind=kind,
                   app_version=app_version or installed_app_version(),
                   created=datetime.now(UTC).isoformat(timespec="seconds"))

    def for_frame(self, index: int) -> Provenance:
        """The provenance of frame `index` of a sequence: row `index` of (K, D) `latents`."""
        if self.latents.ndim < 2 or not 0 <= index < len(self.latents):
            raise ExportError(f"no latent code for frame {index}: latents have shape "
                              f"{self.latents.shape}")
        return Provenance(latents=self.latents[index], model_id=self.model_id,
                          settings={**self.settings, "frame_index": index}, kind=self.kind,
                          app_version=self.app_version, created=self.created)

    def to_dict(self) -> dict[str, Any]:
        return {"format": FORMAT_VERSION, "kind": self.kind, "model_id": self.model_id,
                "app_version": self.app_version, "created": self.created,
                "settings": self.settings, "latents": _encode_latents(self.latents)}

    def to_json(self) -> str:
        """Compact JSON (no spaces), as stored in a PNG chunk."""
        return json.dumps(self.to_dict(), separators=(",", ":"), allow_nan=False)

    @classmethod
    def from_dict(cls, data: Any) -> Provenance:
        """Inverse of `to_dict`; anything malformed raises ExportError."""
        if not isinstance(data, dict) or data.get("format") != FORMAT_VERSION:
            raise ExportError("unknown provenance format")
        try:
            return cls(latents=_decode_latents(data["latents"]), model_id=data["model_id"],
                       settings=data["settings"], kind=data["kind"],
                       app_version=data["app_version"], created=data["created"])
        except (KeyError, TypeError, ValueError) as exc:
            raise ExportError(f"provenance is missing or has a bad field ({exc})") from exc


def _json_copy(settings: Any) -> dict:
    """A private copy of `settings` that is known to survive JSON (no NaN, str keys)."""
    if not isinstance(settings, dict):
        raise ExportError(f"provenance settings must be a dict; got {type(settings).__name__}")
    try:
        return json.loads(json.dumps(settings, allow_nan=False))
    except (TypeError, ValueError) as exc:
        raise ExportError(f"provenance settings must be plain JSON values ({exc})") from exc


def _encode_latents(latents: np.ndarray) -> dict[str, Any]:
    shape = list(latents.shape)
    if latents.size <= _LIST_LIMIT:
        # str(float32) is the shortest text that reads back to the same float32.
        return {"shape": shape, "values": [float(str(v)) for v in latents.ravel()]}
    raw = latents.astype("<f4").tobytes()
    return {"shape": shape, "base64": base64.b64encode(raw).decode("ascii")}


def _decode_latents(encoded: Any) -> np.ndarray:
    shape = tuple(int(n) for n in encoded["shape"])
    if "base64" in encoded:
        try:
            values = np.frombuffer(base64.b64decode(encoded["base64"], validate=True), "<f4")
        except (binascii.Error, ValueError) as exc:
            raise ExportError("provenance latents are not valid base64 float32") from exc
    else:
        values = np.asarray(encoded["values"], dtype=np.float32)
    if values.size != math.prod(shape):
        raise ExportError(f"provenance latents hold {values.size} values, not shape {shape}")
    return values.astype(np.float32).reshape(shape)


def provenance_texts(provenance: Provenance | None) -> dict[str, str]:
    """PNG text chunks (key -> text) that carry `provenance`; empty for None."""
    return {} if provenance is None else {PNG_KEY: provenance.to_json()}


def sidecar_path(path: str | os.PathLike) -> Path:
    """`NAME.ext.json` beside `NAME.ext`."""
    file = Path(path)
    return file.with_name(file.name + ".json")


def read_provenance(path: str | os.PathLike) -> Provenance | None:
    """The provenance stored in a PNG chunk or in a sidecar; None when there is none.

    A missing file or a corrupt record raises ExportError.
    """
    file = Path(path)
    if not file.is_file():
        raise ExportError(f"{file} does not exist or is not a file")
    text = read_png_text(file, PNG_KEY) if _is_png(file) else None
    try:
        if text is not None:
            return Provenance.from_dict(json.loads(text))
        sidecar = sidecar_path(file)
        if not sidecar.is_file():
            return None
        return Provenance.from_dict(read_json(sidecar, "provenance sidecar"))
    except json.JSONDecodeError as exc:
        raise ExportError(f"the provenance in {file} is corrupt (not JSON)") from exc
    except LatentiaError as exc:
        raise ExportError(f"the provenance of {file} is unreadable: {exc}") from exc


def _is_png(file: Path) -> bool:
    try:
        with open(file, "rb") as handle:
            return handle.read(len(_PNG_SIGNATURE)) == _PNG_SIGNATURE
    except OSError as exc:
        raise ExportError(f"cannot read {file}: {exc.strerror or exc}") from exc


def read_png_text(file: Path, key: str) -> str | None:
    """The text chunk `key` of a PNG (or APNG); None when absent."""
    try:
        with Image.open(file) as image:
            return image.text.get(key)  # type: ignore[attr-defined]
    except (OSError, UnidentifiedImageError, SyntaxError, ValueError) as exc:
        raise ExportError(f"{file} is not a readable PNG ({exc})") from exc
