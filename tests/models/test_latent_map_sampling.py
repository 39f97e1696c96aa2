"""Cluster sampling, attribute directions and nearest real images."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import make_blobs

from models.errors import LatentiaError, ProjectError
from models.latent_map.maths import (
    ClusterSampler,
    NamedDirections,
    NearestImages,
    apply_direction,
    attribute_direction,
)


@pytest.fixture(scope="module")
def blobs():
    codes, groups = make_blobs(n_samples=400, n_features=32, centers=3, cluster_std=1.0,
                               center_box=(-15, 15), random_state=4)
    return codes.astype(np.float32), groups.astype(np.int64)


def test_samples_land_in_the_chosen_cluster(blobs):
    codes, groups = blobs
    sampler = ClusterSampler.fit(codes, groups, seed=0)
    centres = np.stack([codes[groups == c].mean(axis=0) for c in range(3)])
    for cluster in range(3):
        samples = sampler.sample(cluster, 50, temperature=1.0, seed=1)
        assert samples.shape == (50, 32) and samples.dtype == np.float32
        nearest_centre = np.argmin(
            np.linalg.norm(samples[:, None, :] - centres[None], axis=2), axis=1)
        assert np.all(nearest_centre == cluster)


def test_sample_spread_follows_cluster_and_temperature(blobs):
    codes, groups = blobs
    sampler = ClusterSampler.fit(codes, groups)
    members = codes[groups == 0]
    spread = sampler.sample(0, 4000, temperature=1.0, seed=2).std(axis=0).mean()
    assert spread == pytest.approx(members.std(axis=0).mean(), rel=0.15)
    cooler = sampler.sample(0, 4000, temperature=0.5, seed=2).std(axis=0).mean()
    assert cooler == pytest.approx(0.5 * spread, rel=0.02)
    np.testing.assert_allclose(sampler.sample(0, 2, temperature=0.0),
                               np.repeat(members.mean(axis=0, keepdims=True), 2, 0), atol=1e-5)


def test_sampling_is_deterministic_per_seed(blobs):
    codes, groups = blobs
    sampler = ClusterSampler.fit(codes, groups)
    np.testing.assert_array_equal(sampler.sample(1, 5, seed=9), sampler.sample(1, 5, seed=9))
    assert not np.allclose(sampler.sample(1, 5, seed=9), sampler.sample(1, 5, seed=10))


def test_tiny_clusters_borrow_the_pooled_spread():
    rng = np.random.default_rng(0)
    codes = np.vstack([rng.normal(size=(100, 8)), [[50.0] * 8]])  # cluster 1 is one image
    labels = np.array([0] * 100 + [1])
    samples = ClusterSampler.fit(codes, labels).sample(1, 500, temperature=1.0, seed=0)
    assert np.all(np.isfinite(samples))
    assert 0.5 < samples.std(axis=0).mean() < 1.5  # the spread of the big cluster
    np.testing.assert_allclose(samples.mean(axis=0), 50.0, atol=0.2)


def test_sampler_input_errors(blobs):
    codes, groups = blobs
    with pytest.raises(LatentiaError, match="same number of rows"):
        ClusterSampler.fit(codes, groups[:-1])
    with pytest.raises(LatentiaError, match="at least one latent"):
        ClusterSampler.fit(codes, np.where(groups == 1, 5, groups))
    with pytest.raises(LatentiaError, match="no cluster 3"):
        ClusterSampler.fit(codes, groups).sample(3, 1)


def test_attribute_direction_moves_one_group_onto_the_other(blobs):
    codes, groups = blobs
    direction = attribute_direction(codes[groups == 0], codes[groups == 1])
    moved = apply_direction(codes[groups == 1], direction, 1.0)
    np.testing.assert_allclose(moved.mean(axis=0), codes[groups == 0].mean(axis=0), atol=1e-4)
    one = apply_direction(codes[0], direction, -0.5)
    np.testing.assert_allclose(one, codes[0] - 0.5 * direction, atol=1e-5)
    with pytest.raises(LatentiaError, match="dimension"):
        attribute_direction(codes, codes[:, :3])


def test_named_directions_round_trips():
    rng = np.random.default_rng(0)
    directions = (NamedDirections().with_direction("smile", rng.normal(size=6))
                  .with_direction("darker", rng.normal(size=6))
                  .with_direction(" smile ", np.ones(6)))  # same name: replaced, moved last
    assert directions.names == ("darker", "smile")
    np.testing.assert_array_equal(directions["smile"], np.ones(6, np.float32))
    for restored in (NamedDirections.from_arrays(directions.to_arrays()),
                     NamedDirections.from_json(directions.to_json())):
        assert restored.names == directions.names
        np.testing.assert_array_equal(restored.vectors, directions.vectors)
    assert all(v.dtype.kind in "fu" for v in directions.to_arrays().values())
    assert directions.without("darker").names == ("smile",)
    assert len(NamedDirections.from_json(NamedDirections().to_json())) == 0
    with pytest.raises(LatentiaError, match="latent dimension"):
        directions.with_direction("wide", np.ones(7))
    with pytest.raises(ProjectError):
        NamedDirections.from_json('{"a": [1, 2], "b": [1]}')


def test_nearest_images_match_brute_force(blobs):
    codes, _ = blobs
    index = NearestImages.fit(codes)
    queries = codes[:10] + np.random.default_rng(0).normal(scale=0.5, size=(10, 32))
    indices, distances = index.query(queries, k=4)
    full = np.linalg.norm(queries[:, None, :] - codes[None], axis=2)  # (10, 400)
    np.testing.assert_array_equal(indices, np.argsort(full, axis=1)[:, :4])
    np.testing.assert_allclose(distances, np.sort(full, axis=1)[:, :4], rtol=1e-4)
    matches = index.query(codes[5], k=1)  # a single code (D,) is one query
    assert matches.indices.tolist() == [[5]]
    assert index.query(codes[:2], k=1000).indices.shape == (2, 400)  # k capped at N
    with pytest.raises(LatentiaError, match="dimensions"):
        index.query(codes[:, :5])
