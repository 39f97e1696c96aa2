"""One rank of tests/models/test_distributed_decisions.py, started by torchrun.

    python -m torch.distributed.run --nproc_per_node=2 tests/models/ddp_clock_worker.py PROJECT OUT

Every rank's trainer reads a fake clock that advances a fixed amount per reading, rank 1's
three times as fast as rank 0's. Left to its own clock, rank 1 would think its time budget and
its checkpoint times came three times as early, and the ranks would stop meeting in the same
collective (a deadlock, or gloo failing). Each rank writes what it did to OUT/rank<N>.json.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import torch

import models.training.trainer as trainer_module
from models.project import Project
from models.training.distributed import context_from_environment, shutdown

# Binary fractions, so sums of step times are exact and the counts below hold to the step.
STEP_SECONDS = 0.125  # on rank 0's clock: one step is the time between two readings
BUDGET_MINUTES = 3.2 / 60  # 26 steps (25 x 0.125 s < 3.2 s): ends in the 6th epoch
CHECKPOINT_MINUTES = 1.45 / 60  # after steps 12 and 24 on rank 0's clock (every 4 on rank 1's)
STOP_AT_CALL = 5  # phase 2: rank 1 alone asks to stop at its 5th check


class FakeClock:
    """Stands in for the trainer's `time` module: each reading is `step` seconds later."""

    def __init__(self, step: float) -> None:
        self.now, self.step = 1024.0, step

    def perf_counter(self) -> float:
        self.now += self.step
        return self.now


def train(project: Project, config, should_stop) -> dict:
    trainer = project.trainer(config, context)
    # "prior": only rank 0 (the writer) fits the sampling prior when a run ends
    kinds = [(record.kind, record.step) for record in trainer.run(should_stop=should_stop)
             if record.kind not in ("step", "prior")]
    state = trainer.state
    return {"step": state.step, "epoch": state.epoch, "batch": state.batch,
            "train_seconds": state.train_seconds, "finished": state.finished,
            "events": kinds}


if __name__ == "__main__":
    project_path, out = Path(sys.argv[1]), Path(sys.argv[2])
    torch.set_num_threads(1)
    context = context_from_environment()
    trainer_module.time = FakeClock(STEP_SECONDS * (1 + 2 * context.rank))
    project = Project.open(project_path)
    budget = project.config.train.replace(epochs=None, minutes=BUDGET_MINUTES,
                                          checkpoint_minutes=CHECKPOINT_MINUTES)
    calls = {"n": 0}

    def rank1_stops() -> bool:
        calls["n"] += 1
        return context.rank == 1 and calls["n"] >= STOP_AT_CALL

    report = {"budget": train(project, budget, lambda: False)}
    report["stop"] = train(project, project.more_training(budget, minutes=60.0), rank1_stops)
    (out / f"rank{context.rank}.json").write_text(json.dumps(report))
    shutdown(context)
