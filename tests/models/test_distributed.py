"""`torchrun` with 2 CPU processes and the gloo backend trains one project; rank 0 writes it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_torchrun_two_processes_gloo(tmp_path, shape_folder):
    out = tmp_path / "ddp.latentia"
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone",
               "--nproc_per_node=2", "-m", "models.cli", "train", str(shape_folder),
               "--out", str(out), "--size", "32", "--latent-dim", "8", "--width", "8",
               "--batch-size", "4", "--epochs", "2", "--device", "cpu", "--quiet"]
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=240,
                            cwd=ROOT)
    assert result.returncode == 0, result.stderr[-3000:]
    state = json.loads((out / "checkpoint" / "state.json").read_text())
    # 48 images, 10% held out -> 43 training images, 21 per rank, 5 batches of 4 per epoch
    assert state["step"] == 10
    assert state["finished"] is True
    assert not list(tmp_path.glob(".*creating*"))
