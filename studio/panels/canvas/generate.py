"""New images on the Canvas: random samples (from the whole model or one cluster) and
attribute edits along directions made from two selections on the Map. Each shows its results
as a grid; clicking one makes it the current image."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSlider,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from studio.widgets.hint import hint_label
from studio.widgets.image_grid import ImageGrid

DEFAULT_TEMPERATURE = 0.8  # a little below 1: typical images, still varied (Glow, Sec. 5)
DEFAULT_SAMPLES = 16
MAX_SEED = 2**31 - 1
STRENGTH_STEPS = 100  # slider steps per unit of strength
MAX_STRENGTH = 3.0
ATTRIBUTE_COLUMNS = 5  # the grid shows strength 0 .. s in this many steps


class SampleBox(QWidget):
    sig_sample = Signal()
    sig_picked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.temperature = QDoubleSpinBox()
        self.temperature.setRange(0.05, 2.0)
        self.temperature.setSingleStep(0.05)
        self.temperature.setValue(DEFAULT_TEMPERATURE)
        self.temperature.setToolTip("Lower: safer, more typical images. Higher: surprising ones.")
        self.seed = QSpinBox()
        self.seed.setRange(0, MAX_SEED)
        self.new_seed = QToolButton()
        self.new_seed.setText("New")
        self.new_seed.setToolTip("A new random seed, and sample with it")
        self.count = QSpinBox()
        self.count.setRange(1, 64)
        self.count.setValue(DEFAULT_SAMPLES)
        self.source = QComboBox()
        self.set_clusters(())
        self.sample = QPushButton("Sample")
        self.grid = ImageGrid(columns=4, max_scale=4, placeholder="Samples appear here; click "
                                                                  "one to use it.")
        self.grid.setMinimumHeight(260)
        seed_row = QHBoxLayout()
        seed_row.addWidget(self.seed, 1)
        seed_row.addWidget(self.new_seed)
        form = QFormLayout()
        form.addRow("From", self.source)
        form.addRow("Temperature", self.temperature)
        form.addRow("Seed", seed_row)
        form.addRow("Images", self.count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(form)
        layout.addWidget(self.sample)
        layout.addWidget(self.grid)
        self.sample.clicked.connect(self.sig_sample)
        self.new_seed.clicked.connect(self._on_new_seed)
        self.grid.sig_image_clicked.connect(self.sig_picked)

    def set_clusters(self, names: tuple[str, ...]) -> None:
        self._clusters = tuple(names)
        self._fill_sources()

    def set_labels(self, names: tuple[str, ...]) -> None:
        """The labels of a model trained with them: each can be sampled on its own."""
        self._labels = tuple(names)
        self._fill_sources()

    def _fill_sources(self) -> None:
        current = self.source.currentData()
        self.source.clear()
        self.source.addItem("The whole model", None)
        for label, name in enumerate(getattr(self, "_labels", ())):
            self.source.addItem(f"Label: {name}", ("label", label))
        for cluster, name in enumerate(getattr(self, "_clusters", ())):
            self.source.addItem(f"Cluster: {name}", ("cluster", cluster))
        self.source.setCurrentIndex(max(0, self.source.findData(current)))

    def cluster(self) -> int | None:
        chosen = self.source.currentData()
        return chosen[1] if chosen is not None and chosen[0] == "cluster" else None

    def label(self) -> int | None:
        chosen = self.source.currentData()
        return chosen[1] if chosen is not None and chosen[0] == "label" else None

    def _on_new_seed(self) -> None:
        self.seed.setValue(int(np.random.default_rng().integers(0, MAX_SEED)))
        self.sig_sample.emit()


class AttributeBox(QWidget):
    sig_set_a = Signal()
    sig_set_b = Signal()
    sig_save = Signal(str)
    sig_delete = Signal(str)
    sig_apply = Signal()
    """The direction or the strength changed: apply it to the current image."""
    sig_picked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.set_a = QPushButton("Selection A")
        self.set_a.setToolTip("Images that have the attribute (select them on the Map first)")
        self.set_b = QPushButton("Selection B")
        self.set_b.setToolTip("Images that lack it (select them on the Map first)")
        self.name = QLineEdit()
        self.name.setPlaceholderText("Name, e.g. “rounder”")
        self.save = QPushButton("Save direction")
        self.directions = QComboBox()
        self.delete = QPushButton("Delete")
        self.strength = QSlider(Qt.Orientation.Horizontal)
        limit = int(MAX_STRENGTH * STRENGTH_STEPS)
        self.strength.setRange(-limit, limit)
        self.strength.setValue(STRENGTH_STEPS)
        self.strength_label = QLabel()
        self.grid = ImageGrid(columns=ATTRIBUTE_COLUMNS, max_scale=3,
                              placeholder="Save or choose a direction to apply it to the "
                                          "current image.")
        self.grid.setMinimumHeight(80)
        self._build_layout()
        self.set_a.clicked.connect(self.sig_set_a)
        self.set_b.clicked.connect(self.sig_set_b)
        self.save.clicked.connect(self._on_save)
        self.delete.clicked.connect(self._on_delete)
        self.directions.activated.connect(self.sig_apply)
        self.strength.valueChanged.connect(self._on_strength)
        self.grid.sig_image_clicked.connect(self.sig_picked)
        self.set_counts(0, 0)
        self.set_directions(())
        self._on_strength(self.strength.value())

    def _build_layout(self) -> None:
        sides = QHBoxLayout()
        sides.addWidget(self.set_a)
        sides.addWidget(self.set_b)
        naming = QHBoxLayout()
        naming.addWidget(self.name, 1)
        naming.addWidget(self.save)
        chosen = QHBoxLayout()
        chosen.addWidget(self.directions, 1)
        chosen.addWidget(self.delete)
        strength = QHBoxLayout()
        strength.addWidget(self.strength, 1)
        strength.addWidget(self.strength_label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(hint_label("A direction goes from the look of selection B to that of "
                               "selection A; apply it to the current image with a strength."))
        for row in (sides, naming, chosen, strength):
            layout.addLayout(row)
        layout.addWidget(self.grid)

    def set_counts(self, a: int, b: int) -> None:
        self.set_a.setText(f"Selection A ({a})" if a else "Selection A")
        self.set_b.setText(f"Selection B ({b})" if b else "Selection B")
        self._counts = (a, b)
        self.save.setEnabled(a > 0 and b > 0)

    def set_directions(self, names: tuple[str, ...]) -> None:
        current = self.directions.currentText()
        self.directions.clear()
        self.directions.addItems(list(names))
        if current in names:
            self.directions.setCurrentText(current)
        self.directions.setEnabled(bool(names))
        self.delete.setEnabled(bool(names))

    def direction(self) -> str:
        return self.directions.currentText()

    def strength_value(self) -> float:
        return self.strength.value() / STRENGTH_STEPS

    def strengths(self) -> np.ndarray:
        """(ATTRIBUTE_COLUMNS,) strengths from 0 to the slider's value."""
        return np.linspace(0.0, self.strength_value(), ATTRIBUTE_COLUMNS).astype(np.float32)

    def _on_save(self) -> None:
        name = self.name.text().strip()
        if name:
            self.sig_save.emit(name)

    def _on_delete(self) -> None:
        if self.direction():
            self.sig_delete.emit(self.direction())

    def _on_strength(self, value: int) -> None:
        self.strength_label.setText(f"{value / STRENGTH_STEPS:+.2f}")
        self.sig_apply.emit()
