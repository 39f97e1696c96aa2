"""Live image grids: validation images beside their reconstructions, and fixed-seed samples.

The samples use the same random latents every refresh, so changes between refreshes show the
model learning rather than new noise.
"""

from __future__ import annotations

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from models.records import PreviewImages
from studio.widgets.image_grid import ImageGrid

ROWS = (
    ("originals", "Validation images", "Images held out from training."),
    ("reconstructions", "Their reconstructions", "The validation images after a trip through "
                                                 "the latent space: sharper = better."),
    ("samples", "Random samples (fixed seed)", "New images decoded from the same random "
                                               "latents at every refresh."),
)


class PreviewGrids(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.caption = QLabel()
        self.grids: dict[str, ImageGrid] = {}
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.caption)
        # Titles above the grids rather than beside them: the width goes to the images.
        for name, title, tooltip in ROWS:
            label = QLabel(title)
            label.setToolTip(tooltip)
            label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
            grid = ImageGrid(placeholder="Appears while training.")
            grid.setToolTip(tooltip)
            self.grids[name] = grid
            layout.addWidget(label)
            layout.addWidget(grid, 1)
        self.clear()

    def set_previews(self, previews: PreviewImages) -> None:
        # One row each with the same column count keeps every original above its reconstruction.
        columns = max(len(previews.originals), len(previews.samples), 1)
        for name in ("originals", "reconstructions", "samples"):
            self.grids[name].set_columns(columns)
            self.grids[name].set_images(getattr(previews, name))
        self.caption.setText(f"Previews at step {previews.step:,}")

    def clear(self) -> None:
        for grid in self.grids.values():
            grid.set_images(None)
        self.caption.setText("Previews refresh every few seconds while training.")
