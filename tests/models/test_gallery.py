"""The gallery store: undoable changes that persist at once, and clear errors for bad files."""

from __future__ import annotations

import json

import numpy as np
import pytest

from models.errors import LatentiaError, ProjectError
from models.gallery import Gallery, GalleryItem, GallerySource, ItemSettings
from models.gallery.store import INDEX_FILE

D = 6


def make_item(name: str, frames: int = 1, seed: int = 0, **source) -> GalleryItem:
    """An item with random codes; `seed` also becomes the recipe's seed."""
    source.setdefault("seed", seed)
    latents = np.random.default_rng(seed).normal(size=(frames, D)).astype(np.float32)
    return GalleryItem.create(name, latents, GallerySource(**source), model_id="m0",
                              settings=ItemSettings(fps=12.0, pingpong=True))


def make_frames(item: GalleryItem, value: int = 0) -> np.ndarray:
    frames = np.full((item.frame_count, 8, 8, 3), value, np.uint8)
    frames[:, 0, 0, 0] = np.arange(item.frame_count)  # tell the frames apart
    return frames


@pytest.fixture
def project_dir(tmp_path):
    path = tmp_path / "p.latentia"
    path.mkdir()
    return path


def names(gallery: Gallery) -> list[str]:
    return [item.name for item in gallery.items]


def test_empty_without_a_gallery_and_errors_for_no_project(project_dir, tmp_path):
    assert Gallery.open(project_dir).items == ()
    with pytest.raises(ProjectError, match="not a project folder"):
        Gallery.open(tmp_path / "missing.latentia")


def test_items_round_trip_through_reopening(project_dir):
    gallery = Gallery.open(project_dir)
    still = make_item("still", seed=1, kind="sample", temperature=0.7)
    animation = make_item("walk", frames=5, seed=2, kind="path", mode="path",
                          map_points=((0.0, 1.0), (2.5, -1.0)), map_method="pca",
                          image_paths=("a.png", "sub/b.png"), image_indices=(3, -1),
                          attribute="smile", direction=np.ones(D), strength=1.5)
    gallery.add(still, make_frames(still, 10))
    gallery.add(animation, make_frames(animation, 20))

    reopened = Gallery.open(project_dir)
    assert names(reopened) == ["still", "walk"]
    assert [i.kind for i in reopened.items] == ["still", "animation"]
    walk = reopened.get(animation.id)
    np.testing.assert_array_equal(walk.latents, animation.latents)
    assert walk.source.map_points == ((0.0, 1.0), (2.5, -1.0))
    assert walk.source.image_indices == (3, -1) and walk.source.strength == 1.5
    np.testing.assert_array_equal(walk.source.direction, np.ones(D, np.float32))
    assert walk.settings == ItemSettings(frames=5, fps=12.0, pingpong=True)
    assert reopened.get(still.id).source.temperature == 0.7
    assert reopened.get(still.id).source.direction is None
    np.testing.assert_array_equal(reopened.frames(animation.id), make_frames(animation, 20))
    assert not reopened.frames(still.id).flags.writeable


def test_rename_move_remove_insert_persist(project_dir):
    gallery = Gallery.open(project_dir)
    items = [make_item(n, seed=i) for i, n in enumerate("abcd")]
    for item in items:
        gallery.add(item, make_frames(item, 5))
    edit = gallery.rename(items[1].id, "  bee  ")
    assert edit.action == "rename" and edit.item.name == "bee" and edit.previous.name == "b"
    edit = gallery.move(items[0].id, 3)
    assert edit.previous_index == 0 and edit.index == 3
    assert names(Gallery.open(project_dir)) == ["bee", "c", "d", "a"]
    edit = gallery.remove(items[2].id)
    assert edit.index == 1 and names(gallery) == ["bee", "d", "a"]
    assert not (project_dir / "gallery" / f"{items[2].id}.safetensors").exists()
    gallery.insert(edit.item, edit.frames, edit.index)
    reopened = Gallery.open(project_dir)
    assert names(reopened) == ["bee", "c", "d", "a"]
    np.testing.assert_array_equal(reopened.frames(items[2].id), make_frames(items[2], 5))


def state(gallery: Gallery) -> list[tuple]:
    """Everything a change can touch: order, names, models and frames of every item."""
    return [(i.id, i.name, i.model_id, gallery.frames(i.id).tobytes()) for i in gallery.items]


