"""The `latentia` command: CLI subcommands go to models.cli, anything else opens the app."""

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
        if argv == ["--version"]:
            raise SystemExit(0)
        return 3

    monkeypatch.setitem(sys.modules, "models.cli", types.SimpleNamespace(main=main))
    return calls


@pytest.fixture
def fake_gui(monkeypatch):
    calls = []
    monkeypatch.setattr("studio.app.run_gui", lambda path: calls.append(path) or 0)
    return calls


@pytest.mark.parametrize("argv", [["info", "x.latentia"], ["train", "a", "b"], ["-h"],
                                  ["export", "--help"]])
def test_subcommands_go_to_the_cli(fake_cli, fake_gui, argv):
    assert launcher.main(argv) == 3
    assert fake_cli == [argv] and fake_gui == []


def test_version_exit_becomes_a_return_code(fake_cli):
    assert launcher.main(["--version"]) == 0


@pytest.mark.parametrize(("argv", "expected"), [
    ([], None), (["my.latentia"], "my.latentia"), (["photos"], "photos")])
def test_everything_else_opens_the_app(fake_cli, fake_gui, argv, expected):
    assert launcher.main(argv) == 0
    assert fake_gui == [expected] and fake_cli == []


@pytest.mark.parametrize("argv", [["a", "b"], ["--fullscreen"]])
def test_unexpected_arguments_are_refused(fake_gui, capsys, argv):
    assert launcher.main(argv) == 2
    assert "usage: latentia [PROJECT | FOLDER]" in capsys.readouterr().err
    assert fake_gui == []
