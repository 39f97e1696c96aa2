"""The Gallery panel with the real worker and a tiny trained project: undoable edits, exports
read back with Pillow, overwrite questions, cancel, regenerate and remix."""

from __future__ import annotations

import time

import numpy as np
import pytest
from PIL import Image

import models.export.gif as gif_module
import studio.backend.gallery.service as gallery_service
from models.export import read_provenance
from models.gallery import Gallery, to_uint8_images
from models.project import Project
from studio.contract.gallery_records import (
    GalleryChangeDone,
    GalleryExportRequest,
    RegenerateRequest,
)
from studio.panels.gallery.dialogs import OverwriteDialog, RegenerateDialog
from studio.panels.gallery.export_dialog import ExportDialog
from studio.panels.gallery.panel import GalleryPanel
from tests.conftest import copy_project
from tests.studio.test_gallery_support import (
    WAIT_MS,
    add_item,
    names,
    open_project,
    start_worker,
)


@pytest.fixture(scope="module")
def template(trained_project):
    return trained_project


@pytest.fixture
def project_path(template, tmp_path):
    return copy_project(template, tmp_path / "shapes.latentia")


@pytest.fixture
def panel(qtbot, state, project_path):
    handle = start_worker(qtbot, state)
    view = GalleryPanel(state)
    qtbot.addWidget(view)
    view.resize(1000, 700)
    view.show()
    qtbot.waitExposed(view)
    open_project(qtbot, state, project_path)
    yield view
    assert handle.stop(timeout_ms=WAIT_MS)


def wait_names(qtbot, state, expected: list[str]) -> None:
    qtbot.waitUntil(lambda: names(state) == expected, timeout=WAIT_MS)


def export_with(monkeypatch, panel, fmt: str, **fields) -> None:
    """Run the panel's Export action; the dialog is built for real, its form filled in."""

    def fill(parent, spec, gallery=None):
        dialog = ExportDialog(spec, gallery, parent)
        dialog.path_edit.setText(fields.pop("path"))
        for name, value in fields.items():
            widget = getattr(dialog, name)
            widget.setChecked(value) if isinstance(value, bool) else widget.setValue(value)
        assert dialog.ok_button.isEnabled(), dialog.problems()
        request = dialog.request()
        dialog.deleteLater()
        return request

    monkeypatch.setattr(ExportDialog, "ask", classmethod(lambda cls, *a: fill(*a)))
    panel.actions.export[fmt].trigger()


def test_add_rename_delete_reorder_undo_and_redo(qtbot, state, panel, project_path):
    ids = [add_item(qtbot, state, name, seed=i) for i, name in enumerate("abc")]
    panel.select((ids[1],))
    panel.detail.name_edit.setText("bee")
    panel.detail.name_edit.editingFinished.emit()
    wait_names(qtbot, state, ["a", "bee", "c"])
    panel.select((ids[0],))
    panel.actions.delete.trigger()
    wait_names(qtbot, state, ["bee", "c"])
    panel.select((ids[2],))
    panel.actions.move_left.trigger()
    wait_names(qtbot, state, ["c", "bee"])
    assert panel.selected_ids() == (ids[2],)  # the moved item stays selected

    history = [["bee", "c"], ["a", "bee", "c"], ["a", "b", "c"], ["a", "b"]]
    for expected in history:
        panel.undo.undo_action.trigger()
        wait_names(qtbot, state, expected)
    for expected in [*history[-2::-1], ["c", "bee"]]:
        panel.undo.redo_action.trigger()
        wait_names(qtbot, state, expected)
    assert [i.name for i in Gallery.open(project_path).items] == ["c", "bee"]  # on disk


def test_reorder_by_drop_and_undo(qtbot, state, panel, monkeypatch):
    ids = [add_item(qtbot, state, name, seed=i) for i, name in enumerate("abc")]

    def slow_change_done(*args):  # a worker descheduled on a busy machine
        time.sleep(0.3)
        return GalleryChangeDone(*args)

    # The new listing and its undo step used to reach the UI as two events: a check (or a
    # Ctrl+Z) between them saw the reordered items while Undo still named the add of "c".
    monkeypatch.setattr(gallery_service, "GalleryChangeDone", slow_change_done)
    panel.grid.sig_reorder.emit((ids[2], ids[0], ids[1]))
    wait_names(qtbot, state, ["c", "a", "b"])
    assert panel.undo.stack.undoText() == "Reorder items"
    panel.undo.undo_action.trigger()
    wait_names(qtbot, state, ["a", "b", "c"])


