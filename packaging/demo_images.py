"""Procedural images for the bundled demo: six clear families so a trained map shows clusters.

Each image is drawn at 4x its size and reduced with a Lanczos filter (smooth edges), from a
seeded generator, so `generate_demo_images` always writes the same files.
"""

from __future__ import annotations

import colorsys
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

SUPERSAMPLE = 4
Painter = Callable[[ImageDraw.ImageDraw, np.random.Generator, int], None]


def _hsv(h: float, s: float, v: float) -> tuple[int, int, int]:
    r, g, b = colorsys.hsv_to_rgb(h % 1.0, s, v)
    return round(r * 255), round(g * 255), round(b * 255)


def _sun(draw: ImageDraw.ImageDraw, rng: np.random.Generator, size: int) -> None:
    for y in range(size):  # sky: a vertical blue gradient
        draw.line([(0, y), (size, y)], fill=_hsv(0.58, 0.55 - 0.3 * y / size, 0.95))
    cx, cy = rng.uniform(0.35, 0.65, 2) * size
    radius = rng.uniform(0.14, 0.22) * size
    colour = _hsv(rng.uniform(0.08, 0.15), 0.9, 1.0)
    rays, turn = int(rng.integers(6, 11)), rng.uniform(0, math.pi)
    for k in range(rays):
        angle = turn + 2 * math.pi * k / rays
        inner, outer = radius * 1.3, radius * rng.uniform(1.8, 2.2)
        draw.line([(cx + inner * math.cos(angle), cy + inner * math.sin(angle)),
                   (cx + outer * math.cos(angle), cy + outer * math.sin(angle))],
                  fill=colour, width=max(1, round(size * 0.04)))
    draw.ellipse([cx - radius, cy - radius, cx + radius, cy + radius], fill=colour)


def _face(draw: ImageDraw.ImageDraw, rng: np.random.Generator, size: int) -> None:
    draw.rectangle([0, 0, size, size], fill=_hsv(rng.uniform(0.5, 0.7), 0.1, 0.97))
    cx, cy = rng.uniform(0.42, 0.58, 2) * size
    r = rng.uniform(0.3, 0.4) * size
    draw.ellipse([cx - r, cy - r, cx + r, cy + r], fill=_hsv(rng.uniform(0.12, 0.16), 0.85, 1.0),
                 outline=(120, 80, 0), width=max(1, round(size * 0.02)))
    eye = r * 0.13
    for side in (-1, 1):
        ex, ey = cx + side * r * 0.38, cy - r * 0.25
        draw.ellipse([ex - eye, ey - eye * 1.3, ex + eye, ey + eye * 1.3], fill=(40, 30, 20))
    mood = rng.choice([-1.0, 1.0])  # frowning or smiling, half and half
    box = [cx - r * 0.55, cy - r * 0.2 + (0 if mood > 0 else r * 0.45),
           cx + r * 0.55, cy + r * 0.55 + (0 if mood > 0 else r * 0.45)]
    start, end = (20, 160) if mood > 0 else (200, 340)
    draw.arc(box, start, end, fill=(90, 40, 20), width=max(1, round(size * 0.035)))


def _square(draw: ImageDraw.ImageDraw, rng: np.random.Generator, size: int) -> None:
    draw.rectangle([0, 0, size, size], fill=(250, 248, 245))
    for _ in range(int(rng.integers(1, 3))):
        cx, cy = rng.uniform(0.3, 0.7, 2) * size
        half, turn = rng.uniform(0.15, 0.28) * size, rng.uniform(0, math.pi / 2)
        corners = [(cx + half * math.cos(turn + k * math.pi / 2),
                    cy + half * math.sin(turn + k * math.pi / 2)) for k in range(4)]
        draw.polygon(corners, fill=_hsv(rng.uniform(-0.04, 0.03), rng.uniform(0.6, 0.9),
                                        rng.uniform(0.75, 0.95)))


def _mountain(draw: ImageDraw.ImageDraw, rng: np.random.Generator, size: int) -> None:
    draw.rectangle([0, 0, size, size], fill=_hsv(0.15, 0.08, 0.98))
    base = rng.uniform(0.75, 0.9) * size
    for _ in range(int(rng.integers(2, 4))):
        peak_x, width = rng.uniform(0.2, 0.8) * size, rng.uniform(0.25, 0.45) * size
        peak_y = rng.uniform(0.15, 0.45) * size
        draw.polygon([(peak_x - width, base), (peak_x, peak_y), (peak_x + width, base)],
                     fill=_hsv(rng.uniform(0.27, 0.38), 0.7, rng.uniform(0.45, 0.75)))
    draw.rectangle([0, base, size, size], fill=_hsv(0.1, 0.4, 0.55))


def _stripes(draw: ImageDraw.ImageDraw, rng: np.random.Generator, size: int) -> None:
    hue = rng.uniform(0.72, 0.85)
    draw.rectangle([0, 0, size, size], fill=_hsv(hue, 0.15, 0.98))
    spacing, angle = rng.uniform(0.12, 0.25) * size, rng.uniform(0, math.pi)
    dx, dy = math.cos(angle), math.sin(angle)
    for k in range(-12, 13):
        ox, oy = size / 2 + k * spacing * -dy, size / 2 + k * spacing * dx
        draw.line([(ox - dx * size, oy - dy * size), (ox + dx * size, oy + dy * size)],
                  fill=_hsv(hue, 0.7, 0.6), width=max(1, round(spacing * 0.4)))


def _glow(draw: ImageDraw.ImageDraw, rng: np.random.Generator, size: int) -> None:
    hue = rng.uniform(0.45, 0.55)
    cx, cy = rng.uniform(0.2, 0.8, 2) * size
    for step in range(24, 0, -1):  # concentric discs, dark outside to bright centre
        r = size * 1.1 * step / 24
        draw.ellipse([cx - r, cy - r, cx + r, cy + r],
                     fill=_hsv(hue + 0.002 * step, 0.8, 1.0 - 0.7 * step / 24))


FAMILIES: dict[str, Painter] = {"sun": _sun, "face": _face, "square": _square,
                                "mountain": _mountain, "stripes": _stripes, "glow": _glow}


def draw_demo_image(family: str, index: int, size: int) -> Image.Image:
    """Image `index` of `family`, RGB `size` x `size`, the same for the same arguments."""
    rng = np.random.default_rng([list(FAMILIES).index(family), index])
    big = size * SUPERSAMPLE
    image = Image.new("RGB", (big, big))
    FAMILIES[family](ImageDraw.Draw(image), rng, big)
    return image.resize((size, size), Image.Resampling.LANCZOS)


def generate_demo_images(folder: Path, per_family: int = 50, size: int = 64) -> list[Path]:
    """Write `per_family` PNGs of every family into `folder/<family>/`; return their paths."""
    written = []
    for family in FAMILIES:
        (folder / family).mkdir(parents=True, exist_ok=True)
        for index in range(per_family):
            path = folder / family / f"{family}_{index:03d}.png"
            draw_demo_image(family, index, size).save(path, optimize=True)
            written.append(path)
    return written
