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

Frames are then mapped onto it by `quantize_frame`, ordered-dithered by default: each pixel's
index depends on its own colour and position only, so still areas stay still from frame to
frame, where Floyd-Steinberg's diffused error makes them shimmer.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from PIL import Image
from scipy.cluster.vq import kmeans2
from scipy.spatial import cKDTree

from models.errors import ExportError
from models.export.frames import as_frames

ALPHA_CUTOFF = 128  # GIF transparency is on/off: alpha below this becomes transparent
_SAMPLE_FRAMES = 32  # frames looked at, evenly spread over the animation
_SAMPLE_PIXELS = 16_384  # random pixels the palette is fitted to: ~0.3 s of work
_KMEANS_ITERATIONS = 8  # the error stops falling after about 8 rounds
_BAYER_SIZE = 8  # 64 threshold levels: finer than the eye sees in a mix of two colours
_GRID_BITS = 6  # nearest-colour lookups per cell of 4x4x4 levels (see _NearestColourGrid)
_TINY = 1e-6  # keeps divisions by a zero length finite


class _NearestColourGrid:
    """The palette index nearest to any RGB colour, looked up per cell of 4x4x4 levels.

    A cell takes the entry nearest its centre, found in a k-d tree the first time a pixel
    falls in it and then remembered (120 benchmark frames touch ~90,000 cells), so a pixel
    gets an entry at most 5.2 levels farther than its nearest: twice the 2.6 levels from a
    cell's centre to its corners. Pillow's own cached lookup errs more where entries nearly
    tie, and ordered dithering through it drew jagged shapes into smooth highlights.
    """

    def __init__(self, colours: np.ndarray) -> None:
        self._tree = cKDTree(colours.astype(np.float32))  # over (K, 3)
        self._cells = np.full(1 << (3 * _GRID_BITS), -1, np.int16)  # entry per cell; -1: unknown

    def __call__(self, rgb: np.ndarray) -> np.ndarray:
        """(H, W, 3) uint8 -> (H, W) uint8 palette indices."""
        cell = (rgb >> (8 - _GRID_BITS)).astype(np.int32)  # (H, W, 3)
        keys = (cell[..., 0] << (2 * _GRID_BITS)) | (cell[..., 1] << _GRID_BITS) | cell[..., 2]
        found = self._cells[keys]  # (H, W)
        unknown = found < 0
        if unknown.any():
            new = np.unique(keys[unknown])  # (M,)
            side = (1 << _GRID_BITS) - 1
            corners = np.stack([new >> (2 * _GRID_BITS), (new >> _GRID_BITS) & side,
                                new & side], axis=-1)  # (M, 3) in cells
            width = 1 << (8 - _GRID_BITS)
            _, nearest = self._tree.query(corners * width + (width - 1) / 2)
            self._cells[new] = nearest
            found = self._cells[keys]
        return found.astype(np.uint8)

    def spacing(self) -> float:
        """Median distance from a palette colour to its nearest other one; 0 for one colour."""
        if self._tree.n < 2:
            return 0.0
        distances, _ = self._tree.query(self._tree.data, k=2)  # (K, 2): itself, its neighbour
        return float(np.median(distances[:, 1]))


@dataclass(frozen=True)
class GifPalette:
    """The global palette: opaque colours, then one transparent slot when frames have alpha."""

    colours: np.ndarray  # (K, 3) uint8 sorted, K <= 256 (<= 255 with a transparent slot)
    transparent_index: int | None  # == K when present
    exact: bool = False  # the colours are all those of the sampled frames, not a fit
    # Median RGB distance from a colour to its nearest other colour: how far ordered dithering
    # looks past a pixel for the second colour of its mix. 0 for a single colour.
    spacing: float = field(init=False)
    # Remembers the lookups of earlier frames; its answers depend on `colours` alone.
    _nearest: _NearestColourGrid = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        nearest = _NearestColourGrid(self.colours)
        object.__setattr__(self, "_nearest", nearest)
        object.__setattr__(self, "spacing", nearest.spacing())

    def nearest_indices(self, rgb: np.ndarray) -> np.ndarray:
        """(H, W, 3) uint8 -> (H, W) uint8 indices of the nearest colours (to 5.2 levels)."""
        return self._nearest(rgb)

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


def bayer_thresholds(size: int = _BAYER_SIZE) -> np.ndarray:
    """(size, size) float32 thresholds in (0, 1), size a power of two: Bayer's matrix (Bayer
    1973, "An optimum method for two-level rendition of continuous-tone pictures"), grown by
    M_2n = [[4M, 4M+2], [4M+3, 4M+1]]. Each level (k + 0.5) / size² appears once, so in
    every size x size tile the share of thresholds below a ratio r is r (to 1 / size²)."""
    ranks = np.zeros((1, 1))
    while len(ranks) < size:
        ranks = np.block([[4 * ranks, 4 * ranks + 2], [4 * ranks + 3, 4 * ranks + 1]])
    return ((ranks + 0.5) / ranks.size).astype(np.float32)


