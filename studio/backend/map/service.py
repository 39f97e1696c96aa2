"""The worker side of the Map and Canvas panels: a QObject living in the backend thread.

`BackendWorker` creates one `MapService` as its child (so it moves to the worker thread with
it), tells it when a project is adopted or a training run ends, and is its `WorkerHost` (the
open project, the job runner, error reports). Requests arrive from `AppState.map` and
`AppState.canvas` as queued calls; `models.latent_map` (which imports torch) is imported on
first use, in this thread.

Requests of the same kind coalesce (`LatestOnly`): a drag that outruns the decoder is
answered with its latest position. Each drag request also holds training back for a moment,
so the drag stays fluid while a model trains; training resumes by itself once requests stop.
"""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QObject, QTimer, Slot

from models.errors import LatentiaError
from models.records import frozen_array
from studio.backend.jobs import Job
from studio.backend.map.library import MapLibrary, has_images
from studio.backend.pacing import LatestOnly
from studio.backend.seams import WorkerHost, WorkerProject
from studio.contract.app_state import AppState
from studio.contract.canvas_records import (
    AttributeRequest,
    FramesRequest,
    LabelBlendRequest,
    LabelStripRequest,
    SampleRequest,
)
from studio.contract.map_records import (
    MapBuildRequest,
    MapData,
    MapOptions,
    MapStage,
    MapStatus,
    NameImagesRequest,
    PointsDecoded,
    PointsDecodeRequest,
)
from studio.contract.project_records import JobKind

if TYPE_CHECKING:  # imports scikit-learn: loaded in the worker thread on first use
    from models.latent_map.maths import LatentMap

log = logging.getLogger(__name__)


