"""The Map panel over hand-made map records: states, hover, click, selection, drawing and
editing paths, saved paths and cluster names."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import Qt

from studio.contract.map_records import MapStage, MapStatus, PathRecord
from studio.panels.map.dialogs import ConfirmDialog, NameDialog
from studio.panels.map.panel import MapPanel
from tests.studio.test_map_support import (
    InstantWorker,
    click,
    drag,
    hover,
    image_for,
    make_map_data,
)


@pytest.fixture
def panel(qtbot, state):
    panel = MapPanel(state)
    qtbot.addWidget(panel)
    panel.resize(1100, 700)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


@pytest.fixture
def worker(state, panel, qtbot):
    worker = InstantWorker(state, make_map_data(60, k=3))
    worker.publish()
    # A fixed view with room around the blobs, whatever the panel's layout gives the plot.
    panel.plot.view_box.setRange(xRange=(-7, 7), yRange=(-4, 7), padding=0)
    qtbot.wait(10)
    return worker


def test_states_are_honest_without_a_map(panel, state):
    assert panel._pages.currentWidget() is panel.message
    assert "Open or create a project" in panel.message.text.text()
    state.map.sig_status_reported.emit(MapStatus(MapStage.UNTRAINED, "“cats” is not trained yet."))
    assert panel.message.title.text() == "Not trained yet"
    assert panel.message.action.isHidden()  # nothing to do here but train
    state.map.sig_status_reported.emit(MapStatus(MapStage.BUILDING, "", "map-7"))
    assert panel._pages.currentWidget() is panel.building
    state.sig_job_progress.emit("map-7", 0.5, "Encoding images (24 of 48)")
    assert panel.building.progress.value() == 500
    assert panel.building.detail.text() == "Encoding images (24 of 48)"
    cancels = []
    state.sig_request_cancel.connect(cancels.append)
    panel.building.cancel.click()
    assert cancels == ["map-7"]
    state.map.sig_status_reported.emit(MapStatus(MapStage.FAILED, "Boom."))
    assert not panel.message.action.isHidden()
    builds = []
    state.map.sig_request_build.connect(builds.append)
    panel.message.action.click()
    assert builds[0].method == "pca" and builds[0].k is None


def test_ready_map_shows_every_point_and_the_legend(panel, worker):
    assert panel._pages.currentWidget() is panel.workspace
    assert len(panel.plot.scatter.data) == 60
    assert list(panel.plot.scatter.data["data"]) == list(range(60))
    brushes = {id(b) for b in panel.plot.scatter.data["brush"]}
    assert len(brushes) == 3  # one shared brush per cluster
    legend = panel.sidebar.legend
    assert [legend.topLevelItem(i).text(0) for i in range(3)] == [
        "Cluster 1", "Cluster 2", "Cluster 3"]
    assert [legend.topLevelItem(i).text(1) for i in range(3)] == ["20", "20", "20"]


def test_hover_shows_the_thumbnail_of_the_point(qtbot, panel, worker):
    data = worker.data
    with qtbot.waitSignal(panel.plot.sig_hovered) as blocker:
        hover(qtbot, panel.plot, data.points[5])
    assert blocker.args == [5]
    assert panel.plot.tip.item.isVisible() and panel.plot.tip.index == 5
    shown = panel.sidebar.preview.images()[0]
    assert np.array_equal(shown, data.thumbnails[5])
    far = data.points.max(axis=0) + 3.0
    hover(qtbot, panel.plot, far)
    assert not panel.plot.tip.item.isVisible()


def test_click_selects_and_shows_the_reconstruction(qtbot, panel, worker, state):
    selections = []
    state.map.sig_selection_changed.connect(selections.append)
    click(qtbot, panel.plot, worker.data.points[7])
    assert worker.requests["reconstruction"] == [7]
    assert list(selections[-1]) == [7]
    pair = panel.sidebar.pair.images()
    assert np.array_equal(pair[0], worker.data.thumbnails[7])
    assert np.array_equal(pair[1], 255 - worker.data.thumbnails[7])
    images = []
    state.map.sig_image_picked.connect(images.append)
    panel.sidebar.use_in_canvas.click()
    assert images[0].image_index == 7
    assert np.array_equal(images[0].latent, worker.data.latents[7])


def test_rectangle_and_lasso_select_the_points_inside(qtbot, panel, worker, state):
    points = worker.data.points

    def inside(x0, x1, y0, y1):
        return np.flatnonzero((points[:, 0] > x0) & (points[:, 0] < x1)
                              & (points[:, 1] > y0) & (points[:, 1] < y1)).tolist()

    left = inside(-5.0, -1.5, -1.8, 2.5)
    assert len(left) > 10
    drag(qtbot, panel.plot, [(-5.0, -1.8), (-4, -1), (-1.5, 2.5)],
         modifiers=Qt.KeyboardModifier.ShiftModifier)
    assert sorted(state.map.selection) == left
    lasso = [(1.5, -1.8), (5.0, -1.8), (5.0, 2.5), (1.5, 2.5), (1.5, -1.6)]
    drag(qtbot, panel.plot, lasso, modifiers=Qt.KeyboardModifier.ControlModifier)
    right = inside(1.5, 5.0, -1.8, 2.5)
    assert sorted(state.map.selection) == right and len(right) > 10
    assert f"{len(right)} images selected" in panel.sidebar.selection_label.text()
    panel.sidebar.clear_selection.click()
    assert len(state.map.selection) == 0


def test_drag_draws_live_previews_and_hands_the_path_to_the_canvas(qtbot, panel, worker, state):
    paths = []
    state.map.sig_path_drawn.connect(paths.append)
    stroke = [(-4, 0), (-2, 0.5), (0, 1), (2, 0.5), (4, 0)]
    drag(qtbot, panel.plot, stroke)
    decodes = worker.requests["decode"]
    assert len(decodes) >= 4  # the image under the cursor followed the drag
    assert np.allclose(decodes[-1].points[0], stroke[-1], atol=0.05)
    preview = panel.sidebar.preview.images()[0]
    assert np.array_equal(preview, image_for(decodes[-1].points[0]))  # the latest answer
    record = paths[-1]
    assert isinstance(record, PathRecord) and record.method == "pca"
    assert record.frames == state.canvas.path_frames
    assert np.allclose(record.points[0], stroke[0], atol=0.05)
    assert np.allclose(record.points[-1], stroke[-1], atol=0.05)
    assert panel.controls.clear_path.isEnabled()


def test_one_decode_in_flight_and_the_latest_point_wins(qtbot, panel, worker):
    worker.hold = True
    drag(qtbot, panel.plot, [(-4, 0), (-3, 0), (-2, 0), (-1, 0), (0, 0)])
    assert len(worker.requests["decode"]) == 1  # the others wait for the answer
    worker.release()  # answers the first: only the latest point is sent next
    assert len(worker.requests["decode"]) == 2
    assert np.allclose(worker.requests["decode"][-1].points[0], (0, 0), atol=0.05)
    worker.release()
    assert len(worker.requests["decode"]) == 2


def test_snapped_paths_pass_through_images(qtbot, panel, worker, state):
    paths = []
    state.map.sig_path_drawn.connect(paths.append)
    panel.controls.snap.setChecked(True)
    drag(qtbot, panel.plot, [(-3.7, 0.2), (-1, 2), (3.8, -0.1)])
    record = paths[-1]
    assert all(i is not None for i in record.snapped)
    for point, image in zip(record.points, record.snapped, strict=True):
        assert np.allclose(point, worker.data.points[image])


def test_waypoints_can_be_moved_inserted_and_deleted(qtbot, panel, worker, state):
    paths = []
    state.map.sig_path_drawn.connect(paths.append)
    drag(qtbot, panel.plot, [(-4, -2), (0, -2.001), (4, -2)])  # a straight line: two waypoints
    assert len(paths[-1].points) == 2
    click(qtbot, panel.plot, (0, -2), double=True)  # insert on the segment
    assert len(paths[-1].points) == 3 and np.allclose(paths[-1].points[1], (0, -2), atol=0.05)
    drag(qtbot, panel.plot, [(0, -2), (0, -1), (0, 2.5)])  # move the new waypoint
    assert np.allclose(paths[-1].points[1], (0, 2.5), atol=0.05)
    click(qtbot, panel.plot, (0, 2.5), button=Qt.MouseButton.RightButton)  # delete it
    assert len(paths[-1].points) == 2
    panel.controls.clear_path.click()
    assert len(panel.editor.path) == 0 and not panel.controls.clear_path.isEnabled()


def test_paths_are_saved_opened_renamed_and_deleted(qtbot, panel, worker, state, monkeypatch):
    drag(qtbot, panel.plot, [(-4, 0), (0, 2), (4, 0)])
    monkeypatch.setattr(NameDialog, "ask", classmethod(lambda cls, *args: "sunrise"))
    panel.sidebar.paths.save.click()
    saved = worker.requests["save_path"][-1]
    assert saved.name == "sunrise" and len(saved.points) >= 2
    state.map.sig_paths.emit(("dusk", "sunrise"))
    assert panel.sidebar.paths.names() == ["dusk", "sunrise"]
    panel.sidebar.paths.select("dusk")
    panel.sidebar.paths.open.click()
    assert worker.requests["load_path"] == ["dusk"]
    drawn = []
    state.map.sig_path_drawn.connect(drawn.append)
    loaded = PathRecord(np.array([[0, 0], [1, 1], [2, 0]], np.float32), "pca", 30, 0.0,
                        (None, None, None), "dusk")
    state.map.sig_path_loaded.emit(loaded)
    assert drawn[-1].name == "dusk" and len(drawn[-1].points) == 3 and drawn[-1].frames == 30
    monkeypatch.setattr(NameDialog, "ask", classmethod(lambda cls, *args: "evening"))
    panel.sidebar.paths.rename.click()
    assert worker.requests["rename_path"] == [("dusk", "evening")]
    monkeypatch.setattr(ConfirmDialog, "ask", classmethod(lambda cls, *args: False))
    panel.sidebar.paths.delete.click()
    assert "delete_path" not in worker.requests
    monkeypatch.setattr(ConfirmDialog, "ask", classmethod(lambda cls, *args: True))
    panel.sidebar.paths.delete.click()
    assert worker.requests["delete_path"] == ["dusk"]


def test_renaming_a_cluster_in_the_legend(qtbot, panel, worker, state):
    item = panel.sidebar.legend.topLevelItem(1)
    item.setText(0, "Circles")
    assert worker.requests["rename_cluster"] == [(1, "Circles")]
    state.map.sig_cluster_names_reported.emit(("Cluster 1", "Circles", "Cluster 3"))
    assert panel.plot.data.cluster_names[1] == "Circles"
    panel.sidebar.legend.sig_cluster_clicked.emit(1)
    assert sorted(state.map.selection) == list(range(1, 60, 3))


def test_view_options_change_the_drawing(qtbot, panel, worker):
    panel.controls.density.setChecked(True)
    assert panel.plot.density.isVisible()
    panel.controls.point_size.setValue(12)
    assert panel.plot.scatter.opts["size"] == 12
    panel.controls.thumbnails.setChecked(True)
    qtbot.waitUntil(lambda: len(panel.plot.thumbnails.shown) > 0, timeout=2000)
    shown = panel.plot.thumbnails.shown
    assert len(shown) <= 250 and len(set(shown.tolist())) == len(shown)
    panel.controls.tool_buttons["pan"].click()
    assert panel.plot.view_box.tool == "pan"
    builds = []
    panel._map.sig_request_build.connect(builds.append)
    panel.controls.clusters.setCurrentIndex(panel.controls.clusters.findData(5))
    panel.controls.clusters.activated.emit(panel.controls.clusters.currentIndex())
    assert builds[-1].k == 5


def test_the_canvas_frame_is_marked_on_the_map(panel, worker, state):
    state.map.sig_mark_point.emit(np.array([1.0, 2.0], np.float32))
    assert np.allclose(panel.plot.frame_marker.data["x"], [1.0])
    state.map.sig_mark_point.emit(None)
    assert len(panel.plot.frame_marker.data) == 0


def test_delete_key_removes_the_chosen_waypoint(qtbot, panel, worker, state):
    paths = []
    state.map.sig_path_drawn.connect(paths.append)
    drag(qtbot, panel.plot, [(-4, -2), (0, 2.5), (4, -2)])
    count = len(paths[-1].points)
    assert count >= 3
    click(qtbot, panel.plot, paths[-1].points[1])  # a click on a handle chooses it
    assert panel.editor.active_row == 1
    panel.plot.graphics.setFocus()
    qtbot.keyClick(panel.plot.graphics, Qt.Key.Key_Delete)
    assert len(paths[-1].points) == count - 1


def test_density_shading_covers_its_bounds(panel, worker):
    from PySide6.QtCore import QPointF

    panel.controls.density.setChecked(True)
    shading = panel.plot.density
    assert shading.isVisible() and shading.pixmap().width() == 16
    x_min, x_max, y_min, y_max = worker.data.density_bounds
    corner = shading.mapToParent(QPointF(16, 16))  # pixel (W, H): the far corner of the grid
    origin = shading.mapToParent(QPointF(0, 0))
    assert (origin.x(), origin.y()) == pytest.approx((x_min, y_min))
    assert (corner.x(), corner.y()) == pytest.approx((x_max, y_max))


def test_the_line_follows_the_route_the_animation_takes(qtbot, panel, worker, state):
    from studio.contract.canvas_records import FramesResult

    paths = []
    state.map.sig_path_drawn.connect(paths.append)
    drag(qtbot, panel.plot, [(-4, 0), (0, 3), (4, 0)])
    ends = paths[-1].points[[0, -1]]
    t = np.linspace(0, 1, 9)[:, None]
    curve = (ends[0] * (1 - t) + ends[1] * t).astype(np.float32)
    curve[:, 1] += np.sin(t[:, 0] * np.pi)  # a smooth bump from end to end
    state.canvas.sig_frames.emit(FramesResult("path", 1, np.zeros((9, 4), np.float32),
                                           np.zeros((9, 8, 8, 3), np.uint8), curve, None))
    x, y = panel.plot.path_curve.getData()
    assert np.allclose(np.column_stack([x, y]), curve)
    elsewhere = curve + 3.0  # frames of some other path: ignored
    state.canvas.sig_frames.emit(FramesResult("path", 2, np.zeros((9, 4), np.float32),
                                           np.zeros((9, 8, 8, 3), np.uint8), elsewhere, None))
    x, _ = panel.plot.path_curve.getData()
    assert np.allclose(x, curve[:, 0])
