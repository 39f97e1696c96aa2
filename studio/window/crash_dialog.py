"""The dialog for an unexpected error (studio.crash reports it): what happened, that nothing
is lost, the details with a button to copy them, and where the log file is."""

from __future__ import annotations

import html
from pathlib import Path

from PySide6.QtCore import QUrl
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)


class CrashDialog(QDialog):
    """Says what happened and that work is safe; offers the details, a copy button and the log."""

    def __init__(self, details: str, log_path: Path | None, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Latentia: unexpected error")
        self.details = details
        where = (f"The details are also in the log file:<br><code>{html.escape(str(log_path))}"
                 "</code>" if log_path else "No log file could be written; copy the details below.")
        summary = details.strip().splitlines()[-1]
        message = QLabel(
            f"<b>Something went wrong:</b> {html.escape(summary)}<br><br>What you were doing was "
            "interrupted, but nothing is lost: your project stays as its last save or "
            f"checkpoint left it, and you can keep working.<br><br>{where}")
        message.setWordWrap(True)
        message.setTextInteractionFlags(message.textInteractionFlags()
                                        | message.textInteractionFlags().TextSelectableByMouse)
        text = QPlainTextEdit(details)
        text.setReadOnly(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.copy_button = QPushButton("Copy details")
        self.copy_button.clicked.connect(self._on_copy)
        buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        if log_path is not None:
            folder = buttons.addButton("Open log folder", QDialogButtonBox.ButtonRole.ActionRole)
            folder.clicked.connect(
                lambda: QDesktopServices.openUrl(QUrl.fromLocalFile(str(log_path.parent))))
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(message)
        layout.addWidget(text)
        layout.addWidget(buttons)
        self.resize(720, 480)

    def _on_copy(self) -> None:
        QGuiApplication.clipboard().setText(self.details)
        self.copy_button.setText("Copied")

    @classmethod
    def ask(cls, parent: QWidget | None, details: str, log_path: Path | None) -> None:
        cls(details, log_path, parent).exec()
