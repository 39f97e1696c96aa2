"""Under torchrun, rank 0's clock decides the time budget and the checkpoint times for every
rank, and a stop asked for on any rank stops all of them at the same step."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

from models.project import Project

from .conftest import tiny_config

ROOT = Path(__file__).resolve().parents[2]
WORKER = Path(__file__).with_name("ddp_clock_worker.py")


def run_to_the_end(command: list[str], env: dict, timeout: float = 180) -> tuple[int, str]:
    """Run torchrun; on a timeout (ranks waiting for each other) kill it and its workers."""
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             text=True, env=env, cwd=ROOT, start_new_session=True)
    try:
        _, stderr = child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        _, stderr = child.communicate()
        return -1, f"the ranks were still running after {timeout} s\n{stderr}"
    return child.returncode, stderr


def test_ranks_with_different_clocks_follow_rank_0(tmp_path, shape_folder):
    # 48 images, 10% held out: 43 for training, 21 per rank, 5 batches of 4 per rank and epoch
    project = Project.create(tmp_path / "clock.latentia", shape_folder,
                             tiny_config(batch_size=4))
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "torch.distributed.run", "--standalone",
               "--nproc_per_node=2", str(WORKER), str(project.path), str(tmp_path)]
    returncode, stderr = run_to_the_end(command, env)
    assert returncode == 0, stderr[-3000:]
    ranks = [json.loads((tmp_path / f"rank{rank}.json").read_text()) for rank in (0, 1)]
    assert ranks[0] == ranks[1]  # same steps, same checkpoints, same clock, same stop

    budget = ranks[0]["budget"]
    assert budget["step"] == 26 and (budget["epoch"], budget["batch"]) == (5, 1)  # mid-epoch
    assert budget["finished"] is True
    assert [step for kind, step in budget["events"] if kind == "checkpoint"] == [12, 24, 26]

    stop = ranks[0]["stop"]
    assert stop["step"] == 26 + 4 and stop["finished"] is False  # rank 1 asked at its 5th check
    saved = json.loads((project.path / "checkpoint" / "state.json").read_text())
    assert saved["step"] == stop["step"]
