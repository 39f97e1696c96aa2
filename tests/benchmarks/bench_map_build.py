"""Benchmark of the project latent map: encode + project + cluster 10,000 images (not collected
by pytest).

    .venv/bin/python tests/benchmarks/bench_map_build.py [--n 10000] [--size 64] [--workdir DIR]

Makes a project of random-ish images (ten colour families with a blob and noise, so the map has
some structure), trains it for a few seconds (the layout, not the quality, is timed), then times
`encode_project` and `project_map` cold, and both again from the cache. With `--workdir` the
project is kept there and reused by later runs. Reports the load average: the machine may be
shared.
"""

from __future__ import annotations

import argparse
import logging
import os
import tempfile
import time
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from models.config import IngestConfig, ProjectConfig, TrainConfig, VAEConfig
from models.latent_map import encode_project, project_map
from models.project import Project
from models.runtime import configure_threads

log = logging.getLogger("bench_map_build")
FAMILIES = 10
CHUNK = 500  # images generated at once (500 x 64 x 64 x 3 floats = 25 MiB)


def random_images(count: int, size: int, seed: int = 0) -> np.ndarray:
    """(count, size, size, 3) uint8: colour gradients of ten families, a blob and noise."""
    rng = np.random.default_rng(seed)
    colours = rng.uniform(0, 255, size=(FAMILIES, 2, 3))
    angles = rng.uniform(0, 2 * np.pi, size=FAMILIES)
    yy, xx = np.mgrid[0:size, 0:size] / (size - 1)  # (S, S) each, in [0, 1]
    family = rng.integers(0, FAMILIES, size=count)
    t = (np.cos(angles)[family, None, None] * (xx - 0.5) +
         np.sin(angles)[family, None, None] * (yy - 0.5) + 0.5)  # (N, S, S)
    images = (colours[family, 0, None, None] * (1 - t[..., None]) +
              colours[family, 1, None, None] * t[..., None])  # (N, S, S, 3)
    centres = rng.uniform(0.2, 0.8, size=(count, 2))
    radius = rng.uniform(0.08, 0.2, size=count)
    inside = ((xx - centres[:, 0, None, None]) ** 2 + (yy - centres[:, 1, None, None]) ** 2
              < radius[:, None, None] ** 2)  # (N, S, S)
    images[inside] = rng.uniform(0, 255, size=(count, 3))[np.nonzero(inside)[0]]
    images += rng.normal(scale=12.0, size=images.shape)
    return np.clip(images, 0, 255).astype(np.uint8)


def write_image_folder(folder: Path, count: int, size: int, seed: int = 0) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for start in range(0, count, CHUNK):
        chunk = random_images(min(CHUNK, count - start), size, seed + start)
        for offset, pixels in enumerate(chunk):
            Image.fromarray(pixels).save(folder / f"image_{start + offset:05d}.png")
    return folder


def random_image_project(workdir: Path, count: int, size: int, train: TrainConfig) -> Project:
    """A trained project of `count` random images at `size`, made once in `workdir`."""
    path = workdir / f"random_{count}_{size}.latentia"
    if not path.exists():
        started = time.perf_counter()
        folder = write_image_folder(workdir / f"images_{count}_{size}", count, size)
        config = ProjectConfig(ingest=IngestConfig(image_size=size),
                               vae=VAEConfig(image_size=size), train=train)
        project = Project.create(path, folder, config)
        list(project.trainer().run())
        log.info("made and trained %s in %.1f s", path.name, time.perf_counter() - started)
    return Project.open(path)


def timed(label: str, work):
    started = time.perf_counter()
    result = work()
    log.info("  %-44s %7.2f s", label, time.perf_counter() - started)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    threads = configure_threads()
    log.info("CPUs: %d, torch threads: %d, load average before: %s", os.cpu_count(), threads,
             " ".join(f"{x:.2f}" for x in os.getloadavg()))
    with tempfile.TemporaryDirectory() as scratch:
        workdir = args.workdir or Path(scratch)
        train = TrainConfig(minutes=0.1, checkpoint_minutes=60.0)  # a few seconds of training
        project = random_image_project(workdir, args.n, args.size, train)
        for cache in (project.path / "map").glob("*.safetensors"):
            cache.unlink()
        log.info("%d images at %dx%d, latent %d", project.image_count, args.size, args.size,
                 project.latent_dim)
        timed("encode_project (cold)", lambda: encode_project(project))
        auto = timed("project_map pca, auto k (encodings cached)",
                     lambda: project_map(project, method="pca"))
        log.info("  -> %d clusters, sizes %s", auto.clusters.k, auto.clusters.sizes.tolist())
        timed("project_map pca, k=10 (encodings cached)",
              lambda: project_map(project, method="pca", k=10))
        reopened = Project.open(project.path)
        timed("encode_project (cached, fresh Project)", lambda: encode_project(reopened))
        timed("project_map pca, k=10 (cached, fresh Project)",
              lambda: project_map(reopened, method="pca", k=10))
    log.info("load average after: %s", " ".join(f"{x:.2f}" for x in os.getloadavg()))
    log.info("torch %s", torch.__version__)


if __name__ == "__main__":
    main()
