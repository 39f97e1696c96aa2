"""What Latentia's files are called and how to tell them apart (no torch: the app's dialogs and
drop handling read these before the backend loads).

    NAME.latentia/          a project folder (see models/project.py for what it holds)
        project.json
    NAME.latentia-model     an exported single-file model (see models/model_file.py)
"""

from __future__ import annotations

from pathlib import Path

PROJECT_SUFFIX = ".latentia"
MODEL_SUFFIX = ".latentia-model"
PROJECT_FILE = "project.json"


def is_project_path(path: str | Path) -> bool:
    """A project folder or an exported model file (as opposed to a folder of images)."""
    path = Path(path)
    if path.is_file():
        return path.suffix == MODEL_SUFFIX
    return path.suffix == PROJECT_SUFFIX or (path / PROJECT_FILE).is_file()


def is_model_file_path(path: str | Path) -> bool:
    """True for the path of an exported single-file model (it has no images, cannot train)."""
    return str(path).endswith(MODEL_SUFFIX)


def with_suffix(path: str, suffix: str) -> str:
    """`path`, ending in `suffix` (added when a file dialog left it out)."""
    return path if path.endswith(suffix) else path + suffix


def free_project_path(folder: str | Path, stem: str) -> Path:
    """`folder/stem.latentia`, numbered ("stem 2.latentia", ...) when that exists."""
    candidate = Path(folder) / f"{stem}{PROJECT_SUFFIX}"
    number = 2
    while candidate.exists():
        candidate = Path(folder) / f"{stem} {number}{PROJECT_SUFFIX}"
        number += 1
    return candidate
