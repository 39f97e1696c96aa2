"""`latentia train FOLDER --out PROJECT ...`: ingest, then train with a progress bar.

Ctrl-C (or SIGTERM) stops after the current step and writes a checkpoint, so
`--resume` continues where it stopped. Under `torchrun` every rank trains; rank 0 writes.
"""

from __future__ import annotations

import argparse
import contextlib
import shutil
import signal
import threading
from collections.abc import Iterator
from pathlib import Path

from models.cli import EXIT_INTERRUPTED
from models.config import (
    DEVICES,
    FOLDER_LABEL_SOURCES,
    LABELLED_LATENT_DIM,
    IngestConfig,
    LabelConfig,
    ProjectConfig,
    TrainConfig,
    VAEConfig,
    default_latent_dim,
)
from models.errors import LatentiaError

# Settings a project keeps for life: on --resume each may be repeated, but not changed.
# (option, argparse dest, default for a new project, the project's value)
KEPT_SETTINGS = (
    ("--size", "size", IngestConfig.image_size, lambda c: c.ingest.image_size),
    ("--keep-alpha", "keep_alpha", False, lambda c: c.ingest.keep_alpha),
    ("--fit", "fit", IngestConfig.fit, lambda c: c.ingest.fit),
    ("--latent-dim", "latent_dim", VAEConfig.latent_dim, lambda c: c.vae.latent_dim),
    ("--width", "width", VAEConfig.width, lambda c: c.vae.width),
    ("--batch-size", "batch_size", TrainConfig.batch_size, lambda c: c.train.batch_size),
    ("--beta", "beta", TrainConfig.beta, lambda c: c.train.beta),
    ("--seed", "seed", TrainConfig.seed, lambda c: c.train.seed),
)


def add_train(sub) -> None:
    from models.cli import arguments
    from models.cli.commands import add_ingest_options

    parser = sub.add_parser("train", help="train a model on a folder of images")
    parser.add_argument("folder", type=Path, help="folder of images (searched recursively)")
    parser.add_argument("--out", type=Path, required=True, help="project folder to write")
    add_ingest_options(parser, defaults=False)
    parser.add_argument("--latent-dim", type=arguments.latent_dim,
                        help=f"numbers describing one image ({VAEConfig.latent_dim}; "
                             f"{LABELLED_LATENT_DIM} with --labels, the style alone)")
    parser.add_argument("--width", type=arguments.width,
                        help=f"channels of the first network stage ({VAEConfig.width})")
    length = parser.add_mutually_exclusive_group()
    length.add_argument("--epochs", type=arguments.epochs,
                        help=f"train for this many epochs ({TrainConfig.epochs})")
    length.add_argument("--minutes", type=arguments.minutes, help="train for this many minutes")
    parser.add_argument("--batch-size", type=arguments.batch_size,
                        help=f"images per step ({TrainConfig.batch_size})")
    parser.add_argument("--beta", type=arguments.beta,
                        help=f"KL weight: lower = sharper, less varied ({TrainConfig.beta:g})")
    parser.add_argument("--device", choices=DEVICES,
                        help="auto (default: CUDA, then Apple MPS, then CPU), cpu, cuda or mps")
    parser.add_argument("--seed", type=arguments.seed,
                        help=f"same seed and settings, same model ({TrainConfig.seed})")
    parser.add_argument("--labels", choices=("none", *FOLDER_LABEL_SOURCES),
                        help="condition on labels: 'folders' = each top-level subfolder is a "
                             "label, 'paths' = each subfolder path is one (nested folders "
                             "apart); images outside subfolders are unlabelled (default none)")
    maps = parser.add_mutually_exclusive_group()
    maps.add_argument("--style-maps", action="store_true", default=None,
                      help="labelled projects: when a run ends, map each label's codes onto one "
                           "shared distribution, so that no line through the codes reads the "
                           "label (the default; kept by --resume until --no-style-maps)")
    maps.add_argument("--no-style-maps", action="store_false", dest="style_maps",
                      help="labelled projects: no style maps, the codes as the encoder gives "
                           "them")
    parser.add_argument("--resume", action="store_true",
                        help="continue training an existing project from its last checkpoint "
                             "(its settings stay; --epochs/--minutes then mean more training)")
    parser.add_argument("--sharpen", action="store_true",
                        help="with --resume: sharpen a trained model now (adversarial stage; "
                             "for a quarter of its training length unless --epochs/--minutes)")
    parser.add_argument("--prior", choices=("diffusion", "gmm"),
                        help="sampling prior fitted when a run ends: the learned diffusion "
                             f"model or the Gaussian mixture ({TrainConfig.prior})")
    parser.add_argument("--no-sharpen", action="store_true",
                        help="never run the adversarial sharpen stage (by default it takes the "
                             "last quarter of a run)")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(run=run_train)


def new_project_config(args: argparse.Namespace) -> ProjectConfig:
    """The settings of a new project: what was given, the defaults for the rest."""
    given = {dest: default if getattr(args, dest) is None else getattr(args, dest)
             for _option, dest, default, _value in KEPT_SETTINGS}
    if args.latent_dim is None:
        given["latent_dim"] = default_latent_dim(args.labels or "none")
    if args.style_maps and args.labels not in FOLDER_LABEL_SOURCES:
        raise LatentiaError("--style-maps needs labels (--labels folders or paths)")
    epochs = args.epochs if args.epochs or args.minutes else TrainConfig.epochs
    try:
        ingest = IngestConfig(image_size=given["size"], keep_alpha=given["keep_alpha"],
                              fit=given["fit"])
        vae = VAEConfig(image_size=ingest.image_size, channels=ingest.channels,
                        latent_dim=given["latent_dim"], width=given["width"])
        train = TrainConfig(epochs=None if args.minutes else epochs, minutes=args.minutes,
                            batch_size=given["batch_size"], beta=given["beta"],
                            device=args.device or TrainConfig.device, seed=given["seed"])
        return ProjectConfig(ingest, vae, with_stage_options(train, args),
                             LabelConfig(args.labels or "none"))
    except ValueError as exc:
        raise LatentiaError(str(exc)) from exc


