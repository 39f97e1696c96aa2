"""One global GIF palette for a whole animation, and frames mapped onto it.

A single palette for every frame is what keeps a GIF from flickering: with per-frame palettes
the same colour lands on different entries from frame to frame. Built as
  1. the distinct colours themselves, when a sample of the frames has few enough (pixel art
     then comes out exact), else
  2. Pillow's max-coverage palette of a pixel sample, refined by a few k-means iterations
     (Lloyd 1982, "Least squares quantization in PCM"). On morphing 256x256 frames
     (tests/benchmarks/bench_export.py) this took the RMS colour error from 13.5 levels
     (median cut) to 9.7, and the worst 0.1% from 54 to 23:
     max coverage keeps rare bright colours that median cut merges away, k-means then fits
     the common ones.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from PIL import Image
from scipy.cluster.vq import kmeans2

from models.export.frames import as_frames

ALPHA_CUTOFF = 128  # GIF transparency is on/off: alpha below this becomes transparent
_SAMPLE_FRAMES = 32  # frames looked at, evenly spread over the animation
_SAMPLE_PIXELS = 16_384  # random pixels the palette is fitted to: ~0.3 s of work
_KMEANS_ITERATIONS = 8  # the error stops falling after about 8 rounds


@dataclass(frozen=True)
class GifPalette:
    """The global palette: opaque colours, then one transparent slot when frames have alpha."""

    colours: np.ndarray  # (K, 3) uint8 sorted, K <= 256 (<= 255 with a transparent slot)
    transparent_index: int | None  # == K when present
    exact: bool = False  # the colours are all those of the sampled frames, not a fit

    def palette_bytes(self) -> bytes:
        """The colour table written to the file (RGB triplets)."""
        if self.transparent_index is None:
            return self.colours.tobytes()
        return self.colours.tobytes() + bytes(_unused_colour(self.colours))

    def quantizer(self) -> Image.Image:
        """A palette image of the opaque colours only, so no pixel maps to the transparent slot."""
        image = Image.new("P", (1, 1))
        image.putpalette(self.colours.tobytes())
        return image


def _unused_colour(colours: np.ndarray) -> tuple[int, int, int]:
    """A colour not in `colours` for the transparent slot: duplicate palette entries would make
    Pillow's palette remapping ambiguous."""
    taken = {tuple(int(v) for v in c) for c in colours}
    return next((g, 0, g) for g in range(256) if (g, 0, g) not in taken)


def split_alpha(pixels: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """(..., C) -> RGB (..., 3) and an opaque mask (...,) for RGBA, None otherwise."""
    if pixels.shape[-1] == 1:
        return np.repeat(pixels, 3, axis=-1), None
    if pixels.shape[-1] == 3:
        return pixels, None
    return pixels[..., :3], pixels[..., 3] >= ALPHA_CUTOFF


def build_global_palette(frames: np.ndarray) -> GifPalette:
    """The palette of (N, H, W, C) frames: 256 colours, or 255 + a transparent slot for RGBA."""
    stack = as_frames(frames)
    picked = np.unique(np.linspace(0, len(stack) - 1, min(len(stack), _SAMPLE_FRAMES))
                       .round().astype(int))
    rgb, opaque = split_alpha(stack[picked])
    pixels = rgb.reshape(-1, 3) if opaque is None else rgb[opaque]  # (M, 3)
    wanted = 256 if opaque is None else 255
    # getcolors gives up (None) as soon as it meets more than `wanted` colours.
    distinct = Image.fromarray(pixels[None]).getcolors(wanted) if len(pixels) else []
    if distinct is None:
        colours = _clustered_colours(pixels, wanted)
    else:  # few colours, e.g. pixel art: keep them all, exactly
        colours = np.asarray(sorted(c for _, c in distinct) or [(0, 0, 0)], np.uint8)
    return GifPalette(colours=colours, transparent_index=None if opaque is None else len(colours),
                      exact=distinct is not None)


def _clustered_colours(pixels: np.ndarray, wanted: int) -> np.ndarray:
    """(M, 3) uint8 pixels -> (K, 3) uint8 palette, K <= wanted."""
    # A fixed seed keeps exports reproducible; random (not strided) picks avoid aliasing.
    rng = np.random.default_rng(0)
    sample = pixels[rng.integers(0, len(pixels), min(len(pixels), _SAMPLE_PIXELS))]
    coverage = Image.fromarray(sample[None]).quantize(wanted,
                                                      method=Image.Quantize.MAXCOVERAGE)
    used = int(np.asarray(coverage).max()) + 1
    start = np.asarray(coverage.getpalette()[:3 * used], np.float32).reshape(used, 3)
    with warnings.catch_warnings():
        # An empty cluster keeps its starting colour, which is what we want.
        warnings.filterwarnings("ignore", "One of the clusters is empty")
        centres, _ = kmeans2(sample.astype(np.float32), start, iter=_KMEANS_ITERATIONS,
                             minit="matrix")
    colours = np.clip(np.rint(centres), 0, 255).astype(np.uint8)
    return np.unique(colours, axis=0)  # sorted; clusters may meet on the same colour


def _packed(rgb: np.ndarray) -> np.ndarray:
    """(..., 3) uint8 -> (...,) 0xRRGGBB; sorted colours give sorted keys."""
    wide = rgb.astype(np.uint32)
    return (wide[..., 0] << 16) | (wide[..., 1] << 8) | wide[..., 2]


def _exact_indices(rgb: np.ndarray, colours: np.ndarray) -> np.ndarray | None:
    """(H, W) palette indices when every pixel's colour is in `colours`, else None.

    Pillow's own mapping looks colours up in a cache of 6 bits per channel, which can be off by
    up to 3 levels: fine after dithering, wrong for pixel art whose colours are all there.
    """
    keys = _packed(colours)
    pixels = _packed(rgb)
    found = np.searchsorted(keys, pixels).clip(max=len(keys) - 1)
    return found.astype(np.uint8) if np.array_equal(keys[found], pixels) else None


def quantize_frame(pixels: np.ndarray, palette: GifPalette, dither: bool) -> Image.Image:
    """(H, W, C) uint8 -> a "P" image on the global palette, error-diffused when `dither`
    (Floyd & Steinberg 1976, "An adaptive algorithm for spatial greyscale")."""
    rgb, opaque = split_alpha(pixels)
    if opaque is not None:
        # Hidden pixels get an exact palette colour: they then spread no dither error into
        # their visible neighbours.
        rgb = np.where(opaque[..., None], rgb, palette.colours[0])
    exact = _exact_indices(rgb, palette.colours) if palette.exact else None
    if exact is not None:
        image = Image.frombytes("P", (exact.shape[1], exact.shape[0]), exact.tobytes())
    else:
        mode = Image.Dither.FLOYDSTEINBERG if dither else Image.Dither.NONE
        image = Image.fromarray(np.ascontiguousarray(rgb)).quantize(
            palette=palette.quantizer(), dither=mode)
    if palette.transparent_index is not None and opaque is not None:
        hidden = Image.fromarray(np.where(opaque, 0, 255).astype(np.uint8))
        image.paste(palette.transparent_index, mask=hidden)
    image.putpalette(palette.palette_bytes())
    return image
