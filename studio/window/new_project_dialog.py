"""The "new project from a folder" form: where the project goes and how images are prepared.

Image size, square fit, transparency and labels (read from the subfolders) are fixed when the
images are ingested, so they are asked here; everything about the network and training is
chosen later on the Train tab.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from models.config import (
    FIT_MODES,
    FOLDER_LABEL_SOURCES,
    RESOLUTION_PRESETS,
    IngestConfig,
    LabelConfig,
    ProjectConfig,
    TrainConfig,
    VAEConfig,
    default_latent_dim,
)
from models.project_files import PROJECT_SUFFIX, free_project_path
from studio.panels.train.form_widgets import LABEL_CHOICES, make_combo, make_style_maps_check
from studio.settings import Settings

SIZE_NOTES = {32: "fastest, icons and tiny sprites", 64: "recommended, trains quickly on a CPU",
              128: "more detail, best with a GPU", 256: "needs a GPU and thousands of images"}
FIT_LABELS = {"crop": "Crop the centre to a square", "pad": "Pad the borders to a square"}


@dataclass(frozen=True)
class NewProjectChoice:
    folder: str
    project_path: str
    config: ProjectConfig


def _subfolder_count(folder: str) -> int:
    """Visible subfolders directly in `folder` (0 when it cannot be listed)."""
    try:
        return sum(1 for p in Path(folder).iterdir() if p.is_dir() and not p.name.startswith("."))
    except OSError:
        return 0


class NewProjectDialog(QDialog):
    def __init__(self, folder: str, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New project")
        self._folder = folder
        self._settings = settings
        default = free_project_path(settings.projects_folder(),
                                      Path(folder).name or "Untitled")
        self.name_edit = QLineEdit(default.name.removesuffix(PROJECT_SUFFIX))
        self.location_edit = QLineEdit(str(default.parent))
        self.browse_button = QPushButton("Browse…")
        self.size_combo = QComboBox()
        for size in RESOLUTION_PRESETS:
            self.size_combo.addItem(f"{size} × {size} pixels — {SIZE_NOTES[size]}", size)
        self.size_combo.setCurrentIndex(max(0, self.size_combo.findData(
            settings.get("projects/image_size"))))
        self.fit_combo = QComboBox()
        for fit in FIT_MODES:
            self.fit_combo.addItem(FIT_LABELS[fit], fit)
        self.fit_combo.setCurrentIndex(max(0, self.fit_combo.findData(
            settings.get("projects/fit"))))
        self.alpha_check = QCheckBox("Keep transparency (RGBA)")
        self.alpha_check.setToolTip("Off: transparent areas become white, like paper.")
        subfolders = _subfolder_count(folder)
        self.labels_combo = make_combo(LABEL_CHOICES, (
            "Condition on labels: the model can then draw any image as any label (style "
            "transfer). Nested subfolders count by their top folder or by their whole path."
            if subfolders >= 2 else "Labels come from subfolders; this folder has fewer than two."))
        self.labels_combo.setEnabled(subfolders >= 2)
        self.style_maps_check = make_style_maps_check()
        self.path_label = QLabel()
        self.path_label.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.create_button = self.buttons.addButton("Create project",
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self._build_layout()
        self.name_edit.textChanged.connect(self._update_path)
        self.location_edit.textChanged.connect(self._update_path)
        self.browse_button.clicked.connect(self._on_browse)
        self.labels_combo.currentIndexChanged.connect(self._update_style_maps)
        self._update_style_maps()
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self._update_path()

    def _build_layout(self) -> None:
        intro = QLabel(f"Images from <b>{self._folder}</b> are read once and stored in the "
                       "project at the size chosen here.")
        intro.setWordWrap(True)
        location_row = QHBoxLayout()
        location_row.addWidget(self.location_edit, 1)
        location_row.addWidget(self.browse_button)
        form = QFormLayout()
        form.addRow("Name:", self.name_edit)
        form.addRow("Location:", location_row)
        form.addRow("Image size:", self.size_combo)
        form.addRow("Square images:", self.fit_combo)
        form.addRow("", self.alpha_check)
        form.addRow("Labels:", self.labels_combo)
        form.addRow("", self.style_maps_check)
        form.addRow("", self.path_label)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(560)

    def project_path(self) -> Path:
        return Path(self.location_edit.text().strip()) / (self.name_edit.text().strip()
                                                          + PROJECT_SUFFIX)

    def choice(self) -> NewProjectChoice:
        ingest = IngestConfig(image_size=int(self.size_combo.currentData()),
                              keep_alpha=self.alpha_check.isChecked(),
                              fit=str(self.fit_combo.currentData()))
        source = str(self.labels_combo.currentData())
        train = TrainConfig(style_maps=self.style_maps_check.isChecked())  # ignored unlabelled
        vae = VAEConfig(latent_dim=default_latent_dim(source))
        return NewProjectChoice(self._folder, str(self.project_path()), ProjectConfig(
            ingest=ingest, vae=vae, train=train, labels=LabelConfig(source)))

    def _update_style_maps(self, *_: object) -> None:
        self.style_maps_check.setEnabled(self.labels_combo.currentData() in FOLDER_LABEL_SOURCES)

    def _problem(self) -> str:
        name = self.name_edit.text().strip()
        if not name or not self.location_edit.text().strip():
            return "Give the project a name and a location."
        if any(sep in name for sep in "/\\"):
            return "The name cannot contain / or \\."
        if self.project_path().exists():
            return "A project with this name already exists there."
        return ""

    def _update_path(self) -> None:
        problem = self._problem()
        self.path_label.setText(problem or f"Will be created as {self.project_path()}")
        self.create_button.setEnabled(not problem)

    def _on_browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Where to create the project",
                                                  self.location_edit.text())
        if folder:
            self.location_edit.setText(folder)

    def _remember(self, choice: NewProjectChoice) -> None:
        self._settings.set("projects/image_size", choice.config.ingest.image_size)
        self._settings.set("projects/fit", choice.config.ingest.fit)

    @classmethod
    def ask(cls, parent: QWidget | None, folder: str,
            settings: Settings) -> NewProjectChoice | None:
        dialog = cls(folder, settings, parent)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        choice = dialog.choice()
        dialog._remember(choice)
        return choice
