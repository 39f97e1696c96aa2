"""Rebuild the bundled demo: regenerate resources/demo/images/ and train resources/demo/project/.

    .venv/bin/python packaging/build_demo.py [--epochs 120] [--threads 2]

The project is created and trained with the backend exactly as the app would do it
(`models.Project.create`, then `trainer.run`), in a temporary folder, and only then swapped
into resources/demo/ so an interrupted build never leaves a broken demo behind. Small on
purpose: 300 images of 64x64 pixels, a narrow network, a few minutes on a laptop CPU.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
DEMO = ROOT / "resources" / "demo"
PROJECT_NAME = "Shapes demo.latentia"
PER_FAMILY = 50
IMAGE_SIZE = 64
# Stored instead of this machine's image folder: the demo is copied to every user's computer,
# where the build machine's path means nothing (and would show in the app and its messages).
SOURCE_LABEL = "bundled demo"

log = logging.getLogger("build_demo")


def demo_config(epochs: int):
    from models.config import IngestConfig, ProjectConfig, TrainConfig, VAEConfig

    return ProjectConfig(
        ingest=IngestConfig(image_size=IMAGE_SIZE, max_workers=1),
        # Narrow and with a small latent: six families need little capacity, and the weights
        # stay a few MB so the demo ships inside the package.
        vae=VAEConfig(image_size=IMAGE_SIZE, latent_dim=32, width=8),
        train=TrainConfig(epochs=epochs, batch_size=32, warmup_steps=100, kl_warmup_steps=600,
                          device="cpu", checkpoint_minutes=60.0, augment="off"),
    )


def train_project(images: Path, workdir: Path, epochs: int) -> Path:
    import models

    path = workdir / PROJECT_NAME
    project = models.Project.create(path, images, demo_config(epochs),
                                    progress=lambda done, total: None)
    log.info("ingested: %s", project.report.summary())
    for progress in project.trainer().run():
        if progress.kind in ("validation", "warning", "done"):
            metrics = progress.validation or progress.train
            loss = f"{metrics.total_nats:.1f} nats" if metrics is not None else ""
            log.info("step %d, epoch %.1f: %s %s %s", progress.step, progress.epoch,
                     progress.kind, loss, progress.message)
    project.save()
    label_source(path)
    return path


def label_source(project: Path) -> None:
    """Name the image folder SOURCE_LABEL in project.json and in the cache manifest."""
    from models.fileio import read_json, write_json_atomic

    document = read_json(project / "project.json", "project description")
    document["source_folder"] = SOURCE_LABEL
    write_json_atomic(project / "project.json", document)
    manifest = read_json(project / "cache" / "manifest.json", "image cache manifest")
    manifest["folder"] = manifest["report"]["folder"] = SOURCE_LABEL
    write_json_atomic(project / "cache" / "manifest.json", manifest)


def install(project: Path) -> None:
    """Swap the trained project into resources/demo/project."""
    target = DEMO / "project"
    staging = DEMO / ".project.new"
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(project, staging, ignore=shutil.ignore_patterns("checkpoint.old"))
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    size = sum(f.stat().st_size for f in target.rglob("*") if f.is_file())
    log.info("installed %s (%.1f MB)", target, size / 1e6)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=200)
    parser.add_argument("--threads", type=int, default=2, help="torch CPU threads")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(HERE))
    # On a busy 2-core machine this build took 2.8 s a step with spinning OpenMP waits and two
    # threads, 0.2 s with passive waits and --threads 1 (measured here); the app sets the same.
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    import torch
    from demo_images import generate_demo_images

    torch.set_num_threads(args.threads)
    images = DEMO / "images"
    shutil.rmtree(images, ignore_errors=True)
    written = generate_demo_images(images, PER_FAMILY, IMAGE_SIZE)
    log.info("drew %d images in %s", len(written), images)
    with tempfile.TemporaryDirectory() as workdir:
        install(train_project(images, Path(workdir), args.epochs))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
