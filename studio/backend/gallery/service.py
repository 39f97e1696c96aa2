"""The Gallery's service in the worker thread: the open project's `models.gallery.Gallery`.

Created by BackendWorker as its child (so it lives in the worker thread) and told about every
project change with `on_project`. Requests arrive from `AppState.gallery` (studio/gallery_state)
as queued calls; every change is written at once by `models.gallery`, filed in the undo history
under a token, and followed by a fresh GalleryListing. Long jobs (export, regenerate, remix) are
in `studio.backend.gallery.jobs.GalleryJobs`.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QObject, QTimer, Slot

from models.errors import LatentiaError, ProjectError
from studio.backend.gallery.history import EditHistory
from studio.backend.gallery.jobs import GalleryJobs, JobRunner
from studio.contract.app_state import AppState
from studio.contract.gallery_state import GalleryChange, GalleryChangeDone, GalleryListing
from studio.contract.records import GalleryAddRequest

if TYPE_CHECKING:  # these import torch: the worker thread loads them on first use
    from models.gallery import Gallery, GalleryEdit

log = logging.getLogger(__name__)

ProjectProvider = Callable[[], Any]
Reporter = Callable[[BaseException, str], None]


def _quoted(name: str) -> str:
    return f"“{name}”"


class GalleryService(QObject):
    def __init__(self, state: AppState, project_provider: ProjectProvider, run_job: JobRunner,
                 report: Reporter, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._signals = state.gallery
        self._project_of = project_provider
        self._report = report
        self._gallery: Gallery | None = None
        self._project_path = ""
        self._failed_path: str | None = None  # project whose unreadable gallery was reported
        self._model_id = ""
        self._frames: dict[str, np.ndarray] = {}  # item id -> cached frames, read-only
        self._sources: dict[str, np.ndarray | None] = {}  # item id -> source images
        self.history = EditHistory()
        self._wanted = False  # a panel asked for listings: keep it up to date
        self._refresh_queued = False
        self.jobs = GalleryJobs(self, state, run_job, parent=self)
        s = self._signals
        s.sig_request_listing.connect(self._on_request_listing)
        s.sig_request_add.connect(self._on_add)
        s.sig_request_change.connect(self._on_change)
        s.sig_request_undo.connect(self._on_undo)
        s.sig_request_redo.connect(self._on_redo)

    # --- the open project ---------------------------------------------------------------------
    def on_project(self, project: Any) -> None:
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
        project = self._project_of()
        try:
            self._model_id = "" if project is None else self.model_id(project)
            self.publish()
        except LatentiaError as exc:  # e.g. a damaged index: say so where the items would be
            self._signals.sig_listing.emit(GalleryListing(
                project_path=self._project_path,
                unavailable=f"This project's gallery cannot be read: {exc}"))
            if self._failed_path != self._project_path:  # one dialog per project, not per look
                self._failed_path = self._project_path
                self._report(exc, "opening the gallery")

    def _open(self, project: Any) -> None:
        if str(project.path) != self._project_path:
            self._forget(str(project.path))
        if getattr(project, "read_only", False):
            raise ProjectError("an exported model file has no gallery; open the project it "
                               "was exported from to save and export images")
        from models.gallery import Gallery

        self._gallery = Gallery.open(project.path)

    def project(self) -> Any:
        """The open project (None when none is open)."""
        return self._project_of()

    def require(self) -> tuple[Gallery, Any]:
        """(gallery, project), opening the gallery on first use; a ProjectError says why not."""
        project = self._project_of()
        if project is None:
            raise ProjectError("no project is open; open or create one first")
        if self._gallery is None or str(project.path) != self._project_path:
            self._open(project)
        return self._gallery, project

    def model_id(self, project: Any) -> str:
        """The project's model now (training may have written a newer checkpoint)."""
        from studio.backend.gallery.items import model_id_of

        self._model_id = model_id_of(project)
        return self._model_id

    def frames(self, item_id: str) -> np.ndarray:
        """The cached frames of an item, uint8 (n, S, S, C), read-only."""
        if item_id not in self._frames:
            self._frames[item_id] = self.require()[0].frames(item_id)
        return self._frames[item_id]

    # --- listing ------------------------------------------------------------------------------
    def publish(self) -> None:
        self._signals.sig_listing.emit(self._listing())

    def _listing(self) -> GalleryListing:
        from studio.backend.gallery.items import item_view, source_images

        project = self._project_of()
        if project is None:
            return GalleryListing(unavailable="No project is open.")
        if getattr(project, "read_only", False):
            return GalleryListing(project_path=self._project_path, unavailable=(
                "An exported model file has no gallery. Open the project it was exported from "
                "to save and export images."))
        gallery = self.require()[0]
        views, problems = [], list(gallery.problems)
        for item in gallery.items:
            try:
                frames = self.frames(item.id)
            except ProjectError as exc:
                problems.append(str(exc))
                continue
            if item.id not in self._sources:
                self._sources[item.id] = source_images(project, item.source)
            views.append(item_view(item, frames, self._model_id, self._sources[item.id]))
        alive = {item.id for item in gallery.items}
        for cache in (self._frames, self._sources):
            for stale in set(cache) - alive:
                del cache[stale]
        return GalleryListing(project_path=self._project_path, model_id=self._model_id,
                              image_size=int(project.image_size), items=tuple(views),
                              problems=tuple(problems))

    # --- changes ------------------------------------------------------------------------------
    def report(self, exc: BaseException, doing: str) -> None:
        """Show `exc` (raised while `doing`) in the error dialog."""
        self._report(exc, doing)

    @contextlib.contextmanager
    def guarded(self, doing: str) -> Iterator[None]:
        """No exception leaves a slot: it becomes an error dialog."""
        try:
            yield
        except Exception as exc:
            self._report(exc, doing)

    def commit(self, edits: list[GalleryEdit], label: str, item_ids: tuple[str, ...]) -> None:
        """File `edits` as one undoable step and show the new gallery."""
        if not edits:
            return
        self._forget_rendered(edits)
        token = self.history.record(edits)
        self.publish()
        self._signals.sig_change_done.emit(GalleryChangeDone(token, label, item_ids))

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
        from models.gallery import render_latents
        from studio.backend.gallery.items import item_from_request

        with self.guarded("adding to the gallery"):
            gallery, project = self.require()
            item = item_from_request(project, request, self.model_id(project))
            frames = np.asarray(request.images)
            size = int(project.image_size)
            if frames.shape[:3] != (item.frame_count, size, size):
                frames = render_latents(project, item.latents)  # not as shown: draw them again
            self.apply_all([lambda: gallery.add(item, frames)], f"Add {_quoted(item.name)}",
                           (item.id,))

    @Slot(object)
    def _on_change(self, change: GalleryChange) -> None:
        with self.guarded("changing the gallery"):
            gallery = self.require()[0]
            if change.action == "rename":
                self._rename(gallery, change.item_ids[0], change.name)
            elif change.action == "delete":
                self._delete(gallery, change.item_ids)
            elif change.action == "reorder":
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
        with self.guarded("undoing a gallery change" if undo else "redoing a gallery change"):
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
