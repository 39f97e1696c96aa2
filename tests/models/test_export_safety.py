"""Atomic writes, refusals and validation: a failed export leaves nothing behind."""

from __future__ import annotations

import errno

import numpy as np
import pytest
from PIL import Image

from models.errors import ExportError
from models.export import (
    AnimationSettings,
    GifSettings,
    Provenance,
    VideoSettings,
    sidecar_path,
    write_apng,
    write_frames_dir,
    write_gif,
    write_png,
    write_sprite_sheet,
    write_webp,
)

FRAMES = np.random.default_rng(0).integers(0, 256, (4, 8, 8, 3), dtype=np.uint8)
PROVENANCE = Provenance.create(np.zeros((4, 2)), "m")

WRITERS = {
    "png": lambda path, **kw: write_png(path, FRAMES[0], **kw),
    "sheet": lambda path, **kw: write_sprite_sheet(path, FRAMES, **kw),
    "gif": lambda path, **kw: write_gif(path, FRAMES, GifSettings(), **kw),
    "webp": lambda path, **kw: write_webp(path, FRAMES, AnimationSettings(), **kw),
    "apng": lambda path, **kw: write_apng(path, FRAMES, AnimationSettings(), **kw),
    "frames": lambda path, **kw: write_frames_dir(path, FRAMES, **kw),
}


@pytest.mark.parametrize("kind", WRITERS)
def test_full_disk_leaves_no_file(tmp_path, monkeypatch, kind):
    def save_until_disk_full(image, target, *args, **kwargs):
        with open(target, "wb") as handle:
            handle.write(b"half an image")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(Image.Image, "save", save_until_disk_full)
    with pytest.raises(ExportError, match="No space left on device"):
        WRITERS[kind](tmp_path / "out", provenance=PROVENANCE)
    assert list(tmp_path.iterdir()) == []  # no file, no temporary file, no sidecar


def test_failed_sidecar_leaves_no_file(tmp_path, monkeypatch):
    def full_disk(path, payload):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr("models.export.target.write_json_atomic", full_disk)
    with pytest.raises(ExportError, match="No space left on device"):
        write_gif(tmp_path / "a.gif", FRAMES, GifSettings(), provenance=PROVENANCE)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("kind", WRITERS)
def test_missing_folder_is_a_clear_error(tmp_path, kind):
    with pytest.raises(ExportError, match="does not exist"):
        WRITERS[kind](tmp_path / "missing" / "out")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("kind", ["png", "sheet", "gif", "webp", "apng"])
def test_refuses_to_overwrite_unless_asked(tmp_path, kind):
    target = tmp_path / "out"
    target.write_bytes(b"precious")
    with pytest.raises(ExportError, match="already exists"):
        WRITERS[kind](target)
    assert target.read_bytes() == b"precious"
    WRITERS[kind](target, overwrite=True)
    assert target.read_bytes() != b"precious"
    assert [p.name for p in tmp_path.iterdir()] == ["out"]


def test_existing_sidecar_blocks_and_stale_sidecar_is_removed(tmp_path):
    target = tmp_path / "a.gif"
    sidecar_path(target).write_text("{}")
    with pytest.raises(ExportError, match=r"a\.gif\.json already exists"):
        write_gif(target, FRAMES, GifSettings(), provenance=PROVENANCE)
    assert not target.exists()
    write_gif(target, FRAMES, GifSettings(), overwrite=True)  # no provenance this time
    assert not sidecar_path(target).exists()


@pytest.mark.parametrize("make", [
    lambda: GifSettings(fps=0), lambda: GifSettings(fps=-1), lambda: GifSettings(fps=60),
    lambda: GifSettings(fps=float("nan")), lambda: GifSettings(fps="24"),
    lambda: GifSettings(scale=9), lambda: GifSettings(scale=0), lambda: GifSettings(scale=1.5),
    lambda: GifSettings(resample="bicubic"), lambda: GifSettings(loop=-1),
    lambda: GifSettings(hold_first_ms=-5), lambda: GifSettings(dither="yes"),
    lambda: AnimationSettings(fps=101), lambda: AnimationSettings(quality=101),
    lambda: VideoSettings(crf=60), lambda: VideoSettings(background=(1, 2)),
    lambda: GifSettings.from_frame_ms(0),
])
def test_bad_settings(make):
    with pytest.raises(ExportError):
        make()


@pytest.mark.parametrize(("frames", "message"), [
    (FRAMES.astype(np.float32), "uint8"),
    (FRAMES[..., :2], "channels"),
    ([], "no frames"),
    ([FRAMES[0], FRAMES[0, :4]], "same shape"),
    (FRAMES[0], r"\(N, H, W, C\)"),
    (FRAMES[:, :0], "empty"),
])
def test_bad_frames(tmp_path, frames, message):
    with pytest.raises(ExportError, match=message):
        write_gif(tmp_path / "a.gif", frames, GifSettings())
    assert list(tmp_path.iterdir()) == []


def test_bad_png_arguments(tmp_path):
    with pytest.raises(ExportError, match="scale"):
        write_png(tmp_path / "a.png", FRAMES[0], scale=9)
    with pytest.raises(ExportError, match=r"\(H, W, C\)"):
        write_png(tmp_path / "a.png", FRAMES)
    with pytest.raises(ExportError, match="image viewers"):
        write_png(tmp_path / "a.png", np.zeros((2000, 6000, 1), np.uint8), scale=8)
    assert list(tmp_path.iterdir()) == []
