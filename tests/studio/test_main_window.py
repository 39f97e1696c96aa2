"""The main window as a view over AppState: menus, shortcuts, start page, drops, title, close."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QKeySequence

from models.config import IngestConfig, ProjectConfig
from studio.contract.project_records import ErrorRecord
from studio.panels.canvas.panel import CanvasPanel
from studio.window.dialogs import ErrorDialog, UnsavedChangesDialog
from studio.window.main_window import MainWindow
from studio.window.new_project_dialog import NewProjectChoice, NewProjectDialog
from tests.studio.conftest import make_project_info


@pytest.fixture
def window(qtbot, state, settings) -> Iterator[MainWindow]:
    win = MainWindow(state, settings)
    # closed and deleted by pytest-qt at teardown; not dirty, so that closing asks nothing
    qtbot.addWidget(win, before_close_func=lambda _: state.sig_project_dirty.emit(False))
    win.show()
    qtbot.waitExposed(win)
    yield win


def drop(window: MainWindow, path: Path) -> None:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    event = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    window.dropEvent(event)


def test_window_opens_on_the_start_page_and_closes(window):
    assert window.windowTitle() == "Latentia"
    assert window.pages.currentWidget() is window.welcome
    assert window.close()
    assert not window.isVisible()


def test_menus_and_standard_shortcuts(window):
    titles = [a.text().replace("&", "") for a in window.menuBar().actions()]
    assert titles == ["File", "Edit", "View", "Training", "Help"]
    actions = window.actions
    assert QKeySequence(QKeySequence.StandardKey.Save) in actions.save.shortcuts()
    assert QKeySequence(QKeySequence.StandardKey.Open) in actions.open_project.shortcuts()
    assert QKeySequence("Ctrl+Q") in actions.quit.shortcuts()
    assert [a.shortcut().toString() for a in actions.panels] == [
        "Ctrl+1", "Ctrl+2", "Ctrl+3", "Ctrl+4"]
    toolbar = [a for a in window.toolbar.actions() if not a.isSeparator()]
    assert [a.iconText() for a in toolbar] == [
        "New", "Open", "Save", "Train", "Pause", "Stop", "Export"]
    assert all(not a.icon().isNull() for a in toolbar)


def test_panel_shortcut_switches_to_the_panel(window, qtbot):
    window.activateWindow()
    qtbot.keyClick(window, Qt.Key.Key_3, Qt.KeyboardModifier.ControlModifier)
    assert window.pages.currentWidget() is window.panels
    assert window.panels.tabText(window.panels.currentIndex()) == "Canvas"
    assert isinstance(window.panels.currentWidget(), CanvasPanel)
    assert [window.panels.tabText(i) for i in range(4)] == ["Train", "Map", "Canvas", "Gallery"]


def test_start_page_lists_existing_recent_projects(qtbot, state, settings, tmp_path):
    older, newer = tmp_path / "a.latentia", tmp_path / "b.latentia"
    older.mkdir()
    newer.mkdir()
    for path in (older, tmp_path / "gone.latentia", newer):
        settings.add_recent_project(str(path))
    win = MainWindow(state, settings)
    qtbot.addWidget(win)
    assert win.welcome.recent_projects() == [str(newer), str(older)]
    with qtbot.waitSignal(state.sig_request_open_project) as blocker:
        win.welcome.recent_list.itemActivated.emit(win.welcome.recent_list.item(1))
    assert blocker.args == [str(older)]


def test_dropping_a_folder_requests_a_new_project(window, state, qtbot, tmp_path, monkeypatch):
    folder = tmp_path / "cats"
    folder.mkdir()
    config = ProjectConfig(ingest=IngestConfig(image_size=32))
    asked = []

    def fake_ask(cls, parent, chosen_folder, settings):
        asked.append(chosen_folder)
        return NewProjectChoice(chosen_folder, str(tmp_path / "cats.latentia"), config)

    monkeypatch.setattr(NewProjectDialog, "ask", classmethod(fake_ask))
    with qtbot.waitSignal(state.sig_request_new_project) as blocker:
        drop(window, folder)
    assert asked == [str(folder)]
    assert blocker.args == [str(folder), str(tmp_path / "cats.latentia"), config]


def test_dropping_a_project_requests_opening_it(window, state, qtbot, tmp_path):
    project = tmp_path / "cats.latentia"
    project.mkdir()
    with qtbot.waitSignal(state.sig_request_open_project) as blocker:
        drop(window, project)
    assert blocker.args == [str(project)]


def test_title_shows_project_and_unsaved_mark(window, state, settings):
    state.sig_project_reported.emit(make_project_info("cats"))
    assert window.windowTitle() == "Latentia — cats"
    assert window.pages.currentWidget() is window.panels
    state.sig_project_dirty.emit(True)
    assert window.windowTitle() == "Latentia — cats*"
    assert settings.get("recent/projects")[0] == str(Path("/p/cats.latentia"))


@pytest.mark.parametrize(("answer", "closes", "saves"), [
    ("cancel", False, False), ("discard", True, False), ("save", True, True)])
def test_close_with_unsaved_changes_asks(window, state, qtbot, monkeypatch, answer, closes,
                                         saves):
    monkeypatch.setattr(UnsavedChangesDialog, "ask", classmethod(lambda cls, p, name: answer))
    state.sig_project_reported.emit(make_project_info("cats"))
    state.sig_project_dirty.emit(True)
    saved = []
    state.sig_request_save.connect(saved.append)
    assert window.close() is closes
    assert window.isVisible() is not closes
    assert saved == ([""] if saves else [])


def test_closing_while_training_asks_nothing_the_run_checkpoints(window, state, monkeypatch):
    monkeypatch.setattr(UnsavedChangesDialog, "ask", classmethod(lambda cls, p, name: "cancel"))
    state.sig_project_reported.emit(make_project_info("cats"))
    state.sig_training_state_reported.emit("running")
    state.sig_project_dirty.emit(True)
    assert window.close()


def test_errors_show_the_dialog_and_the_window_lives_on(window, state, monkeypatch):
    shown = []
    monkeypatch.setattr(ErrorDialog, "ask",
                        classmethod(lambda cls, parent, record: shown.append(record)))
    record = ErrorRecord("Problem opening the project", "The project is corrupt.", "details")
    state.sig_error.emit(record)
    assert shown == [record]
    state.sig_project_reported.emit(make_project_info("after"))
    assert window.windowTitle() == "Latentia — after"


def test_training_actions_follow_the_training_state(window, state):
    actions = window.actions
    assert not actions.train.isEnabled()  # no project yet
    state.sig_project_reported.emit(make_project_info(trained_steps=0))
    assert actions.train.isEnabled() and not actions.pause.isEnabled()
    assert not actions.export_model.isEnabled()  # nothing trained to export
    state.sig_training_state_reported.emit("running")
    assert actions.pause.isEnabled() and actions.stop.isEnabled()
    assert not actions.train.isEnabled()
    state.sig_training_state_reported.emit("paused")
    assert actions.train.isEnabled() and actions.train.iconText() == "Resume"


def test_train_action_sends_the_saved_settings_or_resumes(window, state, qtbot):
    info = make_project_info()
    state.sig_project_reported.emit(info)
    with qtbot.waitSignal(state.sig_request_train) as blocker:
        window.actions.train.trigger()
    assert blocker.args == [info.config.train]
    state.sig_training_state_reported.emit("paused")
    with qtbot.waitSignal(state.sig_request_resume):
        window.actions.train.trigger()


def test_window_geometry_and_panel_persist(qtbot, state, settings):
    first = MainWindow(state, settings)
    qtbot.addWidget(first)
    first.show()
    first.resize(960, 650)  # the offscreen screen is small: restoring clamps bigger sizes
    first.show_panel(3)
    first.close()
    second = MainWindow(state, settings)
    qtbot.addWidget(second)
    second.ensure_panels()
    assert (second.width(), second.height()) == (960, 650)
    assert second.panels.currentIndex() == 3
