"""PNG stills, sprite sheets, numbered frame folders and the provenance they carry."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image
from PIL.PngImagePlugin import PngInfo

from models.errors import Cancelled, ExportError
from models.export import (
    FrameRect,
    Provenance,
    read_provenance,
    read_sheet_layout,
    write_frames_dir,
    write_png,
    write_sprite_sheet,
)
from models.export.provenance import PNG_KEY


def random_frames(count: int = 5, height: int = 4, width: int = 6,
                  channels: int = 3) -> np.ndarray:
    return np.random.default_rng(count).integers(0, 256, (count, height, width, channels),
                                                 dtype=np.uint8)


def make_provenance(rows: int = 1, dims: int = 16) -> Provenance:
    latents = np.random.default_rng(rows).normal(size=(rows, dims)).astype(np.float32)
    return Provenance.create(latents, "sha256:1234", {"temperature": 0.8}, kind="sample",
                             app_version="0.1.0")


def test_nearest_scale_repeats_pixels_exactly(tmp_path):
    image = random_frames(1, 4, 5, 3)[0]
    path = write_png(tmp_path / "a.png", image, scale=3, resample="nearest")
    back = np.asarray(Image.open(path))
    assert back.shape == (12, 15, 3)
    assert np.array_equal(back, image.repeat(3, axis=0).repeat(3, axis=1))


def test_lanczos_scale_keeps_rgba_transparent(tmp_path):
    image = np.zeros((8, 8, 4), np.uint8)
    image[:, 4:] = (200, 30, 90, 255)
    path = write_png(tmp_path / "a.png", image, scale=4, resample="lanczos")
    with Image.open(path) as back:
        assert back.mode == "RGBA" and back.size == (32, 32)
        alpha = np.asarray(back)[..., 3]
    assert np.all(alpha[:, :4] == 0)  # 3 source pixels from the edge: out of lanczos3 reach
    assert np.all(alpha[:, 28:] == 255)


def test_grey_image_is_written_as_grey(tmp_path):
    image = random_frames(1, 3, 3, 1)[0]
    with Image.open(write_png(tmp_path / "g.png", image)) as back:
        assert back.mode == "L"
        assert np.array_equal(np.asarray(back), image[..., 0])


def test_png_provenance_round_trip(tmp_path):
    provenance = make_provenance(1, 16)
    path = write_png(tmp_path / "a.png", random_frames(1)[0], provenance=provenance)
    with Image.open(path) as image:
        text = image.text[PNG_KEY]
    assert ", " not in text and ": " not in text  # compact JSON
    assert "values" in json.loads(text)["latents"]
    back = read_provenance(path)
    assert back.latents.dtype == np.float32
    assert np.array_equal(back.latents, provenance.latents)
    assert (back.model_id, back.kind, back.app_version) == ("sha256:1234", "sample", "0.1.0")
    assert back.settings == {"temperature": 0.8} and back.created == provenance.created


def test_many_latents_are_stored_as_base64(tmp_path):
    provenance = make_provenance(8, 32)
    path = write_png(tmp_path / "a.png", random_frames(1)[0], provenance=provenance)
    with Image.open(path) as image:
        assert "base64" in json.loads(image.text[PNG_KEY])["latents"]
    assert np.array_equal(read_provenance(path).latents, provenance.latents)


def test_read_provenance_none_and_corrupt(tmp_path):
    plain = tmp_path / "plain.png"
    Image.new("RGB", (2, 2)).save(plain)
    assert read_provenance(plain) is None
    corrupt = tmp_path / "corrupt.png"
    info = PngInfo()
    info.add_itxt(PNG_KEY, "{not json")
    Image.new("RGB", (2, 2)).save(corrupt, pnginfo=info)
    with pytest.raises(ExportError, match="corrupt"):
        read_provenance(corrupt)
    gif = tmp_path / "a.gif"
    Image.new("P", (2, 2)).save(gif)
    assert read_provenance(gif) is None
    (tmp_path / "a.gif.json").write_text('{"format": 1, "latents": 3}')
    with pytest.raises(ExportError):
        read_provenance(gif)
    with pytest.raises(ExportError, match="does not exist"):
        read_provenance(tmp_path / "missing.png")


def test_provenance_rejects_bad_values():
    with pytest.raises(ExportError, match="finite"):
        Provenance.create(np.array([1.0, np.nan]), "m")
    with pytest.raises(ExportError, match="JSON"):
        Provenance.create(np.zeros(2), "m", settings={"when": object()})
    with pytest.raises(ExportError, match="frame 3"):
        make_provenance(3).for_frame(3)


def test_sprite_sheet_layout(tmp_path):
    frames = random_frames(5, height=4, width=6, channels=3)
    layout = write_sprite_sheet(tmp_path / "s.png", frames, spacing=2,
                                background=(10, 20, 30))
    assert (layout.columns, layout.rows) == (3, 2)
    assert (layout.width, layout.height) == (3 * 6 + 2 * 2, 2 * 4 + 2)
    assert layout.rects[4] == FrameRect(index=4, x=8, y=6, width=6, height=4)
    sheet = np.asarray(Image.open(tmp_path / "s.png"))
    assert sheet.shape == (layout.height, layout.width, 3)
    for rect, frame in zip(layout.rects, frames, strict=True):
        assert np.array_equal(sheet[rect.y:rect.y + 4, rect.x:rect.x + 6], frame)
    assert np.all(sheet[:, 6:8] == (10, 20, 30))  # the gap between columns 0 and 1
    assert np.all(sheet[6:, 16:] == (10, 20, 30))  # the empty sixth cell
    assert read_sheet_layout(tmp_path / "s.png") == layout


@pytest.mark.parametrize(("columns", "rows", "grid"), [(2, None, (2, 3)), (None, 1, (5, 1)),
                                                        (4, 4, (4, 4))])
def test_sprite_sheet_grid_choices(tmp_path, columns, rows, grid):
    layout = write_sprite_sheet(tmp_path / "s.png", random_frames(5), columns=columns, rows=rows)
    assert (layout.columns, layout.rows) == grid


def test_sprite_sheet_rgba_scaled_on_transparent_background(tmp_path):
    frames = random_frames(3, 2, 2, 4)
    frames[..., 3] = 255
    provenance = make_provenance(3, 4)
    layout = write_sprite_sheet(tmp_path / "s.png", frames, columns=3, spacing=1, scale=2,
                                resample="nearest", provenance=provenance)
    assert layout.rects[1] == FrameRect(index=1, x=5, y=0, width=4, height=4)
    sheet = np.asarray(Image.open(tmp_path / "s.png"))
    assert sheet.shape == (4, 14, 4)
    assert np.all(sheet[:, 4, 3] == 0) and np.all(sheet[:, 5:9, 3] == 255)
    assert np.array_equal(read_provenance(tmp_path / "s.png").latents, provenance.latents)


def test_sprite_sheet_bad_grid_or_background(tmp_path):
    with pytest.raises(ExportError, match="room for 4 frames, not 5"):
        write_sprite_sheet(tmp_path / "s.png", random_frames(5), columns=2, rows=2)
    with pytest.raises(ExportError, match="background"):
        write_sprite_sheet(tmp_path / "s.png", random_frames(5), background=(1, 2))
    assert list(tmp_path.iterdir()) == []


def test_frames_dir_names_and_per_frame_provenance(tmp_path):
    frames = random_frames(3, channels=4)
    provenance = make_provenance(3, 8)
    folder = write_frames_dir(tmp_path / "out", frames,
                              provenance=[provenance.for_frame(i) for i in range(3)])
    assert sorted(p.name for p in folder.iterdir()) == [
        "frame_0001.png", "frame_0002.png", "frame_0003.png"]
    second = read_provenance(folder / "frame_0002.png")
    assert np.array_equal(second.latents, provenance.latents[1])
    assert second.settings["frame_index"] == 1
    assert np.array_equal(np.asarray(Image.open(folder / "frame_0003.png")), frames[2])
    assert [p.name for p in tmp_path.iterdir()] == ["out"]  # no staging folder left


def test_frames_dir_refuses_a_non_empty_folder_unless_asked(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    write_frames_dir(folder, random_frames(2))  # an empty folder is fine
    with pytest.raises(ExportError, match="not empty"):
        write_frames_dir(folder, random_frames(4))
    assert len(list(folder.iterdir())) == 2
    write_frames_dir(folder, random_frames(1), overwrite=True, provenance=make_provenance())
    assert [p.name for p in folder.iterdir()] == ["frame_0001.png"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]


def test_frames_dir_cancel_leaves_nothing(tmp_path):
    calls = iter(range(100))
    with pytest.raises(Cancelled):
        write_frames_dir(tmp_path / "out", random_frames(4), should_stop=lambda: next(calls) == 2)
    assert list(tmp_path.iterdir()) == []
