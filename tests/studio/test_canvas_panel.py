"""The Canvas panel over hand-made records: path animations, playback, keyframe modes,
sampling, attributes and gallery requests."""

from __future__ import annotations

import numpy as np
import pytest

from models.records import frozen_array
from studio.contract.gallery_records import GalleryAddRequest
from studio.contract.map_records import CurrentImage, MapStage, MapStatus, PathRecord
from studio.panels.canvas.panel import CanvasPanel
from studio.panels.canvas.player import FramePlayer
from tests.studio.conftest import make_project_info
from tests.studio.test_map_support import LATENT, InstantWorker, make_map_data


@pytest.fixture
def panel(qtbot, state):
    state.sig_project_reported.emit(make_project_info(trained_steps=10))
    panel = CanvasPanel(state)
    qtbot.addWidget(panel)
    panel.resize(1100, 700)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


@pytest.fixture
def worker(state, panel):
    worker = InstantWorker(state, make_map_data(60, k=3))
    worker.publish()
    return worker


def a_path(frames: int = 24) -> PathRecord:
    return PathRecord(frozen_array(np.array([[-4, 0], [0, 2], [4, 0]], np.float32)), "pca",
                      frames, 0.0, (3, None, 5))


def test_waits_honestly_without_a_trained_project(qtbot, state):
    panel = CanvasPanel(state)
    qtbot.addWidget(panel)
    assert panel._pages.currentIndex() == 0
    assert "Open or create a project" in panel.message.text.text()
    state.map.sig_status_reported.emit(MapStatus(MapStage.UNTRAINED, "“cats” is not trained yet."))
    assert "not trained yet" in panel.message.text.text()


def test_a_drawn_path_becomes_an_animation_with_its_frame_count(qtbot, panel, worker, state):
    state.map.sig_path_drawn.emit(a_path(24))
    request = worker.requests["frames"][-1]
    assert request.kind == "path" and request.frames == 24
    assert panel.stage.filmstrip.count() == 24
    assert panel.animator.player.is_playing()  # a new animation plays at once
    assert panel.stage.mode_key() == "path" and panel.stage.frames.value() == 24
    panel.stage.frames.setValue(12)  # fewer frames: rendered again after a short pause
    qtbot.waitUntil(lambda: panel.stage.filmstrip.count() == 12, timeout=2000)
    assert state.canvas.path_frames == 12


def test_stale_frames_are_dropped(qtbot, panel, worker, state):
    state.map.sig_path_drawn.emit(a_path(24))
    old = worker.requests["frames"][-1]
    state.map.sig_path_drawn.emit(a_path(10))
    assert panel.stage.filmstrip.count() == 10
    from studio.contract.canvas_records import FramesResult

    stale = np.zeros((5, 8, 8, 3), np.uint8)
    state.canvas.sig_frames.emit(FramesResult("path", old.generation, np.zeros((5, LATENT)),
                                           stale, None, None))
    assert panel.stage.filmstrip.count() == 10


def test_scrub_play_and_the_nearest_image(qtbot, panel, worker, state):
    frames = []
    state.map.sig_mark_point.connect(frames.append)
    state.map.sig_path_drawn.emit(a_path(20))
    panel.animator.player.pause()
    panel.stage.scrub.setValue(7)
    assert panel.animator.current_index() == 7
    assert panel.stage.frame_label.text() == "8 / 20"
    shown = panel.stage.preview.images()[0]
    assert shown[0, 0, 1] == 7  # the stand-in worker writes the frame number in green
    nearest = panel.stage.nearest.images()[0]
    assert np.array_equal(nearest, worker.data.thumbnails[7])
    assert frames[-1] is not None  # the map marks where the frame is
    panel.stage.play.click()
    qtbot.waitUntil(lambda: panel.animator.current_index() != 7, timeout=2000)
    panel.stage.play.click()
    assert not panel.animator.player.is_playing()


def test_player_loops_and_pingpongs(qtbot):
    player = FramePlayer()
    seen = []
    player.sig_frame_changed.connect(seen.append)
    player.set_count(3)
    player.loop, player.pingpong = False, True
    for _ in range(6):
        player.step()
    assert seen == [0, 1, 2, 1, 0]  # there and back once, then it stops
    seen.clear()
    player.loop, player.pingpong = True, False
    player.set_count(3)
    for _ in range(4):
        player.step()
    assert seen == [0, 1, 2, 0, 1]


