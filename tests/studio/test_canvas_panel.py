"""The Canvas panel over hand-made records: path animations, playback, keyframe modes,
sampling, attributes and gallery requests."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QObject, Signal

from models.records import frozen_array
from studio.contract.map_state import CurrentImage, MapStatus, PathRecord
from studio.contract.records import GalleryAddRequest
from studio.panels.canvas.panel import CanvasPanel
from studio.panels.canvas.player import FramePlayer
from tests.studio.conftest import make_project_info
from tests.studio.test_map_support import LATENT, InstantWorker, make_map_data


class StandInGallery(QObject):
    sig_request_add = Signal(object)


@pytest.fixture
def panel(qtbot, state):
    state.sig_project_changed.emit(make_project_info(trained_steps=10))
    panel = CanvasPanel(state)
    qtbot.addWidget(panel)
    panel.resize(1100, 700)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


@pytest.fixture
def worker(state, panel):
    worker = InstantWorker(state.map, make_map_data(60, k=3))
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
    state.map.sig_status.emit(MapStatus("untrained", "“cats” is not trained yet."))
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
    assert state.map.frames == 12


def test_stale_frames_are_dropped(qtbot, panel, worker, state):
    state.map.sig_path_drawn.emit(a_path(24))
    old = worker.requests["frames"][-1]
    state.map.sig_path_drawn.emit(a_path(10))
    assert panel.stage.filmstrip.count() == 10
    from studio.contract.map_state import FramesResult

    stale = np.zeros((5, 8, 8, 3), np.uint8)
    state.map.sig_frames.emit(FramesResult("path", old.generation, np.zeros((5, LATENT)),
                                           stale, None, None))
    assert panel.stage.filmstrip.count() == 10


def test_scrub_play_and_the_nearest_image(qtbot, panel, worker, state):
    frames = []
    state.map.sig_frame_point.connect(frames.append)
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
    state.map.sig_selection_changed.emit(frozen_array(np.array([2, 11, 30], np.int64)))
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
    assert panel.animator.animation.recipe.image_indices == (2, 11, 30)


def test_sampling_shows_a_grid_to_pick_from(qtbot, panel, worker, state):
    assert panel.sampler.temperature.value() == pytest.approx(0.8)
    panel.sampler.seed.setValue(40)
    panel.sampler.sample.click()
    request = worker.requests["sample"][-1]
    assert (request.n, request.seed, request.cluster) == (16, 40, None)
    assert panel.sampler.grid.image_count() == 16
    panel.sampler.sig_picked.emit(3)
    animation = panel.animator.animation
    assert len(animation) == 1 and animation.recipe.mode == "sample"
    assert animation.recipe.seed == 43 and animation.recipe.temperature == pytest.approx(0.8)
    distances = np.square(worker.data.latents - animation.latents[0]).sum(axis=1)
    nearest = worker.data.thumbnails[int(np.argmin(distances))]
    assert np.array_equal(panel.stage.nearest.images()[0], nearest)  # found in latent space
    panel.sampler.source.setCurrentIndex(2)  # cluster 2
    panel.sampler.sample.click()
    assert worker.requests["sample"][-1].cluster == 1


def test_attribute_from_two_selections(qtbot, panel, worker, state):
    state.map.sig_current_image.emit(CurrentImage(worker.data.latents[0],
                                                  worker.data.thumbnails[0], "Image 1", 0))
    state.map.sig_selection_changed.emit(frozen_array(np.array([1, 4], np.int64)))
    panel.attributes.set_a.click()
    state.map.sig_selection_changed.emit(frozen_array(np.array([2, 5, 8], np.int64)))
    panel.attributes.set_b.click()
    panel.attributes.name.setText("rounder")
    panel.attributes.save.click()
    saved = worker.requests["save_direction"][-1]
    assert saved.name == "rounder" and list(saved.indices_a) == [1, 4]
    assert list(saved.indices_b) == [2, 5, 8]
    state.map.sig_directions.emit(("rounder",))
    qtbot.waitUntil(lambda: "attribute" in worker.requests, timeout=2000)
    request = worker.requests["attribute"][-1]
    assert request.name == "rounder" and np.array_equal(request.code, worker.data.latents[0])
    assert request.strengths[0] == 0 and request.strengths[-1] == pytest.approx(1.0)
    assert panel.attributes.grid.image_count() == 5
    panel.attributes.sig_picked.emit(4)
    assert panel.animator.animation.recipe.attribute == "rounder"


def test_add_to_gallery_sends_the_latents_shown(qtbot, panel, worker, state):
    if not state.map.gallery_available():
        state.gallery = StandInGallery(state)  # this app version lacks the gallery state
    requests = []
    state.map.sig_add_to_gallery.connect(requests.append)
    forwarded = []
    state.gallery.sig_request_add.connect(forwarded.append)
    state.map.sig_path_drawn.emit(a_path(16))
    panel._update_gallery()
    panel.animator.player.pause()
    panel.stage.scrub.setValue(5)
    panel.gallery.add_frame.click()
    animation = panel.animator.animation
    still = requests[-1]
    assert isinstance(still, GalleryAddRequest) and forwarded[-1] is still
    assert np.array_equal(still.latents, animation.latents[5:6])
    assert still.recipe.frames == 1 and still.recipe.mode == "path"
    panel.gallery.name.setText("wave")
    panel.gallery.add_animation.click()
    whole = requests[-1]
    assert whole.name == "wave" and np.array_equal(whole.latents, animation.latents)
    assert whole.recipe.frames == 16 and whole.recipe.image_indices == (3, 5)
    assert np.allclose(whole.recipe.map_points, a_path().points)
    panel.stage.filmstrip.item(2).setSelected(True)
    panel.stage.filmstrip.item(9).setSelected(True)
    panel.gallery.add_picked.click()
    assert np.array_equal(requests[-1].latents, animation.latents[[2, 9]])


def test_the_real_gallery_state_receives_requests(state):
    if not hasattr(state, "gallery"):
        pytest.skip("studio.contract.gallery_state is not part of this tree yet")
    assert state.map.gallery_available()
    received = []
    state.gallery.sig_request_add.connect(received.append)
    request = GalleryAddRequest("x", np.zeros((1, LATENT), np.float32),
                                np.zeros((1, 8, 8, 3), np.uint8), a_path_recipe())
    state.map.sig_add_to_gallery.emit(request)
    assert received == [request]


def a_path_recipe():
    from studio.panels.canvas.animation import path_recipe

    return path_recipe(a_path())


def test_gallery_buttons_follow_what_there_is_to_add(qtbot, panel, worker, state):
    box = panel.gallery
    box.update_buttons(False, 10, 0)
    assert not box.add_frame.isEnabled() and "not part of this version" in box.note.text()
    box.update_buttons(True, 10, 0)
    assert box.add_frame.isEnabled() and box.add_animation.isEnabled()
    assert not box.add_picked.isEnabled() and box.note.text() == ""
    box.update_buttons(True, 1, 0)
    assert not box.add_animation.isEnabled()  # one frame is a still, not an animation
