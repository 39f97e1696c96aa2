"""Deterministic train/validation split from file contents, independent of scanning order."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np


def split_indices(digests: Sequence[str], val_fraction: float,
                  seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """(train_idx, val_idx), sorted int64, for images identified by the digest of their bytes.

    Each image gets a pseudo-random rank from hash(seed, digest); the lowest-ranked
    round(n * val_fraction) images validate. The rank depends only on the image's bytes and the
    seed, so the same files land in the same split whatever order they were scanned in. With at
    least 2 images and a positive fraction there is at least one image on each side.
    """
    if not 0.0 <= val_fraction < 1.0:
        raise ValueError(f"validation fraction must be in [0, 1), not {val_fraction}")
    count = len(digests)
    n_val = round(count * val_fraction)
    if val_fraction > 0 and count >= 2:
        n_val = min(max(n_val, 1), count - 1)
    ranks = np.array([_rank(digest, seed) for digest in digests], dtype=np.uint64)  # (N,)
    # Ties (same bytes twice, which ingestion prevents) fall back to row order: still stable.
    order = np.argsort(ranks, kind="stable")
    val = np.sort(order[:n_val]).astype(np.int64)
    train = np.sort(order[n_val:]).astype(np.int64)
    return train, val


def _rank(digest: str, seed: int) -> int:
    rank = hashlib.blake2b(f"{seed}:{digest}".encode(), digest_size=8).digest()
    return int.from_bytes(rank, "little")
