"""The maths of the latent map: a 2-D view of a VAE's latent space, and how to move in it.

Numpy in, numpy out; no torch, no Qt and no project (an import-linter contract in
pyproject.toml checks it). `models.latent_map` ties it to a trained project. Names load on
first use (scikit-learn and scipy only then). Typical use:

    latent_map = build_latent_map(means, method="pca", seed=0, progress=report, should_stop=stop)
    latent_map.points                      # (N, 2) where each image sits
    latent_map.inverse(path_points)        # (M, 2) map points -> (M, D) latents to decode
    frames = interpolate(codes, 48, mode="slerp", easing="ease_in_out", loop=True)
"""

from models._lazy import lazy_exports

_EXPORTS = {
    "LatentMap": "models.latent_map.maths.build",
    "build_latent_map": "models.latent_map.maths.build",
    "Clusters": "models.latent_map.maths.clusters",
    "choose_k": "models.latent_map.maths.clusters",
    "cluster_latents": "models.latent_map.maths.clusters",
    "MapBounds": "models.latent_map.maths.density",
    "MapDensity": "models.latent_map.maths.density",
    "EASINGS": "models.latent_map.maths.interpolation",
    "INTERPOLATION_MODES": "models.latent_map.maths.interpolation",
    "ease": "models.latent_map.maths.interpolation",
    "interpolate": "models.latent_map.maths.interpolation",
    "lerp": "models.latent_map.maths.interpolation",
    "norm_corrected_lerp": "models.latent_map.maths.interpolation",
    "slerp": "models.latent_map.maths.interpolation",
    "MapInverse": "models.latent_map.maths.inverse",
    "NearestImages": "models.latent_map.maths.neighbours",
    "NearestMatches": "models.latent_map.maths.neighbours",
    "PROJECTION_METHODS": "models.latent_map.maths.projection",
    "Projection": "models.latent_map.maths.projection",
    "fit_projection": "models.latent_map.maths.projection",
    "umap_available": "models.latent_map.maths.projection",
    "path_length": "models.latent_map.maths.resampling",
    "resample_path": "models.latent_map.maths.resampling",
    "ClusterSampler": "models.latent_map.maths.sampling",
    "NamedDirections": "models.latent_map.maths.sampling",
    "apply_direction": "models.latent_map.maths.sampling",
    "attribute_direction": "models.latent_map.maths.sampling",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
