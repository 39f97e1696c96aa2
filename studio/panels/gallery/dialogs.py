"""The Gallery's small dialogs, each behind an `ask()` classmethod that tests monkeypatch:
file choosers, the overwrite question and the Regenerate dialog."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from studio.contract.gallery_records import RegenerateRequest
from studio.panels.gallery.export_form import FORMAT_TITLES, SUFFIXES

_FILTERS = {"png": "PNG image (*.png)", "sheet": "PNG image (*.png)", "gif": "GIF (*.gif)",
            "webp": "WebP (*.webp)", "apng": "Animated PNG (*.png *.apng)",
            "mp4": "MP4 video (*.mp4)"}


class ExportPathDialog:
    @classmethod
    def ask(cls, parent: QWidget | None, fmt: str, suggested: str) -> str | None:
        """Where to write a `fmt` export, or None. Replacing is confirmed later, by us, so the
        sidecar and frame folders are covered too."""
        if fmt == "frames_dir":
            folder = QFileDialog.getExistingDirectory(
                parent, "Choose the folder that will hold the frames folder",
                str(Path(suggested).parent))
            return str(Path(folder) / Path(suggested).name) if folder else None
        path, _ = QFileDialog.getSaveFileName(
            parent, f"Export as {FORMAT_TITLES[fmt]}", suggested, _FILTERS[fmt],
            options=QFileDialog.Option.DontConfirmOverwrite)
        if path and SUFFIXES[fmt] and not Path(path).suffix:
            path += SUFFIXES[fmt]
        return path or None


class OverwriteDialog:
    @classmethod
    def ask(cls, parent: QWidget | None, existing: tuple[str, ...]) -> bool:
        """True when the user agrees to replace the `existing` files or folder."""
        names = "\n".join(existing)
        box = QMessageBox(QMessageBox.Icon.Warning, "Replace existing files?",
                          f"These already exist and would be replaced:\n\n{names}",
                          QMessageBox.StandardButton.Cancel, parent)
        replace = box.addButton("Replace", QMessageBox.ButtonRole.DestructiveRole)
        box.setDefaultButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is replace


class RemixFileDialog:
    @classmethod
    def ask(cls, parent: QWidget | None, start_dir: str = "") -> str | None:
        path, _ = QFileDialog.getOpenFileName(
            parent, "Find an exported image on the map", start_dir, "PNG images (*.png)")
        return path or None


def higher_resolution_note(image_size: int) -> str:
    return (f"This project's model makes {image_size} px images only: a higher resolution "
            "needs a project trained at that size. To get larger files, export with a scale "
            "(up to 8×, crisp or smooth).")


class RegenerateDialog(QDialog):
    """Decode the selected items again with the current model; honest about resolutions."""

    def __init__(self, item_ids: tuple[str, ...], names: list[str], image_size: int,
                 trained_steps: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Regenerate with the current model")
        self._item_ids = item_ids
        which = f"“{names[0]}”" if len(names) == 1 else f"{len(names)} items"
        intro = QLabel(f"Decode {which} again with the model as it is now "
                       f"({trained_steps:,} training steps). Their latent codes stay the same; "
                       "the frames show what the model makes of them today. You can undo it.")
        intro.setWordWrap(True)
        self.resolution = QComboBox()
        options = QStandardItemModel(self.resolution)
        options.appendRow(QStandardItem(f"{image_size} px (the model's resolution)"))
        higher = QStandardItem("Higher resolution — not available")
        higher.setFlags(higher.flags() & ~Qt.ItemFlag.ItemIsEnabled)
        higher.setToolTip(higher_resolution_note(image_size))
        options.appendRow(higher)
        self.resolution.setModel(options)
        self.resolution.setToolTip(higher_resolution_note(image_size))
        self.note = QLabel(higher_resolution_note(image_size))
        self.note.setWordWrap(True)
        form = QFormLayout()
        form.addRow("Resolution:", self.resolution)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Regenerate")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(buttons)

    def request(self) -> RegenerateRequest:
        return RegenerateRequest(self._item_ids)

    @classmethod
    def ask(cls, parent: QWidget | None, item_ids: tuple[str, ...], names: list[str],
            image_size: int, trained_steps: int) -> RegenerateRequest | None:
        dialog = cls(item_ids, names, image_size, trained_steps, parent)
        return dialog.request() if dialog.exec() == QDialog.DialogCode.Accepted else None
