"""The Train settings form's choices and small widget builders (also used by the New project
dialog): what each combo offers, and spin boxes, combos and form layouts built alike."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QGroupBox, QSpinBox

from models.config import TrainConfig

FIT_CHOICES = (("Crop to square (centre)", "crop"), ("Pad to square", "pad"))
AUGMENT_CHOICES = (("Auto (small folders only)", "auto"), ("On", "on"), ("Off", "off"))
DEVICE_CHOICES = (("Auto (best available)", "auto"), ("CPU", "cpu"),
                  ("NVIDIA GPU (CUDA)", "cuda"), ("Apple GPU (MPS)", "mps"))
LENGTH_CHOICES = (("Epochs", "epochs"), ("Minutes", "minutes"))
LABEL_CHOICES = (("No labels", "none"), ("Each subfolder is a label", "folders"),
                 ("Each subfolder path is a label", "paths"))
STYLE_MAPS_TIP = ("When training ends, move each label's codes onto one shared spread, so that "
                  "the style holds nothing of the label: cleaner redraws and samples. A label "
                  "with fewer images than the latent size keeps its codes as they are.")
MANUAL_LABELS = ("Labels named on the Map", "manual")  # shown for such a project only
DEFAULT_MINUTES = 30


def make_combo(choices: tuple[tuple[str, object], ...], tooltip: str) -> QComboBox:
    combo = QComboBox()
    for label, value in choices:
        combo.addItem(label, value)
    combo.setToolTip(tooltip)
    return combo


def make_style_maps_check() -> QCheckBox:
    """The "Label-free styles" box (`TrainConfig.style_maps`), checked as the setting's default."""
    check = QCheckBox("Label-free styles")
    check.setToolTip(STYLE_MAPS_TIP)
    check.setChecked(TrainConfig.style_maps)
    return check


def select_data(combo: QComboBox, value: object) -> None:
    index = combo.findData(value)
    if index >= 0:
        combo.setCurrentIndex(index)


def make_spin(low: int, high: int, value: int, tooltip: str, step: int = 1) -> QSpinBox:
    spin = QSpinBox()
    spin.setRange(low, high)
    spin.setSingleStep(step)
    spin.setValue(value)
    spin.setToolTip(tooltip)
    return spin


def group_form(box: QGroupBox) -> QFormLayout:
    form = QFormLayout(box)
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    return form
