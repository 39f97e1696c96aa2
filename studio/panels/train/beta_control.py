"""The quality-vs-variety control: the KL weight beta as a log slider plus a spin box."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDoubleSpinBox, QHBoxLayout, QLabel, QSlider, QVBoxLayout, QWidget

BETA_MIN, BETA_MAX = 0.05, 5.0
_SLIDER_STEPS = 100

EXPLANATION = (
    "Lower = sharper images but less varied samples. "
    "Higher = more varied samples and a smoother map, but softer details. 1.0 is a standard VAE.")


def beta_to_slider(beta: float) -> int:
    """Slider position of `beta` on a log scale, so 0.1, 1 and 5 are all easy to reach."""
    beta = min(BETA_MAX, max(BETA_MIN, beta))
    span = math.log(BETA_MAX / BETA_MIN)
    return round(_SLIDER_STEPS * math.log(beta / BETA_MIN) / span)


def slider_to_beta(position: int) -> float:
    span = math.log(BETA_MAX / BETA_MIN)
    return round(BETA_MIN * math.exp(span * position / _SLIDER_STEPS), 2)


class BetaControl(QWidget):
    sig_value_changed = Signal(float)
    """The new beta."""

    def __init__(self, beta: float = 1.0, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._slider = QSlider(Qt.Orientation.Horizontal)
        self._slider.setRange(0, _SLIDER_STEPS)
        self._spin = QDoubleSpinBox()
        self._spin.setRange(BETA_MIN, BETA_MAX)
        self._spin.setDecimals(2)
        self._spin.setSingleStep(0.05)
        self._ends = QLabel("sharper ◂  ▸ more varied")
        self._ends.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._explanation = QLabel(EXPLANATION)
        self._explanation.setWordWrap(True)
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self._slider, 1)
        row.addWidget(self._spin)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self._ends)
        layout.addWidget(self._explanation)
        self.setToolTip("Quality vs variety: the weight β of the KL term in the VAE loss "
                        "(Higgins et al. 2017, β-VAE).\n" + EXPLANATION)
        self._slider.valueChanged.connect(self._on_slider_moved)
        self._spin.valueChanged.connect(self._on_spin_changed)
        self.set_value(beta)

    def value(self) -> float:
        return float(self._spin.value())

    def set_value(self, beta: float) -> None:
        """Show `beta` without emitting sig_value_changed."""
        self._spin.blockSignals(True)
        self._slider.blockSignals(True)
        self._spin.setValue(beta)
        self._slider.setValue(beta_to_slider(beta))
        self._spin.blockSignals(False)
        self._slider.blockSignals(False)

    def _on_slider_moved(self, position: int) -> None:
        self._spin.blockSignals(True)
        self._spin.setValue(slider_to_beta(position))
        self._spin.blockSignals(False)
        self.sig_value_changed.emit(self.value())

    def _on_spin_changed(self, beta: float) -> None:
        self._slider.blockSignals(True)
        self._slider.setValue(beta_to_slider(beta))
        self._slider.blockSignals(False)
        self.sig_value_changed.emit(float(beta))
