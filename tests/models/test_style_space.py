"""The style maps of a labelled model (`models.style_space`): every label's codes onto one
distribution, exactly invertible per label, the identity until fitted, saved with the weights."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from sklearn.linear_model import LogisticRegression

from models.config import VAEConfig
from models.distributions import DiagonalGaussian
from models.exported_model import ExportedModel
from models.project import Project
from models.style_space import StyleSpace, gaussian_transport
from models.vae import VAE
from tests.conftest import copy_project
from tests.labelled_shapes import make_labelled_folder
from tests.models.test_conditional import labelled_config

LABELS, DIM, PER_LABEL = 4, 6, 600


def labelled_codes(seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Codes whose labels differ in mean and in spread: a line reads the label easily."""
    rng = np.random.default_rng(seed)
    shapes = [rng.normal(size=(DIM, DIM)) for _ in range(LABELS)]
    codes = np.concatenate([rng.normal(size=(PER_LABEL, DIM)) @ shapes[k] + 2.0 * k
                            for k in range(LABELS)])
    return codes, np.repeat(np.arange(LABELS), PER_LABEL)


def one_hot(labels: np.ndarray) -> torch.Tensor:
    return torch.nn.functional.one_hot(torch.from_numpy(labels), LABELS).float()


def styles_of(space: StyleSpace, codes: np.ndarray, labels: np.ndarray) -> DiagonalGaussian:
    posterior = DiagonalGaussian(torch.from_numpy(codes).float(),
                                 torch.full(codes.shape, -4.0))
    return space.styles(posterior, one_hot(labels))


def spread_difference(codes: np.ndarray, labels: np.ndarray) -> float:
    """How far the labels' covariances are apart, relative to their average."""
    covariances = np.stack([np.cov(codes[labels == k].T) for k in range(LABELS)])
    average = covariances.mean(0)
    return float(np.abs(covariances - average).max() / np.abs(average).max())


def probe_accuracy(codes: np.ndarray, labels: np.ndarray) -> float:
    """A fresh linear probe fitted on the even rows, scored on the odd ones."""
    probe = LogisticRegression(max_iter=2000).fit(codes[::2], labels[::2])
    return float(probe.score(codes[1::2], labels[1::2]))


def test_unfitted_maps_are_the_identity():
    space = StyleSpace(LABELS, DIM)
    codes, labels = labelled_codes()
    posterior = DiagonalGaussian(torch.from_numpy(codes).float(), torch.zeros(codes.shape))
    assert space.styles(posterior, one_hot(labels)) is posterior
    style = torch.randn(5, DIM)
    assert space.codes(style, one_hot(labels[:5])) is style


def test_fitted_styles_share_one_mean_and_spread_and_a_line_no_longer_reads_the_label():
    codes, labels = labelled_codes()
    assert probe_accuracy(codes, labels) > 0.8
    space = StyleSpace(LABELS, DIM)
    space.fit(codes, labels)
    styles = styles_of(space, codes, labels).mean.numpy().astype(np.float64)
    means = np.stack([styles[labels == k].mean(0) for k in range(LABELS)])
    spread = np.sqrt(np.trace(np.cov(styles.T)) / DIM)
    assert np.abs(means - means.mean(0)).max() < 1e-3 * spread
    assert spread_difference(codes, labels) > 0.5
    assert spread_difference(styles, labels) < 0.1  # what D / n of shrinkage leaves
    assert probe_accuracy(styles, labels) < 0.35  # chance 0.25


def test_a_style_decodes_back_to_its_own_code_and_variances_follow_the_map():
    codes, labels = labelled_codes()
    space = StyleSpace(LABELS, DIM)
    space.fit(codes, labels)
    styles = styles_of(space, codes, labels)
    back = space.codes(styles.mean, one_hot(labels)).numpy()
    assert np.allclose(back, codes, atol=1e-3 * np.abs(codes).max())
    maps = space.to_style[labels].numpy()  # (N, D, D); every prior variance was exp(-4)
    expected = np.log(np.einsum("nij->ni", maps**2) * np.exp(-4.0))
    assert np.allclose(styles.logvar.numpy(), expected, atol=1e-4)


def test_label_weights_mix_the_maps_linearly():
    codes, labels = labelled_codes()
    space = StyleSpace(LABELS, DIM)
    space.fit(codes, labels)
    style = torch.randn(1, DIM)
    first, second = (space.codes(style, one_hot(np.array([k]))) for k in (0, 3))
    half = space.codes(style, torch.tensor([[0.5, 0.0, 0.0, 0.5]]))
    assert torch.allclose(half, (first + second) / 2, atol=1e-5)


def test_labels_with_fewer_codes_than_dimensions_keep_the_identity_and_nothing_is_nan():
    codes, labels = labelled_codes()
    keep = (labels != 2) & ((labels != 3) | (np.arange(len(labels)) % PER_LABEL < DIM - 1))
    space = StyleSpace(LABELS, DIM)
    space.fit(codes[keep], labels[keep])  # label 2: no codes, label 3: DIM - 1 codes
    assert torch.isfinite(space.to_style).all() and torch.isfinite(space.from_style).all()
    for label in (2, 3):  # their styles are their codes
        assert torch.allclose(space.to_style[label], torch.eye(DIM))
        style = torch.randn(3, DIM)
        assert torch.allclose(space.codes(style, one_hot(np.full(3, label))), style, atol=1e-5)
    assert not torch.allclose(space.to_style[0], torch.eye(DIM), atol=0.05)
    lonely = StyleSpace(LABELS, DIM)
    lonely.fit(codes[labels == 0], labels[labels == 0])  # one label: nothing to tell apart
    assert lonely.is_identity


