"""build_latent_map: progress, cancellation, determinism and storage of the whole map."""

from __future__ import annotations

import numpy as np
import pytest
from safetensors.numpy import load_file, save_file
from sklearn.datasets import make_blobs
from sklearn.metrics import adjusted_rand_score

from models.errors import Cancelled, LatentiaError, ProjectError
from models.latent_map.maths import LatentMap, build_latent_map


@pytest.fixture(scope="module")
def data():
    codes, groups = make_blobs(n_samples=800, n_features=32, centers=4, cluster_std=1.0,
                               center_box=(-12, 12), random_state=7)
    return codes.astype(np.float32), groups


@pytest.fixture(scope="module")
def latent_map(data):
    return build_latent_map(data[0], seed=1)


def test_build_bundles_everything_the_map_needs(data, latent_map):
    codes, groups = data
    assert latent_map.points.shape == (800, 2) and latent_map.method == "pca"
    assert latent_map.clusters.k == 4
    assert adjusted_rand_score(groups, latent_map.clusters.labels) > 0.9
    np.testing.assert_allclose(latent_map.inverse(latent_map.points[:50]), codes[:50],
                               atol=1e-2 * np.abs(codes).max())
    assert np.median(latent_map.density(latent_map.points)) > 0.1
    assert latent_map.nearest.query(codes[3], k=1).indices[0, 0] == 3
    assert not latent_map.means.flags.writeable


def test_progress_is_reported_in_order(data):
    reports: list[tuple[float, str]] = []
    build_latent_map(data[0][:200], k=3, progress=lambda f, text: reports.append((f, text)))
    fractions = [f for f, _ in reports]
    assert fractions[0] == 0.0 and fractions[-1] == 1.0
    assert fractions == sorted(fractions) and len(reports) >= 5
    assert all(isinstance(text, str) and text for _, text in reports)


@pytest.mark.parametrize("stop_after", [0, 2, 4])
def test_cancelled_between_and_inside_steps(data, stop_after):
    calls = []

    def should_stop() -> bool:
        calls.append(1)
        return len(calls) > stop_after

    with pytest.raises(Cancelled):
        build_latent_map(data[0][:300], should_stop=should_stop)
    assert len(calls) == stop_after + 1  # stopped at the first True, nothing ran after it


def test_same_seed_same_map(data, latent_map):
    again = build_latent_map(data[0], seed=1)
    np.testing.assert_array_equal(again.points, latent_map.points)
    np.testing.assert_array_equal(again.clusters.labels, latent_map.clusters.labels)
    np.testing.assert_array_equal(again.inverse(np.zeros((1, 2))),
                                  latent_map.inverse(np.zeros((1, 2))))


def test_storage_round_trip_through_safetensors(tmp_path, data, latent_map):
    named = latent_map.with_cluster_names(["Sky", "Sea", "Sand", "Rock ✓"])
    arrays = named.to_arrays()
    assert all(isinstance(v, np.ndarray) and v.dtype.kind in "fiu" for v in arrays.values())
    path = tmp_path / "map.safetensors"
    save_file(arrays, str(path))
    restored = LatentMap.from_arrays(load_file(str(path)), data[0])
    assert restored.clusters.names == ("Sky", "Sea", "Sand", "Rock ✓")
    assert restored.seed == 1 and restored.method == "pca"
    np.testing.assert_array_equal(restored.points, latent_map.points)
    np.testing.assert_array_equal(restored.clusters.labels, latent_map.clusters.labels)
    probe = np.random.default_rng(0).normal(size=(5, 2)) * 5
    np.testing.assert_allclose(restored.inverse(probe), latent_map.inverse(probe), atol=1e-5)
    np.testing.assert_allclose(restored.density(probe), latent_map.density(probe), atol=1e-6)
    np.testing.assert_allclose(restored.projection.transform(data[0][:3]), latent_map.points[:3],
                               atol=1e-4)


def test_restoring_with_the_wrong_latents_or_damaged_arrays(data, latent_map):
    arrays = latent_map.to_arrays()
    with pytest.raises(ProjectError, match="different set of images"):
        LatentMap.from_arrays(arrays, data[0][:-1])
    with pytest.raises(ProjectError, match="latent size"):
        LatentMap.from_arrays(arrays, np.zeros((800, 8), np.float32))
    with pytest.raises(ProjectError, match="missing"):
        LatentMap.from_arrays({k: v for k, v in arrays.items() if k != "clusters.labels"},
                              data[0])
    with pytest.raises(ProjectError, match="not valid JSON"):
        LatentMap.from_arrays(dict(arrays, meta_json=np.array([1, 2, 255], np.uint8)), data[0])


def test_build_input_errors():
    with pytest.raises(LatentiaError, match="at least 2 rows"):
        build_latent_map(np.zeros((1, 4)))
    with pytest.raises(LatentiaError, match="unknown map method"):
        build_latent_map(np.zeros((5, 4)), method="mds")


def test_tiny_map_of_two_images():
    codes = np.array([[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]], np.float32)
    tiny = build_latent_map(codes)
    assert tiny.clusters.k == 1
    np.testing.assert_allclose(tiny.inverse(tiny.points), codes, atol=1e-3)
