"""The worker side of the Map and Canvas panels: a QObject living in the backend thread.

`BackendWorker` creates one `MapService` as its child (so it moves to the worker thread with
it), tells it when a project is adopted or a training run ends, and hands it the job runner.
Requests arrive from `AppState.map` (studio.contract.map_state.MapState) as queued calls.
The backend (`models.latent_map`, which imports torch) is imported on first use, in this
thread.

Requests of the same kind coalesce: while one is being served, newer ones overwrite the
pending one, so a drag that outruns the decoder is answered with its latest position. Each
drag request also holds training back for a moment (`hold_training`), so the drag stays
fluid while a model trains; training resumes by itself once the requests stop.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, QTimer, Slot

from models.errors import LatentiaError
from models.records import frozen_array
from studio.backend.jobs import Job
from studio.backend.map.library import MapLibrary, has_images
from studio.contract.app_state import AppState
from studio.contract.map_state import (
    MapBuildRequest,
    MapOptions,
    MapStatus,
    PointsDecoded,
    PointsDecodeRequest,
)

log = logging.getLogger(__name__)

PROGRESS_INTERVAL_S = 0.05  # at most ~20 progress signals a second
RunJob = Callable[[str, str, str, Callable[[Job], None]], bool]
Report = Callable[[BaseException, str], None]


class LatestOnly:
    """Serves the newest of the requests queued for one handler, once the queue is drained."""

    def __init__(self, serve: Callable[[Any], None]) -> None:
        self._serve = serve
        self._pending: Any = None

    def put(self, request: Any) -> None:
        first = self._pending is None
        self._pending = request
        if first:
            QTimer.singleShot(0, self._run)

    def _run(self) -> None:
        request, self._pending = self._pending, None
        if request is not None:
            self._serve(request)


class MapService(QObject):
    def __init__(self, state: AppState, project: Callable[[], Any], run_job: RunJob,
                 report: Report, hold_training: Callable[[], None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self._map_state = state.map
        self._project = project
        self._run_job = run_job
        self._report = report
        self._hold_training = hold_training
        self._map: Any = None  # models.latent_map.maths.LatentMap of the open project
        self._build_request = MapBuildRequest()
        self._build_scheduled = False
        self._decodes = LatestOnly(self._serve_points)
        self._frames = LatestOnly(self._serve_frames)
        self._samples = LatestOnly(self._serve_sample)
        self._attributes = LatestOnly(self._serve_attribute)
        self.library = MapLibrary(state.map, project, lambda: self._map, self._serve, self)
        self._connect_requests()

    def _connect_requests(self) -> None:
        m = self._map_state
        m.sig_request_options.connect(self._on_options)
        m.sig_request_build.connect(self._on_build)
        m.sig_request_points_decode.connect(self._on_points_decode)
        m.sig_request_frames.connect(self._frames.put)
        m.sig_request_reconstruction.connect(self._on_reconstruction)
        m.sig_request_rename_cluster.connect(self._on_rename_cluster)
        m.sig_request_sample.connect(self._samples.put)
        m.sig_request_attribute.connect(self._attributes.put)

    # --- told by the BackendWorker ------------------------------------------------------------
    def on_project_changed(self) -> None:
        """A project was opened or created: forget the old map, build the new one if trained."""
        self._map = None
        # Keep the projection asked for last, but let the new images choose their clusters.
        self._build_request = MapBuildRequest(self._build_request.method, None)
        project = self._project()
        self.library.publish(has_images(project))
        if not self._announce_unavailable(project):
            self._schedule_build()

    def on_training_ended(self) -> None:
        """The model changed: refresh the map (its encodings depend on the weights)."""
        if not self._announce_unavailable(self._project()):
            self._schedule_build()

    def _announce_unavailable(self, project: Any) -> bool:
        """Publish why there can be no map (no project, exported model, untrained)."""
        if project is None:
            status = MapStatus("none", "Open or create a project to see its map.")
        elif not has_images(project):
            status = MapStatus("model_file", "An exported model has no images, so it has no "
                                             "map. Open its project to explore it.")
        elif project.trained_steps == 0:
            status = MapStatus("untrained", f"“{project.name}” is not trained yet. Train it on "
                                            "the Train tab; its map appears here afterwards.")
        else:
            return False
        self._map = None
        self._map_state.sig_status.emit(status)
        return True

    # --- the map --------------------------------------------------------------------------------
    @Slot()
    def _on_options(self) -> None:
        from models.latent_map.maths import PROJECTION_METHODS, umap_available

        available = umap_available()
        methods = tuple(m for m in PROJECTION_METHODS if m != "umap" or available)
        self._map_state.sig_options.emit(MapOptions(methods, available))

    @Slot(object)
    def _on_build(self, request: MapBuildRequest) -> None:
        self._build_request = request
        if not self._announce_unavailable(self._project()):
            self._schedule_build()

    def _schedule_build(self) -> None:
        # Later, not now: we may be inside another job (opening the project) or a training slice.
        if not self._build_scheduled:
            self._build_scheduled = True
            QTimer.singleShot(0, self._build)

    def _build(self) -> None:
        self._build_scheduled = False
        project = self._project()
        if self._announce_unavailable(project):
            return
        request = self._build_request
        built: list = []

        def work(job: Job) -> None:
            from studio.backend.map import map_data as build
            from studio.backend.map.requests import project_map

            self._map_state.sig_status.emit(MapStatus("building", "Building the map…",
                                                      job.job_id))
            progress = self._progress(job)
            latent_map = project_map(project, request, progress, job.should_stop)
            progress(0.95, "Preparing thumbnails")
            thumbnails = build.project_thumbnails(project, job.should_stop)
            built.append((latent_map, build.map_data(latent_map, thumbnails,
                                                     project.image_size, request.k is None)))

        label = f"Building the {request.method.upper()} map of {project.name}"
        job_ref: list[Job] = []
        done = self._run_job("map", label, "building the map", self._remember(job_ref, work))
        if done and self._project() is project:
            self._map, data = built[0]
            self._map_state.sig_map_ready.emit(data)
            self._map_state.sig_status.emit(MapStatus("ready"))
        elif not done:
            cancelled = bool(job_ref) and job_ref[0].should_stop()
            self._map_state.sig_status.emit(MapStatus(
                "cancelled" if cancelled else "failed",
                "Building the map was cancelled." if cancelled else
                "The map could not be built (see the error message)."))

    @staticmethod
    def _remember(job_ref: list, work: Callable[[Job], None]) -> Callable[[Job], None]:
        def run(job: Job) -> None:
            job_ref.append(job)
            work(job)

        return run

    def _progress(self, job: Job) -> Callable[[float, str], None]:
        emit = self._state.sig_job_progress.emit

        def progress(fraction: float, text: str) -> None:
            now = time.monotonic()
            if fraction < 1.0 and now - job.last_progress < PROGRESS_INTERVAL_S:
                return
            job.last_progress = now
            emit(job.job_id, float(fraction), text)

        return progress

    def _require_map(self) -> Any:
        if self._map is None:
            raise LatentiaError("the map is not ready yet; wait until it is built")
        return self._map

    # --- the drag loop --------------------------------------------------------------------------
    @Slot(object)
    def _on_points_decode(self, request: PointsDecodeRequest) -> None:
        self._hold_training()
        self._decodes.put(request)

    def _serve_points(self, request: PointsDecodeRequest) -> None:
        from models.latent_map import decode_points

        started = time.perf_counter()
        images = np.zeros((0, 1, 1, 3), np.uint8)
        try:
            images = decode_points(self._project(), self._require_map(), request.points)
        except Exception as exc:
            self._report(exc, "drawing the image at the cursor")
        finally:
            self._map_state.sig_points_decoded.emit(PointsDecoded(
                request.points, frozen_array(images), request.generation,
                time.perf_counter() - started))

    # --- everything else --------------------------------------------------------------------------
    def _serve(self, doing: str, answer: Callable[[], None]) -> None:
        """Run `answer`; an exception becomes an error message, never a crash of the thread."""
        try:
            answer()
        except Exception as exc:
            self._report(exc, doing)

    def _serve_frames(self, request: Any) -> None:
        from studio.backend.map.requests import render_frames

        self._hold_training()
        self._serve("drawing the animation", lambda: self._map_state.sig_frames.emit(
            render_frames(self._project(), self._require_map(), request)))

    def _serve_sample(self, request: Any) -> None:
        from studio.backend.map.requests import samples

        self._serve("drawing new images", lambda: self._map_state.sig_generated.emit(
            samples(self._project(), self._map, request)))

    def _serve_attribute(self, request: Any) -> None:
        from studio.backend.map.requests import attribute_edits

        self._serve("applying the attribute", lambda: self._map_state.sig_generated.emit(
            attribute_edits(self._project(), request)))

    @Slot(int)
    def _on_reconstruction(self, index: int) -> None:
        from studio.backend.map.requests import image_pair

        self._serve("reconstructing the image", lambda: self._map_state.sig_reconstruction.emit(
            image_pair(self._project(), self._require_map(), index)))

    @Slot(int, str)
    def _on_rename_cluster(self, index: int, name: str) -> None:
        from models.latent_map import rename_cluster

        def answer() -> None:
            latent_map = self._require_map()
            names = rename_cluster(self._project(), latent_map.method, index, name)
            self._map = latent_map.with_cluster_names(names)
            self._map_state.sig_cluster_names.emit(tuple(names))

        self._serve("renaming the cluster", answer)
