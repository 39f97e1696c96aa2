"""Where Latentia's own files are: bundled resources, desktop-integration files and logs.

One rule finds the bundled files from a source checkout, an installed wheel and a PyInstaller
build alike: look next to this module first (`studio/resources/`, which is how the wheel and
the frozen build ship the repository's `resources/`), then in the checkout's top level. Qt-free,
so `latentia doctor` and `latentia --install-desktop` can use it without starting Qt.
"""

from __future__ import annotations

import sys
from pathlib import Path

import platformdirs

STUDIO = Path(__file__).resolve().parent
CHECKOUT = STUDIO.parent

APP_NAME = "Latentia"
# The freedesktop / AppStream identifier: the .desktop file, the metainfo file and the icon
# are all named after it, and the window announces it (QGuiApplication.setDesktopFileName) so
# desktops match the running window to its entry.
APP_ID = "org.latentia.Latentia"
LOG_FILE_NAME = "latentia.log"


def _bundled(installed_name: str, checkout_path: str) -> Path:
    """`studio/<installed_name>` when shipped in a package, else `<checkout>/<checkout_path>`."""
    installed = STUDIO / installed_name
    return installed if installed.is_dir() else CHECKOUT / checkout_path


RESOURCES = _bundled("resources", "resources")
DESKTOP_FILES = _bundled("desktop_files", "packaging/linux")
ICONS = RESOURCES / "icons"
APP_ICONS = ICONS / "app"


def is_frozen() -> bool:
    """True inside a PyInstaller build."""
    return bool(getattr(sys, "frozen", False))


def log_folder() -> Path:
    """The platform's per-user log folder (not created here).

    Linux ~/.local/state/Latentia/log, macOS ~/Library/Logs/Latentia,
    Windows %LOCALAPPDATA%\\Latentia\\Latentia\\Logs.
    """
    return Path(platformdirs.user_log_dir(APP_NAME, APP_NAME))


def log_file() -> Path:
    return log_folder() / LOG_FILE_NAME


def app_icon_png(size: int) -> Path:
    return APP_ICONS / f"latentia-{size}.png"
