"""Style transfer requests of the Canvas (a model trained with labels): the current image under
every label, its label blended by the slider, and the blend as an animation on the Stage.

The image worked on is the Canvas's current frame when the person asks; its code's label part
is replaced by the worker (`models.transfer`). Answers to older requests are dropped.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from models.records import frozen_array
from studio.contract.canvas_records import (
    FramesKind,
    FramesRequest,
    GeneratedKind,
    GeneratedResult,
    LabelBlendRequest,
    LabelStripRequest,
)
from studio.contract.canvas_state import CanvasState
from studio.contract.gallery_records import GallerySource
from studio.panels.canvas import animation as anim
from studio.panels.canvas.answers import LatestAnswers
from studio.panels.canvas.labels_box import LabelsBox

BLEND_DELAY_MS = 60  # the slider: the latest position wins


class LabelTransfer(QObject):
    sig_show = Signal(object)
    """anim.Animation: a picked image of the strip, or the blend."""
    sig_animate = Signal()
    """Render the blend as an animation (the Stage's mode is now "label blend")."""

    def __init__(self, canvas: CanvasState, box: LabelsBox,
                 current: Callable[[], tuple[np.ndarray, int | None] | None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._canvas, self.box = canvas, box
        self._current = current  # the Canvas's current code and its training image, if any
        self._answers = LatestAnswers(GeneratedKind.TRANSFER, GeneratedKind.BLEND)
        self._blend_source: tuple[np.ndarray, int | None] | None = None  # what "Animate" took
        self.names: tuple[str, ...] = ()
        self._blend_timer = QTimer(self)
        self._blend_timer.setSingleShot(True)
        self._blend_timer.setInterval(BLEND_DELAY_MS)
        self._blend_timer.timeout.connect(self.request_blend)
        canvas.sig_generated.connect(self._on_generated)
        box.sig_strip.connect(self.request_strip)
        box.sig_blend.connect(self._blend_timer.start)
        box.sig_contrast.connect(self._on_contrast)
        box.sig_animate.connect(self._on_animate)
        box.sig_strip_picked.connect(lambda row: self._pick(GeneratedKind.TRANSFER, row))
        box.sig_blend_picked.connect(lambda: self._pick(GeneratedKind.BLEND, 0))

    def set_labels(self, names: tuple[str, ...]) -> None:
        """The open model's labels; () when it has none (or another project opened)."""
        self.names = tuple(names)
        self._answers.clear()
        self._blend_source = None
        self.box.set_labels(self.names)

    def request_strip(self) -> None:
        current = self._current()
        if current is None or not self.names:
            self.box.strip.set_placeholder("Pick an image first (on the Map, or a sample).")
            return
        code, index = current
        self._canvas.sig_request_label_strip.emit(LabelStripRequest(
            frozen_array(code), self._answers.next(GeneratedKind.TRANSFER), index,
            self.box.contrast_value()))
        self.box.strip.set_placeholder("Drawing…")

    def request_blend(self) -> None:
        current = self._current()
        first, second = self.box.labels()
        if current is None or len(self.names) < 2 or min(first, second) < 0:
            return
        code, index = current
        self._canvas.sig_request_label_blend.emit(LabelBlendRequest(
            frozen_array(code), first, second, self.box.amount_value(),
            self._answers.next(GeneratedKind.BLEND), index, self.box.contrast_value()))

    def _on_contrast(self) -> None:
        """Redraw what is shown with the new contrast: the blend, and the strip if one is
        shown (of the current image)."""
        self._blend_timer.start()
        if self.box.strip.image_count():
            self.request_strip()

    def _on_generated(self, result: GeneratedResult) -> None:
        kind = result.kind
        if not self._answers.accept(kind, result):
            return  # not ours, or an answer to a request since replaced
        grid = self.box.strip if kind == GeneratedKind.TRANSFER else self.box.blended
        grid.set_images(result.images)

    def _pick(self, kind: GeneratedKind, row: int) -> None:
        result = self._answers.picked(kind, row)
        if result is not None:
            self.sig_show.emit(anim.from_generated(result, row))

    def _on_animate(self) -> None:
        self._blend_source = self._current()
        if self._blend_source is not None:
            self.sig_animate.emit()

    def frames_request(self, frames: int, generation: int, easing: str
                       ) -> tuple[FramesRequest, GallerySource, str] | None:
        """The blend animation of the image taken by "Animate", with the labels chosen now;
        None before an image was taken."""
        first, second = self.box.labels()
        if self._blend_source is None or len(self.names) < 2 or min(first, second) < 0:
            return None
        code, index = self._blend_source
        request = FramesRequest(FramesKind.BLEND, frames, generation, easing=easing,
                                keyframes=frozen_array(np.asarray(code, np.float32)[None]),
                                blend=(first, second), contrast=self.box.contrast_value())
        source = GallerySource(kind=str(GeneratedKind.BLEND),
                               image_indices=() if index is None else (index,),
                               labels=(self.names[first], self.names[second]))
        return request, source, f"From “{self.names[first]}” to “{self.names[second]}”"
