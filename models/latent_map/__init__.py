"""The latent map of a project: what the studio's map service, the gallery and the CLI call.

The maths (numpy only, no torch, no project) is the subpackage `models.latent_map.maths`; the
modules here tie it to a trained `models.project.Project`: encodings and map layouts cached in
the project folder, decoding of map points and drawn paths, sampling, attribute directions
and saved paths. Numpy in, numpy out; images are uint8 (M, S, S, C). Long calls take
`progress(fraction, text)` and `should_stop()` and raise `models.errors.Cancelled` without
leaving half-written files.

    <project>/map/encoded.safetensors     posterior of every image, per model_id
    <project>/map/map_<method>.safetensors  layout, clusters and cluster names per method
    <project>/map/directions.safetensors  named attribute directions
    <project>/paths/NAME.json             saved paths (format: `saved_paths.py`)

Typical use:

    latent_map = project_map(project, method="pca", progress=report, should_stop=stop)
    images = decode_points(project, latent_map, [[x, y]])          # the drag loop
    frames = path_frames(project, latent_map, drawn_points, 60, smoothing=0.01)

Names load on first use: importing the package costs nothing, `decode_points` loads torch.
"""

from models._lazy import lazy_exports

_EXPORTS = {
    "PathFrames": "models.latent_map.decoding",
    "SnappedPoint": "models.latent_map.decoding",
    "decode_latents": "models.latent_map.decoding",
    "decode_points": "models.latent_map.decoding",
    "interpolate_images": "models.latent_map.decoding",
    "nearest_images": "models.latent_map.decoding",
    "path_frames": "models.latent_map.decoding",
    "snap_to_image": "models.latent_map.decoding",
    "EncodedImages": "models.latent_map.encodings",
    "encode_project": "models.latent_map.encodings",
    "GeneratedImages": "models.latent_map.generate",
    "apply_attribute": "models.latent_map.generate",
    "delete_direction": "models.latent_map.generate",
    "direction_between": "models.latent_map.generate",
    "load_directions": "models.latent_map.generate",
    "sample_cluster": "models.latent_map.generate",
    "sample_images": "models.latent_map.generate",
    "save_direction": "models.latent_map.generate",
    "project_map": "models.latent_map.maps",
    "rename_cluster": "models.latent_map.maps",
    "MapPath": "models.latent_map.saved_paths",
    "check_path_name": "models.latent_map.saved_paths",
    "delete_project_path": "models.latent_map.saved_paths",
    "list_paths": "models.latent_map.saved_paths",
    "load_path": "models.latent_map.saved_paths",
    "load_project_path": "models.latent_map.saved_paths",
    "path_frames_for": "models.latent_map.saved_paths",
    "rename_project_path": "models.latent_map.saved_paths",
    "save_path": "models.latent_map.saved_paths",
    "save_project_path": "models.latent_map.saved_paths",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
