"""An inline message strip (info, warning, error) that stays readable in light and dark themes."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QStyle, QToolButton, QWidget

# Accent colours read well on both light and dark bases; everything else uses palette roles.
_LEVELS = {
    "info": ("palette(highlight)", QStyle.StandardPixmap.SP_MessageBoxInformation),
    "warning": ("#e37400", QStyle.StandardPixmap.SP_MessageBoxWarning),
    "error": ("#d93025", QStyle.StandardPixmap.SP_MessageBoxCritical),
}


class MessageBanner(QFrame):
    sig_dismissed = Signal()
    """The user closed the banner."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("messageBanner")
        self._level = "info"
        self._icon = QLabel()
        self._text = QLabel()
        self._text.setWordWrap(True)
        self._text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._close = QToolButton()
        self._close.setText("✕")
        self._close.setAutoRaise(True)
        self._close.setToolTip("Dismiss")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 6, 4, 6)
        layout.addWidget(self._icon, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self._text, 1)
        layout.addWidget(self._close, 0, Qt.AlignmentFlag.AlignTop)
        self._close.clicked.connect(self._on_close_clicked)
        self.hide()

    def show_message(self, level: str, text: str) -> None:
        """Show `text` at `level` ("info", "warning" or "error")."""
        accent, icon = _LEVELS[level]
        self._level = level
        self._text.setText(text)
        size = self.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize)
        self._icon.setPixmap(self.style().standardIcon(icon).pixmap(size, size))
        self.setStyleSheet(
            "QFrame#messageBanner { background: palette(alternate-base);"
            f" border: 1px solid palette(mid); border-left: 4px solid {accent};"
            " border-radius: 4px; }")
        self.show()

    def clear(self) -> None:
        self._text.clear()
        self.hide()

    def level(self) -> str:
        return self._level

    def text(self) -> str:
        return self._text.text() if self.isVisibleTo(self.parentWidget()) else ""

    def _on_close_clicked(self) -> None:
        self.clear()
        self.sig_dismissed.emit()
