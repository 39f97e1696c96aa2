"""Checkpoints: one folder per checkpoint, swapped in whole so a kill at any moment leaves either
the previous or the new checkpoint complete, never a mixture.

    checkpoint/
        state.json            step, data position, training seconds, lr scale (JSON)
        history.json          progress records so far
        raw.safetensors       model weights being optimised
        ema.safetensors       EMA weights (used for previews and the saved model)
        optimizer.safetensors AdamW moments; param groups in the header metadata
        rng.safetensors       torch RNG state(s)
        prior.safetensors     fitted latent density (written when training ends)
        sharpen.safetensors   the sharpen stage's critic, its optimiser and code Gaussian
"""

from __future__ import annotations

import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path

import torch

from models.config import record_from_json
from models.errors import ProjectError
from models.fileio import read_json, write_json_atomic
from models.weights import (
    load_tensors,
    optimizer_from_tensors,
    optimizer_to_tensors,
    save_tensors,
)

CHECKPOINT_VERSION = 1


@dataclass(frozen=True)
class TrainState:
    """Scalars that, with the tensors, let training continue exactly where it stopped."""

    step: int = 0
    epoch: int = 0  # data position: epoch number ...
    batch: int = 0  # ... and batches already taken from it
    train_seconds: float = 0.0  # time spent training (pauses excluded)
    lr_scale: float = 1.0  # lowered after recovering from non-finite losses
    restores: int = 0
    finished: bool = False
    bf16: bool = False  # the autocast decision of bf16="auto" ...
    bf16_device: str = ""  # ... and the device type it was made for ("" = not made yet)
    sharpen_step: int = -1  # the step the sharpen stage began at; -1: not begun
    sharpen_psnr: float = 0.0  # held-out PSNR when it began (a collapse is judged against it)
    adversarial_scale: float = 1.0  # halved each time a collapse is undone


@dataclass(frozen=True)
class CheckpointTensors:
    raw: dict[str, torch.Tensor]
    ema: dict[str, torch.Tensor]
    optimizer: dict
    rng: dict[str, torch.Tensor]
    sharpen: dict[str, torch.Tensor] = field(default_factory=dict)  # empty: no sharpen stage
    sharpen_meta: str = ""  # JSON: the critic optimiser's scalars


def checkpoint_dir(project_path: Path) -> Path:
    """The complete checkpoint folder, or the previous one if a swap was interrupted."""
    current, previous = project_path / "checkpoint", project_path / "checkpoint.old"
    if (current / "state.json").is_file():
        return current
    if (previous / "state.json").is_file():
        return previous
    return current


def has_checkpoint(project_path: Path) -> bool:
    return (checkpoint_dir(project_path) / "state.json").is_file()


def save_checkpoint(project_path: Path, state: TrainState, tensors: CheckpointTensors,
                    history: list[dict], extra_files: dict[str, Path] | None = None) -> None:
    """Write a new checkpoint folder beside the old one, then swap it in."""
    staging = project_path / "checkpoint.new"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    save_tensors(staging / "raw.safetensors", tensors.raw)
    save_tensors(staging / "ema.safetensors", tensors.ema)
    opt_tensors, opt_meta = optimizer_to_tensors(tensors.optimizer)
    save_tensors(staging / "optimizer.safetensors", opt_tensors, metadata={"meta": opt_meta})
    save_tensors(staging / "rng.safetensors", tensors.rng)
    if tensors.sharpen:
        save_tensors(staging / "sharpen.safetensors", tensors.sharpen,
                     metadata={"meta": tensors.sharpen_meta})
    for name, source in (extra_files or {}).items():
        shutil.copy2(source, staging / name)
    write_json_atomic(staging / "history.json", history)
    write_json_atomic(staging / "state.json", {"version": CHECKPOINT_VERSION, **asdict(state)})
    _swap_in(project_path, staging)


def _swap_in(project_path: Path, staging: Path) -> None:
    current, previous = project_path / "checkpoint", project_path / "checkpoint.old"
    shutil.rmtree(previous, ignore_errors=True)
    if current.exists():
        current.rename(previous)
    staging.rename(current)
    shutil.rmtree(previous, ignore_errors=True)


def load_state(project_path: Path) -> TrainState:
    data = read_json(checkpoint_dir(project_path) / "state.json", "training checkpoint")
    if not isinstance(data, dict) or data.get("version") != CHECKPOINT_VERSION:
        raise ProjectError("the training checkpoint has an unknown format version")
    try:
        return record_from_json(TrainState, data)
    except (TypeError, ValueError) as exc:
        raise ProjectError("the training checkpoint is corrupt") from exc


def load_history(project_path: Path) -> list[dict]:
    path = checkpoint_dir(project_path) / "history.json"
    if not path.is_file():
        return []
    history = read_json(path, "training history")
    if not isinstance(history, list):
        raise ProjectError("the training history is corrupt")
    return history


def load_prior(project_path: Path):
    """The latent density fitted when training last ended, or None before that."""
    from models.prior import prior_from_arrays
    from models.weights import tensors_to_numpy

    path = checkpoint_dir(project_path) / "prior.safetensors"
    if not path.is_file():
        return None
    return prior_from_arrays(tensors_to_numpy(load_tensors(path, "latent prior"), ""))


def load_ema_weights(project_path: Path) -> dict[str, torch.Tensor]:
    return load_tensors(checkpoint_dir(project_path) / "ema.safetensors", "model weights")


def load_checkpoint_tensors(project_path: Path) -> CheckpointTensors:
    folder = checkpoint_dir(project_path)
    optimizer_path = folder / "optimizer.safetensors"
    opt_tensors = load_tensors(optimizer_path, "optimiser state")
    meta = _header_meta(optimizer_path)
    sharpen_path = folder / "sharpen.safetensors"
    sharpen = load_tensors(sharpen_path, "sharpen stage") if sharpen_path.is_file() else {}
    return CheckpointTensors(
        raw=load_tensors(folder / "raw.safetensors", "model weights"),
        ema=load_tensors(folder / "ema.safetensors", "model weights"),
        optimizer=optimizer_from_tensors(opt_tensors, meta),
        rng=load_tensors(folder / "rng.safetensors", "random state"),
        sharpen=sharpen, sharpen_meta=_header_meta(sharpen_path) if sharpen else "",
    )


def _header_meta(path: Path) -> str:
    from safetensors import safe_open

    with safe_open(str(path), framework="pt") as handle:
        return (handle.metadata() or {}).get("meta", "")
