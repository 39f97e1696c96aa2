"""The paths saved in the project: save the current one, open, rename, delete (asking for
names and confirmation here, so the signals carry decisions)."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QGridLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from studio.panels.map.dialogs import ConfirmDialog, NameDialog


class PathsBox(QWidget):
    sig_save = Signal(str)
    """Save the path on the map under this name."""
    sig_open = Signal(str)
    sig_rename = Signal(str, str)
    """(old name, new name)."""
    sig_delete = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget()
        self.list.setToolTip("Paths saved in this project; double-click one to open it.")
        self.list.setMaximumHeight(120)
        self.save = QPushButton("Save…")
        self.save.setToolTip("Save the path on the map in the project, under a name")
        self.open = QPushButton("Open")
        self.rename = QPushButton("Rename…")
        self.delete = QPushButton("Delete…")
        buttons = QGridLayout()  # two by two: the column beside the map is narrow
        for number, button in enumerate((self.save, self.open, self.rename, self.delete)):
            buttons.addWidget(button, number // 2, number % 2)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        self._path_name = ""  # the name of the path on the map, if it has one
        self.save.clicked.connect(self._on_save)
        self.open.clicked.connect(self._on_open)
        self.rename.clicked.connect(self._on_rename)
        self.delete.clicked.connect(self._on_delete)
        self.list.itemDoubleClicked.connect(self._on_double_clicked)
        self.list.currentItemChanged.connect(self._update_buttons)
        self.set_can_save(False)
        self._update_buttons()

    def set_names(self, names: tuple[str, ...]) -> None:
        current = self.current_name()
        self.list.clear()
        self.list.addItems(list(names))
        matches = self.list.findItems(current, Qt.MatchFlag.MatchExactly) if current else []
        if matches:
            self.list.setCurrentItem(matches[0])
        self._update_buttons()

    def names(self) -> list[str]:
        return [self.list.item(row).text() for row in range(self.list.count())]

    def select(self, name: str) -> None:
        matches = self.list.findItems(name, Qt.MatchFlag.MatchExactly)
        if matches:
            self.list.setCurrentItem(matches[0])

    def current_name(self) -> str:
        item = self.list.currentItem()
        return item.text() if item is not None else ""

    def set_can_save(self, can_save: bool, path_name: str = "") -> None:
        self.save.setEnabled(can_save)
        self._path_name = path_name

    def _on_save(self) -> None:
        suggested = self._path_name or f"Path {self.list.count() + 1}"
        name = NameDialog.ask(self, "Save path", "Name of the path:", suggested)
        if name:
            self.sig_save.emit(name)

    def _on_open(self) -> None:
        if self.current_name():
            self.sig_open.emit(self.current_name())

    def _on_rename(self) -> None:
        old = self.current_name()
        new = NameDialog.ask(self, "Rename path", "New name of the path:", old) if old else None
        if new and new != old:
            self.sig_rename.emit(old, new)

    def _on_delete(self) -> None:
        name = self.current_name()
        if name and ConfirmDialog.ask(self, "Delete path", f"Delete the saved path “{name}”?",
                                      "Delete"):
            self.sig_delete.emit(name)

    def _on_double_clicked(self, item: QListWidgetItem) -> None:
        self.sig_open.emit(item.text())

    def _update_buttons(self, *_args) -> None:
        chosen = bool(self.current_name())
        for button in (self.open, self.rename, self.delete):
            button.setEnabled(chosen)
