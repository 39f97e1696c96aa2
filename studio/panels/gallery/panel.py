"""The Gallery panel: the project's saved stills and animations, to browse, reorder, rename,
delete (all undoable), regenerate with the current model and export; and Remix, which finds a
dropped export's latent codes.

A view over `AppState.gallery` (studio/contract/gallery_state.py): every change is a request to the
worker, and the grid shows the listing the worker sends back. The parts live in
`studio/panels/gallery/`.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from pathlib import Path

from PySide6.QtCore import QItemSelectionModel, Qt
from PySide6.QtWidgets import QLabel, QScrollArea, QSplitter, QStackedWidget, QVBoxLayout, QWidget

from studio.contract.app_state import AppState
from studio.contract.gallery_records import (
    STILL_FORMATS,
    ExportCapabilities,
    ExportConfirmation,
    ExportDone,
    GalleryAction,
    GalleryChange,
    GalleryChangeDone,
    GalleryListing,
    ListedItem,
    RemixRecord,
)
from studio.contract.project_records import ProjectInfo
from studio.panels.gallery.actions import build_toolbar, create_actions
from studio.panels.gallery.detail import GalleryDetail
from studio.panels.gallery.dialogs import OverwriteDialog, RegenerateDialog, RemixFileDialog
from studio.panels.gallery.export_dialog import ExportDialog, human_bytes
from studio.panels.gallery.export_form import ExportSpec
from studio.panels.gallery.grid import GalleryGrid
from studio.panels.gallery.jobs import JobStrip
from studio.panels.gallery.model import GalleryModel
from studio.panels.gallery.ordering import moved_by
from studio.panels.gallery.remix_view import RemixView
from studio.panels.gallery.undo import GalleryUndo
from studio.widgets.banner import MessageBanner

EMPTY_TEXT = ("Nothing saved yet.\n\nMake a still or an animation on the Canvas and choose "
              "“Add to gallery”: it is saved in the project and shows up here.\n\n"
              "Drop an exported PNG here to find its latent codes again.")
DETAIL_WIDTH = 340


class GalleryPanel(QWidget):
    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self._gallery = state.gallery
        self._listing = GalleryListing()
        self._project: ProjectInfo | None = state.project
        self.model = GalleryModel(self)
        self.grid = GalleryGrid(self.model)
        self.actions = create_actions(self.grid)
        self.undo = GalleryUndo(state.gallery, self)
        self.toolbar, self.size_slider = build_toolbar(self.actions, self.undo.undo_action,
                                                       self.undo.redo_action)
        self.banner = MessageBanner()
        self.empty_label = QLabel(EMPTY_TEXT)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setWordWrap(True)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.grid)
        self.pages.addWidget(self.empty_label)
        self.detail = GalleryDetail()
        self.detail.export_button.setMenu(self.actions.export_menu)
        self.remix = RemixView()
        self.jobs = JobStrip(state)
        self._build_layout()
        self._connect_signals()
        self._on_listing(state.gallery.listing)
        if state.gallery.capabilities is not None:
            self._on_capabilities(state.gallery.capabilities)
        state.gallery.sig_request_capabilities.emit()
        state.gallery.sig_request_listing.emit()  # lost if the worker is not there yet: see below

    def _build_layout(self) -> None:
        column = QWidget()
        inner = QVBoxLayout(column)
        inner.setContentsMargins(0, 0, 6, 0)
        inner.addWidget(self.remix)
        inner.addWidget(self.detail, 1)
        scroll = QScrollArea()
        scroll.setWidget(column)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setMinimumWidth(DETAIL_WIDTH)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self.pages)
        self.splitter.addWidget(scroll)
        self.splitter.setStretchFactor(0, 1)
        self.splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.banner)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.jobs)

    def _connect_signals(self) -> None:
        g, a = self._gallery, self.actions
        g.sig_listing.connect(self._on_listing)
        g.sig_change_done.connect(self._on_change_done)
        g.sig_capabilities.connect(self._on_capabilities)
        g.sig_export_confirm.connect(self._on_export_confirm)
        g.sig_export_done.connect(self._on_export_done)
        g.sig_remix_located.connect(self._on_remix_located)
        self._state.sig_project_changed.connect(self._on_project_changed)
        self.grid.selectionModel().selectionChanged.connect(self._on_selection_changed)
        self.grid.sig_reorder.connect(self._on_reorder)
        self.grid.sig_images_dropped.connect(self.request_remix)
        self.remix.sig_show_on_map.connect(self._on_show_on_map)
        self.detail.sig_rename.connect(self._on_detail_rename)
        self.detail.regenerate_button.clicked.connect(self._on_regenerate)
        a.rename.triggered.connect(self.detail.start_rename)
        a.delete.triggered.connect(self._on_delete)
        a.move_left.triggered.connect(partial(self._on_move, -1))
        a.move_right.triggered.connect(partial(self._on_move, 1))
        a.regenerate.triggered.connect(self._on_regenerate)
        a.remix.triggered.connect(self._on_remix_file)
        a.animate_all.toggled.connect(self.grid.set_animate_all)
        for fmt, action in a.export.items():
            action.triggered.connect(partial(self._on_export, fmt))
        self.size_slider.valueChanged.connect(self.grid.set_thumbnail_size)

    # --- selection ----------------------------------------------------------------------------
    def selected_ids(self) -> tuple[str, ...]:
        """Selected item ids in gallery order."""
        rows = sorted(index.row() for index in self.grid.selectionModel().selectedIndexes())
        items = self.model.items()
        return tuple(items[row].id for row in rows if row < len(items))

    def selected_items(self) -> tuple[ListedItem, ...]:
        return tuple(item for item in (self._listing.find(i) for i in self.selected_ids())
                     if item is not None)

    def select(self, item_ids: tuple[str, ...]) -> None:
        selection = self.grid.selectionModel()
        selection.clearSelection()
        flag = QItemSelectionModel.SelectionFlag
        for item_id in item_ids:
            index = self.model.index(self.model.row_of(item_id))
            if index.isValid():
                selection.select(index, flag.Select)
                selection.setCurrentIndex(index, flag.NoUpdate)
                self.grid.scrollTo(index)

    def _on_selection_changed(self, *_args) -> None:
        self._update_detail()
        self._update_actions()

    # --- listing and changes ------------------------------------------------------------------
    def _on_listing(self, listing: GalleryListing) -> None:
        if self._gallery.capabilities is None:  # the worker is up now; ask what it can write
            self._gallery.sig_request_capabilities.emit()
        kept = self.selected_ids()
        self._listing = listing
        self.model.set_items(listing.items)
        if tuple(self.selected_ids()) != tuple(i for i in kept if listing.find(i)):
            self.select(tuple(i for i in kept if listing.find(i)))
        self.pages.setCurrentWidget(self.grid if listing.items else self.empty_label)
        self.empty_label.setText(listing.unavailable or EMPTY_TEXT)
        if listing.problems:
            self.banner.show_message("warning", "Some gallery items could not be read and are "
                                     "left out:<br>" + "<br>".join(listing.problems))
        else:
            self.banner.clear()
        self._update_detail()
        self._update_actions()

    def _on_change_done(self, done: GalleryChangeDone) -> None:
        if done.item_ids:
            self.select(done.item_ids)

    def _request_change(self, change: GalleryChange) -> None:
        self._gallery.sig_request_change.emit(change)

    def _on_detail_rename(self, item_id: str, name: str) -> None:
        self._request_change(GalleryChange(GalleryAction.RENAME, (item_id,), name))

    def _on_delete(self) -> None:
        ids = self.selected_ids()
        if ids:
            self._request_change(GalleryChange(GalleryAction.DELETE, ids))
            self.jobs.show_message(f"Deleted {len(ids)} item{'s' if len(ids) > 1 else ''}. "
                                   "Undo with Ctrl+Z.")

    def _on_move(self, step: int) -> None:
        order = self._listing.order
        new_order = moved_by(order, self.selected_ids(), step)
        if new_order != order:
            self._request_change(GalleryChange(GalleryAction.REORDER, new_order))

    def _on_reorder(self, order: tuple[str, ...]) -> None:
        self._request_change(GalleryChange(GalleryAction.REORDER, tuple(order)))

    # --- regenerate and export ----------------------------------------------------------------
    def _on_regenerate(self) -> None:
        items = self.selected_items()
        if not items:
            return
        steps = self._project.trained_steps if self._project is not None else 0
        request = RegenerateDialog.ask(self, tuple(i.id for i in items), [i.name for i in items],
                                       self._listing.image_size, steps)
        if request is not None:
            self._gallery.sig_request_regenerate.emit(request)

    def export_spec(self, fmt: str, item: ListedItem) -> ExportSpec | None:
        capabilities = self._gallery.capabilities
        if capabilities is None:
            return None
        return ExportSpec(item_id=item.id, item_name=item.name, format=fmt,
                          frame_count=item.frame_count, image_size=int(item.frames.shape[1]),
                          capabilities=capabilities,
                          fps=min(item.item.settings.fps, capabilities.max_fps),
                          loop=item.item.settings.loop, pingpong=item.item.settings.pingpong,
                          frame=self.detail.preview.frame_index() if item is self.detail.item()
                          else 0)

    def _on_export(self, fmt: str) -> None:
        items = self.selected_items()
        spec = self.export_spec(fmt, items[0]) if len(items) == 1 else None
        if spec is None:
            return
        request = ExportDialog.ask(self, spec, self._gallery)
        if request is not None:
            self._gallery.sig_request_export.emit(request)

    def _on_export_confirm(self, confirmation: ExportConfirmation) -> None:
        if OverwriteDialog.ask(self, confirmation.existing):
            self._gallery.sig_request_export.emit(replace(confirmation.request, overwrite=True))
        else:
            self.jobs.show_message(f"Not exported: {Path(confirmation.request.path).name} "
                                   "already exists and was kept.")

    def _on_export_done(self, done: ExportDone) -> None:
        size = f" ({human_bytes(done.size_bytes)})" if done.size_bytes else ""
        self.jobs.show_message(f"Exported {done.path}{size}")

    def _on_capabilities(self, capabilities: ExportCapabilities) -> None:
        self.actions.export["mp4"].setVisible(capabilities.mp4)
        self.actions.export["webp"].setVisible(capabilities.webp)
        self._update_actions()

    # --- remix --------------------------------------------------------------------------------
    def request_remix(self, paths: list[str]) -> None:
        """Find the latent codes of a dropped image (the first PNG of a drop)."""
        if paths:
            self._gallery.request_remix(str(paths[0]))

    def _on_remix_file(self) -> None:
        path = RemixFileDialog.ask(self)
        if path:
            self.request_remix([path])

    def _on_show_on_map(self, record: RemixRecord) -> None:
        if self._gallery.mark_on_map(record):  # again: the Canvas may have moved the mark
            self._gallery.sig_show_map.emit()

    def _on_remix_located(self, record: RemixRecord) -> None:
        self.remix.show_record(record, self._gallery.map_shows(record))

    # --- state --------------------------------------------------------------------------------
    def _on_project_changed(self, info: ProjectInfo | None) -> None:
        if info is None or self._project is None or info.path != self._project.path:
            self.remix.hide()  # it was found among another project's codes
        self._project = info
        self._gallery.sig_request_listing.emit()  # the worker answers from now on
        self._update_actions()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self.undo.set_active(True)

    def hideEvent(self, event) -> None:
        self.undo.set_active(False)
        super().hideEvent(event)

    # --- redraws ------------------------------------------------------------------------------
    def _update_detail(self) -> None:
        self.detail.show_items(self.selected_items(), self._listing.model_id)

    def _update_actions(self) -> None:
        a, count = self.actions, len(self.selected_ids())
        exportable = count == 1 and self._gallery.capabilities is not None
        a.rename.setEnabled(count == 1)
        for action in (a.delete, a.move_left, a.move_right, a.regenerate):
            action.setEnabled(count > 0)
        a.regenerate.setEnabled(count > 0 and bool(self._listing.model_id))
        a.export_menu.setEnabled(exportable)
        animated = exportable and self.selected_items()[0].frame_count > 1
        for fmt, action in a.export.items():
            action.setEnabled(animated or fmt in STILL_FORMATS)
        self.detail.export_button.setEnabled(exportable)
        self.detail.regenerate_button.setEnabled(a.regenerate.isEnabled())
        a.remix.setEnabled(self._project is not None)
