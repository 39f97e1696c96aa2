"""The ex-post latent prior: fitting, sampling, temperature and safetensors round trips."""

from __future__ import annotations

import numpy as np
import pytest
from safetensors.numpy import load as load_safetensors
from safetensors.numpy import save as save_safetensors

from models.errors import ProjectError
from models.prior import LatentPrior

CENTRES = np.array([[6.0, 0.0, 0.0, 0.0], [-6.0, 0.0, 0.0, 0.0], [0.0, 6.0, 0.0, 0.0]])


@pytest.fixture(scope="module")
def three_clusters() -> np.ndarray:
    rng = np.random.default_rng(1)
    labels = np.repeat(np.arange(3), 200)
    return CENTRES[labels] + rng.normal(0.0, 0.3, (600, 4))  # (600, 4)


@pytest.fixture(scope="module")
def fitted(three_clusters: np.ndarray) -> LatentPrior:
    return LatentPrior.fit(three_clusters, seed=0, max_components=4)


def nearest_centre_distance(points: np.ndarray) -> np.ndarray:
    return np.linalg.norm(points[:, None, :] - CENTRES[None], axis=2).min(axis=1)  # (n,)


def test_fit_finds_the_clusters(fitted: LatentPrior) -> None:
    assert fitted.kind == "gmm"
    assert fitted.n_components == 3  # BIC prefers the true count over 1, 2 and 4
    assert nearest_centre_distance(fitted.means).max() < 0.2


def test_samples_lie_near_the_data(fitted: LatentPrior) -> None:
    samples = fitted.sample(300, seed=3)
    assert samples.shape == (300, 4)
    assert samples.dtype == np.float32
    assert np.quantile(nearest_centre_distance(samples), 0.99) < 2.0  # 0.3 std in 4-D
    # every cluster gets drawn from, in roughly equal shares
    nearest = np.linalg.norm(samples[:, None] - CENTRES[None], axis=2).argmin(axis=1)
    assert np.bincount(nearest, minlength=3).min() > 60


def test_temperature_zero_gives_component_means(fitted: LatentPrior) -> None:
    samples = fitted.sample(50, temperature=0.0, seed=0)
    distance_to_means = np.linalg.norm(samples[:, None] - fitted.means[None], axis=2).min(axis=1)
    assert distance_to_means.max() < 1e-5


def test_temperature_scales_spread_of_standard_normal() -> None:
    prior = LatentPrior.standard_normal(16)
    assert prior.kind == "normal"
    wide = prior.sample(4000, temperature=1.0, seed=0)
    narrow = prior.sample(4000, temperature=0.5, seed=0)
    assert wide.std() == pytest.approx(1.0, abs=0.03)
    assert narrow.std() == pytest.approx(0.5, abs=0.02)
    assert np.allclose(narrow, wide * 0.5, atol=1e-6)  # same seed: same draws, scaled


def test_sampling_is_seeded(fitted: LatentPrior) -> None:
    assert np.array_equal(fitted.sample(10, seed=5), fitted.sample(10, seed=5))
    assert not np.array_equal(fitted.sample(10, seed=5), fitted.sample(10, seed=6))


def test_too_few_points_fall_back_to_standard_normal() -> None:
    prior = LatentPrior.fit(np.ones((3, 5)))
    assert prior.kind == "normal"
    assert prior.latent_dim == 5


def test_high_dimensional_fit_keeps_correlations() -> None:
    rng = np.random.default_rng(0)
    mixing = rng.normal(size=(32, 32)) / 6.0
    points = rng.normal(size=(2000, 32)) @ mixing  # strongly correlated, 32-D
    prior = LatentPrior.fit(points, seed=0, max_components=2)
    samples = prior.sample(4000, seed=1)
    empirical = np.cov(points, rowvar=False)
    assert np.abs(np.cov(samples, rowvar=False) - empirical).max() < 0.1 * np.abs(empirical).max()


def test_round_trip_through_safetensors(fitted: LatentPrior) -> None:
    restored = LatentPrior.from_arrays(load_safetensors(save_safetensors(fitted.to_arrays())))
    assert restored.kind == fitted.kind
    assert np.array_equal(restored.sample(20, seed=9), fitted.sample(20, seed=9))
    normal = LatentPrior.standard_normal(3)
    assert LatentPrior.from_arrays(normal.to_arrays()).kind == "normal"


@pytest.mark.parametrize("damage", [
    lambda a: a.pop("prior.means"),
    lambda a: a.__setitem__("prior.kind", np.array([7])),
    lambda a: a.__setitem__("prior.weights", np.array([np.nan, 1.0, 1.0])),
    lambda a: a.__setitem__("prior.weights", np.ones(2)),
    lambda a: a.__setitem__("prior.scale_tril", np.ones_like(a["prior.scale_tril"])),
])
def test_bad_arrays_raise_project_error(fitted: LatentPrior, damage) -> None:
    arrays = fitted.to_arrays()
    damage(arrays)
    with pytest.raises(ProjectError, match="latent prior"):
        LatentPrior.from_arrays(arrays)


def test_prior_arrays_are_read_only(fitted: LatentPrior) -> None:
    with pytest.raises(ValueError):
        fitted.means[0, 0] = 1.0
