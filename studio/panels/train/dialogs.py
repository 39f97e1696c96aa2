"""File dialogs of the Train panel, each behind an `ask()` classmethod that tests monkeypatch,
and the default place for a new project."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from models.project_files import PROJECT_SUFFIX, free_project_path, with_suffix
from studio.settings import Settings


def default_project_path(folder: str, root: Path | None = None) -> Path:
    """`<root>/<folder name>.latentia`, numbered ('name 2.latentia', ...) if that exists.

    `root` defaults to the projects folder of the preferences (Documents/Latentia unless set).
    """
    root = Path(Settings().projects_folder()) if root is None else root
    return free_project_path(root, Path(folder).name or "Untitled")


class FolderDialog:
    @classmethod
    def ask(cls, parent: QWidget | None, start_dir: str = "") -> str | None:
        """A folder of images chosen by the user, or None when cancelled."""
        folder = QFileDialog.getExistingDirectory(parent, "Choose a folder of images", start_dir)
        return folder or None


class ProjectPathDialog:
    @classmethod
    def ask(cls, parent: QWidget | None, suggested: Path) -> Path | None:
        """Where to create the project (always ending in .latentia), or None when cancelled."""
        file_filter = f"Latentia project (*{PROJECT_SUFFIX})"
        path, _ = QFileDialog.getSaveFileName(parent, "Create the project as", str(suggested),
                                              file_filter)
        return Path(with_suffix(path, PROJECT_SUFFIX)) if path else None
