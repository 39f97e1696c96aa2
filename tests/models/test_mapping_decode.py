"""Decoding for the map canvas: map points, drawn paths, keyframes, snapping, sampling and
attribute directions, on a tiny trained project."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from models.errors import LatentiaError, ProjectError
from models.latent_map import (
    apply_attribute,
    decode_latents,
    decode_points,
    delete_direction,
    direction_between,
    interpolate_images,
    load_directions,
    nearest_images,
    path_frames,
    project_map,
    sample_cluster,
    sample_images,
    save_direction,
    snap_to_image,
)
from models.latent_map.decoding import decode_threads
from models.pixels import to_uint8_images
from models.project import Project


@pytest.fixture(scope="module")
def project(trained_project) -> Project:
    return Project.open(trained_project)


@pytest.fixture(scope="module")
def latent_map(project):
    return project_map(project, k=3)


def reference_images(project: Project, latents: np.ndarray) -> np.ndarray:
    """What the project's own decode gives, as uint8 (M, S, S, C)."""
    pixels = project.decode(np.asarray(latents, np.float32))  # (M, C, S, S)
    return np.rint(pixels.transpose(0, 2, 3, 1) * 255).astype(np.uint8)


def test_decode_points_equals_decoding_the_inverse_latents(project, latent_map):
    points = latent_map.points[[0, 5]] + np.float32(0.01)
    images = decode_points(project, latent_map, points)
    assert images.shape == (2, 32, 32, 3) and images.dtype == np.uint8
    expected = reference_images(project, latent_map.inverse(points))
    assert np.abs(images.astype(int) - expected).max() <= 1  # rounding of x.5 only
    assert decode_points(project, latent_map, latent_map.points[0]).shape == (1, 32, 32, 3)


def test_a_single_decode_runs_on_one_thread_and_restores_the_count(project, monkeypatch):
    torch.set_num_threads(2)
    seen: list[int] = []
    original = project.decode
    monkeypatch.setattr(project, "decode",
                        lambda z: seen.append(torch.get_num_threads()) or original(z))
    decode_latents(project, np.zeros(project.latent_dim, np.float32))
    decode_latents(project, np.zeros((16, project.latent_dim), np.float32))
    assert seen == [1, 2] and torch.get_num_threads() == 2


def test_overlapping_single_thread_scopes_restore_the_count():
    torch.set_num_threads(2)
    with decode_threads(1):
        with decode_threads(3):
            assert torch.get_num_threads() == 1
        assert torch.get_num_threads() == 1
        with decode_threads(64):  # a big batch keeps the count it finds
            assert torch.get_num_threads() == 1
    assert torch.get_num_threads() == 2


def test_uint8_conversion_rounds_and_moves_channels_last():
    pixels = np.array([0.0, 0.5, 1.0, 0.999], np.float32).reshape(1, 4, 1, 1)
    assert to_uint8_images(pixels).tolist() == [[[[0, 128, 255, 255]]]]


def test_path_frames_are_evenly_spaced_from_end_to_end(project, latent_map):
    start, end = latent_map.points[[0, 20]].astype(np.float64)
    drawn = np.stack([start, start + 0.1 * (end - start), end])  # unevenly spaced waypoints
    frames = path_frames(project, latent_map, drawn, 9)
    assert len(frames) == 9 and frames.images.shape == (9, 32, 32, 3)
    np.testing.assert_allclose(frames.points[[0, -1]], drawn[[0, -1]], atol=1e-5)
    steps = np.linalg.norm(np.diff(frames.points, axis=0), axis=1)
    np.testing.assert_allclose(steps, np.linalg.norm(end - start) / 8, rtol=1e-3)
    np.testing.assert_allclose(frames.latents, latent_map.inverse(frames.points), atol=1e-5)
    assert frames.nearest[0] == 0 and frames.nearest[-1] == 20  # the inverse is exact there
    assert not frames.images.flags.writeable
    smooth = path_frames(project, latent_map, drawn, 9, smoothing=0.1)
    np.testing.assert_allclose(smooth.points[[0, -1]], drawn[[0, -1]], atol=1e-4)


