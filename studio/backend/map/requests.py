"""What the map service asks of `models.latent_map`, one function per request (Qt-free).

Each takes the open project (and the current `LatentMap`) and a request record of
`studio.contract`, and returns the answering record. Imported by the worker only, so torch
stays out of the UI thread's imports.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from models.errors import LatentiaError
from models.latent_map import decoding, generate, maps, saved_paths
from models.latent_map.maths import LatentMap
from models.project import Project
from models.records import frozen_array
from studio.contract.canvas_records import (
    AttributeRequest,
    DirectionRequest,
    FramesKind,
    FramesRequest,
    FramesResult,
    GeneratedKind,
    GeneratedResult,
    LabelBlendRequest,
    LabelStripRequest,
    SampleRequest,
)
from studio.contract.map_records import (
    ImagePair,
    MapBuildRequest,
    MapLabels,
    NameImagesRequest,
    PathRecord,
)


def project_map(project: Project, request: MapBuildRequest,
                progress: Callable[[float, str], None],
                should_stop: Callable[[], bool]) -> LatentMap:
    """The project's map (from disk when up to date), reporting on 0..0.95 of the job."""
    return maps.project_map(project, method=request.method, k=request.k,
                            progress=lambda fraction, text: progress(0.95 * fraction, text),
                            should_stop=should_stop)


def render_frames(project: Project, latent_map: LatentMap, request: FramesRequest) -> FramesResult:
    """Frames along a drawn path, through keyframe latents with slerp / lerp / norm-lerp, or
    of one code between two labels."""
    if request.kind == FramesKind.BLEND:
        return _blend_frames(project, latent_map, request)
    if request.kind == FramesKind.PATH:
        if request.path is None:
            raise LatentiaError("draw a path on the map first")
        made = decoding.path_frames(project, latent_map, request.path.points, request.frames,
                                   smoothing=request.path.smoothing)
    else:
        if request.keyframes is None or len(request.keyframes) < 2:
            raise LatentiaError("choose at least two keyframe images to interpolate between")
        made = decoding.interpolate_images(project, request.keyframes, request.frames,
                                          mode=request.kind, easing=request.easing,
                                          latent_map=latent_map)
    return FramesResult(request.kind, request.generation, made.latents, made.images,
                        made.points, made.nearest)


def _blend_frames(project: Project, latent_map: LatentMap, request: FramesRequest
                  ) -> FramesResult:
    from models.transfer import blend_labels

    if request.keyframes is None or not len(request.keyframes) or request.blend is None:
        raise LatentiaError("pick an image and two labels to blend between")
    first, second = request.blend
    made = blend_labels(project, request.keyframes[0], first, second, request.frames,
                        request.easing, request.contrast)
    points = latent_map.projection.transform(made.latents)
    nearest = latent_map.nearest.query(made.latents, k=1).indices[:, 0]
    return FramesResult(request.kind, request.generation, made.latents, made.images,
                        frozen_array(points, np.float32), frozen_array(nearest, np.int64))


def label_strip(project: Project, request: LabelStripRequest) -> GeneratedResult:
    """The request's code under every label of a labelled model."""
    from models.transfer import label_strip as strip

    made = strip(project, request.code, request.contrast)
    return GeneratedResult(GeneratedKind.TRANSFER, request.generation, made.latents,
                           made.images, labels=project.label_names,
                           image_index=request.image_index)


def label_blend(project: Project, request: LabelBlendRequest) -> GeneratedResult:
    """The request's code `amount` of the way between two labels: one image."""
    from models.transfer import label_blend_code

    code = label_blend_code(project, request.code, request.first, request.second,
                            float(request.amount), request.contrast)
    images = decoding.decode_latents(project, code)
    names = project.label_names
    return GeneratedResult(GeneratedKind.BLEND, request.generation,
                           frozen_array(code[None], np.float32), frozen_array(images),
                           strengths=(float(request.amount),),
                           labels=(names[request.first], names[request.second]),
                           image_index=request.image_index)


