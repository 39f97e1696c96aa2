"""A button that shows a colour swatch and opens a colour dialog."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QColorDialog, QPushButton, QWidget

Rgb = tuple[int, int, int]


class ColorButton(QPushButton):
    sig_color_changed = Signal(object)
    """The new (r, g, b) tuple, each 0..255."""

    def __init__(self, color: Rgb = (255, 255, 255), title: str = "Choose a colour",
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._title = title
        self._color: Rgb = (0, 0, 0)
        self.set_color(color)
        self.clicked.connect(self._on_clicked)

    @classmethod
    def ask(cls, parent: QWidget | None, initial: Rgb, title: str) -> Rgb | None:
        """Ask the user for a colour; None when cancelled. Tests monkeypatch this."""
        chosen = QColorDialog.getColor(QColor(*initial), parent, title)
        return (chosen.red(), chosen.green(), chosen.blue()) if chosen.isValid() else None

    def color(self) -> Rgb:
        return self._color

    def set_color(self, color: Rgb) -> None:
        """Show `color` without emitting sig_color_changed."""
        self._color = (int(color[0]), int(color[1]), int(color[2]))
        swatch = QPixmap(16, 16)
        swatch.fill(QColor(*self._color))
        self.setIcon(QIcon(swatch))
        self.setText(QColor(*self._color).name())

    def _on_clicked(self) -> None:
        chosen = self.ask(self, self._color, self._title)
        if chosen is not None and chosen != self._color:
            self.set_color(chosen)
            self.sig_color_changed.emit(self._color)
