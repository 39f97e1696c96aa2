"""Edit > Preferences: the user-facing rows of studio.settings.SETTINGS."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models.config import FIT_MODES, RESOLUTION_PRESETS
from studio.settings import COLOR_SCHEMES, Settings
from studio.window.new_project_dialog import FIT_LABELS

SCHEME_LABELS = {"system": "Follow the system", "light": "Light", "dark": "Dark"}


class PreferencesDialog(QDialog):
    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self._settings = settings
        self.scheme_combo = QComboBox()
        for scheme in COLOR_SCHEMES:
            self.scheme_combo.addItem(SCHEME_LABELS[scheme], scheme)
        self.folder_edit = QLineEdit()
        self.folder_button = QPushButton("Browse…")
        self.size_combo = QComboBox()
        for size in RESOLUTION_PRESETS:
            self.size_combo.addItem(f"{size} × {size} pixels", size)
        self.fit_combo = QComboBox()
        for fit in FIT_MODES:
            self.fit_combo.addItem(FIT_LABELS[fit], fit)
        self.reopen_check = QCheckBox("Open the most recent project when Latentia starts")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        self._build_layout(buttons)
        self._load()
        self.folder_button.clicked.connect(self._on_browse)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

    def _build_layout(self, buttons: QDialogButtonBox) -> None:
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.folder_edit, 1)
        folder_row.addWidget(self.folder_button)
        form = QFormLayout()
        form.addRow("Appearance:", self.scheme_combo)
        form.addRow("New projects go in:", folder_row)
        form.addRow("Image size of new projects:", self.size_combo)
        form.addRow("Square images:", self.fit_combo)
        form.addRow("", self.reopen_check)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addStretch(1)
        layout.addWidget(buttons)
        self.setMinimumWidth(560)

    def _load(self) -> None:
        s = self._settings
        self.scheme_combo.setCurrentIndex(max(0, self.scheme_combo.findData(
            s.get("appearance/color_scheme"))))
        self.folder_edit.setText(s.projects_folder())
        self.size_combo.setCurrentIndex(max(0, self.size_combo.findData(
            s.get("projects/image_size"))))
        self.fit_combo.setCurrentIndex(max(0, self.fit_combo.findData(s.get("projects/fit"))))
        self.reopen_check.setChecked(s.get("startup/reopen_last"))

    def save(self) -> None:
        s = self._settings
        s.set("appearance/color_scheme", self.scheme_combo.currentData())
        s.set("projects/folder", self.folder_edit.text().strip())
        s.set("projects/image_size", int(self.size_combo.currentData()))
        s.set("projects/fit", self.fit_combo.currentData())
        s.set("startup/reopen_last", self.reopen_check.isChecked())

    def _on_browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Where new projects go",
                                                  self.folder_edit.text())
        if folder:
            self.folder_edit.setText(folder)

    @classmethod
    def ask(cls, parent: QWidget | None, settings: Settings) -> bool:
        """Show the dialog; True (and the settings written) when the user pressed OK."""
        dialog = cls(settings, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        dialog.save()
        return True
