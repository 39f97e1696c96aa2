"""The `info`, `sample` and `ingest` commands, and the argument set of each command."""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path

from models.cli import arguments
from models.cli.train_command import add_train  # noqa: F401  (re-exported for the parser)
from models.config import FIT_MODES, RESOLUTION_PRESETS, IngestConfig
from models.errors import IngestError


def add_ingest_options(parser: argparse.ArgumentParser, *, defaults: bool = True) -> None:
    """--size, --keep-alpha, --fit; with `defaults=False` an option not given stays None (so
    `train --resume` can tell a repeated setting from a changed one)."""
    parser.add_argument("--size", type=int, choices=RESOLUTION_PRESETS,
                        default=IngestConfig.image_size if defaults else None,
                        help=f"training resolution in pixels (default {IngestConfig.image_size})")
    parser.add_argument("--keep-alpha", action="store_true", default=False if defaults else None,
                        help="keep transparency and train on RGBA images")
    parser.add_argument("--fit", choices=FIT_MODES, default=IngestConfig.fit if defaults else None,
                        help="centre-crop (default) or pad images to a square")


def ingest_config_from(args: argparse.Namespace) -> IngestConfig:
    return IngestConfig(image_size=args.size, keep_alpha=args.keep_alpha, fit=args.fit)


def print_report(report, limit: int = 20) -> None:
    print(report.summary())
    for skipped in report.skipped[:limit]:
        print(f"  skipped {skipped.path}: {skipped.reason}")
    if len(report.skipped) > limit:
        print(f"  ... and {len(report.skipped) - limit} more (see `latentia ingest --json`)")


# -- info ------------------------------------------------------------------------------------
def add_info(sub) -> None:
    parser = sub.add_parser("info", help="describe a project or exported model")
    parser.add_argument("project", type=Path)
    parser.add_argument("--json", action="store_true", help="print JSON")
    parser.set_defaults(run=run_info)


def project_summary(project) -> dict:
    last = next((p for p in reversed(project.history) if p.kind == "validation"), None)
    validation = last.validation if last else None

    def number(value: float | None) -> float | None:
        return None if value is None or not math.isfinite(value) else round(value, 4)

    return {
        "name": project.name, "path": str(project.path), "source_folder": project.source_folder,
        "images": project.image_count, "image_size": project.image_size,
        "channels": project.channels, "latent_dim": project.style_dim,
        "trained_steps": project.trained_steps, "read_only": project.read_only,
        "model_id": project.model_id if project.is_trained else None,
        "validation_bits_per_dim": number(validation.bits_per_dim) if validation else None,
        "validation_psnr_db": number(validation.psnr_db) if validation else None,
        "active_units": last.health.active_units if last and last.health else None,
        "labels": ", ".join(project.label_names) or None,
        "config": project.config.to_dict(),
    }


def run_info(args: argparse.Namespace) -> int:
    from models.project import open_project

    summary = project_summary(open_project(args.project))
    if args.json:
        print(json.dumps(summary, indent=2))
        return 0
    for key, value in summary.items():
        if key != "config" and value is not None:
            print(f"{key.replace('_', ' '):>24}: {value}")
    return 0


# -- sample ----------------------------------------------------------------------------------
def add_sample(sub) -> None:
    parser = sub.add_parser("sample", help="write a grid of random samples to a PNG")
    parser.add_argument("project", type=Path)
    parser.add_argument("-n", type=arguments.samples, default=16,
                        help=f"number of samples, 1 to {arguments.MAX_SAMPLES} (16)")
    parser.add_argument("--out", type=Path, required=True,
                        help="PNG file to write; it carries the samples' latent codes, the "
                             "model, seed and temperature, so it can be remixed")
    parser.add_argument("--temperature", type=arguments.temperature, default=1.0,
                        help="spread of the samples: lower = safer, higher = wilder (1.0)")
    parser.add_argument("--seed", type=arguments.seed, default=None,
                        help="draw the same samples again (default: a new seed, printed)")
    parser.add_argument("--prior", choices=("fitted", "normal"), default="fitted",
                        help="sample the density fitted to your images (default) or N(0, I)")
    parser.add_argument("--label", default=None,
                        help="draw every sample with this label (models trained with --labels;"
                             " default: random labels)")
    parser.add_argument("--overwrite", action="store_true", help="replace an existing file")
    parser.set_defaults(run=run_sample)


def run_sample(args: argparse.Namespace) -> int:
    from models.cli.sampling import write_sample_grid

    write_sample_grid(args)
    return 0


# -- ingest ----------------------------------------------------------------------------------
def add_ingest(sub) -> None:
    parser = sub.add_parser("ingest", help="check a folder: which images are usable and why not")
    parser.add_argument("folder", type=Path)
    add_ingest_options(parser)
    parser.add_argument("--json", action="store_true", help="print the full report as JSON")
    parser.set_defaults(run=run_ingest)


def run_ingest(args: argparse.Namespace) -> int:
    from models.ingest import scan_report

    report, _preview = scan_report(args.folder, ingest_config_from(args), limit_preview=0)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        print_report(report, limit=1000)
    if report.usable == 0:
        raise IngestError(f"no usable images in {args.folder}: nothing to train on")
    return 0
