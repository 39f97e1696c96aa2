"""Safetensors storage for weights, optimiser state and other tensors. Never pickle.

Everything a user may be sent is opened with `safetensors`, which reads raw tensor bytes and a
JSON header only, so a crafted file cannot run code. Non-tensor values go in JSON.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from models.errors import ProjectError
from models.fileio import atomic_path


def save_tensors(path: Path, tensors: dict[str, torch.Tensor],
                 metadata: dict[str, str] | None = None) -> None:
    """Write tensors atomically (CPU, contiguous copies; shared storage is not allowed)."""
    plain = {k: v.detach().to("cpu").contiguous().clone() for k, v in tensors.items()}
    with atomic_path(path) as tmp:
        save_file(plain, str(tmp), metadata=metadata)


def load_tensors(path: Path, what: str) -> dict[str, torch.Tensor]:
    """Load a safetensors file; anything else (a pickle, a truncated file) is a ProjectError."""
    if not Path(path).is_file():
        raise ProjectError(f"the {what} is missing ({path})")
    try:
        return load_file(str(path), device="cpu")
    except (SafetensorError, OSError, ValueError, RuntimeError) as exc:
        raise ProjectError(f"the {what} is corrupt or not a safetensors file ({path})") from exc


def numpy_to_tensors(arrays: dict[str, np.ndarray], prefix: str) -> dict[str, torch.Tensor]:
    return {f"{prefix}{k}": torch.from_numpy(np.ascontiguousarray(v)) for k, v in arrays.items()}


def tensors_to_numpy(tensors: dict[str, torch.Tensor], prefix: str) -> dict[str, np.ndarray]:
    return {k[len(prefix):]: v.numpy() for k, v in tensors.items() if k.startswith(prefix)}


def optimizer_to_tensors(state: dict) -> tuple[dict[str, torch.Tensor], str]:
    """Split `optimizer.state_dict()` into tensors and a JSON string of everything else."""
    tensors: dict[str, torch.Tensor] = {}
    scalars: dict[str, dict] = {}
    for param_id, param_state in state["state"].items():
        for key, value in param_state.items():
            if torch.is_tensor(value):
                tensors[f"{param_id}.{key}"] = value
            else:
                scalars.setdefault(str(param_id), {})[key] = value
    meta = {"param_groups": state["param_groups"], "scalars": scalars}
    return tensors, json.dumps(meta)


def optimizer_from_tensors(tensors: dict[str, torch.Tensor], meta_json: str) -> dict:
    """Inverse of `optimizer_to_tensors`, ready for `optimizer.load_state_dict`."""
    try:
        meta = json.loads(meta_json)
        state: dict[int, dict] = {}
        for name, value in tensors.items():
            param_id, key = name.split(".", 1)
            state.setdefault(int(param_id), {})[key] = value
        for param_id, values in meta["scalars"].items():
            state.setdefault(int(param_id), {}).update(values)
        return {"state": state, "param_groups": meta["param_groups"]}
    except (ValueError, KeyError, TypeError) as exc:
        raise ProjectError("the optimiser state in the checkpoint is corrupt") from exc
