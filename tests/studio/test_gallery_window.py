"""The Gallery inside the main window, with the real worker: Edit > Undo/Redo, a PNG dropped on
the window (Remix) and a failing export shown in the error dialog."""

from __future__ import annotations

import errno

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QKeySequence

import models.export.gif as gif_module
from studio.contract.gallery_records import GalleryExportRequest
from studio.panels.gallery.export_dialog import ExportDialog
from studio.panels.gallery.panel import GalleryPanel
from studio.window.actions import PANEL_NAMES
from studio.window.dialogs import ErrorDialog
from studio.window.main_window import MainWindow
from tests.conftest import copy_project
from tests.studio.test_gallery_support import (
    WAIT_MS,
    add_item,
    open_project,
    start_worker,
)

GALLERY = PANEL_NAMES.index("Gallery")


@pytest.fixture(scope="module")
def template(trained_project):
    return trained_project


@pytest.fixture
def window(qtbot, state, settings, template, tmp_path):
    handle = start_worker(qtbot, state)
    win = MainWindow(state, settings)
    # closed and deleted by pytest-qt before the worker stops; not dirty: closing asks nothing
    qtbot.addWidget(win, before_close_func=lambda _: state.sig_project_dirty.emit(False))
    win.show()
    qtbot.waitExposed(win)
    win.ensure_panels()
    open_project(qtbot, state, copy_project(template, tmp_path / "shapes.latentia"))
    yield win
    assert handle.stop(timeout_ms=WAIT_MS)


def gallery_of(window: MainWindow) -> GalleryPanel:
    panel = window.panels.widget(GALLERY)
    assert isinstance(panel, GalleryPanel)
    return panel


def test_edit_menu_undo_works_only_while_the_gallery_is_shown(qtbot, state, window):
    panel = gallery_of(window)
    edit = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Edit")
    assert edit.actions()[:2] == [panel.undo.undo_action, panel.undo.redo_action]
    assert QKeySequence("Ctrl+Z") in panel.undo.undo_action.shortcuts()
    assert QKeySequence("Ctrl+Shift+Z") in panel.undo.redo_action.shortcuts()
    add_item(qtbot, state, "kept")
    window.show_panel(0)
    assert not panel.undo.undo_action.isEnabled()
    window.show_panel(GALLERY)
    assert panel.undo.undo_action.isEnabled()
    assert panel.undo.undo_action.text() == "Undo Add “kept”"
    panel.undo.undo_action.trigger()
    qtbot.waitUntil(lambda: not state.gallery.listing.items, timeout=WAIT_MS)


def test_a_png_dropped_on_the_window_is_found_again(qtbot, state, window, tmp_path):
    item_id = add_item(qtbot, state, "still", seed=11)
    target = tmp_path / "still.png"
    with qtbot.waitSignal(state.gallery.sig_export_done, timeout=WAIT_MS):
        state.gallery.sig_request_export.emit(GalleryExportRequest(item_id, "png", str(target)))
    window.show_panel(0)
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(target))])
    drop = QDropEvent(QPointF(10, 10), Qt.DropAction.CopyAction, mime,
                      Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(state.gallery.sig_remix_located, timeout=WAIT_MS) as found:
        window.dropEvent(drop)
    assert window.panels.currentIndex() == GALLERY
    expected = np.random.default_rng(11).normal(size=(1, 8)).astype(np.float32)
    assert np.allclose(found.args[0].latents, expected)
    assert gallery_of(window).remix.isVisible()


def test_a_full_disk_shows_the_error_and_leaves_no_file(qtbot, state, window, tmp_path,
                                                       monkeypatch):
    def full_disk(target, images, *args):
        with open(target, "wb") as handle:
            handle.write(b"GIF89a partial")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(gif_module, "_save_gif", full_disk)
    shown = []
    monkeypatch.setattr(ErrorDialog, "ask", classmethod(lambda cls, parent, record:
                                                        shown.append(record)))
    out = tmp_path / "out"
    out.mkdir()
    request = GalleryExportRequest("", "gif", str(out / "walk.gif"))
    monkeypatch.setattr(ExportDialog, "ask", classmethod(
        lambda cls, parent, spec, gallery=None: GalleryExportRequest(
            spec.item_id, "gif", request.path)))
    panel = gallery_of(window)
    window.show_panel(GALLERY)
    panel.select((add_item(qtbot, state, "walk", frames=4),))
    panel.actions.export["gif"].trigger()
    qtbot.waitUntil(lambda: bool(shown), timeout=WAIT_MS)
    assert "No space left on device" in shown[0].message
    assert str(out / "walk.gif") in shown[0].message
    assert list(out.iterdir()) == []  # neither the GIF, nor its sidecar, nor a temporary file
    qtbot.waitUntil(lambda: "Nothing was left" in panel.jobs.message.text(), timeout=WAIT_MS)
