"""Listing and tearing down Qt objects in the studio tests without racing the garbage collector.

`QApplication.topLevelWidgets()` copies Qt's list of windows, then wraps each one in a Python
object. Wrapping allocates, an allocation can start the cyclic garbage collector, and the
collector may drop the last reference to a window that Python owns: pyqtgraph keeps a
parentless QMenu in each PlotItem, and a PlotItem sits in reference cycles that only the
collector frees. The menu is deleted there and then, while the copied list still holds it, so
the next window wrapped is freed memory and the interpreter segfaults (issue 14: the crash in
`no_leaked_windows`, native frames `QObject::property` <- `PySide::getWrapperForQObject`).
Windows are therefore listed with the collector paused, and each test's leftovers are deleted
at its teardown, on this thread, instead of at a random allocation of a later test, perhaps
in its backend thread.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

import shiboken6
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import QApplication, QWidget


@contextmanager
def collector_paused() -> Iterator[None]:
    """No automatic garbage collection, in any thread, inside the block."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def visible_windows() -> list[QWidget]:
    """The visible top-level widgets; no window can be deleted while they are listed."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        return []
    with collector_paused():
        return [w for w in app.topLevelWidgets() if shiboken6.isValid(w) and w.isVisible()]


def delete_leftovers() -> None:
    """Delete now what a test left for later: objects given to deleteLater() (pytest-qt closes
    and deleteLater()s the widgets of qtbot.addWidget) and reference cycles holding Qt objects,
    whose collection deletes the windows Python owns."""
    deferred = QEvent.Type.DeferredDelete
    QCoreApplication.sendPostedEvents(None, deferred)
    gc.collect()
    QCoreApplication.sendPostedEvents(None, deferred)  # what the collected objects deleteLater()d
