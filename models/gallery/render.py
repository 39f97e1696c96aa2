"""Latent codes -> frames with a project's model: in stoppable batches, as uint8 pixels."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from models.errors import Cancelled, LatentiaError
from models.gallery.item import GalleryItem
from models.pixels import to_uint8_images

if TYPE_CHECKING:
    from models.project import Project

DECODE_BATCH = 32  # frames per decode call: progress every ~0.1 s on a CPU at 64 px

ProgressCallback = Callable[[int, int], None]  # (frames done, frames in all)
StopCallback = Callable[[], bool]


def render_latents(project: Project, latents: np.ndarray, *,
                   progress: ProgressCallback | None = None,
                   should_stop: StopCallback | None = None) -> np.ndarray:
    """Decode latents (n, D) with the project's current model -> uint8 (n, S, S, C).

    Raises `Cancelled` between batches when `should_stop()` is true.
    """
    codes = np.array(latents, dtype=np.float32)  # a writable copy: torch warns on read-only
    if codes.ndim != 2 or codes.shape[1] != project.latent_dim:
        raise LatentiaError(f"these latent codes have shape {codes.shape}, but this project's "
                            f"model decodes ({project.latent_dim},)-dimensional codes")
    frames = []
    for start in range(0, len(codes), DECODE_BATCH):
        if should_stop is not None and should_stop():
            raise Cancelled("decoding was stopped")
        frames.append(to_uint8_images(project.decode(codes[start:start + DECODE_BATCH])))
        if progress is not None:
            progress(min(start + DECODE_BATCH, len(codes)), len(codes))
    return np.concatenate(frames)


def regenerate(project: Project, item: GalleryItem, image_size: int | None = None, *,
               progress: ProgressCallback | None = None,
               should_stop: StopCallback | None = None) -> np.ndarray:
    """The item's frames decoded again with the project's current model (e.g. after more
    training): uint8 (n, S, S, C). Store them with `Gallery.render(item.id, frames, model_id)`.

    A project holds one model at one resolution, so any other `image_size` is refused.
    """
    if image_size is not None and image_size != project.image_size:
        raise LatentiaError(f"this project's model makes {project.image_size} px images only; "
                            f"{image_size} px needs a project trained at that size (export "
                            "with a scale to enlarge the frames instead)")
    if item.latent_dim != project.latent_dim:
        raise LatentiaError(f"{item.name!r} was made by a model with {item.latent_dim}-"
                            f"dimensional codes; this project's model uses {project.latent_dim}")
    return render_latents(project, item.latents, progress=progress, should_stop=should_stop)
