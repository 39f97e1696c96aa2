"""The project's latent map on disk: encodings and layouts are cached, reused while the model
and settings are unchanged, rebuilt otherwise, and never left half-written."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from models.errors import Cancelled, LatentiaError
from models.latent_map import encode_project, project_map, rename_cluster
from models.latent_map.encodings import ENCODED_FILE
from models.project import Project, open_project
from tests.conftest import copy_project

from .conftest import tiny_config


@pytest.fixture
def project(trained_template, tmp_path) -> Project:
    """A private copy of the trained project, so tests can write caches and train more."""
    return Project.open(copy_project(trained_template, tmp_path / "copy.latentia"))


def count_encodes(monkeypatch, project: Project) -> list[int]:
    """Record the batch size of every `project.encode` call."""
    calls: list[int] = []
    original = project.encode

    def encode(images):
        calls.append(len(images))
        return original(images)

    monkeypatch.setattr(project, "encode", encode)
    return calls


def test_encodings_match_the_model_and_are_reused(project, monkeypatch):
    calls = count_encodes(monkeypatch, project)
    encoded = encode_project(project, batch=20)
    assert calls == [20, 20, 8]  # 48 images in batches, never all at once
    assert encoded.means.shape == encoded.logvars.shape == (48, project.latent_dim)
    assert encoded.means.dtype == np.float32 and encoded.model_id == project.model_id
    images = project.images()[:5].transpose(0, 3, 1, 2).astype(np.float32) / 255
    np.testing.assert_allclose(encoded.means[:5], project.encode(images)[0], atol=1e-5)
    assert (project.path / "map" / ENCODED_FILE).is_file()

    calls.clear()
    again = encode_project(Project.open(project.path))  # a fresh object: read from disk
    again_here = encode_project(project)
    assert calls == []
    np.testing.assert_array_equal(again.means, encoded.means)
    np.testing.assert_array_equal(again_here.logvars, encoded.logvars)


def test_more_training_encodes_again(project, monkeypatch):
    first = encode_project(project)
    list(project.trainer(tiny_config(epochs=3).train).run())
    calls = count_encodes(monkeypatch, project)
    second = encode_project(project)
    assert second.model_id != first.model_id
    assert sum(calls) == 48
    assert not np.array_equal(second.means, first.means)


def test_a_damaged_cache_is_recomputed(project):
    encoded = encode_project(project)
    (project.path / "map" / ENCODED_FILE).write_bytes(b"not a safetensors file")
    np.testing.assert_array_equal(encode_project(project).means, encoded.means)


def test_cancelled_encoding_writes_nothing(project):
    stops = iter([False, True])
    with pytest.raises(Cancelled):
        encode_project(project, batch=16, should_stop=lambda: next(stops))
    assert not (project.path / "map").exists()


def test_cancelled_map_build_leaves_no_map_file(project):
    encode_project(project)
    asked: list[str] = []

    def stop_after_three_steps() -> bool:
        return len(asked) >= 3

    with pytest.raises(Cancelled):
        project_map(project, progress=lambda f, text: asked.append(text),
                    should_stop=stop_after_three_steps)
    assert sorted(p.name for p in (project.path / "map").iterdir()) == [ENCODED_FILE]


def test_map_is_cached_and_rebuilt_when_settings_change(project, monkeypatch):
    fractions: list[float] = []
    first = project_map(project, method="pca", k=3, seed=0,
                        progress=lambda fraction, text: fractions.append(fraction))
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    assert first.points.shape == (48, 2) and first.clusters.k == 3
    assert (project.path / "map" / "map_pca.safetensors").is_file()

    import models.latent_map.maps as maps

    builds: list[tuple] = []
    real_build = maps.build_latent_map

    def counting_build(means, **settings):
        builds.append(tuple(sorted(settings.items(), key=lambda item: item[0])))
        return real_build(means, **settings)

    monkeypatch.setattr(maps, "build_latent_map", counting_build)
    reopened = project_map(Project.open(project.path), method="pca", k=3, seed=0)
    assert builds == []
    np.testing.assert_array_equal(reopened.points, first.points)
    np.testing.assert_array_equal(reopened.clusters.labels, first.clusters.labels)

    assert project_map(project, method="pca", k=2).clusters.k == 2
    assert len(builds) == 1
    project_map(project, method="pca", k=2, seed=5)
    assert len(builds) == 2
    assert project_map(project, method="pca", k=2, seed=5).clusters.k == 2
    assert len(builds) == 2


def test_map_is_rebuilt_after_more_training(project):
    first = project_map(project, k=2)
    list(project.trainer(tiny_config(epochs=3).train).run())
    second = project_map(project, k=2)
    assert not np.array_equal(second.means, first.means)


def test_layout_is_deterministic_for_the_same_model(project, tmp_path):
    first = project_map(project, k=3)
    shutil.rmtree(project.path / "map")
    np.testing.assert_array_equal(project_map(project, k=3).points, first.points)


def test_cluster_names_persist(project):
    project_map(project, k=3)
    assert rename_cluster(project, "pca", 1, "  Red circles ") == (
        "Cluster 1", "Red circles", "Cluster 3")
    reloaded = project_map(Project.open(project.path), k=3)
    assert reloaded.clusters.names == ("Cluster 1", "Red circles", "Cluster 3")
    assert rename_cluster(project, "pca", 1, "")[1] == "Cluster 2"
    with pytest.raises(LatentiaError, match="no cluster 3"):
        rename_cluster(project, "pca", 3, "x")
    with pytest.raises(LatentiaError, match="no UMAP map"):
        rename_cluster(project, "umap", 0, "x")
    with pytest.raises(LatentiaError, match="unknown map method"):
        project_map(project, method="tsne")


def test_an_exported_model_has_no_map(project, tmp_path):
    target = tmp_path / "shapes.latentia-model"
    project.export_model(target)
    exported = open_project(target)
    with pytest.raises(LatentiaError, match="exported model"):
        encode_project(exported)
    with pytest.raises(LatentiaError, match="exported model"):
        project_map(exported)


def test_an_untrained_project_says_so(tmp_path, shape_folder):
    fresh = Project.create(tmp_path / "fresh.latentia", shape_folder, tiny_config())
    with pytest.raises(LatentiaError, match="not been trained"):
        project_map(fresh)