_THRESHOLDS = bayer_thresholds()


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


def _nearest_indices(rgb: np.ndarray, palette: GifPalette) -> np.ndarray:
    """(H, W, 3) uint8 -> (H, W) uint8 indices of the nearest colours (no dithering)."""
    return palette.nearest_indices(rgb)


def _diffused_indices(rgb: np.ndarray, palette: GifPalette) -> np.ndarray:
    """(H, W, 3) uint8 -> (H, W) uint8 indices, error-diffused (Floyd & Steinberg 1976, "An
    adaptive algorithm for spatial greyscale"). Smooth in a still, but each pixel's index
    depends on every pixel before it, so still areas of a moving picture shimmer."""
    image = Image.fromarray(np.ascontiguousarray(rgb)).quantize(
        palette=palette.quantizer(), dither=Image.Dither.FLOYDSTEINBERG)
    return np.asarray(image)


def _threshold_map(height: int, width: int) -> np.ndarray:
    """(height, width) Bayer thresholds, anchored at the top-left pixel of every frame."""
    reps = (-(-height // _BAYER_SIZE), -(-width // _BAYER_SIZE))
    return np.tile(_THRESHOLDS, reps)[:height, :width]


def _ordered_indices(rgb: np.ndarray, palette: GifPalette) -> np.ndarray:
    """(H, W, 3) uint8 -> (H, W) uint8 indices, ordered-dithered.

    Each pixel mixes two palette colours: its nearest, c1, and c2, the nearest colour one
    palette spacing beyond the pixel as seen from c1. The pixel's projection onto c1 -> c2
    gives the share `s` of c2, and the pixel shows c2 where its Bayer threshold is below `s`,
    so a tile of one colour averages to that projection. This is the two-colour mix of
    J. Yliluoma's "Arbitrary-palette positional dithering algorithm" (2011), with the pair
    found by two lookups instead of a search over all pairs. An index depends only on the
    pixel's colour and position: a pixel that keeps its colour keeps its index in every
    frame. (Adding one Bayer offset to all three channels, the usual way, left bands in
    red-to-green gradients: a grey offset does not move along them.)
    """
    height, width = rgb.shape[:2]
    source = rgb.reshape(-1, 3).astype(np.float32)  # (N, 3), N = H * W
    colours = palette.colours.astype(np.float32)  # (K, 3)
    near = _nearest_indices(rgb, palette).ravel()  # (N,)
    near_colours = np.take(colours, near, axis=0)  # (N, 3); take is ~2x faster than [near]
    error = source - near_colours  # (N, 3): from c1 to the pixel
    length = np.sqrt(np.einsum("nc,nc->n", error, error))  # (N,)
    beyond = error * (palette.spacing / np.maximum(length, _TINY))[:, None]  # (N, 3)
    beyond += source
    beyond = np.clip(np.rint(beyond, out=beyond), 0, 255, out=beyond).astype(np.uint8)
    far = _nearest_indices(beyond.reshape(height, width, 3), palette).ravel()  # (N,)
    step = np.take(colours, far, axis=0) - near_colours  # (N, 3): from c1 to c2
    share = np.einsum("nc,nc->n", error, step)  # (N,)
    share /= np.maximum(np.einsum("nc,nc->n", step, step), _TINY)
    shows_far = _threshold_map(height, width).ravel() < share
    return np.where(shows_far, far, near).astype(np.uint8).reshape(height, width)


_DITHERERS: dict[str, Callable[[np.ndarray, GifPalette], np.ndarray]] = {
    "ordered": _ordered_indices, "floyd-steinberg": _diffused_indices,
    "none": _nearest_indices}


def quantize_frame(pixels: np.ndarray, palette: GifPalette, dither: str) -> Image.Image:
    """(H, W, C) uint8 -> a "P" image on the global palette. `dither` is "ordered" (stable
    from frame to frame, see `_ordered_indices`), "floyd-steinberg" or "none" (nearest)."""
    if not isinstance(dither, str) or dither not in _DITHERERS:
        raise ExportError(f"dither must be one of {', '.join(_DITHERERS)}; got {dither!r}")
    rgb, opaque = split_alpha(pixels)
    if opaque is not None:
        # Hidden pixels get an exact palette colour: they then spread no dither error into
        # their visible neighbours.
        rgb = np.where(opaque[..., None], rgb, palette.colours[0])
    indices = _exact_indices(rgb, palette.colours) if palette.exact else None
    if indices is None:
        indices = _DITHERERS[dither](rgb, palette)
    image = Image.frombytes("P", (indices.shape[1], indices.shape[0]), indices.tobytes())
    if palette.transparent_index is not None and opaque is not None:
        hidden = Image.fromarray(np.where(opaque, 0, 255).astype(np.uint8))
        image.paste(palette.transparent_index, mask=hidden)
    image.putpalette(palette.palette_bytes())
    return image
