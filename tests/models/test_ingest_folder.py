"""A real, messy folder: every format, nested and hidden entries, links, every kind of bad file."""

from __future__ import annotations

import builtins
import contextlib
import io
import itertools
import os
import shutil
import struct
import threading
import time
import warnings
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from models.config import IngestConfig
from models.errors import IngestError
from models.ingest import ImageCache, ingest_folder, pool, scan_report

CONFIG = IngestConfig(image_size=32, max_workers=1)
GOOD = ["rgba.png", "rotated.jpg", "cmyk.jpg", "anim.gif", "grey16.png", "la.png", "pic.webp",
        "pic.bmp", "pic.tif", "UPPER.JPG", "sub/nested/deep.tiff", "sub/x.jpeg", "linked.png"]
BAD = {  # file → the words its skip reason must contain
    "empty.png": "empty file",
    "truncated.png": "truncated or corrupt",
    "truncated.jpg": "truncated or corrupt",
    "notes.png": "not an image",
    "bomb.png": "decompression bomb",
    "locked.png": "permission denied",
    "dangling.png": "broken link",
}


def colour_image(index: int, mode: str = "RGB", size=(40, 30)) -> Image.Image:
    """A distinct image per index, so no two good files are duplicates."""
    rng = np.random.default_rng(index)
    pixels = rng.integers(0, 255, (size[1], size[0], 3), dtype=np.uint8)
    return Image.fromarray(pixels).convert(mode)