def test_gif_export_has_the_expected_frames_and_provenance(qtbot, state, panel, tmp_path,
                                                           monkeypatch):
    item_id = add_item(qtbot, state, "walk", frames=6, seed=3)
    panel.select((item_id,))
    target = tmp_path / "walk.gif"
    with qtbot.waitSignal(state.gallery.sig_export_done, timeout=WAIT_MS):
        export_with(monkeypatch, panel, "gif", path=str(target), pingpong=True, fps=12.0)
    with Image.open(target) as gif:
        assert gif.n_frames == 10  # 6 forwards, 4 back: the end frames are not repeated
        assert gif.info.get("loop") == 0  # loops forever by default
    stored = read_provenance(target)  # from the sidecar walk.gif.json
    expected = np.random.default_rng(3).normal(size=(6, 8)).astype(np.float32)  # as add_item
    assert stored is not None and np.allclose(stored.latents, expected)
    assert "Exported" in panel.jobs.message.text()


def test_export_asks_before_replacing_a_file(qtbot, state, panel, tmp_path, monkeypatch):
    item_id = add_item(qtbot, state, "still", seed=5)
    panel.select((item_id,))
    target = tmp_path / "still.png"
    target.write_bytes(b"keep me")
    asked = []
    monkeypatch.setattr(OverwriteDialog, "ask",
                        classmethod(lambda cls, parent, existing: asked.append(existing)))
    with qtbot.waitSignal(state.gallery.sig_export_confirm, timeout=WAIT_MS):
        export_with(monkeypatch, panel, "png", path=str(target))
    qtbot.waitUntil(lambda: "kept" in panel.jobs.message.text(), timeout=WAIT_MS)
    assert asked == [(str(target),)] and target.read_bytes() == b"keep me"

    monkeypatch.setattr(OverwriteDialog, "ask", classmethod(lambda cls, parent, existing: True))
    with qtbot.waitSignal(state.gallery.sig_export_done, timeout=WAIT_MS) as done:
        export_with(monkeypatch, panel, "png", path=str(target))
    assert done.args[0].request.overwrite
    assert target.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cancelled_export_leaves_nothing(qtbot, state, panel, tmp_path, monkeypatch):
    original = gif_module.quantize_frame

    def slow_quantize(*args):
        time.sleep(0.3)  # long enough for the Cancel click to arrive between frames
        return original(*args)

    monkeypatch.setattr(gif_module, "quantize_frame", slow_quantize)
    item_id = add_item(qtbot, state, "slow", frames=8, seed=2)
    panel.select((item_id,))
    out = tmp_path / "out"
    out.mkdir()
    with qtbot.waitSignal(state.sig_job_started, timeout=WAIT_MS):
        export_with(monkeypatch, panel, "gif", path=str(out / "slow.gif"))
    qtbot.waitUntil(panel.jobs.cancel_button.isVisible, timeout=WAIT_MS)
    with qtbot.waitSignal(state.sig_job_finished, timeout=WAIT_MS) as finished:
        panel.jobs.cancel_button.click()
    assert finished.args[1] == "cancelled"
    assert list(out.iterdir()) == []  # no file, no sidecar, no temporary file
    assert "Cancelled" in panel.jobs.message.text()


def test_regenerate_decodes_with_the_current_model_and_undoes(qtbot, state, panel,
                                                              project_path, monkeypatch):
    item_id = add_item(qtbot, state, "old", frames=3, seed=4)
    before = state.gallery.listing.find(item_id).frames.copy()
    panel.select((item_id,))
    monkeypatch.setattr(RegenerateDialog, "ask",
                        classmethod(lambda cls, parent, ids, *rest: RegenerateRequest(ids)))
    with qtbot.waitSignal(state.gallery.sig_change_done, timeout=WAIT_MS) as done:
        panel.actions.regenerate.trigger()
    assert done.args[0].label == "Regenerate “old”"
    item = state.gallery.listing.find(item_id)
    project = Project.open(project_path)
    latents = np.array(Gallery.open(project_path).get(item_id).latents)
    np.testing.assert_array_equal(item.frames, to_uint8_images(project.decode(latents)))
    assert item.current_model
    panel.undo.undo_action.trigger()
    qtbot.waitUntil(lambda: np.array_equal(state.gallery.listing.find(item_id).frames, before),
                    timeout=WAIT_MS)


