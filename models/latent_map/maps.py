"""The project's latent map, built from the cached encodings and kept on disk per method.

    <project>/map/map_<method>.safetensors   `LatentMap.to_arrays()` (positions, clusters and
                                             their names); metadata: model_id, method, k, seed

A stored map is reused while the model, the method, k and the seed are the ones asked for;
otherwise it is rebuilt (and cluster names start again from "Cluster 1", ...), so the same
model always gives the same layout.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from models.errors import LatentiaError
from models.latent_map.encodings import encode_project
from models.latent_map.maths import PROJECTION_METHODS, Clusters, LatentMap, build_latent_map
from models.latent_map.store import (
    Progress,
    StopCheck,
    map_folder,
    read_arrays,
    read_cache,
    scaled,
    write_arrays,
)

if TYPE_CHECKING:
    from models.project import Project

log = logging.getLogger(__name__)

AUTO_K = "auto"  # metadata value of k when the number of clusters was chosen automatically
ENCODING_SHARE = 0.6  # of the progress bar, when the images must be encoded first
CLUSTERS_PREFIX = "clusters."  # LatentMap.to_arrays() keys of the cluster arrays


@dataclass(frozen=True)
class MapSettings:
    """What a stored map was built with; a different value means the map must be rebuilt."""

    model_id: str
    method: str
    k: int | None
    seed: int

    def to_metadata(self) -> dict[str, str]:
        return {"model_id": self.model_id, "method": self.method,
                "k": AUTO_K if self.k is None else str(self.k), "seed": str(self.seed)}


def map_file(project: Project, method: str) -> Path:
    """`<project>/map/map_<method>.safetensors`."""
    _check_method(method)
    return map_folder(project) / f"map_{method}.safetensors"


def project_map(project: Project, *, method: str = "pca", k: int | None = None, seed: int = 0,
                progress: Progress | None = None,
                should_stop: StopCheck | None = None) -> LatentMap:
    """The `method` ("pca" or "umap") map of the project's images, from disk when up to date.

    `k` is the number of clusters (None: chosen by silhouette score). Encoding the images (if
    the model changed) and building the map report `progress(fraction, text)` and stop with
    `Cancelled` when `should_stop()` is true; nothing is written before the end.
    """
    path = map_file(project, method)
    encoded = encode_project(project, progress=scaled(progress, 0.0, ENCODING_SHARE),
                             should_stop=should_stop)
    settings = MapSettings(encoded.model_id, method, k, seed)
    cached = _read_map(path, settings, encoded.means)
    if cached is not None:
        if progress is not None:
            progress(1.0, "Map ready")
        return cached
    latent_map = build_latent_map(encoded.means, method=method, k=k, seed=seed,
                                  progress=scaled(progress, ENCODING_SHARE, 1.0),
                                  should_stop=should_stop)
    write_arrays(map_folder(project, create=True) / path.name, latent_map.to_arrays(),
                 settings.to_metadata())
    return latent_map


def rename_cluster(project: Project, method: str, index: int, name: str) -> tuple[str, ...]:
    """Name cluster `index` of the stored `method` map (blank: back to "Cluster i").

    Returns every cluster's name; apply them to a map in memory with
    `latent_map.with_cluster_names(names)`.
    """
    path = map_file(project, method)
    stored = read_arrays(path, f"stored {method} map")
    if stored is None:
        raise LatentiaError(f"there is no {method.upper()} map yet; build it before naming "
                            f"its clusters")
    if not isinstance(name, str):
        raise LatentiaError("a cluster name must be text")
    clusters = Clusters.from_arrays(_cluster_arrays(stored.arrays))
    if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < clusters.k:
        raise LatentiaError(f"there is no cluster {index!r}; the map has {clusters.k} "
                            f"(numbered 0 to {clusters.k - 1})")
    names = list(clusters.names)
    names[index] = name
    renamed = clusters.with_names(names)
    arrays = dict(stored.arrays)
    arrays.update({CLUSTERS_PREFIX + key: value for key, value in renamed.to_arrays().items()})
    write_arrays(path, arrays, {key: value for key, value in stored.metadata.items()
                                if key != "version"})
    return renamed.names


def _read_map(path: Path, settings: MapSettings, means) -> LatentMap | None:
    stored = read_cache(path, f"stored {settings.method} map")
    if stored is None:
        return None
    if {key: stored.metadata.get(key) for key in settings.to_metadata()} != (
            settings.to_metadata()):
        log.info("the stored %s map was built with other settings; rebuilding", settings.method)
        return None
    try:
        return LatentMap.from_arrays(stored.arrays, means)
    except LatentiaError as exc:
        log.warning("%s; rebuilding the map", exc)
        return None


def _cluster_arrays(arrays: dict) -> dict:
    return {key[len(CLUSTERS_PREFIX):]: value for key, value in arrays.items()
            if key.startswith(CLUSTERS_PREFIX)}


def _check_method(method: str) -> None:
    if method not in PROJECTION_METHODS:
        raise LatentiaError(f"unknown map method {method!r}; choose one of "
                            f"{', '.join(PROJECTION_METHODS)}")
