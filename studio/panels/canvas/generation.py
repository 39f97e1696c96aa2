"""Requests behind the Canvas's sample and attribute boxes, and what to do with the answers.

Each kind of request carries a generation number; an answer to an older request (the person
sampled again, or moved the strength slider on) is dropped. A picked result is handed back as
a still Animation through `sig_show`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal

from models.records import frozen_array
from studio.contract.canvas_records import (
    AttributeRequest,
    DirectionRequest,
    GeneratedKind,
    GeneratedResult,
    SampleRequest,
)
from studio.contract.canvas_state import CanvasState
from studio.contract.map_state import MapState
from studio.panels.canvas import animation as anim
from studio.panels.canvas.answers import LatestAnswers
from studio.panels.canvas.generate import AttributeBox, SampleBox

APPLY_DELAY_MS = 60  # attribute slider: the latest strength wins


class Generation(QObject):
    sig_show = Signal(object)
    """anim.Animation: a sample or an attribute edit picked from a grid."""

    def __init__(self, map_state: MapState, canvas: CanvasState, sampler: SampleBox,
                 attributes: AttributeBox, current_latent: Callable[[], np.ndarray | None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._map = map_state  # its selection: the two sides of a direction
        self._canvas = canvas
        self.sampler, self.attributes = sampler, attributes
        self._current_latent = current_latent
        self._answers: LatestAnswers[str] = LatestAnswers("sample", "attribute")
        self._sides = {"a": np.zeros(0, np.int64), "b": np.zeros(0, np.int64)}
        self._wanted_direction = ""  # a direction just saved: select it once it is listed
        self._apply_timer = QTimer(self)
        self._apply_timer.setSingleShot(True)
        self._apply_timer.setInterval(APPLY_DELAY_MS)
        a = attributes
        self._apply_timer.timeout.connect(self.request_attribute)
        canvas.sig_generated.connect(self._on_generated)
        canvas.sig_directions.connect(self._on_directions)
        sampler.sig_sample.connect(self._on_sample)
        sampler.sig_picked.connect(lambda row: self._pick("sample", row))
        a.sig_set_a.connect(lambda: self._on_set_side("a"))
        a.sig_set_b.connect(lambda: self._on_set_side("b"))
        a.sig_save.connect(self._on_save_direction)
        a.sig_delete.connect(canvas.sig_request_delete_direction)
        a.sig_apply.connect(self._apply_timer.start)
        a.sig_picked.connect(lambda row: self._pick("attribute", row))

    def clear(self) -> None:
        """Another project: its samples and edits mean nothing any more."""
        self._answers.clear()
        self.sampler.grid.set_images(None)
        self.attributes.grid.set_images(None)
        self._sides = {"a": np.zeros(0, np.int64), "b": np.zeros(0, np.int64)}
        self.attributes.set_counts(0, 0)

    def _on_sample(self) -> None:
        s = self.sampler
        self._canvas.sig_request_sample.emit(SampleRequest(
            s.count.value(), s.temperature.value(), s.seed.value(), self._answers.next("sample"),
            s.cluster(), s.label()))
        s.grid.set_placeholder("Sampling…")

    def _on_generated(self, result: GeneratedResult) -> None:
        if result.kind in (GeneratedKind.TRANSFER, GeneratedKind.BLEND):
            return  # the label transfer's (studio.panels.canvas.transfer)
        kind = "attribute" if result.kind == GeneratedKind.ATTRIBUTE else "sample"
        if not self._answers.accept(kind, result):
            return  # an answer to a request since replaced
        grid = self.attributes.grid if kind == "attribute" else self.sampler.grid
        grid.set_images(result.images)

    def _pick(self, kind: str, row: int) -> None:
        result = self._answers.picked(kind, row)
        if result is not None:
            self.sig_show.emit(anim.from_generated(result, row))

    def _on_set_side(self, side: str) -> None:
        self._sides[side] = np.array(self._map.selection, np.int64)
        self.attributes.set_counts(len(self._sides["a"]), len(self._sides["b"]))

    def _on_save_direction(self, name: str) -> None:
        self._wanted_direction = name
        self._canvas.sig_request_save_direction.emit(DirectionRequest(
            name, frozen_array(self._sides["a"]), frozen_array(self._sides["b"])))

    def _on_directions(self, names: tuple[str, ...]) -> None:
        self.attributes.set_directions(names)
        if self._wanted_direction in names:
            self.attributes.directions.setCurrentText(self._wanted_direction)
            self._wanted_direction = ""
            self._apply_timer.start()

    def request_attribute(self) -> None:
        """Apply the chosen direction to the Canvas's current image at the slider's strengths."""
        code, name = self._current_latent(), self.attributes.direction()
        if code is None or not name:
            return
        self._canvas.sig_request_attribute.emit(AttributeRequest(
            frozen_array(code), name, frozen_array(self.attributes.strengths()),
            self._answers.next("attribute")))
