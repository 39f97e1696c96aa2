"""Gallery items with a real (tiny) model: making, regenerating, exporting and remixing."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PIL import Image, ImageSequence

from models.errors import LatentiaError
from models.export import read_provenance, read_sheet_layout
from models.gallery import (
    ExportRequest,
    Gallery,
    ItemSettings,
    between_images,
    export_frames,
    find_project_image,
    find_provenance_latents,
    item_provenance,
    locate_remix,
    regenerate,
    to_model_input,
    to_uint8_images,
)
from models.ingest import load_image
from models.project import Project
from tests.conftest import copy_project
from tests.models.conftest import draw_shape, tiny_config


@pytest.fixture(scope="module")
def project(trained_project):
    return Project.open(trained_project)


@pytest.fixture(scope="module")
def morph(project):
    return between_images(project, "shape_000.png", "sub/shape_003.png",
                          ItemSettings(frames=7, easing="ease_in_out"))


def encoded(project, *names: str) -> np.ndarray:
    folder = project.source_folder
    pixels = np.stack([load_image(f"{folder}/{n}", project.config.ingest) for n in names])
    return project.encode(to_model_input(pixels))[0]


def test_between_images_morphs_from_one_image_to_the_other(project, morph):
    item, frames = morph.item, morph.frames
    assert item.kind == "animation" and item.frame_count == 7 and item.name == (
        "shape_000 to shape_003")
    assert frames.shape == (7, 32, 32, 3) and frames.dtype == np.uint8
    np.testing.assert_allclose(item.latents[[0, -1]],
                               encoded(project, "shape_000.png", "sub/shape_003.png"),
                               atol=1e-5)
    assert item.source.image_paths == ("shape_000.png", "sub/shape_003.png")
    rows = [entry.path for entry in project.cache.entries]
    assert [rows[i] for i in item.source.image_indices] == list(item.source.image_paths)
    assert item.source.mode == "slerp" and item.model_id == project.model_id
    assert not np.array_equal(frames[0], frames[-1])


def test_project_images_by_path_name_or_absolute_path(project, tmp_path):
    folder = project.source_folder
    assert find_project_image(project, "shape_005.png").relative == "sub/shape_005.png"
    absolute = find_project_image(project, f"{folder}/sub/shape_005.png")
    assert absolute.relative == "sub/shape_005.png" and absolute.index is not None
    outside = tmp_path / "new.png"
    draw_shape(99).save(outside)
    assert find_project_image(project, outside).index is None
    with pytest.raises(LatentiaError, match="is not an image of the project's image folder"):
        find_project_image(project, "nothing.png")
    with pytest.raises(LatentiaError, match="does not exist"):
        find_project_image(project, tmp_path / "gone.png")


def test_a_source_named_not_by_a_path_finds_images_in_the_cache_only(trained_template, tmp_path):
    # the bundled demo stores "bundled demo" instead of the folder it was built from
    labelled = Project.open(copy_project(trained_template, tmp_path / "demo.latentia"))
    labelled.source_folder = "bundled demo"
    image = find_project_image(labelled, "shape_005.png")
    assert image.path == Path("sub/shape_005.png") and image.index is not None
    with pytest.raises(LatentiaError, match="is not an image of this model's images"):
        find_project_image(labelled, "nothing.png")


def test_ambiguous_file_names_ask_for_the_path(tmp_path):
    folder = tmp_path / "twins"
    for sub in ("a", "b"):
        (folder / sub).mkdir(parents=True)
        draw_shape(len(sub) + ord(sub)).save(folder / sub / "same.png")
    twins = Project.create(tmp_path / "twins.latentia", folder, tiny_config())
    with pytest.raises(LatentiaError, match=r"2 images of the project are called same\.png"):
        find_project_image(twins, "same.png")
    assert find_project_image(twins, "b/same.png").index == 1


def test_regenerate_after_more_training_changes_the_frames(tmp_path, trained_template):
    own = Project.open(copy_project(trained_template, tmp_path / "own.latentia"))
    gallery = Gallery.open(own.path)
    made = between_images(own, "shape_001.png", "shape_002.png", ItemSettings(frames=3))
    gallery.add(made.item, made.frames)
    np.testing.assert_array_equal(regenerate(own, made.item), made.frames)
    old_model = own.model_id
    list(own.trainer(own.more_training(epochs=1)).run())
    assert own.model_id != old_model
    fresh = regenerate(own, made.item)
    assert fresh.shape == made.frames.shape and not np.array_equal(fresh, made.frames)
    gallery.render(made.item.id, fresh, own.model_id)
    reopened = Gallery.open(own.path)
    np.testing.assert_array_equal(reopened.frames(made.item.id), fresh)
    assert reopened.get(made.item.id).model_id == own.model_id
    with pytest.raises(LatentiaError, match="makes 32 px images only"):
        regenerate(own, made.item, image_size=64)


def test_remix_finds_the_codes_of_an_exported_still(project, morph, tmp_path):
    target = tmp_path / "frame.png"
    export_frames(ExportRequest("png", target), morph.frames, item_provenance(morph.item))
    np.testing.assert_allclose(find_provenance_latents(target), morph.item.latents[:1])
    match = locate_remix(project, target)
    assert match.origin == "provenance" and match.matches_model
    np.testing.assert_allclose(match.latents, morph.item.latents[:1])
    # one frame decoded alone against the first of seven decoded together: some CPUs' kernels
    # round a batch of one differently in the last bit, which can move a pixel by one level
    alone = to_uint8_images(project.decode(np.array(match.latents))).astype(int)
    np.testing.assert_allclose(alone, morph.frames[:1].astype(int), atol=1, rtol=0)


def test_export_request_options_beyond_the_cli(project, morph, tmp_path):
    """Holds, a sheet's rows and spacing, and the frame of a still (the Gallery's dialog)."""
    provenance = item_provenance(morph.item)
    still = tmp_path / "third.png"
    export_frames(ExportRequest("png", still, frame=2), morph.frames, provenance)
    np.testing.assert_allclose(find_provenance_latents(still), morph.item.latents[2:3])
    with pytest.raises(LatentiaError, match="frame 8 does not exist; the item has 7 frames"):
        export_frames(ExportRequest("png", tmp_path / "x.png", frame=7), morph.frames, provenance)
    sheet = tmp_path / "sheet.png"
    export_frames(ExportRequest("sheet", sheet, rows=1, spacing=3), morph.frames, provenance)
    layout = read_sheet_layout(sheet)
    assert (layout.columns, layout.rows, layout.spacing) == (7, 1, 3)
    held, plain = tmp_path / "held.gif", tmp_path / "plain.gif"
    export_frames(ExportRequest("gif", held, fps=10, hold_last_ms=500), morph.frames, provenance)
    export_frames(ExportRequest("gif", plain, fps=10), morph.frames, provenance)
    assert gif_seconds(held) == pytest.approx(gif_seconds(plain) + 0.5, abs=0.02)


def gif_seconds(path) -> float:
    with Image.open(path) as gif:
        return sum(frame.info["duration"] for frame in ImageSequence.Iterator(gif)) / 1000


def test_remix_of_an_animation_finds_every_frame(project, morph, tmp_path):
    target = tmp_path / "morph.gif"
    export_frames(ExportRequest("gif", target, fps=10), morph.frames,
                  item_provenance(morph.item))
    np.testing.assert_allclose(find_provenance_latents(target), morph.item.latents)
    assert read_provenance(target).settings["settings"]["frames"] == 7


def test_remix_of_a_plain_image_encodes_it(project):
    plain = f"{project.source_folder}/sub/shape_007.png"
    assert find_provenance_latents(plain) is None
    match = locate_remix(project, plain)
    assert match.origin == "encoded" and match.model_id == project.model_id
    np.testing.assert_allclose(match.latents, encoded(project, "sub/shape_007.png"), atol=1e-6)


def test_remix_of_another_models_export_says_so(project, morph, tmp_path):
    other = morph.item.replace(model_id="someone-else")
    target = tmp_path / "other.png"
    export_frames(ExportRequest("png", target), morph.frames, item_provenance(other))
    match = locate_remix(project, target)
    assert match.origin == "provenance" and not match.matches_model
    assert "another model" in match.note
    wrong_size = morph.item.replace(latents=np.zeros((7, 3), np.float32))
    export_frames(ExportRequest("png", tmp_path / "x.png"), morph.frames,
                  item_provenance(wrong_size))
    match = locate_remix(project, tmp_path / "x.png")
    assert match.origin == "encoded" and "3 dimensions" in match.note
