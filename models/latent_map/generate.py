"""New images: samples from the model, samples that look like one cluster, and attribute edits
along named directions kept in the project.

    <project>/map/directions.safetensors   vectors (n, D) f32 + names as JSON;
                                           metadata: model_id of the model they were made with
"""

from __future__ import annotations

import logging
import threading
import weakref
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import torch

from models.errors import LatentiaError, ProjectError
from models.latent_map.decoding import decode_latents, decode_threads
from models.latent_map.maths import (
    ClusterSampler,
    LatentMap,
    NamedDirections,
    apply_direction,
    attribute_direction,
)
from models.latent_map.store import map_folder, read_arrays, write_arrays
from models.pixels import to_uint8_images
from models.records import frozen_array

if TYPE_CHECKING:
    from models.project import Project

log = logging.getLogger(__name__)

DIRECTIONS_FILE = "directions.safetensors"
DEFAULT_TEMPERATURE = 0.8  # a little below 1: more typical images, still varied (Glow, Sec. 5)


@dataclass(frozen=True, eq=False)
class GeneratedImages:
    """New latents and their decoded images, read-only."""

    latents: np.ndarray  # (n, D) float32
    images: np.ndarray  # (n, S, S, C) uint8

    def __len__(self) -> int:
        return int(self.latents.shape[0])


class _SamplerCache:
    """One fitted ClusterSampler per LatentMap object, dropped when the map is (the fit is a
    Ledoit-Wolf covariance and an eigendecomposition per cluster: ~k x 10 ms at D = 128)."""

    def __init__(self) -> None:
        self._samplers: weakref.WeakKeyDictionary[LatentMap, ClusterSampler] = (
            weakref.WeakKeyDictionary())
        self._lock = threading.Lock()

    def get(self, latent_map: LatentMap) -> ClusterSampler:
        with self._lock:
            sampler = self._samplers.get(latent_map)
            if sampler is None:
                sampler = ClusterSampler.fit(latent_map.means, latent_map.clusters.labels,
                                             seed=latent_map.seed)
                self._samplers[latent_map] = sampler
            return sampler


_SAMPLERS = _SamplerCache()


def sample_images(project: Project, n: int, temperature: float = DEFAULT_TEMPERATURE,
                  seed: int | None = None) -> np.ndarray:
    """`n` new images uint8 (n, S, S, C) from the model's fitted latent density."""
    with decode_threads(int(n)), torch.inference_mode():
        pixels = project.sample(n, temperature=temperature, seed=seed)  # (n, C, S, S)
    return to_uint8_images(pixels)


def sample_cluster(project: Project, latent_map: LatentMap, cluster: int, n: int,
                   temperature: float = DEFAULT_TEMPERATURE, seed: int = 0) -> GeneratedImages:
    """`n` new images that look like cluster `cluster` of the map: codes drawn from a Gaussian
    fitted to that cluster's latents (the fit is cached per map)."""
    codes = _SAMPLERS.get(latent_map).sample(cluster, n, temperature=temperature, seed=seed)
    return _generated(project, codes)


def apply_attribute(project: Project, code: np.ndarray, direction: np.ndarray | str,
                    strength: float) -> GeneratedImages:
    """Decode code + strength * direction for one code (D,) or a batch (M, D); `direction` is a
    vector (D,) or the name of a direction saved in the project."""
    vector = load_directions(project)[direction] if isinstance(direction, str) else direction
    if np.shape(vector) != (project.latent_dim,):
        raise LatentiaError(f"a direction must have shape ({project.latent_dim},); "
                            f"got {np.shape(vector)}")
    return _generated(project, apply_direction(code, vector, strength).reshape(
        -1, project.latent_dim))


def direction_between(latent_map: LatentMap, indices_a, indices_b) -> np.ndarray:
    """(D,) float32 direction from the look of images `indices_b` towards that of `indices_a`
    (mean latent of A minus mean latent of B)."""
    count = latent_map.means.shape[0]
    rows = [np.asarray(indices, dtype=np.int64).reshape(-1) for indices in (indices_a, indices_b)]
    if any(r.size == 0 or r.min() < 0 or r.max() >= count for r in rows):
        raise LatentiaError(f"choose at least one image for each side, numbered 0 to {count - 1}")
    return attribute_direction(latent_map.means[rows[0]], latent_map.means[rows[1]])


def load_directions(project: Project) -> NamedDirections:
    """The named directions saved in the project (none for an exported model)."""
    if project.read_only:
        return NamedDirections()
    stored = read_arrays(map_folder(project) / DIRECTIONS_FILE, "saved attribute directions")
    if stored is None:
        return NamedDirections()
    directions = NamedDirections.from_arrays(stored.arrays)
    if len(directions) and directions.vectors.shape[1] != project.latent_dim:
        raise ProjectError(f"the saved attribute directions have {directions.vectors.shape[1]} "
                           f"dimensions but the model has {project.latent_dim}")
    if stored.metadata.get("model_id") != project.model_id:
        log.info("the saved directions were made with an earlier version of the model")
    return directions


def save_direction(project: Project, name: str, vector: np.ndarray) -> NamedDirections:
    """Add or replace the direction `name` (D,) in the project; returns all directions."""
    row = np.asarray(vector, dtype=np.float32)
    if row.shape != (project.latent_dim,):
        raise LatentiaError(f"a direction must have shape ({project.latent_dim},); "
                            f"got {row.shape}")
    directions = load_directions(project).with_direction(name, row)
    _write_directions(project, directions)
    return directions


def delete_direction(project: Project, name: str) -> NamedDirections:
    """Remove the direction `name` from the project; returns the remaining ones."""
    directions = load_directions(project).without(name)
    _write_directions(project, directions)
    return directions


def _write_directions(project: Project, directions: NamedDirections) -> None:
    arrays = directions.to_arrays()
    if not len(directions):
        arrays["vectors"] = np.zeros((0, project.latent_dim), np.float32)
    write_arrays(map_folder(project, create=True) / DIRECTIONS_FILE, arrays,
                 {"model_id": project.model_id})


def _generated(project: Project, codes: np.ndarray) -> GeneratedImages:
    images = decode_latents(project, codes)
    return GeneratedImages(frozen_array(codes, np.float32), frozen_array(images))
