"""Saved paths and attribute directions of the open project, for the map service (worker
thread). Each request is answered with the updated list of names; errors become messages."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Slot

from studio.backend.seams import WorkerHost, WorkerProject
from studio.contract.app_state import AppState
from studio.contract.canvas_records import DirectionRequest
from studio.contract.map_records import PathRecord

if TYPE_CHECKING:
    from studio.backend.map.service import MapService


def has_images(project: WorkerProject | None) -> bool:
    """A project folder with training images (not an exported model, nor a stand-in backend
    without images): the only kind that has a map, paths and directions."""
    return project is not None and not project.read_only and hasattr(project, "images")


class MapLibrary(QObject):
    def __init__(self, state: AppState, host: WorkerHost, service: MapService,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._map_state = state.map
        self._canvas = state.canvas
        self._host = host
        self._service = service  # the open project and its current map
        m, c = self._map_state, self._canvas
        m.sig_request_save_path.connect(self._on_save_path)
        m.sig_request_list_paths.connect(self._on_list_paths)
        m.sig_request_load_path.connect(self._on_load_path)
        m.sig_request_rename_path.connect(self._on_rename_path)
        m.sig_request_delete_path.connect(self._on_delete_path)
        c.sig_request_save_direction.connect(self._on_save_direction)
        c.sig_request_delete_direction.connect(self._on_delete_direction)
        c.sig_request_list_directions.connect(self._on_list_directions)

    def publish(self, available: bool) -> None:
        """The saved paths and directions of a newly opened project (none without one)."""
        if not available:
            self._map_state.sig_paths.emit(())
            self._canvas.sig_directions.emit(())
            return
        self._on_list_paths()
        self._on_list_directions()

    # --- saved paths ----------------------------------------------------------------------------
    @Slot(object)
    def _on_save_path(self, record: PathRecord) -> None:
        from studio.backend.map.requests import save_path

        with self._host.guarded("saving the path"):
            self._map_state.sig_paths.emit(save_path(self._service.require_project(), record))

    @Slot()
    def _on_list_paths(self) -> None:
        from models.latent_map.saved_paths import list_paths

        with self._host.guarded("listing the saved paths"):
            self._map_state.sig_paths.emit(list_paths(self._service.require_project()))

    @Slot(str)
    def _on_load_path(self, name: str) -> None:
        from studio.backend.map.requests import load_path

        with self._host.guarded("opening the path"):
            self._map_state.sig_path_loaded.emit(
                load_path(self._service.require_project(), self._service.latent_map, name))

    @Slot(str, str)
    def _on_rename_path(self, old: str, new: str) -> None:
        from models.latent_map.saved_paths import list_paths, rename_project_path

        with self._host.guarded("renaming the path"):
            project = self._service.require_project()
            rename_project_path(project, old, new)
            self._map_state.sig_paths.emit(list_paths(project))

    @Slot(str)
    def _on_delete_path(self, name: str) -> None:
        from models.latent_map.saved_paths import delete_project_path, list_paths

        with self._host.guarded("deleting the path"):
            project = self._service.require_project()
            delete_project_path(project, name)
            self._map_state.sig_paths.emit(list_paths(project))

    # --- attribute directions -----------------------------------------------------------------
    @Slot(object)
    def _on_save_direction(self, request: DirectionRequest) -> None:
        from studio.backend.map.requests import save_direction

        with self._host.guarded("saving the direction"):
            self._canvas.sig_directions.emit(save_direction(
                self._service.require_project(), self._service.require_map(), request))

    @Slot(str)
    def _on_delete_direction(self, name: str) -> None:
        from models.latent_map.generate import delete_direction

        with self._host.guarded("deleting the direction"):
            self._canvas.sig_directions.emit(
                delete_direction(self._service.require_project(), name).names)

    @Slot()
    def _on_list_directions(self) -> None:
        from studio.backend.map.requests import direction_names

        with self._host.guarded("listing the directions"):
            self._canvas.sig_directions.emit(direction_names(self._service.require_project()))
