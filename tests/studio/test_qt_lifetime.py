"""The window listing and teardown of the studio tests (qt_lifetime), against the crash of
issue 14: a garbage collection inside `topLevelWidgets()` deleted windows the list still held.

Replacing `visible_windows()` by the plain `[w for w in app.topLevelWidgets() if w.isVisible()]`
makes the first test die with "Fatal Python error: Segmentation fault" (checked by hand)."""

from __future__ import annotations

import gc

import shiboken6
from PySide6.QtWidgets import QComboBox, QMenu, QWidget

from tests.studio.qt_lifetime import collector_paused, delete_leftovers, visible_windows

# Enough allocation counts to cover every point inside topLevelWidgets() where the collector
# can come due: creating the result list and wrapping the first windows.
COLLECTION_POINTS = 12


class MenuInACycle:
    """What pyqtgraph's PlotItem is to the collector: a reference cycle holding a parentless
    QMenu that Python owns, so collecting the cycle deletes the menu."""

    def __init__(self) -> None:
        self.menu = QMenu("Plot Options")
        self.myself = self


def test_listing_windows_survives_a_collection_due_at_any_point(qtbot):
    shown = QWidget()
    qtbot.addWidget(shown)
    shown.show()
    for _ in range(20):  # each one's popup is a window without a Python wrapper yet
        combo = QComboBox()
        qtbot.addWidget(combo)
        combo.view()
    thresholds = gc.get_threshold()
    try:
        for due_in in range(COLLECTION_POINTS):
            with collector_paused():
                for _ in range(30):
                    MenuInACycle()  # garbage at once, freed only by the collector
            gc.set_threshold(gc.get_count()[0] + due_in)
            windows = visible_windows()
            gc.set_threshold(*thresholds)
            assert all(shiboken6.isValid(w) for w in windows)
            assert any(w is shown for w in windows)
            assert not any(isinstance(w, QMenu) for w in windows)  # hidden ones are left out
    finally:
        gc.set_threshold(*thresholds)
        gc.collect()


def test_teardown_deletes_what_the_test_left_for_later(qtbot):
    deleted = []
    with collector_paused():  # nothing here may be collected before delete_leftovers()
        closed = QWidget()
        closed.destroyed.connect(lambda: deleted.append("closed window"))
        closed.show()
        closed.close()
        closed.deleteLater()  # what pytest-qt does with the widgets of qtbot.addWidget
        MenuInACycle().menu.destroyed.connect(lambda: deleted.append("menu in a cycle"))
        assert deleted == []
        delete_leftovers()
        assert sorted(deleted) == ["closed window", "menu in a cycle"]
        assert not shiboken6.isValid(closed)
