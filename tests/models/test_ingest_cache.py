"""The cache on disk: reuse without decoding, partial re-ingest, cancelling, refusing bad caches."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from models.config import IngestConfig
from models.errors import Cancelled, ProjectError
from models.ingest import ImageCache, decode, ingest_folder
from models.ingest.rows import ImageRowsWriter

CONFIG = IngestConfig(image_size=32, max_workers=1)


def save_image(path: Path, seed: int) -> None:
    rng = np.random.default_rng(seed)
    Image.fromarray(rng.integers(0, 255, (30, 40, 3), dtype=np.uint8)).save(path)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    images = tmp_path / "images"
    images.mkdir()
    for index in range(6):
        save_image(images / f"img_{index}.png", index)
    (images / "bad.png").write_bytes(b"")
    return images


@pytest.fixture
def decode_count(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every path decoded from now on (ingestion with max_workers=1 decodes in this process)."""
    decoded: list[str] = []
    real_decode = decode.decode_file

    def counting_decode(path, config):
        decoded.append(Path(path).name)
        return real_decode(path, config)

    monkeypatch.setattr(decode, "decode_file", counting_decode)
    return decoded


def test_unchanged_folder_reuses_the_cache_without_decoding(folder: Path, tmp_path: Path,
                                                             decode_count: list[str]) -> None:
    first = ingest_folder(folder, CONFIG, tmp_path / "cache")
    assert len(decode_count) == 7
    updates: list[tuple[int, int]] = []
    second = ingest_folder(folder, CONFIG.replace(max_workers=2), tmp_path / "cache",
                           progress=lambda done, total: updates.append((done, total)))
    assert len(decode_count) == 7  # nothing decoded again (the worker count changes no pixels)
    assert second.entries == first.entries and second.report == first.report
    np.testing.assert_array_equal(second.images, first.images)
    assert updates == [(7, 7)]


def test_changed_and_added_files_are_the_only_ones_decoded(folder: Path, tmp_path: Path,
                                                          decode_count: list[str]) -> None:
    first = ingest_folder(folder, CONFIG, tmp_path / "cache")
    before = {entry.path: first.images[row].copy() for row, entry in enumerate(first.entries)}
    save_image(folder / "img_2.png", 100)
    os.utime(folder / "img_2.png", ns=(1, 1))  # a new mtime even on coarse-clock file systems
    save_image(folder / "new.png", 101)
    decode_count.clear()
    second = ingest_folder(folder, CONFIG, tmp_path / "cache")
    assert sorted(decode_count) == ["bad.png", "img_2.png", "new.png"]  # bad files are retried
    rows = {entry.path: second.images[row] for row, entry in enumerate(second.entries)}
    assert len(second) == 7 and second.report.usable == 7
    np.testing.assert_array_equal(rows["img_0.png"], before["img_0.png"])
    assert not np.array_equal(rows["img_2.png"], before["img_2.png"])
    np.testing.assert_array_equal(rows["new.png"], decode.load_image(folder / "new.png", CONFIG))


def test_removed_file_and_new_duplicate_change_the_cache(folder: Path, tmp_path: Path,
                                                        decode_count: list[str]) -> None:
    ingest_folder(folder, CONFIG, tmp_path / "cache")
    (folder / "img_0.png").unlink()
    (folder / "copy.png").write_bytes((folder / "img_1.png").read_bytes())
    decode_count.clear()
    cache = ingest_folder(folder, CONFIG, tmp_path / "cache")
    assert (len(cache), cache.report.duplicates) == (5, 1)
    assert "img_0.png" not in {entry.path for entry in cache.entries}
    assert sorted(decode_count) == ["bad.png", "copy.png"]


def test_other_pixel_settings_decode_everything_again(folder: Path, tmp_path: Path,
                                                      decode_count: list[str]) -> None:
    ingest_folder(folder, CONFIG, tmp_path / "cache")
    decode_count.clear()
    cache = ingest_folder(folder, CONFIG.replace(image_size=64), tmp_path / "cache")
    assert len(decode_count) == 7 and cache.images.shape == (6, 64, 64, 3)


def as_version_1_cache(cache_dir: Path) -> list[str]:
    """Rewrite a cache's manifest the way version 1 wrote it (SHA-1 digests); returns them."""
    manifest_path = cache_dir / "manifest.json"
    manifest = json.loads(manifest_path.read_text())
    manifest["version"] = 1
    sha1s = []
    for entry in (*manifest["entries"], *manifest["other_files"]):
        entry["sha1"] = hashlib.sha1(entry.pop("digest").encode()).hexdigest()
        sha1s.append(entry["sha1"])
    manifest_path.write_text(json.dumps(manifest))
    return sha1s[:len(manifest["entries"])]


