"""The main window's actions, menus and toolbar (what they do is wired in main_window.py)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu, QToolBar

from studio.icons import themed_icon

PANEL_NAMES = ("Train", "Map", "Canvas", "Gallery")
Key = QKeySequence.StandardKey


@dataclass(frozen=True)
class WindowActions:
    new_project: QAction
    open_project: QAction
    save: QAction
    save_as: QAction
    export_model: QAction
    quit: QAction
    preferences: QAction
    start_page: QAction
    panels: tuple[QAction, ...]
    full_screen: QAction
    train: QAction
    pause: QAction
    stop: QAction
    user_guide: QAction
    about: QAction
    recent_menu: QMenu

    def with_icons(self) -> dict[str, QAction]:
        return {"new": self.new_project, "open": self.open_project, "save": self.save,
                "export": self.export_model, "train": self.train, "pause": self.pause,
                "stop": self.stop}


def _action(window: QMainWindow, text: str, tip: str,
            *shortcuts: QKeySequence | Key | str) -> QAction:
    action = QAction(text, window)
    action.setStatusTip(tip)
    action.setToolTip(tip)
    keys: list[QKeySequence] = []
    for shortcut in shortcuts:
        if isinstance(shortcut, Key):
            keys.extend(QKeySequence.keyBindings(shortcut))
        else:
            keys.append(QKeySequence(shortcut))
    keys = [key for key in keys if not key.isEmpty()]
    if keys:
        action.setShortcuts(keys)
    window.addAction(action)  # shortcuts work even when the toolbar is hidden
    return action


def create_actions(window: QMainWindow) -> WindowActions:
    panels = tuple(
        _action(window, name, f"Show the {name} panel", f"Ctrl+{number}")
        for number, name in enumerate(PANEL_NAMES, start=1))
    full_screen = _action(window, "Full screen", "Fill the screen with the window",
                          Key.FullScreen, "F11")
    full_screen.setCheckable(True)
    actions = WindowActions(
        new_project=_action(window, "New project from folder…",
                            "Create a project from a folder of images", Key.New),
        open_project=_action(window, "Open project…",
                             "Open a project or a shared model file", Key.Open),
        save=_action(window, "Save", "Save the project", Key.Save),
        save_as=_action(window, "Save as…", "Save a copy of the project under a new name",
                        Key.SaveAs, "Ctrl+Shift+S"),
        export_model=_action(window, "Export model…",
                             "Write the trained model as one file to share", "Ctrl+E"),
        quit=_action(window, "Quit", "Quit Latentia", Key.Quit, "Ctrl+Q"),
        preferences=_action(window, "Preferences…", "Appearance and defaults for new projects",
                            Key.Preferences, "Ctrl+,"),
        start_page=_action(window, "Start page", "Show the start page", "Ctrl+0"),
        panels=panels,
        full_screen=full_screen,
        train=_action(window, "Train", "Start or continue training with the project's "
                      "saved settings", "Ctrl+T"),
        pause=_action(window, "Pause", "Pause training (resume any time)", "Ctrl+P"),
        stop=_action(window, "Stop", "Stop training and save a checkpoint", "Ctrl+Shift+T"),
        user_guide=_action(window, "User guide", "How to use Latentia", Key.HelpContents),
        about=_action(window, "About Latentia", "Versions of Latentia and its libraries"),
        recent_menu=QMenu("Open recent", window),
    )
    for action, short in ((actions.new_project, "New"), (actions.open_project, "Open"),
                          (actions.export_model, "Export")):
        action.setIconText(short)  # the toolbar's label; menus keep the full text
    refresh_icons(actions)
    return actions


def refresh_icons(actions: WindowActions) -> None:
    """(Re)tint the SVG icons with the current palette, e.g. after a light/dark switch."""
    for name, action in actions.with_icons().items():
        action.setIcon(themed_icon(name))


def build_menus(window: QMainWindow, actions: WindowActions) -> None:
    bar = window.menuBar()
    file_menu = bar.addMenu("&File")
    file_menu.addActions([actions.new_project, actions.open_project])
    file_menu.addMenu(actions.recent_menu)
    file_menu.addSeparator()
    file_menu.addActions([actions.save, actions.save_as, actions.export_model])
    file_menu.addSeparator()
    file_menu.addAction(actions.quit)
    bar.addMenu("&Edit").addAction(actions.preferences)
    view_menu = bar.addMenu("&View")
    view_menu.addAction(actions.start_page)
    view_menu.addActions(list(actions.panels))
    view_menu.addSeparator()
    view_menu.addAction(actions.full_screen)
    bar.addMenu("&Training").addActions([actions.train, actions.pause, actions.stop])
    help_menu = bar.addMenu("&Help")
    help_menu.addActions([actions.user_guide, actions.about])


def build_toolbar(window: QMainWindow, actions: WindowActions) -> QToolBar:
    toolbar = QToolBar("Main toolbar", window)
    toolbar.setObjectName("mainToolbar")  # saveState() needs a name
    toolbar.setMovable(False)
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
    toolbar.addActions([actions.new_project, actions.open_project, actions.save])
    toolbar.addSeparator()
    toolbar.addActions([actions.train, actions.pause, actions.stop])
    toolbar.addSeparator()
    toolbar.addAction(actions.export_model)
    window.addToolBar(toolbar)
    return toolbar
