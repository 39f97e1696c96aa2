"""Latent health: how much each latent dimension is used, and a warning when few are.

A dimension is "active" when its posterior mean varies across images (Burda et al. 2016,
"Importance Weighted Autoencoders", Sec. 5.2: Cov_x[E_q(z|x) z_d] > 0.01). When almost none are
active the posterior has collapsed onto the prior: the decoder ignores z and samples look alike.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from models.records import LatentHealth
from studio.widgets.banner import MessageBanner
from studio.widgets.plot_style import TRAIN_COLOR, style_plot

COLLAPSE_FRACTION = 0.1  # fewer active units than this share of latent_dim = collapse
ACTIVE_VARIANCE = 0.01  # Burda et al. 2016 threshold on Cov_x of the posterior means


def collapse_warning(health: LatentHealth, step: int, kl_warmup_steps: int) -> str:
    """A plain-language warning when the posterior collapsed after the KL warm-up, else ''."""
    if step < kl_warmup_steps or health.active_units >= COLLAPSE_FRACTION * health.latent_dim:
        return ""
    return (f"Posterior collapse: only {health.active_units} of {health.latent_dim} latent "
            "dimensions are in use, so samples will look alike. Try lowering quality vs "
            "variety (β), e.g. to 0.5, or enabling free bits (Advanced, e.g. 0.1), then train "
            "again.")


class LatentHealthView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._health: LatentHealth | None = None
        self._step = 0
        self._kl_warmup_steps = 0
        self.active_label = QLabel()
        self.active_label.setWordWrap(True)
        self.active_label.setToolTip(
            "A latent dimension is active when its value changes from image to image "
            "(variance of the encoder's means above 0.01, Burda et al. 2016).")
        self.sort_by_kl = QCheckBox("Sorted by KL")
        self.sort_by_kl.setChecked(True)
        self.sort_by_kl.setToolTip("Sort the bars from largest to smallest KL, or show the "
                                   "dimensions in their own order.")
        self.warning = MessageBanner()
        self._graphics = pg.PlotWidget()
        self._plot = self._graphics.getPlotItem()
        self._plot.setMenuEnabled(False)
        self._plot.setLabel("left", "KL (nats)")
        self._plot.getAxis("left").enableAutoSIPrefix(False)
        self._plot.setTitle("KL per latent dimension")
        self._bars = pg.BarGraphItem(x=[], height=[], width=0.8)
        self._plot.addItem(self._bars)
        header = QHBoxLayout()
        header.addWidget(self.active_label, 1)
        header.addWidget(self.sort_by_kl)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(header)
        layout.addWidget(self.warning)
        layout.addWidget(self._graphics, 1)
        self.sort_by_kl.toggled.connect(self._on_sort_toggled)
        style_plot(self, self._graphics, [self._plot])
        self.clear()

    def set_kl_warmup_steps(self, steps: int) -> None:
        """Collapse is only judged after the KL warm-up of the current training settings."""
        self._kl_warmup_steps = steps

    def set_health(self, health: LatentHealth, step: int) -> None:
        self._health, self._step = health, step
        self.active_label.setText(f"Active units: <b>{health.active_units}</b> of "
                                  f"{health.latent_dim} (blue bars; grey = unused)")
        message = collapse_warning(health, step, self._kl_warmup_steps)
        if message:
            self.warning.show_message("warning", message)
        else:
            self.warning.clear()
        self._update_bars()

    def clear(self) -> None:
        self._health = None
        self.active_label.setText("Active units: appear after the first validation pass.")
        self.warning.clear()
        self._update_bars()

    def warning_text(self) -> str:
        return self.warning.text()

    def bar_heights(self) -> np.ndarray:
        """Heights of the bars as drawn (for tests)."""
        return np.asarray(self._bars.opts.get("height", []), dtype=np.float64)

    def _update_bars(self) -> None:
        if self._health is None or np.asarray(self._health.kl_per_dim).size == 0:
            self._bars.setOpts(x=np.zeros(0), height=np.zeros(0), brushes=None)
            return
        kl = np.asarray(self._health.kl_per_dim, dtype=np.float64)  # (latent_dim,)
        active = np.asarray(self._health.mean_variance) > ACTIVE_VARIANCE  # (latent_dim,)
        order = np.argsort(-kl, kind="stable") if self.sort_by_kl.isChecked() else np.arange(
            kl.size)
        inactive = self.palette().color(QPalette.ColorRole.Mid)
        brushes = [pg.mkBrush(TRAIN_COLOR) if active[i] else pg.mkBrush(inactive) for i in order]
        self._bars.setOpts(x=np.arange(kl.size), height=kl[order], width=0.8, brushes=brushes,
                           pens=[pg.mkPen(None)] * kl.size)
        sorted_note = "sorted, largest first" if self.sort_by_kl.isChecked() else "by index"
        self._plot.setLabel("bottom", f"latent dimensions, {sorted_note}")
        self._plot.enableAutoRange()

    def _on_sort_toggled(self, _: bool) -> None:
        self._update_bars()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange and getattr(self, "_plot", None):
            style_plot(self, self._graphics, [self._plot])
            self._update_bars()
        super().changeEvent(event)
