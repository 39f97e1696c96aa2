"""The bundled demo project: a small trained model of procedurally drawn shapes.

resources/demo/project/ is never opened in place (it may sit in a read-only install and must
stay pristine); "Try the demo" copies it into the user's data folder and opens the copy.
packaging/build_demo.py regenerates the images and retrains the model.
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

from PySide6.QtCore import QStandardPaths

from models.errors import ProjectError
from models.project_files import PROJECT_SUFFIX, free_project_path
from studio.icons import RESOURCES

DEMO_SOURCE = RESOURCES / "demo" / "project"
DEMO_IMAGES = RESOURCES / "demo" / "images"
DEMO_STEM = "Shapes demo"


def demo_available() -> bool:
    return DEMO_SOURCE.is_dir() and any(DEMO_SOURCE.iterdir())


def demo_workspace() -> Path:
    """Writable folder holding the demo copy (per user, outside the install)."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base or tempfile.gettempdir()) / "demo"


def prepare_demo_copy(workspace: Path | None = None, in_use: str | None = None) -> Path:
    """Copy the pristine demo into `workspace` and return the copy.

    Older copies are removed, except `in_use` (the demo copy open right now, whose files the
    backend may still be reading or writing): the new copy then gets a numbered name.
    """
    if not demo_available():
        raise ProjectError("the demo project is not installed with this copy of Latentia")
    workspace = workspace or demo_workspace()
    try:
        workspace.mkdir(parents=True, exist_ok=True)
        _remove_old_copies(workspace, in_use)
        target = free_project_path(workspace, DEMO_STEM)
        # Copy beside the target first so a failed copy never leaves half a demo behind.
        staging = Path(tempfile.mkdtemp(prefix=".demo-", dir=workspace))
        try:
            shutil.copytree(DEMO_SOURCE, staging / target.name)
            (staging / target.name).rename(target)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    except OSError as exc:
        raise ProjectError(f"could not copy the demo project to {workspace}: {exc}") from exc
    return target


def _remove_old_copies(workspace: Path, in_use: str | None) -> None:
    keep = Path(in_use).resolve() if in_use else None
    for old in workspace.glob(f"{DEMO_STEM}*{PROJECT_SUFFIX}"):
        if old.resolve() != keep:
            shutil.rmtree(old, ignore_errors=True)


def is_demo_path(path: str | Path, workspace: Path | None = None) -> bool:
    """True when `path` is the working copy of the demo (saving it in place would be lost)."""
    workspace = (workspace or demo_workspace()).resolve()
    try:
        return Path(path).resolve().is_relative_to(workspace)
    except OSError:
        return False
