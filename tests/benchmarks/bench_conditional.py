"""Conditional generation on the glyphs: is the letter drawn, is the font kept, does z leak?

    .venv/bin/python -m tests.benchmarks.bench_conditional --glyphs ../scratch/data/glyphs \\
        --work ../scratch/conditional/bench --steps 2800

1. Fonts are split by a hash of their name: ~10 % are held out and never seen in training.
2. A conditional project (default settings, labels from the letter folders) trains for about
   `--steps` optimisation steps (the budget, in steps so that a shared machine cannot change it).
3. A small CNN, trained from scratch on the real training glyphs, reads the letter of
   (a) held-out real glyphs (its own accuracy), (b) N samples of every letter, (c) held-out
   glyphs encoded with their letter and decoded as each of the 25 other letters, plainly and
   at each `--contrast` (`models.transfer`); (c) also gives the PSNR of those redraws against
   the same font's real glyph of the letter (how much of the font they keep).
4. Leakage: a logistic-regression probe predicts the letter from the style codes of training
   glyphs and is scored on held-out fonts (chance 1/26): once on the posterior means mu, once
   on codes drawn from the posterior (mu + sigma * noise, what the decoder is trained on).
   A two-layer network (sklearn's MLP) on mu gives what the code holds of the letter in
   any form, not only along a line.
5. Pictures: "LATENTIA" in held-out fonts (real above, transferred from the font's "G" below;
   again at the first `--contrast`), one glyph under every label, and samples per letter.

`--reuse` skips training when the project exists; `--calibrate` only measures steps per second.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import time
from pathlib import Path

os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")  # idle threads sleep: CPU time is work

import numpy as np
import torch
from PIL import Image

from models.config import (
    LABELLED_LATENT_DIM,
    LabelConfig,
    ProjectConfig,
    TrainConfig,
    VAEConfig,
)
from models.pixels import to_model_input as as_input
from models.pixels import to_uint8_images
from models.project import Project
from models.transfer import with_label
from tests.benchmarks.letter_classifier import LetterClassifier

WORD = "LATENTIA"
STYLE_LETTER = "G"  # not in the word: every letter of the word is a transfer
SAMPLES_PER_LETTER = 40
SOURCES_PER_FONT = 4  # source glyphs per held-out font for the transfer test


def held_out(font: str, fraction: float) -> bool:
    return int(hashlib.sha256(font.encode()).hexdigest()[:8], 16) / 2**32 < fraction


def training_folder(glyphs: Path, target: Path, fraction: float) -> tuple[list[str], list[str]]:
    """Links to the glyphs of the training fonts; returns (training fonts, held-out fonts)."""
    letters = sorted(p.name for p in glyphs.iterdir() if p.is_dir())
    fonts = sorted(p.stem for p in (glyphs / letters[0]).glob("*.png"))
    train = [f for f in fonts if not held_out(f, fraction)]
    if not target.exists():
        for letter in letters:
            (target / letter).mkdir(parents=True)
            for font in train:
                source = glyphs / letter / f"{font}.png"
                if source.exists():
                    (target / letter / f"{font}.png").symlink_to(source)
    return train, [f for f in fonts if held_out(f, fraction)]


def load(glyphs: Path, letter: str, font: str) -> np.ndarray | None:
    path = glyphs / letter / f"{font}.png"
    return np.asarray(Image.open(path).convert("RGB")) if path.exists() else None


def train(args: argparse.Namespace, folder: Path) -> tuple[Project, dict]:
    path = args.work / "glyphs.latentia"
    if args.reuse and path.exists():
        return Project.open(path), json.loads((args.work / "training.json").read_text())
    config = ProjectConfig(train=TrainConfig(epochs=1, seed=args.seed,
                                             style_maps=args.style_maps),
                           vae=VAEConfig(latent_dim=args.latent_dim),
                           labels=LabelConfig("folders", adversary_weight=args.adversary,
                                              mean_matching_weight=args.means,
                                              swap_weight=args.swap))
    project = Project.create(path, folder, config)
    per_epoch = len(project.cache.split(0.08)[0]) // config.train.batch_size
    epochs = max(1, round(args.steps / per_epoch))
    cpu, wall = time.process_time(), time.perf_counter()
    records = list(project.trainer(config.train.replace(epochs=epochs)).run())
    last = [r for r in records if r.kind == "validation"][-1]
    info = {"steps": last.step, "epochs": epochs, "threads": args.threads,
            "cpu_seconds": time.process_time() - cpu,
            "wall_seconds": time.perf_counter() - wall, "psnr_db": last.validation.psnr_db,
            "label_accuracy": last.validation.label_accuracy,
            "adversary_leakage": last.validation.label_leakage,
            "adversary_weight": args.adversary, "mean_matching_weight": args.means,
            "swap_weight": args.swap, "style_maps": args.style_maps}
    (args.work / "training.json").write_text(json.dumps(info, indent=2))
    return project, info


def generated_accuracy(project: Project, reader: LetterClassifier) -> float:
    names = project.label_names
    correct = 0
    for index in range(len(names)):
        images = project.sample(SAMPLES_PER_LETTER, temperature=1.0, seed=index, label=index)
        correct += int((reader.predict(images) == index).sum())
    return correct / (SAMPLES_PER_LETTER * len(names))


def transfer_accuracy(project: Project, reader: LetterClassifier, glyphs: Path,
                      fonts: list[str], contrast: float = 0.0) -> tuple[float, float, float]:
    """(accuracy on other letters, accuracy when decoded as their own letter, mean PSNR of
    the other letters against the same font's real glyph of that letter)."""
    names, rng = project.label_names, np.random.default_rng(0)
    other, own, counts, psnrs = 0, 0, [0, 0], []
    for font in fonts:
        for source in rng.choice(len(names), SOURCES_PER_FONT, replace=False):
            pixels = load(glyphs, names[source], font)
            if pixels is None:
                continue
            code, _ = project.encode(as_input(pixels[None]), [int(source)])
            codes = np.concatenate([with_label(project, code, k, contrast)
                                    for k in range(len(names))])
            made = project.decode(codes)
            hits = reader.predict(made) == np.arange(len(names))
            own += int(hits[source])
            other += int(hits.sum() - hits[source])
            counts[0] += len(names) - 1
            counts[1] += 1
            psnrs += [psnr(made[k], truth) for k, truth in enumerate(
                load(glyphs, letter, font) for letter in names)
                      if k != source and truth is not None]
    return other / counts[0], own / counts[1], float(np.mean(psnrs))


def psnr(made: np.ndarray, truth: np.ndarray) -> float:
    """PSNR (dB) of a decoded image (C, S, S) in [0, 1] against a uint8 image (S, S, C)."""
    error = np.mean((made.transpose(1, 2, 0) - truth / 255.0) ** 2)
    return float(10 * np.log10(1.0 / max(error, 1e-10)))


def style_codes(project: Project, glyphs: Path, fonts: list[str]) -> tuple[np.ndarray, ...]:
    """Posterior means mu (M, D), codes drawn from the posterior (M, D) and letters (M,) of
    every glyph of `fonts`."""
    images, letters = [], []
    for index, letter in enumerate(project.label_names):
        for font in fonts:
            pixels = load(glyphs, letter, font)
            if pixels is not None:
                images.append(pixels)
                letters.append(index)
    mu, logvar = project.encode(as_input(np.stack(images)), letters)
    mu, logvar = mu[:, :project.style_dim], logvar[:, :project.style_dim]
    drawn = mu + np.exp(0.5 * logvar) * np.random.default_rng(1).standard_normal(mu.shape)
    return mu, drawn, np.asarray(letters)


Codes = tuple[np.ndarray, np.ndarray, np.ndarray]  # mu (M, D), drawn z (M, D), letters (M,)


def probe_codes(project: Project, glyphs: Path, train_fonts: list[str],
                test_fonts: list[str]) -> tuple[Codes, Codes]:
    """The probes' data, encoded once: the codes of 200 training fonts to fit on and of the
    held-out fonts to score on."""
    rng = np.random.default_rng(0)
    fit_fonts = list(rng.choice(train_fonts, min(len(train_fonts), 200), replace=False))
    return (style_codes(project, glyphs, fit_fonts), style_codes(project, glyphs, test_fonts))


def held_out_score(classifier, z_fit: np.ndarray, y_fit: np.ndarray, z_test: np.ndarray,
                   y_test: np.ndarray) -> float:
    """Accuracy on the held-out codes of `classifier` fitted on standardised codes."""
    from sklearn.preprocessing import StandardScaler

    scaler = StandardScaler().fit(z_fit)
    classifier.fit(scaler.transform(z_fit), y_fit)
    return float(classifier.score(scaler.transform(z_test), y_test))


def leakage_probes(fit: Codes, test: Codes) -> tuple[float, float]:
    """Held-out accuracy of a fresh linear probe reading the letter from (mu, drawn z)."""
    from sklearn.linear_model import LogisticRegression

    return tuple(held_out_score(LogisticRegression(max_iter=2000, C=1.0), fit[k], fit[2],
                                test[k], test[2]) for k in (0, 1))


def nonlinear_probe(fit: Codes, test: Codes) -> float:
    """Held-out accuracy of a fresh two-layer network reading the letter from mu: what the code
    holds of the letter in any form, where the linear probe sees only what a line separates."""
    from sklearn.neural_network import MLPClassifier

    probe = MLPClassifier((256, 256), max_iter=300, early_stopping=True, random_state=0)
    return held_out_score(probe, fit[0], fit[2], test[0], test[2])


def grid(rows: list[np.ndarray], gap: int = 2) -> np.ndarray:
    """Rows of uint8 images (n, S, S, C) -> one picture with white gaps."""
    size, width = rows[0].shape[1], max(len(r) for r in rows)
    canvas = np.full((len(rows) * (size + gap) + gap, width * (size + gap) + gap, 3), 255,
                     np.uint8)
    for i, row in enumerate(rows):
        for j, image in enumerate(row):
            y, x = gap + i * (size + gap), gap + j * (size + gap)
            canvas[y:y + size, x:x + size] = image[..., :3]
    return canvas


def word_picture(project: Project, glyphs: Path, fonts: list[str], path: Path,
                 contrast: float) -> None:
    """"LATENTIA" of each font (real), above the word drawn from that font's "G"."""
    from models.latent_map import decode_latents

    names = project.label_names
    word = [names.index(letter) for letter in WORD]
    rows = []
    for font in fonts:
        style, real = load(glyphs, STYLE_LETTER, font), [load(glyphs, c, font) for c in WORD]
        if style is None or any(r is None for r in real):
            continue
        code, _ = project.encode(as_input(style[None]), [names.index(STYLE_LETTER)])
        made = decode_latents(project, np.concatenate([with_label(project, code, k, contrast)
                                                       for k in word]))
        rows += [np.stack([style, *real]), np.concatenate([np.full_like(style, 255)[None],
                                                           made])]
    Image.fromarray(grid(rows)).save(path)


def pictures(project: Project, glyphs: Path, fonts: list[str], out: Path,
             contrasts: list[float]) -> None:
    from models.latent_map import decode_latents

    names = project.label_names
    word_picture(project, glyphs, fonts, out / "conditional_latentia.png", 0.0)
    if contrasts:
        word_picture(project, glyphs, fonts, out / "conditional_latentia_contrast.png",
                     contrasts[0])
    code, _ = project.encode(as_input(load(glyphs, STYLE_LETTER, fonts[0])[None]),
                             [names.index(STYLE_LETTER)])
    strip = decode_latents(project, np.concatenate([with_label(project, code, k)
                                                    for k in range(len(names))]))
    Image.fromarray(grid([strip[:13], strip[13:]])).save(out / "conditional_strip.png")
    samples = [to_uint8_images(project.sample(8, temperature=1.0, seed=k, label=k))
               for k in range(0, len(names), 3)]
    Image.fromarray(grid(samples)).save(out / "conditional_samples.png")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--glyphs", type=Path, required=True)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--steps", type=int, default=2800)  # ~10 CPU-minutes here
    parser.add_argument("--adversary", type=float, default=LabelConfig.adversary_weight)
    parser.add_argument("--means", type=float, default=LabelConfig.mean_matching_weight)
    parser.add_argument("--swap", type=float, default=LabelConfig.swap_weight)
    parser.add_argument("--style-maps", action=argparse.BooleanOptionalAction,
                        default=TrainConfig.style_maps,
                        help="map each label's codes onto one distribution (models.style_space)")
    parser.add_argument("--contrast", type=float, nargs="*", default=[0.5],
                        help="label contrasts to measure transfer at besides the default")
    parser.add_argument("--latent-dim", type=int, default=LABELLED_LATENT_DIM,
                        help="size of the style code (a labelled project's default)")
    parser.add_argument("--seed", type=int, default=0, help="training seed")
    parser.add_argument("--held-out", type=float, default=0.1)
    parser.add_argument("--pictures", type=Path, default=Path("docs/images"))
    parser.add_argument("--threads", type=int, default=1,
                        help="torch threads (1: least waste on a machine shared with others)")
    parser.add_argument("--reuse", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    args.work.mkdir(parents=True, exist_ok=True)
    train_fonts, test_fonts = training_folder(args.glyphs, args.work / "train", args.held_out)
    print(f"{len(train_fonts)} training fonts, {len(test_fonts)} held out")
    project, info = train(args, args.work / "train")
    print("training:", json.dumps(info))
    reader = LetterClassifier.fit(args.glyphs, train_fonts, project.label_names)
    results = {**info, "classifier_on_held_out_real": reader.accuracy(args.glyphs, test_fonts),
               "generated": generated_accuracy(project, reader)}
    results["transferred"], results["reconstructed"], results["transfer_psnr_db"] = (
        transfer_accuracy(project, reader, args.glyphs, test_fonts))
    for contrast in args.contrast:
        other, _, fidelity = transfer_accuracy(project, reader, args.glyphs, test_fonts,
                                               contrast)
        results[f"transferred_at_contrast_{contrast:g}"] = other
        results[f"transfer_psnr_db_at_contrast_{contrast:g}"] = fidelity
    fit, test = probe_codes(project, args.glyphs, train_fonts, test_fonts)
    results["probe_on_mu"], results["probe_on_drawn_z"] = leakage_probes(fit, test)
    results["nonlinear_probe_on_mu"] = nonlinear_probe(fit, test)
    print(json.dumps(results, indent=2))
    (args.work / "results.json").write_text(json.dumps(results, indent=2))
    args.pictures.mkdir(parents=True, exist_ok=True)
    pictures(project, args.glyphs, test_fonts[:8], args.pictures, args.contrast)


if __name__ == "__main__":
    main()
