"""Playback of the Canvas's frames: a QTimer stepping through them at `fps`, once, in a loop,
or back and forth (ping-pong)."""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

DEFAULT_FPS = 12.0
FPS_RANGE = (1.0, 60.0)


class FramePlayer(QObject):
    sig_frame_changed = Signal(int)
    """Index of the frame to show."""
    sig_playing_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.count = 0
        self.index = 0
        self.loop = True
        self.pingpong = False
        self._direction = 1
        self._fps = DEFAULT_FPS
        self._timer = QTimer(self)
        self._timer.setInterval(self._interval_ms())
        self._timer.timeout.connect(self.step)

    @property
    def fps(self) -> float:
        return self._fps

    def set_fps(self, fps: float) -> None:
        self._fps = min(max(float(fps), FPS_RANGE[0]), FPS_RANGE[1])
        self._timer.setInterval(self._interval_ms())

    def set_count(self, count: int) -> None:
        """New frames: back to the first one."""
        self.count = max(0, int(count))
        self._direction = 1
        self.seek(0)
        if self.count < 2:
            self.pause()

    def is_playing(self) -> bool:
        return self._timer.isActive()

    def play(self) -> None:
        if self.count < 2 or self.is_playing():
            return
        if not self.loop:  # played through once: start again
            if self.pingpong and self._direction < 0 and self.index == 0:
                self._direction = 1
            elif not self.pingpong and self.index >= self.count - 1:
                self.seek(0)
        self._timer.start()
        self.sig_playing_changed.emit(True)

    def pause(self) -> None:
        if self.is_playing():
            self._timer.stop()
            self.sig_playing_changed.emit(False)

    def toggle(self) -> None:
        self.pause() if self.is_playing() else self.play()

    def seek(self, index: int) -> None:
        if self.count == 0:
            self.index = 0
            return
        self.index = min(max(int(index), 0), self.count - 1)
        self.sig_frame_changed.emit(self.index)

    def step(self) -> None:
        """Advance one frame the way the playback mode says."""
        if self.count < 2:
            self.pause()
            return
        following = self.index + self._direction
        if 0 <= following < self.count:
            self.seek(following)
        elif self.pingpong and (self._direction > 0 or self.loop):
            self._direction = -self._direction  # turn at either end; once only without loop
            self.seek(self.index + self._direction)
        elif self.loop:
            self.seek(0)
        else:
            self.pause()

    def _interval_ms(self) -> int:
        return max(1, round(1000.0 / self._fps))
