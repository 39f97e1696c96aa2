"""Seconds per epoch before training starts, from a few timed steps on random data."""

from __future__ import annotations

import math
import time

import torch

from models.config import TrainConfig, VAEConfig
from models.loss import elbo_loss
from models.runtime import select_device
from models.vae import VAE

TIMED_STEPS = 3


def estimate_seconds_per_epoch(vae_config: VAEConfig, train_config: TrainConfig,
                               image_count: int) -> float:
    """Time TIMED_STEPS training steps (after one warm-up) and scale to one epoch."""
    device = select_device(train_config.device)
    model = VAE(vae_config).to(device, memory_format=torch.channels_last)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-4)
    batch = max(1, min(train_config.batch_size, image_count))
    shape = (batch, vae_config.channels, vae_config.image_size, vae_config.image_size)
    x = torch.rand(shape, device=device).contiguous(memory_format=torch.channels_last)
    use_bf16 = train_config.bf16 == "on"
    durations = []
    for _ in range(TIMED_STEPS + 1):
        started = time.perf_counter()
        with torch.autocast(device.type, dtype=torch.bfloat16, enabled=use_bf16):
            out = model(x)
        elbo_loss(x, out.reconstruction.float(), out.posterior).loss.backward()
        optimizer.step()
        optimizer.zero_grad(set_to_none=True)
        if device.type == "cuda":
            torch.cuda.synchronize()
        durations.append(time.perf_counter() - started)
    step_seconds = sorted(durations[1:])[len(durations[1:]) // 2]
    steps_per_epoch = max(1, math.floor(image_count * (1 - train_config.val_fraction)) // batch)
    return step_seconds * steps_per_epoch