def bomb_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("1", (8, 8)).save(buffer, "PNG")
    data = bytearray(buffer.getvalue())
    data[16:24] = struct.pack(">II", 20_000, 20_000)  # IHDR width, height
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def build_messy_folder(root: Path, outside: Path) -> Path:
    folder = root / "images"
    (folder / "sub" / "nested").mkdir(parents=True)
    (folder / ".hidden_dir").mkdir()
    outside.mkdir()
    colour_image(0, "RGBA").save(folder / "rgba.png")
    rotated = colour_image(1)
    exif = rotated.getexif()
    exif[0x0112] = 6
    rotated.save(folder / "rotated.jpg", exif=exif.tobytes())
    colour_image(2, "CMYK").save(folder / "cmyk.jpg")
    colour_image(3, "P").save(folder / "anim.gif", transparency=0)
    Image.fromarray(np.arange(1200, dtype=np.uint16).reshape(30, 40) * 50).save(
        folder / "grey16.png")
    colour_image(4, "LA").save(folder / "la.png")
    colour_image(5).save(folder / "pic.webp")
    colour_image(6).save(folder / "pic.bmp")
    colour_image(7).save(folder / "pic.tif")
    colour_image(8).save(folder / "UPPER.JPG", format="JPEG")
    colour_image(9).save(folder / "sub" / "nested" / "deep.tiff")
    colour_image(10).save(folder / "sub" / "x.jpeg")
    colour_image(11).save(outside / "target.png")
    (folder / "linked.png").symlink_to(outside / "target.png")  # a linked file is accepted
    colour_image(12).save(folder / ".hidden.png")  # hidden: ignored, not counted
    colour_image(13).save(folder / ".hidden_dir" / "inside.png")
    (folder / "readme.txt").write_text("not an image extension: ignored, not counted")
    (folder / "empty.png").write_bytes(b"")
    for name in ("truncated.png", "truncated.jpg"):
        colour_image(14, size=(120, 90)).save(folder / name)
        data = (folder / name).read_bytes()
        (folder / name).write_bytes(data[: len(data) // 2])
    (folder / "notes.png").write_text("shopping list: milk, eggs")
    (folder / "bomb.png").write_bytes(bomb_png())
    colour_image(15).save(folder / "locked.png")
    (folder / "dangling.png").symlink_to(root / "does-not-exist.png")
    (folder / "sub" / "loop").symlink_to(folder, target_is_directory=True)  # never followed
    shutil.copy(folder / "rgba.png", folder / "sub" / "rgba_copy.png")  # duplicate
    return folder


@pytest.fixture
def messy_folder(tmp_path: Path) -> Path:
    return build_messy_folder(tmp_path, tmp_path / "outside")


@pytest.fixture
def locked_file(monkeypatch: pytest.MonkeyPatch, messy_folder: Path) -> None:
    """Make `locked.png` unreadable. We run as root, where chmod 000 would not stop reading."""
    real_open = builtins.open

    def guarded_open(file, *args, **kwargs):
        if str(file).endswith("locked.png"):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr(builtins, "open", guarded_open)


@pytest.mark.usefixtures("locked_file")
def test_messy_folder_counts_and_reasons(messy_folder: Path, tmp_path: Path) -> None:
    cache = ingest_folder(messy_folder, CONFIG, tmp_path / "cache")
    report = cache.report
    assert report.usable == len(GOOD) == len(cache) == cache.images.shape[0]
    assert report.duplicates == 1
    assert report.found == len(GOOD) + len(BAD) + 1  # + the duplicate
    reasons = {skipped.path: skipped.reason for skipped in report.skipped}
    assert set(reasons) == set(BAD)
    for path, words in BAD.items():
        assert words in reasons[path], (path, reasons[path])
    assert sorted(entry.path for entry in cache.entries) == sorted(GOOD)
    assert cache.images.shape[1:] == (32, 32, 3) and cache.images.dtype == np.uint8
    assert report.summary() == (f"{len(GOOD)} usable images of {report.found} files "
                                "(7 skipped, 1 duplicates)")


def test_the_first_of_two_identical_files_is_kept(messy_folder: Path, tmp_path: Path) -> None:
    cache = ingest_folder(messy_folder, CONFIG, tmp_path / "cache")
    paths = [entry.path for entry in cache.entries]
    assert "rgba.png" in paths and "sub/rgba_copy.png" not in paths


@pytest.mark.skipif(os.geteuid() == 0, reason="root can read files with mode 000")
def test_file_without_read_permission_is_skipped(messy_folder: Path, tmp_path: Path) -> None:
    (messy_folder / "locked.png").chmod(0)
    report, _ = scan_report(messy_folder, CONFIG)
    assert "permission denied" in {s.path: s.reason for s in report.skipped}["locked.png"]


def test_threaded_decoding_gives_the_same_result_as_serial(messy_folder: Path,
                                                           tmp_path: Path) -> None:
    filters_before = list(warnings.filters)
    serial = ingest_folder(messy_folder, CONFIG, tmp_path / "serial")
    threaded = ingest_folder(messy_folder, CONFIG.replace(max_workers=3), tmp_path / "threaded")
    assert serial.entries == threaded.entries and serial.other_files == threaded.other_files
    np.testing.assert_array_equal(serial.images, threaded.images)
    assert serial.report.skipped == threaded.report.skipped
    assert warnings.filters == filters_before  # the bomb check's filter changes were undone


@pytest.mark.usefixtures("locked_file")
def test_scan_report_matches_ingest_and_writes_nothing(messy_folder: Path, tmp_path: Path) -> None:
    before = sorted(tmp_path.rglob("*"))
    updates: list[tuple[int, int]] = []
    report, preview = scan_report(messy_folder, CONFIG, limit_preview=4,
                                  progress=lambda done, total: updates.append((done, total)))
    assert sorted(tmp_path.rglob("*")) == before
    assert preview.shape == (4, 32, 32, 3) and preview.dtype == np.uint8
    cache = ingest_folder(messy_folder, CONFIG, tmp_path / "cache")
    assert (report.usable, report.duplicates, report.found) == (
        cache.report.usable, cache.report.duplicates, cache.report.found)
    np.testing.assert_array_equal(preview, cache.images[:4])  # exactly what training sees
    assert updates[0] == (0, updates[-1][1]) and updates[-1][0] == updates[-1][1]
    assert [done for done, _ in updates] == sorted(done for done, _ in updates)


def test_scan_report_of_an_all_bad_folder_reports_instead_of_raising(tmp_path: Path) -> None:
    (tmp_path / "a.png").write_bytes(b"")
    report, preview = scan_report(tmp_path, CONFIG)
    assert report.usable == 0 and report.found == 1 and preview.shape == (0, 32, 32, 3)


def test_empty_folder_raises_one_clear_sentence(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("no images here")
    with pytest.raises(IngestError, match=r"contains no images \(looked for .*\.png"):
        ingest_folder(tmp_path, CONFIG, tmp_path / "cache")
    assert not (tmp_path / "cache").exists()


def test_all_bad_folder_raises_and_writes_no_cache(tmp_path: Path) -> None:
    folder = tmp_path / "images"
    folder.mkdir()
    (folder / "a.png").write_bytes(b"")
    (folder / "b.jpg").write_text("text")
    with pytest.raises(IngestError, match=r"None of the 2 image files .* could be used \(for "
                                          r"example a.png: empty file"):
        ingest_folder(folder, CONFIG, tmp_path / "cache")
    assert list((tmp_path / "cache").iterdir()) == []


def test_missing_folder_and_file_instead_of_folder(tmp_path: Path) -> None:
    with pytest.raises(IngestError, match="does not exist"):
        ingest_folder(tmp_path / "nope", CONFIG, tmp_path / "cache")
    (tmp_path / "a.png").write_bytes(b"x")
    with pytest.raises(IngestError, match="is a file, not a folder"):
        ingest_folder(tmp_path / "a.png", CONFIG, tmp_path / "cache")
    with pytest.raises(IngestError, match="does not exist"):
        scan_report(tmp_path / "nope", CONFIG)


def test_cache_opens_with_the_same_content(messy_folder: Path, tmp_path: Path) -> None:
    cache = ingest_folder(messy_folder, CONFIG, tmp_path / "cache")
    reopened = ImageCache.open(tmp_path / "cache")
    assert reopened.entries == cache.entries and reopened.report == cache.report
    assert reopened.folder == messy_folder.resolve()
    np.testing.assert_array_equal(reopened.images, cache.images)
    assert not reopened.images.flags.writeable


def test_decoding_threads_work_at_the_same_time(messy_folder: Path, tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    both_running = threading.Barrier(2, timeout=10)  # breaks unless two files overlap
    calls = itertools.count()
    real_decode_file = pool.decode.decode_file

    def decode_file_meeting_another(path, config):
        if next(calls) < 2:  # the first two files wait for each other (a second thread)
            with contextlib.suppress(threading.BrokenBarrierError):
                both_running.wait()
        return real_decode_file(path, config)

    monkeypatch.setattr(pool.decode, "decode_file", decode_file_meeting_another)
    cache = ingest_folder(messy_folder, CONFIG.replace(max_workers=2), tmp_path / "cache")
    assert not both_running.broken and len(cache) > 0


def test_closing_the_decoder_early_stops_after_the_files_in_hand(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    paths = [str(tmp_path / f"{index:03d}.png") for index in range(400)]
    decoded: list[str] = []

    def slow_decode_file(path, config):  # like a huge image, except for the first chunk
        decoded.append(path)
        if path not in paths[:pool.MAX_CHUNK]:
            time.sleep(0.2)
        return pool.decode.DecodedFile("")

    monkeypatch.setattr(pool.decode, "decode_file", slow_decode_file)
    workers = 2
    chunks = pool.decode_in_order(paths, CONFIG.replace(max_workers=workers))
    first = next(chunks)
    chunks.close()
    assert len(first) == pool.MAX_CHUNK
    # The other thread finishes the file it holds, not its whole chunk of eight.
    assert pool.MAX_CHUNK < len(decoded) <= pool.MAX_CHUNK + 2 * workers
    assert not [t for t in threading.enumerate() if t.name.startswith("ingest-decode")]
