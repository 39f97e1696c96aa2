"""The latent map of a project: what the studio's map panel and the CLI call.

`models.latent_map` holds the maths (numpy only); this package ties it to a trained
`models.project.Project`: encodings and map layouts cached in the project folder, decoding of
map points and drawn paths, sampling, attribute directions and saved paths. Numpy in, numpy
out; images are uint8 (M, S, S, C). Long calls take `progress(fraction, text)` and
`should_stop()` and raise `models.errors.Cancelled` without leaving half-written files.

    <project>/map/encoded.safetensors     posterior of every image, per model_id
    <project>/map/map_<method>.safetensors  layout, clusters and cluster names per method
    <project>/map/directions.safetensors  named attribute directions
    <project>/paths/NAME.json             saved paths (format: see `models.mapping.paths`)

Typical use:

    latent_map = project_map(project, method="pca", progress=report, should_stop=stop)
    images = decode_points(project, latent_map, [[x, y]])          # the drag loop
    frames = path_frames(project, latent_map, drawn_points, 60, smoothing=0.01)
"""

from models.mapping.decoding import (
    PathFrames,
    SnappedPoint,
    decode_latents,
    decode_points,
    interpolate_images,
    nearest_images,
    path_frames,
    snap_to_image,
)
from models.mapping.encodings import EncodedImages, encode_project
from models.mapping.generate import (
    GeneratedImages,
    apply_attribute,
    delete_direction,
    direction_between,
    load_directions,
    sample_cluster,
    sample_images,
    save_direction,
)
from models.mapping.maps import project_map, rename_cluster
from models.mapping.paths import (
    MapPath,
    check_path_name,
    delete_project_path,
    list_paths,
    load_path,
    load_project_path,
    path_frames_for,
    rename_project_path,
    save_path,
    save_project_path,
)

__all__ = [
    "EncodedImages",
    "GeneratedImages",
    "MapPath",
    "PathFrames",
    "SnappedPoint",
    "apply_attribute",
    "check_path_name",
    "decode_latents",
    "decode_points",
    "delete_direction",
    "delete_project_path",
    "direction_between",
    "encode_project",
    "interpolate_images",
    "list_paths",
    "load_directions",
    "load_path",
    "load_project_path",
    "nearest_images",
    "path_frames",
    "path_frames_for",
    "project_map",
    "rename_cluster",
    "rename_project_path",
    "sample_cluster",
    "sample_images",
    "save_direction",
    "save_path",
    "save_project_path",
    "snap_to_image",
]
