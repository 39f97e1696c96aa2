"""Guards against a Qt binding that corrupts reference counts (PySide6 6.12.0 on Python 3.11
dropped one reference to True/None per signal emit and aborted the app mid-training)."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    sig_ping = Signal()
    sig_value = Signal(object)


def test_signal_emits_keep_reference_counts(qapp):
    emitter = _Emitter()
    received = []
    emitter.sig_ping.connect(lambda: None)
    emitter.sig_value.connect(received.append)
    before = sys.getrefcount(True), sys.getrefcount(None)
    for _ in range(300):
        emitter.sig_ping.emit()
        emitter.sig_value.emit(None)
    received.clear()
    after = sys.getrefcount(True), sys.getrefcount(None)
    assert abs(after[0] - before[0]) < 20 and abs(after[1] - before[1]) < 20, (before, after)