def test_version_1_cache_opens_and_is_reused_only_while_unchanged(folder: Path, tmp_path: Path,
                                                                  decode_count: list[str]) -> None:
    first = ingest_folder(folder, CONFIG, tmp_path / "cache")
    sha1s = as_version_1_cache(tmp_path / "cache")
    old = ImageCache.open(tmp_path / "cache")
    assert [entry.digest for entry in old.entries] == sha1s and old.digest_kind == "sha1"
    np.testing.assert_array_equal(old.images, first.images)
    decode_count.clear()
    assert ingest_folder(folder, CONFIG, tmp_path / "cache").digest_kind == "sha1"
    assert decode_count == []  # unchanged folder: the old cache as it is
    (folder / "copy.png").write_bytes((folder / "img_1.png").read_bytes())
    rebuilt = ingest_folder(folder, CONFIG, tmp_path / "cache")
    assert len(decode_count) == 8  # old digests cannot find the new duplicate: decode it all
    assert rebuilt.digest_kind == "xxh3-128" and rebuilt.report.duplicates == 1
    assert json.loads((tmp_path / "cache" / "manifest.json").read_text())["version"] == 2


@pytest.mark.parametrize("workers", [1, 2])
def test_cancel_leaves_no_cache_and_no_temporary_files(folder: Path, tmp_path: Path,
                                                       workers: int) -> None:
    calls = iter(range(100))
    with pytest.raises(Cancelled):
        ingest_folder(folder, CONFIG.replace(max_workers=workers), tmp_path / "cache",
                      should_stop=lambda: next(calls) >= 3)  # stops after three files
    assert list((tmp_path / "cache").iterdir()) == []


def test_cancel_keeps_the_previous_cache_usable(folder: Path, tmp_path: Path) -> None:
    first = ingest_folder(folder, CONFIG, tmp_path / "cache")
    save_image(folder / "new.png", 50)
    with pytest.raises(Cancelled):
        ingest_folder(folder, CONFIG.replace(max_workers=2), tmp_path / "cache",
                      should_stop=lambda: True)
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == ["images.npy",
                                                                     "manifest.json"]
    assert ImageCache.open(tmp_path / "cache").entries == first.entries


def test_open_refuses_missing_corrupt_unknown_and_mismatched_caches(folder: Path,
                                                                    tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    with pytest.raises(ProjectError, match="missing"):
        ImageCache.open(cache_dir)
    ingest_folder(folder, CONFIG, cache_dir)
    manifest = json.loads((cache_dir / "manifest.json").read_text())
    np.save(cache_dir / "images.npy", np.zeros((5, 32, 32, 3), np.uint8))  # one row short
    with pytest.raises(ProjectError, match="do not match"):
        ImageCache.open(cache_dir)
    (cache_dir / "manifest.json").write_text(json.dumps({**manifest, "version": 99}))
    with pytest.raises(ProjectError, match="version 99"):
        ImageCache.open(cache_dir)
    (cache_dir / "manifest.json").write_text(json.dumps({**manifest, "version": [2]}))
    with pytest.raises(ProjectError, match=r"version \[2\]"):
        ImageCache.open(cache_dir)
    (cache_dir / "manifest.json").write_text("{not json")
    with pytest.raises(ProjectError, match="corrupt"):
        ImageCache.open(cache_dir)


def test_broken_cache_is_rebuilt_by_the_next_ingest(folder: Path, tmp_path: Path) -> None:
    ingest_folder(folder, CONFIG, tmp_path / "cache")
    (tmp_path / "cache" / "images.npy").write_bytes(b"garbage")
    cache = ingest_folder(folder, CONFIG, tmp_path / "cache")
    assert len(cache) == 6 and cache.images.shape == (6, 32, 32, 3)


@pytest.mark.parametrize("capacity", [3, 9, 12_345])
def test_rows_writer_shrinks_the_file_to_the_rows_written(tmp_path: Path, capacity: int) -> None:
    path = tmp_path / "rows.npy"
    writer = ImageRowsWriter(path, capacity, (4, 4, 3))
    rows = [np.full((4, 4, 3), value, np.uint8) for value in (7, 8, 9)]
    for row in rows:
        writer.append(row)
    writer.finish()
    loaded = np.load(path, mmap_mode="r")
    np.testing.assert_array_equal(loaded, np.stack(rows))
    assert path.stat().st_size == loaded.offset + loaded.nbytes