def resumed_config(project, args: argparse.Namespace) -> TrainConfig:
    """On --resume the project's settings, with --device if given; --epochs or --minutes then
    mean *more* training. A kept setting given with another value is refused, not ignored."""
    for option, dest, _default, value in KEPT_SETTINGS:
        wanted = getattr(args, dest)
        if wanted is not None and wanted != value(project.config):
            raise LatentiaError(f"{option} {wanted} differs from the project's "
                                f"{value(project.config)}; a resumed project keeps its "
                                "settings (drop the option, or train a new project)")
    try:
        config = with_stage_options(_longer(project, args), args)
        return config.replace(device=args.device) if args.device else config
    except ValueError as exc:
        raise LatentiaError(str(exc)) from exc


def with_stage_options(config: TrainConfig, args: argparse.Namespace) -> TrainConfig:
    """`config` with the prior --prior names, the style maps if --style-maps or
    --no-style-maps is given, and, with --no-sharpen, no sharpen stage."""
    if args.sharpen and args.no_sharpen:
        raise LatentiaError("--sharpen and --no-sharpen contradict each other")
    if args.prior is not None:
        config = config.replace(prior=args.prior)
    if args.style_maps is not None:
        config = config.replace(style_maps=args.style_maps)
    return config.replace(sharpen="off") if args.no_sharpen else config


def _longer(project, args: argparse.Namespace) -> TrainConfig:
    """--epochs/--minutes more; --sharpen continues with the adversarial stage on from the
    first step (for a quarter of the training length unless --epochs/--minutes)."""
    if args.sharpen and args.epochs is None and args.minutes is None:
        from models.training.sharpen import sharpen_settings

        return sharpen_settings(project)
    settings = project.more_training(epochs=args.epochs, minutes=args.minutes)
    return settings.replace(sharpen="on") if args.sharpen else settings


def open_or_create(args: argparse.Namespace, config: ProjectConfig | None, context,
                   stop: threading.Event):
    """The project to train; for a new one (`config` given) rank 0 ingests the folder first."""
    from models.cli.commands import print_report
    from models.project import Project
    from models.training.distributed import barrier

    if config is None:
        if not args.out.exists():
            raise LatentiaError(f"{args.out} does not exist; drop --resume to create it")
        project = Project.open(args.out)
        if args.style_maps and project.config.labels.source == "none":
            raise LatentiaError(f"{args.out} was made without labels; --style-maps needs them")
        if args.labels is not None and args.labels != project.config.labels.source:
            raise LatentiaError(f"{args.out} was made with labels from "
                                f"{project.config.labels.source!r}; --resume keeps them, so "
                                "drop --labels or train a new project")
        return project
    if context.is_writer:  # only rank 0 looks: the others may start after it created the project
        if args.out.exists():
            raise LatentiaError(f"{args.out} already exists; add --resume to continue training "
                                "it, or choose another --out")
        project = Project.create(args.out, args.folder, config, progress=_ingest_bar(args.quiet),
                                 should_stop=stop.is_set)
        print_report(project.report)
        _print_labels(project, args.labels or "none")
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


def remove_if_untrained(path: Path) -> None:
    """After a failed first run: a project without a checkpoint is removed, so the same command
    can simply be run again; one with a checkpoint stays, and `--resume` continues it."""
    from models.training import checkpoint as ckpt

    if path.is_dir() and not ckpt.has_checkpoint(path):
        shutil.rmtree(path, ignore_errors=True)


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


@contextlib.contextmanager
def _stop_on_signals() -> Iterator[threading.Event]:
    """Ctrl-C and SIGTERM set the flag: ingestion cancels, training checkpoints and ends after
    its current step. The previous handlers come back afterwards."""
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set())
                for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


def run_train(args: argparse.Namespace) -> int:
    from models.runtime import select_device
    from models.training.distributed import context_from_environment, shutdown

    config = None if args.resume else new_project_config(args)  # nothing written yet
    select_device(args.device or "auto")  # a missing GPU is refused before any work
    context = context_from_environment()
    created = False
    try:
        with _stop_on_signals() as stop:
            project = open_or_create(args, config, context, stop)
            created = config is not None
            _train(project, args, context, stop)
    except BaseException:
        if created and context.is_writer:
            remove_if_untrained(args.out)
        raise
    finally:
        shutdown(context)
    return EXIT_INTERRUPTED if stop.is_set() else 0


def _train(project, args: argparse.Namespace, context, stop: threading.Event) -> None:
    """Train with a progress bar until done or `stop` (Ctrl-C, SIGTERM) is set."""
    from tqdm import tqdm

    settings = resumed_config(project, args) if args.resume else project.config.train
    if context.is_writer and settings != project.config.train:
        project.set_train_config(settings)
        project.save()  # project.json says what the checkpoint was trained with
    trainer = project.trainer(settings, context)
    show = context.is_writer and not args.quiet
    if context.is_writer:
        print(f"training on {trainer.device_label}, {project.image_count} images")
    bar = tqdm(total=trainer.total_steps, initial=trainer.state.step, unit="step",
               disable=not show, dynamic_ncols=True)
    for progress in trainer.run(should_stop=stop.is_set):
        _show(bar, progress, context.is_writer)
    bar.close()


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
