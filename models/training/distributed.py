"""Several GPUs (or CPU processes) via torchrun + DistributedDataParallel. Rank 0 writes."""

from __future__ import annotations

import os
from dataclasses import dataclass

import torch
import torch.distributed as dist


@dataclass(frozen=True)
class DistContext:
    rank: int = 0
    world_size: int = 1
    local_rank: int = 0

    @property
    def enabled(self) -> bool:
        return self.world_size > 1

    @property
    def is_writer(self) -> bool:
        """Only rank 0 writes checkpoints, history and the project."""
        return self.rank == 0


def context_from_environment() -> DistContext:
    """Read torchrun's variables and join the process group (NCCL on CUDA, else gloo)."""
    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    if world_size <= 1:
        return DistContext()
    if not dist.is_initialized():
        backend = "nccl" if torch.cuda.is_available() else "gloo"
        dist.init_process_group(backend=backend)
    return DistContext(rank=dist.get_rank(), world_size=dist.get_world_size(),
                       local_rank=int(os.environ.get("LOCAL_RANK", "0")))


def device_for_rank(device: torch.device, context: DistContext) -> torch.device:
    if context.enabled and device.type == "cuda":
        torch.cuda.set_device(context.local_rank)
        return torch.device("cuda", context.local_rank)
    return device


def barrier(context: DistContext) -> None:
    if context.enabled:
        dist.barrier()


def shutdown(context: DistContext) -> None:
    if context.enabled and dist.is_initialized():
        dist.barrier()
        dist.destroy_process_group()


def agree_on(flag: bool, context: DistContext) -> bool:
    """Rank 0's decision, everywhere (e.g. bf16 on/off, measured per process)."""
    return bool(rank0_value(float(flag), context))


def rank0_value(value: float, context: DistContext) -> float:
    """Rank 0's `value` on every rank, e.g. the seconds a step took: with one clock for all,
    every rank decides alike when the time budget is spent and when to checkpoint."""
    if not context.enabled:
        return value
    tensor = torch.tensor([value], dtype=torch.float64, device=_collective_device())
    dist.broadcast(tensor, src=0)
    return float(tensor.item())


def any_rank(flag: bool, context: DistContext) -> bool:
    """True on every rank when it is True on at least one (e.g. a stop request)."""
    if not context.enabled:
        return flag
    tensor = torch.tensor([int(flag)], device=_collective_device())
    dist.all_reduce(tensor, op=dist.ReduceOp.MAX)
    return bool(tensor.item())


def _collective_device() -> str:
    return "cuda" if dist.get_backend() == "nccl" else "cpu"
