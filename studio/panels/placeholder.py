"""Honest pages for the panels this version of Latentia does not include yet.

Each says what the panel is for, what it will need (a trained project), and where the project
stands now; it offers no controls that would pretend to work.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from studio.icons import themed_icon
from studio.records import ProjectInfo
from studio.state import AppState

ICON_SIZE = 64
TEXT_WIDTH = 520


@dataclass(frozen=True)
class PanelDescription:
    title: str
    icon: str  # name of an SVG in resources/icons/
    summary: str
    features: tuple[str, ...]


MAP_PANEL = PanelDescription(
    "Map", "map",
    "A map of everything the model learned: each of your images becomes a point, placed so "
    "that images the model finds alike sit close together.",
    ("Hover a point to see its image; clusters show the families in your folder.",
     "Click empty space to see what the model imagines there."))
CANVAS_PANEL = PanelDescription(
    "Canvas", "canvas",
    "A workbench for new images: pick images from your set and blend between them through the "
    "model's latent space.",
    ("Interpolate between two images and watch one turn into the other.",
     "Mix features of several images and keep the results you like."))
GALLERY_PANEL = PanelDescription(
    "Gallery", "gallery",
    "New images drawn from the trained model, as many as you like, to browse and export.",
    ("Sample fresh images, from safe to surprising.",
     "Save favourites as PNG files."))


def status_text(title: str, info: ProjectInfo | None) -> str:
    """Where the open project stands with respect to this panel."""
    if info is None:
        return (f"The {title} works with a trained project: open or create one, then train it "
                "on the Train tab.")
    if info.trained_steps == 0:
        return (f"“{info.name}” is not trained yet. The {title} needs a trained model: train "
                "it on the Train tab first.")
    return (f"“{info.name}” is trained, so it will be ready for the {title}. Until then, its "
            "reconstructions and samples are on the Train tab.")


class UpcomingPanel(QWidget):
    """A calm description of a panel still to come, tracking the open project's state."""

    def __init__(self, state: AppState, description: PanelDescription,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self.description = description
        self.icon_label = QLabel()
        self.icon_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.icon_label.setMinimumHeight(ICON_SIZE)  # wrapped text must not squeeze it
        self.title_label = QLabel(description.title)
        title_font = QFont(self.font())
        title_font.setPointSizeF(title_font.pointSizeF() * 1.6)
        title_font.setBold(True)
        self.title_label.setFont(title_font)
        self.title_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.version_label = QLabel("Planned for a later version of Latentia")
        self.version_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.version_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.summary_label = self._paragraph(description.summary)
        self.features_label = self._paragraph("What you will do here:")
        self.feature_rows = [self._bullet(feature) for feature in description.features]
        self.status_label = self._paragraph("")
        self._build_layout()
        state.sig_project_changed.connect(self._on_project_changed)
        self._update_icon()
        self._update_status(state.project)

    @staticmethod
    def _paragraph(text: str) -> QLabel:
        label = QLabel(text)
        label.setWordWrap(True)
        return label

    def _bullet(self, text: str) -> QHBoxLayout:
        row = QHBoxLayout()
        row.setContentsMargins(12, 0, 0, 0)
        row.addWidget(QLabel("•"), 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(self._paragraph(text), 1)
        return row

    def _build_layout(self) -> None:
        rule = QFrame()
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setFrameShadow(QFrame.Shadow.Sunken)
        column = QWidget()  # a fixed-width column, so wrapped text gets its full height
        column.setFixedWidth(TEXT_WIDTH)
        inner = QVBoxLayout(column)
        inner.setSpacing(10)
        for widget in (self.icon_label, self.title_label, self.version_label):
            inner.addWidget(widget)
        inner.addSpacing(8)
        inner.addWidget(self.summary_label)
        inner.addWidget(self.features_label)
        for row in self.feature_rows:
            inner.addLayout(row)
        inner.addSpacing(8)
        inner.addWidget(rule)
        inner.addWidget(self.status_label)
        centred = QHBoxLayout()  # stretches, not an alignment flag: keeps height-for-width
        centred.addStretch(1)
        centred.addWidget(column)
        centred.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addStretch(2)
        layout.addLayout(centred)
        layout.addStretch(3)

    def _on_project_changed(self, info: ProjectInfo | None) -> None:
        self._update_status(info)

    def _update_status(self, info: ProjectInfo | None) -> None:
        self.status_label.setText(status_text(self.description.title, info))

    def _update_icon(self) -> None:
        color = self.palette().color(QPalette.ColorRole.PlaceholderText)
        self.icon_label.setPixmap(themed_icon(self.description.icon, color).pixmap(ICON_SIZE))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self._update_icon()
        super().changeEvent(event)
