"""What the Map shows instead of a map: why there is none, or how far building it has come."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

TEXT_WIDTH = 460


def _centred_column(widgets: list[QWidget]) -> QVBoxLayout:
    layout = QVBoxLayout()
    layout.addStretch(2)
    for widget in widgets:
        widget.setMaximumWidth(TEXT_WIDTH)
        layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignHCenter)
    layout.addStretch(3)
    return layout


class MessagePage(QWidget):
    """A title, an honest explanation, and an action only when there is one to take."""

    sig_action = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel()
        font = QFont(self.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        font.setBold(True)
        self.title.setFont(font)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.action = QPushButton()
        self.action.hide()
        self.setLayout(_centred_column([self.title, self.text, self.action]))
        self.action.clicked.connect(self.sig_action)

    def show_message(self, title: str, text: str, action: str = "") -> None:
        self.title.setText(title)
        self.text.setText(text)
        self.action.setText(action)
        self.action.setVisible(bool(action))


class BuildingPage(QWidget):
    """Progress of the map build, with a way to cancel it."""

    sig_cancel = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel("<b>Building the map</b>")
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.detail = QLabel("Encoding every image with the model…")
        self.detail.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress.setMinimumWidth(TEXT_WIDTH)
        self.cancel = QPushButton("Cancel")
        self.setLayout(_centred_column([self.title, self.progress, self.detail, self.cancel]))
        self.cancel.clicked.connect(self.sig_cancel)

    def reset(self) -> None:
        self.progress.setRange(0, 0)  # busy until the first report
        self.detail.setText("Starting…")

    def set_progress(self, fraction: float, detail: str) -> None:
        if fraction < 0:
            self.progress.setRange(0, 0)
        else:
            self.progress.setRange(0, 1000)
            self.progress.setValue(round(fraction * 1000))
        self.detail.setText(detail)
