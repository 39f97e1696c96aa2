"""Conditional generation: the label draws the shape, the code keeps the colour.

One short training (about 600 steps of a tiny model, ~15 CPU seconds) on a generated folder
whose label is the shape and whose colours are random; then the model is asked to redraw
images under other labels, measured with shape masks and colour means.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from models.config import IngestConfig, LabelConfig, ProjectConfig, TrainConfig, VAEConfig
from models.errors import LatentiaError
from models.labels import LABELS_FILE, read_assignment
from models.project import Project, open_project
from models.transfer import (
    LABEL_CONTRAST,
    blend_labels,
    encode_image,
    generate_label,
    label_blend_code,
    label_strip,
    transfer,
    with_label,
)
from tests.labelled_shapes import (
    SHAPES,
    colour_errors,
    inner_colour,
    make_labelled_folder,
    shape_scores,
)


def labelled_config(epochs: int = 90, source: str = "folders") -> ProjectConfig:
    return ProjectConfig(
        ingest=IngestConfig(image_size=32, max_workers=1),
        vae=VAEConfig(image_size=32, latent_dim=8, width=8),
        train=TrainConfig(epochs=epochs, batch_size=16, learning_rate=3e-3, warmup_steps=20,
                          kl_warmup_steps=100, device="cpu", bf16="off",
                          checkpoint_minutes=60.0, val_fraction=0.1, preview_count=4),
        labels=LabelConfig(source))


# Which colour of a square is "the same" as which colour of a triangle is nothing the images
# say (no image pairs them): the shared encoder's features suggest it, and a training seed
# either finds one colour layout for all three shapes or bends it per shape. About 3 seeds of
# 10 find it, with or without the style maps (docs/benchmarks.md, "the shape-vs-colour set");
# 1 is the first seed at which both do, so the test sees either path break.
COLOUR_SEED = 1


@pytest.fixture(scope="module")
def trained(tmp_path_factory) -> Project:
    root = tmp_path_factory.mktemp("labelled")
    folder = make_labelled_folder(root / "shapes")
    config = labelled_config()
    config = config.replace(train=config.train.replace(seed=COLOUR_SEED))
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        project = Project.create(root / "shapes.latentia", folder, config)
        list(project.trainer().run())
    finally:
        torch.set_num_threads(previous)
    return project


def labelled_rows(project: Project, shape: str) -> np.ndarray:
    return np.flatnonzero(project.labels.rows == project.label_index(shape))


def codes_of(project: Project, rows: np.ndarray) -> np.ndarray:
    pixels = np.asarray(project.images()[rows], np.float32).transpose(0, 3, 1, 2) / 255.0
    means, _ = project.encode(pixels, project.labels.rows[rows])
    return means


def margin(scores: np.ndarray, shape: int) -> np.ndarray:
    """How much better each image matches `shape` than the best other shape."""
    return scores[:, shape] - np.delete(scores, shape, axis=1).max(axis=1)


def test_the_label_changes_the_shape_and_the_code_keeps_the_colour(trained):
    for source in SHAPES:
        rows = labelled_rows(trained, source)[:6]
        originals = np.asarray(trained.images()[rows])
        codes = codes_of(trained, rows)
        for target in SHAPES:
            made = transfer(trained, codes, target).images
            scores = shape_scores(made)
            assert margin(scores, SHAPES.index(target)).min() > 0.03, (source, target)
            # the colour travels with the code: far closer to its own original than to the
            # others (after ~600 steps: own errors 3-35 of 255, ratio <= 0.35; a code without
            # the colour would score a ratio near 1)
            own, others = colour_errors(made, target, originals, source)
            assert own.max() < 45, (source, target, own)
            assert own.mean() < 0.45 * others.mean(), (source, target)


def test_a_strip_shows_one_style_under_every_label(trained):
    row = labelled_rows(trained, "circle")[0]
    code = encode_image(trained, np.asarray(trained.images()[row]), "circle")
    strip = label_strip(trained, code)
    assert strip.images.shape == (3, 32, 32, 3)
    assert list(shape_scores(strip.images).argmax(axis=1)) == [0, 1, 2]
    assert np.allclose(strip.latents[:, :trained.style_dim], code[:trained.style_dim])
    assert np.allclose(strip.latents[:, trained.style_dim:], np.eye(3))
    contrasted = label_strip(trained, code, contrast=0.5)  # past each label, away from circle
    assert np.allclose(contrasted.latents[:, trained.style_dim:],
                       np.eye(3) + 0.5 * (np.eye(3) - np.eye(3)[0]))
    assert np.array_equal(contrasted.images[0], strip.images[0])  # its own label: as it was


def test_a_blend_morphs_from_one_label_to_the_other(trained):
    code = codes_of(trained, labelled_rows(trained, "square")[:1])[0]
    frames = blend_labels(trained, code, "circle", "triangle", 9)
    assert len(frames) == 9 and frames.points is None and frames.nearest is None
    scores = shape_scores(frames.images)
    assert scores[0].argmax() == 0 and scores[-1].argmax() == 2
    circle_share = scores[:, 0] - scores[:, 2]
    assert circle_share[0] > circle_share[4] > circle_share[-1]  # moves across, not a jump
    middle = label_blend_code(trained, code, "circle", "triangle", 0.5)
    assert np.allclose(middle, frames.latents[4], atol=1e-6)


def test_contrast_redraws_past_the_new_label_away_from_the_own(trained):
    codes = codes_of(trained, labelled_rows(trained, "circle")[:6])
    d, c = trained.style_dim, 0.5
    assert LABEL_CONTRAST == 0.0  # off by default: exactly the new label
    assert np.allclose(with_label(trained, codes, "square")[:, d:], [0, 1, 0])
    redrawn = with_label(trained, codes, "square", contrast=c)
    assert np.allclose(redrawn[:, d:], [-c, 1 + c, 0])
    assert np.array_equal(redrawn[:, :d], codes[:, :d])
    assert np.allclose(with_label(trained, codes, "circle", contrast=c)[:, d:], [1, 0, 0])
    back = with_label(trained, redrawn, "circle", contrast=c)  # a redraw redrawn: no compounding
    assert np.allclose(back[:, d:], [1 + c, -c, 0])
    # the decoder takes the weights as they are: the model's own classifier is surer of the
    # new label (that the colour can shift with it is measured in bench_swap_colour.py)
    square = SHAPES.index("square")
    plain = transfer(trained, codes, "square").images
    contrasted = transfer(trained, codes, "square", contrast=c).images
    sure = [trained.classify(np.asarray(made, np.float32).transpose(0, 3, 1, 2) / 255.0
                             )[:, square].mean() for made in (plain, contrasted)]
    assert sure[1] > sure[0]
    with pytest.raises(LatentiaError, match="contrast"):
        with_label(trained, codes, "square", contrast=1.5)


def test_generating_a_label_draws_that_shape_in_varied_colours(trained):
    made = generate_label(trained, "triangle", 12, temperature=1.0, seed=3)
    assert (shape_scores(made.images).argmax(axis=1) == 2).all()
    assert inner_colour(made.images, "triangle").std(axis=0).max() > 25  # not one colour
    again = generate_label(trained, "triangle", 12, temperature=1.0, seed=3)
    assert np.array_equal(made.images, again.images)


def test_unlabelled_images_get_the_label_the_classifier_sees(trained):
    labels = trained.labels
    unlabelled = np.flatnonzero(labels.rows < 0)
    in_folders = sum("/" in entry.path for entry in trained.cache.entries)
    assert len(unlabelled) == 12 and labels.labelled == in_folders > 100
    pixels = np.asarray(trained.images()[unlabelled], np.float32).transpose(0, 3, 1, 2) / 255
    predicted = trained.classify(pixels).argmax(axis=1)
    truth = [SHAPES.index(trained.cache.entries[i].path.split("_")[0]) for i in unlabelled]
    assert (predicted == np.array(truth)).mean() >= 0.9
    codes, _ = trained.encode(pixels)  # no labels given: the code carries the prediction
    assert (codes[:, trained.style_dim:].argmax(axis=1) == predicted).all()


def test_training_reports_classifier_accuracy_and_leakage(trained):
    last = [r for r in trained.history if r.kind == "validation"][-1].validation
    assert last.label_accuracy >= 0.9
    assert 0.0 <= last.label_leakage <= 1.0


def test_codes_carry_the_style_then_the_label(trained):
    assert trained.style_dim == 8 and trained.latent_dim == 11
    assert trained.label_names == SHAPES
    rows = np.arange(len(trained.labels))
    codes, logvars = trained.encode(
        np.asarray(trained.images()[rows], np.float32).transpose(0, 3, 1, 2) / 255,
        trained.labels.rows)
    known = trained.labels.rows >= 0
    assert np.array_equal(codes[known, 8:].argmax(1), trained.labels.rows[known])
    assert np.allclose(codes[known, 8:].sum(1), 1.0) and np.isfinite(logvars).all()
    # the sampling prior models the label-free style only, shared by every label
    assert trained._model().prior.latent_dim == 8
    assert trained.sample(4, seed=0, label="square").shape == (4, 3, 32, 32)


def test_labels_round_trip_through_the_project_files(trained, tmp_path):
    reopened = Project.open(trained.path)
    assert reopened.config == trained.config
    assert reopened.config.labels.source == "folders"
    assert np.array_equal(reopened.labels.rows, trained.labels.rows)
    assignment = read_assignment(trained.path)
    assert assignment.names == SHAPES
    assert len(assignment.images) == sum("/" in e.path for e in trained.cache.entries) > 100
    assert assignment.images["square/000.png"] == "square"
    exported = tmp_path / "shapes.latentia-model"
    trained.export_model(exported)
    model = open_project(exported)
    assert model.label_names == SHAPES and model.labels is None
    code = codes_of(trained, labelled_rows(trained, "circle")[:2])
    assert np.array_equal(model.decode(code), trained.decode(code))


def test_damaged_labels_are_one_clear_error(trained, tmp_path):
    from models.errors import ProjectError

    copy = tmp_path / "copy.latentia"
    trained.save(copy)
    (copy / LABELS_FILE).write_text('{"format": "latentia-labels", "version": 1}')
    with pytest.raises(ProjectError, match="labels"):
        _ = Project.open(copy).labels


def test_unknown_labels_are_refused_with_the_known_ones(trained):
    from models.errors import LatentiaError

    with pytest.raises(LatentiaError, match="circle, square, triangle"):
        trained.sample(2, label="hexagon")
    with pytest.raises(LatentiaError, match="unknown label"):
        trained.label_index(7)


def test_a_flat_folder_trains_unconditionally(tmp_path, shape_folder):
    flat = tmp_path / "flat"
    flat.mkdir()
    for image in sorted(shape_folder.glob("*.png"))[:10]:
        (flat / image.name).write_bytes(image.read_bytes())
    project = Project.create(tmp_path / "flat.latentia", flat, labelled_config(epochs=1))
    assert project.labels is None and project.config.labels.source == "none"
    assert project.latent_dim == 8 and not (project.path / LABELS_FILE).exists()


def test_the_sharpen_stage_and_the_learned_prior_work_with_labels(tmp_path):
    """Both decode codes that no image gave (critic samples, prior samples): with labels."""
    folder = make_labelled_folder(tmp_path / "shapes", per_label=6, unlabelled=2)
    config = labelled_config(epochs=4)  # the stage takes the 4th step
    config = config.replace(train=config.train.replace(sharpen="auto", prior="diffusion"))
    project = Project.create(tmp_path / "p.latentia", folder, config)
    records = list(project.trainer().run())
    assert any(r.kind == "stage" for r in records) and records[-1].kind == "done"
    prior = Project.open(project.path)._model().prior
    assert type(prior).__name__ == "DiffusionPrior" and prior.latent_dim == 8
    made = generate_label(project, "circle", 3, seed=0)
    assert made.latents.shape == (3, 11) and made.images.shape == (3, 32, 32, 3)
