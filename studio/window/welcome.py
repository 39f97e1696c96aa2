"""The start page shown while no project is open: new, open, recent projects and the demo."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QFont, QPainter, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from models.project_files import PROJECT_SUFFIX
from studio.icons import app_icon, themed_icon

PATH_ROLE = Qt.ItemDataRole.UserRole
CONTENT_WIDTH = 820


def _scaled_font(widget: QWidget, factor: float, bold: bool = False) -> QFont:
    font = QFont(widget.font())
    font.setPointSizeF(font.pointSizeF() * factor)
    font.setBold(bold)
    return font


def _heading(text: str) -> QLabel:
    label = QLabel(text)
    label.setFont(_scaled_font(label, 1.1, bold=True))
    return label


class ActionButton(QPushButton):
    """A large flat button: an icon, a bold title and one line of explanation."""

    def __init__(self, icon_name: str, title: str, detail: str,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.icon_name = icon_name
        self.setAccessibleName(title)
        self.setToolTip(detail)
        self.setFlat(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        # Palette roles only, so hover and focus read in light and dark themes alike.
        self.setStyleSheet("ActionButton { border: 1px solid transparent; border-radius: 6px; }"
                           "ActionButton:hover, ActionButton:focus {"
                           " background: palette(alternate-base); border-color: palette(mid); }")
        self.icon_label = QLabel()
        self.title_label = QLabel(title)
        self.title_label.setFont(_scaled_font(self, 1.05, bold=True))
        self.detail_label = QLabel(detail)
        self.detail_label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        texts = QVBoxLayout()
        texts.setSpacing(2)
        texts.addWidget(self.title_label)
        texts.addWidget(self.detail_label)
        row = QHBoxLayout(self)
        row.setContentsMargins(10, 8, 10, 8)
        row.setSpacing(12)
        row.addWidget(self.icon_label)
        row.addLayout(texts, 1)
        for label in (self.icon_label, self.title_label, self.detail_label):
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setMinimumHeight(self.sizeHint().height())
        self.update_icon()

    def sizeHint(self) -> QSize:
        return self.layout().sizeHint() if self.layout() is not None else super().sizeHint()

    def update_icon(self) -> None:
        accent = self.palette().color(QPalette.ColorRole.Highlight)
        self.icon_label.setPixmap(themed_icon(self.icon_name, accent).pixmap(32, 32))


class RecentProjectDelegate(QStyledItemDelegate):
    """Two lines per project: its name in bold, its folder below in the placeholder colour."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        path = Path(index.data(PATH_ROLE))
        text_option = QStyleOptionViewItem(option)
        self.initStyleOption(text_option, index)
        text_option.text = ""
        widget = option.widget
        style = widget.style() if widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, text_option, painter, widget)
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        palette = option.palette
        rect = option.rect.adjusted(10, 4, -10, -4)
        half = rect.height() // 2
        painter.save()
        painter.setFont(_scaled_font(widget, 1.0, bold=True))
        painter.setPen(palette.color(QPalette.ColorRole.HighlightedText if selected
                                     else QPalette.ColorRole.Text))
        painter.drawText(rect.adjusted(0, 0, 0, -half), Qt.AlignmentFlag.AlignVCenter,
                         path.name.removesuffix(PROJECT_SUFFIX))
        if not selected:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
        painter.setFont(widget.font())
        folder = painter.fontMetrics().elidedText(str(path.parent), Qt.TextElideMode.ElideMiddle,
                                                  rect.width())
        painter.drawText(rect.adjusted(0, half, 0, 0), Qt.AlignmentFlag.AlignVCenter, folder)
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        return QSize(200, option.fontMetrics.height() * 2 + 14)


