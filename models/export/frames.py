"""Frame stacks in, Pillow images out: validation, integer upscaling, progress and cancelling."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from PIL import Image

from models.errors import Cancelled, ExportError

ProgressCallback = Callable[[int, int], None]  # (steps done, steps in all)
StopCallback = Callable[[], bool]  # True asks the export to stop; nothing is left half-written

_CHANNELS = (1, 3, 4)  # grey, RGB, RGBA
_RESAMPLE = {"nearest": Image.Resampling.NEAREST, "lanczos": Image.Resampling.LANCZOS}
# Pillow warns when opening anything larger (decompression-bomb guard), so we never write it.
_FALLBACK_MAX_PIXELS = 89_478_485


def as_frames(frames: np.ndarray | Sequence[np.ndarray]) -> np.ndarray:
    """A contiguous (N, H, W, C) uint8 stack, from an array or a sequence of (H, W, C) arrays."""
    if isinstance(frames, np.ndarray):
        stack = frames
    else:
        items = [np.asarray(frame) for frame in frames]
        if not items:
            raise ExportError("there are no frames to export")
        shapes = sorted({item.shape for item in items})
        if len(shapes) > 1:
            raise ExportError(f"all frames must have the same shape; got {shapes}")
        stack = np.stack(items)
    if stack.ndim != 4:
        raise ExportError(f"frames must be an (N, H, W, C) array; got shape {stack.shape}")
    if stack.shape[0] == 0:
        raise ExportError("there are no frames to export")
    _check_pixels(stack.dtype, stack.shape[1:])
    return np.ascontiguousarray(stack)


def as_image(image: np.ndarray) -> np.ndarray:
    """A contiguous (H, W, C) uint8 image."""
    pixels = np.asarray(image)
    if pixels.ndim != 3:
        raise ExportError(f"an image must be an (H, W, C) array; got shape {pixels.shape}")
    _check_pixels(pixels.dtype, pixels.shape)
    return np.ascontiguousarray(pixels)


def _check_pixels(dtype: np.dtype, shape: tuple[int, ...]) -> None:
    height, width, channels = shape
    if dtype != np.uint8:
        raise ExportError(f"pixels must be uint8 (0-255); got {dtype}")
    if channels not in _CHANNELS:
        raise ExportError(f"images need 1 (grey), 3 (RGB) or 4 (RGBA) channels; got {channels}")
    if height == 0 or width == 0:
        raise ExportError(f"images must not be empty; got {height}x{width} pixels")


def check_pixel_count(height: int, width: int) -> None:
    """Refuse images so large that Pillow (and most viewers) would refuse to open them."""
    limit = Image.MAX_IMAGE_PIXELS or _FALLBACK_MAX_PIXELS
    if height * width > limit:
        raise ExportError(f"the image would be {width}x{height} pixels, more than "
                          f"{limit:,} that image viewers accept; use a smaller scale")


def upscale(pixels: np.ndarray, scale: int, resample: str) -> np.ndarray:
    """(H, W, C) -> (H*scale, W*scale, C). `nearest` repeats each pixel exactly."""
    if scale == 1:
        return pixels
    if resample == "nearest":
        return pixels.repeat(scale, axis=0).repeat(scale, axis=1)
    height, width = pixels.shape[:2]
    # Pillow resamples RGBA in premultiplied form, so transparent pixels don't bleed colour.
    big = to_pil(pixels).resize((width * scale, height * scale), _RESAMPLE[resample])
    return np.asarray(big).reshape(height * scale, width * scale, pixels.shape[2])


def to_pil(pixels: np.ndarray) -> Image.Image:
    """(H, W, C) uint8 -> a Pillow image in mode L, RGB or RGBA."""
    return Image.fromarray(pixels[..., 0] if pixels.shape[2] == 1 else pixels)


def scaled_pil(pixels: np.ndarray, scale: int, resample: str) -> Image.Image:
    return to_pil(upscale(pixels, scale, resample))


def step(done: int, total: int, progress: ProgressCallback | None,
         should_stop: StopCallback | None) -> None:
    """Stop with `Cancelled` if asked to, else report progress."""
    if should_stop is not None and should_stop():
        raise Cancelled("the export was cancelled")
    if progress is not None:
        progress(done, total)
