"""Import boundaries, checked in fresh interpreters: the backend never loads Qt, the panels
never load torch, and the app shows its window before torch is imported."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_python(code: str, *args: str) -> str:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    result = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip().splitlines()[-1]


def test_models_does_not_import_qt():
    loaded = run_python(
        "import sys, models, models.config, models.records, models.errors\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('PySide6', 'shiboken6', 'pyqtgraph', 'studio', 'torch')))")
    assert loaded == "[]"


def test_panels_do_not_import_torch():
    loaded = run_python(
        "import importlib, pkgutil, sys\n"
        "import studio.panels\n"
        "prefix = 'studio.panels.'\n"
        "names = [m.name for m in pkgutil.walk_packages(studio.panels.__path__, prefix)]\n"
        "for name in names:\n"
        "    importlib.import_module(name)\n"
        "assert {'studio.panels.train.panel', 'studio.panels.map.panel', "
        "'studio.panels.canvas.panel', 'studio.panels.gallery.panel'} <= set(names)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'torch' "
        "or m in ('models.project', 'models.training')))")
    assert loaded == "[]"


def test_window_shows_before_torch_is_imported(tmp_path):
    report = run_python(
        "import json, sys\n"
        "from PySide6.QtCore import QSettings, QTimer\n"
        "QSettings.setDefaultFormat(QSettings.Format.IniFormat)\n"
        "QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, sys.argv[1])\n"
        "from studio.app import launch\n"
        "import studio.window.main_window as mw\n"
        "seen = {}\n"
        "original = mw.MainWindow.showEvent\n"
        "def show_event(self, event):\n"
        "    seen['torch_at_show'] = 'torch' in sys.modules\n"
        "    original(self, event)\n"
        "mw.MainWindow.showEvent = show_event\n"
        "session = launch(None)\n"
        "def finish():\n"
        "    session.window.close(); session.shutdown()\n"
        "    seen['torch_after_worker'] = 'torch' in sys.modules\n"
        "    print(json.dumps(seen)); session.app.quit()\n"
        "QTimer.singleShot(0, finish)\n"
        "session.app.exec()\n", str(tmp_path))
    assert json.loads(report) == {"torch_at_show": False, "torch_after_worker": True}
