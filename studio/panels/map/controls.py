"""The map's toolbar: what a drag does, path options, and how the map is drawn and built."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from studio.contract.map_records import MapBuildRequest, MapOptions

TOOL_LABELS = (
    ("draw", "Draw path", "Drag on the map to draw a path; the image under the cursor is "
                          "drawn live and the path becomes an animation on the Canvas."),
    ("select", "Select", "Drag a rectangle around images to select them (Shift-drag works "
                         "with any tool)."),
    ("lasso", "Lasso", "Drag around images to select them with a free shape (Ctrl- or "
                       "Alt-drag works with any tool)."),
    ("pan", "Pan", "Drag to move the map (the middle button pans with any tool; the wheel "
                   "zooms)."),
)
MAX_CLUSTERS = 20
POINT_SIZES = (2, 16)


def default_point_size(count: int) -> int:
    """Bigger dots for small folders, smaller ones where 20,000 would merge into a blob."""
    return 8 if count < 1000 else 6 if count < 5000 else 4


def _separator() -> QFrame:
    line = QFrame()
    line.setFrameShape(QFrame.Shape.VLine)
    line.setFrameShadow(QFrame.Shadow.Sunken)
    return line


class MapControls(QWidget):
    sig_tool_changed = Signal(str)
    sig_clear_path = Signal()
    sig_build_changed = Signal(object)
    """MapBuildRequest: the projection or the number of clusters changed."""
    sig_point_size_changed = Signal(int)
    sig_density_toggled = Signal(bool)
    sig_thumbnails_toggled = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tools = QButtonGroup(self)
        self.tool_buttons: dict[str, QToolButton] = {}
        for key, label, tip in TOOL_LABELS:
            button = QToolButton()
            button.setText(label)
            button.setToolTip(tip)
            button.setCheckable(True)
            self.tools.addButton(button)
            self.tool_buttons[key] = button
        self.tool_buttons["draw"].setChecked(True)
        self.snap = QCheckBox("Snap to images")
        self.snap.setToolTip("Move each waypoint of a path onto the nearest real image, so the "
                             "animation passes exactly through your images.")
        self.smooth = QCheckBox("Smooth")
        self.smooth.setToolTip("Round the path into a smooth curve instead of straight lines "
                               "between the waypoints.")
        self.clear_path = QToolButton()
        self.clear_path.setText("Clear path")
        self.clear_path.setEnabled(False)
        self.projection = QComboBox()
        self.clusters = QComboBox()
        self.clusters.addItem("Auto", None)
        for k in range(2, MAX_CLUSTERS + 1):
            self.clusters.addItem(str(k), k)
        self.clusters.setToolTip("Number of clusters: Auto picks the best-separated grouping.")
        self.point_size = QSlider(Qt.Orientation.Horizontal)
        self.point_size.setRange(*POINT_SIZES)
        self.point_size.setValue(default_point_size(0))
        self.point_size.setMaximumWidth(110)
        self.point_size.setToolTip("Size of the dots")
        self.density = QCheckBox("Density")
        self.density.setToolTip("Shade where the map is backed by many images: decoding is "
                                "most reliable there.")
        self.thumbnails = QCheckBox("Thumbnails")
        self.thumbnails.setToolTip("Draw small images instead of dots (for the images in view; "
                                   "zoom in to see more of them).")
        self.set_options(MapOptions(("pca",), False))
        self._build_layout()
        self._connect_signals()

    def _build_layout(self) -> None:
        first, second = QHBoxLayout(), QHBoxLayout()
        for button in self.tool_buttons.values():
            first.addWidget(button)
        for widget in (_separator(), self.snap, self.smooth, self.clear_path):
            first.addWidget(widget)
        first.addStretch(1)
        for widget in (QLabel("Projection"), self.projection, QLabel("Clusters"), self.clusters,
                       _separator(), QLabel("Dots"), self.point_size, self.density,
                       self.thumbnails):
            second.addWidget(widget)
        second.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(first)
        layout.addLayout(second)

    def _connect_signals(self) -> None:
        self.tools.buttonToggled.connect(self._on_tool_toggled)
        self.clear_path.clicked.connect(self.sig_clear_path)
        self.projection.activated.connect(self._on_build_changed)
        self.clusters.activated.connect(self._on_build_changed)
        self.point_size.valueChanged.connect(self.sig_point_size_changed)
        self.density.toggled.connect(self.sig_density_toggled)
        self.thumbnails.toggled.connect(self.sig_thumbnails_toggled)

    def set_options(self, options: MapOptions) -> None:
        """Offer the projections the backend has; UMAP is listed but disabled without it."""
        current = self.projection.currentData() or "pca"
        self.projection.clear()
        self.projection.addItem("PCA", "pca")
        self.projection.addItem("UMAP", "umap")
        umap = self.projection.model().item(1)
        umap.setEnabled(options.umap_available)
        umap.setToolTip("" if options.umap_available else
                        "UMAP needs the optional package umap-learn (pip install umap-learn).")
        self.projection.setCurrentIndex(max(0, self.projection.findData(current)))

    def build_request(self) -> MapBuildRequest:
        return MapBuildRequest(self.projection.currentData() or "pca",
                               self.clusters.currentData())

    def show_build(self, method: str, k: int | None) -> None:
        """Reflect the map actually shown (e.g. after a rebuild asked elsewhere)."""
        self.projection.setCurrentIndex(max(0, self.projection.findData(method)))
        self.clusters.setCurrentIndex(0 if k is None else max(0, self.clusters.findData(k)))

    def tool(self) -> str:
        for key, button in self.tool_buttons.items():
            if button.isChecked():
                return key
        return "draw"

    def _on_tool_toggled(self, button, checked: bool) -> None:
        if checked:
            self.sig_tool_changed.emit(self.tool())

    def _on_build_changed(self, _index: int) -> None:
        self.sig_build_changed.emit(self.build_request())
