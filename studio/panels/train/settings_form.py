"""The training settings: image options, model size and how training runs.

The form turns its widgets into the frozen config records the backend takes (IngestConfig,
VAEConfig, TrainConfig, ProjectConfig). Fields it does not show keep the values of the config it
was last loaded from, so continuing a project never silently resets them.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from models.config import (
    FOLDER_LABEL_SOURCES,
    LABELLED_LATENT_DIM,
    RESOLUTION_PRESETS,
    IngestConfig,
    LabelConfig,
    ProjectConfig,
    TrainConfig,
    VAEConfig,
)
from studio.panels.train.beta_control import BetaControl
from studio.panels.train.form_widgets import (
    AUGMENT_CHOICES,
    DEFAULT_MINUTES,
    DEVICE_CHOICES,
    FIT_CHOICES,
    LABEL_CHOICES,
    LENGTH_CHOICES,
    MANUAL_LABELS,
    group_form,
    make_combo,
    make_spin,
    make_style_maps_check,
    select_data,
)
from studio.widgets.collapsible import CollapsibleSection
from studio.widgets.color_button import ColorButton


class TrainSettingsForm(QWidget):
    sig_ingest_changed = Signal()
    """An image option changed (resolution, fit, background, transparency): previews are stale."""
    sig_settings_changed = Signal()
    """Any setting changed: the time estimate is stale."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._base = ProjectConfig()
        self._minutes = DEFAULT_MINUTES
        self._epochs = self._base.train.epochs or 40
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self._images_box = self._build_images_group()
        self._model_box = self._build_model_group()
        self._training_box = self._build_training_group()
        self._advanced = self._build_advanced()
        for part in (self._images_box, self._model_box, self._training_box, self._advanced):
            layout.addWidget(part)
        self._locked_note = QLabel("Image options, latent size and labels are fixed once a "
                                   "project is created; training settings apply when you "
                                   "continue.")
        self._locked_note.setWordWrap(True)
        self._locked_note.hide()
        layout.insertWidget(0, self._locked_note)
        self._connect_signals()
        self.load_project_config(self._base)

    # --- building ---------------------------------------------------------------------------
    def _build_images_group(self) -> QGroupBox:
        box = QGroupBox("Images")
        form = group_form(box)
        self.resolution = make_combo(tuple((f"{s} × {s} px", s) for s in RESOLUTION_PRESETS),
                                 "Size of the square images the model learns. Larger images "
                                 "show more detail but train roughly 4× slower per step up.")
        self.fit = make_combo(FIT_CHOICES, "Crop keeps the subject large; pad keeps the whole "
                                       "picture and fills the sides with the background colour.")
        self.background = ColorButton(title="Background under transparent areas")
        self.background.setToolTip("Colour under transparent areas and padding (used when "
                                   "transparency is not kept).")
        self.keep_alpha = QCheckBox("Keep transparency (RGBA)")
        self.keep_alpha.setToolTip("Train on the alpha channel too, so generated images can "
                                   "have transparent backgrounds.")
        form.addRow("Resolution", self.resolution)
        form.addRow("Fit", self.fit)
        form.addRow("Background", self.background)
        form.addRow(self.keep_alpha)
        return box

    def _build_model_group(self) -> QGroupBox:
        box = QGroupBox("Model")
        form = group_form(box)
        self.latent_dim = make_spin(2, 1024, VAEConfig.latent_dim,
                                "Numbers the model uses to describe one image. More can "
                                "capture more variety but need more images to fill. With "
                                f"labels the code holds only the style: {LABELLED_LATENT_DIM} "
                                "by default.", 16)
        form.addRow("Latent size", self.latent_dim)
        self.labels = make_combo(LABEL_CHOICES, "Condition on labels: the model then draws any "
                             "image as any label (style transfer). Subfolders name the labels "
                             "(nested ones by the top folder or by their whole path); images "
                             "outside them are unlabelled. Fewer than two subfolders: no labels. "
                             f"Choosing labels turns a latent size of {VAEConfig.latent_dim} into "
                             f"{LABELLED_LATENT_DIM}.")
        form.addRow("Labels", self.labels)
        self.style_maps = make_style_maps_check()
        form.addRow(self.style_maps)
        return box

    def _build_training_group(self) -> QGroupBox:
        box = QGroupBox("Training")
        form = group_form(box)
        self.length_mode = make_combo(LENGTH_CHOICES, "Train for a number of passes over the "
                                                  "images (epochs) or for a time budget.")
        self.length = make_spin(1, 100_000, self._epochs, "How long to train.")
        self.beta = BetaControl()
        self.augment = make_combo(AUGMENT_CHOICES, "Random flips and small shifts make a small "
                              "folder go further. Auto uses them under 5,000 images.")
        self.device = make_combo(DEVICE_CHOICES, "Where training runs. Auto picks a CUDA or Apple "
                                             "GPU when there is one, otherwise the CPU.")
        self.seed = make_spin(0, 2**31 - 1, 0, "Same seed + same settings = the same model.")
        form.addRow("Train by", self.length_mode)
        form.addRow("Length", self.length)
        form.addRow(QLabel("Quality vs variety (β)"))
        form.addRow(self.beta)
        form.addRow("Augmentation", self.augment)
        form.addRow("Device", self.device)
        form.addRow("Seed", self.seed)
        return box

    def _build_advanced(self) -> CollapsibleSection:
        content = QWidget()
        form = QFormLayout(content)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.batch_size = make_spin(1, 1024, 32, "Images per step. Small batches suit CPUs.")
        self.learning_rate = QDoubleSpinBox()
        self.learning_rate.setDecimals(5)
        self.learning_rate.setRange(1e-5, 1e-1)
        self.learning_rate.setSingleStep(1e-4)
        self.learning_rate.setToolTip("Peak AdamW learning rate (warm-up, then cosine decay).")
        self.free_bits = QDoubleSpinBox()
        self.free_bits.setRange(0.0, 5.0)
        self.free_bits.setSingleStep(0.05)
        self.free_bits.setToolTip("Nats per latent dimension that are not penalised (0 = off). "
                                  "A small value such as 0.1 prevents posterior collapse "
                                  "(Kingma et al. 2016).")
        self.kl_warmup = make_spin(0, 1_000_000, 1000, "Steps over which the KL weight ramps up "
                               "from 0, which avoids collapse early in training.", 100)
        form.addRow("Batch size", self.batch_size)
        form.addRow("Learning rate", self.learning_rate)
        form.addRow("Free bits", self.free_bits)
        form.addRow("KL warm-up steps", self.kl_warmup)
        return CollapsibleSection("Advanced", content)

    def _connect_signals(self) -> None:
        for combo in (self.resolution, self.fit):
            combo.currentIndexChanged.connect(self._on_ingest_edited)
        self.keep_alpha.toggled.connect(self._on_ingest_edited)
        self.background.sig_color_changed.connect(self._on_ingest_edited)
        self.length_mode.currentIndexChanged.connect(self._on_length_mode_changed)
        for spin in (self.latent_dim, self.length, self.seed, self.batch_size, self.kl_warmup):
            spin.valueChanged.connect(self._on_setting_edited)
        for double in (self.learning_rate, self.free_bits):
            double.valueChanged.connect(self._on_setting_edited)
        for combo in (self.augment, self.device):
            combo.currentIndexChanged.connect(self._on_setting_edited)
        self.beta.sig_value_changed.connect(self._on_setting_edited)
        self.labels.currentIndexChanged.connect(self._on_labels_changed)
        self.style_maps.toggled.connect(self._on_setting_edited)

    # --- configs ----------------------------------------------------------------------------
    def ingest_config(self) -> IngestConfig:
        return self._base.ingest.replace(
            image_size=int(self.resolution.currentData()), fit=str(self.fit.currentData()),
            background=self.background.color(), keep_alpha=self.keep_alpha.isChecked())

    def vae_config(self) -> VAEConfig:
        ingest = self.ingest_config()
        return self._base.vae.replace(image_size=ingest.image_size, channels=ingest.channels,
                                      latent_dim=self.latent_dim.value())

    def train_config(self) -> TrainConfig:
        by_minutes = self.length_mode.currentData() == "minutes"
        return self._base.train.replace(
            epochs=None if by_minutes else self.length.value(),
            minutes=float(self.length.value()) if by_minutes else None,
            beta=self.beta.value(), augment=str(self.augment.currentData()),
            device=str(self.device.currentData()), seed=self.seed.value(),
            batch_size=self.batch_size.value(), learning_rate=self.learning_rate.value(),
            free_bits=self.free_bits.value(), kl_warmup_steps=self.kl_warmup.value(),
            style_maps=self.style_maps.isChecked())  # kept, and ignored, without labels

    def label_config(self) -> LabelConfig:
        """A project's own labels once it has them; else where a new project reads them."""
        if self._base.labels.names:
            return self._base.labels
        return self._base.labels.replace(source=str(self.labels.currentData()), names=())

    def project_config(self) -> ProjectConfig:
        return ProjectConfig(ingest=self.ingest_config(), vae=self.vae_config(),
                             train=self.train_config(), labels=self.label_config())

    def load_project_config(self, config: ProjectConfig) -> None:
        """Show `config` (e.g. of an opened project) without emitting change signals."""
        self._base = config
        widgets = [self.resolution, self.fit, self.background, self.keep_alpha, self.latent_dim,
                   self.labels, self.style_maps,
                   self.length_mode, self.length, self.beta, self.augment, self.device, self.seed,
                   self.batch_size, self.learning_rate, self.free_bits, self.kl_warmup]
        for widget in widgets:
            widget.blockSignals(True)
        self._show_config(config)
        for widget in widgets:
            widget.blockSignals(False)
        self._update_enabled()

    def _show_config(self, config: ProjectConfig) -> None:
        ingest, vae, train = config.ingest, config.vae, config.train
        select_data(self.resolution, ingest.image_size)
        select_data(self.fit, ingest.fit)
        self.background.set_color(ingest.background)
        self.keep_alpha.setChecked(ingest.keep_alpha)
        self.latent_dim.setValue(vae.latent_dim)
        manual = self.labels.findData(MANUAL_LABELS[1])
        if config.labels.source == MANUAL_LABELS[1] and manual < 0:
            self.labels.addItem(*MANUAL_LABELS)
        elif config.labels.source != MANUAL_LABELS[1] and manual >= 0:
            self.labels.removeItem(manual)
        select_data(self.labels, config.labels.source)
        self.style_maps.setChecked(config.train.style_maps)
        by_minutes = train.minutes is not None
        select_data(self.length_mode, "minutes" if by_minutes else "epochs")
        self._minutes = round(train.minutes) if by_minutes else self._minutes
        self._epochs = train.epochs if train.epochs is not None else self._epochs
        self.length.setValue(self._minutes if by_minutes else self._epochs)
        self.beta.set_value(train.beta)
        select_data(self.augment, train.augment)
        select_data(self.device, train.device)
        self.seed.setValue(train.seed)
        self.batch_size.setValue(train.batch_size)
        self.learning_rate.setValue(train.learning_rate)
        self.free_bits.setValue(train.free_bits)
        self.kl_warmup.setValue(train.kl_warmup_steps)

    # --- locking ----------------------------------------------------------------------------
    def set_project_locked(self, locked: bool) -> None:
        """Lock what a created project fixes: image options and the network's shape."""
        self._images_box.setEnabled(not locked)
        self.latent_dim.setEnabled(not locked)
        self.labels.setEnabled(not locked)
        self._locked_note.setVisible(locked)

    def set_training_locked(self, locked: bool) -> None:
        """While training runs nothing can change."""
        self.setEnabled(not locked)

    # --- slots ------------------------------------------------------------------------------
    def _on_ingest_edited(self, *_: object) -> None:
        self._update_enabled()
        self.sig_ingest_changed.emit()
        self.sig_settings_changed.emit()

    def _on_setting_edited(self, *_: object) -> None:
        if self.length_mode.currentData() == "minutes":
            self._minutes = self.length.value()
        else:
            self._epochs = self.length.value()
        self.sig_settings_changed.emit()

    def _on_labels_changed(self, *_: object) -> None:
        """A labelled model's code holds only the style, so a new project's latent size
        follows the labels choice while it is at the other choice's default."""
        labelled = self.labels.currentData() in FOLDER_LABEL_SOURCES
        defaults = (VAEConfig.latent_dim, LABELLED_LATENT_DIM)  # unlabelled, labelled
        if self.latent_dim.value() == defaults[not labelled]:
            self.latent_dim.setValue(defaults[labelled])
        self._update_enabled()
        self.sig_settings_changed.emit()

    def _labelled(self) -> bool:
        return self.labels.currentData() != "none"

    def _on_length_mode_changed(self, *_: object) -> None:
        by_minutes = self.length_mode.currentData() == "minutes"
        self.length.blockSignals(True)
        self.length.setValue(self._minutes if by_minutes else self._epochs)
        self.length.setSuffix(" min" if by_minutes else " epochs")
        self.length.blockSignals(False)
        self.sig_settings_changed.emit()

    def _update_enabled(self) -> None:
        self.background.setEnabled(not self.keep_alpha.isChecked())
        self.style_maps.setEnabled(self._labelled())  # for any run of a labelled model
        by_minutes = self.length_mode.currentData() == "minutes"
        self.length.setSuffix(" min" if by_minutes else " epochs")
