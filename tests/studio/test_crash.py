"""An unexpected error in the app is logged in full and shown in a dialog that can copy it."""

from __future__ import annotations

import logging
import sys
import threading

import pytest
from PySide6.QtCore import QTimer, qInstallMessageHandler, qWarning
from PySide6.QtGui import QGuiApplication

from studio import crash, logs
from studio.window import crash_dialog


@pytest.fixture
def log_file(tmp_path):
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    path = logs.setup_logging(path=tmp_path / "log" / "latentia.log")
    yield path
    for handler in root.handlers:
        if handler not in handlers:
            handler.close()
    root.handlers[:] = handlers
    root.setLevel(level)


@pytest.fixture
def shown(monkeypatch):
    calls = []
    monkeypatch.setattr(crash.CrashDialog, "ask",
                        classmethod(lambda cls, parent, details, path: calls.append((details,
                                                                                     path))))
    return calls


@pytest.fixture
def hooks():
    saved = sys.excepthook, threading.excepthook
    previous_qt_handler = qInstallMessageHandler(None)  # pytest-qt's, put back below
    qInstallMessageHandler(previous_qt_handler)
    yield
    sys.excepthook, threading.excepthook = saved
    qInstallMessageHandler(previous_qt_handler)


def fail_deep():
    raise ValueError("the map has no points")


def raise_and_report(reporter):
    try:
        fail_deep()
    except ValueError:
        reporter.report(*sys.exc_info())


def test_an_error_is_logged_with_its_traceback_and_shown(qapp, log_file, shown):
    reporter = crash.CrashReporter()
    raise_and_report(reporter)
    ((details, path),) = shown
    assert path == log_file
    assert "ValueError: the map has no points" in details and "fail_deep" in details
    assert "fail_deep" in log_file.read_text(encoding="utf-8")


def test_an_error_in_another_thread_reaches_the_ui_thread(qtbot, log_file, shown, hooks):
    reporter = crash.CrashReporter()
    reporter.install()
    worker = threading.Thread(target=fail_deep, name="decoder")
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: len(shown) == 1)
    assert "Thread: decoder" in shown[0][0]


@pytest.mark.qt_no_exception_capture
def test_an_error_escaping_a_slot_opens_the_dialog(qtbot, log_file, shown, hooks):
    crash.CrashReporter().install()
    QTimer.singleShot(0, fail_deep)
    qtbot.waitUntil(lambda: len(shown) == 1)
    assert "the map has no points" in shown[0][0]


def test_errors_while_the_dialog_is_open_are_counted_not_stacked(qapp, log_file, monkeypatch):
    reporter = crash.CrashReporter()

    def ask(cls, parent, details, path):
        raise_and_report(reporter)  # a second error while the first dialog is open

    monkeypatch.setattr(crash.CrashDialog, "ask", classmethod(ask))
    raise_and_report(reporter)
    assert reporter.unseen == 1
    assert log_file.read_text(encoding="utf-8").count("unexpected error") == 2


def test_dialog_copies_the_details_and_names_the_log(qtbot, tmp_path):
    dialog = crash_dialog.CrashDialog("Traceback...\nValueError: boom", tmp_path / "latentia.log")
    qtbot.addWidget(dialog)
    dialog.copy_button.click()
    assert QGuiApplication.clipboard().text() == "Traceback...\nValueError: boom"
    labels = " ".join(label.text() for label in dialog.findChildren(crash_dialog.QLabel))
    assert "ValueError: boom" in labels and str(tmp_path / "latentia.log") in labels
    assert "nothing is lost" in labels


def test_qt_warnings_reach_the_log_file(qapp, log_file, hooks):
    crash.CrashReporter().install()
    qWarning("QPainter::begin: Paint device returned engine == 0")
    assert "WARNING MainThread qt: QPainter::begin" in log_file.read_text(encoding="utf-8")
