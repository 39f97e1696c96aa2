"""The Gallery's service in the worker thread: the open project's `models.gallery.Gallery`.

Created by BackendWorker as its child (so it lives in the worker thread) and told about every
project change with `on_project`. Requests arrive from `AppState.gallery` as queued calls;
every change is written at once by `models.gallery`, filed in the undo history under a token,
and followed by a fresh GalleryListing. Items travel as `models.gallery.item.GalleryItem`
records themselves; the Canvas's requests only lack what the worker knows (the images' paths,
an attribute's direction), filled in here. Long jobs (export, regenerate, remix) are in
`studio.backend.gallery.jobs`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject, QTimer, Slot

from models.errors import LatentiaError, ProjectError
from models.gallery.item import GalleryItem, GallerySource
from models.records import frozen_array
from studio.backend.gallery.history import EditHistory
from studio.backend.gallery.jobs import GalleryJobs
from studio.backend.seams import WorkerHost, WorkerProject
from studio.contract.app_state import AppState
from studio.contract.gallery_records import (
    GalleryAction,
    GalleryAddRequest,
    GalleryChange,
    GalleryChangeDone,
    GalleryListing,
    ListedItem,
)

if TYPE_CHECKING:  # these import torch: the worker thread loads them on first use
    from models.gallery import Gallery, GalleryEdit

log = logging.getLogger(__name__)


def _quoted(name: str) -> str:
    return f"“{name}”"


class GalleryService(QObject):
    def __init__(self, state: AppState, host: WorkerHost, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._signals = state.gallery
        self._host = host
        self._gallery: Gallery | None = None
        self._project_path = ""
        self._failed_path: str | None = None  # project whose unreadable gallery was reported
        self._model_id = ""
        self._frames: dict[str, np.ndarray] = {}  # item id -> cached frames, read-only
        self._sources: dict[str, np.ndarray | None] = {}  # item id -> source images
        self.history = EditHistory()
        self._wanted = False  # a panel asked for listings: keep it up to date
        self._refresh_queued = False
        self.jobs = GalleryJobs(self, state, host, parent=self)
        s = self._signals
        s.sig_request_listing.connect(self._on_request_listing)
        s.sig_request_add.connect(self._on_add)
        s.sig_request_change.connect(self._on_change)
        s.sig_request_undo.connect(self._on_undo)
        s.sig_request_redo.connect(self._on_redo)

    # --- the open project ---------------------------------------------------------------------
    def on_project(self, project: WorkerProject | None) -> None:
        """The worker adopted, saved elsewhere or retrained `project` (None when closed).

        Cheap: the gallery (and `models.gallery`, which imports torch) is opened on first use,
        and the listing refreshed after the current request, so opening a project is not slowed.
        """
        path = "" if project is None else str(project.path)
        if path != self._project_path:
            self._forget(path)
        if self._wanted and not self._refresh_queued:
            self._refresh_queued = True
            QTimer.singleShot(0, self._refresh)

    def _forget(self, path: str) -> None:
        """Another project: its gallery is opened again when needed, its undo steps are gone."""
        self._project_path, self._gallery, self._model_id = path, None, ""
        self._failed_path = None
        self._frames.clear()
        self._sources.clear()
        self.history.clear()
        self._signals.sig_history_reset.emit()

    @Slot()
    def _on_request_listing(self) -> None:
        self._wanted = True
        self._refresh()

    def _refresh(self) -> None:
        self._refresh_queued = False
        project = self._host.project
        try:
            self._model_id = "" if project is None else self.model_id(project)
            self.publish()
        except LatentiaError as exc:  # e.g. a damaged index: say so where the items would be
            self._signals.sig_listing_reported.emit(GalleryListing(
                project_path=self._project_path,
                unavailable=f"This project's gallery cannot be read: {exc}"))
            if self._failed_path != self._project_path:  # one dialog per project, not per look
                self._failed_path = self._project_path
                self._host.report(exc, "opening the gallery")

    def _open(self, project: WorkerProject) -> None:
        if str(project.path) != self._project_path:
            self._forget(str(project.path))
        if project.read_only:
            raise ProjectError("an exported model file has no gallery; open the project it "
                               "was exported from to save and export images")
        from models.gallery.store import Gallery

        self._gallery = Gallery.open(project.path)

    def require(self) -> tuple[Gallery, WorkerProject]:
        """(gallery, project), opening the gallery on first use; a ProjectError says why not."""
        project = self._host.project
        if project is None:
            raise ProjectError("no project is open; open or create one first")
        if self._gallery is None or str(project.path) != self._project_path:
            self._open(project)
        return self._gallery, project

    def model_id(self, project: WorkerProject) -> str:
        """The project's model now (training may have written a newer checkpoint); "" when it
        has no trained model yet (or, like the tests' stand-in backend, no model at all)."""
        try:
            self._model_id = str(project.model_id)
        except (LatentiaError, AttributeError):
            self._model_id = ""
        return self._model_id

    def frames(self, item_id: str) -> np.ndarray:
        """The cached frames of an item, uint8 (n, S, S, C), read-only."""
        if item_id not in self._frames:
            self._frames[item_id] = self.require()[0].frames(item_id)
        return self._frames[item_id]

    # --- listing ------------------------------------------------------------------------------
    def publish(self) -> None:
        self._signals.sig_listing_reported.emit(self._listing())

    def _listing(self) -> GalleryListing:
        project = self._host.project
        if project is None:
            return GalleryListing(unavailable="No project is open.")
        if project.read_only:
            return GalleryListing(project_path=self._project_path, unavailable=(
                "An exported model file has no gallery. Open the project it was exported from "
                "to save and export images."))
        gallery = self.require()[0]
        listed, problems = [], list(gallery.problems)
        for item in gallery.items:
            try:
                frames = self.frames(item.id)
            except ProjectError as exc:
                problems.append(str(exc))
                continue
            if item.id not in self._sources:
                self._sources[item.id] = source_images(project, item.source)
            listed.append(ListedItem(item, frames, bool(self._model_id)
                                     and item.model_id == self._model_id,
                                     self._sources[item.id]))
        alive = {item.id for item in gallery.items}
        for cache in (self._frames, self._sources):
            for stale in set(cache) - alive:
                del cache[stale]
        return GalleryListing(project_path=self._project_path, model_id=self._model_id,
                              image_size=int(project.image_size), items=tuple(listed),
                              problems=tuple(problems))

    # --- changes ------------------------------------------------------------------------------
    def commit(self, edits: list[GalleryEdit], label: str, item_ids: tuple[str, ...]) -> None:
        """File `edits` as one undoable step and show the new gallery."""
        if not edits:
            return
        self._forget_rendered(edits)
        token = self.history.record(edits)
        self._signals.sig_change_reported.emit(self._listing(),
                                               GalleryChangeDone(token, label, item_ids))

    def apply_all(self, steps: list[Callable[[], GalleryEdit]], label: str,
                  item_ids: tuple[str, ...]) -> None:
        """Run the steps of one action; those done before a failure are still one undo step."""
        edits: list[GalleryEdit] = []
        try:
            for step in steps:
                edits.append(step())
        finally:
            self.commit(edits, label, item_ids)

    def _forget_rendered(self, edits: list[GalleryEdit]) -> None:
        for edit in edits:
            if edit.action == "render":
                self._frames.pop(edit.item.id, None)

    @Slot(object)
    def _on_add(self, request: GalleryAddRequest) -> None:
        from models.gallery.render import render_latents

        with self._host.guarded("adding to the gallery"):
            gallery, project = self.require()
            item = GalleryItem.create(request.name, request.latents,
                                      completed_source(project, request.source),
                                      self.model_id(project), request.settings)
            frames = np.asarray(request.images)
            size = int(project.image_size)
            if frames.shape[:3] != (item.frame_count, size, size):
                frames = render_latents(project, item.latents)  # not as shown: draw them again
            self.apply_all([lambda: gallery.add(item, frames)], f"Add {_quoted(item.name)}",
                           (item.id,))

    @Slot(object)
    def _on_change(self, change: GalleryChange) -> None:
        with self._host.guarded("changing the gallery"):
            gallery = self.require()[0]
            if change.action == GalleryAction.RENAME:
                self._rename(gallery, change.item_ids[0], change.name)
            elif change.action == GalleryAction.DELETE:
                self._delete(gallery, change.item_ids)
            elif change.action == GalleryAction.REORDER:
                self._reorder(gallery, change.item_ids)
            else:
                raise LatentiaError(f"unknown gallery change {change.action!r}")

    def _rename(self, gallery: Gallery, item_id: str, name: str) -> None:
        old = gallery.get(item_id).name
        if name.strip() == old:
            return
        self.apply_all([lambda: gallery.rename(item_id, name)], f"Rename {_quoted(old)}",
                       (item_id,))

    def _delete(self, gallery: Gallery, item_ids: tuple[str, ...]) -> None:
        names = [gallery.get(item_id).name for item_id in item_ids]
        label = (f"Delete {_quoted(names[0])}" if len(names) == 1
                 else f"Delete {len(names)} items")
        self.apply_all([lambda i=item_id: gallery.remove(i) for item_id in item_ids], label, ())

    def _reorder(self, gallery: Gallery, order: tuple[str, ...]) -> None:
        current = [item.id for item in gallery.items]
        if sorted(order) != sorted(current):
            raise LatentiaError("the gallery changed while you were moving items; try again")
        # Put each position right in turn: one move per misplaced item, each undoable.
        steps, simulated = [], list(current)
        for position, item_id in enumerate(order):
            if simulated[position] != item_id:
                simulated.remove(item_id)
                simulated.insert(position, item_id)
                steps.append(lambda i=item_id, p=position: gallery.move(i, p))
        self.apply_all(steps, "Reorder items", ())

    @Slot(int)
    def _on_undo(self, token: int) -> None:
        self._revert(token, undo=True)

    @Slot(int)
    def _on_redo(self, token: int) -> None:
        self._revert(token, undo=False)

    def _revert(self, token: int, undo: bool) -> None:
        with self._host.guarded("undoing a gallery change" if undo
                                else "redoing a gallery change"):
            gallery = self.require()[0]
            try:
                edits = self.history.revert(gallery, token, undo)
            except Exception:
                # The gallery on disk is right, but the steps may no longer fit it.
                self.history.clear()
                self._signals.sig_history_reset.emit()
                self.publish()
                raise
            self._forget_rendered(edits)
            self.publish()


def completed_source(project: WorkerProject, source: GallerySource) -> GallerySource:
    """`source` as the Canvas sent it, with what only the worker knows: the relative paths of
    the training images it names, and the vector of the attribute direction it applied."""
    cache = getattr(project, "cache", None)
    entries = cache.entries if cache is not None else ()
    paths = tuple(entries[i].path if 0 <= i < len(entries) else ""
                  for i in source.image_indices)
    return source.replace(image_paths=paths, direction=_direction(project, source.attribute))


def _direction(project: WorkerProject, name: str) -> np.ndarray | None:
    """The saved attribute direction called `name`, so the item records what was applied."""
    if not name:
        return None
    try:
        from models.latent_map.generate import load_directions

        return np.asarray(load_directions(project)[name], dtype=np.float32)
    except LatentiaError as exc:
        log.info("attribute %r not stored with the item: %s", name, exc)
        return None


def source_images(project: WorkerProject, source: GallerySource) -> np.ndarray | None:
    """uint8 (k, S, S, C) of the source's images that can still be found, or None."""
    from models.gallery.images import find_project_image, image_pixels

    found = []
    for index, path in zip(source.image_indices, source.image_paths, strict=False):
        try:
            if index >= 0 and getattr(project, "cache", None) is not None:
                found.append(np.asarray(project.images()[index]))
            elif path:
                found.append(image_pixels(project, find_project_image(project, path)))
        except (LatentiaError, IndexError, OSError) as exc:
            log.info("source image %s of a gallery item not shown: %s", path or index, exc)
    return frozen_array(np.stack(found)) if found else None
