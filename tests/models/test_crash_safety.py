"""Killing training at any moment loses at most the work since the last checkpoint."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

from models.project import Project

from .conftest import tiny_config

ROOT = Path(__file__).resolve().parents[2]

TRAIN_FOREVER = textwrap.dedent("""
    import sys
    import torch
    from models.project import Project
    torch.set_num_threads(1)
    project = Project.open(sys.argv[1])
    config = project.config.train.replace(epochs=10_000, checkpoint_minutes=0.0005)
    for record in project.trainer(config).run():
        if record.kind == "checkpoint":
            print("checkpoint", record.step, flush=True)
""")


def test_sigkill_during_training_leaves_an_openable_project(tmp_path, shape_folder):
    project = Project.create(tmp_path / "k.latentia", shape_folder, tiny_config())
    child = subprocess.Popen([sys.executable, "-c", TRAIN_FOREVER, str(project.path)],
                             stdout=subprocess.PIPE, text=True, cwd=ROOT,
                             env={**os.environ, "PYTHONPATH": str(ROOT)})
    checkpoints = []
    deadline = time.monotonic() + 120
    while len(checkpoints) < 4 and time.monotonic() < deadline:
        line = child.stdout.readline()
        if line.startswith("checkpoint"):
            checkpoints.append(int(line.split()[1]))
    time.sleep(0.05)  # land somewhere inside the next steps or checkpoint write
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert len(checkpoints) == 4
    reopened = Project.open(project.path)
    assert reopened.trained_steps >= checkpoints[-1]
    assert reopened.decode(reopened.encode(
        reopened.images()[:2].transpose(0, 3, 1, 2) / 255.0)[0]).shape == (2, 3, 32, 32)
    list(reopened.trainer().run(should_stop=lambda: True))  # and training can continue
