"""The latent map: a 2-D view of a VAE's latent space, and the maths to move around in it.

Numpy in, numpy out; no torch and no Qt. Typical use:

    latent_map = build_latent_map(means, method="pca", seed=0, progress=report, should_stop=stop)
    latent_map.points                      # (N, 2) where each image sits
    latent_map.inverse(path_points)        # (M, 2) map points -> (M, D) latents to decode
    frames = interpolate(codes, 48, mode="slerp", easing="ease_in_out", loop=True)
"""

from models.latent_map.clusters import Clusters, choose_k, cluster_latents
from models.latent_map.density import MapBounds, MapDensity
from models.latent_map.interpolation import (
    EASINGS,
    INTERPOLATION_MODES,
    ease,
    interpolate,
    lerp,
    norm_corrected_lerp,
    slerp,
)
from models.latent_map.inverse import MapInverse
from models.latent_map.latent_map import LatentMap, build_latent_map
from models.latent_map.neighbours import NearestImages, NearestMatches
from models.latent_map.paths import path_length, resample_path
from models.latent_map.projection import (
    PROJECTION_METHODS,
    Projection,
    fit_projection,
    umap_available,
)
from models.latent_map.sampling import (
    ClusterSampler,
    NamedDirections,
    apply_direction,
    attribute_direction,
)

__all__ = [
    "EASINGS",
    "INTERPOLATION_MODES",
    "PROJECTION_METHODS",
    "ClusterSampler",
    "Clusters",
    "LatentMap",
    "MapBounds",
    "MapDensity",
    "MapInverse",
    "NamedDirections",
    "NearestImages",
    "NearestMatches",
    "Projection",
    "apply_direction",
    "attribute_direction",
    "build_latent_map",
    "choose_k",
    "cluster_latents",
    "ease",
    "fit_projection",
    "interpolate",
    "lerp",
    "norm_corrected_lerp",
    "path_length",
    "resample_path",
    "slerp",
    "umap_available",
]
