"""A generated labelled folder whose label controls the shape and whose code controls the colour.

    ROOT/circle/*.png  ROOT/square/*.png  ROOT/triangle/*.png   (labelled, random hues)
    ROOT/*.png                                                  (unlabelled, shape in the name)

Every image is one centred shape of one colour on white, so the label (the folder) says all
there is about the shape and the code only has to hold the colour. Shared by the backend and
studio tests.
"""

from __future__ import annotations

import colorsys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

SHAPES = ("circle", "square", "triangle")
SIZE = 32
MARGIN = 6


def hue_colour(hue: float) -> tuple[int, int, int]:
    red, green, blue = colorsys.hsv_to_rgb(hue % 1.0, 0.9, 0.85)
    return round(255 * red), round(255 * green), round(255 * blue)


def draw(shape: str, colour: tuple[int, int, int], size: int = SIZE) -> Image.Image:
    image = Image.new("RGB", (size, size), (255, 255, 255))
    pen = ImageDraw.Draw(image)
    low, high = MARGIN, size - 1 - MARGIN
    if shape == "circle":
        pen.ellipse((low, low, high, high), fill=colour)
    elif shape == "square":
        pen.rectangle((low, low, high, high), fill=colour)
    else:
        pen.polygon([(size // 2, low), (low, high), (high, high)], fill=colour)
    return image


def shape_mask(shape: str) -> np.ndarray:
    """(S, S) bool: where the shape is drawn."""
    return np.asarray(draw(shape, (0, 0, 0))).min(axis=2) < 128


def make_labelled_folder(root: Path, per_label: int = 40, unlabelled: int = 12) -> Path:
    rng = np.random.default_rng(0)
    for shape in SHAPES:
        (root / shape).mkdir(parents=True, exist_ok=True)
        for i in range(per_label):
            draw(shape, hue_colour(rng.random())).save(root / shape / f"{i:03d}.png")
    for i in range(unlabelled):
        shape = SHAPES[i % len(SHAPES)]
        draw(shape, hue_colour(rng.random())).save(root / f"{shape}_{i:03d}.png")
    return root


def shape_scores(images: np.ndarray) -> np.ndarray:
    """(M, 3) soft IoU of each uint8 image's (M, S, S, C) ink with each shape's mask.

    Ink is how far a pixel is from white (its darkest channel), so soft edges count partly
    instead of flipping a threshold. A perfect circle scores ~0.79 against the square's mask:
    compare shapes by their margin, not by a fixed score."""
    ink = 1.0 - images.min(axis=3).astype(np.float64) / 255.0  # (M, S, S) in [0, 1]
    scores = np.zeros((len(images), len(SHAPES)))
    for j, shape in enumerate(SHAPES):
        mask = shape_mask(shape)[None].astype(np.float64)
        scores[:, j] = (np.minimum(ink, mask).sum((1, 2))
                        / np.maximum(ink, mask).sum((1, 2)))
    return scores


def inner_colour(images: np.ndarray, shape: str) -> np.ndarray:
    """(M, 3) mean colour of images drawn as `shape`, over its mask shrunk by 3 pixels (soft
    edges left out)."""
    from scipy.ndimage import binary_erosion

    inside = binary_erosion(shape_mask(shape), iterations=3)  # (S, S)
    return images[:, inside, :3].astype(np.float64).mean(axis=1)


def colour_errors(made: np.ndarray, target: str, originals: np.ndarray, source: str
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Mean absolute colour errors (0..255 per channel) of redrawn images `made` (as `target`)
    against the `originals` (drawn as `source`) they were made from: (own (n,), each image
    against its own original; others (n * (n - 1),), against every other original)."""
    distances = np.abs(inner_colour(made, target)[:, None]
                       - inner_colour(originals, source)[None]).mean(axis=2)  # (n, n)
    return np.diag(distances), distances[~np.eye(len(made), dtype=bool)]
