"""How the worker paces itself: the latest request wins, and reports go out at most once per
interval. One of each, used by every service on the worker thread.

Both live on the worker thread only (the UI thread has its own, `LiveDecoder`, which keeps
one decode in flight).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Generic, TypeVar

from PySide6.QtCore import QTimer

Request = TypeVar("Request")


class LatestOnly(Generic[Request]):
    """Serves the newest of the requests queued for one handler, once the queue is drained.

    Requests of one kind queued behind a busy slice (a training step, a long decode) overwrite
    each other; one zero-timeout timer then serves whichever is latest, so a drag that outruns
    the decoder is answered at its latest position and the queue never grows.
    """

    def __init__(self, serve: Callable[[Request], None]) -> None:
        self._serve = serve
        self._pending: Request | None = None

    def put(self, request: Request) -> None:
        first = self._pending is None
        self._pending = request
        if first:
            QTimer.singleShot(0, self._run)

    def _run(self) -> None:
        request, self._pending = self._pending, None
        if request is not None:
            self._serve(request)


class Throttle:
    """`due()` is True at most once per `interval_s` (a final report always passes)."""

    def __init__(self, interval_s: float, *, start_due: bool = True) -> None:
        self.interval_s = interval_s
        self._last = -float("inf") if start_due else time.monotonic()

    def due(self, final: bool = False) -> bool:
        now = time.monotonic()
        if not final and now - self._last < self.interval_s:
            return False
        self._last = now
        return True

    def restart(self) -> None:
        """Count the interval from now (something equivalent was just sent)."""
        self._last = time.monotonic()
