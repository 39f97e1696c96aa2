"""Image quality at a fixed step budget: classifier two-sample tests, PSNR, fine detail, copying.

    OMP_WAIT_POLICY=PASSIVE nice -n 10 .venv/bin/python tests/benchmarks/bench_quality.py \\
        --folder /work/scratch/data/icons --steps 3600 --out /work/scratch/images/icons-base \\
        [--set train.key=value ...] [--reuse] [--repeats 3]

Trains a 64x64 project on the folder through the public API for `--steps` optimisation steps
(rounded to whole epochs; `bench_step_budget.py` calibrates how many steps stand for 10 minutes
of training on this machine), or reuses the project a previous run left in `--out`, then
reports (see docs/benchmarks.md for the protocol and the figures):

- samples (`project.sample`, temperature 1.0): C2ST accuracy against the training images,
  high-frequency power ratio, near-duplicates of training images;
- reconstructions (posterior means) of every image: paired C2ST against the originals, high-
  frequency power ratio; held-out PSNR on the validation images;
- a real-vs-real C2ST (two random halves of the training images), which must read about 0.5;
- the shares of pure and nearly pure white and black values in the real images, the
  reconstructions and the samples (`extreme_value_shares`);

and writes samples.png, reconstructions.png and results.json to `--out`.

`--start-from` saves compute when settings only differ from a finished run's after some step
(the sharpen stage begins at 2/3 of the budget): it continues a copy of that run's project,
checkpointed before the point where the settings start to matter. A run whose `--out` already
holds a project (an interrupted run) goes on from that project's last checkpoint.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import time
from pathlib import Path

import numpy as np
import torch
from bench_step_budget import parse_setting
from image_metrics import (
    c2st_accuracy,
    extreme_value_shares,
    high_frequency_ratio,
    nearest_distances,
    psnr,
)
from PIL import Image

from models.config import IngestConfig, ProjectConfig
from models.project import Project

SAMPLE_SEED = 0
SAMPLES_SHOWN = 64
RECONSTRUCTIONS_SHOWN = 16
COPY_RATIO = 1.0 / 3.0  # nearest / second-nearest distance below this: a near-duplicate


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
    """float (N, C, S, S) in [0, 1] -> uint8 (N, S, S, C), as the studio quantises them."""
    return (np.clip(images, 0.0, 1.0).transpose(0, 2, 3, 1) * 255).round().astype(np.uint8)


def train(args: argparse.Namespace) -> tuple[Project, dict]:
    setting = parse_setting(f"run:{','.join(args.set)}")
    config = ProjectConfig(ingest=IngestConfig(image_size=64),
                           vae=setting.vae.replace(image_size=64), train=setting.train)
    if (args.out / "project.latentia").is_dir():  # an interrupted run: on from its checkpoint
        project = Project.open(args.out / "project.latentia")
    elif args.start_from:  # a copy of another run's project, part-trained: train on from there
        shutil.copytree(args.start_from, args.out / "project.latentia")
        project = Project.open(args.out / "project.latentia")
    else:
        project = Project.create(args.out / "project.latentia", args.folder, config)
    train_idx, _ = project.cache.split(config.train.val_fraction, config.train.seed)
    per_epoch = max(1, len(train_idx) // config.train.batch_size)
    epochs = max(1, round(args.steps / per_epoch))
    wall, cpu = time.perf_counter(), time.process_time()
    for progress in project.trainer(config.train.replace(epochs=epochs, minutes=None)).run():
        if progress.kind == "validation":
            v = progress.validation
            print(f"step {progress.step:6d}/{progress.total_steps} PSNR {v.psnr_db:5.2f} dB "
                  f"{progress.images_per_second:5.0f} img/s", flush=True)
    timing = {"train_wall_seconds": round(time.perf_counter() - wall, 1),
              "train_cpu_seconds": round(time.process_time() - cpu, 1), "epochs": epochs}
    return Project.open(project.path), timing


def reconstruct(project: Project, images: np.ndarray) -> np.ndarray:
    """uint8 (N, S, S, C) -> their reconstructions from the posterior means, uint8."""
    chunks = []
    for start in range(0, len(images), 256):
        x = images[start:start + 256].transpose(0, 3, 1, 2).astype(np.float32) / 255.0
        chunks.append(to_uint8(project.decode(project.encode(x)[0])))
    return np.concatenate(chunks)


def posterior_draws(project: Project, images: np.ndarray, seed: int = 0) -> np.ndarray:
    """Images decoded from one draw of each image's posterior, z = mu + sigma * eps: uint8."""
    rng = np.random.default_rng(seed)
    chunks = []
    for start in range(0, len(images), 256):
        x = images[start:start + 256].transpose(0, 3, 1, 2).astype(np.float32) / 255.0
        mu, logvar = project.encode(x)
        z = mu + np.exp(0.5 * logvar) * rng.standard_normal(mu.shape).astype(np.float32)
        chunks.append(to_uint8(project.decode(z)))
    return np.concatenate(chunks)


