"""Build the whole latent map in one stoppable call, and store it as plain numeric arrays."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

import numpy as np

from models.errors import Cancelled, LatentiaError, ProjectError
from models.latent_map.maths._common import (
    as_latents,
    json_field,
    read_json_field,
    rng_seed,
    strip_prefix,
    with_prefix,
)
from models.latent_map.maths.clusters import Clusters, cluster_latents
from models.latent_map.maths.density import MapDensity
from models.latent_map.maths.inverse import MapInverse
from models.latent_map.maths.neighbours import NearestImages
from models.latent_map.maths.projection import Projection, fit_projection
from models.records import frozen_array

log = logging.getLogger(__name__)

LATENT_MAP_VERSION = 1
Progress = Callable[[float, str], None]  # (fraction 0..1, what is happening now)


@dataclass(frozen=True, eq=False)
class LatentMap:
    """Everything the map view needs, built from the latent means (N, D) of the images."""

    means: np.ndarray  # (N, D) float32, read-only: the latents the map was built from
    projection: Projection  # .points (N, 2): where each image sits on the map
    clusters: Clusters
    inverse: MapInverse  # map point -> latent, for dragging a path on the map
    density: MapDensity  # where the map is backed by images
    nearest: NearestImages  # latent -> nearest real images
    seed: int = 0

    @property
    def points(self) -> np.ndarray:
        """(N, 2) float32 map position of each image."""
        return self.projection.points

    @property
    def method(self) -> str:
        return self.projection.method

    def with_cluster_names(self, names: tuple[str, ...] | list[str]) -> LatentMap:
        return replace(self, clusters=self.clusters.with_names(names))

    def to_arrays(self) -> dict[str, np.ndarray]:
        """Flat name -> numeric array dict, ready for `safetensors.numpy.save_file`.

        Strings (method, cluster names, settings) are UTF-8 JSON stored as uint8 arrays under
        the keys ending in `_json`. The means are not included: `from_arrays` takes them.
        """
        meta = {"version": LATENT_MAP_VERSION, "seed": self.seed,
                "inverse": {"kernel": self.inverse.kernel, "neighbours": self.inverse.neighbours,
                            "smoothing": self.inverse.smoothing}}
        return {**with_prefix("projection", self.projection.to_arrays()),
                **with_prefix("clusters", self.clusters.to_arrays()),
                "meta_json": json_field(meta)}

    @classmethod
    def from_arrays(cls, arrays: Mapping[str, np.ndarray], means: np.ndarray) -> LatentMap:
        """Rebuild a map saved with `to_arrays` for the same latent `means` (N, D); the inverse,
        density and nearest-image index are refitted (fast: no solve, no clustering)."""
        meta = read_json_field(arrays, "meta_json")
        if not isinstance(meta, dict) or meta.get("version") != LATENT_MAP_VERSION:
            raise ProjectError("the stored latent map has an unknown format version")
        codes = as_latents(means, "latent means", min_rows=1)
        projection = Projection.from_arrays(strip_prefix("projection", arrays), codes)
        clusters = Clusters.from_arrays(strip_prefix("clusters", arrays))
        count = codes.shape[0]
        if projection.points.shape[0] != count or clusters.labels.shape[0] != count:
            raise ProjectError("the stored latent map was built for a different set of images; "
                               "rebuild the map")
        if clusters.centers.shape[1] != codes.shape[1] or (
                projection.latent_dim not in (None, codes.shape[1])):
            raise ProjectError("the stored latent map was built for another latent size; "
                               "rebuild the map")
        settings, seed = _stored_settings(meta)
        try:
            inverse = MapInverse.fit(projection.points, codes, **settings)
        except LatentiaError as exc:
            raise ProjectError(f"the stored latent map cannot be restored: {exc}") from exc
        return cls(frozen_array(codes, np.float32), projection, clusters, inverse,
                   MapDensity.fit(projection.points), NearestImages.fit(codes), seed)


def build_latent_map(means: np.ndarray, *, method: str = "pca", k: int | None = None,
                     seed: int = 0, progress: Progress | None = None,
                     should_stop: Callable[[], bool] | None = None) -> LatentMap:
    """Project, cluster and index latent means (N, D), N >= 2, into a `LatentMap`.

    `progress(fraction, text)` is called between steps; when `should_stop()` turns true the
    build raises `models.errors.Cancelled` (nothing is written anywhere, so nothing is left
    half-done). Deterministic for the same means and seed.
    """
    codes = as_latents(means, "latent means", min_rows=2)
    seed = rng_seed(seed)
    step = _Steps(progress, should_stop)

    step("Projecting the latents to 2-D", 0.0)
    projection = fit_projection(codes, method=method, seed=seed)
    step("Grouping the images into clusters", 0.3)
    clusters = cluster_latents(codes, k=k, seed=seed, should_stop=should_stop)
    step("Preparing the map -> latent inverse", 0.7)
    inverse = MapInverse.fit(projection.points, codes)
    step("Estimating where the map has images", 0.8)
    density = MapDensity.fit(projection.points)
    step("Indexing the nearest images", 0.9)
    nearest = NearestImages.fit(codes)
    step("Map ready", 1.0)
    log.info("latent map: %d images, %s, %d clusters", codes.shape[0], method, clusters.k)
    return LatentMap(frozen_array(codes, np.float32), projection, clusters, inverse, density,
                     nearest, seed)


@dataclass(frozen=True)
class _Steps:
    """Reports progress and honours cancellation between the steps of a build."""

    progress: Progress | None
    should_stop: Callable[[], bool] | None

    def __call__(self, text: str, fraction: float) -> None:
        if self.should_stop is not None and self.should_stop():
            raise Cancelled("building the latent map was cancelled")
        if self.progress is not None:
            self.progress(fraction, text)


def _stored_settings(meta: dict) -> tuple[dict, int]:
    """The stored MapInverse settings and seed, checked (a damaged file must not crash)."""
    try:
        settings = meta["inverse"]
        kernel = str(settings["kernel"])
        neighbours = int(settings["neighbours"])
        smoothing = float(settings["smoothing"])
        seed = int(meta.get("seed", 0))
    except (KeyError, TypeError, ValueError) as exc:
        raise ProjectError("the stored latent map has damaged settings") from exc
    return {"kernel": kernel, "neighbours": neighbours, "smoothing": smoothing}, seed
