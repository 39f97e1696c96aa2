"""`latentia sample`: a grid of new images in one PNG that remembers how it was made.

The PNG carries the same provenance as an exported still (`models.export`): every sample's
latent code, the model's identity, the seed and the temperature, so dropping it on Latentia
finds its codes again (Remix) and `--seed` draws the same grid again.
"""

from __future__ import annotations

import argparse
import math
import secrets
from pathlib import Path

import numpy as np

from models.errors import LatentiaError

GRID_SPACING = 2  # white pixels between samples


def image_grid(images: np.ndarray, columns: int, spacing: int = GRID_SPACING) -> np.ndarray:
    """float (N, C, S, S) in [0, 1] -> uint8 (H, W, C) grid with white (opaque) gaps."""
    import torch
    from torchvision.utils import make_grid

    from models.pixels import to_uint8_images

    grid = make_grid(torch.from_numpy(images), nrow=columns, padding=spacing, pad_value=1.0)
    return to_uint8_images(grid.numpy()[None])[0]  # (H, W, C)


def check_output(out: Path, overwrite: bool) -> None:
    """Fail before any work when `out` cannot or may not be written."""
    if out.suffix.lower() != ".png":
        raise LatentiaError("the output must be a .png file")
    if not out.parent.is_dir():
        raise LatentiaError(f"cannot write {out}: the folder {out.parent} does not exist")
    if (out.exists() or out.is_symlink()) and not overwrite:
        raise LatentiaError(f"{out} already exists; add --overwrite to replace it")


def write_sample_grid(args: argparse.Namespace) -> None:
    """Check the output, draw `args.n` samples, write them as one PNG with their provenance."""
    from models.export import Provenance, write_png
    from models.project import open_project

    check_output(args.out, args.overwrite)
    project = open_project(args.project)
    seed = secrets.randbelow(2**32) if args.seed is None else args.seed
    latents = project.sample_latents(args.n, temperature=args.temperature, seed=seed,
                                     prior=args.prior, label=args.label)  # (N, D [+ labels])
    columns = math.ceil(math.sqrt(args.n))
    grid = image_grid(project.decode(latents), columns)
    settings = {"samples": args.n, "temperature": args.temperature, "seed": seed,
                "prior": args.prior, "columns": columns, "spacing": GRID_SPACING}
    if args.label is not None:
        settings["label"] = args.label
    provenance = Provenance.create(latents, project.model_id, settings, kind="sample")
    write_png(args.out, grid, provenance=provenance, overwrite=args.overwrite)
    again = "" if args.seed is not None else f" (seed {seed}: --seed {seed} draws them again)"
    print(f"wrote {args.n} samples to {args.out}{again}")
