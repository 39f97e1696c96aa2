"""Shared fixtures of the studio tests: offscreen Qt, settings in a temporary folder, no leaked
windows, and small builders for AppState payloads."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QCoreApplication, QSettings
from PySide6.QtWidgets import QDialog, QMessageBox

from models.config import ProjectConfig, TrainConfig
from models.records import IngestReport
from studio.contract.app_state import AppState
from studio.contract.project_records import ProjectInfo
from studio.settings import Settings
from tests.studio.qt_lifetime import delete_leftovers, visible_windows


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path_factory, monkeypatch):
    """Every test reads and writes QSettings (and the demo copy) in its own temporary folder."""
    folder = tmp_path_factory.mktemp("settings")
    QCoreApplication.setOrganizationName("LatentiaTests")
    QCoreApplication.setApplicationName("LatentiaTests")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    monkeypatch.setattr("studio.demo.demo_workspace", lambda: folder / "demo")
    return folder


@pytest.fixture(autouse=True)
def no_modal_dialogs(monkeypatch):
    """A modal dialog would wait forever offscreen: tests must monkeypatch the ask() methods."""

    def refuse(self, *args):
        raise AssertionError(f"a test opened a modal {type(self).__name__}; patch its ask()")

    monkeypatch.setattr(QDialog, "exec", refuse)
    monkeypatch.setattr(QMessageBox, "exec", refuse)


@pytest.fixture(autouse=True)
def no_leaked_windows(request):
    """Fail a test that leaves a visible top-level window behind (pytest-qt closes the ones
    registered with qtbot.addWidget before this check runs), then delete what the test left
    for later, here on the UI thread (see qt_lifetime)."""
    before = visible_windows()
    yield
    leaked = [w for w in visible_windows() if not any(w is b for b in before)]
    for widget in leaked:
        widget.close()
    names = ", ".join(type(w).__name__ for w in leaked)
    del before, leaked
    delete_leftovers()
    if names:
        pytest.fail(f"{request.node.name} left visible windows open: {names}")


@pytest.fixture
def settings(isolated_settings) -> Settings:
    return Settings()


@pytest.fixture
def state(qapp) -> AppState:
    return AppState()


# Wait for the backend with `state.sig_device`, never `worker.sig_ready`: PySide6 calls a
# blocker connected to a signal of an object living in the worker thread directly in that
# thread, so a fast worker could quit the blocker's event loop before the main thread entered
# it, and the test hung with its timeout timer stopped (seen once in CI). AppState lives in the
# main thread, so its signals reach blockers queued, on the main thread.
_BLOCKERS: list = []


@pytest.fixture(autouse=True)
def blockers_outlive_their_tests(qtbot, monkeypatch):
    """Keep pytest-qt's signal blockers alive for the session. PySide6 6.11 can still call a
    blocker's bound-method slot for a signal queued from a worker thread after the blocker was
    disconnected and freed, which crashed the interpreter (seen in the gallery end-to-end
    tests); a live blocker just ignores the late call."""
    for name in ("waitSignal", "waitSignals"):
        original = getattr(qtbot, name)

        def keeping(*args, _original=original, **kwargs):
            blocker = _original(*args, **kwargs)
            _BLOCKERS.append(blocker)
            return blocker

        monkeypatch.setattr(qtbot, name, keeping)


def make_project_info(name: str = "cats", path: str = "/p/cats.latentia", trained_steps: int = 0,
                      is_demo: bool = False) -> ProjectInfo:
    report = IngestReport("/data/cats", found=5, usable=5, duplicates=0)
    config = ProjectConfig(train=TrainConfig(epochs=3))
    return ProjectInfo(path=path, name=name, source_folder="/data/cats", image_count=5,
                       image_size=64, channels=3, latent_dim=32, trained_steps=trained_steps,
                       config=config, report=report, history=(), is_demo=is_demo)
