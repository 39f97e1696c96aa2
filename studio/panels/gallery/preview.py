"""A large animated preview: plays frames at their frame rate (ping-pong as exported), with
play/pause and a frame slider to look at the animation frame by frame."""

from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QRect, QSize, Qt, QTimer
from PySide6.QtGui import QImage, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from studio.panels.gallery.grid import fit_square
from studio.panels.gallery.timing import display_order
from studio.widgets.qimage import array_to_qimage, as_image_batch, checkerboard_brush

MIN_PREVIEW = 160


class FrameCanvas(QWidget):
    """Draws one frame as large as fits, crisp when enlarged."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._image: QImage | None = None
        self._alpha = False
        self._checkerboard = checkerboard_brush()
        self.placeholder = ""
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(MIN_PREVIEW, MIN_PREVIEW)

    def set_image(self, image: QImage | None, alpha: bool = False) -> None:
        self._image, self._alpha = image, alpha
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(320, 320)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return max(MIN_PREVIEW, width)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        if self._image is None:
            painter.setPen(self.palette().color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             self.placeholder)
            painter.end()
            return
        target = fit_square(self._image, QRect(self.rect()))
        if self._alpha:
            painter.setBrushOrigin(target.topLeft())
            painter.fillRect(target, self._checkerboard)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform,
                              target.width() < self._image.width())
        painter.drawImage(target, self._image)
        painter.end()


class AnimatedPreview(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._frames: np.ndarray | None = None  # kept alive: the QImage views its memory
        self._order = np.zeros(1, np.int64)  # play order (ping-pong adds the way back)
        self._fps = 24.0
        self._step = 0  # position in the play order
        self._started = 0.0
        self.canvas = FrameCanvas()
        self.play_button = QToolButton()
        self.play_button.setCheckable(True)
        self.play_button.setToolTip("Play or pause the animation (Space)")
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setToolTip("Look at the animation frame by frame")
        self.frame_label = QLabel()
        self._timer = QTimer(self)
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        controls = QHBoxLayout()
        controls.setContentsMargins(0, 0, 0, 0)
        controls.addWidget(self.play_button)
        controls.addWidget(self.slider, 1)
        controls.addWidget(self.frame_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.canvas, 1)
        layout.addLayout(controls)
        self.play_button.toggled.connect(self._on_play_toggled)
        self.slider.valueChanged.connect(self._on_slider)
        self._timer.timeout.connect(self._on_tick)
        self.set_frames(None)

    def set_frames(self, frames: np.ndarray | None, fps: float = 24.0, pingpong: bool = False,
                   play: bool = True, placeholder: str = "") -> None:
        """Show uint8 (n, S, S, C) frames; more than one plays (unless `play` is False)."""
        self._timer.stop()
        self.canvas.placeholder = placeholder
        self._frames = None if frames is None or len(frames) == 0 else as_image_batch(frames)
        count = 0 if self._frames is None else len(self._frames)
        self._order = display_order(count, pingpong)
        self._fps = max(0.1, float(fps))
        animated = count > 1
        for widget in (self.play_button, self.slider, self.frame_label):
            widget.setVisible(animated)
        self.slider.blockSignals(True)
        self.slider.setRange(0, max(0, count - 1))
        self.slider.setValue(0)
        self.slider.blockSignals(False)
        self._step = 0
        self.play_button.blockSignals(True)
        self.play_button.setChecked(animated and play)
        self.play_button.blockSignals(False)
        self._update_play_icon()
        self._show_frame(0)
        if animated and play:
            self._start()

    def frame_index(self) -> int:
        return int(self._order[self._step % len(self._order)])

    def is_playing(self) -> bool:
        return self._timer.isActive()

    def _start(self) -> None:
        self._started = time.monotonic() - self._step / self._fps
        self._timer.start(max(5, int(1000 / self._fps / 2)))  # sample twice per frame

    def _on_play_toggled(self, on: bool) -> None:
        if on and self._frames is not None:
            self._start()
        else:
            self._timer.stop()
        self._update_play_icon()

    def _on_tick(self) -> None:
        # From the clock, not from counting ticks: a late tick never slows the animation down.
        step = int((time.monotonic() - self._started) * self._fps)
        if step != self._step:
            self._step = step
            self._show_frame(self.frame_index())

    def _on_slider(self, value: int) -> None:
        self.play_button.setChecked(False)
        self._step = int(np.argmax(self._order == value))
        self._show_frame(value)

    def _show_frame(self, index: int) -> None:
        if self._frames is None:
            self.canvas.set_image(None)
            return
        self.canvas.set_image(array_to_qimage(self._frames[index]), self._frames.shape[-1] == 4)
        self.frame_label.setText(f"{index + 1} / {len(self._frames)}")
        if self.slider.value() != index:
            self.slider.blockSignals(True)
            self.slider.setValue(index)
            self.slider.blockSignals(False)

    def _update_play_icon(self) -> None:
        self.play_button.setText("❚❚" if self.play_button.isChecked() else "▶")

    def hideEvent(self, event) -> None:
        self._timer.stop()
        super().hideEvent(event)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if self.play_button.isChecked() and self._frames is not None:
            self._start()
