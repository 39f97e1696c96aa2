"""The learned sampling prior: fitting, sampling, determinism, temperature, storage, and its
fit when a run ends."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from safetensors.numpy import load as load_safetensors
from safetensors.numpy import save as save_safetensors

from models.errors import ProjectError
from models.exported_model import ExportedModel
from models.prior import LatentPrior, prior_from_arrays
from models.prior_diffusion import DiffusionPrior, DiffusionSettings, cosine_alpha_bar
from models.project import Project

from .conftest import tiny_config

CENTRES = np.array([[4.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                    [-4.0, 0.0, 0.0, 0.0, 0.0, 0.0],
                    [0.0, 4.0, 0.0, 0.0, 0.0, 0.0]])
QUICK = DiffusionSettings(hidden=128, blocks=2, steps=400, batch_size=128, learning_rate=2e-3)


@pytest.fixture(scope="module")
def posteriors() -> tuple[np.ndarray, np.ndarray]:
    """Three tight clusters of codes in 6-D, posterior std 0.1."""
    rng = np.random.default_rng(0)
    labels = np.repeat(np.arange(3), 100)
    means = CENTRES[labels] + rng.normal(0.0, 0.2, (300, 6))  # (300, 6)
    return means, np.full_like(means, 2 * np.log(0.1))


@pytest.fixture(scope="module")
def fitted(posteriors) -> DiffusionPrior:
    torch.set_num_threads(1)
    return DiffusionPrior.fit(*posteriors, seed=0, settings=QUICK)


def distance_to_centres(codes: np.ndarray) -> np.ndarray:
    return np.linalg.norm(codes[:, None] - CENTRES[None], axis=2)  # (n, 3)


def test_samples_come_from_the_clusters(fitted: DiffusionPrior) -> None:
    codes = fitted.sample(300, seed=1)
    assert codes.shape == (300, 6) and codes.dtype == np.float32
    distances = distance_to_centres(codes)
    assert np.median(distances.min(axis=1)) < 1.0  # N(0, I) would sit ~4 from every centre
    assert np.bincount(distances.argmin(axis=1), minlength=3).min() > 50  # every cluster drawn


def test_sampling_is_deterministic_and_seeded(fitted: DiffusionPrior) -> None:
    assert np.array_equal(fitted.sample(20, seed=5), fitted.sample(20, seed=5))
    assert not np.array_equal(fitted.sample(20, seed=5), fitted.sample(20, seed=6))


def test_fitting_is_deterministic_and_leaves_the_global_generator_alone(posteriors,
                                                                       fitted) -> None:
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    again = DiffusionPrior.fit(*posteriors, seed=0, settings=QUICK)
    assert torch.equal(torch.rand(3), expected)
    assert np.array_equal(again.sample(10, seed=2), fitted.sample(10, seed=2))


def test_lower_temperature_gives_more_typical_codes(fitted) -> None:
    cool, warm = fitted.sample(400, temperature=0.3, seed=4), fitted.sample(400, seed=4)
    assert (distance_to_centres(cool).min(1).mean()
            < 0.7 * distance_to_centres(warm).min(1).mean())
    assert np.bincount(distance_to_centres(cool).argmin(1), minlength=3).min() > 50
    frozen = fitted.sample(50, temperature=0.0, seed=3)
    assert frozen.std(axis=0).sum() < 0.5 * warm.std(axis=0).sum()


def test_round_trip_through_safetensors(fitted: DiffusionPrior) -> None:
    restored = prior_from_arrays(load_safetensors(save_safetensors(fitted.to_arrays())))
    assert isinstance(restored, DiffusionPrior) and restored.kind == "diffusion"
    assert restored.settings == fitted.settings
    assert np.array_equal(restored.sample(16, seed=9), fitted.sample(16, seed=9))


def test_mixtures_still_load_through_the_same_entry_point() -> None:
    normal = LatentPrior.standard_normal(4)
    assert isinstance(prior_from_arrays(normal.to_arrays()), LatentPrior)


@pytest.mark.parametrize("damage", [
    lambda a: a.pop("prior.shift"),
    lambda a: a.pop("prior.denoiser.out.weight"),
    lambda a: a.__setitem__("prior.scale", -np.ones_like(a["prior.scale"])),
    lambda a: a.__setitem__("prior.settings", np.array([1.0])),
    lambda a: a.__setitem__("prior.denoiser.out.bias",
                            np.full_like(a["prior.denoiser.out.bias"], np.nan)),
])
def test_damaged_arrays_raise_project_error(fitted: DiffusionPrior, damage) -> None:
    arrays = fitted.to_arrays()
    damage(arrays)
    with pytest.raises(ProjectError, match="latent prior"):
        prior_from_arrays(arrays)


def test_fit_stops_when_asked(posteriors) -> None:
    fitting = DiffusionPrior.fit_steps(*posteriors, seed=0, settings=QUICK,
                                       should_stop=lambda: True)
    with pytest.raises(StopIteration) as ended:
        next(fitting)
    assert ended.value.value is None


def test_fit_length_follows_the_number_of_codes() -> None:
    small, icons = DiffusionSettings.for_codes(40), DiffusionSettings.for_codes(640)
    large = DiffusionSettings.for_codes(100_000)
    assert small.batch_size == 40 and small.steps == 100  # the floor
    assert icons.batch_size == 256 and icons.steps == 1000  # 400 passes over 640 codes
    assert large.batch_size == 256 and large.steps == 2000  # capped


def test_bad_inputs_are_refused(fitted: DiffusionPrior) -> None:
    with pytest.raises(ValueError, match="finite"):
        DiffusionPrior.fit(np.full((10, 3), np.nan), np.zeros((10, 3)), settings=QUICK)
    with pytest.raises(ValueError, match="negative"):
        fitted.sample(-1)
    with pytest.raises(ValueError, match="negative"):
        fitted.sample(2, temperature=-0.5)


def test_noise_schedule_runs_from_clean_to_pure_noise() -> None:
    alpha_bar = cosine_alpha_bar()
    assert alpha_bar[0] == pytest.approx(1.0) and alpha_bar[-1] < 1e-6
    assert torch.all(alpha_bar[1:] <= alpha_bar[:-1])


def trained(tmp_path, shape_folder, **run):
    project = Project.create(tmp_path / "p.latentia", shape_folder,
                             tiny_config(epochs=2, prior="diffusion"))
    return project, list(project.trainer().run(**run))


def test_a_finished_run_fits_and_keeps_the_learned_prior(tmp_path, shape_folder):
    project, records = trained(tmp_path, shape_folder)
    fractions = [r for r in records if r.kind == "prior"]
    assert fractions and fractions[-1].message.endswith("(100%)")
    reopened = Project.open(project.path)
    assert reopened._model().prior.kind == "diffusion"
    images = reopened.sample(3, seed=1)
    assert images.shape == (3, 3, 32, 32) and np.array_equal(images, reopened.sample(3, seed=1))
    project.export_model(tmp_path / "p.latentia-model")
    exported = ExportedModel.open(tmp_path / "p.latentia-model")
    assert np.allclose(exported.sample(3, seed=1), images, atol=1e-6)


def test_a_stopped_run_or_a_cancelled_fit_keeps_the_quick_mixture(tmp_path, shape_folder):
    seen = []

    def stop_once_fitting() -> bool:
        return bool(seen)

    project = Project.create(tmp_path / "p.latentia", shape_folder,
                             tiny_config(epochs=2, prior="diffusion"))
    for record in project.trainer().run(should_stop=stop_once_fitting):
        if record.kind == "prior":
            seen.append(record)
    assert seen and Project.open(project.path)._model().prior.kind == "gmm"
