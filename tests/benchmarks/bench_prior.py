"""Sampling priors compared on one trained project: mixture against learned code models.

    OMP_WAIT_POLICY=PASSIVE nice -n 10 .venv/bin/python tests/benchmarks/bench_prior.py \\
        --project /work/scratch/images/icons-base/project.latentia \\
        --out /work/scratch/images/priors-icons [--kind gmm --kind diffusion ...] [--repeats 3]

The project's weights stay as they are; each prior kind is fitted to the posteriors of the
training images (as training does when a run ends), then `n` samples (the training-set size, at
most 2,000; temperature 1.0, seed 0) are scored like `bench_quality.py` scores them: C2ST
against the training images, high-frequency ratio, near-duplicate rate (with the held-out and
reconstruction controls). Kinds: "gmm" (the mixture), "normal" (N(0, I)), "diffusion", and
"diffusion:EPOCHS" for a fit of EPOCHS passes over the codes. Writes samples-KIND.png and
priors.json to --out.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np
import torch
from bench_quality import copying, grid, to_uint8
from image_metrics import c2st_accuracy, high_frequency_ratio

from models.prior import LatentPrior
from models.prior_diffusion import DiffusionPrior, DiffusionSettings
from models.project import Project
from models.training.data import spread
from models.training.prior_fit import LEARNED_IMAGES, MIXTURE_IMAGES, encode_posteriors


def fit(kind: str, means: np.ndarray, logvars: np.ndarray):
    if kind == "normal":
        return LatentPrior.standard_normal(means.shape[1])
    if kind == "gmm":
        return LatentPrior.fit(means[spread(np.arange(len(means)), MIXTURE_IMAGES)], seed=0)
    name, _, epochs = kind.partition(":")
    if name != "diffusion":
        raise SystemExit(f"unknown prior kind {kind!r}")
    settings = DiffusionSettings.for_codes(len(means))
    if epochs:
        batch = settings.batch_size
        settings = DiffusionSettings(steps=max(1, round(int(epochs) * len(means) / batch)),
                                     batch_size=batch)
    return DiffusionPrior.fit(means, logvars, seed=0, settings=settings)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--project", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--kind", action="append", default=[])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--temperature", type=float, default=1.0)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    project = Project.open(args.project)
    config = project.config.train
    images = project.images()
    train_idx, val_idx = project.cache.split(config.val_fraction, config.seed)
    train_images, val_images = images[np.sort(train_idx)], images[np.sort(val_idx)]
    model = project._model()
    means, logvars = encode_posteriors(model.model, images, spread(train_idx, LEARNED_IMAGES),
                                       torch.device("cpu"))
    n = min(len(train_images), 2000)
    results = {}
    for kind in args.kind or ["gmm", "diffusion"]:
        started = time.process_time()
        prior = fit(kind, means, logvars)
        fit_cpu = time.process_time() - started
        codes = prior.sample(n, temperature=args.temperature, seed=0)
        samples = to_uint8(project.decode(codes))
        c2st = c2st_accuracy(train_images, samples, repeats=args.repeats)
        results[kind] = {
            "fit_cpu_seconds": round(fit_cpu, 1),
            **c2st.record("samples"),
            "hf_ratio_samples": round(high_frequency_ratio(train_images, samples), 3),
            "near_duplicates": copying(project, samples, train_images, val_images),
        }
        print(kind, json.dumps(results[kind]), flush=True)
        grid(samples[:64], 8).save(args.out / f"samples-{kind.replace(':', '-')}.png")
    (args.out / "priors.json").write_text(json.dumps(
        {"project": str(args.project), "temperature": args.temperature, **results}, indent=2))


if __name__ == "__main__":
    main()
