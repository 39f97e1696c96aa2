"""The main window: start page or the four panels, menus, toolbar, status bar, drops, close.

A view over AppState like the panels: actions emit its requests, its result signals update the
title, the enabled actions and the page shown. It never touches the model or the worker.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

from PySide6.QtCore import QEvent, QMimeData, QTimer
from PySide6.QtGui import QCloseEvent, QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import QApplication, QMainWindow, QStackedWidget, QTabWidget, QWidget

from models.project_files import MODEL_SUFFIX
from studio.contract.app_state import AppState
from studio.contract.project_records import BackendInfo, ErrorRecord, ProjectInfo, TrainingState
from studio.demo import demo_available
from studio.icons import app_icon
from studio.panels.gallery.drops import dropped_images
from studio.settings import Settings
from studio.theme import apply_color_scheme
from studio.window.actions import (
    PANEL_NAMES,
    build_menus,
    build_toolbar,
    create_actions,
    refresh_icons,
)
from studio.window.dialogs import AboutDialog, ErrorDialog, UserGuideDialog
from studio.window.preferences_dialog import PreferencesDialog
from studio.window.project_commands import ProjectCommands
from studio.window.status_bar import AppStatusBar
from studio.window.welcome import WelcomeView

DEFAULT_SIZE = (1280, 800)
MINIMUM_SIZE = (960, 640)


class MainWindow(QMainWindow):
    def __init__(self, state: AppState, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self._settings = settings
        self.files = ProjectCommands(state, settings, self)  # before our slots: we read it
        self.backend_info: BackendInfo | None = None
        self.setWindowIcon(app_icon())
        self.setAcceptDrops(True)
        self.setMinimumSize(*MINIMUM_SIZE)
        self.welcome = WelcomeView()
        self.panels = QTabWidget()  # filled by ensure_panels(), after the first paint
        self.panels.setDocumentMode(True)
        self.pages = QStackedWidget()
        self.pages.addWidget(self.welcome)
        self.pages.addWidget(self.panels)
        self.setCentralWidget(self.pages)
        self.actions = create_actions(self)
        build_menus(self, self.actions)
        self.toolbar = build_toolbar(self, self.actions)
        self.status = AppStatusBar(state)
        self.setStatusBar(self.status)
        self._connect_signals()
        self._restore_window()
        self.welcome.set_demo_available(demo_available())
        self._update_recent()
        self._update_title()
        self._update_actions()

    def _connect_signals(self) -> None:
        a, s, w = self.actions, self._state, self.welcome
        f = self.files
        a.new_project.triggered.connect(f.new_project)
        a.open_project.triggered.connect(f.open_project)
        a.save.triggered.connect(f.save)
        a.save_as.triggered.connect(f.save_as)
        a.export_model.triggered.connect(f.export_model)
        a.quit.triggered.connect(self._on_quit)
        a.preferences.triggered.connect(self._on_preferences)
        a.start_page.triggered.connect(self._on_start_page)
        for index, action in enumerate(a.panels):
            action.triggered.connect(partial(self.show_panel, index))
        a.full_screen.toggled.connect(self._on_full_screen)
        a.train.triggered.connect(self._on_train)
        a.pause.triggered.connect(s.sig_request_pause)
        a.stop.triggered.connect(s.sig_request_stop)
        a.user_guide.triggered.connect(self._on_user_guide)
        a.about.triggered.connect(self._on_about)
        w.sig_new_project.connect(f.new_project)
        w.sig_open_project.connect(f.open_project)
        w.sig_open_demo.connect(f.try_demo)
        w.sig_open_recent.connect(f.open_path)
        w.sig_clear_recent.connect(self._on_clear_recent)
        f.sig_new_project_requested.connect(self._on_new_project_requested)
        s.sig_project_changed.connect(self._on_project_changed)
        s.sig_project_dirty.connect(self._on_project_dirty)
        s.sig_training_state.connect(self._on_training_state)
        s.sig_error.connect(self._on_error)
        s.gallery.sig_show_map.connect(partial(self.show_panel, PANEL_NAMES.index("Map")))

    # --- public -------------------------------------------------------------------------------
    def open_path(self, path: str) -> None:
        """Open a project or model file, or start a new project from a folder of images."""
        self.files.open_path(path)

    def ensure_panels(self) -> None:
        """Build the four panels (once). Deferred: the Train panel's plots import pyqtgraph,
        which would otherwise delay the first paint of the window."""
        if self.panels.count():
            return
        from studio.panels.canvas.panel import CanvasPanel
        from studio.panels.gallery.panel import GalleryPanel
        from studio.panels.gallery.undo import add_to_edit_menu
        from studio.panels.map.panel import MapPanel
        from studio.panels.train.panel import TrainPanel

        state = self._state
        gallery = GalleryPanel(state)
        add_to_edit_menu(self.actions.preferences, gallery.undo.undo_action,
                         gallery.undo.redo_action)  # active while the Gallery is shown
        panels = (TrainPanel(state), MapPanel(state), CanvasPanel(state), gallery)
        for name, panel in zip(PANEL_NAMES, panels, strict=True):
            self.panels.addTab(panel, name)
        self.panels.setCurrentIndex(self._settings.get("window/panel"))

    def show_panel(self, index: int) -> None:
        self.ensure_panels()
        self.pages.setCurrentWidget(self.panels)
        self.panels.setCurrentIndex(index)

    def set_backend_info(self, info: BackendInfo) -> None:
        self.backend_info = info

    # --- actions ------------------------------------------------------------------------------
    def _on_new_project_requested(self) -> None:
        self.show_panel(0)

    def _on_train(self) -> None:
        self.show_panel(0)
        project = self.files.project
        if self.files.training_state == TrainingState.PAUSED:
            self._state.sig_request_resume.emit()
        elif project is not None:
            self._state.sig_request_train.emit(project.config.train)

    def _on_quit(self) -> None:
        self.close()

    def _on_preferences(self) -> None:
        if PreferencesDialog.ask(self, self._settings):
            app = QApplication.instance()
            if isinstance(app, QApplication):
                apply_color_scheme(app, self._settings.get("appearance/color_scheme"))

    def _on_start_page(self) -> None:
        self.pages.setCurrentWidget(self.welcome)

    def _on_full_screen(self, on: bool) -> None:
        self.showFullScreen() if on else self.showNormal()

    def _on_user_guide(self) -> None:
        UserGuideDialog.ask(self)

    def _on_about(self) -> None:
        AboutDialog.ask(self, self.backend_info)

    def _on_clear_recent(self) -> None:
        self._settings.clear_recent_projects()
        self._update_recent()

    # --- state --------------------------------------------------------------------------------
    def _on_project_changed(self, info: ProjectInfo | None) -> None:
        if info is not None:
            self.ensure_panels()
            self.pages.setCurrentWidget(self.panels)
        else:
            self.pages.setCurrentWidget(self.welcome)
        self._update_recent()
        self._update_title()
        self._update_actions()

    def _on_project_dirty(self, _dirty: bool) -> None:
        self._update_title()

    def _on_training_state(self, _training_state: str) -> None:
        self._update_actions()

    def _on_error(self, record: ErrorRecord) -> None:
        ErrorDialog.ask(self, record)

    # --- redraws ------------------------------------------------------------------------------
    def _update_title(self) -> None:
        title, project = "Latentia", self.files.project
        if project is not None:
            title += f" — {project.name}" + ("*" if self.files.dirty else "")
        self.setWindowTitle(title)

    def _update_actions(self) -> None:
        a, project, training_state = self.actions, self.files.project, self.files.training_state
        trainable = project is not None and not self.files.is_model_file
        running = training_state == TrainingState.RUNNING
        a.save.setEnabled(trainable)
        a.save_as.setEnabled(trainable)
        a.export_model.setEnabled(project is not None and project.trained_steps > 0)
        a.train.setEnabled(trainable and not running)
        a.train.setIconText("Resume" if training_state == TrainingState.PAUSED else "Train")
        a.pause.setEnabled(running)
        a.stop.setEnabled(training_state.busy)

    def _update_recent(self) -> None:
        paths = self._settings.recent_projects()
        self.welcome.set_recent_projects(paths)
        menu = self.actions.recent_menu
        menu.clear()
        for number, path in enumerate(paths, start=1):
            action = menu.addAction(f"&{number % 10}  {Path(path).name}")
            action.setStatusTip(path)
            action.triggered.connect(partial(self.files.open_path, path))
        menu.addSeparator()
        menu.addAction("Clear recent projects", self._on_clear_recent).setEnabled(bool(paths))
        menu.setEnabled(bool(paths))

    # --- window events ------------------------------------------------------------------------
    def _restore_window(self) -> None:
        geometry = self._settings.get("window/geometry")
        if geometry.isEmpty() or not self.restoreGeometry(geometry):
            screen = QGuiApplication.primaryScreen()
            available = screen.availableGeometry() if screen is not None else None
            width, height = DEFAULT_SIZE
            if available is not None:
                width, height = min(width, available.width()), min(height, available.height())
            self.resize(max(width, MINIMUM_SIZE[0]), max(height, MINIMUM_SIZE[1]))
        self.restoreState(self._settings.get("window/state"))

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.files.confirm_discard():
            event.ignore()
            return
        self._settings.set("window/geometry", self.saveGeometry())
        self._settings.set("window/state", self.saveState())
        if self.panels.count():
            self._settings.set("window/panel", self.panels.currentIndex())
        self._settings.sync()
        event.accept()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            refresh_icons(self.actions)
        super().changeEvent(event)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if dropped_path(event.mimeData()) or dropped_images(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        path = dropped_path(event.mimeData())
        images = dropped_images(event.mimeData())
        if path:
            event.acceptProposedAction()
            # Later, so the drag finishes before a dialog opens.
            QTimer.singleShot(0, partial(self.files.open_path, path))
        elif images:  # an exported PNG: Remix finds its latent codes (shown in the Gallery)
            event.acceptProposedAction()
            self.show_panel(PANEL_NAMES.index("Gallery"))
            self._state.gallery.request_remix(images[0])


def dropped_path(mime: QMimeData) -> str:
    """The first dropped local folder or model file, or ""."""
    for url in mime.urls() if mime.hasUrls() else []:
        path = Path(url.toLocalFile()) if url.isLocalFile() else None
        if path is not None and (path.is_dir() or path.suffix == MODEL_SUFFIX):
            return str(path)
    return ""