def test_every_edit_reverts_and_redoes(project_dir):
    gallery = Gallery.open(project_dir)
    a, b, c = (make_item(n, frames=2, seed=i) for i, n in enumerate("abc"))
    changes = [lambda: gallery.add(a, make_frames(a, 1)), lambda: gallery.add(b, make_frames(b, 2)),
               lambda: gallery.add(c, make_frames(c, 3)), lambda: gallery.rename(b.id, "bb"),
               lambda: gallery.move(c.id, 0), lambda: gallery.remove(a.id),
               lambda: gallery.render(b.id, make_frames(b, 99), "m1")]
    edits, after = [], [state(gallery)]
    for change in changes:
        edits.append(change())
        after.append(state(gallery))
    assert [e[1] for e in after[-1]] == ["c", "bb"]
    redos = []
    for k in reversed(range(len(edits))):  # undo, newest first
        redos.append(gallery.revert(edits[k]))
        assert state(gallery) == state(Gallery.open(project_dir)) == after[k]
    for k, redo in enumerate(reversed(redos)):  # redo, oldest first
        gallery.revert(redo)
        assert state(gallery) == state(Gallery.open(project_dir)) == after[k + 1]


def test_render_revert_restores_frames_and_model(project_dir):
    gallery = Gallery.open(project_dir)
    item = make_item("x", frames=3)
    gallery.add(item, make_frames(item, 7))
    edit = gallery.render(item.id, make_frames(item, 200), "newer")
    assert Gallery.open(project_dir).get(item.id).model_id == "newer"
    gallery.revert(edit)
    reopened = Gallery.open(project_dir)
    assert reopened.get(item.id).model_id == "m0"
    np.testing.assert_array_equal(reopened.frames(item.id), make_frames(item, 7))


def test_find_by_name_case_or_id(project_dir):
    gallery = Gallery.open(project_dir)
    items = [make_item("Sunset"), make_item("twin", seed=1), make_item("twin", seed=2)]
    for item in items:
        gallery.add(item, make_frames(item))
    assert gallery.find("Sunset").id == items[0].id
    assert gallery.find("sunset").id == items[0].id
    assert gallery.find(items[2].id).id == items[2].id
    with pytest.raises(LatentiaError, match="2 gallery items are named 'twin'"):
        gallery.find("twin")
    with pytest.raises(LatentiaError, match="no item named 'moon'"):
        gallery.find("moon")


def test_bad_input_changes_nothing(project_dir):
    gallery = Gallery.open(project_dir)
    item = make_item("a", frames=3)
    with pytest.raises(LatentiaError, match="2 frames given for an item of 3"):
        gallery.add(item, make_frames(item)[:2])
    with pytest.raises(LatentiaError, match="uint8"):
        gallery.add(item, make_frames(item).astype(np.float32))
    assert gallery.items == () and not (project_dir / "gallery" / INDEX_FILE).exists()
    gallery.add(item, make_frames(item))
    with pytest.raises(LatentiaError, match="already holds"):
        gallery.add(item, make_frames(item))
    with pytest.raises(LatentiaError, match="needs a name"):
        gallery.rename(item.id, "  ")
    with pytest.raises(LatentiaError, match="no item with id"):
        gallery.remove("0" * 32)
    assert names(Gallery.open(project_dir)) == ["a"]


def test_item_records_check_themselves():
    with pytest.raises(LatentiaError, match="one latent code"):
        GalleryItem(id="0" * 32, name="s", kind="still", latents=np.zeros((2, D)),
                    source=GallerySource(), settings=ItemSettings(frames=2), model_id="m",
                    created="now")
    with pytest.raises(LatentiaError, match="not a gallery item id"):
        GalleryItem(id="../evil", name="s", kind="still", latents=np.zeros(D),
                    source=GallerySource(), settings=ItemSettings(), model_id="m",
                    created="now")
    with pytest.raises(LatentiaError, match="source mode"):
        GallerySource(mode="wobble")
    with pytest.raises(LatentiaError, match="easing"):
        ItemSettings(easing="bounce")


@pytest.mark.parametrize("text, message", [
    ("{not json", "corrupt or unreadable"),
    ('{"format": "something-else", "version": 1, "items": []}', "not a Latentia gallery"),
    ('{"format": "latentia-gallery", "version": 99, "items": []}', "unknown version"),
    ('{"format": "latentia-gallery", "version": 1, "items": {"a": 1}}', "bad item list"),
])
def test_corrupt_index_is_a_clear_project_error(project_dir, text, message):
    (project_dir / "gallery").mkdir()
    (project_dir / "gallery" / INDEX_FILE).write_text(text)
    with pytest.raises(ProjectError, match=message):
        Gallery.open(project_dir)


def test_an_item_with_damaged_data_is_left_out_but_kept_in_the_index(project_dir):
    gallery = Gallery.open(project_dir)
    good, broken = make_item("good"), make_item("broken", seed=1)
    gallery.add(good, make_frames(good))
    gallery.add(broken, make_frames(broken))
    (project_dir / "gallery" / f"{broken.id}.safetensors").write_bytes(b"garbage")
    reopened = Gallery.open(project_dir)
    assert names(reopened) == ["good"]
    assert len(reopened.problems) == 1 and "corrupt" in reopened.problems[0]
    reopened.rename(good.id, "still good")
    index = json.loads((project_dir / "gallery" / INDEX_FILE).read_text())
    assert [entry["name"] for entry in index["items"]] == ["still good", "broken"]
