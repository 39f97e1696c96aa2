"""Every persistent setting of the app in one table of (key, type, default, description) rows.

Values live in QSettings under the application's organisation and name (ORGANISATION and
APPLICATION, set by studio.app); they are always read with `type=` so an INI file or a registry
never hands back a string where an int was meant. Tests point QSettings at a temporary folder
(see tests/studio/conftest.py).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings, QStandardPaths

ORGANISATION = "Latentia"
APPLICATION = "Latentia"
MAX_RECENT_PROJECTS = 10
COLOR_SCHEMES = ("system", "light", "dark")


@dataclass(frozen=True)
class Setting:
    key: str
    type: type
    default: Any
    description: str


def _default_projects_folder() -> str:
    documents = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
    return str(Path(documents or Path.home()) / "Latentia")


SETTINGS: tuple[Setting, ...] = (
    Setting("window/geometry", QByteArray, QByteArray(),
            "Main window position and size, from QWidget.saveGeometry()."),
    Setting("window/state", QByteArray, QByteArray(),
            "Toolbar placement, from QMainWindow.saveState()."),
    Setting("window/panel", int, 0, "Index of the panel tab shown last."),
    Setting("recent/projects", list, [],
            "Paths of recently opened projects, newest first."),
    Setting("recent/folder", str, "",
            "Folder the last file dialog was in, so the next one starts there."),
    Setting("appearance/color_scheme", str, "system",
            "Light or dark colours: 'system' follows the desktop, or 'light' / 'dark'."),
    Setting("projects/folder", str, "",
            "Where new projects are created by default (empty = Documents/Latentia)."),
    Setting("projects/image_size", int, 64,
            "Image size in pixels proposed for new projects (32, 64, 128 or 256)."),
    Setting("projects/fit", str, "crop",
            "How new projects make images square: 'crop' the centre or 'pad' the borders."),
    Setting("startup/reopen_last", bool, False,
            "Open the most recent project when Latentia starts without arguments."),
)
_BY_KEY = {setting.key: setting for setting in SETTINGS}


class Settings:
    """Typed access to the rows of `SETTINGS`; unknown keys are a programming error."""

    def __init__(self, store: QSettings | None = None) -> None:
        # QSettings() uses the application's names (set in studio.app) and the default format,
        # which tests point at a temporary folder.
        self._store = store if store is not None else QSettings()

    def get(self, key: str) -> Any:
        setting = _BY_KEY[key]
        value = self._store.value(key, setting.default, type=setting.type)
        return setting.default if value is None else value

    def set(self, key: str, value: Any) -> None:
        setting = _BY_KEY[key]
        if setting.type is list:
            value = list(value)
        elif not isinstance(value, setting.type):
            value = setting.type(value)
        self._store.setValue(key, value)

    def reset(self, key: str) -> None:
        self._store.remove(key)

    def sync(self) -> None:
        self._store.sync()

    # --- conveniences over single rows -------------------------------------------------------
    def projects_folder(self) -> str:
        return self.get("projects/folder") or _default_projects_folder()

    def recent_projects(self) -> list[str]:
        """Recent project paths that still exist, newest first."""
        return [path for path in self.get("recent/projects") if os.path.exists(path)]

    def add_recent_project(self, path: str) -> None:
        path = os.path.normpath(path)
        paths = [p for p in self.get("recent/projects") if os.path.normpath(p) != path]
        self.set("recent/projects", [path, *paths][:MAX_RECENT_PROJECTS])

    def clear_recent_projects(self) -> None:
        self.set("recent/projects", [])
