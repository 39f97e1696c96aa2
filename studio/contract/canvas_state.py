"""The Canvas panel's signal hub: `AppState.canvas`, on the UI thread.

The Canvas asks the worker's map service (studio/backend/map/) for animations, new images and
attribute edits; the answers come back on the result signals, queued. Payloads are the records
of `studio.contract.canvas_records`.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from studio.contract.map_records import DEFAULT_FRAMES


class CanvasState(QObject):
    # --- requests, UI -> worker (queued) -------------------------------------------------
    sig_request_frames = Signal(object)
    """FramesRequest: an animation along a path or through keyframes."""
    sig_request_sample = Signal(object)
    """SampleRequest."""
    sig_request_attribute = Signal(object)
    """AttributeRequest."""
    sig_request_label_strip = Signal(object)
    """LabelStripRequest: the current image under every label (a labelled model)."""
    sig_request_label_blend = Signal(object)
    """LabelBlendRequest: the current image between two labels."""
    sig_request_save_direction = Signal(object)
    """DirectionRequest."""
    sig_request_delete_direction = Signal(str)
    sig_request_list_directions = Signal()

    # --- results, worker -> UI (queued) -----------------------------------------------------
    sig_frames = Signal(object)
    """FramesResult answering a FramesRequest."""
    sig_generated = Signal(object)
    """GeneratedResult: samples, attribute edits, a label strip or a label blend."""
    sig_directions = Signal(object)
    """tuple[str, ...]: names of the attribute directions saved in the project."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.path_frames = DEFAULT_FRAMES  # frames of a path's animation: set by the Canvas,
        # used by the Map for the paths drawn from now on and for saved ones