def test_the_transport_between_two_gaussians_is_symmetric_and_exact():
    rng = np.random.default_rng(1)
    source = np.cov(rng.normal(size=(400, DIM)).T)
    target = np.cov((rng.normal(size=(400, DIM)) @ rng.normal(size=(DIM, DIM))).T)
    transport = gaussian_transport(source, target)
    assert np.allclose(transport, transport.T)
    assert np.allclose(transport @ source @ transport, target, atol=1e-8)


def test_the_maps_are_saved_with_the_weights_and_older_weights_load_as_the_identity():
    model = VAE(VAEConfig(image_size=32, latent_dim=DIM, width=8, labels=LABELS))
    codes, labels = labelled_codes()
    model.style_space.fit(codes, labels)
    state = model.state_dict()
    again = VAE(VAEConfig(image_size=32, latent_dim=DIM, width=8, labels=LABELS))
    again.load_state_dict(state)
    assert torch.equal(again.style_space.to_style, model.style_space.to_style)
    older = {k: v for k, v in state.items() if not k.startswith("style_space.")}
    again.load_state_dict(older)  # strict: the missing maps are filled in as the identity
    assert again.style_space.is_identity
    assert again.style_space.to_style.numel() == 0  # unfitted: no L x D x D identities saved


@pytest.fixture(scope="module")
def mapped(tmp_path_factory) -> Project:
    root = tmp_path_factory.mktemp("style-maps")
    config = labelled_config(epochs=8)
    config = config.replace(train=config.train.replace(style_maps=True))
    project = Project.create(root / "maps.latentia", make_labelled_folder(root / "shapes"),
                             config)
    list(project.trainer().run())
    return project


def test_a_run_with_style_maps_fits_them_and_the_app_sees_styles(mapped, tmp_path):
    assert Project.open(mapped.path).config.train.style_maps
    rows = np.flatnonzero(mapped.labels.rows >= 0)
    pixels = np.asarray(mapped.images()[rows], np.float32).transpose(0, 3, 1, 2) / 255.0
    styles, _ = mapped.encode(pixels, mapped.labels.rows[rows])
    styles, labels = styles[:, :mapped.style_dim], mapped.labels.rows[rows]
    means = np.stack([styles[labels == k].mean(0) for k in range(3)])
    assert np.abs(means - means.mean(0)).max() < 0.05 * styles.std()  # training images
    redrawn = mapped.decode(mapped.encode(pixels[:4], labels[:4])[0])
    path = tmp_path / "maps.latentia-model"
    mapped.export_model(path)
    exported = ExportedModel.open(path)
    assert np.allclose(exported.decode(exported.encode(pixels[:4], labels[:4])[0]), redrawn,
                       atol=1e-5)


def test_the_prior_takes_the_maps_posteriors_mapped_instead_of_encoding_again(
        mapped, tmp_path, monkeypatch):
    from models.training import prior_fit

    project = Project.open(copy_project(mapped.path, tmp_path / "again.latentia"))
    model, cpu = project._model().model, torch.device("cpu")
    labels = project.labels.rows  # unlabelled images (-1) are encoded with predicted weights
    assert (labels < 0).any()
    everything = np.arange(len(labels))
    raw = prior_fit.fit_style_space(model, model, project.images(), everything, cpu, labels,
                                    enabled=True)
    backwards = everything[::-1].copy()  # any order: the prior fit's spread is not sorted
    encoded = prior_fit.encode_posteriors(model, project.images(), backwards, cpu, labels)
    mapped_back = prior_fit.mapped_posteriors(model, raw, backwards, cpu)
    for got, expected in zip(mapped_back, encoded, strict=True):
        assert np.allclose(got, expected, atol=1e-4)
    fewer = raw._replace(rows=raw.rows[1:], means=raw.means[1:], logvars=raw.logvars[1:],
                         weights=raw.weights[1:])
    assert prior_fit.mapped_posteriors(model, fewer, backwards, cpu) is None  # then: encode

    maps_passes, prior_passes = [], []
    encode, encode_for_prior = prior_fit._encode, prior_fit.encode_posteriors
    monkeypatch.setattr(prior_fit, "_encode", lambda *args, **kw: maps_passes.append(
        kw.get("raw")) or encode(*args, **kw))
    monkeypatch.setattr(prior_fit, "encode_posteriors", lambda *args, **kw: prior_passes.append(
        args[2]) or encode_for_prior(*args, **kw))  # what the sampling prior's fit calls
    more = project.config.train.replace(epochs=project.config.train.epochs + 1)
    list(project.trainer(more).run())
    assert maps_passes.count(True) == 1  # the maps' pass over the training images
    assert prior_passes == []  # the prior's codes are mapped from it, not encoded again


def test_a_continued_run_without_style_maps_goes_back_to_the_identity(mapped):
    project = Project.open(mapped.path)
    assert not project._model().model.style_space.is_identity
    more = project.config.train.replace(epochs=project.config.train.epochs + 1, style_maps=False)
    list(project.trainer(more).run())
    assert Project.open(mapped.path)._model().model.style_space.is_identity
