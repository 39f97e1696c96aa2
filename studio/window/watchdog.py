"""A UI-thread stall watchdog: a short repeating timer whose late ticks measure how long the
event loop was blocked. Used by tests/benchmarks/bench_ui_watchdog.py (and handy when
debugging: `Watchdog().start()` then read `stalls_ms()`)."""

from __future__ import annotations

import time

import numpy as np
from PySide6.QtCore import QObject, QTimer

TICK_MS = 10


class Watchdog(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._on_tick)
        self._last = 0.0
        self._gaps: list[float] = []

    def start(self) -> None:
        self._gaps.clear()
        self._last = time.perf_counter()
        self._timer.start()

    def stop(self) -> None:
        self._timer.stop()

    def _on_tick(self) -> None:
        now = time.perf_counter()
        self._gaps.append(now - self._last)
        self._last = now

    def stalls_ms(self) -> np.ndarray:
        """How late each tick came, in ms (gap minus the tick interval, never negative)."""
        gaps = np.asarray(self._gaps, dtype=np.float64) * 1000.0 - TICK_MS
        return np.clip(gaps, 0.0, None)
