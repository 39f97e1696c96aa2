"""Shows an Animation on the Stage and plays it: preview, nearest real image, filmstrip,
scrub bar and transport controls kept in step with the FramePlayer."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, Signal

from studio.contract.map_state import MapState
from studio.panels.canvas.animation import Animation
from studio.panels.canvas.player import FramePlayer
from studio.panels.canvas.stage import Stage


class Animator(QObject):
    sig_frame_point = Signal(object)
    """(2,) map position of the frame shown, or None."""

    def __init__(self, stage: Stage, map_state: MapState, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.stage = stage
        self.player = FramePlayer(self)
        self.animation: Animation | None = None
        self._map = map_state  # its map: the nearest real images' pictures and clusters
        p, s = self.player, stage
        p.sig_frame_changed.connect(self._on_frame_changed)
        p.sig_playing_changed.connect(s.set_playing)
        s.play.clicked.connect(p.toggle)
        s.scrub.valueChanged.connect(self._on_scrubbed)
        s.filmstrip.sig_frame_chosen.connect(self._on_frame_chosen)
        s.fps.valueChanged.connect(p.set_fps)
        s.loop.toggled.connect(self._on_loop)
        s.pingpong.toggled.connect(self._on_pingpong)

    def show(self, animation: Animation | None, autoplay: bool = False) -> None:
        self.animation = animation
        count = 0 if animation is None else len(animation)
        self.stage.filmstrip.set_frames(None if animation is None else animation.images)
        self.stage.scrub.blockSignals(True)
        self.stage.scrub.setRange(0, max(0, count - 1))
        self.stage.scrub.blockSignals(False)
        self.stage.scrub.setEnabled(count > 1)
        self.stage.play.setEnabled(count > 1)
        self.player.set_count(count)
        if count == 0:
            self.stage.preview.set_images(None)
            self.stage.nearest.set_images(None)
            self.stage.frame_label.setText("–")
            self.sig_frame_point.emit(None)
        if autoplay:
            self.player.play()

    def current_index(self) -> int:
        return self.player.index

    def current_latent(self) -> np.ndarray | None:
        if self.animation is None or not len(self.animation):
            return None
        return self.animation.latents[self.player.index]

    def _on_frame_changed(self, index: int) -> None:
        animation = self.animation
        if animation is None:
            return
        self.stage.preview.set_images(animation.images[index:index + 1])
        self.stage.scrub.blockSignals(True)
        self.stage.scrub.setValue(index)
        self.stage.scrub.blockSignals(False)
        self.stage.filmstrip.show_frame(index)
        self.stage.frame_label.setText(f"{index + 1} / {len(animation)}")
        self._show_nearest(index)
        self.sig_frame_point.emit(None if animation.points is None else animation.points[index])

    def _nearest(self, index: int) -> int:
        """The training image nearest to frame `index` in latent space, or -1."""
        animation, data = self.animation, self._map.data
        if data is None:
            return -1
        if animation.nearest is not None:
            image = int(animation.nearest[index])
            return image if image < data.count else -1
        latent = animation.latents[index]
        if latent.shape[0] != data.latents.shape[1]:
            return -1
        # Exact search: N x D distances, ~1 ms for 20,000 images of D = 128.
        return int(np.argmin(np.square(data.latents - latent).sum(axis=1)))

    def _show_nearest(self, index: int) -> None:
        data, image = self._map.data, self._nearest(index)
        if image < 0:
            self.stage.nearest.set_images(None)
            self.stage.nearest_caption.setText("Nearest real image: shown once the map of "
                                               "this project is ready")
            return
        self.stage.nearest.set_images(data.thumbnails[image:image + 1])
        cluster = data.cluster_names[int(data.labels[image])]
        self.stage.nearest_caption.setText(f"Nearest real image: {image + 1:,} ({cluster})")

    def _on_scrubbed(self, index: int) -> None:
        self.player.pause()
        self.player.seek(index)

    def _on_frame_chosen(self, index: int) -> None:
        self.player.pause()
        self.player.seek(index)

    def _on_loop(self, on: bool) -> None:
        self.player.loop = on

    def _on_pingpong(self, on: bool) -> None:
        self.player.pingpong = on
