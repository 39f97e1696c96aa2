"""Training throughput of whole optimisation steps, interleaved between settings, in one process.

    OMP_WAIT_POLICY=PASSIVE nice -n 10 .venv/bin/python tests/benchmarks/bench_step_budget.py \\
        --folder /work/scratch/data/icons [--rounds 12] [--steps-per-round 20] \\
        [--compare "name:train.key=value,vae.key=value" ...]

A step here is exactly what the trainer repeats: a batch from the image cache (with the default
augmentation), forward, loss, backward, clipping, AdamW and the EMA update. Validation and
checkpoints are left out (they cost the same for every setting).

The machine is shared, so wall-clock time is only trusted as the best of several rounds: each
round times `--steps-per-round` steps of every setting back to back, in turn, so a burst of load
hits them alike. The fastest round of the default setting, scaled to 600 s, is the step budget
that stands for "10 minutes of training on this machine"; process CPU time per step is printed
beside it (it barely depends on load, as long as OpenMP threads wait passively).

`--compare` adds settings (dotted TrainConfig / VAEConfig fields; `stage=sharpen` times steps
inside the sharpen stage) whose speed is reported as ratios to the default's: best round over
best round, median over median, and process CPU per step over process CPU per step.
"""

from __future__ import annotations

import argparse
import json
import math
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import torch

from models.config import IngestConfig, ProjectConfig, TrainConfig, VAEConfig
from models.project import Project
from models.training.distributed import DistContext
from models.training.optimisation import Optimisation
from models.training.trainer import TrainingData

BUDGET_SECONDS = 600.0  # "10 minutes of training on the 2-core machine"


@dataclass
class Setting:
    name: str
    vae: VAEConfig
    train: TrainConfig
    sharpening: bool = False  # time steps of the sharpen stage (begun before the rounds)
    walls: list[float] = field(default_factory=list)  # seconds per step, one per round
    cpus: list[float] = field(default_factory=list)  # process CPU seconds per step
    mains: list[float] = field(default_factory=list)  # CPU seconds of the calling thread


def parse_setting(text: str) -> Setting:
    """"name:train.key=value,vae.key=value[,stage=sharpen]" -> a Setting (values parsed as
    JSON, else taken as text)."""
    name, _, assignments = text.partition(":")
    changes: dict[str, dict] = {"train": {}, "vae": {}}
    sharpening = False
    for assignment in filter(None, assignments.split(",")):
        key, _, raw = assignment.partition("=")
        if key == "stage":  # timing the stage needs it on, whatever today's default is
            sharpening = raw == "sharpen"
            changes["train"].setdefault("sharpen", "on")
            continue
        section, _, attribute = key.partition(".")
        try:
            value = json.loads(raw)
        except json.JSONDecodeError:
            value = raw
        changes[section][attribute] = value
    return Setting(name, VAEConfig(**changes["vae"]),
                   TrainConfig(epochs=10_000, bf16="off", **changes["train"]), sharpening)


def make_optimisation(setting: Setting, data: TrainingData) -> Optimisation:
    opt = Optimisation(data, setting.vae, setting.train, DistContext())
    if setting.sharpening:
        opt.begin_sharpen(data.images, data.train_idx, psnr_db=0.0)
    return opt


def time_round(opt: Optimisation, steps: int, fraction: float) -> tuple[float, float, float]:
    """Seconds per step over `steps` steps: wall, process CPU and calling-thread CPU.

    The calling thread is OpenMP's thread 0: it runs the serial parts and its share of every
    parallel region, and (waiting passively) uses no CPU at the barriers. So its CPU time is
    what one step would take on an otherwise idle machine, however loaded this one is,
    minus only the barrier waits of unevenly split work.
    """
    wall, cpu, main = time.perf_counter(), time.process_time(), time.thread_time()
    for _ in range(steps):
        opt.step(fraction)
    return ((time.perf_counter() - wall) / steps, (time.process_time() - cpu) / steps,
            (time.thread_time() - main) / steps)


def summary(setting: Setting, reference: Setting) -> dict:
    best, median = min(setting.walls), float(np.median(setting.walls))
    return {
        "name": setting.name,
        "best_seconds_per_step": round(best, 4),
        "median_seconds_per_step": round(median, 4),
        "cpu_seconds_per_step": round(float(np.median(setting.cpus)), 4),
        "main_thread_cpu_seconds_per_step": round(float(np.median(setting.mains)), 4),
        "steps_in_600_s_at_best": int(BUDGET_SECONDS / best),
        "steps_in_600_s_at_main_thread_cpu": int(BUDGET_SECONDS / np.median(setting.mains)),
        "speed_vs_default_best": round(min(reference.walls) / best, 3),
        "speed_vs_default_median": round(float(np.median(reference.walls)) / median, 3),
        "speed_vs_default_cpu": round(float(np.median(reference.cpus))
                                      / float(np.median(setting.cpus)), 3),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--folder", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--steps-per-round", type=int, default=20)
    parser.add_argument("--fraction", type=float, default=0.5,
                        help="fraction of the budget done, as the trainer passes it to step()")
    parser.add_argument("--compare", action="append", default=[])
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    settings = [parse_setting("default:"), *map(parse_setting, args.compare)]
    work = Path(tempfile.mkdtemp(prefix="step-budget-"))
    project = Project.create(work / "p.latentia", args.folder,
                             ProjectConfig(ingest=IngestConfig(image_size=64)))
    train_idx, val_idx = project.cache.split(0.08, 0)
    data = TrainingData(project.path, project.cache.images, train_idx, val_idx)
    optimisations = [make_optimisation(s, data) for s in settings]
    for opt in optimisations:  # warm-up: oneDNN picks its kernels, caches fill
        time_round(opt, 5, args.fraction)
    for _ in range(args.rounds):
        for setting, opt in zip(settings, optimisations, strict=True):
            wall, cpu, main = time_round(opt, args.steps_per_round, args.fraction)
            setting.walls.append(wall)
            setting.cpus.append(cpu)
            setting.mains.append(main)
    load = Path("/proc/loadavg").read_text().split()[:3]
    report = {"images": len(train_idx), "load_average": load,
              "threads": torch.get_num_threads(),
              "settings": [summary(s, settings[0]) for s in settings]}
    print(json.dumps(report, indent=2))
    if not math.isfinite(min(settings[0].walls)):
        raise SystemExit("no timing")


if __name__ == "__main__":
    main()
