"""Helpers for the Map and Canvas tests: hand-made map records, a worker stand-in that answers
MapState requests at once, mouse gestures on a pyqtgraph view, and a tiny trained project.

Also tests the helpers' own assumptions (a hand-made map is a valid MapData)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from models.records import frozen_array
from studio.contract.app_state import AppState
from studio.contract.canvas_records import FramesKind, FramesResult, GeneratedKind, GeneratedResult
from studio.contract.map_records import ImagePair, MapData, MapStage, MapStatus, PointsDecoded

SIZE, LATENT = 8, 4


def make_map_data(count: int = 60, k: int = 3, seed: int = 0) -> MapData:
    """`count` images in `k` well separated blobs, images coloured by cluster."""
    rng = np.random.default_rng(seed)
    labels = np.arange(count) % k
    centres = np.array([[-4.0, 0.0], [4.0, 0.0], [0.0, 5.0], [0.0, -5.0]])[:k]
    points = (centres[labels] + rng.normal(scale=0.5, size=(count, 2))).astype(np.float32)
    thumbnails = np.zeros((count, SIZE, SIZE, 3), np.uint8)
    thumbnails[..., 0] = (labels * 80)[:, None, None]
    thumbnails[..., 1] = (np.arange(count) % 256)[:, None, None]
    latents = rng.normal(size=(count, LATENT)).astype(np.float32)
    latents[:, 0] += labels * 3.0
    density = rng.random((16, 16)).astype(np.float32)
    return MapData(
        method="pca", points=frozen_array(points), labels=frozen_array(labels.astype(np.int64)),
        cluster_names=tuple(f"Cluster {i + 1}" for i in range(k)),
        representatives=frozen_array(np.arange(k, dtype=np.int64)),
        latents=frozen_array(latents), thumbnails=frozen_array(thumbnails),
        density=frozen_array(density), density_bounds=(-8.0, 8.0, -8.0, 8.0), image_size=SIZE,
        auto_k=True)


def image_for(point: np.ndarray) -> np.ndarray:
    """A recognisable image for a map point: its red channel encodes x."""
    image = np.zeros((SIZE, SIZE, 3), np.uint8)
    image[..., 0] = int(np.clip(128 + 10 * point[0], 0, 255))
    return image


class InstantWorker:
    """Answers MapState and CanvasState requests synchronously on the UI thread, like the map
    service would, and records them. `hold` keeps decode answers back until `release()`."""

    def __init__(self, state: AppState, data: MapData) -> None:
        self.map_state, self.canvas, self.data = state.map, state.canvas, data
        self.requests: dict[str, list] = {}
        self.hold = False
        self.held: list = []
        m, c = self.map_state, self.canvas
        m.sig_request_points_decode.connect(self._on_decode)
        c.sig_request_frames.connect(self._on_frames)
        m.sig_request_reconstruction.connect(self._on_reconstruction)
        c.sig_request_sample.connect(self._on_sample)
        c.sig_request_attribute.connect(self._on_attribute)
        for hub, names in ((m, ("build", "save_path", "load_path", "rename_path", "delete_path",
                                "rename_cluster")), (c, ("save_direction", "delete_direction"))):
            for name in names:
                getattr(hub, f"sig_request_{name}").connect(
                    lambda *args, name=name: self._log(name, args[0] if len(args) == 1 else args))

    def publish(self) -> None:
        self.map_state.sig_map_reported.emit(self.data)
        self.map_state.sig_status_reported.emit(MapStatus(MapStage.READY))

    def _log(self, kind: str, request) -> None:
        self.requests.setdefault(kind, []).append(request)

    def _on_decode(self, request) -> None:
        self._log("decode", request)
        if self.hold:
            self.held.append(request)
            return
        self._answer_decode(request)

    def release(self) -> None:
        held, self.held = self.held, []
        for request in held:
            self._answer_decode(request)

    def _answer_decode(self, request) -> None:
        images = np.stack([image_for(p) for p in request.points])
        self.map_state.sig_points_decoded.emit(PointsDecoded(
            request.points, frozen_array(images), request.generation, 0.001))

    def _on_frames(self, request) -> None:
        self._log("frames", request)
        n = request.frames
        latents = np.linspace(0, 1, n * LATENT, dtype=np.float32).reshape(n, LATENT)
        images = np.zeros((n, SIZE, SIZE, 3), np.uint8)
        images[..., 1] = np.arange(n, dtype=np.uint8)[:, None, None]
        points = None
        if request.kind == FramesKind.PATH:
            start, end = request.path.points[0], request.path.points[-1]
            points = np.linspace(start, end, n).astype(np.float32)
        self.canvas.sig_frames.emit(FramesResult(
            request.kind, request.generation, frozen_array(latents), frozen_array(images),
            None if points is None else frozen_array(points),
            frozen_array(np.arange(n, dtype=np.int64) % self.data.count)))

    def _on_reconstruction(self, index: int) -> None:
        self._log("reconstruction", index)
        image = self.data.thumbnails[index]
        self.map_state.sig_reconstruction.emit(ImagePair(index, image, 255 - image))

    def _on_sample(self, request) -> None:
        self._log("sample", request)
        latents = np.arange(request.n * LATENT, dtype=np.float32).reshape(request.n, LATENT)
        images = np.full((request.n, SIZE, SIZE, 3), 7, np.uint8)
        self.canvas.sig_generated.emit(GeneratedResult(
            GeneratedKind.SAMPLE if request.cluster is None else GeneratedKind.CLUSTER,
            request.generation,
            frozen_array(latents), frozen_array(images), temperature=request.temperature,
            seeds=tuple(request.seed + i for i in range(request.n)), cluster=request.cluster))

    def _on_attribute(self, request) -> None:
        self._log("attribute", request)
        latents = np.stack([request.code + s for s in request.strengths]).astype(np.float32)
        images = np.full((len(latents), SIZE, SIZE, 3), 9, np.uint8)
        self.canvas.sig_generated.emit(GeneratedResult(
            GeneratedKind.ATTRIBUTE, request.generation, frozen_array(latents),
            frozen_array(images), attribute=request.name,
            strengths=tuple(float(s) for s in request.strengths)))


# --- mouse gestures on a pyqtgraph view ---------------------------------------------------------
def view_to_widget(plot, point) -> QPoint:
    """Viewport pixel of map point `point` on a MapPlot."""
    scene = plot.view_box.mapViewToScene(QPointF(float(point[0]), float(point[1])))
    return plot.graphics.mapFromScene(scene)


def send_mouse(widget, kind: QEvent.Type, pos: QPoint, button: Qt.MouseButton,
               buttons: Qt.MouseButton,
               modifiers: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    local = QPointF(pos)
    event = QMouseEvent(kind, local, widget.mapToGlobal(local), button, buttons, modifiers)
    QApplication.sendEvent(widget, event)


def drag(qtbot, plot, points, modifiers=Qt.KeyboardModifier.NoModifier,
         button=Qt.MouseButton.LeftButton, step_ms: int = 12) -> None:
    """Press at points[0], move through the others (waiting out pyqtgraph's move rate limit),
    release at the last: a real drag as the scene sees it."""
    viewport = plot.graphics.viewport()
    pixels = [view_to_widget(plot, p) for p in points]
    send_mouse(viewport, QEvent.Type.MouseButtonPress, pixels[0], button, button, modifiers)
    for pixel in pixels[1:]:
        qtbot.wait(step_ms)
        send_mouse(viewport, QEvent.Type.MouseMove, pixel, Qt.MouseButton.NoButton, button,
                   modifiers)
    qtbot.wait(step_ms)
    send_mouse(viewport, QEvent.Type.MouseButtonRelease, pixels[-1], button,
               Qt.MouseButton.NoButton, modifiers)


def click(qtbot, plot, point, button=Qt.MouseButton.LeftButton, double: bool = False) -> None:
    viewport = plot.graphics.viewport()
    pixel = view_to_widget(plot, point)
    send_mouse(viewport, QEvent.Type.MouseButtonPress, pixel, button, button)
    send_mouse(viewport, QEvent.Type.MouseButtonRelease, pixel, button, Qt.MouseButton.NoButton)
    if double:
        send_mouse(viewport, QEvent.Type.MouseButtonDblClick, pixel, button, button)
        send_mouse(viewport, QEvent.Type.MouseButtonRelease, pixel, button,
                   Qt.MouseButton.NoButton)
    qtbot.wait(5)


def hover(qtbot, plot, point) -> None:
    viewport = plot.graphics.viewport()
    qtbot.wait(12)
    send_mouse(viewport, QEvent.Type.MouseMove, view_to_widget(plot, point),
               Qt.MouseButton.NoButton, Qt.MouseButton.NoButton)


def test_hand_made_map_is_consistent():
    data = make_map_data(30, k=3)
    assert data.count == 30 and data.k == 3
    assert data.thumbnails.shape == (30, SIZE, SIZE, 3) and not data.points.flags.writeable
    renamed = data.with_cluster_names(("a", "b", "c"))
    assert renamed.cluster_names == ("a", "b", "c") and data.cluster_names[0] == "Cluster 1"