class WelcomeView(QWidget):
    sig_new_project = Signal()
    """The user wants a new project from a folder of images."""
    sig_open_project = Signal()
    """The user wants to pick a project to open."""
    sig_open_demo = Signal()
    """The user wants to try the bundled demo project."""
    sig_open_recent = Signal(str)
    """Path of a recent project to open."""
    sig_clear_recent = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.new_button = ActionButton("new", "New project from folder…",
                                       "Train a model on a folder of your images")
        self.open_button = ActionButton("open", "Open project…",
                                        "Continue with a project or a shared model")
        self.demo_button = ActionButton("demo", "Try the demo",
                                        "A small trained model of drawn shapes, ready in seconds")
        self.recent_list = QListWidget()
        self.recent_list.setAlternatingRowColors(True)
        self.recent_list.setUniformItemSizes(True)
        self.recent_list.setItemDelegate(RecentProjectDelegate(self.recent_list))
        self.recent_empty = QLabel("Projects you open appear here.")
        self.recent_empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.recent_empty.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.recent_empty.setFrameShape(QFrame.Shape.StyledPanel)
        self.recent_pages = QStackedWidget()
        self.recent_pages.addWidget(self.recent_empty)
        self.recent_pages.addWidget(self.recent_list)
        self.clear_button = QToolButton()
        self.clear_button.setText("Clear list")
        self.clear_button.setAutoRaise(True)
        self._build_layout()
        self.new_button.clicked.connect(self.sig_new_project)
        self.open_button.clicked.connect(self.sig_open_project)
        self.demo_button.clicked.connect(self.sig_open_demo)
        self.recent_list.itemActivated.connect(self._on_recent_activated)
        self.clear_button.clicked.connect(self.sig_clear_recent)
        self.set_recent_projects([])

    @staticmethod
    def _header() -> QVBoxLayout:
        title = QLabel("Latentia")
        title.setFont(_scaled_font(title, 2.2, bold=True))
        tagline = QLabel("Train a generative model on your own images, then explore what it "
                         "learned.")
        tagline.setWordWrap(True)
        header = QVBoxLayout()
        header.addWidget(title)
        header.addWidget(tagline)
        return header

    def _build_layout(self) -> None:
        logo = QLabel()
        logo.setPixmap(app_icon().pixmap(64, 64))
        hint = QLabel("Tip: drop a folder of images or a project anywhere on this window.")
        hint.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        start = QVBoxLayout()
        start.setSpacing(4)
        start.addWidget(_heading("Start"))
        for button in (self.new_button, self.open_button, self.demo_button):
            start.addWidget(button)
        start.addStretch(1)
        recent = QGridLayout()
        recent.addWidget(_heading("Recent projects"), 0, 0)
        recent.addWidget(self.clear_button, 0, 1, Qt.AlignmentFlag.AlignRight)
        recent.addWidget(self.recent_pages, 1, 0, 1, 2)
        grid = QGridLayout()
        grid.setHorizontalSpacing(32)
        grid.setVerticalSpacing(12)
        grid.addWidget(logo, 0, 0, Qt.AlignmentFlag.AlignTop)
        grid.addLayout(self._header(), 0, 1, 1, 2)
        grid.addLayout(start, 1, 0, 1, 2)
        grid.addLayout(recent, 1, 2)
        grid.addWidget(hint, 2, 0, 1, 3)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        content = QFrame()
        content.setMaximumWidth(CONTENT_WIDTH)
        content.setLayout(grid)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(32, 32, 32, 32)
        outer.addStretch(1)
        outer.addWidget(content, 0, Qt.AlignmentFlag.AlignHCenter)
        outer.addStretch(2)

    def set_recent_projects(self, paths: list[str]) -> None:
        self.recent_list.clear()
        for path in paths:
            item = QListWidgetItem(Path(path).name)
            item.setData(PATH_ROLE, path)
            item.setToolTip(path)
            self.recent_list.addItem(item)
        self.recent_pages.setCurrentWidget(self.recent_list if paths else self.recent_empty)
        self.clear_button.setVisible(bool(paths))

    def recent_projects(self) -> list[str]:
        return [self.recent_list.item(i).data(PATH_ROLE) for i in range(self.recent_list.count())]

    def set_demo_available(self, available: bool) -> None:
        self.demo_button.setEnabled(available)
        self.demo_button.setToolTip("" if available else
                                    "The demo project is not installed with this copy.")

    def _on_recent_activated(self, item: QListWidgetItem) -> None:
        self.sig_open_recent.emit(item.data(PATH_ROLE))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            for button in (self.new_button, self.open_button, self.demo_button):
                button.update_icon()
        super().changeEvent(event)
