"""GIF dithering modes: ordered dithering keeps still areas still and gradients unbanded."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import GifImagePlugin, Image

from models.errors import ExportError
from models.export import GifPalette, GifSettings, build_global_palette, write_gif
from models.export.palette import bayer_thresholds, quantize_frame
from models.export.settings import DITHER_MODES

STILL_TOP = 8  # rows above this move; the rows below never change


def moving_top_still_bottom(count: int = 6, height: int = 40, width: int = 64) -> np.ndarray:
    """(count, height, width, 3) uint8: a band of drifting colour above a still 2-D gradient of
    ~2,000 colours (too many for an exact palette, so every mode really dithers it)."""
    y, x = np.mgrid[0:height, 0:width].astype(np.float32)
    still = np.stack([40 + 3 * x, 200 - 4 * y, 90 + 1.5 * x + 2 * y], axis=-1)
    frames = np.repeat(np.rint(still)[None], count, axis=0)
    for index in range(count):
        phase = 2 * np.pi * index / count
        wave = 127 + 120 * np.sin(x[:STILL_TOP] / 5 + phase)
        frames[index, :STILL_TOP] = np.stack([wave, 255 - wave, wave / 2], axis=-1)
    return frames.astype(np.uint8)


def read_indices(path, monkeypatch) -> np.ndarray:
    """(N, H, W) palette indices of every frame of a GIF with one global palette."""
    monkeypatch.setattr(GifImagePlugin, "LOADING_STRATEGY",
                        GifImagePlugin.LoadingStrategy.RGB_AFTER_DIFFERENT_PALETTE_ONLY)
    with Image.open(path) as image:
        frames = []
        for index in range(image.n_frames):
            image.seek(index)
            assert image.mode == "P"
            frames.append(np.asarray(image))
    return np.stack(frames)


def test_still_pixels_keep_their_index_with_ordered_dithering(tmp_path, monkeypatch):
    frames = moving_top_still_bottom()
    assert not build_global_palette(frames).exact
    still_changes = {}
    for mode in ("ordered", "floyd-steinberg"):
        path = write_gif(tmp_path / f"{mode}.gif", frames, GifSettings(dither=mode))
        indices = read_indices(path, monkeypatch)
        assert len(indices) == len(frames)
        still = indices[:, STILL_TOP:]  # (N, H - 8, W)
        still_changes[mode] = float((still[1:] != still[:-1]).mean())
        assert (indices[1:, :STILL_TOP] != indices[:-1, :STILL_TOP]).any()  # the top moves
    assert still_changes["ordered"] == 0.0
    # Error diffusion carries the moving band's error down into the still rows: they shimmer.
    assert still_changes["floyd-steinberg"] > 0.02


def widest_band(indices: np.ndarray, source: np.ndarray) -> float:
    """The largest change of a horizontal gradient (max over channels) across a run of columns
    over which an 8-row stripe of `indices` shows one palette entry: what the eye sees as a
    band. indices (H, W), H a multiple of 8; source (W, 3), the gradient along a row."""
    stripes = indices.reshape(-1, 8, indices.shape[1])  # (H / 8, 8, W)
    solid = np.all(stripes == stripes[:, :1], axis=1)  # (H / 8, W): one entry down the stripe
    widest = 0.0
    for solid_row, entries in zip(solid, stripes[:, 0], strict=True):
        start = None
        for x in range(len(entries)):
            if not solid_row[x]:
                start = None
                continue
            if start is None or entries[x] != entries[start]:
                start = x
            widest = max(widest, float(np.abs(source[x] - source[start]).max()))
    return widest


RAMPS = {
    "grey": lambda t: np.stack([20 + 215 * t] * 3, axis=-1),
    # Red to green runs across grey: one Bayer offset added to all channels (the usual ordered
    # dither) moves no pixel along it, and this gradient came out in bands.
    "red-green": lambda t: np.stack([40 + 175 * t, 215 - 175 * t, 90 + 0 * t], axis=-1),
}


def ramp_palette() -> GifPalette:
    """16 colours, 8 along each ramp, ~35 levels apart: coarse enough to band badly."""
    steps = np.linspace(0.0, 1.0, 8)
    colours = np.concatenate([np.rint(make(steps)) for make in RAMPS.values()])
    return GifPalette(colours=np.unique(colours.astype(np.uint8), axis=0),
                      transparent_index=None)


def ramp_image(ramp: str, height: int) -> tuple[np.ndarray, np.ndarray]:
    """A horizontal gradient: its (256, 3) colours along a row and the (height, 256, 3) image."""
    source = RAMPS[ramp](np.linspace(0.0, 1.0, 256))
    return source, np.repeat(np.rint(source)[None], height, axis=0).astype(np.uint8)


@pytest.mark.parametrize("ramp", RAMPS)
def test_ordered_dithering_does_not_band_a_gradient(ramp):
    palette = ramp_palette()
    assert 30 < palette.spacing < 40
    source, image = ramp_image(ramp, 32)
    bands = {mode: widest_band(np.asarray(quantize_frame(image, palette, mode)), source)
             for mode in ("ordered", "none")}
    assert bands["none"] > 0.6 * palette.spacing  # nearest colours: one band per colour
    assert bands["ordered"] < 0.25 * palette.spacing


@pytest.mark.parametrize("ramp", RAMPS)
def test_ordered_tiles_average_to_the_gradient(ramp):
    palette = ramp_palette()
    _, image = ramp_image(ramp, 16)
    errors = {}
    for mode in ("ordered", "none"):
        shown = palette.colours[np.asarray(quantize_frame(image, palette, mode))].astype(float)
        tiles = (shown - image).reshape(2, 8, 32, 8, 3).mean(axis=(1, 3))  # 8x8 tile means
        errors[mode] = np.abs(tiles).max()
    assert errors["none"] > palette.spacing / 4
    assert errors["ordered"] < palette.spacing / 8


def test_bayer_thresholds_cover_every_level_once():
    thresholds = bayer_thresholds(8)
    assert thresholds.shape == (8, 8)
    assert np.array_equal(np.sort(thresholds.ravel()), (np.arange(64) + 0.5) / 64)
    # Neighbours differ a lot: in each 2x2 block the levels are a quarter of the range apart.
    assert np.all(np.abs(np.diff(thresholds, axis=1)) >= 0.25)


def test_dither_settings_accept_the_modes_and_switches():
    assert GifSettings().dither == "ordered"
    for mode in DITHER_MODES:
        assert GifSettings(dither=mode).dither == mode
    # An on/off switch (the export dialog, --dither/--no-dither) means ordered or none.
    assert GifSettings(dither=True) == GifSettings(dither="ordered")
    assert GifSettings(dither=False).dither == "none"


@pytest.mark.parametrize("bad", ["yes", "Ordered", "bayer", "", 1, None, ("ordered",)])
def test_dither_settings_refuse_other_values(bad):
    with pytest.raises(ExportError, match="ordered, floyd-steinberg, none"):
        GifSettings(dither=bad)


def test_quantize_frame_refuses_an_unknown_mode():
    frames = moving_top_still_bottom(count=2)
    with pytest.raises(ExportError, match="dither must be one of"):
        quantize_frame(frames[0], build_global_palette(frames), True)


def test_nearest_lookup_is_within_its_stated_precision():
    rng = np.random.default_rng(3)
    palette = GifPalette(colours=np.unique(rng.integers(0, 256, (200, 3), np.uint8), axis=0),
                         transparent_index=None)
    pixels = rng.integers(0, 256, (64, 64, 3), np.uint8)
    chosen = palette.colours[palette.nearest_indices(pixels)].astype(float)  # (64, 64, 3)
    gaps = np.linalg.norm(pixels[..., None, :] - palette.colours.astype(float), axis=-1)
    excess = np.linalg.norm(pixels - chosen, axis=-1) - gaps.min(axis=-1)  # (64, 64)
    assert excess.max() <= 5.2
    assert (excess < 1e-9).mean() > 0.9  # most pixels get their very nearest colour
    # A second lookup of the same colours, now remembered, gives the same answer.
    assert np.array_equal(palette.nearest_indices(pixels), palette.nearest_indices(pixels))
