"""The Gallery's long jobs in the worker thread: export, regenerate, remix; plus GIF estimates.

`models.gallery` and the writers (torch, Pillow, scipy) are imported in the slots, in the
worker thread, so building the worker at start-up loads none of them. Each long job runs
through BackendWorker's job runner, so it reports progress, can be cancelled and turns a
failure into the error dialog; the writers and `regenerate` leave nothing half-done.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject, Slot

from models.errors import LatentiaError
from models.records import frozen_array
from studio.backend.jobs import Job
from studio.backend.pacing import LatestOnly
from studio.backend.seams import WorkerHost, WorkerProject
from studio.contract.app_state import AppState
from studio.contract.gallery_records import (
    ExportConfirmation,
    ExportDone,
    GalleryExportRequest,
    GifEstimate,
    RegenerateRequest,
    RemixRecord,
)
from studio.contract.project_records import JobKind

if TYPE_CHECKING:
    from models.gallery.item import GalleryItem
    from studio.backend.gallery.service import GalleryService

log = logging.getLogger(__name__)

DEFAULT_MAP_METHOD = "pca"  # the Map panel's default; any map places new codes (transform)
NEAREST_COUNT = 6


class GalleryJobs(QObject):
    def __init__(self, service: GalleryService, state: AppState, host: WorkerHost,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._service = service
        self._signals = state.gallery
        self._host = host
        self._estimates = LatestOnly(self._serve_estimate)  # a newer question replaces one
        s = self._signals
        s.sig_request_capabilities.connect(self._on_capabilities)
        s.sig_request_export.connect(self._on_export)
        s.sig_request_gif_estimate.connect(self._estimates.put)
        s.sig_request_regenerate.connect(self._on_regenerate)
        s.sig_request_remix.connect(self._on_remix)

    @Slot()
    def _on_capabilities(self) -> None:
        with self._host.guarded("checking the export formats"):
            from studio.backend.gallery.export import capabilities

            self._signals.sig_capabilities_reported.emit(capabilities())

    # --- export -------------------------------------------------------------------------------
    @Slot(object)
    def _on_export(self, request: GalleryExportRequest) -> None:
        from models.gallery.recipes import item_provenance
        from studio.backend.gallery.export import (
            check_request,
            existing_targets,
            write_export,
            written_size,
        )

        try:
            check_request(request)  # bad settings fail here, before a job starts
            existing = () if request.overwrite else existing_targets(request)
        except LatentiaError as exc:
            self._host.report(exc, "exporting")
            return
        if existing:  # ask first; nothing is written
            self._signals.sig_export_confirm.emit(ExportConfirmation(request, existing))
            return

        def work(job: Job) -> None:
            gallery, _project = self._service.require()
            item = gallery.get(request.item_id)
            path = write_export(request, self._service.frames(item.id), item_provenance(item),
                                progress=job.counted_progress(self._host.emit_progress,
                                                              "steps"),
                                should_stop=job.should_stop)
            self._signals.sig_export_done.emit(ExportDone(request, str(path), written_size(path)))

        name = Path(request.path).name
        self._host.run_job(JobKind.GALLERY_EXPORT, f"Exporting {name}", f"exporting {name}",
                           work)

    def _serve_estimate(self, request: GalleryExportRequest) -> None:
        from studio.backend.gallery.export import estimate_gif

        try:
            size, shown = estimate_gif(request, self._service.frames(request.item_id))
        except LatentiaError as exc:  # the dialog checks settings itself; no dialog for this
            log.info("no GIF estimate: %s", exc)
            return
        self._signals.sig_gif_estimate.emit(GifEstimate(request, size, shown))

    # --- regenerate ---------------------------------------------------------------------------
    @Slot(object)
    def _on_regenerate(self, request: RegenerateRequest) -> None:
        from models.gallery.render import regenerate

        def work(job: Job) -> None:
            gallery, project = self._service.require()
            items = [gallery.get(item_id) for item_id in request.item_ids]
            model_id = self._service.model_id(project)
            report = job.counted_progress(self._host.emit_progress, "frames")
            total, done = sum(item.frame_count for item in items), [0]

            def render(item: GalleryItem) -> object:
                frames = regenerate(project, item, request.image_size,
                                    progress=lambda d, _t: report(done[0] + d, total),
                                    should_stop=job.should_stop)
                done[0] += item.frame_count
                return gallery.render(item.id, frames, model_id)

            label = (f"Regenerate “{items[0].name}”" if len(items) == 1
                     else f"Regenerate {len(items)} items")
            self._service.apply_all([lambda i=item: render(i) for item in items], label,
                                    request.item_ids)

        count = len(request.item_ids)
        label = f"Regenerating {count} gallery item{'s' if count != 1 else ''}"
        self._host.run_job(JobKind.GALLERY_REGENERATE, label, "regenerating gallery items",
                           work)

    # --- remix --------------------------------------------------------------------------------
    @Slot(str, str)
    def _on_remix(self, path: str, map_method: str) -> None:
        from models.gallery.remix import locate_remix
        from models.gallery.render import render_latents
        from models.latent_map.maths.projection import PROJECTION_METHODS

        def work(job: Job) -> None:
            project = self._host.project
            if project is None:
                raise LatentiaError("open a project first: a dropped image is found among the "
                                    "codes of the project's model")
            match = locate_remix(project, path)
            images = render_latents(project, match.latents, should_stop=job.should_stop)
            record = RemixRecord(latents=match.latents, origin=match.origin, note=match.note,
                                 path=path, matches_model=match.matches_model,
                                 images=frozen_array(images))
            method = map_method if map_method in PROJECTION_METHODS else DEFAULT_MAP_METHOD
            self._signals.sig_remix_located.emit(self._placed(record, project, method, job))

        name = Path(path).name
        self._host.run_job(JobKind.GALLERY_REMIX, f"Finding {name} on the map",
                           f"finding {name}", work)

    def _placed(self, record: RemixRecord, project: WorkerProject, method: str,
                job: Job) -> RemixRecord:
        """`record` with its place on the map and the project's images nearest to it."""
        if getattr(project, "cache", None) is None:
            note = "; ".join(filter(None, [record.note, "an exported model has no images to "
                                                        "compare it with"]))
            return replace(record, note=note)
        from models.latent_map.decoding import nearest_images
        from models.latent_map.maps import project_map

        latent_map = project_map(project, method=method,
                                 progress=job.progress(self._host.emit_progress),
                                 should_stop=job.should_stop)
        count = min(NEAREST_COUNT, len(latent_map.points))
        matches = nearest_images(latent_map, record.latents[:1], k=count)
        rows = np.asarray(matches.indices[0], np.int64)
        entries = project.cache.entries
        return replace(
            record, map_method=latent_map.method,
            map_points=frozen_array(latent_map.projection.transform(record.latents), np.float32),
            nearest_indices=frozen_array(rows), nearest_paths=tuple(entries[i].path for i in rows),
            nearest_images=frozen_array(np.stack([project.images()[i] for i in rows])),
            nearest_distances=frozen_array(np.asarray(matches.distances[0], np.float32)))

