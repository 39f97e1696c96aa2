"""Benchmark: the Train panel's loss charts with 100k training steps.

Run: QT_QPA_PLATFORM=offscreen .venv/bin/python tests/benchmarks/bench_train_charts.py [steps]

Measures what the UI thread pays while training: recording one progress report, one throttled
refresh (`setData` on all curves) and one repaint, first with the whole run in view, then
zoomed to the latest steps. The charts refresh at ~10 Hz, so a refresh plus repaint well under
100 ms (ideally < 30 ms) keeps the window smooth.
"""

from __future__ import annotations

import logging
import os
import statistics
import sys
import time

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np
from PySide6.QtWidgets import QApplication

from models.records import Metrics, TrainProgress
from studio.panels.train.charts import LossCharts

log = logging.getLogger("bench_train_charts")
VALIDATION_EVERY = 200  # steps between validation passes


def fake_reports(steps: int) -> list[TrainProgress]:
    """A noisy, decaying loss curve: one step report per step, validation now and then."""
    rng = np.random.default_rng(0)
    noise = rng.normal(0.0, 0.05, steps)
    reports = []
    for step in range(steps):
        bpd = 3.0 / (1.0 + step / 2000) + noise[step]
        train = Metrics(total_nats=bpd * 8500, recon_nats=bpd * 8000, kl_nats=bpd * 500,
                        bits_per_dim=bpd, log_sigma=-2.0)
        validation = train if step % VALIDATION_EVERY == 0 else None
        reports.append(TrainProgress("step", step, step / 100, steps, train=train,
                                     validation=validation))
    return reports


def timed_frames(app: QApplication, charts: LossCharts, reports: list[TrainProgress],
                 frames: int) -> list[float]:
    """Milliseconds per live frame: record a batch of reports, refresh, repaint."""
    costs = []
    per_frame = max(1, len(reports) // frames)
    for start in range(0, per_frame * frames, per_frame):
        began = time.perf_counter()
        for report in reports[start:start + per_frame]:
            charts.add_progress(report)
        charts.flush()
        charts.repaint()
        app.processEvents()
        costs.append(1000 * (time.perf_counter() - began))
    return costs


def main(steps: int) -> None:
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    app = QApplication.instance() or QApplication(sys.argv)
    charts = LossCharts()
    charts.resize(900, 320)
    charts.show()
    reports = fake_reports(steps + 1000)
    began = time.perf_counter()
    for report in reports[:steps]:
        charts.add_progress(report)
    record_us = 1e6 * (time.perf_counter() - began) / steps
    began = time.perf_counter()
    charts.flush()
    flush_ms = 1000 * (time.perf_counter() - began)
    began = time.perf_counter()
    charts.repaint()
    app.processEvents()
    first_paint_ms = 1000 * (time.perf_counter() - began)
    full_view = timed_frames(app, charts, reports[steps:steps + 500], frames=50)
    last_epoch = reports[steps + 499].epoch
    charts.plot("total").setXRange(last_epoch - 20, last_epoch, padding=0)
    zoomed = timed_frames(app, charts, reports[steps + 500:], frames=50)
    points = len(charts.series("total", "train"))
    log.info("points per training curve: %d (6 curves)", points)
    log.info("record one progress report: %.1f µs", record_us)
    log.info("first refresh (setData, all curves): %.1f ms", flush_ms)
    log.info("first repaint: %.1f ms", first_paint_ms)
    for name, costs in (("whole run in view", full_view), ("zoomed to last 20 epochs", zoomed)):
        log.info("live frame, %s: median %.1f ms, max %.1f ms", name,
                 statistics.median(costs), max(costs))
    charts.close()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
