"""Train/validation split: decided by file contents and a seed, never by scanning order."""

from __future__ import annotations

import hashlib
import random
import shutil
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from models.config import IngestConfig
from models.ingest import ingest_folder
from models.ingest.split import split_indices

DIGESTS = [hashlib.sha1(str(i).encode()).hexdigest() for i in range(200)]


def val_set(digests: list[str], fraction: float, seed: int = 0) -> set[str]:
    _, val = split_indices(digests, fraction, seed)
    return {digests[i] for i in val}


def test_same_files_in_any_order_give_the_same_split() -> None:
    shuffled = DIGESTS.copy()
    random.Random(1).shuffle(shuffled)
    assert val_set(shuffled, 0.08) == val_set(DIGESTS, 0.08)


def test_indices_are_sorted_disjoint_int64_and_cover_everything() -> None:
    train, val = split_indices(DIGESTS, 0.08, seed=3)
    assert train.dtype == val.dtype == np.int64
    assert (np.diff(train) > 0).all() and (np.diff(val) > 0).all()
    assert len(val) == 16 and sorted([*train, *val]) == list(range(200))


def test_seed_changes_the_split() -> None:
    assert val_set(DIGESTS, 0.1, seed=0) != val_set(DIGESTS, 0.1, seed=1)


@pytest.mark.parametrize("count, fraction, expected_val", [
    (1, 0.08, 0), (2, 0.08, 1), (3, 0.08, 1), (100, 0.08, 8), (50, 0.0, 0), (2, 0.49, 1)])
def test_validation_size(count: int, fraction: float, expected_val: int) -> None:
    train, val = split_indices(DIGESTS[:count], fraction)
    assert (len(train), len(val)) == (count - expected_val, expected_val)


def test_fraction_out_of_range_is_refused() -> None:
    with pytest.raises(ValueError, match="validation fraction"):
        split_indices(DIGESTS, 1.0)


def test_cache_split_follows_file_contents_not_names(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    rng = np.random.default_rng(0)
    for index in range(12):
        pixels = rng.integers(0, 255, (8, 8, 3), dtype=np.uint8)
        Image.fromarray(pixels).save(first / f"{index:02d}.png")
    shutil.copytree(first, second)
    for index, path in enumerate(sorted(second.iterdir())):  # reverse the scanning order
        path.rename(second / f"{99 - index:02d}.png")
    config = IngestConfig(image_size=32, max_workers=1)
    caches = [ingest_folder(f, config, tmp_path / f"{f.name}_cache") for f in (first, second)]
    chosen = []
    for cache in caches:
        _, val = cache.split(0.25, seed=7)
        assert len(val) == 3
        chosen.append({cache.entries[i].digest for i in val})
    assert chosen[0] == chosen[1]
    assert [e.digest for e in caches[0].entries] != [e.digest for e in caches[1].entries]
