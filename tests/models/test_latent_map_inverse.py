"""Map -> latent inverse (RBF interpolation) and the density of the map."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.datasets import make_blobs

from models.errors import LatentiaError
from models.latent_map.maths import MapBounds, MapDensity, MapInverse, fit_projection


@pytest.fixture(scope="module")
def clustered():
    codes, _ = make_blobs(n_samples=1500, n_features=64, centers=5, cluster_std=1.5,
                          random_state=0)
    codes = codes.astype(np.float32)
    return fit_projection(codes).points, codes


def test_inverse_passes_through_every_image(clustered):
    points, codes = clustered
    inverse = MapInverse.fit(points, codes)  # 1500 > 64 neighbours: the local variant
    assert inverse.local.neighbors == 64
    recovered = inverse(points)
    assert recovered.shape == codes.shape and recovered.dtype == np.float32
    scale = np.abs(codes).max()
    assert np.abs(recovered - codes).max() < 1e-2 * scale


def test_inverse_has_no_jumps_across_the_map(clustered):
    points, codes = clustered
    inverse = MapInverse.fit(points, codes)
    # Typical latent distance between images that are neighbours on the map.
    order = np.argsort(points[:, 0])
    typical = np.median(np.linalg.norm(np.diff(codes[order], axis=0), axis=1))
    for first, second in [(0, 1), (2, 3), (4, 5)]:
        line = np.linspace(points[first], points[second], 4000)  # a drag across clusters
        path = inverse(line)
        steps = np.linalg.norm(np.diff(path, axis=0), axis=1)
        assert steps.max() < 0.25 * typical
        longest = np.linalg.norm(codes, axis=1).max()
        assert np.linalg.norm(path, axis=1).max() < 1.2 * longest


def test_inverse_is_bounded_and_smooth_far_outside_the_map(clustered):
    points, codes = clustered
    inverse = MapInverse.fit(points, codes)
    angles = np.linspace(0, 2 * np.pi, 1000)
    circle = 50 * np.ptp(points) * np.column_stack([np.cos(angles), np.sin(angles)])
    far = inverse(circle)
    assert np.linalg.norm(far, axis=1).max() < 1.2 * np.linalg.norm(codes, axis=1).max()
    steps = np.linalg.norm(np.diff(far, axis=0), axis=1)
    assert steps.max() < 0.05 * np.linalg.norm(codes[0] - codes[1])


def test_small_and_degenerate_maps():
    codes = np.arange(12, dtype=np.float32).reshape(3, 4)
    collinear = np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]])
    for kernel in ("linear", "thin_plate_spline"):
        inverse = MapInverse.fit(collinear, codes, kernel=kernel)
        np.testing.assert_allclose(inverse(collinear), codes, atol=1e-3)
    single = MapInverse.fit([[1.0, 2.0]], codes[:1])
    np.testing.assert_allclose(single([[5.0, 5.0], [1.0, 2.0]]), np.repeat(codes[:1], 2, 0),
                               atol=1e-4)
    # Two images at the same map position: the inverse there is their average.
    twin = MapInverse.fit([[0.0, 0.0], [0.0, 0.0], [1.0, 0.0]], codes)
    np.testing.assert_allclose(twin([[0.0, 0.0]])[0], codes[:2].mean(axis=0), atol=1e-3)


def test_thin_plate_kernel_through_the_local_path(clustered):
    points, codes = clustered
    inverse = MapInverse.fit(points[:300], codes[:300], kernel="thin_plate_spline",
                             neighbours=32)
    np.testing.assert_allclose(inverse(points[:20]), codes[:20], atol=1e-2 * np.abs(codes).max())


def test_inverse_input_errors(clustered):
    points, codes = clustered
    with pytest.raises(LatentiaError, match="same number of rows"):
        MapInverse.fit(points[:10], codes[:9])
    with pytest.raises(LatentiaError, match="kernel"):
        MapInverse.fit(points, codes, kernel="gaussian_blur")
    with pytest.raises(LatentiaError, match=r"\(M, 2\)"):
        MapInverse.fit(points, codes)(np.zeros((3, 3)))


def test_density_is_high_on_data_and_zero_far_away(clustered):
    points, _ = clustered
    density = MapDensity.fit(points)
    on_data = density.density(points)
    assert on_data.dtype == np.float32 and on_data.shape == (len(points),)
    assert on_data.min() >= 0.0 and on_data.max() <= 1.0
    assert np.median(on_data) > 0.1
    span = np.ptp(points, axis=0).max()
    far = density.density(points.mean(axis=0) + np.array([[10 * span, 0], [0, -10 * span]]))
    np.testing.assert_array_equal(far, [0.0, 0.0])
    assert density.grid.max() == pytest.approx(1.0)


def test_density_grid_orientation_and_shape():
    rng = np.random.default_rng(0)
    points = rng.normal(size=(500, 2)) * 0.1 + np.array([1.0, 1.0])  # one blob at the top right
    density = MapDensity.fit(points)
    grid = density.density_grid(MapBounds(-2.0, 2.0, -2.0, 2.0), (40, 20))
    assert grid.shape == (40, 20)
    row, col = np.unravel_index(np.argmax(grid), grid.shape)
    # Row 0 is y = -2 and column 0 is x = -2: the blob at (1, 1) is at 3/4 of both axes.
    assert abs(row - 30) <= 1 and abs(col - 15) <= 1
    assert grid[:10, :5].max() == 0.0
    with pytest.raises(LatentiaError, match="min < max"):
        MapBounds(1.0, 0.0, 0.0, 1.0)


def test_density_of_a_single_point_map():
    density = MapDensity.fit(np.zeros((3, 2)))
    assert density.density(np.zeros((1, 2)))[0] > 0.9
    bounds = MapBounds.around(np.zeros((1, 2)))
    assert bounds.x_max > bounds.x_min
