"""Shared helpers of the latent-map modules: input checks, array storage, seeds, threads.

Every app-facing function turns bad input into a `LatentiaError` with one clear sentence here,
so the maths below can assume finite float arrays of the right shape.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import numpy as np
from threadpoolctl import threadpool_limits  # installed with (and used by) scikit-learn

from models.errors import LatentiaError, ProjectError


def single_threaded() -> threadpool_limits:
    """Context that keeps BLAS and OpenMP on one thread for the small fits of the map.

    Measured on a busy 2-core machine (another job training): PCA of 10,000 x 128 took 0.9 s
    with the default thread pools and 0.09 s on one thread, an auto-k search on 500 latents 8 s
    instead of 0.2 s; spinning worker threads fight the busy cores. These problems are too small
    to gain from threads. Entering the context costs a few ms: use it around fits, not queries.
    """
    return threadpool_limits(limits=1)


def as_latents(latents: Any, what: str = "latents", min_rows: int = 1) -> np.ndarray:
    """`latents` as a float64 (N, D) array with finite values and at least `min_rows` rows."""
    array = np.asarray(latents, dtype=np.float64)
    if array.ndim != 2 or array.shape[1] < 1:
        raise LatentiaError(f"{what} must be a 2-D array (N, D); got shape {array.shape}")
    if array.shape[0] < min_rows:
        raise LatentiaError(f"{what} needs at least {min_rows} rows; got {array.shape[0]}")
    if not np.all(np.isfinite(array)):
        raise LatentiaError(f"{what} contain NaN or infinite values")
    return array


def as_codes(codes: Any, dim: int | None = None, what: str = "codes") -> np.ndarray:
    """One code (D,) or a batch (M, D) as finite float64, checking D against `dim` if given."""
    array = np.asarray(codes, dtype=np.float64)
    if array.ndim not in (1, 2):
        raise LatentiaError(f"{what} must be (D,) or (M, D); got shape {array.shape}")
    if dim is not None and array.shape[-1] != dim:
        raise LatentiaError(f"{what} have {array.shape[-1]} dimensions; expected {dim}")
    if not np.all(np.isfinite(array)):
        raise LatentiaError(f"{what} contain NaN or infinite values")
    return array


def as_points(points: Any, what: str = "map points", min_rows: int = 1) -> np.ndarray:
    """Map positions as a finite float64 (M, 2) array."""
    array = np.asarray(points, dtype=np.float64)
    if array.ndim == 1 and array.shape == (2,):
        array = array[None, :]
    if array.ndim != 2 or array.shape[1] != 2:
        raise LatentiaError(f"{what} must be an (M, 2) array; got shape {array.shape}")
    if array.shape[0] < min_rows:
        raise LatentiaError(f"{what} need at least {min_rows} rows; got {array.shape[0]}")
    if not np.all(np.isfinite(array)):
        raise LatentiaError(f"{what} contain NaN or infinite values")
    return array


def check_same_rows(first: np.ndarray, second: np.ndarray, names: str) -> None:
    if first.shape[0] != second.shape[0]:
        raise LatentiaError(f"{names} must have the same number of rows; "
                            f"got {first.shape[0]} and {second.shape[0]}")


def json_field(payload: Any) -> np.ndarray:
    """JSON text as a uint8 array, so strings can travel in a safetensors file of arrays."""
    return np.frombuffer(json.dumps(payload).encode("utf-8"), dtype=np.uint8).copy()


def read_json_field(arrays: Mapping[str, np.ndarray], key: str) -> Any:
    raw = require_array(arrays, key)
    try:
        return json.loads(np.asarray(raw, dtype=np.uint8).tobytes().decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, ValueError) as exc:
        raise ProjectError(f"stored latent map field '{key}' is not valid JSON") from exc


def require_array(arrays: Mapping[str, np.ndarray], key: str,
                  shape: tuple[int | None, ...] | None = None) -> np.ndarray:
    """`arrays[key]`, checking its presence and (None = any) shape; ProjectError otherwise."""
    if key not in arrays:
        raise ProjectError(f"stored latent map is missing the field '{key}'")
    array = np.asarray(arrays[key])
    if shape is not None and not _shape_matches(array.shape, shape):
        raise ProjectError(f"stored latent map field '{key}' has shape {array.shape}; "
                           f"expected {tuple('any' if s is None else s for s in shape)}")
    if array.dtype.kind in "fc" and not np.all(np.isfinite(array)):
        raise ProjectError(f"stored latent map field '{key}' contains NaN or infinite values")
    return array


def _shape_matches(got: tuple[int, ...], want: tuple[int | None, ...]) -> bool:
    return len(got) == len(want) and all(
        size is None or size == actual for actual, size in zip(got, want, strict=True))


def with_prefix(prefix: str, arrays: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {f"{prefix}.{key}": value for key, value in arrays.items()}


def strip_prefix(prefix: str, arrays: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    start = f"{prefix}."
    return {key[len(start):]: value for key, value in arrays.items() if key.startswith(start)}


def rng_seed(seed: int) -> int:
    """A seed sklearn and numpy both accept (non-negative, < 2**32)."""
    if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
        raise LatentiaError(f"seed must be an integer; got {seed!r}")
    return int(seed) % (2**32)
