"""Export speed: a 120-frame 256x256 RGB GIF must be written in under 3 s (2-core machine).

Run: .venv/bin/python tests/benchmarks/bench_export.py [--frames-out DIR]
Times the GIF in each dither mode (the default, ordered, is the one held to the budget), the
GIF size estimate, animated WebP (lossless and lossy) and APNG, and prints the machine's load.
For each GIF it measures shimmer: of the pixels whose source colour stays within 1 level from
one frame to the next, the share whose shown colour changes, and by how much. With
--frames-out, a few frames of each GIF (and 4x crops) are saved as PNGs to look at.
"""

from __future__ import annotations

import argparse
import os
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
from models.export.settings import DITHER_MODES

FRAMES, SIZE = 120, 256
GIF_BUDGET_S = 3.0
SAMPLE_FRAMES = (0, 1, 2, 60, 61)
CROP = (96, 96, 160, 160)  # (left, top, right, bottom): blob edges over the gradient
NEAR_STILL_LEVELS = 1  # a source pixel moving by at most this much counts as still


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


def shown_frames(gif: Path) -> np.ndarray:
    """(N, H, W, 3) uint8 frames of a GIF as a viewer shows them."""
    with Image.open(gif) as image:
        shown = []
        for index in range(image.n_frames):
            image.seek(index)
            shown.append(np.asarray(image.convert("RGB")))
    return np.stack(shown)


def report_shimmer(label: str, gif: Path, source: np.ndarray) -> None:
    """Print how often pixels that (nearly) keep their colour change on screen."""
    shown = shown_frames(gif).astype(np.int16)
    assert len(shown) == len(source), "the GIF lost frames"
    moved = np.abs(np.diff(source.astype(np.int16), axis=0)).max(axis=-1)  # (N-1, H, W)
    change = np.abs(np.diff(shown, axis=0))  # (N-1, H, W, 3)
    flips = change.max(axis=-1) > 0
    still, near_still = moved == 0, moved <= NEAR_STILL_LEVELS
    size = change.mean(axis=-1)[near_still & flips].mean() if (near_still & flips).any() else 0
    print(f"  {label:<26} unchanged pixels flipping {flips[still].mean():6.1%}, near-still "
          f"{flips[near_still].mean():6.1%} by {size:4.1f} levels (mean over RGB)")


def save_with_crop(frame: Image.Image, folder: Path, stem: str) -> None:
    """`frame` as STEM.png, and its CROP enlarged 4x (nearest) as STEM_crop4x.png."""
    folder.mkdir(parents=True, exist_ok=True)
    frame.save(folder / f"{stem}.png")
    crop = frame.crop(CROP)
    crop.resize((crop.width * 4, crop.height * 4), Image.Resampling.NEAREST).save(
        folder / f"{stem}_crop4x.png")


def save_sample_frames(gif: Path, folder: Path, name: str) -> None:
    """A few frames of `gif`, and a 4x enlarged crop of each, as PNGs in `folder`."""
    with Image.open(gif) as image:
        for index in SAMPLE_FRAMES:
            image.seek(index)
            save_with_crop(image.convert("RGB"), folder, f"{name}_{index:03d}")


def time_gifs(frames: np.ndarray, out: Path, frames_out: Path | None) -> float:
    """Write the GIF in every dither mode; the default mode's seconds are returned."""
    default_s = 0.0
    for mode in DITHER_MODES:
        path = out / f"{mode}.gif"
        settings = GifSettings(fps=24, dither=mode)
        is_default = mode == GifSettings().dither
        seconds = timed(f"GIF ({mode})", lambda p=path, s=settings: write_gif(p, frames, s),
                        GIF_BUDGET_S if is_default else None)
        default_s = seconds if is_default else default_s
        report_shimmer("shimmer:", path, frames)
        if frames_out is not None:
            save_sample_frames(path, frames_out, f"gif_{mode}")
    return default_s


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--frames-out", type=Path, help="save a few GIF frames here as PNG")
    args = parser.parse_args()
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    print(f"load average {load} (1, 5, 15 min) on {os.cpu_count()} cores")
    frames = morphing_frames()
    print(f"{FRAMES} frames of {SIZE}x{SIZE} RGB")
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder)
        start = time.perf_counter()
        estimate = estimate_gif_bytes(frames, GifSettings(fps=24))
        print(f"{'GIF size estimate':<28} {time.perf_counter() - start:6.2f} s  "
              f"{estimate / 1e6:7.2f} MB (estimated)")
        gif_s = time_gifs(frames, out, args.frames_out)
        timed("WebP lossless", lambda: write_webp(out / "a.webp", frames, AnimationSettings()))
        timed("WebP lossy q80", lambda: write_webp(
            out / "b.webp", frames, AnimationSettings(lossless=False, quality=80)))
        timed("APNG", lambda: write_apng(out / "a.png", frames, AnimationSettings()))
        if args.frames_out is not None:
            for index in SAMPLE_FRAMES:
                save_with_crop(Image.fromarray(frames[index]), args.frames_out,
                               f"source_{index:03d}")
            print(f"sample frames saved in {args.frames_out}")
    return 0 if gif_s < GIF_BUDGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