def test_interpolated_endpoints_decode_to_the_keyframes(project, latent_map):
    keys = latent_map.means[[1, 7, 30]]
    frames = interpolate_images(project, keys, 11, mode="slerp", easing="ease_in_out",
                                latent_map=latent_map)
    assert frames.images.shape == (11, 32, 32, 3)
    ends = reference_images(project, keys[[0, -1]])
    assert np.abs(frames.images[[0, -1]].astype(int) - ends).max() <= 1
    assert frames.nearest.tolist()[0] == 1 and frames.nearest.tolist()[-1] == 30
    np.testing.assert_allclose(frames.points[0], latent_map.points[1], atol=1e-4)
    loop = interpolate_images(project, keys, 6, mode="lerp", loop=True)
    assert loop.points is None and loop.nearest is None and len(loop) == 6
    with pytest.raises(LatentiaError, match="keyframe codes"):
        interpolate_images(project, keys[:, :3], 4)
    with pytest.raises(LatentiaError, match="interpolation mode"):
        interpolate_images(project, keys, 4, mode="cubic")


def test_snap_and_nearest_images(latent_map):
    index, point = snap_to_image(latent_map, latent_map.points[12] + np.float32(1e-4))
    assert index == 12 and np.array_equal(point, latent_map.points[12])
    matches = nearest_images(latent_map, latent_map.means[[4, 9]], k=3)
    assert matches.indices.shape == (2, 3) and matches.indices[:, 0].tolist() == [4, 9]
    with pytest.raises(LatentiaError, match="two finite numbers"):
        snap_to_image(latent_map, [np.nan, 0.0])


def test_samples_are_seeded_images(project):
    first = sample_images(project, 3, temperature=0.5, seed=4)
    assert first.shape == (3, 32, 32, 3) and first.dtype == np.uint8
    np.testing.assert_array_equal(first, sample_images(project, 3, temperature=0.5, seed=4))


def test_cluster_samples_stay_near_their_cluster(project, latent_map):
    samples = sample_cluster(project, latent_map, 0, 5, temperature=0.3, seed=1)
    assert samples.latents.shape == (5, project.latent_dim)
    assert samples.images.shape == (5, 32, 32, 3)
    centres = latent_map.clusters.centers  # (k, D)
    distance = np.linalg.norm(samples.latents[:, None] - centres[None], axis=2)  # (5, k)
    assert (distance.argmin(axis=1) == 0).mean() >= 0.8
    again = sample_cluster(project, latent_map, 0, 5, temperature=0.3, seed=1)
    np.testing.assert_array_equal(again.latents, samples.latents)
    with pytest.raises(LatentiaError, match="no cluster"):
        sample_cluster(project, latent_map, 9, 1)


def test_directions_are_saved_applied_and_deleted(project, latent_map):
    members = np.flatnonzero(latent_map.clusters.labels == 0)
    others = np.flatnonzero(latent_map.clusters.labels != 0)
    direction = direction_between(latent_map, members, others)
    assert direction.shape == (project.latent_dim,)
    assert save_direction(project, "towards cluster 1", direction).names == (
        "towards cluster 1",)
    loaded = load_directions(Project.open(project.path))
    np.testing.assert_allclose(loaded["towards cluster 1"], direction)

    code = latent_map.means[others[0]]
    moved = apply_attribute(project, code, "towards cluster 1", 1.5)
    np.testing.assert_allclose(moved.latents[0], code + 1.5 * direction, atol=1e-5)
    assert moved.images.shape == (1, 32, 32, 3)
    batch = apply_attribute(project, latent_map.means[:3], direction, -1.0)
    assert batch.latents.shape == (3, project.latent_dim)

    assert len(delete_direction(project, "towards cluster 1")) == 0
    assert len(load_directions(project)) == 0
    with pytest.raises(LatentiaError, match="no direction named"):
        apply_attribute(project, code, "towards cluster 1", 1.0)
    with pytest.raises(LatentiaError, match="shape"):
        save_direction(project, "short", direction[:2])
    with pytest.raises(LatentiaError, match="shape"):
        apply_attribute(project, code[:2], direction[:2], 1.0)
    with pytest.raises(LatentiaError, match="at least one image"):
        direction_between(latent_map, [], others)


def test_damaged_directions_file_is_reported(project):
    (project.path / "map").mkdir(exist_ok=True)
    target = project.path / "map" / "directions.safetensors"
    target.write_bytes(b"\x00garbage")
    try:
        with pytest.raises(ProjectError, match="attribute directions"):
            load_directions(project)
    finally:
        target.unlink()
