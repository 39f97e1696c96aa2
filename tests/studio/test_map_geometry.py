"""Plain maths of the Map: stroke simplification, selections, thumbnail spread, path edits,
the drag loop's request discipline and the thumbnails sent by the worker."""

from __future__ import annotations

import numpy as np
import pytest

from models.errors import Cancelled
from studio.backend.map.map_data import make_thumbnails, thumbnail_size
from studio.contract.map_records import PointsDecoded
from studio.panels.map.geometry import (
    in_polygon,
    in_rectangle,
    nearest_segment,
    simplify_stroke,
    spread_in_view,
)
from studio.panels.map.live import LiveDecoder
from studio.panels.map.path_model import PathModel
from studio.panels.map.picking import MapIndex


def test_simplify_keeps_corners_and_drops_wobble():
    t = np.linspace(0, 1, 200)
    wobble = 0.001 * np.sin(t * 80)
    stroke = np.concatenate([np.column_stack([t, wobble]), np.column_stack([1 + wobble, t])])
    kept = simplify_stroke(stroke, tolerance=0.01)
    assert len(kept) == 3  # start, the corner, end
    assert np.allclose(kept[0], stroke[0]) and np.allclose(kept[-1], stroke[-1])
    assert np.allclose(kept[1], [1, 0], atol=0.01)
    assert len(simplify_stroke(stroke, tolerance=1e-6)) > 100


def test_rectangle_and_polygon_selections():
    grid = np.stack(np.meshgrid(np.arange(10.0), np.arange(10.0)), axis=-1).reshape(-1, 2)
    inside = in_rectangle(grid, np.array([2.5, 2.5]), np.array([4.5, 5.5]))
    assert sorted(map(tuple, grid[inside])) == [(x, y) for x in (3.0, 4.0) for y in (3.0, 4.0,
                                                                                   5.0)]
    triangle = np.array([[0.5, 0.5], [8.5, 0.5], [0.5, 8.5]])
    chosen = grid[in_polygon(grid, triangle)]
    assert all(x + y < 9 and x >= 1 and y >= 1 for x, y in chosen)
    assert len(chosen) == 28  # the 1..7 triangle: 7 + 6 + ... + 1
    assert len(in_polygon(grid, triangle[:2])) == 0  # two points enclose nothing


def test_thumbnail_spread_never_stacks_two_in_one_cell():
    rng = np.random.default_rng(0)
    points = rng.random((5000, 2)) * 10
    chosen = spread_in_view(points, np.array([0.0, 0.0]), np.array([5.0, 5.0]), cell=1.0,
                            cap=1000)
    cells = np.floor(points[chosen]).astype(int)
    assert len(chosen) == 25 and len({tuple(c) for c in cells}) == 25
    assert np.all(points[chosen] <= 5.0)
    assert len(spread_in_view(points, np.zeros(2), np.full(2, 10.0), 0.1, cap=40)) == 40


def test_path_edits_and_snapping():
    index = MapIndex(np.array([[0.0, 0.0], [5.0, 0.0], [10.0, 0.0], [5.0, 5.0]]))
    path = PathModel()
    stroke = np.array([[0.2, 0.1], [2.0, 0.05], [4.8, 0.2], [7.0, 0.1], [9.9, -0.1]])
    path.set_stroke(stroke, tolerance=0.5, index=index)
    assert path.snapped == [0, 2]  # a straight stroke: two waypoints, on images 0 and 2
    assert np.allclose(path.points, [[0, 0], [10, 0]])
    row = path.insert_near(np.array([5.0, 0.3]), max_distance=1.0, index=index)
    assert row == 1 and path.snapped == [0, 1, 2]
    assert path.insert_near(np.array([5.0, 4.0]), max_distance=1.0) == -1  # too far
    path.move(1, np.array([4.6, 4.4]), index)
    assert path.snapped[1] == 3 and np.allclose(path.points[1], [5, 5])
    assert path.handle_at(np.array([5.2, 5.1]), radius=0.5) == 1
    path.delete(1)
    record = path.record("pca", 30, 0.0)
    assert record.snapped == (0, 2) and record.frames == 30 and not record.points.flags.writeable
    assert nearest_segment(path.points, np.array([5.0, 1.0]))[0] == 0


def test_live_decoder_keeps_one_request_in_flight(qapp):
    from studio.contract.map_state import MapState

    state = MapState()
    sent = []
    state.sig_request_points_decode.connect(sent.append)
    live = LiveDecoder(state, parent=state)  # its answer timer goes with the state
    for x in range(5):
        live.request(np.array([x, 0.0]))
    assert len(sent) == 1 and live.busy()
    stale = PointsDecoded(sent[0].points, np.zeros((1, 2, 2, 3), np.uint8), 999, 0.0)
    assert not live.accept(stale) and live.busy()
    answer = PointsDecoded(sent[0].points, np.zeros((1, 2, 2, 3), np.uint8),
                           sent[0].generation, 0.0)
    assert live.accept(answer)
    assert len(sent) == 2 and sent[1].points[0, 0] == 4  # only the latest point was sent
    live.reset()
    late = PointsDecoded(sent[1].points, np.zeros((1, 2, 2, 3), np.uint8),
                         sent[1].generation, 0.0)
    assert not live.accept(late) and not live.busy()


def test_thumbnails_fit_the_budget_and_average_blocks():
    assert thumbnail_size(692, 64, 3) == 64
    assert thumbnail_size(20_000, 64, 3) == 32  # 20,000 x 64 x 64 x 3 would be 246 MB
    assert thumbnail_size(100, 256, 4) == 64  # never bigger than a hover tip needs
    images = np.zeros((3, 4, 4, 3), np.uint8)
    images[:, :2, :2] = 200  # top-left block bright
    images[:, 2:, 2:] = (10, 20, 30)
    thumbs = make_thumbnails(images, 2)
    assert thumbs.shape == (3, 2, 2, 3) and not thumbs.flags.writeable
    assert list(thumbs[0, 0, 0]) == [200, 200, 200] and list(thumbs[0, 1, 1]) == [10, 20, 30]
    with pytest.raises(Cancelled):
        make_thumbnails(images, 2, should_stop=lambda: True)
