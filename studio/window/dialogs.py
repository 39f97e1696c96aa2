"""The app's small dialogs, each behind an `ask()` classmethod that tests monkeypatch.

Error, unsaved-changes, About and the user guide live here; the file choosers are grouped in
`FileDialogs`. Preferences and the new-project form have their own modules.
"""

from __future__ import annotations

import html
import re
import sys
from pathlib import Path

from PySide6 import __version__ as pyside_version
from PySide6.QtCore import QSize, qVersion
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QMessageBox,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from models.project_files import MODEL_SUFFIX, PROJECT_SUFFIX, with_suffix
from studio import __version__
from studio.contract.project_records import BackendInfo, ErrorRecord
from studio.icons import RESOURCES, app_icon

README = RESOURCES.parent / "README.md"
BUNDLED_GUIDE = RESOURCES / "user_guide.md"


class ErrorDialog:
    @classmethod
    def ask(cls, parent: QWidget | None, record: ErrorRecord) -> None:
        """Show the short message; the details (a traceback, a cause) expand on request."""
        box = QMessageBox(QMessageBox.Icon.Warning, record.title, record.message,
                          QMessageBox.StandardButton.Ok, parent)
        if record.details:
            box.setDetailedText(record.details)
        box.exec()


class UnsavedChangesDialog:
    SAVE, DISCARD, CANCEL = "save", "discard", "cancel"

    @classmethod
    def ask(cls, parent: QWidget | None, project_name: str) -> str:
        """"save", "discard" or "cancel" for a project with unsaved changes."""
        buttons = (QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                   | QMessageBox.StandardButton.Cancel)
        box = QMessageBox(QMessageBox.Icon.Question, "Unsaved changes",
                          f"Save the changes to “{project_name}” before closing?", buttons,
                          parent)
        box.setInformativeText("If you don't save, the changes are lost.")
        box.setDefaultButton(QMessageBox.StandardButton.Save)
        answer = box.exec()
        return {QMessageBox.StandardButton.Save: cls.SAVE,
                QMessageBox.StandardButton.Discard: cls.DISCARD}.get(
            QMessageBox.StandardButton(answer), cls.CANCEL)


def about_html(info: BackendInfo | None) -> str:
    """The About text: what Latentia is and the versions it runs on."""
    backend = ("<tr><td>PyTorch</td><td>{}</td></tr><tr><td>NumPy</td><td>{}</td></tr>"
               "<tr><td>Compute</td><td>{}</td></tr>").format(
        *(html.escape(v) for v in (info.torch_version, info.numpy_version, info.device))
    ) if info is not None else "<tr><td>PyTorch</td><td>still loading…</td></tr>"
    python = sys.version.split()[0]
    return (
        f"<h3>Latentia {html.escape(__version__)}</h3>"
        "<p>A desktop art studio built around a variational autoencoder trained on your own "
        "images.</p>"
        "<table cellspacing='6'>"
        f"<tr><td>Python</td><td>{python}</td></tr>"
        f"<tr><td>PySide6 / Qt</td><td>{pyside_version} / {qVersion()}</td></tr>"
        f"{backend}</table>"
    )


class AboutDialog:
    @classmethod
    def ask(cls, parent: QWidget | None, info: BackendInfo | None) -> None:
        box = QMessageBox(QMessageBox.Icon.NoIcon, "About Latentia", about_html(info),
                          QMessageBox.StandardButton.Ok, parent)
        box.setIconPixmap(app_icon().pixmap(64, 64))
        box.exec()


def user_guide_markdown() -> str:
    """The "User guide" section of the README, or the guide shipped in resources/."""
    if README.is_file():
        text = README.read_text(encoding="utf-8")
        match = re.search(r"^(#{1,3}) User guide\s*$", text, flags=re.MULTILINE | re.IGNORECASE)
        if match:
            level = len(match.group(1))
            rest = text[match.end():]
            end = re.search(rf"^#{{1,{level}}} ", rest, flags=re.MULTILINE)
            return "# User guide\n" + (rest[: end.start()] if end else rest)
    return BUNDLED_GUIDE.read_text(encoding="utf-8")


class UserGuideDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Latentia user guide")
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        self.browser.setMarkdown(user_guide_markdown())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)

    def sizeHint(self) -> QSize:
        return QSize(720, 640)

    @classmethod
    def ask(cls, parent: QWidget | None) -> None:
        cls(parent).exec()


class FileDialogs:
    """File and folder choosers; each returns a path or None when the user cancels."""

    @classmethod
    def image_folder(cls, parent: QWidget | None, start: str) -> str | None:
        folder = QFileDialog.getExistingDirectory(parent, "New project from a folder of images",
                                                  start)
        return folder or None

    @classmethod
    def open_project(cls, parent: QWidget | None, start: str) -> str | None:
        """A *.latentia folder (entering it opens it) or a *.latentia-model file."""
        dialog = QFileDialog(parent, "Open project", start,
                             f"Latentia projects and models (*{PROJECT_SUFFIX} *{MODEL_SUFFIX} "
                             "project.json)")
        dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
        dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        entered: list[str] = []

        def on_directory_entered(path: str) -> None:
            if path.endswith(PROJECT_SUFFIX):  # a project is a folder: entering it picks it
                entered.append(path)
                dialog.accept()

        dialog.directoryEntered.connect(on_directory_entered)
        if not dialog.exec():
            return None
        chosen = Path(entered[-1] if entered else dialog.selectedFiles()[0])
        return str(chosen.parent if chosen.name == "project.json" else chosen)

    @classmethod
    def save_project_as(cls, parent: QWidget | None, suggested: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(parent, "Save project as", suggested,
                                              f"Latentia project (*{PROJECT_SUFFIX})")
        return with_suffix(path, PROJECT_SUFFIX) if path else None

    @classmethod
    def export_model(cls, parent: QWidget | None, suggested: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(parent, "Export model", suggested,
                                              f"Latentia model (*{MODEL_SUFFIX})")
        return with_suffix(path, MODEL_SUFFIX) if path else None