def name_images(project: Project, request: NameImagesRequest) -> MapLabels:
    """Give images a label of the user's; returns every image's label now."""
    from models.project_labels import name_images as name

    labels = name(project, request.name, request.indices)
    return MapLabels(labels.names, frozen_array(labels.rows, np.int64))


def labelled_copy(project: Project, path: str) -> str:
    """A new project at `path` conditioned on this one's labels; returns its path."""
    from models.project_labels import labelled_copy as copy

    return str(copy(project, path).path)


def image_pair(project: Project, latent_map: LatentMap, index: int) -> ImagePair:
    """Training image `index` at full size, and its reconstruction from the mean latent."""
    count = latent_map.means.shape[0]
    if not 0 <= index < count:
        raise LatentiaError(f"there is no image {index}; the map has {count}")
    original = np.array(project.images()[index])  # (S, S, C) copied out of the memmap
    reconstruction = decoding.decode_latents(project, latent_map.means[index])[0]
    return ImagePair(index, frozen_array(original), frozen_array(reconstruction))


def samples(project: Project, latent_map: LatentMap | None, request: SampleRequest
            ) -> GeneratedResult:
    """New images from the whole model, or looking like one cluster of the map; image i is
    drawn alone with seed `request.seed + i`, so its recipe (seed, temperature) remakes it."""
    seeds = tuple(request.seed + i for i in range(request.n))
    if request.cluster is None:
        latents = np.concatenate([project.sample_latents(1, temperature=request.temperature,
                                                         seed=seed, label=request.label)
                                  for seed in seeds])  # (n, D)
        images = decoding.decode_latents(project, latents)
        kind = GeneratedKind.SAMPLE
    else:
        if latent_map is None:
            raise LatentiaError("build the map before sampling from a cluster")
        made = [generate.sample_cluster(project, latent_map, request.cluster, 1,
                                       temperature=request.temperature, seed=seed)
                for seed in seeds]
        latents = np.concatenate([m.latents for m in made])
        images = np.concatenate([m.images for m in made])
        kind = GeneratedKind.CLUSTER
    label = () if request.label is None else (project.label_names[request.label],)
    return GeneratedResult(kind, request.generation, frozen_array(latents, np.float32),
                           frozen_array(images), temperature=request.temperature,
                           seeds=seeds, cluster=request.cluster, labels=label)


def attribute_edits(project: Project, request: AttributeRequest) -> GeneratedResult:
    """The code moved along the saved direction `request.name` by each strength."""
    made = [generate.apply_attribute(project, request.code, request.name, float(strength))
            for strength in request.strengths]
    latents = np.concatenate([m.latents for m in made])  # (M, D)
    images = np.concatenate([m.images for m in made])  # (M, S, S, C)
    return GeneratedResult(GeneratedKind.ATTRIBUTE, request.generation, frozen_array(latents),
                           frozen_array(images), attribute=request.name,
                           strengths=tuple(float(s) for s in request.strengths))


def save_direction(project: Project, latent_map: LatentMap, request: DirectionRequest
                   ) -> tuple[str, ...]:
    vector = generate.direction_between(latent_map, request.indices_a, request.indices_b)
    return generate.save_direction(project, request.name, vector).names


def direction_names(project: Project) -> tuple[str, ...]:
    return generate.load_directions(project).names


def save_path(project: Project, record: PathRecord) -> tuple[str, ...]:
    """Save a named path in the project; returns the names of all saved paths."""
    map_path = saved_paths.MapPath(
        name=record.name, method=record.method, model_id=project.model_id,
        points=np.asarray(record.points, np.float64), frames=record.frames,
        smoothing=record.smoothing, waypoints_snapped=record.snapped)
    saved_paths.save_project_path(project, map_path)
    return saved_paths.list_paths(project)


def load_path(project: Project, latent_map: LatentMap | None, name: str) -> PathRecord:
    """A saved path, with its snapped waypoints moved to their images on the current map."""
    saved = saved_paths.load_project_path(project, name)
    points = saved.points
    if latent_map is not None and latent_map.method == saved.method:
        points = saved.resolved_points(latent_map)
    return PathRecord(frozen_array(points, np.float32), saved.method, saved.frames,
                      saved.smoothing, saved.waypoints_snapped, saved.name)
