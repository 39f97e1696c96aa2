"""Pillow image → square uint8 RGB/RGBA pixels: colour modes, transparency and fitting.

Every Pillow mode a real folder produces is first brought to "RGB" or "RGBA" (8 bits a channel),
then fitted to the square and, unless alpha is kept, composited over the background colour.
"""

from __future__ import annotations

import numpy as np
from PIL import Image

from models.config import IngestConfig
from models.errors import IngestError

# Two-step resize (integer `reduce` first, then Lanczos) is Pillow's fast path for big downscales;
# 3.0 is the gap its documentation gives as indistinguishable from a plain Lanczos resize.
REDUCING_GAP = 3.0
_SIXTEEN_BIT_MODES = ("I;16", "I;16L", "I;16B", "I;16N", "I")
_ALPHA_MODES = ("RGBA", "LA", "PA", "RGBa", "La")


def to_rgb_or_rgba(image: Image.Image) -> Image.Image:
    """`image` in mode "RGBA" if it has any transparency, otherwise "RGB"."""
    if image.mode in _SIXTEEN_BIT_MODES or image.mode == "F":
        image = _high_depth_to_l(image)
    elif image.mode == "La":  # premultiplied; Pillow only un-premultiplies it towards "LA"
        image = image.convert("LA")
    target = "RGBA" if image.mode in _ALPHA_MODES or "transparency" in image.info else "RGB"
    if image.mode == target:
        return image
    try:
        # Pillow's convert applies palette/colour-key transparency ("transparency" info) too;
        # Adobe-inverted CMYK JPEGs were already undone by the JPEG plugin.
        return image.convert(target)
    except ValueError as error:  # a mode this Pillow version cannot convert directly
        raise IngestError(f"unsupported colour mode {image.mode}") from error


def _high_depth_to_l(image: Image.Image) -> Image.Image:
    """16-bit or float greyscale → 8-bit "L", scaling the full range instead of clipping at 255.

    Pillow's own convert("L") clips I;16 values above 255 to white, so scale with numpy.
    """
    values = np.asarray(image)  # (H, W) uint16 / int32 / float32
    if image.mode == "F":
        finite_max = float(np.nanmax(values)) if values.size else 0.0
        scale = 255.0 if finite_max <= 1.0 else 1.0  # [0, 1] floats or already 8-bit-ranged
        eight_bit = np.clip(np.nan_to_num(values) * scale, 0, 255)
    else:
        # Mode "I" holds 16-bit samples in practice (PNG/TIFF 16-bit); 65535 / 257 == 255 exactly.
        eight_bit = np.clip(values, 0, 65535) / 257.0
    return Image.fromarray(np.rint(eight_bit).astype(np.uint8), mode="L")


def fit_square(image: Image.Image, config: IngestConfig) -> Image.Image:
    """Resize an RGB/RGBA `image` to `image_size` squared by centre crop or by padding."""
    size = config.image_size
    width, height = image.size
    if config.fit == "crop":
        side = min(width, height)
        box = ((width - side) / 2, (height - side) / 2, (width + side) / 2, (height + side) / 2)
        return image.resize((size, size), Image.Resampling.LANCZOS, box=box,
                            reducing_gap=REDUCING_GAP)
    scale = size / max(width, height)
    inner = (max(1, round(width * scale)), max(1, round(height * scale)))
    resized = image.resize(inner, Image.Resampling.LANCZOS, reducing_gap=REDUCING_GAP)
    fill = (0, 0, 0, 0) if image.mode == "RGBA" else config.background
    canvas = Image.new(image.mode, (size, size), fill)
    canvas.paste(resized, ((size - inner[0]) // 2, (size - inner[1]) // 2))
    return canvas


def finish_channels(image: Image.Image, config: IngestConfig) -> np.ndarray:
    """(S, S, C) uint8: alpha kept (C=4) or composited over `config.background` (C=3)."""
    if config.keep_alpha:
        return np.asarray(image, dtype=np.uint8)  # already RGBA (see `to_training_pixels`)
    if image.mode == "RGBA":
        canvas = Image.new("RGB", image.size, config.background)
        canvas.paste(image, mask=image.getchannel("A"))
        image = canvas
    return np.asarray(image, dtype=np.uint8)


def to_training_pixels(image: Image.Image, config: IngestConfig) -> np.ndarray:
    """Any loaded Pillow image → (S, S, C) uint8 exactly as the model sees it."""
    image = to_rgb_or_rgba(image)
    if config.keep_alpha and image.mode == "RGB":
        image = image.convert("RGBA")  # so that padding is transparent, not background-coloured
    return finish_channels(fit_square(image, config), config)
