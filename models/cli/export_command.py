"""`latentia export PROJECT ...`: animations and stills without opening a window.

    latentia export shapes.latentia --between a.png b.png --frames 60 --gif out.gif --size 256
    latentia export shapes.latentia --path walk.json --webp walk.webp
    latentia export shapes.latentia --item "cat to dog" --png sheet.png --sheet --columns 8
    latentia export glyphs.latentia --blend-labels A/Lato.png A B --gif a-to-b.gif

Exactly one of --between/--path/--item/--blend-labels says what, exactly one output option
says where.
Everything is checked before any decoding, and every mistake is one `latentia: error:` line.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from models.errors import ExportError, LatentiaError
from models.export import Provenance
from models.labels import LABEL_CONTRAST, MAX_CONTRAST
from models.latent_map.maths.interpolation import EASINGS, INTERPOLATION_MODES

log = logging.getLogger(__name__)

SOURCES = ("between", "path", "item", "blend_labels")
# Output options, named as `ExportRequest` formats; `--png` becomes "sheet" with `--sheet`.
OUTPUTS = ("gif", "webp", "apng", "mp4", "frames_dir", "png")
DEFAULT_FRAMES = 60
DEFAULT_FPS = 24.0

Progress = Callable[[int, int], None] | None
Renderer = Callable[[Progress], tuple[np.ndarray, Provenance]]


@dataclass(frozen=True)
class ExportPlan:
    """A checked export source: its playback defaults, and how to make its frames."""

    render: Renderer  # progress -> (uint8 frames (n, S, S, C), their provenance)
    fps: float = DEFAULT_FPS
    loop: int = 0
    pingpong: bool = False


def add_export(sub) -> None:
    from models.cli import arguments

    parser = sub.add_parser(
        "export", help="write an interpolation, a map path or a gallery item to a GIF, "
                       "WebP, APNG, MP4, PNG or a folder of PNG frames")
    parser.add_argument("project", type=Path)
    what = parser.add_argument_group("what to export (one of)")
    what.add_argument("--between", nargs=2, metavar=("IMAGE_A", "IMAGE_B"),
                      help="morph between two images of the project's folder (a path "
                           "relative to it, an absolute path, or a file name)")
    what.add_argument("--path", type=Path, metavar="PATH_JSON",
                      help="a path drawn on the map and saved from the Canvas")
    what.add_argument("--item", metavar="NAME", help="a gallery item, by name or id")
    what.add_argument("--blend-labels", nargs=3, metavar=("IMAGE", "LABEL_A", "LABEL_B"),
                      help="a model trained with labels: the image's style as its label "
                           "blends from LABEL_A to LABEL_B")
    made = parser.add_argument_group("how frames are made")
    made.add_argument("--frames", type=arguments.frames,
                      help=f"frames of a --between, --blend-labels or --path animation "
                           f"({DEFAULT_FRAMES}; a path file's own count)")
    made.add_argument("--mode", choices=INTERPOLATION_MODES, default="slerp",
                      help="--between interpolation (slerp)")
    made.add_argument("--easing", choices=EASINGS, default="linear",
                      help="--between and --blend-labels speed curve (linear)")
    made.add_argument("--contrast", type=arguments.number(0.0, MAX_CONTRAST),
                      default=LABEL_CONTRAST,
                      help=f"--blend-labels: draw past each label, away from the image's own "
                           f"(0 to {MAX_CONTRAST:g}; 0 = exactly the labels): fewer ghosts of "
                           f"its old shape, but colours may shift")
    made.add_argument("--regenerate", action="store_true",
                      help="--item: decode again with the current model instead of using "
                           "the frames saved with the item")
    out = parser.add_argument_group("where to write (one of)")
    for option in OUTPUTS:
        out.add_argument(f"--{option.replace('_', '-')}", type=Path,
                         metavar="DIR" if option == "frames_dir" else "FILE")
    _add_write_options(parser, arguments.frames)
    parser.set_defaults(run=run_export)


def _add_write_options(parser: argparse.ArgumentParser, columns) -> None:
    options = parser.add_argument_group("output settings")
    options.add_argument("--sheet", action="store_true",
                         help="with --png: every frame on one sprite sheet")
    options.add_argument("--columns", type=columns, help="sprite sheet columns")
    options.add_argument("--fps", type=float, help=f"frames per second ({DEFAULT_FPS:g})")
    options.add_argument("--loop", type=int,
                         help="plays of the animation: 0 forever (default), 1 once, n times")
    options.add_argument("--pingpong", action=argparse.BooleanOptionalAction, default=None,
                         help="play forwards, then backwards")
    options.add_argument("--dither", action=argparse.BooleanOptionalAction, default=True,
                         help="GIF: ordered dithering, steady from frame to frame (on); "
                              "--no-dither maps each pixel to its nearest colour")
    options.add_argument("--scale", type=int, help="enlarge every frame by 1..8 times")
    options.add_argument("--size", type=int, help="output size in pixels, a whole multiple "
                                                  "of the model's size (instead of --scale)")
    options.add_argument("--resample", choices=("lanczos", "nearest"), default="lanczos",
                         help="enlarging filter: lanczos (smooth, default) or nearest (crisp "
                              "pixel art)")
    options.add_argument("--overwrite", action="store_true", help="replace existing files")
    options.add_argument("--quiet", action="store_true", help="no progress bars")


def run_export(args: argparse.Namespace) -> int:
    from models.gallery import ExportRequest, export_frames
    from models.project import open_project

    source, (output_format, target) = _chosen_source(args), _chosen_output(args)
    _check_combinations(args, source, output_format)
    project = open_project(args.project)
    if not project.is_trained:
        raise LatentiaError(f"{args.project} has not been trained yet; train it first")
    plan = {"between": _between_plan, "path": _path_plan, "item": _item_plan,
            "blend_labels": _blend_plan}[source](args, project)
    request = ExportRequest(
        format="sheet" if args.sheet else output_format, path=target,
        fps=_pick(args.fps, plan.fps), loop=_pick(args.loop, plan.loop),
        pingpong=_pick(args.pingpong, plan.pingpong), dither=args.dither,
        scale=_scale(args, project.image_size), resample=args.resample, columns=args.columns,
        overwrite=args.overwrite)
    _refuse_existing(request)
    frames, provenance = plan.render(_bar("decoding", args.quiet))
    written = export_frames(request, frames, provenance, progress=_bar("writing", args.quiet))
    print(f"wrote {_describe(request, len(frames))} to {written}")
    return 0


def _pick(given, default):
    return default if given is None else given


# -- what to export --------------------------------------------------------------------------
def _between_plan(args: argparse.Namespace, project) -> ExportPlan:
    from models.gallery import ItemSettings, between_images, find_project_image, item_provenance

    first, second = args.between
    for name in (first, second):
        find_project_image(project, name)  # fails now, not after the output checks
    settings = ItemSettings(frames=_pick(args.frames, DEFAULT_FRAMES),
                            fps=_pick(args.fps, DEFAULT_FPS), loop=_pick(args.loop, 0),
                            pingpong=bool(args.pingpong), easing=args.easing)

    def render(progress: Progress) -> tuple[np.ndarray, Provenance]:
        made = between_images(project, first, second, settings, mode=args.mode,
                              progress=progress)
        return made.frames, item_provenance(made.item)

    return ExportPlan(render)


def _blend_plan(args: argparse.Namespace, project) -> ExportPlan:
    from models.gallery import ItemSettings, find_project_image, item_provenance, label_blend

    image, first, second = args.blend_labels
    find_project_image(project, image)  # each fails now, not after the output checks
    for label in (first, second):
        project.label_index(label)
    settings = ItemSettings(frames=_pick(args.frames, DEFAULT_FRAMES),
                            fps=_pick(args.fps, DEFAULT_FPS), loop=_pick(args.loop, 0),
                            pingpong=bool(args.pingpong), easing=args.easing)

    def render(progress: Progress) -> tuple[np.ndarray, Provenance]:
        made = label_blend(project, image, first, second, settings, progress=progress,
                           contrast=args.contrast)
        return made.frames, item_provenance(made.item)

    return ExportPlan(render)


def _path_plan(args: argparse.Namespace, project) -> ExportPlan:
    from models.gallery import along_path, item_provenance
    from models.latent_map import load_path

    if not args.path.is_file():
        raise ExportError(f"the path file {args.path} does not exist")
    map_path = load_path(args.path)
    if map_path.model_id != project.model_id:
        log.warning("%s was drawn with an earlier model; its points may now show other "
                    "images", args.path)

    def render(progress: Progress) -> tuple[np.ndarray, Provenance]:
        made = along_path(project, map_path, args.frames, map_progress=_fraction_bar(
            "building the map", args.quiet))
        return made.frames, item_provenance(made.item)

    return ExportPlan(render)


def _item_plan(args: argparse.Namespace, project) -> ExportPlan:
    from models.gallery import Gallery, item_provenance, regenerate

    gallery = Gallery.open(project.path)
    item = gallery.find(args.item)

    def render(progress: Progress) -> tuple[np.ndarray, Provenance]:
        if args.regenerate:
            frames = regenerate(project, item, progress=progress)
            return frames, item_provenance(item, project.model_id)
        return gallery.frames(item.id), item_provenance(item)

    return ExportPlan(render, fps=item.settings.fps, loop=item.settings.loop,
                      pingpong=item.settings.pingpong)


def _chosen_source(args: argparse.Namespace) -> str:
    chosen = [name for name in SOURCES if getattr(args, name) is not None]
    if len(chosen) != 1:
        raise ExportError("say what to export with exactly one of --between, --path, --item "
                          "or --blend-labels" + (f" (got --{' and --'.join(chosen)})".replace(
                              "_", "-") if chosen else ""))
    return chosen[0]


def _chosen_output(args: argparse.Namespace) -> tuple[str, Path]:
    chosen = [(fmt, getattr(args, fmt)) for fmt in OUTPUTS if getattr(args, fmt) is not None]
    names = ", ".join("--" + fmt.replace("_", "-") for fmt in OUTPUTS)
    if not chosen:
        raise ExportError(f"no output given; add one of {names}")
    if len(chosen) > 1:
        raise ExportError("give one output at a time; got " + " and ".join(
            "--" + fmt.replace("_", "-") for fmt, _ in chosen))
    return chosen[0]


def _check_combinations(args: argparse.Namespace, source: str, output_format: str) -> None:
    if (args.sheet or args.columns) and output_format != "png":
        raise ExportError("--sheet and --columns go with --png")
    if args.columns and not args.sheet:
        raise ExportError("--columns needs --sheet")
    if args.scale is not None and args.size is not None:
        raise ExportError("give --scale or --size, not both")
    if source == "item" and args.frames is not None:
        raise ExportError("--frames does not apply to a gallery item (its frames are saved)")
    if source != "item" and args.regenerate:
        raise ExportError("--regenerate applies to --item only")


def _scale(args: argparse.Namespace, image_size: int) -> int:
    if args.size is None:
        return 1 if args.scale is None else args.scale
    if args.size < image_size or args.size % image_size:
        raise ExportError(f"--size must be a whole multiple of the model's {image_size} px "
                          f"(e.g. {image_size * 4}); got {args.size}")
    return args.size // image_size


def _refuse_existing(request) -> None:
    """Fail before decoding anything when the output cannot or may not be written."""
    if not request.path.parent.is_dir():
        raise ExportError(f"cannot write {request.path}: the folder {request.path.parent} "
                          "does not exist")
    for file in request.files:
        taken = file.is_dir() and any(file.iterdir()) if request.format == "frames_dir" else (
            file.exists() or file.is_symlink())
        if taken and not request.overwrite:
            raise ExportError(f"{file} already exists; add --overwrite to replace it")


def _fraction_bar(label: str, quiet: bool):
    """A progress(fraction, text) callback on a percentage bar, or None when quiet."""
    update = _bar(label, quiet, unit="%")
    if update is None:
        return None
    return lambda fraction, _text: update(round(100 * fraction), 100)


def _describe(request, count: int) -> str:
    """What was written, e.g. "46 frames" for 24 played forwards then back."""
    from models.export.timeline import animation_indices

    if request.format == "png":
        return "1 image"
    if request.format != "sheet":
        count = len(animation_indices(count, request.pingpong))
    return f"{count} frame{'s' if count != 1 else ''}"


def _bar(label: str, quiet: bool, unit: str = "frame"):
    """A tqdm progress callback (done, total), or None when quiet."""
    if quiet:
        return None
    from tqdm import tqdm

    # Made now, when the stage starts, so its rate counts from there (a stage that reports
    # only at its end would otherwise show millions of frames per second).
    bar = tqdm(desc=label, unit=unit, leave=False)

    def update(done: int, total: int) -> None:
        bar.total = total
        bar.n = done
        bar.refresh()
        if done >= total:
            bar.close()

    return update