class MapService(QObject):
    def __init__(self, state: AppState, host: WorkerHost, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._map_state = state.map
        self._canvas = state.canvas
        self._host = host
        self.latent_map: LatentMap | None = None  # of the open project, once built
        self._build_request = MapBuildRequest()
        self._build_scheduled = False
        self._decodes = LatestOnly(self._serve_points)
        self._frames = LatestOnly(self._serve_frames)
        self._samples = LatestOnly(self._serve_sample)
        self._attributes = LatestOnly(self._serve_attribute)
        self._strips = LatestOnly(self._serve_label_strip)
        self._blends = LatestOnly(self._serve_label_blend)
        self.library = MapLibrary(state, host, self, self)
        self._connect_requests()

    def _connect_requests(self) -> None:
        m, c = self._map_state, self._canvas
        m.sig_request_options.connect(self._on_options)
        m.sig_request_build.connect(self._on_build)
        m.sig_request_points_decode.connect(self._on_points_decode)
        m.sig_request_reconstruction.connect(self._on_reconstruction)
        m.sig_request_rename_cluster.connect(self._on_rename_cluster)
        c.sig_request_frames.connect(self._frames.put)
        c.sig_request_sample.connect(self._samples.put)
        c.sig_request_attribute.connect(self._attributes.put)
        c.sig_request_label_strip.connect(self._strips.put)
        c.sig_request_label_blend.connect(self._blends.put)
        m.sig_request_name_images.connect(self._on_name_images)
        m.sig_request_labelled_copy.connect(self._on_labelled_copy)

    # --- told by the BackendWorker ------------------------------------------------------------
    def on_project_changed(self) -> None:
        """A project was opened or created: forget the old map, build the new one if trained."""
        self.latent_map = None
        # Keep the projection asked for last, but let the new images choose their clusters.
        self._build_request = MapBuildRequest(self._build_request.method, None)
        project = self._host.project
        self.library.publish(has_images(project))
        if not self._announce_unavailable(project):
            self._schedule_build()

    def on_training_ended(self) -> None:
        """The model changed: refresh the map (its encodings depend on the weights)."""
        if not self._announce_unavailable(self._host.project):
            self._schedule_build()

    def _announce_unavailable(self, project: WorkerProject | None) -> bool:
        """Publish why there can be no map (no project, exported model, untrained)."""
        if project is None:
            status = MapStatus(MapStage.NONE, "Open or create a project to see its map.")
        elif not has_images(project):
            status = MapStatus(MapStage.MODEL_FILE, "An exported model has no images, so it "
                                                    "has no map. Open its project to explore it.")
        elif project.trained_steps == 0:
            status = MapStatus(MapStage.UNTRAINED, f"“{project.name}” is not trained yet. Train "
                                                   "it on the Train tab; its map appears here "
                                                   "afterwards.")
        else:
            return False
        self.latent_map = None
        self._map_state.sig_status_reported.emit(status)
        return True

    def require_map(self) -> LatentMap:
        if self.latent_map is None:
            raise LatentiaError("the map is not ready yet; wait until it is built")
        return self.latent_map

    def require_project(self) -> WorkerProject:
        project = self._host.project
        if project is None:
            raise LatentiaError("no project is open")
        return project

    # --- the map --------------------------------------------------------------------------------
    @Slot()
    def _on_options(self) -> None:
        from models.latent_map.maths.projection import PROJECTION_METHODS, umap_available

        available = umap_available()
        methods = tuple(m for m in PROJECTION_METHODS if m != "umap" or available)
        self._map_state.sig_options_reported.emit(MapOptions(methods, available))

    @Slot(object)
    def _on_build(self, request: MapBuildRequest) -> None:
        self._build_request = request
        if not self._announce_unavailable(self._host.project):
            self._schedule_build()

    def _schedule_build(self) -> None:
        # Later, not now: we may be inside another job (opening the project) or a training slice.
        if not self._build_scheduled:
            self._build_scheduled = True
            QTimer.singleShot(0, self._build)

    def _build(self) -> None:
        self._build_scheduled = False
        project = self._host.project
        if self._announce_unavailable(project):
            return
        request = self._build_request
        built: list[tuple[LatentMap, MapData]] = []
        jobs: list[Job] = []

        def work(job: Job) -> None:
            from studio.backend.map.map_data import map_data, project_labels, project_thumbnails
            from studio.backend.map.requests import project_map

            jobs.append(job)
            self._map_state.sig_status_reported.emit(
                MapStatus(MapStage.BUILDING, "Building the map…", job.job_id))
            progress = job.progress(self._host.emit_progress)
            latent_map = project_map(project, request, progress, job.should_stop)
            progress(0.95, "Preparing thumbnails")
            thumbnails = project_thumbnails(project, job.should_stop)
            built.append((latent_map, map_data(latent_map, thumbnails, project.image_size,
                                               request.k is None, project_labels(project))))

        label = f"Building the {request.method.upper()} map of {project.name}"
        done = self._host.run_job(JobKind.MAP, label, "building the map", work)
        if done and self._host.project is project:
            self.latent_map, data = built[0]
            self._map_state.sig_map_reported.emit(data)
            self._map_state.sig_status_reported.emit(MapStatus(MapStage.READY))
        elif not done:
            cancelled = bool(jobs) and jobs[0].should_stop()
            self._map_state.sig_status_reported.emit(MapStatus(
                MapStage.CANCELLED if cancelled else MapStage.FAILED,
                "Building the map was cancelled." if cancelled else
                "The map could not be built (see the error message)."))

    # --- the drag loop --------------------------------------------------------------------------
    @Slot(object)
    def _on_points_decode(self, request: PointsDecodeRequest) -> None:
        self._host.hold_training()
        self._decodes.put(request)

    def _serve_points(self, request: PointsDecodeRequest) -> None:
        from models.latent_map.decoding import decode_points

        started = time.perf_counter()
        images = np.zeros((0, 1, 1, 3), np.uint8)
        try:
            images = decode_points(self.require_project(), self.require_map(), request.points)
        except Exception as exc:
            self._host.report(exc, "drawing the image at the cursor")
        finally:  # always answered, so the panel's live decoder sends its next point
            self._map_state.sig_points_decoded.emit(PointsDecoded(
                request.points, frozen_array(images), request.generation,
                time.perf_counter() - started))

    # --- the Canvas's requests ------------------------------------------------------------------
    def _serve_frames(self, request: FramesRequest) -> None:
        from studio.backend.map.requests import render_frames

        self._host.hold_training()
        with self._host.guarded("drawing the animation"):
            self._canvas.sig_frames.emit(
                render_frames(self.require_project(), self.require_map(), request))

    def _serve_sample(self, request: SampleRequest) -> None:
        from studio.backend.map.requests import samples

        with self._host.guarded("drawing new images"):
            self._canvas.sig_generated.emit(
                samples(self.require_project(), self.latent_map, request))

    def _serve_attribute(self, request: AttributeRequest) -> None:
        from studio.backend.map.requests import attribute_edits

        with self._host.guarded("applying the attribute"):
            self._canvas.sig_generated.emit(attribute_edits(self.require_project(), request))

    def _serve_label_strip(self, request: LabelStripRequest) -> None:
        from studio.backend.map.requests import label_strip

        self._host.hold_training()
        with self._host.guarded("drawing the image under every label"):
            self._canvas.sig_generated.emit(label_strip(self.require_project(), request))

    def _serve_label_blend(self, request: LabelBlendRequest) -> None:
        from studio.backend.map.requests import label_blend

        self._host.hold_training()
        with self._host.guarded("blending the labels"):
            self._canvas.sig_generated.emit(label_blend(self.require_project(), request))

    # --- the Map's other requests ---------------------------------------------------------------
    @Slot(object)
    def _on_name_images(self, request: NameImagesRequest) -> None:
        from studio.backend.map.requests import name_images

        with self._host.guarded("labelling the images"):
            self._map_state.sig_labels_reported.emit(
                name_images(self.require_project(), request))

    @Slot(str)
    def _on_labelled_copy(self, path: str) -> None:
        from studio.backend.map.requests import labelled_copy

        project = self._host.project
        if project is None:
            return
        made: list[str] = []

        def work(_job: Job) -> None:
            made.append(labelled_copy(project, path))

        if self._host.run_job(JobKind.SAVE, f"Making a labelled copy of {project.name}",
                              "making the labelled project", work):
            self._map_state.sig_labelled_copy_made.emit(made[0])

    @Slot(int)
    def _on_reconstruction(self, index: int) -> None:
        from studio.backend.map.requests import image_pair

        with self._host.guarded("reconstructing the image"):
            self._map_state.sig_reconstruction.emit(
                image_pair(self.require_project(), self.require_map(), index))

    @Slot(int, str)
    def _on_rename_cluster(self, index: int, name: str) -> None:
        from models.latent_map.maps import rename_cluster

        with self._host.guarded("renaming the cluster"):
            latent_map = self.require_map()
            names = rename_cluster(self.require_project(), latent_map.method, index, name)
            self.latent_map = latent_map.with_cluster_names(names)
            self._map_state.sig_cluster_names_reported.emit(tuple(names))
