"""The Gallery's grid: thumbnails that play on hover (or always), reordered by drag and drop.

Dropping items between others asks for a new order (`sig_reorder`); dropping image files asks
for a remix (`sig_images_dropped`). Nothing is moved here: the worker changes the gallery and
the next listing shows it, so the grid never disagrees with the file on disk.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QModelIndex, QPoint, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QDrag,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QImage,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from studio.panels.gallery.drops import dropped_images
from studio.panels.gallery.model import IMAGE_ROLE, ITEM_ROLE, GalleryModel, dragged_ids
from studio.panels.gallery.ordering import dropped_at
from studio.widgets.qimage import checkerboard_brush

TICK_MS = 40  # 25 Hz: fine enough for any item's frame rate we show in thumbnails
PADDING = 6
DEFAULT_THUMBNAIL = 144
DRAG_THUMBNAIL = 64


def fit_square(image: QImage, box: QRect) -> QRect:
    """The largest rect of the image's aspect inside `box`, centred; whole-number enlargements
    when the box is bigger, so pixels stay square."""
    width, height = max(1, image.width()), max(1, image.height())
    scale = min(box.width() / width, box.height() / height)
    if scale >= 1:
        scale = int(scale)
    size = QSize(max(1, int(width * scale)), max(1, int(height * scale)))
    return QRect(box.x() + (box.width() - size.width()) // 2,
                 box.y() + (box.height() - size.height()) // 2, size.width(), size.height())


class ThumbnailDelegate(QStyledItemDelegate):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.thumbnail = DEFAULT_THUMBNAIL
        self._checkerboard = checkerboard_brush(6)

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        text_height = option.fontMetrics.height()
        return QSize(self.thumbnail + 2 * PADDING, self.thumbnail + text_height + 3 * PADDING)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        item, image = index.data(ITEM_ROLE), index.data(IMAGE_ROLE)
        if item is None or image is None:
            return
        painter.save()
        palette, rect = option.palette, option.rect
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        if selected or option.state & QStyle.StateFlag.State_MouseOver:
            colour = QColor(palette.color(QPalette.ColorRole.Highlight))
            colour.setAlpha(255 if selected else 60)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setBrush(colour)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.drawRoundedRect(rect.adjusted(1, 1, -1, -1), 6, 6)
        box = QRect(rect.x() + PADDING, rect.y() + PADDING, self.thumbnail, self.thumbnail)
        target = fit_square(image, box)
        if item.frames.shape[-1] == 4:
            painter.setBrushOrigin(target.topLeft())
            painter.fillRect(target, self._checkerboard)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform,
                              target.width() < image.width())
        painter.drawImage(target, image)
        self._paint_badges(painter, option, item, target)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.setPen(palette.color(role))
        text_rect = QRect(rect.x() + PADDING, box.bottom() + PADDING, self.thumbnail,
                          option.fontMetrics.height())
        name = option.fontMetrics.elidedText(item.name, Qt.TextElideMode.ElideRight,
                                             text_rect.width())
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignHCenter, name)
        painter.restore()

    def _paint_badges(self, painter: QPainter, option: QStyleOptionViewItem, item,
                      target: QRect) -> None:
        """"▶ 48" on animations; an orange corner on items made by an earlier model."""
        metrics = option.fontMetrics
        if item.animated:
            text = f"▶ {item.frame_count}"
            badge = QRect(target.x() + 3, target.y() + 3, metrics.horizontalAdvance(text) + 8,
                          metrics.height() + 2)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(0, 0, 0, 150))
            painter.drawRoundedRect(badge, 4, 4)
            painter.setPen(QColor("white"))
            painter.drawText(badge, Qt.AlignmentFlag.AlignCenter, text)
        if not item.current_model:
            painter.setPen(QPen(QColor("#e37400"), 2))
            painter.setBrush(QColor("#e37400"))
            corner = QRect(target.right() - 11, target.y() + 3, 8, 8)
            painter.drawEllipse(corner)


class GalleryGrid(QListView):
    sig_reorder = Signal(object)
    """tuple[str, ...]: every item id in the order a drop asks for."""
    sig_images_dropped = Signal(object)
    """list[str]: image files dropped from outside (to remix)."""

    def __init__(self, model: GalleryModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.gallery_model = model
        self.delegate = ThumbnailDelegate(self)
        self.animate_all = False
        self._hovered = ""
        self._drop_row = -1  # where an internal drop would insert, for the marker
        self.setModel(model)
        self.setItemDelegate(self.delegate)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setMovement(QListView.Movement.Static)  # order comes from the gallery, not drags
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setWrapping(True)
        self.setUniformItemSizes(True)
        self.setSpacing(4)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setMouseTracking(True)
        self.viewport().setAcceptDrops(True)  # drag events reach a scroll area's viewport
        self._timer = QTimer(self)
        self._timer.setInterval(TICK_MS)
        self._timer.timeout.connect(self._on_tick)

    # --- animation ----------------------------------------------------------------------------
    def set_animate_all(self, on: bool) -> None:
        self.animate_all = on
        self._on_tick()

    def set_thumbnail_size(self, size: int) -> None:
        self.delegate.thumbnail = size
        self.scheduleDelayedItemsLayout()  # uniform sizes are cached: lay out again
        self.viewport().update()

    def playing_ids(self) -> set[str]:
        """Items that play now: the hovered one, or every visible one with "animate all"."""
        if not self.animate_all:
            return {self._hovered} if self._hovered else set()
        area = self.viewport().rect()
        model = self.gallery_model
        return {item.id for row, item in enumerate(model.items())
                if self.visualRect(model.index(row)).intersects(area)}

    def _on_tick(self) -> None:
        animating = self.gallery_model.advance(time.monotonic() * 1000.0, self.playing_ids())
        if animating and self.isVisible() and not self._timer.isActive():
            self._timer.start()
        elif not animating:
            self._timer.stop()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        index = self.indexAt(event.position().toPoint())
        hovered = index.data(ITEM_ROLE).id if index.isValid() else ""
        if hovered != self._hovered:
            self._hovered = hovered
            self._on_tick()
        super().mouseMoveEvent(event)

    def leaveEvent(self, event: QEvent) -> None:
        self._hovered = ""
        self._on_tick()
        super().leaveEvent(event)

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._on_tick()

    def hideEvent(self, event) -> None:
        self._timer.stop()  # nothing plays where nobody looks
        super().hideEvent(event)

    # --- drag and drop ------------------------------------------------------------------------
    def drop_row(self, pos: QPoint) -> int:
        """The row a drop at `pos` inserts before: the item under it, or the one after when on
        its right half; the end when below every item."""
        model = self.gallery_model
        index = self.indexAt(pos)
        if index.isValid():
            rect = self.visualRect(index)
            return index.row() + (1 if pos.x() > rect.center().x() else 0)
        for row in range(model.rowCount()):
            rect = self.visualRect(model.index(row))
            if pos.y() < rect.top() or (pos.y() <= rect.bottom() and pos.x() < rect.left()):
                return row
        return model.rowCount()

    def startDrag(self, supported: Qt.DropAction) -> None:
        """Drag the selected items with a small thumbnail beside the cursor, so the insertion
        marker stays visible (Qt's icon view would paint the whole cells under it)."""
        indexes = self.selectedIndexes()
        if not indexes:
            return
        current = self.currentIndex()
        image = (current if current in indexes else indexes[0]).data(IMAGE_ROLE)
        drag = QDrag(self)
        drag.setMimeData(self.gallery_model.mimeData(indexes))
        drag.setPixmap(QPixmap.fromImage(image.scaled(
            DRAG_THUMBNAIL, DRAG_THUMBNAIL, Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation)))
        drag.setHotSpot(QPoint(-12, -12))  # below and right of the pointer
        drag.exec(Qt.DropAction.MoveAction | Qt.DropAction.CopyAction, Qt.DropAction.MoveAction)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if dragged_ids(event.mimeData()) or dropped_images(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if dragged_ids(event.mimeData()):
            self._drop_row = self.drop_row(event.position().toPoint())
            self.viewport().update()
            event.acceptProposedAction()
        elif dropped_images(event.mimeData()):
            event.acceptProposedAction()
        else:
            event.ignore()

    def dragLeaveEvent(self, event) -> None:
        self._drop_row = -1
        self.viewport().update()
        super().dragLeaveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        ids, images = dragged_ids(event.mimeData()), dropped_images(event.mimeData())
        self._drop_row = -1
        self.viewport().update()
        if ids:
            order = tuple(item.id for item in self.gallery_model.items())
            row = self.drop_row(event.position().toPoint())
            # Copy, not Move: the view must not delete the dragged rows itself.
            event.setDropAction(Qt.DropAction.CopyAction)
            event.accept()
            new_order = dropped_at(order, ids, row)
            if new_order != order:
                self.sig_reorder.emit(new_order)
        elif images:
            event.acceptProposedAction()
            self.sig_images_dropped.emit(images)
        else:
            event.ignore()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if self._drop_row < 0 or not self.gallery_model.rowCount():
            return
        count = self.gallery_model.rowCount()
        rect = self.visualRect(self.gallery_model.index(min(self._drop_row, count - 1)))
        x = rect.left() - 3 if self._drop_row < count else rect.right() + 3
        painter = QPainter(self.viewport())
        painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Highlight), 3))
        painter.drawLine(x, rect.top() + 4, x, rect.bottom() - 4)
        painter.end()
