"""The folder section: choose a folder, watch it being scanned, read its ingestion report and
see a few images exactly as the model will see them."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from models.records import IngestReport
from studio.contract.project_records import ProjectInfo, ScanResult
from studio.panels.train.formatting import channels_label
from studio.widgets.collapsible import CollapsibleSection
from studio.widgets.image_grid import ImageGrid

PREVIEW_COLUMNS = 4


def _wrapped(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    return label


class IngestReportView(QWidget):
    sig_choose_folder = Signal()
    """The user wants to pick a (new) folder of images."""
    sig_cancel = Signal()
    """The user cancelled the scan in progress."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel()
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.choose_button = QPushButton("Choose folder…")
        self.choose_button.setToolTip("Pick a folder of images to train on.")
        self.folder_label = _wrapped()
        self.folder_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress = QProgressBar()
        self.progress_detail = _wrapped()
        self.cancel_button = QPushButton("Cancel")
        self.summary = _wrapped()
        self.details = _wrapped()
        self.skipped_list = QTreeWidget()
        self.skipped_list.setHeaderLabels(["File", "Reason"])
        self.skipped_list.setRootIsDecorated(False)
        self.skipped_list.setMinimumHeight(120)
        self.skipped_list.header().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.skipped_section = CollapsibleSection("Skipped files", self.skipped_list)
        self.preview_label = _wrapped("As the model will see them:")
        self.preview = ImageGrid(columns=PREVIEW_COLUMNS, placeholder="No preview yet")
        self.preview.setMinimumHeight(150)
        self._build_layout()
        self.choose_button.clicked.connect(self.sig_choose_folder)
        self.cancel_button.clicked.connect(self.sig_cancel)
        self.clear()

    def _build_layout(self) -> None:
        header = QHBoxLayout()
        header.addWidget(self.title, 1)
        header.addWidget(self.choose_button)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(header)
        layout.addWidget(self.folder_label)
        layout.addLayout(progress_row)
        layout.addWidget(self.progress_detail)
        layout.addWidget(self.summary)
        layout.addWidget(self.details)
        layout.addWidget(self.skipped_section)
        layout.addWidget(self.preview_label)
        layout.addWidget(self.preview)

    # --- states -----------------------------------------------------------------------------
    def clear(self) -> None:
        self.title.setText("Folder")
        self.folder_label.setText("No folder chosen yet.")
        self.choose_button.setText("Choose folder…")
        self._show_progress(False)
        for label in (self.summary, self.details):
            label.clear()
            label.hide()
        self.skipped_section.hide()
        self._show_preview(None)

    def show_scanning(self, folder: str) -> None:
        """A scan of `folder` was requested: show an indeterminate progress bar."""
        self.title.setText("Scanning images…")
        self.folder_label.setText(folder)
        self.progress.setRange(0, 0)
        self.progress_detail.setText("Reading and checking every image.")
        self._show_progress(True)

    def show_job_progress(self, fraction: float, detail: str) -> None:
        if fraction < 0:
            self.progress.setRange(0, 0)
        else:
            self.progress.setRange(0, 1000)
            self.progress.setValue(round(1000 * min(1.0, fraction)))
        if detail:
            self.progress_detail.setText(detail)

    def show_scan_stopped(self, message: str) -> None:
        """The scan ended without a result (cancelled or failed)."""
        self._show_progress(False)
        self.title.setText("Folder")
        self.summary.setText(message)
        self.summary.show()

    def show_scan(self, result: ScanResult) -> None:
        self.title.setText("Folder")
        self.folder_label.setText(result.folder)
        self._show_progress(False)
        self._show_report(result.report)
        self._show_preview(result.preview)
        self.choose_button.setText("Choose another folder…")

    def show_project(self, info: ProjectInfo) -> None:
        """An open project: its images were ingested when it was created."""
        self.title.setText(f"Project “{info.name}”")
        self.folder_label.setText(f"{info.path}\nImages from {info.source_folder}")
        self._show_progress(False)
        self._show_report(info.report)
        labels = len(info.config.labels.names)  # a labelled code is the style, then the label
        latent = (f"latent size {info.latent_dim - labels} + {labels} labels" if labels
                  else f"latent size {info.latent_dim}")
        self.details.setText(
            f"{_skipped_and_duplicates(info.report)}\n{info.image_count} training images · "
            f"{info.image_size} × {info.image_size} {channels_label(info.channels)} · {latent}")
        self._show_preview(None)
        self.choose_button.setText("New project from folder…")

    # --- parts ------------------------------------------------------------------------------
    def _show_report(self, report: IngestReport) -> None:
        self.summary.setText(f"<b>{report.usable:,} usable images</b> of {report.found:,} files")
        self.summary.show()
        self.details.setText(_skipped_and_duplicates(report))
        self.details.show()
        self.skipped_list.clear()
        for skipped in report.skipped:
            item = QTreeWidgetItem([skipped.path, skipped.reason])
            item.setToolTip(0, skipped.path)
            item.setToolTip(1, skipped.reason)
            self.skipped_list.addTopLevelItem(item)
        self.skipped_list.resizeColumnToContents(0)
        self.skipped_section.set_title(f"Skipped files ({len(report.skipped)})")
        self.skipped_section.setVisible(bool(report.skipped))

    def _show_preview(self, images: object) -> None:
        self.preview.set_images(images)
        visible = images is not None and len(images) > 0
        self.preview_label.setVisible(visible)
        self.preview.setVisible(visible)

    def _show_progress(self, visible: bool) -> None:
        for widget in (self.progress, self.progress_detail, self.cancel_button):
            widget.setVisible(visible)
        self.choose_button.setEnabled(not visible)


def _skipped_and_duplicates(report: IngestReport) -> str:
    plural = "s" if report.duplicates != 1 else ""
    duplicates = (f"{report.duplicates:,} duplicate{plural} (identical files counted once)"
                  if report.duplicates else "no duplicates")
    return f"{len(report.skipped):,} skipped · {duplicates}"
