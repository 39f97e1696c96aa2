"""Sending what the Canvas shows to the gallery: the current frame, the picked frames, or the
whole animation, under a name."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QLineEdit, QPushButton, QVBoxLayout, QWidget

from studio.widgets.hint import hint_label


class GalleryBox(QWidget):
    sig_add = Signal(str)
    """What to add: "frame", "picked" or "animation"."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = QLineEdit()
        self.name.setPlaceholderText("Name (optional)")
        self.add_frame = QPushButton("Add current frame")
        self.add_picked = QPushButton("Add picked frames")
        self.add_picked.setToolTip("Ctrl- or Shift-click frames in the filmstrip to pick them")
        self.add_animation = QPushButton("Add animation")
        self.note = hint_label()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.name)
        for button, what in ((self.add_frame, "frame"), (self.add_picked, "picked"),
                             (self.add_animation, "animation")):
            layout.addWidget(button)
            button.clicked.connect(lambda _checked=False, what=what: self.sig_add.emit(what))
        layout.addWidget(self.note)
        self.update_buttons(0, 0)

    def update_buttons(self, frames: int, picked: int) -> None:
        self.add_frame.setEnabled(frames > 0)
        self.add_picked.setEnabled(picked > 0)
        self.add_animation.setEnabled(frames > 1)

    def show_note(self, text: str) -> None:
        self.note.setText(text)
