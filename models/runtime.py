"""Where and how training runs: device choice, CPU threads and whether bf16 autocast pays off."""

from __future__ import annotations

import copy
import logging
import os
import time
from pathlib import Path

import torch
from torch import nn

from models.errors import LatentiaError

log = logging.getLogger(__name__)

BF16_CHECK_SECONDS = 1.5  # start-up budget for timing fp32 against bf16 steps
BF16_MIN_SPEEDUP = 1.1  # bf16 must be at least 10% faster to be worth its lower precision


def _mps_available() -> bool:
    return bool(getattr(torch.backends, "mps", None) and torch.backends.mps.is_available())


def select_device(name: str) -> torch.device:
    """"auto" picks CUDA, then Apple MPS, then the CPU; naming a missing device is an error."""
    if name == "auto":
        if torch.cuda.is_available():
            return torch.device("cuda")
        return torch.device("mps") if _mps_available() else torch.device("cpu")
    if name == "cpu":
        return torch.device("cpu")
    if name == "cuda":
        if not torch.cuda.is_available():
            raise LatentiaError("CUDA was chosen but no CUDA GPU is available here; "
                                "choose auto or cpu.")
        return torch.device("cuda")
    if name == "mps":
        if not _mps_available():
            raise LatentiaError("Apple MPS was chosen but it is not available on this computer; "
                                "choose auto or cpu.")
        return torch.device("mps")
    raise LatentiaError(f"Unknown device {name!r}; choose auto, cpu, cuda or mps.")


def cpu_supports_bf16() -> bool:
    """True when oneDNN has bf16 kernels for this CPU (AVX-512 or AMX on x86, bf16 on Arm).

    Without them autocast falls back to converting every operand, which on this project's
    reference AVX2 CPU made a training step ~15x slower.
    """
    try:
        return bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    except (AttributeError, RuntimeError):  # builds without oneDNN
        return False


def _training_step_seconds(model: nn.Module, images: torch.Tensor, bf16: bool) -> float:
    """Wall time of one forward + backward pass, with or without bf16 autocast."""
    start = time.perf_counter()
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=bf16):
        out = model(images)
        loss = out.reconstruction.float().square().mean() + out.posterior.kl().float().mean()
    loss.backward()
    return time.perf_counter() - start


def bf16_is_faster(model: nn.Module, batch_size: int, device: torch.device) -> bool:
    """Whether bf16 autocast should be used for training `model` (a VAE) on `device`.

    CUDA: whenever the GPU supports bf16. CPU: only if a short timing (about 1.5 s, on a copy of
    the model, with random images) shows bf16 steps at least 10% faster than fp32 ones.
    """
    if device.type == "cuda":
        return torch.cuda.is_bf16_supported()
    if device.type != "cpu" or not cpu_supports_bf16():
        return False
    probe = copy.deepcopy(model).cpu().train()  # timing must not touch the real gradients
    config = probe.config
    images = torch.rand(batch_size, config.channels, config.image_size, config.image_size)
    images = images.contiguous(memory_format=torch.channels_last)  # (B, C, S, S)
    times: dict[bool, list[float]] = {False: [], True: []}
    for bf16 in (False, True):
        _training_step_seconds(probe, images, bf16)  # warm-up: oneDNN picks kernels
    deadline = time.perf_counter() + BF16_CHECK_SECONDS
    while time.perf_counter() < deadline or min(len(t) for t in times.values()) < 2:
        for bf16 in (False, True):  # interleaved, so a burst of load hits both alike
            times[bf16].append(_training_step_seconds(probe, images, bf16))
    fp32_best, bf16_best = min(times[False]), min(times[True])
    log.info("bf16 check: fp32 step %.3f s, bf16 step %.3f s", fp32_best, bf16_best)
    return fp32_best > BF16_MIN_SPEEDUP * bf16_best


def describe_device(device: torch.device, bf16: bool) -> str:
    """A short label for the UI, e.g. "CPU · bf16 off" or "CUDA (NVIDIA H100) · bf16 on"."""
    if device.type == "cuda":
        name = f"CUDA ({torch.cuda.get_device_name(device)})"
    elif device.type == "mps":
        name = "Apple MPS"
    else:
        name = device.type.upper()
    return f"{name} · bf16 {'on' if bf16 else 'off'}"


def physical_cores() -> int:
    """Physical cores this process may use: hyper-threads share one core's maths units, so
    extra threads on them slow convolutions down instead of speeding them up."""
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    usable = usable or 1
    try:
        text = Path("/proc/cpuinfo").read_text()
    except OSError:
        return usable
    cores = set()
    physical = ""
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() == "physical id":
            physical = value.strip()
        elif key.strip() == "core id":
            cores.add((physical, value.strip()))
    return max(1, min(usable, len(cores))) if cores else usable


def configure_threads() -> int:
    """Set torch's intra-op threads to the physical core count; returns the count."""
    threads = physical_cores()
    torch.set_num_threads(threads)
    log.info("using %d CPU threads", threads)
    return threads