def test_keyframes_from_the_map_selection_slerp(qtbot, panel, worker, state):
    state.map.set_selection(frozen_array(np.array([2, 11, 30], np.int64)))
    panel.keyframes.add_selection.click()
    qtbot.waitUntil(lambda: "frames" in worker.requests, timeout=2000)
    request = worker.requests["frames"][-1]
    assert request.kind == "slerp" and request.keyframes.shape == (3, LATENT)
    assert np.array_equal(request.keyframes[1], worker.data.latents[11])
    panel.stage.set_mode("normlerp")
    panel.stage.easing.setCurrentIndex(panel.stage.easing.findData("ease_in_out"))
    panel.stage.easing.activated.emit(panel.stage.easing.currentIndex())
    qtbot.waitUntil(lambda: worker.requests["frames"][-1].kind == "normlerp", timeout=2000)
    assert worker.requests["frames"][-1].easing == "ease_in_out"
    source = panel.animator.animation.source
    assert source.image_indices == (2, 11, 30) and source.mode == "normlerp"
    assert source.kind == "interpolation" and panel.animator.animation.easing == "ease_in_out"


def test_sampling_shows_a_grid_to_pick_from(qtbot, panel, worker, state):
    assert panel.sampler.temperature.value() == pytest.approx(0.8)
    panel.sampler.seed.setValue(40)
    panel.sampler.sample.click()
    request = worker.requests["sample"][-1]
    assert (request.n, request.seed, request.cluster) == (16, 40, None)
    assert panel.sampler.grid.image_count() == 16
    panel.sampler.sig_picked.emit(3)
    animation = panel.animator.animation
    assert len(animation) == 1 and animation.source.kind == "sample"
    assert animation.source.seed == 43 and animation.source.temperature == pytest.approx(0.8)
    distances = np.square(worker.data.latents - animation.latents[0]).sum(axis=1)
    nearest = worker.data.thumbnails[int(np.argmin(distances))]
    assert np.array_equal(panel.stage.nearest.images()[0], nearest)  # found in latent space
    panel.sampler.source.setCurrentIndex(2)  # cluster 2
    panel.sampler.sample.click()
    assert worker.requests["sample"][-1].cluster == 1


def test_attribute_from_two_selections(qtbot, panel, worker, state):
    state.map.sig_image_picked.emit(CurrentImage(worker.data.latents[0],
                                                  worker.data.thumbnails[0], "Image 1", 0))
    state.map.set_selection(frozen_array(np.array([1, 4], np.int64)))
    panel.attributes.set_a.click()
    state.map.set_selection(frozen_array(np.array([2, 5, 8], np.int64)))
    panel.attributes.set_b.click()
    panel.attributes.name.setText("rounder")
    panel.attributes.save.click()
    saved = worker.requests["save_direction"][-1]
    assert saved.name == "rounder" and list(saved.indices_a) == [1, 4]
    assert list(saved.indices_b) == [2, 5, 8]
    state.canvas.sig_directions.emit(("rounder",))
    qtbot.waitUntil(lambda: "attribute" in worker.requests, timeout=2000)
    request = worker.requests["attribute"][-1]
    assert request.name == "rounder" and np.array_equal(request.code, worker.data.latents[0])
    assert request.strengths[0] == 0 and request.strengths[-1] == pytest.approx(1.0)
    assert panel.attributes.grid.image_count() == 5
    panel.attributes.sig_picked.emit(4)
    assert panel.animator.animation.source.attribute == "rounder"
    assert panel.animator.animation.source.kind == "attribute"


def test_add_to_gallery_sends_the_latents_shown(qtbot, panel, worker, state):
    requests = []
    state.gallery.sig_request_add.connect(requests.append)
    state.map.sig_path_drawn.emit(a_path(16))
    panel._update_gallery()
    panel.animator.player.pause()
    panel.stage.scrub.setValue(5)
    panel.gallery.add_frame.click()
    animation = panel.animator.animation
    still = requests[-1]
    assert isinstance(still, GalleryAddRequest)
    assert np.array_equal(still.latents, animation.latents[5:6])
    assert still.settings.frames == 1 and still.source.mode == "path"
    panel.gallery.name.setText("wave")
    panel.gallery.add_animation.click()
    whole = requests[-1]
    assert whole.name == "wave" and np.array_equal(whole.latents, animation.latents)
    assert whole.settings.frames == 16 and whole.source.image_indices == (3, 5)
    assert np.allclose(whole.source.map_points, a_path().points)
    assert whole.source.kind == "path" and whole.source.map_method == "pca"
    panel.stage.filmstrip.item(2).setSelected(True)
    panel.stage.filmstrip.item(9).setSelected(True)
    panel.gallery.add_picked.click()
    assert np.array_equal(requests[-1].latents, animation.latents[[2, 9]])


def test_gallery_buttons_follow_what_there_is_to_add(qtbot, panel, worker, state):
    box = panel.gallery
    box.update_buttons(0, 0)
    assert not box.add_frame.isEnabled() and not box.add_animation.isEnabled()
    box.update_buttons(10, 0)
    assert box.add_frame.isEnabled() and box.add_animation.isEnabled()
    assert not box.add_picked.isEnabled()
    box.update_buttons(1, 0)
    assert not box.add_animation.isEnabled()  # one frame is a still, not an animation
