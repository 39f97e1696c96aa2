"""Undo and redo of gallery changes: a QUndoStack whose commands are tokens of worker steps.

The worker makes each change first and reports it (GalleryChangeDone); only then is a command
pushed, so its first `redo` (which QUndoStack.push calls) must do nothing. Later undo/redo send
the token back; the worker reverts the stored `GalleryEdit`s in the order requests arrive, so
fast Ctrl+Z presses queue up correctly even while the worker is busy.

The Undo/Redo actions follow the stack only while the Gallery is shown (QUndoGroup with the
stack active or not), so Ctrl+Z never changes the gallery from another panel.
"""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction, QKeySequence, QUndoCommand, QUndoGroup, QUndoStack
from PySide6.QtWidgets import QMenu

from studio.contract.gallery_records import GalleryChangeDone
from studio.contract.gallery_state import GalleryState

UNDO_LIMIT = 100  # steps; the worker keeps a few more (studio.backend.gallery.history)


class GalleryCommand(QUndoCommand):
    def __init__(self, gallery: GalleryState, done: GalleryChangeDone) -> None:
        super().__init__(done.label)
        self.token = done.token
        self._gallery = gallery
        self._made = True  # the worker already made the change when the command was pushed

    def redo(self) -> None:
        if self._made:
            self._made = False  # later redos are real
            return
        self._gallery.sig_request_redo.emit(self.token)

    def undo(self) -> None:
        self._gallery.sig_request_undo.emit(self.token)


class GalleryUndo(QObject):
    """The stack, and Undo/Redo actions that work while `set_active(True)`."""

    def __init__(self, gallery: GalleryState, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._gallery = gallery
        self.stack = QUndoStack(self)
        self.stack.setUndoLimit(UNDO_LIMIT)
        self._group = QUndoGroup(self)
        self._group.addStack(self.stack)
        self.undo_action: QAction = self._group.createUndoAction(self, "Undo")
        self.redo_action: QAction = self._group.createRedoAction(self, "Redo")
        self.undo_action.setShortcuts(_keys(QKeySequence.StandardKey.Undo, "Ctrl+Z"))
        self.redo_action.setShortcuts(_keys(QKeySequence.StandardKey.Redo, "Ctrl+Shift+Z"))
        self.undo_action.setIconText("Undo")  # toolbars stay narrow; menus say what is undone
        self.redo_action.setIconText("Redo")
        self.undo_action.setStatusTip("Undo the last change to the gallery")
        self.redo_action.setStatusTip("Redo the last undone change to the gallery")
        gallery.sig_change_done.connect(self._on_change_done)
        gallery.sig_history_reset.connect(self.stack.clear)

    def set_active(self, active: bool) -> None:
        self._group.setActiveStack(self.stack if active else None)

    def is_active(self) -> bool:
        return self._group.activeStack() is self.stack

    def _on_change_done(self, done: GalleryChangeDone) -> None:
        self.stack.push(GalleryCommand(self._gallery, done))


def _keys(standard: QKeySequence.StandardKey, fallback: str) -> list[QKeySequence]:
    keys = [key for key in QKeySequence.keyBindings(standard) if not key.isEmpty()]
    extra = QKeySequence(fallback)
    return keys if extra in keys else [*keys, extra]


def add_to_edit_menu(before: QAction, undo: QAction, redo: QAction) -> None:
    """Put Undo and Redo at the top of the menu that holds `before` (the main window's Edit
    menu, which holds Preferences), followed by a separator."""
    for menu in before.associatedObjects():
        if isinstance(menu, QMenu):
            menu.insertActions(before, [undo, redo])
            menu.insertSeparator(before)
