"""The app logs to a rotating file in the platform's log folder, and keeps going without one."""

from __future__ import annotations

import logging

import pytest

from studio import logs
from studio.locations import APP_NAME, log_folder


@pytest.fixture
def root_logger():
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield root
    for handler in root.handlers:
        if handler not in handlers:
            handler.close()
    root.handlers[:] = handlers
    root.setLevel(level)


def test_log_folder_is_the_platforms(monkeypatch, tmp_path):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path))
    assert log_folder() == tmp_path / APP_NAME / "log"


def test_logs_go_to_a_rotating_file(root_logger, tmp_path, monkeypatch):
    monkeypatch.setattr(logs, "LOG_BYTES", 2000)
    path = logs.setup_logging(path=tmp_path / "log" / "latentia.log")
    assert path == logs.current_log_file()
    for i in range(100):
        logging.getLogger("studio.test").info("line %d of a long session", i)
    files = sorted(p.name for p in path.parent.iterdir())
    assert files[:2] == ["latentia.log", "latentia.log.1"] and len(files) == logs.LOG_BACKUPS + 1
    assert "line 99 of a long session" in path.read_text(encoding="utf-8")


def test_debug_logs_debug_lines(root_logger, tmp_path):
    path = logs.setup_logging(debug=True, path=tmp_path / "latentia.log")
    logging.getLogger("studio.test").debug("details")
    assert "DEBUG" in path.read_text(encoding="utf-8")


def test_an_unwritable_log_folder_falls_back_to_the_terminal(root_logger, tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    assert logs.setup_logging(path=blocker / "latentia.log") is None
    assert "cannot write the log file" in capsys.readouterr().err
    assert logs.current_log_file() is None
