"""Style transfer on the Canvas, for a model trained with labels: the current image's style
under every label (a strip), and its label blended from one to another with a slider, animated
into the Stage like any path; a contrast slider redraws past the new label, away from the
image's own (see `models.transfer`). Shown only when the open model has labels."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from models.labels import MAX_CONTRAST
from studio.widgets.hint import hint_label
from studio.widgets.image_grid import ImageGrid

BLEND_STEPS = 100  # slider positions from the first label to the second
CONTRAST_STEPS = 20  # slider positions from no contrast to MAX_CONTRAST
STRIP_COLUMNS = 6


class LabelsBox(QWidget):
    sig_strip = Signal()
    """Show the current image under every label."""
    sig_blend = Signal()
    """The labels or the slider changed: redraw the blend of the current image."""
    sig_animate = Signal()
    """Animate the current image from the first label to the second on the Stage."""
    sig_contrast = Signal()
    """The contrast changed: redraw the strip (if shown) and the blend."""
    sig_strip_picked = Signal(int)
    sig_blend_picked = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.strip_button = QPushButton("Show under every label")
        self.strip_button.setToolTip("The current image's style redrawn with each label")
        self.strip = ImageGrid(columns=STRIP_COLUMNS, max_scale=3,
                               placeholder="Pick an image, then show it under every label.")
        self.strip.setMinimumHeight(120)
        self.first, self.second = QComboBox(), QComboBox()
        self.amount = QSlider(Qt.Orientation.Horizontal)
        self.amount.setRange(0, BLEND_STEPS)
        self.amount.setToolTip("How far from the first label to the second")
        self.amount_label = QLabel()
        self.contrast = QSlider(Qt.Orientation.Horizontal)
        self.contrast.setRange(0, CONTRAST_STEPS)
        self.contrast.setToolTip(
            "Redraw past the new label, away from the image's own: fewer ghosts of its old "
            "shape, but colours may shift on some folders. 0 = off")
        self.contrast_label = QLabel()
        self.blended = ImageGrid(columns=1, max_scale=4,
                                 placeholder="The blend of the current image appears here.")
        self.blended.setMinimumHeight(120)
        self.animate = QPushButton("Animate the blend")
        self.animate.setToolTip("Frames from the first label to the second, on the Stage: "
                                "play them, add them to the gallery, export a GIF")
        self._build_layout()
        self.strip_button.clicked.connect(self.sig_strip)
        self.strip.sig_image_clicked.connect(self.sig_strip_picked)
        self.blended.sig_image_clicked.connect(lambda _row: self.sig_blend_picked.emit())
        for combo in (self.first, self.second):
            combo.activated.connect(self.sig_blend)
        self.amount.valueChanged.connect(self._on_amount)
        self.contrast.valueChanged.connect(self._on_contrast)
        self.animate.clicked.connect(self.sig_animate)
        self.set_labels(())
        self._on_amount(self.amount.value())
        self._on_contrast(self.contrast.value())

    def _build_layout(self) -> None:
        amount = QHBoxLayout()
        amount.addWidget(self.amount, 1)
        amount.addWidget(self.amount_label)
        form = QFormLayout()
        form.addRow("From", self.first)
        form.addRow("To", self.second)
        form.addRow("Blend", amount)
        contrast = QHBoxLayout()
        contrast.addWidget(QLabel("Contrast"))
        contrast.addWidget(self.contrast, 1)
        contrast.addWidget(self.contrast_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(hint_label("The model keeps an image's style apart from its label: redraw "
                               "the current image as another label, or blend two labels."))
        layout.addLayout(contrast)
        layout.addWidget(self.strip_button)
        layout.addWidget(self.strip)
        layout.addLayout(form)
        layout.addWidget(self.blended)
        layout.addWidget(self.animate)

    def set_labels(self, names: tuple[str, ...]) -> None:
        """The open model's labels (none: nothing to do here)."""
        for combo, default in ((self.first, 0), (self.second, 1)):
            current = combo.currentText()
            combo.clear()
            combo.addItems(list(names))
            chosen = combo.findText(current)
            combo.setCurrentIndex(chosen if chosen >= 0 else min(default, len(names) - 1))
        for widget in (self.strip_button, self.first, self.second, self.amount, self.contrast,
                       self.animate):
            widget.setEnabled(len(names) >= 2)
        self.strip.set_images(None)
        self.blended.set_images(None)

    def labels(self) -> tuple[int, int]:
        """Indices of the first and the second label."""
        return self.first.currentIndex(), self.second.currentIndex()

    def amount_value(self) -> float:
        return self.amount.value() / BLEND_STEPS

    def contrast_value(self) -> float:
        return self.contrast.value() / CONTRAST_STEPS * MAX_CONTRAST

    def _on_contrast(self, _value: int) -> None:
        self.contrast_label.setText(f"{self.contrast_value():.2f}")
        self.sig_contrast.emit()

    def _on_amount(self, value: int) -> None:
        self.amount_label.setText(f"{value}%")
        self.sig_blend.emit()
