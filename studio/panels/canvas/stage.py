"""The Canvas's stage: the big preview, the nearest real image, the filmstrip, the scrub bar,
playback controls and how the animation is made (mode, frames, easing)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QSlider,
    QSpinBox,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from studio.contract.canvas_records import FramesKind
from studio.contract.map_records import DEFAULT_FRAMES
from studio.panels.canvas.animation import MODE_LABELS
from studio.panels.canvas.filmstrip import Filmstrip
from studio.panels.canvas.player import DEFAULT_FPS, FPS_RANGE
from studio.widgets.image_grid import ImageGrid

EASING_LABELS = {"linear": "Linear", "ease_in_out": "Ease in-out", "ease_in": "Ease in",
                 "ease_out": "Ease out"}
FRAMES_RANGE = (2, 600)


class Stage(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.preview = ImageGrid(columns=1, max_scale=8, placeholder=(
            "Draw a path on the Map, choose keyframes, or sample new images: they appear "
            "here."))
        self.caption = QLabel()
        self.caption.setWordWrap(True)
        self.nearest = ImageGrid(columns=1, max_scale=3)
        self.nearest.setFixedWidth(160)
        self.nearest_caption = QLabel("Nearest real image")
        self.nearest_caption.setWordWrap(True)
        self.nearest_caption.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.filmstrip = Filmstrip()
        self.scrub = QSlider(Qt.Orientation.Horizontal)
        self.scrub.setRange(0, 0)
        self.frame_label = QLabel("–")
        self.play = QToolButton()
        self.play.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.play.setToolTip("Play or pause (Space)")
        self.set_playing(False)
        self.fps = QDoubleSpinBox()
        self.fps.setRange(*FPS_RANGE)
        self.fps.setValue(DEFAULT_FPS)
        self.fps.setSuffix(" fps")
        self.loop = QCheckBox("Loop")
        self.loop.setChecked(True)
        self.pingpong = QCheckBox("Ping-pong")
        self.pingpong.setToolTip("Play forwards, then backwards")
        self.mode = QComboBox()
        for key, label in MODE_LABELS.items():
            if key != FramesKind.BLEND:  # offered for models with labels (allow_mode)
                self.mode.addItem(label, key)
        self.mode.setToolTip("Map path: follow the path drawn on the Map. Slerp, lerp and "
                             "norm-lerp: move between the keyframes in latent space (slerp and "
                             "norm-lerp keep images crisp midway; lerp can fade).")
        self.frames = QSpinBox()
        self.frames.setRange(*FRAMES_RANGE)
        self.frames.setValue(DEFAULT_FRAMES)
        self.easing = QComboBox()
        for key, label in EASING_LABELS.items():
            self.easing.addItem(label, key)
        self._build_layout()

    def _build_layout(self) -> None:
        side = QVBoxLayout()
        side.addWidget(self.nearest_caption)
        side.addWidget(self.nearest)
        side.addStretch(1)
        top = QHBoxLayout()
        top.addWidget(self.preview, 1)
        top.addLayout(side)
        transport = QHBoxLayout()
        for widget in (self.play, self.scrub, self.frame_label, self.fps, self.loop,
                       self.pingpong):
            transport.addWidget(widget, 1 if widget is self.scrub else 0)
        making = QGridLayout()
        for column, (label, widget) in enumerate((("Mode", self.mode), ("Frames", self.frames),
                                                  ("Easing", self.easing))):
            making.addWidget(QLabel(label), 0, 2 * column)
            making.addWidget(widget, 0, 2 * column + 1)
        making.setColumnStretch(6, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top, 1)
        layout.addWidget(self.caption)
        layout.addWidget(self.filmstrip)
        layout.addLayout(transport)
        layout.addLayout(making)

    def mode_key(self) -> FramesKind:
        return FramesKind(self.mode.currentData())

    def allow_mode(self, key: str, allowed: bool) -> None:
        """Offer the mode `key` or not (a label blend needs a model trained with labels)."""
        index = self.mode.findData(key)
        if allowed and index < 0:
            self.mode.addItem(MODE_LABELS[FramesKind(key)], key)
        elif not allowed and index >= 0:
            if self.mode.currentIndex() == index:
                self.mode.setCurrentIndex(0)
            self.mode.removeItem(index)

    def set_mode(self, key: str) -> None:
        self.mode.setCurrentIndex(max(0, self.mode.findData(key)))

    def easing_key(self) -> str:
        return self.easing.currentData()

    def set_playing(self, playing: bool) -> None:
        icon = (QStyle.StandardPixmap.SP_MediaPause if playing
                else QStyle.StandardPixmap.SP_MediaPlay)
        self.play.setIcon(self.style().standardIcon(icon))
        self.play.setText("Pause" if playing else "Play")
