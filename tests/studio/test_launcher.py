"""The `latentia` command: every first word is routed, and every mistake is one line + exit 1."""

from __future__ import annotations

import sys
import types

import pytest

from studio import launcher


@pytest.fixture
def fake_cli(monkeypatch):
    calls = []

    def main(argv):
        calls.append(argv)
        return 3

    monkeypatch.setitem(sys.modules, "models.cli", types.SimpleNamespace(main=main))
    return calls


@pytest.fixture
def fake_gui(monkeypatch):
    calls = []
    monkeypatch.setattr("studio.app.run_gui", lambda path: calls.append(path) or 0)
    monkeypatch.setattr("studio.logs.setup_logging", lambda debug: calls.append(("debug", debug)))
    return calls


@pytest.fixture
def fake_doctor(monkeypatch):
    calls = []
    monkeypatch.setattr("studio.doctor.main", lambda argv: calls.append(argv) or 5)
    return calls


@pytest.mark.parametrize("argv", [["info", "x.latentia"], ["train", "a", "b"],
                                  ["export", "--help"], ["sample", "p", "--out", "s.png"]])
def test_subcommands_go_to_the_cli(fake_cli, fake_gui, argv):
    assert launcher.main(argv) == 3
    assert fake_cli == [argv] and fake_gui == []


def test_debug_reaches_the_cli_in_front_of_the_command(fake_cli):
    assert launcher.main(["--debug", "train", "a", "--out", "b"]) == 3
    assert fake_cli == [["--debug", "train", "a", "--out", "b"]]


def test_a_cli_usage_error_becomes_a_return_code(monkeypatch):
    def main(argv):
        raise SystemExit(2)

    monkeypatch.setitem(sys.modules, "models.cli", types.SimpleNamespace(main=main))
    assert launcher.main(["train"]) == 2


@pytest.mark.parametrize(("argv", "expected"), [
    ([], None), (["my.latentia"], "my.latentia"), (["photos"], "photos")])
def test_everything_else_opens_the_app(fake_cli, fake_gui, tmp_path, monkeypatch, argv, expected):
    monkeypatch.chdir(tmp_path)
    for name in argv:
        (tmp_path / name).mkdir()
    assert launcher.main(argv) == 0
    assert fake_gui == [("debug", False), expected] and fake_cli == []


def test_debug_opens_the_app_with_debug_logging(fake_gui, tmp_path):
    assert launcher.main(["--debug", str(tmp_path)]) == 0
    assert fake_gui == [("debug", True), str(tmp_path)]


@pytest.mark.parametrize(("word", "suggestion"), [("trian", "did you mean 'train'?"),
                                                  ("doctr", "did you mean 'doctor'?"),
                                                  ("xyzzy", "")])
def test_an_unknown_word_is_refused_in_one_line(fake_cli, fake_gui, capsys, tmp_path,
                                                monkeypatch, word, suggestion):
    monkeypatch.chdir(tmp_path)
    assert launcher.main([word]) == 1
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f"unknown command or path '{word}'" in err
    assert suggestion in err
    assert fake_gui == [] and fake_cli == []


@pytest.mark.parametrize(("argv", "message"), [
    (["a", "b"], "unexpected arguments after a: b"),
    (["--fullscreen"], "unknown option --fullscreen"),
    (["--install-desktop", "now"], "unexpected arguments after --install-desktop"),
    (["doctor", "--bogus"], "unexpected arguments for doctor: --bogus")])
def test_argument_mistakes_are_one_line_and_exit_1(fake_gui, fake_doctor, capsys, argv, message):
    assert launcher.main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith("latentia: error: ") and err.count("\n") == 1 and message in err
    assert fake_gui == [] and fake_doctor == []


def test_doctor_is_routed_to_the_doctor(fake_doctor, fake_gui, tmp_path):
    assert launcher.main(["doctor", str(tmp_path)]) == 5
    assert fake_doctor == [[str(tmp_path)]] and fake_gui == []


def test_version_and_help(capsys):
    from models import __version__

    assert launcher.main(["--version"]) == 0
    assert capsys.readouterr().out == f"latentia {__version__}\n"
    assert launcher.main(["--help"]) == 0
    out = capsys.readouterr().out
    for word in (*launcher.CLI_COMMANDS, "doctor", "--debug", "--install-desktop", "PROJECT"):
        assert word in out


def test_desktop_install_is_refused_off_linux(monkeypatch, capsys):
    monkeypatch.setattr(sys, "platform", "darwin")
    assert launcher.main(["--install-desktop"]) == 1
    assert "for Linux desktops" in capsys.readouterr().err


def test_a_typo_exits_at_once_without_opening_a_window(tmp_path):
    """The bug: `latentia trian` opened the GUI and, without a display, waited forever."""
    import os
    import subprocess
    from pathlib import Path

    env = {k: v for k, v in os.environ.items() if k not in {"DISPLAY", "QT_QPA_PLATFORM"}}
    env["PYTHONPATH"] = str(Path(launcher.__file__).resolve().parents[1])
    done = subprocess.run([sys.executable, "-m", "studio", "trian"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1
    assert done.stderr == ("latentia: error: unknown command or path 'trian' "
                           "(did you mean 'train'? see latentia --help)\n")
