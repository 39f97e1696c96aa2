"""Light and dark colours: the Fusion style with the platform palette, or an explicit one.

Fusion draws every widget from palette roles, so one palette switch recolours the whole app;
nothing else in the studio hard-codes a colour that would break in the other scheme.
"""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication


def dark_palette() -> QPalette:
    """A calm dark palette (greys, a blue highlight), readable at normal contrast."""
    window, base, text = QColor(45, 45, 48), QColor(30, 30, 32), QColor(230, 230, 230)
    palette = QPalette(window)
    roles = {
        QPalette.ColorRole.Window: window, QPalette.ColorRole.WindowText: text,
        QPalette.ColorRole.Base: base, QPalette.ColorRole.AlternateBase: QColor(38, 38, 41),
        QPalette.ColorRole.Text: text, QPalette.ColorRole.Button: QColor(53, 53, 57),
        QPalette.ColorRole.ButtonText: text, QPalette.ColorRole.ToolTipBase: QColor(60, 60, 64),
        QPalette.ColorRole.ToolTipText: text, QPalette.ColorRole.BrightText: QColor(255, 90, 90),
        QPalette.ColorRole.Highlight: QColor(74, 128, 220),
        QPalette.ColorRole.HighlightedText: QColor(255, 255, 255),
        QPalette.ColorRole.Link: QColor(120, 170, 255),
        QPalette.ColorRole.PlaceholderText: QColor(150, 150, 155),
        QPalette.ColorRole.Mid: QColor(70, 70, 74), QPalette.ColorRole.Dark: QColor(25, 25, 27),
        QPalette.ColorRole.Light: QColor(80, 80, 84),
    }
    for role, color in roles.items():
        palette.setColor(role, color)
    disabled = QColor(125, 125, 128)
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text,
                 QPalette.ColorRole.ButtonText):
        palette.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return palette


def apply_color_scheme(app: QApplication, scheme: str) -> None:
    """'system' follows the platform's palette; 'light' and 'dark' force one."""
    if scheme == "dark":
        app.setPalette(dark_palette())
    elif scheme == "light":
        app.setPalette(app.style().standardPalette())
    else:
        app.setPalette(QPalette())  # an empty palette resets to the platform's (Qt 6)
