"""The main window's project commands: new, open, demo, save, save as, export, and the
unsaved-changes question asked before anything would be lost.

It tracks the open project, its unsaved state and the training state from AppState, and only
ever emits AppState requests; the main window reads `project`, `dirty` and `training_state`.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget

from models.errors import LatentiaError
from models.project_files import MODEL_SUFFIX, is_project_path
from studio.contract.app_state import AppState
from studio.contract.project_records import ErrorRecord, ProjectInfo, TrainingState
from studio.demo import prepare_demo_copy
from studio.settings import Settings
from studio.window.dialogs import (
    ErrorDialog,
    FileDialogs,
    UnsavedChangesDialog,
)
from studio.window.new_project_dialog import NewProjectDialog


class ProjectCommands(QObject):
    sig_new_project_requested = Signal()
    """A new project is being created: the window shows the Train panel."""

    def __init__(self, state: AppState, settings: Settings, window: QWidget) -> None:
        super().__init__(window)
        self._state = state
        self._settings = settings
        self._window = window
        self.project: ProjectInfo | None = state.project
        self.dirty = False
        self.training_state = state.training_state
        state.sig_project_changed.connect(self._on_project_changed)
        state.sig_project_dirty.connect(self._on_project_dirty)
        state.sig_training_state.connect(self._on_training_state)

    @property
    def is_model_file(self) -> bool:
        return self.project is not None and self.project.is_model_file

    # --- opening ------------------------------------------------------------------------------
    def open_path(self, path: str) -> None:
        """Open a project or model file, or start a new project from a folder of images."""
        target = Path(path).expanduser()
        if target.exists() and is_project_path(target):
            if self.confirm_discard():
                self._state.sig_request_open_project.emit(str(target))
        elif target.is_dir():
            self.start_new_project(str(target))
        else:
            ErrorDialog.ask(self._window, ErrorRecord(
                "Cannot open this", f"{target} is neither a Latentia project nor a folder of "
                "images."))

    def start_new_project(self, folder: str) -> None:
        if not self.confirm_discard():
            return
        choice = NewProjectDialog.ask(self._window, folder, self._settings)
        if choice is not None:
            self.sig_new_project_requested.emit()
            self._state.sig_request_new_project.emit(choice.folder, choice.project_path,
                                                     choice.config)

    def new_project(self) -> None:
        start = self._settings.get("recent/folder") or str(Path.home())
        folder = FileDialogs.image_folder(self._window, start)
        if folder:
            self._settings.set("recent/folder", str(Path(folder).parent))
            self.start_new_project(folder)

    def open_project(self) -> None:
        path = FileDialogs.open_project(self._window, self._settings.projects_folder())
        if path:
            self.open_path(path)

    def try_demo(self) -> None:
        if not self.confirm_discard():
            return
        in_use = self.project.path if self.project is not None else None
        try:
            copy = prepare_demo_copy(in_use=in_use)
        except LatentiaError as exc:
            ErrorDialog.ask(self._window, ErrorRecord("Cannot open the demo", str(exc)))
            return
        self._state.sig_request_open_project.emit(str(copy))

    # --- saving -------------------------------------------------------------------------------
    def save(self) -> bool:
        """Save in place; the demo copy and exported models go through "Save as"."""
        if self.project is None:
            return False
        if self.project.is_demo or self.is_model_file:
            return self.save_as()
        self._state.sig_request_save.emit("")
        return True

    def save_as(self) -> bool:
        if self.project is None:
            return False
        suggested = str(Path(self._settings.projects_folder()) / self.project.name)
        path = FileDialogs.save_project_as(self._window, suggested)
        if path:
            self._state.sig_request_save.emit(path)
        return bool(path)

    def export_model(self) -> None:
        if self.project is None:
            return
        suggested = str(Path(self._settings.projects_folder()) / self.project.name)
        path = FileDialogs.export_model(self._window, suggested + MODEL_SUFFIX)
        if path:
            self._state.sig_request_export_model.emit(path)

    def confirm_discard(self) -> bool:
        """Ask about unsaved changes before they would be lost; False means "don't"."""
        project = self.project
        if not self.dirty or project is None:
            return True
        if self.training_state.busy and not project.is_demo:
            return True  # the run is stopped with a checkpoint, and the project autosaves
        answer = UnsavedChangesDialog.ask(self._window, project.name)
        if answer == UnsavedChangesDialog.SAVE:
            return self.save()
        return answer == UnsavedChangesDialog.DISCARD

    # --- state --------------------------------------------------------------------------------
    def _on_project_changed(self, info: ProjectInfo | None) -> None:
        self.project = info
        if info is not None and not info.is_demo:
            self._settings.add_recent_project(info.path)

    def _on_project_dirty(self, dirty: bool) -> None:
        self.dirty = dirty

    def _on_training_state(self, training_state: str) -> None:
        self.training_state = TrainingState(training_state)
