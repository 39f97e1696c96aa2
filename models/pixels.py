"""The model's images and the pixels people see: one conversion each way (numpy, no torch).

The VAE works on float images (N, C, S, S) in [0, 1]; files, previews and the app show uint8
images (N, S, S, C). Every decoder output becomes pixels through `to_uint8_images`, so the same
code gives the same pixels in the Train panel's previews, on the map, in the gallery and in the
CLI's grids.
"""

from __future__ import annotations

import numpy as np


def to_uint8_images(images) -> np.ndarray:
    """float (N, C, S, S) in [0, 1] (numpy or a CPU tensor) -> uint8 (N, S, S, C), C-contiguous.

    Values are clipped to [0, 1], scaled by 255 and rounded to the nearest level (halves to
    even, as `np.rint`): 0.5 -> 128, never 127.5 truncated to 127.
    """
    scaled = np.clip(np.asarray(images, dtype=np.float32), 0.0, 1.0) * 255.0
    return np.ascontiguousarray(np.rint(scaled).astype(np.uint8).transpose(0, 2, 3, 1))


def to_model_input(pixels: np.ndarray) -> np.ndarray:
    """uint8 (S, S, C) or (N, S, S, C) -> float32 (N, C, S, S) in [0, 1], as the encoder wants.

    The result is a (N, C, S, S) view of NHWC memory: exactly the channels_last layout the
    model runs in, so no extra copy is made on the way in.
    """
    stack = pixels[None] if pixels.ndim == 3 else pixels
    return stack.astype(np.float32).transpose(0, 3, 1, 2) / 255.0
