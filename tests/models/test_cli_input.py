"""Bad input on the command line: one line on stderr, exit code 1, and nothing written.

The rule lives in `models.cli` (`fail`, `EXIT_ERROR`); argparse's usage block and exit code 2
never reach the user.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from PIL import Image

import models.cli
from models.cli import EXIT_ERROR, EXIT_OK, main
from models.errors import TrainingError
from models.export import read_provenance
from models.project import Project
from models.training.trainer import Trainer

TINY = ["--size", "32", "--latent-dim", "8", "--width", "8", "--batch-size", "8",
        "--device", "cpu", "--quiet"]


def run(capsys, *args) -> tuple[int, str, str]:
    code = main([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def assert_one_error_line(code: int, err: str, *words: str) -> None:
    assert code == EXIT_ERROR
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("latentia: error: "), err
    assert "usage:" not in err and "Traceback" not in err
    for word in words:
        assert word in lines[0], lines[0]


@pytest.fixture(scope="module")
def trained(trained_project):
    return trained_project


@pytest.mark.parametrize("option, value", [
    ("--minutes", "nan"), ("--minutes", "inf"), ("--minutes", "-1"), ("--minutes", "0"),
    ("--minutes", "1e9"), ("--minutes", "ten"), ("--epochs", "99999999999999999999"),
    ("--epochs", "0"), ("--beta", "nan"), ("--beta", "inf"), ("--beta", "-1"),
    ("--latent-dim", "0"), ("--latent-dim", "1"), ("--latent-dim", "5000"), ("--width", "0"),
    ("--width", "-8"), ("--batch-size", "0"), ("--batch-size", "-4"),
    ("--batch-size", "100000000"), ("--seed", "-1"), ("--seed", str(2**64)), ("--size", "0"),
    ("--size", "-32"), ("--size", "48"), ("--fit", "stretch"), ("--device", "tpu"),
])
def test_bad_train_values_are_refused_before_anything_is_written(
        option, value, tmp_path, shape_folder, capsys):
    out = tmp_path / "new.latentia"
    code, _, err = run(capsys, "train", shape_folder, "--out", out, *TINY, option, value)
    assert_one_error_line(code, err, option)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("args, words", [
    (["train"], ["required"]),
    (["train", "{shapes}"], ["--out"]),
    (["train", "{shapes}", "--out", "{tmp}/x.latentia", "--bogus"], ["--bogus"]),
    (["trian", "{shapes}"], ["trian"]),
    (["sample", "{tmp}/p.latentia"], ["--out"]),
])
def test_argument_mistakes_follow_the_one_line_rule(args, words, tmp_path, shape_folder,
                                                    capsys):
    names = {"shapes": shape_folder, "tmp": tmp_path}
    code, _, err = run(capsys, *[a.format(**names) for a in args])
    assert_one_error_line(code, err, *words)
    assert list(tmp_path.iterdir()) == []


def test_help_and_version_exit_zero(capsys):
    assert main(["--help"]) == EXIT_OK
    assert "train" in capsys.readouterr().out
    assert main(["--version"]) == EXIT_OK
    assert main(["sample", "--help"]) == EXIT_OK


def test_fail_is_the_one_way_mistakes_end(capsys):
    assert models.cli.fail("something is wrong") == EXIT_ERROR == 1
    assert capsys.readouterr().err == "latentia: error: something is wrong\n"


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a CUDA GPU")
def test_a_missing_gpu_is_refused_before_ingesting(tmp_path, shape_folder, capsys):
    code, _, err = run(capsys, "train", shape_folder, "--out", tmp_path / "g.latentia",
                       *TINY, "--device", "cuda")
    assert_one_error_line(code, err, "CUDA")
    assert list(tmp_path.iterdir()) == []


# -- a failed train never blocks the next try ----------------------------------------------------
def failing_run(checkpoint_first: bool):
    def run(self, should_stop=lambda: False):
        if checkpoint_first:
            yield self.checkpoint()
        raise TrainingError("the loss stays non-finite")
        yield  # a generator, like the real run

    return run


def test_a_train_that_fails_before_its_first_checkpoint_leaves_nothing(
        tmp_path, shape_folder, capsys, monkeypatch):
    out = tmp_path / "f.latentia"
    monkeypatch.setattr(Trainer, "run", failing_run(checkpoint_first=False))
    code, _, err = run(capsys, "train", shape_folder, "--out", out, *TINY, "--epochs", "1")
    assert_one_error_line(code, err, "non-finite")
    assert list(tmp_path.iterdir()) == []  # no project, no staging folder
    monkeypatch.undo()
    code, _, _ = run(capsys, "train", shape_folder, "--out", out, *TINY, "--epochs", "1")
    assert code == 0 and Project.open(out).is_trained  # the same command, run again


def test_a_train_that_fails_after_a_checkpoint_stays_resumable(
        tmp_path, shape_folder, capsys, monkeypatch):
    out = tmp_path / "f.latentia"
    monkeypatch.setattr(Trainer, "run", failing_run(checkpoint_first=True))
    code, _, err = run(capsys, "train", shape_folder, "--out", out, *TINY, "--epochs", "1")
    assert_one_error_line(code, err, "non-finite")
    assert (out / "checkpoint" / "state.json").is_file()
    monkeypatch.undo()
    code, _, err = run(capsys, "train", shape_folder, "--out", out, *TINY, "--epochs", "1")
    assert_one_error_line(code, err, "already exists", "--resume")
    code, _, _ = run(capsys, "train", shape_folder, "--out", out, *TINY, "--resume")
    assert code == 0 and Project.open(out).is_trained


def test_resume_refuses_a_changed_setting_and_changes_nothing(trained, shape_folder, capsys):
    before = (trained / "project.json").read_bytes()
    code, _, err = run(capsys, "train", shape_folder, "--out", trained, "--resume",
                       "--latent-dim", "16", "--epochs", "1")
    assert_one_error_line(code, err, "--latent-dim 16", "project's 8")
    assert (trained / "project.json").read_bytes() == before


# -- sample ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("option, value", [
    ("--temperature", "nan"), ("--temperature", "inf"), ("--temperature", "-1"),
    ("--temperature", "1e30"), ("-n", "0"), ("-n", "-3"), ("-n", "100000000"),
    ("--seed", "-1"), ("--prior", "uniform"),
])
def test_bad_sample_values_are_refused(option, value, trained, tmp_path, capsys):
    code, _, err = run(capsys, "sample", trained, "--out", tmp_path / "g.png", option, value)
    assert_one_error_line(code, err, option)
    assert list(tmp_path.iterdir()) == []


def test_sample_refuses_to_overwrite_and_carries_its_provenance(trained, tmp_path, capsys):
    grid = tmp_path / "grid.png"
    grid.write_bytes(b"the user's own file")
    code, _, err = run(capsys, "sample", trained, "--out", grid, "-n", "4", "--seed", "3")
    assert_one_error_line(code, err, "already exists", "--overwrite")
    assert grid.read_bytes() == b"the user's own file"

    code, out, _ = run(capsys, "sample", trained, "--out", grid, "-n", "4", "--seed", "3",
                       "--temperature", "0.7", "--overwrite")
    assert code == 0 and "wrote 4 samples" in out
    provenance = read_provenance(grid)
    project = Project.open(trained)
    assert provenance.kind == "sample" and provenance.model_id == project.model_id
    assert provenance.settings["seed"] == 3 and provenance.settings["temperature"] == 0.7
    assert np.allclose(provenance.latents, project.sample_latents(4, 0.7, seed=3))


def test_sample_without_a_seed_says_which_seed_draws_it_again(trained, tmp_path, capsys):
    first, second = tmp_path / "a.png", tmp_path / "b.png"
    code, out, _ = run(capsys, "sample", trained, "--out", first, "-n", "4")
    assert code == 0
    seed = read_provenance(first).settings["seed"]
    assert f"--seed {seed}" in out
    assert run(capsys, "sample", trained, "--out", second, "-n", "4", "--seed", seed)[0] == 0
    with Image.open(first) as a, Image.open(second) as b:
        assert np.array_equal(np.asarray(a), np.asarray(b))
