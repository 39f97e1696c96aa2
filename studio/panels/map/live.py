"""The drag loop's request discipline: at most one decode in flight, the latest point wins.

While the worker decodes one point the cursor keeps moving; only the newest position is kept
and sent when the answer comes back, so the preview is never more than one decode behind the
mouse and the worker's queue never grows. Answers to older requests (or to requests sent
before `reset()`) are recognised by their generation number and dropped.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QObject, QTimer

from models.records import frozen_array
from studio.contract.map_records import PointsDecoded, PointsDecodeRequest
from studio.contract.map_state import MapState

ANSWER_TIMEOUT_MS = 3000  # a lost answer must not freeze the preview for good


class LiveDecoder(QObject):
    def __init__(self, map_state: MapState, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._map_state = map_state
        self._generation = 0
        self._in_flight = -1  # generation awaited, or -1
        self._pending: np.ndarray | None = None  # the newest point not sent yet
        self._timeout = QTimer(self)
        self._timeout.setSingleShot(True)
        self._timeout.setInterval(ANSWER_TIMEOUT_MS)
        self._timeout.timeout.connect(self._on_timeout)
        self.sent = 0  # requests sent, for tests and the benchmark

    def request(self, point: np.ndarray) -> None:
        """Decode the image at map `point` (2,) as soon as the previous answer is in."""
        self._pending = np.asarray(point, dtype=np.float32).reshape(1, 2)
        if self._in_flight < 0:
            self._send()

    def accept(self, result: PointsDecoded) -> bool:
        """True when `result` answers the request in flight (show it); False if stale."""
        if result.generation != self._in_flight:
            return False
        self._in_flight = -1
        self._timeout.stop()
        if self._pending is not None:
            self._send()
        return len(result.images) > 0

    def reset(self) -> None:
        """Forget the pending point and ignore the answer in flight."""
        self._pending = None
        self._in_flight = -1
        self._timeout.stop()

    def busy(self) -> bool:
        return self._in_flight >= 0

    def _send(self) -> None:
        points, self._pending = self._pending, None
        self._generation += 1
        self._in_flight = self._generation
        self._timeout.start()
        self.sent += 1
        self._map_state.sig_request_points_decode.emit(
            PointsDecodeRequest(frozen_array(points, np.float32), self._generation))

    def _on_timeout(self) -> None:
        self._in_flight = -1
        if self._pending is not None:
            self._send()
