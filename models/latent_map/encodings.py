"""The posterior of every training image, computed once per trained model and kept on disk.

    <project>/map/encoded.safetensors   means (N, D) f32, logvars (N, D) f32;
                                        metadata: model_id, images_id (which images), version

The cache is valid while the model (`Project.model_id`, a hash of the weights) and the images
(`images_id`, a hash of the source files' SHA-1s) are unchanged; more training changes the
weights, so the next call encodes again.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import torch

from models.errors import LatentiaError
from models.latent_map.store import (
    Progress,
    StopCheck,
    check_stop,
    map_folder,
    read_cache,
    require_project_folder,
    write_arrays,
)
from models.pixels import to_model_input
from models.records import frozen_array

if TYPE_CHECKING:
    from models.project import Project

log = logging.getLogger(__name__)

ENCODED_FILE = "encoded.safetensors"
DEFAULT_BATCH = 256  # 256 x 64 x 64 x 3 floats = 12 MiB per batch, whatever the folder size


@dataclass(frozen=True, eq=False)
class EncodedImages:
    """q(z|x) of every training image, row i for image i of `Project.images()`."""

    means: np.ndarray  # (N, D) float32, read-only
    logvars: np.ndarray  # (N, D) float32, read-only
    model_id: str  # the model that encoded them

    def __len__(self) -> int:
        return int(self.means.shape[0])


def encode_project(project: Project, *, batch: int = DEFAULT_BATCH,
                   progress: Progress | None = None,
                   should_stop: StopCheck | None = None) -> EncodedImages:
    """Encode every training image of `project` (cached; see the module docstring).

    Images are read from the uint8 memmap `batch` at a time, so memory stays flat for any
    folder size. `progress(fraction, text)` follows the batches; `should_stop()` true raises
    `Cancelled` and writes nothing.
    """
    require_project_folder(project, "encode its training images")
    if isinstance(batch, bool) or not isinstance(batch, int) or batch < 1:
        raise LatentiaError(f"the encoding batch size must be a positive integer; got {batch!r}")
    images = project.images()  # (N, S, S, C) uint8 memmap
    model_id, images_id = project.model_id, _images_id(project)
    path = map_folder(project) / ENCODED_FILE
    cached = _read_encodings(path, model_id, images_id, (len(images), project.latent_dim))
    if cached is not None:
        log.debug("reusing the encodings cached in %s", path)
        return cached
    means, logvars = _encode_batches(project, images, batch, progress, should_stop)
    write_arrays(map_folder(project, create=True) / ENCODED_FILE,
                 {"means": means, "logvars": logvars},
                 {"model_id": model_id, "images_id": images_id})
    log.info("encoded %d images with model %s", len(means), model_id)
    return EncodedImages(frozen_array(means), frozen_array(logvars), model_id)


def _encode_batches(project: Project, images: np.ndarray, batch: int, progress: Progress | None,
                    should_stop: StopCheck | None) -> tuple[np.ndarray, np.ndarray]:
    count = len(images)
    means = np.empty((count, project.latent_dim), np.float32)  # (N, D), D + L when conditional
    logvars = np.empty_like(means)
    labels = project.labels  # a conditional model encodes each image with its own label
    with torch.inference_mode():
        for start in range(0, count, batch):
            check_stop(should_stop, "encoding the images")
            stop = min(start + batch, count)
            chunk = to_model_input(np.asarray(images[start:stop]))  # (B, C, S, S) float32
            means[start:stop], logvars[start:stop] = (
                project.encode(chunk) if labels is None
                else project.encode(chunk, labels.rows[start:stop]))
            if progress is not None:
                progress(stop / count, f"Encoding images ({stop} of {count})")
    return means, logvars


def _read_encodings(path, model_id: str, images_id: str, shape: tuple[int, int]
                    ) -> EncodedImages | None:
    stored = read_cache(path, "cached image encodings")
    if stored is None:
        return None
    if (stored.metadata.get("model_id"), stored.metadata.get("images_id")) != (model_id,
                                                                                images_id):
        return None
    means, logvars = stored.arrays.get("means"), stored.arrays.get("logvars")
    if means is None or logvars is None or means.shape != shape or logvars.shape != shape:
        log.warning("the cached encodings in %s have the wrong shape; encoding again", path)
        return None
    if not (np.all(np.isfinite(means)) and np.all(np.isfinite(logvars))):
        log.warning("the cached encodings in %s are not finite; encoding again", path)
        return None
    return EncodedImages(frozen_array(means, np.float32), frozen_array(logvars, np.float32),
                         model_id)


def _images_id(project: Project) -> str:
    """A short hash of which images, in which order, the project trains on (and with which
    labels, since a conditional model's codes carry them)."""
    digest = hashlib.sha256()
    for entry in project.cache.entries:
        digest.update(f"{entry.path}\0{entry.digest}\n".encode())
    labels = project.labels
    if labels is not None:
        digest.update("\0".join(labels.names).encode())
        digest.update(np.ascontiguousarray(labels.rows, dtype=np.int64).tobytes())
    return digest.hexdigest()[:16]
