"""UI responsiveness while training: the main window with all panels, a real project training
at 64x64 in the worker thread, a 10 ms watchdog timer on the UI thread, and decode requests
sent like a drag on the map (every 50 ms) whose answer times are measured.

    QT_QPA_PLATFORM=offscreen .venv/bin/python tests/benchmarks/bench_ui_watchdog.py \
        [--folder /tmp/icons96] [--seconds 30]

Target: the UI thread never stalls more than 50 ms while training.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import numpy as np
from PySide6.QtCore import QEventLoop, QSettings, QTimer
from PySide6.QtWidgets import QApplication

from models.config import IngestConfig, ProjectConfig, TrainConfig
from studio.backend.handle import WorkerHandle
from studio.contract.app_state import AppState
from studio.contract.project_records import DecodeRequest
from studio.settings import Settings
from studio.window.main_window import MainWindow
from studio.window.watchdog import Watchdog


def wait_for(signal, timeout_s: float = 300.0) -> None:
    loop = QEventLoop()
    signal.connect(loop.quit)
    QTimer.singleShot(int(timeout_s * 1000), loop.quit)
    loop.exec()


def pump(seconds: float) -> None:
    loop = QEventLoop()
    QTimer.singleShot(int(seconds * 1000), loop.quit)
    loop.exec()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--folder", type=Path, default=Path("/tmp/icons96"))
    parser.add_argument("--seconds", type=float, default=30.0)
    args = parser.parse_args()
    app = QApplication([])
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)  # keep the user's settings untouched
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, tempfile.mkdtemp())
    state = AppState()
    window = MainWindow(state, Settings())
    window.resize(1280, 800)
    window.show()
    handle = WorkerHandle(state)
    handle.start()
    wait_for(state.sig_device)  # AppState signals arrive queued on this thread
    project = Path(tempfile.mkdtemp()) / "watchdog.latentia"
    config = ProjectConfig(ingest=IngestConfig(image_size=64), train=TrainConfig(epochs=1000))
    state.sig_request_new_project.emit(str(args.folder), str(project), config)
    wait_for(state.sig_project_changed)
    state.sig_request_train.emit(config.train.replace(epochs=1))  # a model to decode with
    wait_for(state.sig_training_state)
    while state.training_state != "finished":
        pump(0.5)
    window.ensure_panels()
    state.sig_request_train.emit(config.train)
    wait_for(state.sig_train_progress)
    sent: dict[int, float] = {}
    answers: list[float] = []
    state.sig_decoded.connect(lambda r: answers.append(time.perf_counter() - sent[r.generation]))
    rng = np.random.default_rng(0)
    generation = 0

    def send_decode() -> None:
        nonlocal generation
        generation += 1
        sent[generation] = time.perf_counter()
        latents = rng.normal(size=(1, 128)).astype(np.float32)
        state.sig_request_decode.emit(DecodeRequest(latents, "bench", generation))

    drag = QTimer()
    drag.setInterval(50)
    drag.timeout.connect(send_decode)
    watchdog = Watchdog()
    watchdog.start()
    drag.start()
    pump(args.seconds)
    drag.stop()
    watchdog.stop()
    stalls = watchdog.stalls_ms()
    state.sig_request_stop.emit()
    handle.stop()
    answered = np.asarray(answers) * 1000
    print(json.dumps({
        "seconds": args.seconds, "load_average": os.getloadavg()[0],
        "ui_ticks": len(stalls), "ui_stall_p50_ms": round(float(np.percentile(stalls, 50)), 1),
        "ui_stall_p99_ms": round(float(np.percentile(stalls, 99)), 1),
        "ui_stall_max_ms": round(float(stalls.max()), 1),
        "ui_stalls_over_50ms": int((stalls > 50).sum()),
        "decodes_sent": generation, "decodes_answered": len(answered),
        "decode_answer_p50_ms": round(float(np.percentile(answered, 50)), 1),
        "decode_answer_p95_ms": round(float(np.percentile(answered, 95)), 1),
    }, indent=2))
    window.close()
    app.quit()


if __name__ == "__main__":
    main()
