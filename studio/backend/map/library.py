"""Saved paths and attribute directions of the open project, for the map service (worker
thread). Each request is answered with the updated list of names; errors become messages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Slot

from models.errors import LatentiaError
from studio.contract.map_state import MapState, PathRecord

Serve = Callable[[str, Callable[[], None]], None]  # (what is being done, the work)


def has_images(project: Any) -> bool:
    """A project folder with training images (not an exported model, nor a stand-in backend
    without images): the only kind that has a map, paths and directions."""
    return project is not None and not project.read_only and hasattr(project, "images")


class MapLibrary(QObject):
    def __init__(self, map_state: MapState, project: Callable[[], Any],
                 latent_map: Callable[[], Any], serve: Serve,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._map_state = map_state
        self._project = project
        self._latent_map = latent_map
        self._serve = serve
        m = map_state
        m.sig_request_save_path.connect(self._on_save_path)
        m.sig_request_list_paths.connect(self._on_list_paths)
        m.sig_request_load_path.connect(self._on_load_path)
        m.sig_request_rename_path.connect(self._on_rename_path)
        m.sig_request_delete_path.connect(self._on_delete_path)
        m.sig_request_save_direction.connect(self._on_save_direction)
        m.sig_request_delete_direction.connect(self._on_delete_direction)
        m.sig_request_list_directions.connect(self._on_list_directions)

    def _require_map(self) -> Any:
        latent_map = self._latent_map()
        if latent_map is None:
            raise LatentiaError("the map is not ready yet; wait until it is built")
        return latent_map

    def publish(self, available: bool) -> None:
        """The saved paths and directions of a newly opened project (none without one)."""
        if not available:
            self._map_state.sig_paths.emit(())
            self._map_state.sig_directions.emit(())
            return
        self._on_list_paths()
        self._on_list_directions()

    # --- saved paths ----------------------------------------------------------------------------
    @Slot(object)
    def _on_save_path(self, record: PathRecord) -> None:
        from studio.backend.map.requests import save_path

        self._serve("saving the path", lambda: self._map_state.sig_paths.emit(
            save_path(self._project_or_fail(), record)))

    @Slot()
    def _on_list_paths(self) -> None:
        from models.latent_map import list_paths

        self._serve("listing the saved paths", lambda: self._map_state.sig_paths.emit(
            list_paths(self._project_or_fail())))

    @Slot(str)
    def _on_load_path(self, name: str) -> None:
        from studio.backend.map.requests import load_path

        self._serve("opening the path", lambda: self._map_state.sig_path_loaded.emit(
            load_path(self._project_or_fail(), self._latent_map(), name)))

    @Slot(str, str)
    def _on_rename_path(self, old: str, new: str) -> None:
        from models.latent_map import list_paths, rename_project_path

        def answer() -> None:
            project = self._project_or_fail()
            rename_project_path(project, old, new)
            self._map_state.sig_paths.emit(list_paths(project))

        self._serve("renaming the path", answer)

    @Slot(str)
    def _on_delete_path(self, name: str) -> None:
        from models.latent_map import delete_project_path, list_paths

        def answer() -> None:
            project = self._project_or_fail()
            delete_project_path(project, name)
            self._map_state.sig_paths.emit(list_paths(project))

        self._serve("deleting the path", answer)

    # --- attribute directions -----------------------------------------------------------------
    @Slot(object)
    def _on_save_direction(self, request: Any) -> None:
        from studio.backend.map.requests import save_direction

        self._serve("saving the direction", lambda: self._map_state.sig_directions.emit(
            save_direction(self._project_or_fail(), self._require_map(), request)))

    @Slot(str)
    def _on_delete_direction(self, name: str) -> None:
        from models.latent_map import delete_direction

        self._serve("deleting the direction", lambda: self._map_state.sig_directions.emit(
            delete_direction(self._project_or_fail(), name).names))

    @Slot()
    def _on_list_directions(self) -> None:
        from studio.backend.map.requests import direction_names

        self._serve("listing the directions", lambda: self._map_state.sig_directions.emit(
            direction_names(self._project_or_fail())))

    def _project_or_fail(self) -> Any:
        project = self._project()
        if project is None:
            raise LatentiaError("no project is open")
        return project
