"""Projection of latent means to the 2-D map: PCA maths, optional UMAP, storage."""

from __future__ import annotations

import subprocess
import sys
import types
from typing import ClassVar

import numpy as np
import pytest
from sklearn.datasets import make_blobs

from models.errors import LatentiaError, ProjectError
from models.latent_map.maths import Projection, fit_projection, umap_available


@pytest.fixture
def means() -> np.ndarray:
    codes, _ = make_blobs(n_samples=300, n_features=32, centers=4, random_state=1)
    return codes.astype(np.float32)


def test_pca_points_are_the_top_two_principal_coordinates(means):
    projection = fit_projection(means, "pca")
    centred = means - means.mean(axis=0)
    # The variance along the map axes equals the two largest eigenvalues of the covariance.
    eigenvalues = np.linalg.eigvalsh(np.cov(centred.T.astype(np.float64)))[::-1]
    variances = projection.points.astype(np.float64).var(axis=0, ddof=1)
    np.testing.assert_allclose(variances, eigenvalues[:2], rtol=1e-4)
    assert projection.points.shape == (300, 2) and projection.points.dtype == np.float32
    assert abs(np.corrcoef(projection.points.T)[0, 1]) < 1e-4  # uncorrelated axes
    assert projection.explained_variance_ratio[0] >= projection.explained_variance_ratio[1]


def test_pca_round_trip(means):
    projection = fit_projection(means, "pca")
    np.testing.assert_allclose(projection.transform(means), projection.points, atol=1e-4)
    # Map -> latent -> map is the identity: the linear inverse is an exact right inverse.
    points = np.random.default_rng(0).normal(size=(20, 2)) * 5
    back = projection.transform(projection.inverse_linear(points))
    np.testing.assert_allclose(back, points, atol=1e-4)
    # Latent -> map -> latent is the orthogonal projection onto the PCA plane: idempotent.
    flat = projection.inverse_linear(projection.points)
    np.testing.assert_allclose(projection.inverse_linear(projection.transform(flat)), flat,
                               atol=1e-3)


def test_pca_is_deterministic_and_points_are_read_only(means):
    first, second = fit_projection(means, seed=3), fit_projection(means, seed=3)
    np.testing.assert_array_equal(first.points, second.points)
    with pytest.raises(ValueError):
        first.points[0, 0] = 1.0


def test_projection_storage_round_trip(means):
    projection = fit_projection(means)
    arrays = projection.to_arrays()
    assert all(isinstance(v, np.ndarray) and v.dtype.kind in "fiu" for v in arrays.values())
    restored = Projection.from_arrays(arrays)
    np.testing.assert_array_equal(restored.points, projection.points)
    np.testing.assert_allclose(restored.transform(means[:7]), projection.transform(means[:7]))
    with pytest.raises(ProjectError, match="components"):
        Projection.from_arrays({k: v for k, v in arrays.items() if k != "components"})


def test_bad_input_gives_clear_errors(means):
    with pytest.raises(LatentiaError, match="at least 2 rows"):
        fit_projection(means[:1])
    with pytest.raises(LatentiaError, match="NaN"):
        fit_projection(np.full((5, 4), np.nan))
    with pytest.raises(LatentiaError, match="unknown map method"):
        fit_projection(means, "tsne")
    with pytest.raises(LatentiaError, match="dimensions"):
        fit_projection(means).transform(np.zeros((2, 5)))


def test_identical_latents_give_a_point_map_without_nan():
    projection = fit_projection(np.ones((6, 8), np.float32))
    assert np.all(projection.points == 0)
    assert np.all(np.isfinite(projection.explained_variance_ratio))


def test_missing_umap_raises_a_readable_error(monkeypatch, means):
    monkeypatch.setitem(sys.modules, "umap", None)  # makes `import umap` fail
    assert umap_available() is False
    with pytest.raises(LatentiaError, match="UMAP is not installed"):
        fit_projection(means, "umap")


class _FakeUMAP:
    """Stands in for umap.UMAP: records its arguments and embeds with a fixed projection."""

    calls: ClassVar[list[dict]] = []

    def __init__(self, **kwargs):
        _FakeUMAP.calls.append(kwargs)

    def fit_transform(self, codes):
        return codes[:, :2] * 2.0 + 1.0


def test_umap_path_with_a_stand_in_module(monkeypatch, means):
    monkeypatch.setitem(sys.modules, "umap", types.SimpleNamespace(UMAP=_FakeUMAP))
    assert umap_available()
    projection = fit_projection(means, "umap", seed=7)
    assert _FakeUMAP.calls[-1]["random_state"] == 7 and _FakeUMAP.calls[-1]["n_components"] == 2
    np.testing.assert_allclose(projection.points, means[:, :2] * 2 + 1, rtol=1e-6)
    # A fitted latent lands on its own point; a new one lands among its neighbours' points.
    np.testing.assert_allclose(projection.transform(means[:5]), projection.points[:5], atol=1e-5)
    with pytest.raises(LatentiaError, match="linear inverse"):
        projection.inverse_linear(np.zeros((1, 2)))
    # Stored without the latents it cannot place new codes; with them it can.
    arrays = projection.to_arrays()
    assert set(arrays) == {"points", "meta_json"}
    with pytest.raises(LatentiaError, match="without its latents"):
        Projection.from_arrays(arrays).transform(means[:1])
    restored = Projection.from_arrays(arrays, means)
    np.testing.assert_allclose(restored.transform(means[:3]), projection.points[:3], atol=1e-5)


def test_importing_the_latent_map_pulls_in_neither_qt_nor_torch():
    code = ("import sys, models.latent_map.maths; "
            "bad = [m for m in ('PySide6', 'pyqtgraph', 'torch', 'umap') if m in sys.modules]; "
            "assert not bad, bad")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=_repo_root())


def _repo_root() -> str:
    from pathlib import Path
    return str(Path(__file__).resolve().parents[2])
