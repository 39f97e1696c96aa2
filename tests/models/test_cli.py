"""The command line: a full train/info/sample round, and every error path is one clear line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from models.cli import main

TINY = ["--size", "32", "--latent-dim", "8", "--width", "8", "--batch-size", "8",
        "--device", "cpu", "--quiet"]


def run_cli(capsys, *args: str) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture(scope="module")
def trained_project(tmp_path_factory, shape_folder):
    out = tmp_path_factory.mktemp("cli") / "shapes.latentia"
    assert main(["train", str(shape_folder), "--out", str(out), "--epochs", "2", *TINY]) == 0
    return out


def test_train_info_sample_round(trained_project, capsys, tmp_path):
    code, out, _ = run_cli(capsys, "info", trained_project, "--json")
    assert code == 0
    info = json.loads(out)
    assert info["images"] == 48 and info["latent_dim"] == 8 and info["trained_steps"] > 0
    grid = tmp_path / "grid.png"
    code, out, _ = run_cli(capsys, "sample", trained_project, "-n", "4", "--out", grid,
                           "--seed", "1", "--temperature", "0.8")
    assert code == 0 and "wrote 4 samples" in out
    with Image.open(grid) as image:
        assert image.size == (2 * 32 + 3 * 2, 2 * 32 + 3 * 2)


def test_resume_continues_training(trained_project, capsys):
    before = json.loads(run_cli(capsys, "info", trained_project, "--json")[1])["trained_steps"]
    code, _, _ = run_cli(capsys, "train", "unused", "--out", trained_project, "--resume",
                         "--epochs", "1", *TINY)
    assert code == 0
    after = json.loads(run_cli(capsys, "info", trained_project, "--json")[1])["trained_steps"]
    assert after > before


def test_resume_sharpen_runs_the_adversarial_stage_now(tmp_path, shape_folder, capsys):
    from models.training import checkpoint as ckpt

    out = tmp_path / "sharp.latentia"
    assert main(["train", str(shape_folder), "--out", str(out), "--epochs", "3", "--no-sharpen",
                 *TINY]) == 0
    before = ckpt.load_state(out)
    assert before.sharpen_step == -1  # --no-sharpen: no stage in the last quarter
    code, _, _ = run_cli(capsys, "train", "unused", "--out", out, "--resume", "--sharpen", *TINY)
    assert code == 0
    after = ckpt.load_state(out)
    assert after.epoch == before.epoch + 1  # a quarter of the 3 epochs, rounded up to 1
    assert after.sharpen_step == before.step  # the stage began with the first new step


def test_the_mixture_prior_stays_selectable(tmp_path, shape_folder, capsys):
    from models.project import Project

    out = tmp_path / "mixture.latentia"
    assert main(["train", str(shape_folder), "--out", str(out), "--epochs", "1",
                 "--prior", "gmm", *TINY]) == 0
    project = Project.open(out)
    assert project.config.train.prior == "gmm" and project.config.train.sharpen == "auto"
    assert project._model().prior.kind == "gmm"
    code, _, err = run_cli(capsys, "train", "unused", "--out", out, "--resume", "--sharpen",
                           "--no-sharpen", *TINY)
    assert code != 0 and "contradict" in err


def test_ingest_reports(shape_folder, capsys):
    code, out, _ = run_cli(capsys, "ingest", shape_folder, "--json")
    assert code == 0 and json.loads(out)["usable"] == 48


@pytest.mark.parametrize("args, message", [
    (["train", "{missing}", "--out", "{tmp}/x.latentia", *TINY], "does not exist"),
    (["train", "{shapes}", "--out", "{existing}", *TINY], "already exists"),
    (["train", "{shapes}", "--out", "{tmp}/none.latentia", "--resume", *TINY], "does not exist"),
    (["info", "{tmp}"], "not a Latentia project"),
    (["sample", "{existing}", "--out", "{tmp}/grid.jpg"], ".png"),
    (["ingest", "{empty}"], "no usable images"),
    (["train", "{shapes}", "--out", "{tmp}/y.latentia", "--beta", "-1", *TINY], "beta"),
])
def test_error_paths_are_one_clear_line(args, message, tmp_path, shape_folder,
                                        trained_project, capsys):
    (tmp_path / "empty").mkdir()
    names = {"missing": tmp_path / "missing", "tmp": tmp_path, "shapes": shape_folder,
             "existing": trained_project, "empty": tmp_path / "empty"}
    code, _, err = run_cli(capsys, *[a.format(**names) for a in args])
    assert code == 1
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("latentia: error:"), err
    assert message in lines[0]
    assert "Traceback" not in err


def test_console_entry_has_no_traceback_for_bad_input(tmp_path):
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run([sys.executable, "-m", "models.cli", "info", str(tmp_path / "nope")],
                            capture_output=True, text=True, env=env, timeout=120,
                            cwd=Path(__file__).resolve().parents[2])
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "does not exist" in result.stderr
