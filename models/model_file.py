"""The shareable single-file model: EMA weights + prior + config + manifest, no image cache.

A `.latentia-model` file is a safetensors file: tensors `model.*` and `prior.*`, and a JSON
document in the header metadata. It opens on any machine, with or without a GPU, and opening it
never unpickles anything.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from safetensors import SafetensorError, safe_open

from models.config import ProjectConfig
from models.errors import ProjectError
from models.records import IngestReport
from models.weights import numpy_to_tensors, save_tensors

MODEL_FORMAT = "latentia-model"
MODEL_FORMAT_VERSION = 1


@dataclass(frozen=True)
class ModelFile:
    name: str
    config: ProjectConfig
    report: IngestReport
    manifest: tuple[dict, ...]  # {"path", "size", "digest"} of each training image
    trained_steps: int
    weights: dict[str, torch.Tensor]  # VAE state dict
    prior: dict[str, np.ndarray]  # LatentPrior.to_arrays()


def write_model_file(path: Path, model: ModelFile) -> None:
    document = {
        "name": model.name, "config": model.config.to_dict(), "report": model.report.to_dict(),
        "manifest": list(model.manifest), "trained_steps": model.trained_steps,
    }
    tensors = {f"model.{k}": v for k, v in model.weights.items()}
    tensors.update(numpy_to_tensors(model.prior, "prior."))
    metadata = {"format": MODEL_FORMAT, "format_version": str(MODEL_FORMAT_VERSION),
                "document": json.dumps(document)}
    save_tensors(Path(path), tensors, metadata=metadata)


def read_model_file(path: Path) -> ModelFile:
    """Read and validate a model file; every failure is one clear ProjectError."""
    try:
        with safe_open(str(path), framework="pt", device="cpu") as handle:
            metadata = handle.metadata() or {}
            tensors = {key: handle.get_tensor(key) for key in handle.keys()}  # noqa: SIM118
    except (SafetensorError, OSError, ValueError, RuntimeError) as exc:
        raise ProjectError(f"{path} is not a Latentia model file (or it is corrupt)") from exc
    if metadata.get("format") != MODEL_FORMAT:
        raise ProjectError(f"{path} is not a Latentia model file")
    if metadata.get("format_version") != str(MODEL_FORMAT_VERSION):
        raise ProjectError(f"{path} was written by an unknown version of Latentia "
                           f"(format {metadata.get('format_version')})")
    try:
        document = json.loads(metadata["document"])
        return ModelFile(
            name=str(document["name"]), config=ProjectConfig.from_dict(document["config"]),
            report=IngestReport.from_dict(document["report"]),
            manifest=tuple(document["manifest"]), trained_steps=int(document["trained_steps"]),
            weights={k[6:]: v for k, v in tensors.items() if k.startswith("model.")},
            prior={k[6:]: v.numpy() for k, v in tensors.items() if k.startswith("prior.")})
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ProjectError(f"the description inside {path} is corrupt") from exc
