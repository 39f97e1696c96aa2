"""The Map's labels: colour the map by label or by cluster, the label legend, and the user's own
labels (name the selected images, e.g. a cluster's, and train a model on them)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models.project_files import PROJECT_SUFFIX
from studio.contract.app_state import AppState
from studio.contract.map_records import NameImagesRequest
from studio.panels.map.legend import swatch
from studio.panels.map.palette import UNLABELLED_COLOR, cluster_color
from studio.widgets.hint import hint_label

UNLABELLED = "(no label)"


class LabelLegend(QTreeWidget):
    sig_label_clicked = Signal(int)
    """A label's row was clicked: select its images (-1: the unlabelled ones)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setColumnCount(2)
        self.setHeaderLabels(["Label", "Images"])
        self.setRootIsDecorated(False)
        self.setUniformRowHeights(True)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setToolTip("Click a label to select its images")
        self.itemClicked.connect(self._on_item_clicked)

    def set_labels(self, names: tuple[str, ...], rows: np.ndarray) -> None:
        """Names and each image's label (-1: none), with a row for the unlabelled images."""
        self.clear()
        labelled = rows[rows >= 0]
        counts = np.bincount(labelled, minlength=len(names)) if len(names) else []
        for index, name in enumerate(names):
            self._add(name, int(counts[index]), cluster_color(index), index)
        unlabelled = int((rows < 0).sum())
        if unlabelled:
            self._add(UNLABELLED, unlabelled, UNLABELLED_COLOR, -1)
        self.resizeColumnToContents(1)

    def _add(self, name: str, count: int, color, index: int) -> None:
        item = QTreeWidgetItem([name, f"{count:,}"])
        item.setIcon(0, swatch(color))
        item.setData(0, Qt.ItemDataRole.UserRole, index)
        item.setTextAlignment(1, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.addTopLevelItem(item)

    def _on_item_clicked(self, item: QTreeWidgetItem, _column: int) -> None:
        self.sig_label_clicked.emit(int(item.data(0, Qt.ItemDataRole.UserRole)))


class LabelsBox(QWidget):
    sig_colour_by = Signal(str)
    """"cluster" or "label": what the dots' colours show."""
    sig_name_selection = Signal(str)
    """Give the selected images this label."""
    sig_train_labelled = Signal()
    """Make a project that trains on these labels."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.by_cluster = QRadioButton("Clusters")
        self.by_label = QRadioButton("Labels")
        self.by_cluster.setChecked(True)
        self._colour_by = QButtonGroup(self)
        for button in (self.by_cluster, self.by_label):
            self._colour_by.addButton(button)
        self.legend = LabelLegend()
        self.legend.setMinimumHeight(120)
        self.name = QLineEdit()
        self.name.setPlaceholderText("Label name, e.g. “cats”")
        self.name_selection = QPushButton("Label the selection")
        self.name_selection.setToolTip("Select images on the map (or click a cluster in its "
                                       "legend), then give them a label")
        self.train_labelled = QPushButton("Train a model on these labels…")
        self.train_labelled.setToolTip("A new project with the same images and settings, "
                                       "conditioned on these labels")
        self.note = hint_label()
        self._build_layout()
        self.by_label.toggled.connect(
            lambda on: self.sig_colour_by.emit("label" if on else "cluster"))
        self.name_selection.clicked.connect(self._on_name_selection)
        self.name.returnPressed.connect(self._on_name_selection)
        self.train_labelled.clicked.connect(self.sig_train_labelled)
        self.set_labels((), np.zeros(0, np.int64), 0)

    def _build_layout(self) -> None:
        colour = QHBoxLayout()
        colour.addWidget(QLabel("Colour by"))
        colour.addWidget(self.by_cluster)
        colour.addWidget(self.by_label)
        colour.addStretch(1)
        naming = QHBoxLayout()
        naming.addWidget(self.name, 1)
        naming.addWidget(self.name_selection)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(colour)
        layout.addWidget(self.legend)
        layout.addLayout(naming)
        layout.addWidget(self.train_labelled)
        layout.addWidget(self.note)

    def set_labels(self, names: tuple[str, ...], rows: np.ndarray, model_labels: int) -> None:
        """The project's labels (`rows`: each image's, -1 none) and how many the model knows."""
        self.legend.set_labels(names, rows)
        has = bool(names)
        self.by_label.setEnabled(has)
        if not has:
            self.by_cluster.setChecked(True)
        self.train_labelled.setEnabled(len(names) >= 2)
        if model_labels:
            self.note.setText(f"The model draws with {model_labels} labels; the map colours "
                              "every image by its own.")
        elif has:
            self.note.setText("This model was trained without labels: train a model on these "
                              "labels to draw with them.")
        else:
            self.note.setText("No labels yet. Select images (a cluster's, for example) and "
                              "name them, or create a project from a folder of subfolders.")

    def set_selection_count(self, count: int) -> None:
        self.name_selection.setEnabled(count > 0)
        self.name_selection.setText(f"Label {count:,} selected" if count else
                                    "Label the selection")

    def colour_by(self) -> str:
        return "label" if self.by_label.isChecked() else "cluster"

    def _on_name_selection(self) -> None:
        name = self.name.text().strip()
        if name and self.name_selection.isEnabled():
            self.sig_name_selection.emit(name)


class LabelledProjectDialog:
    """Where the labelled project goes (a test monkeypatches `ask`)."""

    @classmethod
    def ask(cls, parent: QWidget | None, suggested: str) -> str | None:
        path, _ = QFileDialog.getSaveFileName(
            parent, "New project trained on these labels", suggested,
            "Latentia projects (*.latentia)")
        if not path:
            return None
        return path if path.endswith(PROJECT_SUFFIX) else path + PROJECT_SUFFIX


class MapLabelsController(QObject):
    """Wires the Map's labels box to the map state, the plot and the selection."""

    def __init__(self, state: AppState, box: LabelsBox, plot, select: Callable[[np.ndarray], None],
                 parent: QWidget) -> None:
        super().__init__(parent)
        self._state, self._map, self.box, self._plot = state, state.map, box, plot
        self._select, self._parent = select, parent
        m = self._map
        m.sig_map_ready.connect(self._on_labels)
        m.sig_labels.connect(self._on_labels)
        m.sig_selection_changed.connect(lambda chosen: box.set_selection_count(len(chosen)))
        m.sig_labelled_copy_made.connect(state.sig_request_open_project)
        box.sig_colour_by.connect(plot.set_colour_by)
        box.legend.sig_label_clicked.connect(self._on_label_clicked)
        box.sig_name_selection.connect(self._on_name_selection)
        box.sig_train_labelled.connect(self._on_train_labelled)
        box.set_selection_count(len(m.selection))

    def _on_labels(self, *_args) -> None:
        data = self._map.data
        project = self._state.project
        model_labels = 0 if project is None else len(project.config.labels.names)
        if data is None or data.image_labels is None:
            self.box.set_labels((), np.zeros(0, np.int64), model_labels)
        else:
            self.box.set_labels(data.label_names, data.image_labels, model_labels)
        self._plot.set_colour_by(self.box.colour_by())

    def _on_label_clicked(self, label: int) -> None:
        data = self._map.data
        if data is not None and data.image_labels is not None:
            self._select(np.flatnonzero(data.image_labels == label))

    def _on_name_selection(self, name: str) -> None:
        chosen = self._map.selection
        if len(chosen):
            self._map.sig_request_name_images.emit(NameImagesRequest(name, chosen))
            self.box.name.clear()

    def _on_train_labelled(self) -> None:
        project = self._state.project
        if project is None:
            return
        folder = Path(project.path).parent
        suggested = str(folder / f"{Path(project.path).stem}-labelled{PROJECT_SUFFIX}")
        path = LabelledProjectDialog.ask(self._parent, suggested)
        if path:
            self._map.sig_request_labelled_copy.emit(path)
