"""Does the code keep its colour under style transfer? The shape-vs-colour check, per setting.

    .venv/bin/python -m tests.benchmarks.bench_swap_colour 0.5:0.667:0 0.5:0.667:1 0:0:0 \
        [--contrast 0,0.25,0.5]

Each argument is SWAP_WEIGHT:SWAP_FROM:SEED; `--no-style-maps` leaves the style maps off,
`--epochs` and `--per-label` lengthen the training and enlarge the folder. One short training
of the tiny labelled model of `tests/models/test_conditional.py` (about 15 CPU-s) on its
generated folder (the label is the shape, the colour is random), then every image redrawn
under every label, once per label contrast (`models.transfer.LABEL_CONTRAST` unless
`--contrast` lists others); prints the worst own-colour error (of 255; the test allows 45),
the worst own/other colour ratio (allows 0.45) and the worst shape margin (needs > 0.03).
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import numpy as np
import torch

import models.label_swap
from models.config import TrainConfig
from models.project import Project
from models.transfer import LABEL_CONTRAST, transfer
from tests.labelled_shapes import SHAPES, colour_errors, make_labelled_folder, shape_scores
from tests.models.test_conditional import codes_of, labelled_config, labelled_rows, margin


def colour_check(project: Project, contrast: float) -> tuple[float, float, float]:
    """(worst own-colour error, worst own/other ratio, worst shape margin) over all pairs."""
    worst_own, worst_ratio, worst_margin = 0.0, 0.0, 1.0
    for source in SHAPES:
        rows = labelled_rows(project, source)[:6]
        originals, codes = np.asarray(project.images()[rows]), codes_of(project, rows)
        for target in SHAPES:
            made = transfer(project, codes, target, contrast).images
            scores = margin(shape_scores(made), SHAPES.index(target)).min()
            own, others = colour_errors(made, target, originals, source)
            worst_own = max(worst_own, float(own.max()))
            worst_ratio = max(worst_ratio, float(own.mean() / others.mean()))
            worst_margin = min(worst_margin, float(scores))
    return worst_own, worst_ratio, worst_margin


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("runs", nargs="+", help="SWAP_WEIGHT:SWAP_FROM:SEED")
    parser.add_argument("--style-maps", action=argparse.BooleanOptionalAction,
                        default=TrainConfig.style_maps, help="fit the style maps")
    parser.add_argument("--epochs", type=int, default=90, help="training epochs")
    parser.add_argument("--per-label", type=int, default=40, help="images drawn per label")
    parser.add_argument("--contrast", default=str(LABEL_CONTRAST),
                        help="label contrasts to redraw with, comma-separated")
    args = parser.parse_args()
    torch.set_num_threads(1)
    for spec in args.runs:
        weight, start, seed = spec.split(":")
        models.label_swap.SWAP_FROM = float(start)
        config = labelled_config(args.epochs)
        train = config.train.replace(seed=int(seed), style_maps=args.style_maps)
        config = config.replace(train=train,
                                labels=config.labels.replace(swap_weight=float(weight)))
        root = Path(tempfile.mkdtemp(prefix="swap-colour-"))
        project = Project.create(root / "shapes.latentia",
                                 make_labelled_folder(root / "shapes", args.per_label), config)
        list(project.trainer().run())
        for contrast in map(float, args.contrast.split(",")):
            own, ratio, shape = colour_check(project, contrast)
            print(f"maps {args.style_maps}, {args.per_label} a label, epochs {args.epochs}, "
                  f"swap {weight} from {start}, seed {seed}, contrast {contrast:g}: worst own "
                  f"colour error {own:.1f} (< 45), ratio {ratio:.2f} (< 0.45), shape margin "
                  f"{shape:.3f} (> 0.03)", flush=True)


if __name__ == "__main__":
    main()
