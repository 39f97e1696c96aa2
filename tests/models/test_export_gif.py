"""GIF export: one global palette, exact timing, loop flags, ping-pong, holds, transparency."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import GifImagePlugin, Image

from models.errors import Cancelled
from models.export import (
    GifSettings,
    Provenance,
    build_global_palette,
    estimate_gif_bytes,
    read_provenance,
    sidecar_path,
    write_gif,
)
from models.export.settings import DITHER_MODES
from models.export.timeline import build_timeline, round_durations


def morph_frames(count: int = 8, size: int = 16, channels: int = 3) -> np.ndarray:
    """(count, size, size, channels) uint8: drifting gradients and a moving blob."""
    y, x = np.mgrid[0:size, 0:size] / size
    frames = []
    for t in np.linspace(0.0, 1.0, count):
        blob = np.exp(-((x - t) ** 2 + (y - 0.5) ** 2) * 12)
        rgb = np.stack([0.5 + 0.5 * np.sin(6 * x + 3 * t), 0.5 + 0.5 * np.cos(5 * y - 2 * t),
                        blob], axis=-1)
        frames.append(np.rint(rgb * 255).astype(np.uint8))
    stack = np.stack(frames)
    if channels == 4:
        alpha = np.full((*stack.shape[:3], 1), 255, np.uint8)
        alpha[:, :, : size // 2] = 0  # left half transparent
        stack = np.concatenate([stack, alpha], axis=-1)
    return stack


def solid_frames(count: int) -> np.ndarray:
    """Frames of distinct solid colours, so each frame is identifiable after reading back."""
    colours = [(40 * i % 256, 255 - 30 * i, 60 + 20 * i) for i in range(count)]
    return np.stack([np.full((8, 8, 3), c, np.uint8) for c in colours])


def read_gif(path) -> tuple[list[np.ndarray], list[int], dict]:
    with Image.open(path) as image:
        info = dict(image.info)
        frames, durations = [], []
        for index in range(image.n_frames):
            image.seek(index)
            frames.append(np.asarray(image.convert("RGBA")))
            durations.append(image.info["duration"])
    return frames, durations, info


def gif_image_blocks(data: bytes) -> tuple[bool, list[bool]]:
    """(has a global colour table, [each image has a local colour table]) from raw GIF bytes."""
    flags = data[10]
    position = 13 + (3 * 2 ** ((flags & 7) + 1) if flags & 0x80 else 0)
    local_tables = []
    while data[position] != 0x3B:  # trailer
        if data[position] == 0x21:  # extension: introducer, label, data sub-blocks
            position += 2
        else:
            assert data[position] == 0x2C, "unexpected GIF block"
            packed = data[position + 9]
            local_tables.append(bool(packed & 0x80))
            position += 10 + (3 * 2 ** ((packed & 7) + 1) if packed & 0x80 else 0) + 1
        while data[position]:
            position += data[position] + 1
        position += 1
    return bool(flags & 0x80), local_tables


@pytest.mark.parametrize("dither", DITHER_MODES)
def test_frames_share_one_global_palette(tmp_path, monkeypatch, dither):
    path = write_gif(tmp_path / "a.gif", morph_frames(), GifSettings(fps=12, dither=dither))
    has_global, local_tables = gif_image_blocks(path.read_bytes())
    assert has_global
    assert local_tables == [False] * 8
    # Pillow keeps frames in P mode only while they use the first frame's palette.
    monkeypatch.setattr(GifImagePlugin, "LOADING_STRATEGY",
                        GifImagePlugin.LoadingStrategy.RGB_AFTER_DIFFERENT_PALETTE_ONLY)
    with Image.open(path) as image:
        palettes = []
        for index in range(image.n_frames):
            image.seek(index)
            assert image.mode == "P"
            palettes.append(image.getpalette())
    assert len(palettes) == 8
    assert all(p == palettes[0] for p in palettes)


def test_durations_are_centiseconds_with_the_exact_total(tmp_path):
    settings = GifSettings(fps=30, hold_first_ms=105, hold_last_ms=250)
    path = write_gif(tmp_path / "a.gif", morph_frames(8), settings)
    _, durations, _ = read_gif(path)
    exact = build_timeline(8, settings).durations_ms
    assert durations == round_durations(exact, 10)
    assert all(ms % 10 == 0 for ms in durations)
    exact_ends, written_ends = np.cumsum(exact), np.cumsum(durations)
    assert np.all(np.abs(written_ends - exact_ends) <= 5)
    assert durations[0] >= 130 and durations[-1] >= 280  # the holds are there


@pytest.mark.parametrize(("plays", "netscape"), [(0, 0), (1, None), (3, 2)])
def test_loop_counts_plays(tmp_path, plays, netscape):
    path = write_gif(tmp_path / "a.gif", morph_frames(4), GifSettings(loop=plays))
    _, _, info = read_gif(path)
    assert info.get("loop") == netscape


def test_pingpong_order_and_holds(tmp_path):
    frames = solid_frames(4)
    settings = GifSettings(fps=20, pingpong=True, hold_first_ms=200, hold_last_ms=300)
    path = write_gif(tmp_path / "a.gif", frames, settings)
    shown, durations, _ = read_gif(path)
    colours = [tuple(frame[0, 0, :3]) for frame in shown]
    expected = [tuple(frames[i, 0, 0]) for i in (0, 1, 2, 3, 2, 1)]
    assert colours == expected
    assert durations == [250, 50, 50, 350, 50, 50]


def test_rgba_uses_a_transparent_index(tmp_path):
    frames = morph_frames(6, channels=4)
    frames[..., 3] = 255
    for index in range(6):
        frames[index, :, : 2 + 2 * index, 3] = 0  # a transparent band that grows
    path = write_gif(tmp_path / "a.gif", frames, GifSettings(dither=True))
    shown, _, info = read_gif(path)
    assert info["transparency"] == build_global_palette(frames).transparent_index
    for frame, expected in zip(shown, frames, strict=True):
        assert np.array_equal(frame[..., 3], expected[..., 3])


def test_dither_off_maps_each_pixel_to_its_nearest_colour(tmp_path):
    frames = morph_frames(4, size=48)
    errors = {}
    # Error diffusion: colours here change by more than the palette spacing within 8 pixels,
    # too busy for a fixed pattern to average better than nearest colours; ordered
    # dithering's averages are tested on gradients in test_export_gif_dither.py.
    for dither in (False, "floyd-steinberg"):
        path = write_gif(tmp_path / f"{dither}.gif", frames, GifSettings(dither=dither))
        shown = np.stack(read_gif(path)[0])[..., :3].astype(float)
        difference = shown - frames
        blocks = difference.reshape(4, 6, 8, 6, 8, 3).mean(axis=(2, 4))
        errors[dither] = (np.abs(difference).mean(), np.abs(blocks).mean())
    # Without dithering each pixel is closest; dithering trades that for truer local averages.
    assert errors[False][0] < errors["floyd-steinberg"][0]
    assert errors["floyd-steinberg"][1] < errors[False][1]


def test_few_colours_come_out_exact(tmp_path):
    # Neighbouring grey levels: Pillow's own palette lookup would merge some of them.
    levels = np.arange(40, 240, dtype=np.uint8).reshape(10, 20)
    frames = np.stack([np.roll(levels, shift, axis=1) for shift in range(4)])[..., None]
    path = write_gif(tmp_path / "a.gif", frames, GifSettings(scale=2, resample="nearest"))
    shown = np.stack(read_gif(path)[0])[..., 0]
    assert np.array_equal(shown, frames[..., 0].repeat(2, axis=1).repeat(2, axis=2))


def test_fully_transparent_and_repeated_frames(tmp_path):
    blank = np.zeros((3, 4, 4, 4), np.uint8)
    shown, durations, _ = read_gif(write_gif(tmp_path / "a.gif", blank, GifSettings(fps=10)))
    # Pillow folds a frame identical to the previous one into it, adding the durations.
    assert len(shown) == 1 and durations == [300]
    assert shown[0][..., 3].max() == 0


def test_provenance_goes_to_a_sidecar(tmp_path):
    latents = np.random.default_rng(1).normal(size=(8, 4)).astype(np.float32)
    provenance = Provenance.create(latents, "model-abc", {"steps": 8}, kind="interpolation")
    path = write_gif(tmp_path / "walk.gif", morph_frames(), GifSettings(),
                     provenance=provenance)
    assert sidecar_path(path).name == "walk.gif.json"
    assert json.loads(sidecar_path(path).read_text())["model_id"] == "model-abc"
    back = read_provenance(path)
    assert np.allclose(back.latents, latents) and back.latents.dtype == np.float32
    assert back.settings == {"steps": 8} and back.kind == "interpolation"


def test_estimate_is_close_to_the_real_size(tmp_path):
    frames = morph_frames(24, size=32)
    settings = GifSettings(pingpong=True)
    estimate = estimate_gif_bytes(frames, settings)
    actual = write_gif(tmp_path / "a.gif", frames, settings).stat().st_size
    assert 0.6 * actual < estimate < 1.6 * actual


def test_progress_and_cancel(tmp_path):
    seen = []
    write_gif(tmp_path / "a.gif", morph_frames(5), GifSettings(),
              progress=lambda done, total: seen.append((done, total)))
    assert seen[0] == (0, 6) and seen[-1] == (6, 6)
    with pytest.raises(Cancelled):
        write_gif(tmp_path / "b.gif", morph_frames(5), GifSettings(), should_stop=lambda: True)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.gif"]
