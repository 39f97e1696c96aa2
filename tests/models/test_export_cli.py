"""`latentia export`: animations, frame folders and gallery items written without a window,
and every mistake reported as one clear line."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

from models.cli import main
from models.export import mp4_available, read_provenance, read_sheet_layout, sidecar_path
from models.gallery import Gallery, ItemSettings, between_images, find_provenance_latents
from models.latent_map import MapPath, project_map, save_path
from models.project import Project
from tests.models.conftest import tiny_config

A, B = "shape_000.png", "sub/shape_003.png"


@pytest.fixture(scope="module")
def project(trained_project):
    path = trained_project
    made = Project.open(path)
    morph = between_images(made, "shape_001.png", "shape_002.png",
                           ItemSettings(frames=4, fps=8.0))
    Gallery.open(path).add(morph.item.replace(name="Morph"), morph.frames)
    return made


def export(capsys, project, *args) -> tuple[int, str, str]:
    code = main(["export", str(project.path), *(str(a) for a in args), "--quiet"])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_between_writes_a_gif_with_its_provenance(project, tmp_path, capsys):
    target = tmp_path / "morph.gif"
    code, out, err = export(capsys, project, "--between", A, B, "--frames", 6, "--gif", target,
                            "--fps", 12, "--size", 64)
    assert code == 0, err
    assert f"wrote 6 frames to {target}" in out
    with Image.open(target) as gif:
        assert gif.n_frames == 6 and gif.size == (64, 64)
        assert gif.info["duration"] in (80, 90)  # 1000 / 12 ms in GIF's 10 ms steps
    provenance = read_provenance(target)
    assert sidecar_path(target).is_file()
    assert provenance.latents.shape == (6, project.latent_dim)
    assert provenance.model_id == project.model_id and provenance.kind == "interpolation"
    assert provenance.settings["source"]["image_paths"] == [A, B]


def test_pingpong_plays_back_without_repeating_the_ends(project, tmp_path, capsys):
    target = tmp_path / "pp.webp"
    code, out, err = export(capsys, project, "--between", A, B, "--frames", 5, "--webp", target,
                            "--pingpong")
    assert code == 0, err
    assert f"wrote 8 frames to {target}" in out  # what plays, not what was decoded
    with Image.open(target) as webp:
        assert webp.n_frames == 8


def test_frames_dir_gives_every_frame_its_own_codes(project, tmp_path, capsys):
    folder = tmp_path / "frames"
    code, _, err = export(capsys, project, "--between", A, B, "--frames", 4,
                          "--frames-dir", folder, "--scale", 2, "--resample", "nearest")
    assert code == 0, err
    files = sorted(folder.glob("*.png"))
    assert [f.name for f in files] == [f"frame_000{i}.png" for i in range(1, 5)]
    with Image.open(files[0]) as first:
        assert first.size == (64, 64)
    latents = np.concatenate([find_provenance_latents(f) for f in files])
    assert latents.shape == (4, project.latent_dim)
    assert not np.allclose(latents[0], latents[-1])


def test_path_file_renders_along_the_map(project, tmp_path, capsys):
    points = project_map(project, method="pca").points[[0, 5, 9]]
    path_file = tmp_path / "walk.json"
    save_path(path_file, MapPath(name="walk", method="pca", model_id=project.model_id,
                                 points=points, frames=5))
    target = tmp_path / "walk.apng"
    code, _, err = export(capsys, project, "--path", path_file, "--apng", target)
    assert code == 0, err
    assert read_provenance(target).latents.shape == (5, project.latent_dim)
    assert read_provenance(target).settings["source"]["map_method"] == "pca"
    code, _, err = export(capsys, project, "--path", path_file, "--frames", 3,
                          "--frames-dir", tmp_path / "walk")
    assert code == 0, err
    assert len(list((tmp_path / "walk").glob("*.png"))) == 3


def test_gallery_item_as_still_sheet_and_gif(project, tmp_path, capsys):
    gallery = Gallery.open(project.path)
    item = gallery.find("Morph")
    code, out, err = export(capsys, project, "--item", "morph", "--png", tmp_path / "one.png")
    assert code == 0 and "wrote 1 image" in out, err
    with Image.open(tmp_path / "one.png") as png:
        np.testing.assert_array_equal(np.asarray(png), gallery.frames(item.id)[0])
    np.testing.assert_allclose(find_provenance_latents(tmp_path / "one.png"), item.latents[:1])

    code, _, err = export(capsys, project, "--item", "Morph", "--png", tmp_path / "sheet.png",
                          "--sheet", "--columns", 2)
    assert code == 0, err
    assert read_sheet_layout(tmp_path / "sheet.png").columns == 2
    np.testing.assert_allclose(find_provenance_latents(tmp_path / "sheet.png"), item.latents)

    code, _, err = export(capsys, project, "--item", item.id, "--gif", tmp_path / "m.gif",
                          "--regenerate")
    assert code == 0, err
    with Image.open(tmp_path / "m.gif") as gif:
        assert gif.n_frames == 4 and gif.info["duration"] == 130  # the item's 8 fps, rounded


def test_overwrite_replaces_an_existing_file(project, tmp_path, capsys):
    target = tmp_path / "x.png"
    target.write_bytes(b"old")
    code, _, err = export(capsys, project, "--item", "Morph", "--png", target)
    assert code == 1 and "add --overwrite" in err and target.read_bytes() == b"old"
    code, _, err = export(capsys, project, "--item", "Morph", "--png", target, "--overwrite")
    assert code == 0, err
    assert target.read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize("args, message", [
    (["--between", A, "nothing.png", "--gif", "{tmp}/a.gif"], "is not an image of"),
    (["--path", "{tmp}/missing.json", "--gif", "{tmp}/a.gif"], "does not exist"),
    (["--between", A, B], "no output given"),
    (["--between", A, B, "--gif", "{tmp}/a.gif", "--webp", "{tmp}/a.webp"],
     "one output at a time"),
    (["--gif", "{tmp}/a.gif"], "exactly one of --between, --path, --item or --blend-labels"),
    (["--between", A, B, "--item", "Morph", "--gif", "{tmp}/a.gif"], "exactly one of"),
    (["--between", A, B, "--gif", "{tmp}/a.gif", "--fps", "0"], "fps must be"),
    (["--between", A, B, "--gif", "{tmp}/a.gif", "--fps", "80"], "at most 50"),
    (["--between", A, B, "--gif", "{tmp}/taken.gif"], "already exists; add --overwrite"),
    (["--between", A, B, "--gif", "{tmp}/a.gif", "--size", "48"], "whole multiple"),
    (["--item", "Nope", "--png", "{tmp}/a.png"], "no item named 'Nope'"),
    (["--item", "Morph", "--gif", "{tmp}/a.gif", "--frames", "3"], "does not apply"),
    (["--between", A, B, "--gif", "{tmp}/a.gif", "--sheet"], "go with --png"),
    (["--between", A, B, "--gif", "{tmp}/no/folder/a.gif"], "does not exist"),
])
def test_error_paths_are_one_clear_line(project, tmp_path, capsys, args, message):
    (tmp_path / "taken.gif").write_bytes(b"GIF89a")
    code, _, err = export(capsys, project, *(a.format(tmp=tmp_path) for a in args))
    lines = err.strip().splitlines()
    assert code == 1 and len(lines) == 1 and lines[0].startswith("latentia: error:"), err
    assert message in lines[0] and "Traceback" not in err
    assert not (tmp_path / "a.gif").exists() and not (tmp_path / "a.png").exists()


@pytest.mark.skipif(mp4_available(), reason="PyAV is installed here")
def test_mp4_without_pyav_is_a_clear_error(project, tmp_path, capsys):
    code, _, err = export(capsys, project, "--between", A, B, "--mp4", tmp_path / "a.mp4")
    assert code == 1 and "pip install av" in err and len(err.strip().splitlines()) == 1


def test_missing_or_untrained_projects_are_refused(tmp_path, shape_folder, capsys):
    code = main(["export", str(tmp_path / "none.latentia"), "--between", A, B,
                 "--gif", str(tmp_path / "a.gif")])
    err = capsys.readouterr().err
    assert code == 1 and "does not exist" in err and len(err.strip().splitlines()) == 1
    fresh = Project.create(tmp_path / "fresh.latentia", shape_folder, tiny_config())
    code, _, err = export(capsys, fresh, "--between", A, B, "--gif", tmp_path / "a.gif")
    assert code == 1 and "has not been trained" in err


def test_the_sidecar_names_the_settings(project, tmp_path, capsys):
    target = tmp_path / "s.gif"
    code, _, err = export(capsys, project, "--between", A, B, "--frames", 3, "--gif", target,
                          "--easing", "ease_in_out", "--mode", "normlerp", "--loop", 2)
    assert code == 0, err
    sidecar = json.loads(sidecar_path(target).read_text())
    assert sidecar["settings"]["settings"]["easing"] == "ease_in_out"
    assert sidecar["settings"]["settings"]["loop"] == 2
    assert sidecar["settings"]["source"]["mode"] == "normlerp"
