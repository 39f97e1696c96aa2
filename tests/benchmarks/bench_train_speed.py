"""Training speed of the default VAE (64x64, latent 128, default width, batch 32) on this machine.

Run:  .venv/bin/python tests/benchmarks/bench_train_speed.py [--steps 20] [--threads N]

Times full training steps (forward + backward + AdamW, random images, channels_last) in fp32
and under bf16 autocast, counts their FLOPs with torch's FlopCounterMode, and compares the
achieved GFLOP/s with a matmul peak (torch.mm, 2048x2048) measured in the same run. The target
is >= 150 images/s in fp32 on the reference 2-core CPU. The machine may be shared: the load
average is printed, run it 2-3 times and keep the best.
"""

from __future__ import annotations

import argparse
import logging
import os
import time
from dataclasses import dataclass

import torch
from torch.utils.flop_counter import FlopCounterMode

from models.config import VAEConfig
from models.loss import elbo_loss
from models.runtime import configure_threads, cpu_supports_bf16
from models.vae import VAE

log = logging.getLogger("bench_train_speed")
TARGET_IMAGES_PER_SECOND = 150.0


@dataclass(frozen=True)
class SpeedRow:
    name: str
    images_per_second: float  # best step of the run
    gflops: float  # achieved, training FLOPs / second
    peak_gflops: float  # matmul peak of the same precision


def matmul_peak_gflops(dtype: torch.dtype, size: int = 2048, repeats: int = 10) -> float:
    a, b = torch.randn(size, size, dtype=dtype), torch.randn(size, size, dtype=dtype)
    torch.mm(a, b)  # warm-up
    best = min(_seconds(lambda: torch.mm(a, b)) for _ in range(repeats))
    return 2 * size**3 / best / 1e9


def _seconds(work) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def training_step(model: VAE, optimizer: torch.optim.Optimizer, images: torch.Tensor,
                  bf16: bool) -> None:
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
        out = model(images)
    terms = elbo_loss(images, out.reconstruction, out.posterior)
    optimizer.zero_grad(set_to_none=True)
    terms.loss.backward()
    optimizer.step()


def training_flops_per_image(config: VAEConfig) -> float:
    """Forward + backward FLOPs of one image (the optimizer's few per-parameter ops aside)."""
    model = VAE(config)
    images = torch.rand(1, config.channels, config.image_size, config.image_size)
    with FlopCounterMode(display=False) as counter:
        out = model(images)
        elbo_loss(images, out.reconstruction, out.posterior).loss.backward()
    return float(counter.get_total_flops())


def measure(config: VAEConfig, batch: int, steps: int, bf16: bool, channels_last: bool) -> float:
    """Best images/s over `steps` training steps after two warm-up steps."""
    model = VAE(config)
    layout = torch.channels_last if channels_last else torch.contiguous_format
    model = model.to(memory_format=layout)
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    images = torch.rand(batch, config.channels, config.image_size, config.image_size)
    images = images.contiguous(memory_format=layout)  # (B, C, S, S)
    for _ in range(2):
        training_step(model, optimizer, images, bf16)
    best = min(_seconds(lambda: training_step(model, optimizer, images, bf16))
               for _ in range(steps))
    return batch / best


def run(args: argparse.Namespace) -> list[SpeedRow]:
    config = VAEConfig(image_size=args.size, latent_dim=128, width=args.width or VAEConfig.width)
    flops = training_flops_per_image(config)
    log.info("config %s, training %.1f MFLOP per image, %d threads, load average %.2f",
             config, flops / 1e6, torch.get_num_threads(), os.getloadavg()[0])
    peak32 = matmul_peak_gflops(torch.float32)
    # Without native bf16 a 2048 matmul takes about a minute; a smaller one gives the same rate.
    peak16 = matmul_peak_gflops(torch.bfloat16, size=2048 if cpu_supports_bf16() else 512)
    rows = []
    for name, bf16, channels_last, steps in (
            ("fp32 channels_last", False, True, args.steps),
            ("fp32 contiguous", False, False, args.steps),
            # bf16 without native CPU support is ~15x slower: a few steps say enough
            ("bf16 autocast channels_last", True, True,
             args.steps if cpu_supports_bf16() else 2)):
        speed = measure(config, args.batch, steps, bf16, channels_last)
        rows.append(SpeedRow(name, speed, speed * flops / 1e9, peak16 if bf16 else peak32))
    return rows


def report(rows: list[SpeedRow]) -> None:
    log.info("%-28s %9s %9s %11s %9s", "run", "images/s", "GFLOP/s", "mm peak", "of peak")
    for row in rows:
        log.info("%-28s %9.1f %9.1f %11.1f %8.1f%%", row.name, row.images_per_second,
                 row.gflops, row.peak_gflops, 100 * row.gflops / row.peak_gflops)
    verdict = "meets" if rows[0].images_per_second >= TARGET_IMAGES_PER_SECOND else "MISSES"
    log.info("fp32 channels_last %s the %.0f images/s target (bf16 kernels on this CPU: %s)",
             verdict, TARGET_IMAGES_PER_SECOND, cpu_supports_bf16())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20, help="timed steps per run")
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--size", type=int, default=64)
    parser.add_argument("--width", type=int, default=0, help="0 = VAEConfig's default")
    parser.add_argument("--threads", type=int, default=0, help="0 = physical cores")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if args.threads:
        torch.set_num_threads(args.threads)
    else:
        configure_threads()
    torch.manual_seed(0)
    report(run(args))


if __name__ == "__main__":
    main()
