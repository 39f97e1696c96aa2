"""`latentia train FOLDER --out PROJECT ...`: ingest, then train with a progress bar.

Ctrl-C (or SIGTERM) stops after the current step and writes a checkpoint, so
`--resume` continues where it stopped. Under `torchrun` every rank trains; rank 0 writes.
"""

from __future__ import annotations

import argparse
import signal
import threading
from pathlib import Path

from models.config import LabelConfig, ProjectConfig, TrainConfig, VAEConfig
from models.errors import LatentiaError


def add_train(sub) -> None:
    from models.cli.commands import add_ingest_options, positive_int

    parser = sub.add_parser("train", help="train a model on a folder of images")
    parser.add_argument("folder", type=Path, help="folder of images (searched recursively)")
    parser.add_argument("--out", type=Path, required=True, help="project folder to write")
    add_ingest_options(parser)
    parser.add_argument("--latent-dim", type=positive_int, default=128)
    parser.add_argument("--width", type=positive_int, default=VAEConfig.width,
                        help="channels of the first network stage")
    length = parser.add_mutually_exclusive_group()
    length.add_argument("--epochs", type=positive_int, help="train for this many epochs")
    length.add_argument("--minutes", type=float, help="train for this many minutes")
    parser.add_argument("--batch-size", type=positive_int, default=TrainConfig.batch_size)
    parser.add_argument("--beta", type=float, default=1.0,
                        help="KL weight: lower = sharper, less varied (1.0)")
    parser.add_argument("--labels", choices=("none", "folders", "paths"), default="none",
                        help="condition on labels: 'folders' = each top-level subfolder is a "
                             "label, 'paths' = each subfolder path is one (nested folders "
                             "apart); images outside subfolders are unlabelled (default none)")
    parser.add_argument("--device", choices=("auto", "cpu", "cuda", "mps"), default="auto")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--resume", action="store_true",
                        help="continue training an existing project from its last checkpoint")
    parser.add_argument("--sharpen", action="store_true",
                        help="with --resume: sharpen a trained model now (adversarial stage; "
                             "for a third of its training length unless --epochs/--minutes)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(run=run_train)


def train_config_from(args: argparse.Namespace) -> TrainConfig:
    epochs = args.epochs if args.epochs or args.minutes else TrainConfig.epochs
    try:
        return TrainConfig(epochs=None if args.minutes else epochs, minutes=args.minutes,
                           batch_size=args.batch_size, beta=args.beta, device=args.device,
                           seed=args.seed)
    except ValueError as exc:
        raise LatentiaError(str(exc)) from exc


def open_or_create(args: argparse.Namespace, config: TrainConfig, context):
    from models.cli.commands import ingest_config_from, print_report
    from models.project import Project
    from models.training.distributed import barrier

    if args.resume:
        if not args.out.exists():
            raise LatentiaError(f"{args.out} does not exist; drop --resume to create it")
        project = Project.open(args.out)
        if args.labels != "none" and args.labels != project.config.labels.source:
            raise LatentiaError(f"{args.out} was made with labels from "
                                f"{project.config.labels.source!r}; --resume keeps them, so "
                                "drop --labels or train a new project")
        return project
    if context.is_writer:  # only rank 0 looks: the others may start after it created the project
        if args.out.exists():
            raise LatentiaError(f"{args.out} already exists; add --resume to continue training "
                                "it, or choose another --out")
        ingest = ingest_config_from(args)
        vae = VAEConfig(image_size=ingest.image_size, channels=ingest.channels,
                        latent_dim=args.latent_dim, width=args.width)
        project = Project.create(args.out, args.folder,
                                 ProjectConfig(ingest, vae, config, LabelConfig(args.labels)),
                                 progress=_ingest_bar(args.quiet))
        print_report(project.report)
        _print_labels(project, args.labels)
    barrier(context)  # other ranks open what rank 0 wrote
    return Project.open(args.out)


def _print_labels(project, source: str) -> None:
    labels = project.labels
    if labels is None:
        if source != "none":
            print("fewer than two subfolders hold images: training without labels")
        return
    shown = ", ".join(labels.names[:10]) + (", ..." if len(labels.names) > 10 else "")
    print(f"{len(labels.names)} labels ({shown}); {labels.labelled} of {len(labels)} images "
          "labelled")


def _ingest_bar(quiet: bool):
    from tqdm import tqdm

    bar = None

    def update(done: int, total: int) -> None:
        nonlocal bar
        if quiet:
            return
        if bar is None:
            bar = tqdm(total=total, desc="reading images", unit="img")
        bar.n = done
        bar.refresh()
        if done >= total:
            bar.close()

    return update


def _stop_flag() -> threading.Event:
    """Ctrl-C and SIGTERM set the flag; the trainer checkpoints and ends after this step."""
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    return stop


def run_train(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from models.training.distributed import context_from_environment, shutdown

    config = train_config_from(args)
    context = context_from_environment()
    try:
        project = open_or_create(args, config, context)
        settings = config if not args.resume else _resumed(project, args)
        if context.is_writer and settings != project.config.train:
            project.set_train_config(settings)
            project.save()  # project.json says what the checkpoint was trained with
        trainer = project.trainer(settings, context)
        stop = _stop_flag()
        show = context.is_writer and not args.quiet
        if context.is_writer:
            print(f"training on {trainer.device_label}, {project.image_count} images")
        bar = tqdm(total=trainer.total_steps, initial=trainer.state.step, unit="step",
                   disable=not show, dynamic_ncols=True)
        for progress in trainer.run(should_stop=stop.is_set):
            _show(bar, progress, context.is_writer)
        bar.close()
    finally:
        shutdown(context)
    return 130 if stop.is_set() else 0


def _resumed(project, args: argparse.Namespace) -> TrainConfig:
    """On --resume keep the project's settings; --epochs/--minutes then mean *more* training.
    --sharpen continues with the adversarial stage on from the first step."""
    if args.sharpen and args.epochs is None and args.minutes is None:
        from models.training.sharpen import sharpen_settings

        return sharpen_settings(project)
    settings = project.more_training(epochs=args.epochs, minutes=args.minutes)
    return settings.replace(sharpen="on") if args.sharpen else settings


def _show(bar, progress, writer: bool) -> None:
    bar.total = progress.total_steps
    bar.n = progress.step
    if progress.kind == "step" and progress.train is not None:
        bar.set_postfix(bpd=f"{progress.train.bits_per_dim:.3f}",
                        img_s=f"{progress.images_per_second:.0f}", refresh=False)
    elif progress.kind == "validation" and writer:
        v, h = progress.validation, progress.health
        bar.write(f"step {progress.step} epoch {progress.epoch:.1f}: validation "
                  f"{v.bits_per_dim:.3f} bits/dim, PSNR {v.psnr_db:.1f} dB, "
                  f"{h.active_units}/{h.latent_dim} active units")
    elif progress.kind in ("warning", "stage", "done") and writer:
        bar.write(progress.message)
    bar.refresh()
