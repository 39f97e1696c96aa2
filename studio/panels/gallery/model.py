"""The Gallery's item model: the listing's items in order, each with the frame it shows now.

A view over GalleryListing records; it never changes the gallery itself (drops and edits go to
the worker as requests). Animated thumbnails: `advance` moves the frame of the items asked to
play, at each item's own frame rate, and repaints only the rows whose frame changed.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractListModel, QMimeData, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QImage

from studio.contract.gallery_records import ListedItem
from studio.panels.gallery.timing import frame_at
from studio.widgets.qimage import array_to_qimage

ID_ROLE = Qt.ItemDataRole.UserRole + 1  # the item id (str)
ITEM_ROLE = Qt.ItemDataRole.UserRole + 2  # the ListedItem
IMAGE_ROLE = Qt.ItemDataRole.UserRole + 3  # QImage of the frame shown now
IDS_MIME = "application/x-latentia-gallery-ids"  # dragged item ids, one per line

Index = QModelIndex | QPersistentModelIndex


def describe_item(item: ListedItem) -> str:
    """One line: "Animation · 48 frames · 24 fps" or "Still"."""
    if not item.animated:
        return "Still"
    return f"Animation · {item.frame_count} frames · {item.item.settings.fps:g} fps"


class GalleryModel(QAbstractListModel):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._items: list[ListedItem] = []
        self._shown: dict[str, int] = {}  # item id -> frame shown now (0 unless playing)
        self._started: dict[str, float] = {}  # item id -> ms when it started playing

    # --- contents -----------------------------------------------------------------------------
    def set_items(self, items: tuple[ListedItem, ...]) -> None:
        """Show `items`; a mere reorder keeps the selection (persistent indexes follow)."""
        old = [item.id for item in self._items]
        new = [item.id for item in items]
        if old == new:
            self._items = list(items)
            if items:
                self.dataChanged.emit(self.index(0), self.index(len(items) - 1))
        elif sorted(old) == sorted(new):
            self.layoutAboutToBeChanged.emit()
            moved = self.persistentIndexList()
            rows = {item_id: row for row, item_id in enumerate(new)}
            self._items = list(items)
            self.changePersistentIndexList(
                moved, [self.index(rows[old[index.row()]]) for index in moved])
            self.layoutChanged.emit()
        else:
            self.beginResetModel()
            self._items = list(items)
            self.endResetModel()
        alive = set(new)
        self._shown = {k: v for k, v in self._shown.items() if k in alive}
        self._started = {k: v for k, v in self._started.items() if k in alive}

    def items(self) -> tuple[ListedItem, ...]:
        return tuple(self._items)

    def row_of(self, item_id: str) -> int:
        return next((row for row, item in enumerate(self._items) if item.id == item_id), -1)

    def frame_shown(self, item_id: str) -> int:
        return self._shown.get(item_id, 0)

    # --- animation ----------------------------------------------------------------------------
    def advance(self, now_ms: float, playing: set[str]) -> bool:
        """Show the current frame of each item in `playing`, frame 0 of the others.
        True while something animates."""
        animating = False
        for row, item in enumerate(self._items):
            if item.id in playing and item.frame_count > 1:
                animating = True
                start = self._started.setdefault(item.id, now_ms)
                settings = item.item.settings
                frame = frame_at(now_ms - start, item.frame_count, settings.fps,
                                 settings.pingpong)
            else:
                self._started.pop(item.id, None)
                frame = 0
            if self._shown.get(item.id, 0) != frame:
                self._shown[item.id] = frame
                self.dataChanged.emit(self.index(row), self.index(row), [IMAGE_ROLE])
        return animating

    # --- Qt model API -------------------------------------------------------------------------
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008 (Qt's signature)
        return 0 if parent.isValid() else len(self._items)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._items):
            return None
        item = self._items[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return item.name
        if role == Qt.ItemDataRole.ToolTipRole:
            stale = "" if item.current_model else "\nMade by an earlier model: Regenerate to update"
            return f"{item.name}\n{describe_item(item)}{stale}"
        if role == ID_ROLE:
            return item.id
        if role == ITEM_ROLE:
            return item
        if role == IMAGE_ROLE:
            return self._image(item)
        return None

    def _image(self, item: ListedItem) -> QImage:
        frame = min(self._shown.get(item.id, 0), item.frame_count - 1)
        return array_to_qimage(item.frames[frame])  # views the read-only frames we keep

    def flags(self, index: Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.ItemIsDropEnabled  # drops land between items, never on one
        return (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                | Qt.ItemFlag.ItemIsDragEnabled)

    def mimeTypes(self) -> list[str]:
        return [IDS_MIME]

    def mimeData(self, indexes: list[QModelIndex]) -> QMimeData:
        mime = QMimeData()
        rows = sorted({index.row() for index in indexes if index.isValid()})
        ids = "\n".join(self._items[row].id for row in rows)
        mime.setData(IDS_MIME, ids.encode("ascii"))
        return mime

    def supportedDragActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction | Qt.DropAction.CopyAction


def dragged_ids(mime: QMimeData) -> tuple[str, ...]:
    """The item ids carried by a drag from the grid ("" lines dropped)."""
    if not mime.hasFormat(IDS_MIME):
        return ()
    text = bytes(mime.data(IDS_MIME).data()).decode("ascii", errors="replace")
    return tuple(line for line in text.splitlines() if line)
