"""Quality benchmark: train on a real icon folder for N CPU minutes at 64x64 (default model).

    .venv/bin/python tests/benchmarks/bench_quality.py [--minutes 10] [--folder /tmp/icons96]

Builds the folder with ../shared/datasets/make_icons.sh if needed, trains through the public
API, then reports held-out PSNR, bits/dim and active units, and writes a sample grid and a
reconstruction grid to docs/images/ to look at. Targets: PSNR >= 20 dB, >= half the latent
dimensions active, samples that look like icons.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image

from models.config import IngestConfig, ProjectConfig, TrainConfig
from models.project import Project

ROOT = Path(__file__).resolve().parents[2]


def grid(images: np.ndarray, columns: int) -> Image.Image:
    """uint8 (N, S, S, C) -> a grid image with 2 px white gaps."""
    n, s, _, c = images.shape
    rows = -(-n // columns)
    canvas = np.full((rows * (s + 2), columns * (s + 2), c), 255, np.uint8)
    for i, image in enumerate(images):
        r, col = divmod(i, columns)
        canvas[r * (s + 2):r * (s + 2) + s, col * (s + 2):col * (s + 2) + s] = image
    return Image.fromarray(canvas)


def to_uint8(images: np.ndarray) -> np.ndarray:
    return (images.transpose(0, 2, 3, 1) * 255).round().astype(np.uint8)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument("--folder", type=Path, default=Path("/tmp/icons96"))
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "images")
    args = parser.parse_args()
    if not args.folder.is_dir():
        subprocess.run([str(ROOT.parent / "shared/datasets/make_icons.sh"), str(args.folder)],
                       check=True)
    work = Path(tempfile.mkdtemp())
    config = ProjectConfig(ingest=IngestConfig(image_size=64),
                           train=TrainConfig(epochs=None, minutes=args.minutes))
    project = Project.create(work / "icons.latentia", args.folder, config)
    started = time.perf_counter()
    last = None
    for progress in project.trainer().run():
        if progress.kind == "validation":
            last = progress
            v, h = progress.validation, progress.health
            print(f"{progress.elapsed_seconds:6.0f}s step {progress.step:6d} "
                  f"val {v.bits_per_dim:.3f} bpd PSNR {v.psnr_db:5.2f} dB "
                  f"active {h.active_units}/{h.latent_dim} {progress.images_per_second:.0f} img/s",
                  flush=True)
    wall = time.perf_counter() - started
    project = Project.open(project.path)
    val_idx = project.cache.split(config.train.val_fraction, config.train.seed)[1][:16]
    originals = project.images()[val_idx]
    mu, _ = project.encode(originals.transpose(0, 3, 1, 2).astype(np.float32) / 255)
    args.out.mkdir(parents=True, exist_ok=True)
    grid(np.concatenate([originals, to_uint8(project.decode(mu))]), 16).save(
        args.out / "quality_reconstructions.png")
    grid(to_uint8(project.sample(32, temperature=1.0, seed=0)), 8).save(
        args.out / "quality_samples.png")
    grid(to_uint8(project.sample(32, temperature=1.0, seed=0, prior="normal")), 8).save(
        args.out / "quality_samples_normal_prior.png")
    result = {"minutes": args.minutes, "wall_seconds": round(wall, 1),
              "steps": project.trained_steps, "images": project.image_count,
              "val_psnr_db": round(last.validation.psnr_db, 2),
              "val_bits_per_dim": round(last.validation.bits_per_dim, 4),
              "active_units": last.health.active_units, "latent_dim": last.health.latent_dim,
              "images_per_second": round(last.images_per_second, 1)}
    print(json.dumps(result, indent=2))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
