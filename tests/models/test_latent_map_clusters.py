"""k-means clusters of latents: recovery of known groups, automatic k, storage."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import make_blobs
from sklearn.metrics import adjusted_rand_score

from models.errors import Cancelled, LatentiaError, ProjectError
from models.latent_map.maths import Clusters, choose_k, cluster_latents


def _blobs(k: int, n: int = 600, dim: int = 16, spread: float = 1.0, seed: int = 0):
    codes, groups = make_blobs(n_samples=n, n_features=dim, centers=k, cluster_std=spread,
                               center_box=(-20, 20), random_state=seed)
    return codes.astype(np.float32), groups


@pytest.mark.parametrize("true_k", [2, 3, 5])
def test_automatic_k_recovers_well_separated_blobs(true_k):
    codes, groups = _blobs(true_k)
    clusters = cluster_latents(codes, k=None, seed=0)
    assert clusters.k == true_k
    assert adjusted_rand_score(groups, clusters.labels) > 0.9


def test_latents_without_groups_get_more_than_two_colours():
    # Silhouette's favourite on structureless data is k=2, which says nothing on a map.
    codes = np.random.default_rng(0).normal(size=(600, 16)).astype(np.float32)
    assert choose_k(codes, max_k=6) >= 3


def test_given_k_recovers_overlapping_groups():
    codes, groups = _blobs(4, spread=3.0, seed=2)
    clusters = cluster_latents(codes, k=4, seed=1)
    assert adjusted_rand_score(groups, clusters.labels) > 0.9


def test_same_seed_same_clusters():
    codes, _ = _blobs(4, spread=6.0, seed=3)
    first, second = cluster_latents(codes, seed=5), cluster_latents(codes, seed=5)
    np.testing.assert_array_equal(first.labels, second.labels)
    np.testing.assert_array_equal(first.centers, second.centers)


def test_clusters_are_numbered_by_size_with_member_representatives():
    rng = np.random.default_rng(0)
    sizes = [50, 200, 120]
    codes = np.concatenate([rng.normal(loc=10.0 * i, size=(n, 8)) for i, n in enumerate(sizes)])
    clusters = cluster_latents(codes, k=3)
    np.testing.assert_array_equal(clusters.sizes, [200, 120, 50])
    assert clusters.names == ("Cluster 1", "Cluster 2", "Cluster 3")
    for cluster, index in enumerate(clusters.representatives):
        members = np.flatnonzero(clusters.labels == cluster)
        assert clusters.labels[index] == cluster
        distances = np.linalg.norm(codes[members] - clusters.centers[cluster], axis=1)
        assert np.isclose(np.linalg.norm(codes[index] - clusters.centers[cluster]),
                          distances.min(), atol=1e-4)


def test_names_and_storage_round_trip():
    codes, _ = _blobs(3)
    clusters = cluster_latents(codes, k=3).with_names(["Cats", "  ", "Dogs ✓"])
    assert clusters.names == ("Cats", "Cluster 2", "Dogs ✓")
    arrays = clusters.to_arrays()
    assert all(v.dtype.kind in "fiu" for v in arrays.values())
    restored = Clusters.from_arrays(arrays)
    assert restored.names == clusters.names
    np.testing.assert_array_equal(restored.labels, clusters.labels)
    np.testing.assert_array_equal(restored.centers, clusters.centers)
    np.testing.assert_array_equal(restored.representatives, clusters.representatives)
    with pytest.raises(LatentiaError, match="3 clusters"):
        clusters.with_names(["only one"])
    damaged = dict(arrays, labels=np.full_like(arrays["labels"], 7))
    with pytest.raises(ProjectError, match="labels outside"):
        Clusters.from_arrays(damaged)


def test_degenerate_inputs():
    same = np.ones((10, 4), np.float32)
    assert cluster_latents(same).k == 1  # nothing to split
    with pytest.raises(LatentiaError, match="distinct latents"):
        cluster_latents(same, k=2)
    assert cluster_latents(np.eye(2, 4)).k == 1  # too few points for a silhouette
    with pytest.raises(LatentiaError, match="integer"):
        cluster_latents(same, k=2.5)


def test_choose_k_can_be_cancelled():
    codes, _ = _blobs(3, n=200)
    calls = []

    def stop_on_third_call() -> bool:
        calls.append(1)
        return len(calls) >= 3

    with pytest.raises(Cancelled):
        choose_k(codes, max_k=8, should_stop=stop_on_third_call)
    assert len(calls) == 3
