"""Export speed: a 120-frame 256x256 RGB GIF must be written in under 3 s (2-core machine).

Run: .venv/bin/python tests/benchmarks/bench_export.py [--frames-out DIR]
Also times the GIF size estimate, animated WebP (lossless and lossy) and APNG. With
--frames-out, a few frames of the written GIF are saved as PNGs to look at (flicker, banding).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from models.export import (
    AnimationSettings,
    GifSettings,
    estimate_gif_bytes,
    write_apng,
    write_gif,
    write_webp,
)

FRAMES, SIZE = 120, 256
GIF_BUDGET_S = 3.0


def morphing_frames(count: int = FRAMES, size: int = SIZE) -> np.ndarray:
    """(count, size, size, 3) uint8 that looks like a latent interpolation: soft colour blobs
    drifting over a slowly turning gradient."""
    y, x = np.mgrid[0:size, 0:size].astype(np.float32) / size
    centres = np.array([[0.3, 0.3], [0.7, 0.4], [0.5, 0.75], [0.25, 0.7]], np.float32)
    colours = np.array([[1.0, 0.35, 0.2], [0.2, 0.8, 0.45], [0.3, 0.4, 1.0], [0.95, 0.9, 0.3]],
                       np.float32)
    frames = np.empty((count, size, size, 3), np.uint8)
    for index, t in enumerate(np.linspace(0.0, 2 * np.pi, count, endpoint=False)):
        angle = 0.6 * np.sin(t)
        ramp = np.cos(angle) * x + np.sin(angle) * y  # (size, size)
        image = np.stack([0.15 + 0.3 * ramp, 0.1 + 0.2 * (1 - ramp), 0.25 + 0.2 * ramp], -1)
        for k, (centre, colour) in enumerate(zip(centres, colours, strict=True)):
            cx = centre[0] + 0.15 * np.cos(t + k * 1.7)
            cy = centre[1] + 0.15 * np.sin(1.3 * t + k)
            radius = 0.12 + 0.05 * np.sin(t * 2 + k)
            weight = np.exp(-((x - cx) ** 2 + (y - cy) ** 2) / (2 * radius**2))
            image += weight[..., None] * colour * 0.8
        frames[index] = np.rint(np.clip(image, 0, 1) * 255).astype(np.uint8)
    return frames


def timed(label: str, write: Callable[[], Path], budget_s: float | None = None) -> float:
    start = time.perf_counter()
    path = write()
    seconds = time.perf_counter() - start
    verdict = "" if budget_s is None else (" OK" if seconds < budget_s else " TOO SLOW")
    print(f"{label:<28} {seconds:6.2f} s  {path.stat().st_size / 1e6:7.2f} MB{verdict}")
    return seconds


def save_sample_frames(gif: Path, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    with Image.open(gif) as image:
        for index in (0, 1, 2, 60, 61):
            image.seek(index)
            image.convert("RGB").save(folder / f"gif_frame_{index:03d}.png")
    print(f"sample frames saved in {folder}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--frames-out", type=Path, help="save a few GIF frames here as PNG")
    args = parser.parse_args()
    frames = morphing_frames()
    print(f"{FRAMES} frames of {SIZE}x{SIZE} RGB")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        gif_settings = GifSettings(fps=24)
        start = time.perf_counter()
        estimate = estimate_gif_bytes(frames, gif_settings)
        print(f"{'GIF size estimate':<28} {time.perf_counter() - start:6.2f} s  "
              f"{estimate / 1e6:7.2f} MB (estimated)")
        gif_s = timed("GIF (dither)", lambda: write_gif(out / "a.gif", frames, gif_settings),
                      GIF_BUDGET_S)
        timed("GIF (no dither)", lambda: write_gif(
            out / "b.gif", frames, GifSettings(fps=24, dither=False)), GIF_BUDGET_S)
        timed("WebP lossless", lambda: write_webp(out / "a.webp", frames, AnimationSettings()))
        timed("WebP lossy q80", lambda: write_webp(
            out / "b.webp", frames, AnimationSettings(lossless=False, quality=80)))
        timed("APNG", lambda: write_apng(out / "a.png", frames, AnimationSettings()))
        if args.frames_out is not None:
            save_sample_frames(out / "a.gif", args.frames_out)
            Image.fromarray(frames[60]).save(args.frames_out / "source_frame_060.png")
    return 0 if gif_s < GIF_BUDGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
