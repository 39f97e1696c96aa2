"""The Gallery panel as a view over AppState.gallery, fed by hand (no worker): what it shows,
which actions it offers, and the requests it sends."""

from __future__ import annotations

from dataclasses import replace
from types import SimpleNamespace

import numpy as np
import pytest

from studio.contract.gallery_records import GalleryChange, GalleryListing, RemixRecord
from studio.panels.gallery.panel import GalleryPanel
from tests.studio.conftest import make_project_info
from tests.studio.test_gallery_parts import CAPS, view

IDS = tuple(c * 32 for c in "abc")


@pytest.fixture
def panel(qtbot, state):
    widget = GalleryPanel(state)
    qtbot.addWidget(widget)
    widget.resize(900, 600)
    widget.show()
    qtbot.waitExposed(widget)
    state.sig_project_reported.emit(make_project_info())
    state.gallery.sig_capabilities_reported.emit(CAPS)
    items = (view(IDS[0], frames=6, name="walk"), view(IDS[1], name="cat"),
             view(IDS[2], frames=3, name="jump"))
    state.gallery.sig_listing_reported.emit(GalleryListing("/p/cats.latentia", "m1", 8, items))
    return widget


def requests(state) -> list:
    sent: list = []
    state.gallery.sig_request_change.connect(sent.append)
    return sent


def test_empty_and_unavailable_galleries_say_why(qtbot, state, panel):
    state.gallery.sig_listing_reported.emit(GalleryListing(
        unavailable="An exported model file has no gallery."))
    assert panel.pages.currentWidget() is panel.empty_label
    assert "no gallery" in panel.empty_label.text()
    state.gallery.sig_listing_reported.emit(GalleryListing("/p/cats.latentia", "m1", 8, (),
                                                  problems=("item x is corrupt",)))
    assert "Nothing saved yet" in panel.empty_label.text()
    assert "item x is corrupt" in panel.banner.text()


def test_selection_drives_the_detail_view_and_the_actions(panel):
    a = panel.actions
    assert not a.delete.isEnabled() and not a.export_menu.isEnabled()
    panel.select((IDS[1],))
    assert panel.detail.name_edit.text() == "cat"
    assert a.rename.isEnabled() and a.export_menu.isEnabled()
    assert a.export["png"].isEnabled() and not a.export["gif"].isEnabled()  # a still
    assert not a.export["mp4"].isVisible()  # no PyAV in these capabilities
    panel.select((IDS[0],))
    assert a.export["gif"].isEnabled() and a.export["frames_dir"].isEnabled()
    panel.select(IDS[:2])
    assert not a.rename.isEnabled() and a.delete.isEnabled()
    assert not a.export_menu.isEnabled()
    assert "2 items selected" in panel.detail.preview.canvas.placeholder


def test_delete_move_and_rename_send_requests(qtbot, state, panel):
    sent = requests(state)
    panel.select((IDS[1], IDS[2]))
    panel.actions.move_left.trigger()
    panel.actions.delete.trigger()
    panel.select((IDS[0],))
    panel.actions.move_left.trigger()  # already first: nothing to ask
    panel.actions.rename.trigger()
    assert panel.detail.name_edit.hasFocus() and panel.detail.name_edit.selectedText() == "walk"
    assert sent == [GalleryChange("reorder", (IDS[1], IDS[2], IDS[0])),
                    GalleryChange("delete", (IDS[1], IDS[2]))]
    assert "Undo with Ctrl+Z" in panel.jobs.message.text()


def test_selection_survives_a_reorder_and_new_listings(state, panel):
    panel.select((IDS[2],))
    items = state.gallery.listing.items
    state.gallery.sig_listing_reported.emit(GalleryListing("/p/cats.latentia", "m1", 8,
                                                           (items[2], items[0], items[1])))
    assert panel.selected_ids() == (IDS[2],)
    renamed = replace(items[2], item=items[2].item.replace(name="hop"))
    state.gallery.sig_listing_reported.emit(GalleryListing("/p/cats.latentia", "m1", 8,
                                                           (renamed, items[0])))
    assert panel.selected_ids() == (IDS[2],) and panel.detail.name_edit.text() == "hop"


def test_thumbnails_resize_and_play_all_animates_visible_items(qtbot, panel):
    panel.size_slider.setValue(200)
    assert panel.grid.delegate.thumbnail == 200
    panel.actions.animate_all.setChecked(True)
    assert panel.grid.playing_ids() == set(IDS)
    qtbot.waitUntil(lambda: panel.model.frame_shown(IDS[0]) > 0, timeout=3000)
    panel.actions.animate_all.setChecked(False)
    assert panel.grid.playing_ids() == set() and panel.model.frame_shown(IDS[0]) == 0


def test_a_remix_shows_in_the_detail_column_and_on_the_map(qtbot, state, panel):
    record = RemixRecord(latents=np.zeros((1, 4), np.float32), origin="encoded",
                         note="its stored codes have 6 dimensions", path="/x/face.png",
                         images=np.zeros((1, 8, 8, 3), np.uint8), map_method="pca",
                         map_points=np.array([[1.0, 2.0]], np.float32))
    state.gallery.sig_remix_located.emit(record)
    assert panel.remix.isVisible() and not panel.remix.map_button.isVisible()
    assert "encoding the pixels" in panel.remix.summary.text()
    assert "6 dimensions" in panel.remix.warning.text()
    state.map.data = SimpleNamespace(method="pca")
    state.gallery.sig_remix_located.emit(record)
    assert panel.remix.map_button.isVisible()
    with qtbot.waitSignals([state.map.sig_mark_point, state.gallery.sig_show_map]):
        panel.remix.map_button.click()
    panel.remix.close_button.click()
    assert not panel.remix.isVisible()