def copying(project: Project, samples: np.ndarray, train: np.ndarray,
            held_out: np.ndarray) -> dict:
    """Near-duplicates of training images among the samples.

    Compared in the model's own rendering: the pool is the reconstructions of the training
    images, since a copy made by the model looks like its reconstruction, not like the sharper
    original. A sample is a near-duplicate when its nearest reconstruction is closer than
    COPY_RATIO times the distance to the second-nearest (the ratio test of Carlini et al. 2023,
    "Extracting Training Data from Diffusion Models", sec. 4.2, on pixels). Controls: training
    images decoded from a draw of their own posterior are copies by construction (positive),
    reconstructions of held-out images are new images of the same kind (negative).
    """
    pool = reconstruct(project, train)
    def ratios(images: np.ndarray) -> np.ndarray:
        d = nearest_distances(images, pool)
        return d[:, 0] / np.maximum(d[:, 1], 1e-12)

    groups = {"samples": samples,
              "control_train_posterior_draws": posterior_draws(project, train[:len(samples)]),
              "control_held_out_reconstructions": reconstruct(project, held_out)}
    result = {}
    for name, images in groups.items():
        r = ratios(images)
        result[name] = round(float(np.mean(r < COPY_RATIO)), 4)
        result[f"{name}_ratio_quartiles"] = [round(float(q), 3)
                                            for q in np.quantile(r, [0.25, 0.5, 0.75])]
    return result


def evaluate(project: Project, args: argparse.Namespace) -> dict:
    train_cfg = project.config.train
    images = project.images()
    train_idx, val_idx = project.cache.split(train_cfg.val_fraction, train_cfg.seed)
    train_images, val_images = images[np.sort(train_idx)], images[np.sort(val_idx)]
    reconstructions = reconstruct(project, images)
    n_samples = min(len(train_images), 2000)
    samples = to_uint8(project.sample(n_samples, temperature=1.0, seed=SAMPLE_SEED))
    rng = np.random.default_rng(0)
    halves = rng.permutation(len(train_images))
    half = len(halves) // 2
    results = {
        "images": len(images), "train_images": len(train_idx),
        "held_out_psnr_db": round(psnr(val_images, reconstruct(project, val_images)), 2),
        "hf_ratio_reconstructions": round(high_frequency_ratio(images, reconstructions), 3),
        "hf_ratio_samples": round(high_frequency_ratio(train_images, samples), 3),
        "near_duplicates": copying(project, samples, train_images, val_images),
        "extreme_values": {"real": extreme_value_shares(images),
                           "reconstructions": extreme_value_shares(reconstructions),
                           "samples": extreme_value_shares(samples)},
    }
    tests = {"samples": (train_images, samples, False),
             "reconstructions": (images, reconstructions, True),
             "real_vs_real": (train_images[halves[:half]], train_images[halves[half:]], False)}
    for name in filter(None, args.c2st.split(",")):
        a, b, paired = tests[name]
        result = c2st_accuracy(a, b, paired=paired, repeats=args.repeats)
        results.update(result.record(name))
        print(f"C2ST {name}: {result.summary()}", flush=True)
    shown = np.sort(val_idx)[:RECONSTRUCTIONS_SHOWN]
    grid(samples[:SAMPLES_SHOWN], 8).save(args.out / "samples.png")
    grid(np.concatenate([images[shown], reconstructions[shown]]), RECONSTRUCTIONS_SHOWN).save(
        args.out / "reconstructions.png")
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--folder", type=Path, required=True)
    parser.add_argument("--steps", type=int, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--set", action="append", default=[],
                        help="a changed setting, e.g. train.beta=0.5 or vae.width=32")
    parser.add_argument("--reuse", action="store_true", help="evaluate the project in --out")
    parser.add_argument("--start-from", type=Path,
                        help="a part-trained project (same folder, same settings up to there) "
                             "to copy and train on from, instead of starting afresh")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--c2st", default="samples,reconstructions,real_vs_real",
                        help="which two-sample tests to run (comma-separated; empty: none)")
    parser.add_argument("--threads", type=int, default=2, help="torch threads")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    args.out.mkdir(parents=True, exist_ok=True)
    if args.reuse:
        project, timing = Project.open(args.out / "project.latentia"), {}
    else:
        project, timing = train(args)
    started = time.process_time()
    previous = args.out / "results.json"
    kept = json.loads(previous.read_text()) if args.reuse and previous.is_file() else {}
    results = {**kept, "folder": str(args.folder), "settings": args.set or kept.get("settings"),
               "steps": project.trained_steps, **timing,
               **evaluate(project, args)}  # a re-evaluation keeps the tests it did not rerun
    results["evaluation_cpu_seconds"] = round(time.process_time() - started, 1)
    (args.out / "results.json").write_text(json.dumps(results, indent=2))
    print(json.dumps(results, indent=2))
    if not math.isfinite(results["held_out_psnr_db"]):
        raise SystemExit("evaluation failed")


if __name__ == "__main__":
    main()