def test_higher_resolution_is_refused_with_a_clear_message(qtbot, state, panel):
    item_id = add_item(qtbot, state, "still")
    errors = []
    state.sig_error.connect(errors.append)
    state.gallery.sig_request_regenerate.emit(RegenerateRequest((item_id,), image_size=64))
    qtbot.waitUntil(lambda: bool(errors), timeout=WAIT_MS)
    assert "32 px images only" in errors[0].message


def test_remix_of_an_exported_png_finds_the_same_latents(qtbot, state, panel, tmp_path,
                                                         monkeypatch):
    item_id = add_item(qtbot, state, "face", frames=4, seed=9)
    panel.select((item_id,))
    target = tmp_path / "face.png"
    with qtbot.waitSignal(state.gallery.sig_export_done, timeout=WAIT_MS):
        export_with(monkeypatch, panel, "png", path=str(target), frame=3)
    with qtbot.waitSignal(state.gallery.sig_remix_located, timeout=WAIT_MS) as found:
        panel.request_remix([str(target)])
    record = found.args[0]
    stored = np.random.default_rng(9).normal(size=(4, 8)).astype(np.float32)  # as add_item
    assert np.allclose(record.latents, stored[2:3])  # frame 3 of 4
    assert record.origin == "provenance" and record.matches_model
    assert record.map_points.shape == (1, 2) and len(record.nearest_paths) > 0
    assert panel.remix.isVisible() and "face.png" in panel.remix.title.text()


def test_export_is_refused_for_a_bad_request_before_writing(qtbot, state, panel, tmp_path):
    item_id = add_item(qtbot, state, "still")
    errors = []
    state.sig_error.connect(errors.append)
    request = GalleryExportRequest(item_id, "gif", str(tmp_path / "x.gif"), fps=500.0)
    state.gallery.sig_request_export.emit(request)
    qtbot.waitUntil(lambda: bool(errors), timeout=WAIT_MS)
    assert len(errors) == 1 and "at most 50" in errors[0].message
    assert not (tmp_path / "x.gif").exists()



def test_regenerate_shows_progress_and_can_be_cancelled(qtbot, state, panel, monkeypatch):
    import models.gallery.render as render_module

    original = render_module.to_uint8_images

    def slow_pixels(images):
        time.sleep(0.3)  # one decode batch per item here: time to press Cancel
        return original(images)

    monkeypatch.setattr(render_module, "to_uint8_images", slow_pixels)
    ids = tuple(add_item(qtbot, state, name, frames=2, seed=i) for i, name in enumerate("abcd"))
    before = {i: state.gallery.listing.find(i).frames.copy() for i in ids}
    panel.select(ids)
    monkeypatch.setattr(RegenerateDialog, "ask",
                        classmethod(lambda cls, parent, chosen, *rest: RegenerateRequest(chosen)))
    with qtbot.waitSignal(state.sig_job_started, timeout=WAIT_MS):
        panel.actions.regenerate.trigger()
    qtbot.waitUntil(panel.jobs.cancel_button.isVisible, timeout=WAIT_MS)
    assert panel.jobs.label.text().startswith("Regenerating 4 gallery items")
    with qtbot.waitSignal(state.sig_job_finished, timeout=WAIT_MS) as finished:
        panel.jobs.cancel_button.click()
    assert finished.args[1] == "cancelled"
    changed = [i for i in ids if not np.array_equal(state.gallery.listing.find(i).frames,
                                                    before[i])]
    assert len(changed) < len(ids)  # stopped before the end
    if changed:  # those done are one undoable step
        panel.undo.undo_action.trigger()
        qtbot.waitUntil(lambda: all(np.array_equal(state.gallery.listing.find(i).frames,
                                                   before[i]) for i in ids), timeout=WAIT_MS)


def test_a_damaged_gallery_index_is_reported_where_the_items_would_be(qtbot, state, template,
                                                                       tmp_path):
    path = copy_project(template, tmp_path / "damaged.latentia")
    (path / "gallery").mkdir()
    (path / "gallery" / "index.json").write_text("{ not json", encoding="utf-8")
    handle = start_worker(qtbot, state)
    view = GalleryPanel(state)
    qtbot.addWidget(view)
    errors = []
    state.sig_error.connect(errors.append)
    try:
        state.sig_request_open_project.emit(str(path))
        qtbot.waitUntil(lambda: "cannot be read" in view.empty_label.text() and bool(errors),
                        timeout=WAIT_MS)  # the label and the error dialog's record both arrive
        assert view.pages.currentWidget() is view.empty_label and len(errors) == 1
    finally:
        assert handle.stop(timeout_ms=WAIT_MS)
