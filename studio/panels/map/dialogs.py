"""Small questions the Map and Canvas ask: a name, a yes/no. Tests monkeypatch `ask()`."""

from __future__ import annotations

from PySide6.QtWidgets import QInputDialog, QLineEdit, QMessageBox, QWidget


class NameDialog:
    @classmethod
    def ask(cls, parent: QWidget | None, title: str, label: str, text: str = "") -> str | None:
        """The name typed (stripped), or None when cancelled or left blank."""
        name, ok = QInputDialog.getText(parent, title, label, QLineEdit.EchoMode.Normal, text)
        name = name.strip()
        return name if ok and name else None


class ConfirmDialog:
    @classmethod
    def ask(cls, parent: QWidget | None, title: str, text: str, action: str) -> bool:
        """True when the person confirms `action` (the label of the accepting button)."""
        box = QMessageBox(QMessageBox.Icon.Question, title, text, parent=parent)
        confirm = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.exec()
        return box.clickedButton() is confirm
