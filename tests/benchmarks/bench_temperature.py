"""Sampling temperature of a project's own prior: samples scored like `bench_quality.py`'s.

    OMP_WAIT_POLICY=PASSIVE nice -n 10 .venv/bin/python tests/benchmarks/bench_temperature.py \\
        --project /work/scratch/images2/runs/icons-sharpen/project.latentia \\
        --out /work/scratch/images2/temperature-icons --temperature 0.7 --temperature 1.0

Evaluation only: the project (weights and the prior its run fitted) stays as it is. For each
temperature, `n` samples (the training-set size, at most 2,000; seed 0, as `bench_quality.py`
draws them) are scored against the training images: C2ST, high-frequency ratio and the
near-duplicate rate with its two controls. A lower temperature draws more typical codes (for
the diffusion prior it scales the noise of every sampling step); the near-duplicate rate says
whether "more typical" has become "a copy". Writes samples-T.png and temperatures.json to --out.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch
from bench_quality import SAMPLE_SEED, SAMPLES_SHOWN, copying, grid, to_uint8
from image_metrics import c2st_accuracy, high_frequency_ratio

from models.project import Project


def score(project: Project, temperature: float, repeats: int) -> tuple[dict, np.ndarray]:
    """Results for samples at `temperature`, and the samples, uint8 (N, S, S, C)."""
    config = project.config.train
    images = project.images()
    train_idx, val_idx = project.cache.split(config.val_fraction, config.seed)
    train_images, val_images = images[np.sort(train_idx)], images[np.sort(val_idx)]
    n = min(len(train_images), 2000)
    samples = to_uint8(project.sample(n, temperature=temperature, seed=SAMPLE_SEED))
    c2st = c2st_accuracy(train_images, samples, repeats=repeats)
    return {**c2st.record("samples"),
            "hf_ratio_samples": round(high_frequency_ratio(train_images, samples), 3),
            "near_duplicates": copying(project, samples, train_images, val_images)}, samples


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--project", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--temperature", type=float, action="append", default=[])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--threads", type=int, default=2, help="torch threads")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    args.out.mkdir(parents=True, exist_ok=True)
    project = Project.open(args.project)
    results = {"project": str(args.project), "prior": project.config.train.prior}
    for temperature in args.temperature or [0.7, 0.85, 1.0]:
        started = time.process_time()
        result, samples = score(project, temperature, args.repeats)
        result["evaluation_cpu_seconds"] = round(time.process_time() - started, 1)
        results[f"{temperature:g}"] = result
        print(f"temperature {temperature:g}:", json.dumps(result), flush=True)
        grid(samples[:SAMPLES_SHOWN], 8).save(args.out / f"samples-{temperature:g}.png")
    (args.out / "temperatures.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
