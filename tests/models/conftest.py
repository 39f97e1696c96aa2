"""Shared fixtures for backend tests: a generated image folder and tiny configurations."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import torch
from PIL import Image, ImageDraw

from models.config import IngestConfig, ProjectConfig, TrainConfig, VAEConfig

COLOURS = [(220, 40, 40), (40, 160, 60), (40, 80, 220), (230, 180, 30)]


@pytest.fixture(autouse=True)
def _one_thread():
    """Tests share a 2-core machine; one intra-op thread keeps them predictable."""
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(previous)


def draw_shape(index: int, size: int = 40) -> Image.Image:
    """A coloured circle, square or triangle at a varying place: four colour families."""
    rng = np.random.default_rng(index)
    image = Image.new("RGB", (size, size), (250, 250, 250))
    draw = ImageDraw.Draw(image)
    colour = COLOURS[index % len(COLOURS)]
    r = int(rng.integers(8, 14))
    cx, cy = (int(c) for c in rng.integers(r, size - r, size=2))
    box = (cx - r, cy - r, cx + r, cy + r)
    shape = (index // len(COLOURS)) % 3
    if shape == 0:
        draw.ellipse(box, fill=colour)
    elif shape == 1:
        draw.rectangle(box, fill=colour)
    else:
        draw.polygon([(cx, cy - r), (cx - r, cy + r), (cx + r, cy + r)], fill=colour)
    return image


def make_shape_folder(folder: Path, count: int) -> Path:
    (folder / "sub").mkdir(parents=True, exist_ok=True)
    for i in range(count):
        target = folder / ("sub" if i % 2 else "") / f"shape_{i:03d}.png"
        draw_shape(i).save(target)
    return folder


def tiny_config(**train_changes) -> ProjectConfig:
    train = dict(epochs=2, batch_size=8, warmup_steps=5, kl_warmup_steps=20, device="cpu",
                 bf16="off", checkpoint_minutes=60.0, val_fraction=0.1, preview_count=4)
    train.update(train_changes)
    return ProjectConfig(ingest=IngestConfig(image_size=32, max_workers=1),
                         vae=VAEConfig(image_size=32, latent_dim=8, width=8),
                         train=TrainConfig(**train))

