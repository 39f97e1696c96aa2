"""Saved map paths: the JSON format round trip, clear errors for bad files, and the paths kept
in a project (list, rename, delete, play)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from models.errors import LatentiaError, ProjectError
from models.latent_map import (
    MapPath,
    delete_project_path,
    list_paths,
    load_path,
    load_project_path,
    path_frames_for,
    project_map,
    rename_project_path,
    save_path,
    save_project_path,
)
from models.project import Project


def sample_path(name: str = "sunrise", **changes) -> MapPath:
    fields = dict(name=name, method="pca", model_id="0123456789abcdef",
                  points=[[0.0, 1.0], [2.5, -1.0], [3.0, 3.0]], frames=24, smoothing=0.05,
                  waypoints_snapped=(4, None, 11))
    fields.update(changes)
    return MapPath(**fields)


@pytest.fixture(scope="module")
def project(trained_project) -> Project:
    return Project.open(trained_project)


def test_json_round_trip_keeps_every_field(tmp_path):
    original = sample_path()
    save_path(tmp_path / "p.json", original)
    document = json.loads((tmp_path / "p.json").read_text())
    assert document == {"format": "latentia-path", "version": 1, "name": "sunrise",
                        "method": "pca", "model_id": "0123456789abcdef",
                        "points": [[0.0, 1.0], [2.5, -1.0], [3.0, 3.0]], "frames": 24,
                        "smoothing": 0.05, "waypoints_snapped": [4, None, 11]}
    loaded = load_path(tmp_path / "p.json")
    assert loaded.to_json() == original.to_json()
    assert not loaded.points.flags.writeable


def test_snapped_waypoints_default_to_none():
    assert sample_path(waypoints_snapped=()).waypoints_snapped == (None, None, None)


@pytest.mark.parametrize(("content", "message"), [
    (b"", "corrupt"),
    (b"{not json", "corrupt"),
    (b"[1, 2]", "not a Latentia path"),
    (b'{"format": "latentia-project", "version": 1}', "not a Latentia path"),
    (b'{"format": "latentia-path", "version": 7}', "unknown version"),
    (b'{"format": "latentia-path", "version": 1, "name": "a"}', "missing method"),
])
def test_bad_files_give_clear_errors(tmp_path, content, message):
    (tmp_path / "bad.json").write_bytes(content)
    with pytest.raises(LatentiaError, match=message):
        load_path(tmp_path / "bad.json")


@pytest.mark.parametrize(("change", "message"), [
    ({"points": [[0, 1], [2]]}, "number pairs"),
    ({"points": []}, "at least one point"),
    ({"points": [[0, "x"]]}, "number pairs"),
    ({"frames": 0}, "at least one frame"),
    ({"frames": 2.5}, "at least one frame"),
    ({"smoothing": -1}, "smoothing"),
    ({"method": "tsne"}, "unknown map method"),
    ({"waypoints_snapped": [1]}, "1 snapped waypoints given for 3 points"),
    ({"waypoints_snapped": [-1, None, None]}, "image index"),
    ({"name": "a/b"}, "cannot contain '/'"),
])
def test_damaged_fields_are_named(tmp_path, change, message):
    document = {**sample_path().to_json(), **change}
    (tmp_path / "bad.json").write_text(json.dumps(document))
    with pytest.raises(ProjectError, match=message):
        load_path(tmp_path / "bad.json")


def test_missing_file_and_missing_folder(tmp_path):
    with pytest.raises(LatentiaError, match="missing"):
        load_path(tmp_path / "nowhere.json")
    with pytest.raises(LatentiaError, match="does not exist"):
        save_path(tmp_path / "no" / "folder.json", sample_path())


@pytest.mark.parametrize("name", ["", "   ", ".hidden", "a:b", "x" * 101, "tab\there"])
def test_unusable_names_are_refused(name):
    with pytest.raises(LatentiaError):
        sample_path(name)


def test_project_paths_list_rename_delete(project):
    assert list_paths(project) == ()
    file = save_project_path(project, sample_path("b path"))
    save_project_path(project, sample_path("A path"))
    assert file == Path(project.path) / "paths" / "b path.json"
    assert list_paths(project) == ("A path", "b path")

    renamed = rename_project_path(project, "b path", "Café loop")
    assert renamed.name == "Café loop" and list_paths(project) == ("A path", "Café loop")
    assert load_project_path(project, "Café loop").to_json()["name"] == "Café loop"
    with pytest.raises(LatentiaError, match="already exists"):
        rename_project_path(project, "Café loop", "A path")
    assert rename_project_path(project, "A path", "a path").name == "a path"
    assert list_paths(project) == ("a path", "Café loop")

    delete_project_path(project, "a path")
    delete_project_path(project, "Café loop")
    assert list_paths(project) == ()
    with pytest.raises(LatentiaError, match="no path named 'ghost'"):
        load_project_path(project, "ghost")
    with pytest.raises(LatentiaError, match="no path named 'ghost'"):
        delete_project_path(project, "ghost")


def test_a_saved_path_plays_on_the_rebuilt_map(project):
    latent_map = project_map(project, k=2)
    drawn = sample_path(points=[[9.0, 9.0], latent_map.points[3].tolist()],
                        waypoints_snapped=(7, None), frames=5, smoothing=0.0,
                        model_id=project.model_id)
    frames = path_frames_for(project, latent_map, drawn)
    assert len(frames) == 5
    np.testing.assert_allclose(frames.points[0], latent_map.points[7], atol=1e-5)
    assert frames.nearest[0] == 7 and frames.nearest[-1] == 3
    with pytest.raises(LatentiaError, match="drawn on the UMAP map"):
        path_frames_for(project, latent_map, sample_path(method="umap"))
    with pytest.raises(LatentiaError, match="only 48 images"):
        path_frames_for(project, latent_map, sample_path(waypoints_snapped=(99, None, None)))
