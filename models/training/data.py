"""Batches from the uint8 image cache: seeded, resumable order and light augmentation.

The cache is a read-only memmap (N, S, S, C) uint8; only the current batch is ever converted to
floats, so a 20,000-image folder trains without holding decoded floats for all of it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import torch

if TYPE_CHECKING:  # torchvision takes ~1.9 s to import; only augmenting needs it
    from torchvision.transforms import v2

SMALL_FOLDER = 5000  # below this many images, "auto" augmentation is on


@dataclass(frozen=True)
class DataPosition:
    """Where the sampler stands: epoch number and batches already taken from it."""

    epoch: int
    batch: int


def to_tensor(images: np.ndarray, device: torch.device) -> torch.Tensor:
    """uint8 (N, S, S, C) -> float (N, C, S, S) in [0, 1], channels_last in memory."""
    batch = torch.from_numpy(np.ascontiguousarray(images))  # (N, S, S, C)
    batch = batch.to(device, non_blocking=True).permute(0, 3, 1, 2)  # (N, C, S, S) NHWC strides
    return batch.float().div_(255.0).contiguous(memory_format=torch.channels_last)


def spread(indices: np.ndarray, count: int) -> np.ndarray:
    """At most `count` of `indices`, evenly spaced: the cache keeps a folder's files in path
    order, so the first few thousand of a big folder are its first few subfolders (a letter
    folder A-Z would be fitted on A-J only)."""
    indices = np.asarray(indices)
    if len(indices) <= count:
        return indices
    return indices[np.linspace(0, len(indices) - 1, count).round().astype(np.int64)]


def augmentation_enabled(mode: str, image_count: int) -> bool:
    return mode == "on" or (mode == "auto" and image_count < SMALL_FOLDER)


def build_augmentation(image_size: int, flips: bool = True) -> v2.Compose:
    """Flips and shifts of up to 1/16 of the size; edges are replicated, not filled with black.

    No flips for labelled images: a mirrored image may no longer be of its label (a mirrored
    "R" is not an R), and the decoder would learn to draw both under one label."""
    from torchvision.transforms import v2

    shift = v2.RandomCrop(image_size, padding=max(1, image_size // 16), padding_mode="edge")
    return v2.Compose([v2.RandomHorizontalFlip(), shift] if flips else [shift])


class BatchSampler:
    """Seeded epoch permutations of the training indices, sharded across DDP ranks.

    The order depends only on (seed, epoch), so resuming from (epoch, batch) reproduces the
    exact batches a run without interruption would have seen.
    """

    def __init__(self, indices: np.ndarray, batch_size: int, seed: int,
                 rank: int = 0, world_size: int = 1) -> None:
        self.indices = np.asarray(indices, dtype=np.int64)
        self.seed = seed
        self.rank = rank
        self.world_size = world_size
        per_rank = len(self.indices) // world_size
        self.batch_size = max(1, min(batch_size, per_rank))
        # drop the ragged end so every rank takes the same number of full batches
        self.batches_per_epoch = max(1, per_rank // self.batch_size)

    def batch_indices(self, position: DataPosition) -> np.ndarray:
        order = np.random.default_rng([self.seed, position.epoch]).permutation(self.indices)
        shard = order[self.rank::self.world_size]
        start = position.batch * self.batch_size
        return np.sort(shard[start:start + self.batch_size])  # sorted: faster memmap reads

    def advance(self, position: DataPosition) -> DataPosition:
        if position.batch + 1 < self.batches_per_epoch:
            return DataPosition(position.epoch, position.batch + 1)
        return DataPosition(position.epoch + 1, 0)


class TrainingBatches:
    """Turns sampler positions into float tensors on the training device."""

    def __init__(self, images: np.ndarray, sampler: BatchSampler, device: torch.device,
                 augment: bool, labels: np.ndarray | None = None) -> None:
        self.images = images
        self.sampler = sampler
        self.device = device
        self.image_labels = labels  # (N,) int64, -1 = unlabelled; None when unconditional
        self.augmentation = (build_augmentation(images.shape[1], flips=labels is None)
                             if augment else None)

    def labels(self, position: DataPosition) -> torch.Tensor | None:
        """Label indices (B,) int64 of the batch at `position` (-1 = unlabelled), or None."""
        if self.image_labels is None:
            return None
        rows = self.image_labels[self.sampler.batch_indices(position)]
        return torch.from_numpy(np.asarray(rows, dtype=np.int64)).to(self.device)

    def batch(self, position: DataPosition) -> torch.Tensor:
        x = to_tensor(self.images[self.sampler.batch_indices(position)], self.device)
        if self.augmentation is None:
            return x
        # v2 transforms draw one set of parameters per call, so augment image by image
        x = torch.stack([self.augmentation(image) for image in x])
        return x.contiguous(memory_format=torch.channels_last)
