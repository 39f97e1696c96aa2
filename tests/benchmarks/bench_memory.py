"""Peak memory with 20,000 images: ingest them, then train a few hundred steps at 64x64.

    .venv/bin/python tests/benchmarks/bench_memory.py [--images 20000] [--steps 200]

Generates the images (96x96 PNG: gradients and shapes) in a temporary folder, then reports the
process's peak resident memory after ingestion and after training. The cache is a uint8
memmap, so decoded floats are never held for the whole folder.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import tempfile
import time
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw

from models.config import IngestConfig, ProjectConfig, TrainConfig
from models.project import Project


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_folder(folder: Path, count: int) -> None:
    rng = np.random.default_rng(0)
    ramp = np.linspace(0, 255, 96, dtype=np.float32)
    for i in range(count):
        base = np.stack(np.meshgrid(ramp, ramp), -1) * rng.uniform(0.3, 1.0, 2)
        rgb = np.concatenate([base, np.full((96, 96, 1), rng.uniform(0, 255))], -1)
        image = Image.fromarray(rgb.astype(np.uint8))
        x, y, r = (int(v) for v in rng.integers(10, 86, 3) // (1, 1, 3))
        ImageDraw.Draw(image).ellipse((x - r, y - r, x + r, y + r),
                                      fill=tuple(int(c) for c in rng.integers(0, 255, 3)))
        sub = folder / f"{i // 1000:02d}"
        sub.mkdir(parents=True, exist_ok=True)
        image.save(sub / f"img_{i:05d}.png", compress_level=1)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--images", type=int, default=20000)
    parser.add_argument("--steps", type=int, default=200)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp())
    started = time.perf_counter()
    make_folder(work / "images", args.images)
    generated = time.perf_counter() - started
    baseline = peak_rss_mb()
    started = time.perf_counter()
    project = Project.create(work / "big.latentia", work / "images",
                             ProjectConfig(ingest=IngestConfig(image_size=64),
                                           train=TrainConfig(epochs=1)))
    ingest_seconds = time.perf_counter() - started
    after_ingest = peak_rss_mb()
    trainer = project.trainer()
    run = trainer.run()
    steps = 0
    for record in run:
        steps += record.kind == "step"
        if steps >= args.steps:
            break
    trainer.checkpoint()
    result = {
        "images": project.image_count, "generate_seconds": round(generated, 1),
        "ingest_seconds": round(ingest_seconds, 1),
        "ingest_images_per_second": round(project.image_count / ingest_seconds, 1),
        "cache_mb": round(project.images().nbytes / 2**20, 1),
        "peak_rss_mb_before_ingest": round(baseline, 1),
        "peak_rss_mb_after_ingest": round(after_ingest, 1),
        "peak_rss_mb_after_training": round(peak_rss_mb(), 1), "training_steps": steps,
    }
    print(json.dumps(result, indent=2))
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
