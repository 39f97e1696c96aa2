"""Helpers of the Gallery tests that use the real worker (no tests here): a tiny trained
project, a running worker with it open, and items added the way the Canvas adds them."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from studio.backend.handle import WorkerHandle
from studio.contract.app_state import AppState
from studio.contract.gallery_records import (
    GalleryAddRequest,
    GalleryListing,
    GallerySource,
    ItemSettings,
)

SIZE, LATENT = 32, 8
WAIT_MS = 60_000


def start_worker(qtbot, state: AppState) -> WorkerHandle:
    handle = WorkerHandle(state)
    with qtbot.waitSignal(state.sig_device, timeout=WAIT_MS):  # not worker.sig_ready: see conftest
        handle.start()
    return handle


def open_project(qtbot, state: AppState, path: Path) -> GalleryListing:
    with qtbot.waitSignal(state.gallery.sig_listing, timeout=WAIT_MS,
                          check_params_cb=lambda listing: listing.project_path == str(path)):
        state.sig_request_open_project.emit(str(path))
    return state.gallery.listing


def distinct_frames(count: int, seed: int = 0) -> np.ndarray:
    """uint8 (count, 32, 32, 3) frames that all differ (identical neighbours would be merged
    by the GIF writer), with smooth gradients like a model's output."""
    rng = np.random.default_rng(seed)
    ramp = np.linspace(0, 1, SIZE, dtype=np.float32)
    frames = []
    for index in range(count):
        colour = rng.uniform(40, 215, 3).astype(np.float32)
        shade = (ramp[None, :, None] * 0.5 + 0.5) * colour + index * 3
        frames.append(np.broadcast_to(shade, (SIZE, SIZE, 3)))
    pixels = np.clip(np.stack(frames), 0, 255).astype(np.uint8)
    pixels.flags.writeable = False
    return pixels


def add_item(qtbot, state: AppState, name: str, frames: int = 1, seed: int = 0) -> str:
    """Add an item as the Canvas does; returns its id once the worker has saved it."""
    latents = np.random.default_rng(seed).normal(size=(frames, LATENT)).astype(np.float32)
    source = (GallerySource(kind="sample", seed=seed) if frames == 1
              else GallerySource(kind="interpolation", mode="slerp"))
    request = GalleryAddRequest(name, latents, distinct_frames(frames, seed), source,
                                ItemSettings(frames=frames, fps=12.0))
    with qtbot.waitSignal(state.gallery.sig_change_done, timeout=WAIT_MS) as done:
        state.gallery.sig_request_add.emit(request)
    return done.args[0].item_ids[0]


def names(state: AppState) -> list[str]:
    return [item.name for item in state.gallery.listing.items]
