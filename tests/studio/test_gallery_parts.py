"""The Gallery panel's parts without a worker: ordering, timing, the item model, the grid,
the detail view, undo commands, drops, remix and the job strip."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from studio.contract.gallery_records import (
    ExportCapabilities,
    GalleryChangeDone,
    GalleryItem,
    GallerySource,
    ItemSettings,
    ListedItem,
    RemixRecord,
)
from studio.panels.gallery.detail import GalleryDetail, source_rows
from studio.panels.gallery.drops import dropped_images
from studio.panels.gallery.grid import GalleryGrid
from studio.panels.gallery.jobs import JobStrip
from studio.panels.gallery.model import GalleryModel
from studio.panels.gallery.ordering import dropped_at, moved_by
from studio.panels.gallery.remix_view import remix_summary
from studio.panels.gallery.timing import display_order, frame_at
from studio.panels.gallery.undo import GalleryUndo

CAPS = ExportCapabilities(mp4=False, webp=True, max_scale=8, max_fps=100.0, gif_max_fps=50.0,
                          max_loop=65535, max_hold_ms=60000, max_spacing=1024,
                          max_pixels=89_478_485)


def iid(key: str) -> str:
    """A valid item id (32 hex digits) made from a one-letter key: "a" -> "aaa...a"."""
    return key * 32 if len(key) == 1 else key


def view(key: str, frames: int = 1, name: str = "", **source) -> ListedItem:
    pixels = np.zeros((frames, 8, 8, 3), np.uint8)
    pixels[:, 0, 0, 0] = np.arange(frames)
    pixels.flags.writeable = False
    item = GalleryItem(
        id=iid(key), name=name or key, kind="animation" if frames > 1 else "still",
        latents=np.zeros((frames, 4), np.float32),
        source=GallerySource(kind=source.pop("kind", "sample"), **source),
        settings=ItemSettings(frames=frames, fps=10.0), model_id="m1",
        created="2025-01-31T12:00:00+00:00")
    return ListedItem(item, pixels, current_model=True)


# --- pure helpers ---------------------------------------------------------------------------
def test_move_left_and_right_keep_blocks_together():
    order = ("a", "b", "c", "d", "e")
    assert moved_by(order, ["c"], -1) == ("a", "c", "b", "d", "e")
    assert moved_by(order, ["c", "d"], 1) == ("a", "b", "e", "c", "d")
    assert moved_by(order, ["a", "b"], -1) == order  # already at the left edge
    assert moved_by(order, ["a", "c"], -1) == ("a", "c", "b", "d", "e")
    assert moved_by(order, ["e"], 1) == order


def test_drop_puts_dragged_items_before_the_target_row():
    order = ("a", "b", "c", "d")
    assert dropped_at(order, ["a"], 3) == ("b", "c", "a", "d")
    assert dropped_at(order, ["d"], 0) == ("d", "a", "b", "c")
    assert dropped_at(order, ["b", "d"], 4) == ("a", "c", "b", "d")
    assert dropped_at(order, ["a", "c"], 2) == ("b", "a", "c", "d")
    assert dropped_at(order, ["b"], 1) == order


def test_frame_timing_plays_pingpong_like_the_exports():
    assert list(display_order(4, True)) == [0, 1, 2, 3, 2, 1]
    assert list(display_order(2, True)) == [0, 1]
    assert [frame_at(ms, 4, 10.0, True) for ms in (0, 99, 100, 350, 599, 600)] == [
        0, 0, 1, 3, 1, 0]
    assert frame_at(1000, 5, 10.0, False) == 0  # 10 frames at 10 fps: back to the start


def test_source_rows_show_only_what_the_recipe_recorded():
    rows = dict(source_rows(GallerySource(kind="sample", temperature=0.7, seed=3)))
    assert rows == {"Made as": "A sample from the model", "Temperature": "0.7", "Seed": "3"}
    path = dict(source_rows(GallerySource(kind="path", mode="path", map_method="pca",
                                          map_points=np.zeros((5, 2), np.float32),
                                          image_paths=("a.png", "sub/b.png"))))
    assert path["Path"] == "5 points on the PCA map"
    assert path["Images"] == "a.png\nsub/b.png" and "Temperature" not in path


# --- widgets --------------------------------------------------------------------------------
def test_model_reorder_keeps_the_selection(qtbot):
    model = GalleryModel()
    grid = GalleryGrid(model)
    qtbot.addWidget(grid)
    model.set_items((view("a"), view("b"), view("c")))
    grid.selectionModel().select(model.index(2),
                                 grid.selectionModel().SelectionFlag.Select)
    model.set_items((view("c"), view("a"), view("b")))
    assert [i.row() for i in grid.selectionModel().selectedIndexes()] == [0]
    model.set_items((view("a"),))
    assert model.rowCount() == 1


def test_hovered_animation_advances_only_that_item(qtbot):
    model = GalleryModel()
    model.set_items((view("a", frames=4), view("b", frames=4)))
    assert model.advance(0.0, {iid("a")})
    assert model.advance(250.0, {iid("a")})  # 10 fps: 2 frames in
    assert (model.frame_shown(iid("a")), model.frame_shown(iid("b"))) == (2, 0)
    assert not model.advance(300.0, set())
    assert model.frame_shown(iid("a")) == 0


def test_grid_drop_of_items_asks_for_the_new_order(qtbot):
    model = GalleryModel()
    grid = GalleryGrid(model)
    qtbot.addWidget(grid)
    grid.resize(600, 300)
    grid.show()
    model.set_items((view("a"), view("b"), view("c")))
    qtbot.waitExposed(grid)
    assert grid.viewport().acceptDrops()  # where Qt delivers drag events in a scroll area
    mime = model.mimeData([model.index(0)])
    rect = grid.visualRect(model.index(2))
    on_right_half = QPointF(rect.right() - 2, rect.center().y())
    event = QDropEvent(on_right_half, Qt.DropAction.MoveAction, mime,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(grid.sig_reorder) as blocker:
        grid.dropEvent(event)
    assert blocker.args[0] == tuple(map(iid, "bca"))
    assert [item.id for item in model.items()] == list(map(iid, "abc"))  # the worker moves them


def test_dropped_pngs_are_found_and_others_ignored(tmp_path):
    (tmp_path / "a.png").write_bytes(b"png")
    (tmp_path / "b.jpg").write_bytes(b"jpg")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tmp_path / n)) for n in ("b.jpg", "a.png", "x.png")])
    assert dropped_images(mime) == [str(tmp_path / "a.png")]
    assert dropped_images(QMimeData()) == []


def test_detail_shows_an_item_and_asks_to_rename(qtbot):
    detail = GalleryDetail()
    qtbot.addWidget(detail)
    item = view("a" * 32, frames=3, name="walk", kind="interpolation", mode="slerp",
                image_paths=("x.png", "y.png"))
    detail.show_items((item,), "m1")
    shown = detail.form_text()
    assert shown["Model"] == "m1 (the current model)"
    assert shown["Mode"] == "Spherical (slerp)" and shown["Images"] == "x.png\ny.png"
    assert detail.preview.is_playing()
    detail.name_edit.setText("  run ")
    with qtbot.waitSignal(detail.sig_rename) as blocker:
        detail.name_edit.editingFinished.emit()
    assert blocker.args == [item.id, "run"]
    detail.name_edit.setText("")
    detail.name_edit.editingFinished.emit()
    assert detail.name_edit.text() == "walk"  # a blank name is put back, not sent
    detail.show_items((item, view("b")))
    assert detail.form_text() == {} and not detail.preview.is_playing()


def test_undo_commands_send_tokens_and_skip_the_first_redo(qtbot, state):
    undo = GalleryUndo(state.gallery)
    undo.set_active(True)
    sent = []
    state.gallery.sig_request_undo.connect(lambda t: sent.append(("undo", t)))
    state.gallery.sig_request_redo.connect(lambda t: sent.append(("redo", t)))
    state.gallery.sig_change_done.emit(GalleryChangeDone(7, "Rename “a”"))
    assert sent == [] and undo.undo_action.isEnabled()
    assert undo.undo_action.text() == "Undo Rename “a”"
    undo.undo_action.trigger()
    undo.redo_action.trigger()
    assert sent == [("undo", 7), ("redo", 7)]
    undo.set_active(False)
    assert not undo.undo_action.isEnabled()  # Ctrl+Z does nothing outside the Gallery
    state.gallery.sig_history_reset.emit()
    assert undo.stack.count() == 0


def test_a_remix_is_marked_on_the_map_the_map_panel_shows(qtbot, state):
    point = np.array([[0.5, -1.0]], np.float32)
    record = RemixRecord(latents=np.zeros((1, 4), np.float32), origin="provenance",
                         path="/x/face.png", map_method="pca", map_points=point,
                         nearest_paths=("cat.png",))
    marked = []
    state.map.sig_mark_point.connect(marked.append)
    state.gallery.sig_remix_located.emit(record)
    assert marked == []  # no map built yet
    state.map.data = SimpleNamespace(method="pca")
    with qtbot.waitSignal(state.gallery.sig_request_remix) as asked:
        state.gallery.request_remix("/x/face.png")
    assert asked.args == ["/x/face.png", "pca"]
    state.gallery.sig_remix_located.emit(record)
    assert len(marked) == 1 and np.array_equal(marked[0], point[0])
    text = remix_summary(record, on_map=True)
    assert "(0.50, -1.00)" in text and "nearest to cat.png" in text and "marked" in text


def test_job_strip_follows_gallery_jobs_and_cancels_them(qtbot, state):
    strip = JobStrip(state)
    qtbot.addWidget(strip)
    state.sig_job_started.emit("train-1", "Training")
    assert not strip.busy()
    state.sig_job_started.emit("gallery_export-2", "Exporting walk.gif")
    assert strip.busy() and strip.label.text() == "Exporting walk.gif…"
    state.sig_job_progress.emit("gallery_export-2", 0.5, "5 of 10 steps")
    assert strip.progress.value() == 500
    with qtbot.waitSignal(state.sig_request_cancel) as cancel:
        strip.cancel_button.click()
    assert cancel.args == ["gallery_export-2"]
    state.sig_job_finished.emit("gallery_export-2", "cancelled")
    assert not strip.busy() and strip.message.text().startswith("Cancelled.")
