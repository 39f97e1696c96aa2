"""Live loss charts: reconstruction, KL and total (bits/dim), training and validation.

Built to stay smooth for 100k+ steps: points go into pre-allocated growing numpy buffers,
plots are refreshed at most ~10 times a second (not once per step), and pyqtgraph draws only
the visible x range, downsampled to about one peak pair per pixel.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QTimer
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from models.records import Metrics, TrainProgress
from studio.widgets.growing_series import GrowingSeries
from studio.widgets.plot_style import TRAIN_COLOR, VALIDATION_COLOR, style_plot

REFRESH_MS = 100  # ~10 Hz: smooth to the eye, cheap for the UI thread


@dataclass(frozen=True)
class ChartMetric:
    key: str
    title: str
    unit: str
    field: str  # attribute of models.records.Metrics


CHART_METRICS = (
    ChartMetric("recon", "Reconstruction", "nats / image", "recon_nats"),
    ChartMetric("kl", "KL divergence", "nats / image", "kl_nats"),
    ChartMetric("total", "Total", "bits / dim", "bits_per_dim"),
)
SPLITS = ("train", "validation")


class LossCharts(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.log_scale = QCheckBox("Log scale")
        self.log_scale.setToolTip("Show the losses on a logarithmic axis. Values at or below "
                                  "zero cannot be drawn on a log axis and are left out.")
        self._graphics = pg.GraphicsLayoutWidget()
        self._plots: dict[str, pg.PlotItem] = {}
        self._curves: dict[tuple[str, str], pg.PlotDataItem] = {}
        self._series = {(m.key, split): GrowingSeries() for m in CHART_METRICS for split in SPLITS}
        self._dirty: set[tuple[str, str]] = set()
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_MS)
        self._build_plots()
        legend = QLabel(f"<span style='color:{TRAIN_COLOR}'>━ training</span> &nbsp; "
                        f"<span style='color:{VALIDATION_COLOR}'>━● validation</span>")
        header = QHBoxLayout()
        header.addWidget(legend, 1)
        header.addWidget(self.log_scale)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(header)
        layout.addWidget(self._graphics, 1)
        self._timer.timeout.connect(self.flush)
        self.log_scale.toggled.connect(self._on_log_scale_toggled)
        style_plot(self, self._graphics, list(self._plots.values()))

    def _build_plots(self) -> None:
        first = None
        for column, metric in enumerate(CHART_METRICS):
            plot = self._graphics.addPlot(row=0, col=column, title=metric.title)
            plot.setLabel("left", metric.unit)
            plot.setLabel("bottom", "epoch")
            for side in ("left", "bottom"):  # "epoch (x0.001)" under 0.2 confuses more than helps
                plot.getAxis(side).enableAutoSIPrefix(False)
            # No grid: pyqtgraph paints translucent grid lines through the axes, which costs
            # ~30 ms a frame at this size (tests/benchmarks/bench_train_charts.py).
            plot.setMenuEnabled(False)
            if first is None:
                first = plot
            else:
                plot.setXLink(first)  # zooming one chart in time zooms all three
            self._plots[metric.key] = plot
            for split in SPLITS:
                self._curves[(metric.key, split)] = self._make_curve(plot, split)

    @staticmethod
    def _make_curve(plot: pg.PlotItem, split: str) -> pg.PlotDataItem:
        if split == "train":
            curve = plot.plot(pen=pg.mkPen(TRAIN_COLOR, width=1))
        else:
            curve = plot.plot(pen=pg.mkPen(VALIDATION_COLOR, width=2), symbol="o", symbolSize=5,
                              symbolBrush=VALIDATION_COLOR, symbolPen=None)
        curve.setDownsampling(auto=True, method="peak")
        curve.setClipToView(True)
        return curve

    # --- data -------------------------------------------------------------------------------
    def add_progress(self, progress: TrainProgress) -> None:
        """Record the metrics a progress report carries; plots refresh within ~0.1 s."""
        self._add_metrics("train", progress.epoch, progress.train)
        self._add_metrics("validation", progress.epoch, progress.validation)
        if not self._timer.isActive() and self._dirty:
            self._timer.start()

    def add_history(self, history: Iterable[TrainProgress]) -> None:
        for progress in history:
            self._add_metrics("train", progress.epoch, progress.train)
            self._add_metrics("validation", progress.epoch, progress.validation)
        self.flush()

    def clear(self) -> None:
        for series in self._series.values():
            series.clear()
        self._dirty.update(self._series)
        self.flush()

    def flush(self) -> None:
        """Hand the new points to the plots now (normally done by the ~10 Hz timer)."""
        self._timer.stop()
        for key in self._dirty:
            series = self._series[key]
            self._curves[key].setData(series.x, series.y)
        self._dirty.clear()

    def _add_metrics(self, split: str, epoch: float, metrics: Metrics | None) -> None:
        if metrics is None:
            return
        for metric in CHART_METRICS:
            self._series[(metric.key, split)].append(epoch, getattr(metrics, metric.field))
            self._dirty.add((metric.key, split))

    # --- access for tests and benchmarks ----------------------------------------------------
    def curve(self, metric: str, split: str) -> pg.PlotDataItem:
        return self._curves[(metric, split)]

    def series(self, metric: str, split: str) -> GrowingSeries:
        return self._series[(metric, split)]

    def plot(self, metric: str) -> pg.PlotItem:
        return self._plots[metric]

    # --- slots ------------------------------------------------------------------------------
    def _on_log_scale_toggled(self, on: bool) -> None:
        for plot in self._plots.values():
            plot.setLogMode(x=False, y=on)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange and getattr(self, "_plots", None):
            style_plot(self, self._graphics, list(self._plots.values()))
        super().changeEvent(event)
