"""The detail view of the selected gallery item: a large animated preview, its name (edit to
rename), how it plays and how it was made — source images as thumbnails, path, temperature,
seed, mode, model id and when it was created."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from studio.contract.gallery_records import GallerySource, ListedItem
from studio.panels.gallery.model import describe_item
from studio.panels.gallery.preview import AnimatedPreview
from studio.widgets.image_grid import ImageGrid

SOURCE_KINDS = {"sample": "A sample from the model", "interpolation": "A morph between images",
                "path": "A path drawn on the map", "cluster": "A sample from one cluster",
                "attribute": "An attribute applied to an image",
                "style transfer": "An image redrawn with another label",
                "label blend": "An image between two labels",
                "reconstruction": "A reconstruction of an image"}
PREVIEW_HEIGHT = 290  # with its controls; leaves room for the details on an 800 px window
MODES = {"slerp": "Spherical (slerp)", "lerp": "Straight line (lerp)",
         "normlerp": "Norm-corrected line", "path": "Along the drawn path"}


def local_time(created: str) -> str:
    """An ISO 8601 UTC stamp as local date and time ("" stays "")."""
    try:
        return dt.datetime.fromisoformat(created).astimezone().strftime("%Y-%m-%d %H:%M")
    except ValueError:
        return created


def plays_text(listed: ListedItem) -> str:
    if not listed.animated:
        return "Still image"
    settings = listed.item.settings
    loops = "loops forever" if settings.loop == 0 else f"plays {settings.loop}×"
    bounce = ", ping-pong" if settings.pingpong else ""
    return f"{settings.fps:g} fps, {loops}{bounce}, {settings.easing.replace('_', ' ')} easing"


def source_rows(source: GallerySource) -> list[tuple[str, str]]:
    """(label, text) rows describing how an item was made; only what the recipe recorded."""
    rows = [("Made as", SOURCE_KINDS.get(source.kind, source.kind.capitalize()))]
    if source.mode:
        rows.append(("Mode", MODES.get(source.mode, source.mode)))
    if source.map_points:
        method = source.map_method.upper() or "the"
        smooth = f", smoothing {source.smoothing:g}" if source.smoothing else ""
        rows.append(("Path", f"{len(source.map_points)} points on the {method} map{smooth}"))
    if source.temperature is not None:
        rows.append(("Temperature", f"{source.temperature:g}"))
    if source.seed is not None:
        rows.append(("Seed", str(source.seed)))
    if source.cluster is not None:
        rows.append(("Cluster", str(source.cluster)))
    if source.attribute:
        rows.append(("Attribute", f"{source.attribute} at strength {source.strength:+g}"))
    if source.labels:
        rows.append(("Labels" if len(source.labels) > 1 else "Label",
                     " → ".join(source.labels)))
    if source.image_paths:
        rows.append(("Images", "\n".join(p or "(not in the image folder)"
                                         for p in source.image_paths)))
    return rows


class GalleryDetail(QWidget):
    sig_rename = Signal(str, str)
    """(item id, new name) typed in the name field."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._item: ListedItem | None = None
        self.name_edit = QLineEdit()
        self.name_edit.setPlaceholderText("Name")
        self.name_edit.setToolTip("Type a new name and press Enter to rename (F2)")
        self.preview = AnimatedPreview()
        self.preview.setMaximumHeight(PREVIEW_HEIGHT)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.source_images = ImageGrid(placeholder="", max_scale=2, spacing=4)
        self.source_images.setMinimumHeight(72)
        self.export_button = QToolButton()
        self.export_button.setText("Export")
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.regenerate_button = QPushButton("Regenerate…")
        self._build_layout()
        self.name_edit.editingFinished.connect(self._on_name_edited)
        self.show_items(())

    def _build_layout(self) -> None:
        buttons = QHBoxLayout()
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.regenerate_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.name_edit)
        layout.addWidget(self.preview)
        layout.addWidget(self.summary)
        layout.addLayout(buttons)
        layout.addLayout(self.form)
        layout.addWidget(self.source_images)
        layout.addStretch(1)

    def item(self) -> ListedItem | None:
        return self._item

    def show_items(self, items: tuple[ListedItem, ...], current_model: str = "") -> None:
        """Show one item in detail, or say how many are selected."""
        previous = self._item
        self._item = items[0] if len(items) == 1 else None
        single = self._item is not None
        for widget in (self.name_edit, self.source_images):
            widget.setVisible(single)
        self._clear_form()
        if not single:
            text = (f"{len(items)} items selected" if items
                    else "Select an item to see it here.")
            self.preview.set_frames(None, placeholder=text)
            self.summary.setText("")
            return
        item = self._item
        if previous is None or previous.id != item.id or previous.frames is not item.frames:
            settings = item.item.settings
            self.preview.set_frames(item.frames, settings.fps, settings.pingpong)
        if not self.name_edit.hasFocus() or previous is None or previous.id != item.id:
            self.name_edit.setText(item.name)
        self.summary.setText(describe_item(item))
        self._fill_form(item, current_model)

    def _fill_form(self, listed: ListedItem, current_model: str) -> None:
        item = listed.item
        if listed.current_model:
            model = f"{item.model_id} (the current model)"
        else:
            now = f" — the project's model is now {current_model}" if current_model else ""
            model = f"{item.model_id}: an earlier model{now}. Regenerate to update."
        for label, text in [("Plays", plays_text(listed)), ("Created", local_time(item.created)),
                            ("Model", model), *source_rows(item.source)]:
            value = QLabel(text)
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.form.addRow(f"{label}:", value)
        images = listed.source_images
        self.source_images.setVisible(images is not None)
        self.source_images.set_images(images)

    def _clear_form(self) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)

    def form_text(self) -> dict[str, str]:
        """label -> text of the rows shown (for tests and accessibility checks)."""
        shown = {}
        for row in range(self.form.rowCount()):
            label = self.form.itemAt(row, QFormLayout.ItemRole.LabelRole).widget()
            field = self.form.itemAt(row, QFormLayout.ItemRole.FieldRole).widget()
            shown[label.text().rstrip(":")] = field.text()
        return shown

    def start_rename(self) -> None:
        if self._item is not None:
            self.name_edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
            self.name_edit.selectAll()

    def _on_name_edited(self) -> None:
        item, name = self._item, self.name_edit.text().strip()
        if item is None:
            return
        if not name:
            self.name_edit.setText(item.name)  # a blank name is refused: put it back
        elif name != item.name:
            self.sig_rename.emit(item.id, name)
