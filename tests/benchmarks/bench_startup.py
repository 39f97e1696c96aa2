"""Time from `latentia` starting to its window being on screen (offscreen Qt), in a subprocess.

    .venv/bin/python tests/benchmarks/bench_startup.py [--runs 5]

Each run starts a fresh interpreter that launches the app the way the `latentia` command does,
waits until the main window is exposed, and reports the time since the parent spawned it, plus
whether torch was already imported at that moment (it must not be: torch loads in the worker
thread afterwards), then the time until that worker is ready to answer requests. Target: window
visible within 1.5 s.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGET_SECONDS = 1.5

CHILD = r"""
import json, sys, time
from PySide6.QtCore import QEvent, QObject, QSettings, QTimer
from PySide6.QtGui import QWindow
from PySide6.QtWidgets import QApplication

QSettings.setDefaultFormat(QSettings.Format.IniFormat)
QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, sys.argv[1])
seen = {}


class ExposeProbe(QObject):
    # The first Expose of a window that is then exposed = the window is on screen.
    def eventFilter(self, obj, event):
        if (not seen and event.type() == QEvent.Type.Expose and isinstance(obj, QWindow)
                and obj.isExposed()):
            seen.update(visible_at=time.time(), torch_loaded="torch" in sys.modules)
        return False


app = QApplication(sys.argv[:1])
probe = ExposeProbe()
app.installEventFilter(probe)
from studio.app import launch  # noqa: E402  (timed: the app's own imports)

session = launch(None)


def finish():
    sys.stdout.write(json.dumps(seen) + "\n")
    sys.stdout.flush()
    session.window.close()
    session.shutdown()
    session.app.quit()


def backend_ready(_device):
    seen.update(ready_at=time.time())
    QTimer.singleShot(0, finish)  # from inside the event loop, so quit() ends it


session.state.sig_device.connect(backend_ready)
session.app.exec()
"""


def one_run(settings_dir: str) -> tuple[float, bool, float]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONPATH=str(ROOT))
    started = time.time()
    result = subprocess.run([sys.executable, "-c", CHILD, settings_dir], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120, check=True)
    line = next(ln for ln in result.stdout.splitlines() if ln.startswith("{"))
    report = json.loads(line)
    return (report["visible_at"] - started, report["torch_loaded"],
            report["ready_at"] - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    log = logging.getLogger("bench_startup")
    with tempfile.TemporaryDirectory() as settings_dir:
        one_run(settings_dir)  # warm the OS file cache; not counted
        runs = [one_run(settings_dir) for _ in range(args.runs)]
    seconds = [s for s, _, _ in runs]
    ready = [r for _, _, r in runs]
    torch_early = any(loaded for _, loaded, _ in runs)
    log.info("time to window visible: median %.2f s, min %.2f s, max %.2f s (%d runs)",
             statistics.median(seconds), min(seconds), max(seconds), len(seconds))
    log.info("time to backend ready (torch and the models loaded, requests answered): median "
             "%.2f s, min %.2f s, max %.2f s", statistics.median(ready), min(ready), max(ready))
    log.info("torch imported before the window showed: %s", "YES (bad)" if torch_early else "no")
    ok = statistics.median(seconds) <= TARGET_SECONDS and not torch_early
    log.info("target %.1f s: %s", TARGET_SECONDS, "met" if ok else "MISSED")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
