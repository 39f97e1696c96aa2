"""The Canvas panel: animations through latent space, new samples and attribute edits.

A view over `AppState.map` (studio.contract.map_state.MapState). A path drawn on the Map
arrives as a PathRecord and is rendered into frames by the worker (`path_frames`); keyframes
picked from the Map selection (or from samples) are joined by slerp, lerp or norm-lerp. The
frames play on the Stage (filmstrip, scrub, loop, ping-pong) with each frame's nearest real
image; anything shown can go to the gallery with its recipe. Nothing here touches the model
or a thread.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QScrollArea, QSplitter, QStackedWidget, QVBoxLayout, QWidget

from models.records import frozen_array
from studio.contract.app_state import AppState
from studio.contract.canvas_records import FramesKind, FramesRequest, FramesResult
from studio.contract.gallery_records import GallerySource
from studio.contract.map_records import CurrentImage, MapData, MapStage, MapStatus, PathRecord
from studio.contract.project_records import ProjectInfo
from studio.panels.canvas import animation as anim
from studio.panels.canvas.animator import Animator
from studio.panels.canvas.gallery_box import GalleryBox
from studio.panels.canvas.generate import AttributeBox, SampleBox
from studio.panels.canvas.generation import Generation
from studio.panels.canvas.keyframes import KeyframeList
from studio.panels.canvas.labels_box import LabelsBox
from studio.panels.canvas.pages import CanvasMessage
from studio.panels.canvas.stage import Stage
from studio.panels.canvas.transfer import LabelTransfer
from studio.widgets.collapsible import CollapsibleSection

RERENDER_DELAY_MS = 150  # settings clicked through quickly cause one render
TOOLS_WIDTH = 330


class CanvasPanel(QWidget):
    def __init__(self, state: AppState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self._map = state.map
        self._canvas = state.canvas
        self._project_path = ""
        self._path: PathRecord | None = None
        # generation, source, label and easing of the latest frames request
        self._pending: tuple[int, GallerySource | None, str, str] = (0, None, "", "linear")
        self._generation = 0  # of the latest frames request; older answers are dropped
        self.message = CanvasMessage()
        self.stage = Stage()
        self.animator = Animator(self.stage, self._map, self)
        self.keyframes = KeyframeList()
        self.sampler = SampleBox()
        self.attributes = AttributeBox()
        self.gallery = GalleryBox()
        self.labels = LabelsBox()
        self.generation = Generation(state.map, state.canvas, self.sampler, self.attributes,
                                     self.animator.current_latent, self)
        self.transfer = LabelTransfer(state.canvas, self.labels, self._current_code, self)
        self._pages = QStackedWidget()
        self._pages.addWidget(self.message)
        self._pages.addWidget(self._build_workspace())
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self._pages)
        self._render_timer = self._timer(RERENDER_DELAY_MS, self._request_frames)
        self._space = QShortcut(QKeySequence(Qt.Key.Key_Space), self)
        self._space.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self._connect_signals()
        self._on_project_changed(state.project)
        self._update_mode()
        self._on_status(self._map.status)
        if self._map.data is not None:
            self._on_map_ready(self._map.data)

    def _timer(self, interval: int, slot) -> QTimer:
        timer = QTimer(self)
        timer.setSingleShot(True)
        timer.setInterval(interval)
        timer.timeout.connect(slot)
        return timer

    def _build_workspace(self) -> QWidget:
        tools = QWidget()
        column = QVBoxLayout(tools)
        for title, widget, expanded in (("Add to gallery", self.gallery, True),
                                        ("Labels", self.labels, True),
                                        ("Keyframes", self.keyframes, True),
                                        ("Sample new images", self.sampler, True),
                                        ("Attributes", self.attributes, False)):
            section = CollapsibleSection(title, widget, expanded=expanded)
            column.addWidget(section)
            if widget is self.labels:
                self._labels_section = section  # shown only for a model with labels
        column.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(tools)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(TOOLS_WIDTH)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.stage)
        splitter.addWidget(scroll)
        splitter.setStretchFactor(0, 1)
        return splitter

    def _connect_signals(self) -> None:
        m, st, k = self._map, self.stage, self.keyframes
        self._state.sig_project_changed.connect(self._on_project_changed)
        m.sig_status.connect(self._on_status)
        m.sig_map_ready.connect(self._on_map_ready)
        m.sig_cluster_names.connect(self._on_cluster_names)
        m.sig_path_drawn.connect(self._on_path_drawn)
        self._canvas.sig_frames.connect(self._on_frames)
        m.sig_selection_changed.connect(self._on_selection_changed)
        m.sig_image_picked.connect(self._on_current_image)
        self.animator.sig_frame_point.connect(m.sig_mark_point)
        st.mode.activated.connect(self._on_mode_changed)
        st.frames.valueChanged.connect(self._on_frames_changed)
        st.easing.activated.connect(self._schedule_render)
        k.sig_changed.connect(self._on_keyframes_changed)
        k.add_selection.clicked.connect(self._on_add_selection)
        k.add_current.clicked.connect(self._on_add_current)
        self.generation.sig_show.connect(self._show)
        self.transfer.sig_show.connect(self._show)
        self.transfer.sig_animate.connect(self._on_animate_blend)
        self.gallery.sig_add.connect(self._on_add_to_gallery)
        st.filmstrip.itemSelectionChanged.connect(self._update_gallery)
        self._space.activated.connect(self.animator.player.toggle)

    # --- project and map --------------------------------------------------------------------
    def _on_project_changed(self, info: ProjectInfo | None) -> None:
        path = "" if info is None else info.path
        names = () if info is None else info.config.labels.names
        if path != self._project_path:  # another project: its latents mean nothing here
            self._project_path = path
            self._path = None
            self.keyframes.clear_all()
            self.generation.clear()
            self._show(None)
        if names != self.transfer.names:
            self.transfer.set_labels(names)
            self.sampler.set_labels(names)
            self.stage.allow_mode(FramesKind.BLEND, len(names) >= 2)
        self._labels_section.setVisible(len(names) >= 2)

    def _on_status(self, status: MapStatus) -> None:
        waiting = status.stage in (MapStage.NONE, MapStage.UNTRAINED)
        if waiting:
            self.message.show_message(status.message)
        self._pages.setCurrentIndex(0 if waiting else 1)
        self.keyframes.add_selection.setEnabled(status.stage == MapStage.READY)

    def _on_map_ready(self, data: MapData) -> None:
        self.sampler.set_clusters(data.cluster_names)  # the animator reads the map from MapState

    def _on_cluster_names(self, names: tuple[str, ...]) -> None:
        self.sampler.set_clusters(names)

    # --- animations -------------------------------------------------------------------------
    def _on_path_drawn(self, record: PathRecord) -> None:
        self._path = record
        self.stage.set_mode(FramesKind.PATH)
        self._update_mode()
        self.stage.frames.blockSignals(True)
        self.stage.frames.setValue(record.frames)
        self.stage.frames.blockSignals(False)
        self._request_frames()

    def _on_mode_changed(self) -> None:
        self._update_mode()
        self._schedule_render()

    def _update_mode(self) -> None:
        along_path = self.stage.mode_key() == FramesKind.PATH
        self.stage.easing.setEnabled(not along_path)
        self.stage.easing.setToolTip("Paths move at a constant speed on the map" if along_path
                                     else "How the motion speeds up and slows down at each "
                                          "keyframe")

    def _on_frames_changed(self, frames: int) -> None:
        self._canvas.path_frames = frames  # paths drawn from now on, and saved ones, use it
        self._schedule_render()

    def _on_keyframes_changed(self) -> None:
        if self.stage.mode_key() != FramesKind.PATH:
            self._schedule_render()

    def _schedule_render(self) -> None:
        self._render_timer.start()

    def _request_frames(self) -> None:
        kind, frames = self.stage.mode_key(), self.stage.frames.value()
        self._generation += 1
        generation = self._generation
        easing = "linear"
        if kind == FramesKind.BLEND:
            made = self.transfer.frames_request(frames, generation, self.stage.easing_key())
            if made is None:
                self.stage.caption.setText("Pick an image, choose two labels under “Labels”, "
                                           "then “Animate the blend”.")
                return
            request, source, label = made
            easing = request.easing
        elif kind == FramesKind.PATH:
            if self._path is None:
                self.stage.caption.setText("Draw a path on the Map to animate it.")
                return
            path = dataclasses.replace(self._path, frames=frames)
            request = FramesRequest(kind, frames, generation, path=path)
            source, label = anim.path_source(path), path.name or "Path drawn on the map"
        else:
            keyframes = self.keyframes.keyframes()
            if len(keyframes) < 2:
                self.stage.caption.setText("Add at least two keyframes (select images on the "
                                           "Map, then “Add map selection”).")
                return
            easing = self.stage.easing_key()
            request = FramesRequest(kind, frames, generation, easing=easing,
                                    keyframes=frozen_array(self.keyframes.latents()))
            source = anim.keyframe_source(kind, keyframes)
            label = f"{anim.MODE_LABELS[kind]} through {len(keyframes)} keyframes"
        self._pending = (generation, source, label, easing)
        self.stage.caption.setText(f"{label}: drawing {frames} frames…")
        self._canvas.sig_request_frames.emit(request)

    def _on_frames(self, result: FramesResult) -> None:
        generation, source, label, easing = self._pending
        if result.generation != generation or source is None:
            return  # an answer to a request since replaced
        self._show(anim.from_frames(result, source, label, easing), autoplay=True)

    def _show(self, animation: anim.Animation | None, autoplay: bool = False) -> None:
        self.animator.show(animation, autoplay)
        text = "" if animation is None else (
            f"{animation.label} · {len(animation)} frame{'s' if len(animation) != 1 else ''}")
        self.stage.caption.setText(text)
        self._update_gallery()

    def _on_current_image(self, current: CurrentImage) -> None:
        self._show(anim.from_image(current))

    def _current_code(self) -> tuple[np.ndarray, int | None] | None:
        """The code of the frame shown, and the training image it is, if it is one."""
        animation, latent = self.animator.animation, self.animator.current_latent()
        if animation is None or latent is None:
            return None
        indices = animation.source.image_indices
        one_image = len(animation) == 1 and len(indices) == 1
        return latent, (int(indices[0]) if one_image else None)

    def _on_animate_blend(self) -> None:
        self.stage.set_mode(FramesKind.BLEND)
        self._update_mode()
        self._request_frames()

    # --- keyframes ----------------------------------------------------------------------------
    def _on_selection_changed(self, indices: np.ndarray) -> None:
        count = len(indices)
        self.keyframes.add_selection.setText(f"Add map selection ({count})" if count
                                             else "Add map selection")

    def _on_add_selection(self) -> None:
        data, chosen = self._map.data, self._map.selection
        if data is None or not len(chosen):
            return
        self.keyframes.add([CurrentImage(data.latents[i], data.thumbnails[i],
                                         f"Image {int(i) + 1:,}", int(i)) for i in chosen])
        if self.stage.mode_key() == FramesKind.PATH:
            self.stage.set_mode(FramesKind.SLERP)
            self._update_mode()
            self._schedule_render()

    def _on_add_current(self) -> None:
        animation, index = self.animator.animation, self.animator.current_index()
        if animation is not None and len(animation):
            self.keyframes.add([CurrentImage(animation.latents[index], animation.images[index],
                                             f"{animation.label}, frame {index + 1}")])

    # --- gallery ------------------------------------------------------------------------------
    def _on_add_to_gallery(self, what: str) -> None:
        animation = self.animator.animation
        if animation is None or not len(animation):
            return
        rows = {"frame": np.array([self.animator.current_index()]),
                "picked": self.stage.filmstrip.picked_rows(),
                "animation": np.arange(len(animation))}[what]
        if not len(rows):
            return
        name = self.gallery.name.text().strip() or animation.label
        st = self.stage
        request = anim.gallery_request(animation, rows, name, st.fps.value(),
                                       st.loop.isChecked(), st.pingpong.isChecked())
        self._state.gallery.sig_request_add.emit(request)
        self.gallery.show_note(f"Sent “{name}” ({len(rows)} frame"
                               f"{'s' if len(rows) != 1 else ''}) to the gallery.")

    def _update_gallery(self) -> None:
        count = 0 if self.animator.animation is None else len(self.animator.animation)
        self.gallery.update_buttons(count, len(self.stage.filmstrip.picked_rows()))
