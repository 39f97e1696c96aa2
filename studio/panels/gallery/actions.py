"""The Gallery's actions and toolbar. Shortcuts work while the grid has the focus, so typing a
name in the detail view never deletes or moves an item."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QLabel, QMenu, QSlider, QToolBar, QToolButton, QWidget

from studio.contract.gallery_records import EXPORT_FORMATS
from studio.panels.gallery.export_form import FORMAT_TITLES
from studio.panels.gallery.grid import DEFAULT_THUMBNAIL

THUMBNAIL_SIZES = (64, 256)


@dataclass(frozen=True)
class GalleryActions:
    rename: QAction
    delete: QAction
    move_left: QAction
    move_right: QAction
    regenerate: QAction
    remix: QAction
    animate_all: QAction
    export: dict[str, QAction]  # format -> "Export as ..." action
    export_menu: QMenu


def _action(grid: QWidget, text: str, tip: str, *keys: str | QKeySequence.StandardKey
            ) -> QAction:
    action = QAction(text, grid)
    action.setToolTip(tip)
    action.setStatusTip(tip)
    sequences = []
    for key in keys:
        sequences += (QKeySequence.keyBindings(key) if isinstance(key, QKeySequence.StandardKey)
                      else [QKeySequence(key)])
    if sequences:
        action.setShortcuts(sequences)
        action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
    grid.addAction(action)
    return action


def create_actions(grid: QWidget) -> GalleryActions:
    menu = QMenu("Export", grid)
    export = {}
    for fmt in EXPORT_FORMATS:
        export[fmt] = menu.addAction(f"{FORMAT_TITLES[fmt]}…")
        export[fmt].setStatusTip(f"Write the selected item as {FORMAT_TITLES[fmt]}")
    animate_all = _action(grid, "Play all", "Play every visible animation, not just the one "
                          "under the mouse")
    animate_all.setCheckable(True)
    return GalleryActions(
        rename=_action(grid, "Rename", "Rename the selected item (F2)", "F2"),
        delete=_action(grid, "Delete", "Delete the selected items (undo with Ctrl+Z)",
                       QKeySequence.StandardKey.Delete, "Backspace"),
        move_left=_action(grid, "◀ Move", "Move the selected items one place left "
                          "(Ctrl+Shift+Left)", "Ctrl+Shift+Left"),
        move_right=_action(grid, "Move ▶", "Move the selected items one place right "
                           "(Ctrl+Shift+Right)", "Ctrl+Shift+Right"),
        regenerate=_action(grid, "Regenerate…", "Decode the selected items again with the "
                           "current model, e.g. after more training"),
        remix=_action(grid, "Find image…", "Find an exported PNG's latent codes and where it "
                      "sits on the map (or drop the file on the window)"),
        animate_all=animate_all, export=export, export_menu=menu)


def build_toolbar(actions: GalleryActions, undo: QAction, redo: QAction
                  ) -> tuple[QToolBar, QSlider]:
    toolbar = QToolBar("Gallery")
    toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    toolbar.addActions([undo, redo])
    toolbar.addSeparator()
    toolbar.addActions([actions.rename, actions.delete, actions.move_left, actions.move_right])
    toolbar.addSeparator()
    export_button = QToolButton()
    export_button.setText("Export")
    export_button.setToolTip("Write the selected item as an image, animation or frames")
    export_button.setMenu(actions.export_menu)
    export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
    toolbar.addWidget(export_button)
    toolbar.addActions([actions.regenerate, actions.remix])
    toolbar.addSeparator()
    toolbar.addAction(actions.animate_all)
    size = QSlider(Qt.Orientation.Horizontal)
    size.setRange(*THUMBNAIL_SIZES)
    size.setSingleStep(16)
    size.setPageStep(32)
    size.setValue(DEFAULT_THUMBNAIL)
    size.setMaximumWidth(120)
    size.setToolTip("Thumbnail size")
    toolbar.addWidget(QLabel(" Size "))
    toolbar.addWidget(size)
    return toolbar, size
