"""Labels in the Canvas and on the Map, over hand-made records: the strip of one image under
every label, the blend slider and its animation, sampling a label, colouring the map by label,
the legend, and naming a selection."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from models.config import LabelConfig
from models.records import frozen_array
from studio.contract.canvas_records import FramesKind, FramesResult, GeneratedKind, GeneratedResult
from studio.contract.map_records import CurrentImage, MapLabels
from studio.panels.canvas.panel import CanvasPanel
from studio.panels.map.panel import MapPanel
from tests.studio.conftest import make_project_info
from tests.studio.test_map_support import LATENT, SIZE, make_map_data

NAMES = ("circle", "square", "triangle")


def labelled_info(names: tuple[str, ...] = NAMES):
    info = make_project_info(trained_steps=10)
    config = info.config.with_labels(LabelConfig("folders", names))
    return dataclasses.replace(info, config=config, latent_dim=LATENT)


def labelled_map(count: int = 30):
    rows = np.arange(count) % 4 - 1  # -1 (no label), then circle, square, triangle
    return make_map_data(count, k=2).with_labels(MapLabels(NAMES, frozen_array(rows)))


class LabelWorker:
    """Answers the Canvas's label requests on the UI thread, as the map service would: image i
    of a strip has red = 60 * (i + 1), a blend's green = 255 * amount."""

    def __init__(self, state) -> None:
        self.canvas = state.canvas
        self.requests: dict[str, list] = {"strip": [], "blend": [], "frames": [], "sample": []}
        self.canvas.sig_request_label_strip.connect(self._on_strip)
        self.canvas.sig_request_label_blend.connect(self._on_blend)
        self.canvas.sig_request_frames.connect(self._on_frames)
        self.canvas.sig_request_sample.connect(lambda r: self.requests["sample"].append(r))

    def _on_strip(self, request) -> None:
        self.requests["strip"].append(request)
        images = np.zeros((3, SIZE, SIZE, 3), np.uint8)
        images[..., 0] = np.array([60, 120, 180], np.uint8)[:, None, None]
        codes = np.repeat(np.asarray(request.code)[None], 3, axis=0)
        self.canvas.sig_generated.emit(GeneratedResult(
            GeneratedKind.TRANSFER, request.generation, frozen_array(codes),
            frozen_array(images), labels=NAMES, image_index=request.image_index))

    def _on_blend(self, request) -> None:
        self.requests["blend"].append(request)
        image = np.zeros((1, SIZE, SIZE, 3), np.uint8)
        image[..., 1] = int(255 * request.amount)
        self.canvas.sig_generated.emit(GeneratedResult(
            GeneratedKind.BLEND, request.generation, frozen_array(request.code[None]),
            frozen_array(image), strengths=(request.amount,),
            labels=(NAMES[request.first], NAMES[request.second])))

    def _on_frames(self, request) -> None:
        self.requests["frames"].append(request)
        n = request.frames
        latents = np.repeat(np.asarray(request.keyframes[:1]), n, axis=0)
        self.canvas.sig_frames.emit(FramesResult(
            request.kind, request.generation, frozen_array(latents),
            frozen_array(np.zeros((n, SIZE, SIZE, 3), np.uint8)), None, None))


@pytest.fixture
def canvas(qtbot, state):
    state.sig_project_reported.emit(labelled_info())
    panel = CanvasPanel(state)
    qtbot.addWidget(panel)
    panel.resize(1100, 800)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def pick_image(state, index: int = 4) -> np.ndarray:
    code = np.linspace(-1, 1, LATENT).astype(np.float32)
    state.map.sig_image_picked.emit(CurrentImage(frozen_array(code), np.zeros((SIZE, SIZE, 3),
                                                                             np.uint8),
                                                 "Image 5", index))
    return code


def test_the_labels_section_is_there_only_for_a_model_with_labels(qtbot, state, canvas):
    assert not canvas._labels_section.isHidden()
    assert canvas.stage.mode.findData(FramesKind.BLEND) >= 0
    assert [canvas.sampler.source.itemText(i) for i in range(4)] == [
        "The whole model", "Label: circle", "Label: square", "Label: triangle"]
    state.sig_project_reported.emit(make_project_info(trained_steps=10, path="/p/b.latentia"))
    assert canvas._labels_section.isHidden()
    assert canvas.stage.mode.findData(FramesKind.BLEND) < 0


def test_the_strip_shows_the_current_image_under_every_label(qtbot, state, canvas):
    worker = LabelWorker(state)
    code = pick_image(state)
    qtbot.mouseClick(canvas.labels.strip_button, qtbot_left())
    request = worker.requests["strip"][-1]
    assert np.array_equal(request.code, code) and request.image_index == 4
    assert canvas.labels.strip.image_count() == 3
    canvas.labels.strip.sig_image_clicked.emit(1)  # the square one
    shown = canvas.animator.animation
    assert shown.label == "As “square”"
    assert shown.source.kind == "style transfer" and shown.source.labels == ("square",)
    assert shown.source.image_indices == (4,) and int(shown.images[0, 0, 0, 0]) == 120


def test_the_blend_slider_and_its_animation(qtbot, state, canvas):
    worker = LabelWorker(state)
    pick_image(state)
    box = canvas.labels
    box.second.setCurrentIndex(2)
    box.amount.setValue(25)
    qtbot.waitUntil(lambda: bool(worker.requests["blend"])
                    and worker.requests["blend"][-1].amount == 0.25, timeout=2000)
    request = worker.requests["blend"][-1]
    assert (request.first, request.second) == (0, 2)
    assert box.blended.image_count() == 1
    qtbot.mouseClick(box.animate, qtbot_left())
    frames = worker.requests["frames"][-1]
    assert frames.kind == FramesKind.BLEND and frames.blend == (0, 2)
    assert canvas.stage.mode_key() == FramesKind.BLEND
    assert canvas.stage.filmstrip.count() == frames.frames
    animation = canvas.animator.animation
    assert animation.source.kind == "label blend"
    assert animation.source.labels == ("circle", "triangle")
    with qtbot.waitSignal(state.gallery.sig_request_add) as added:
        canvas._on_add_to_gallery("animation")
    assert added.args[0].source.labels == ("circle", "triangle")
    assert len(added.args[0].latents) == frames.frames


def test_the_contrast_slider_redraws_the_strip_and_the_blend(qtbot, state, canvas):
    worker = LabelWorker(state)
    pick_image(state)
    box = canvas.labels
    assert box.contrast_value() == 0.0 and box.contrast.isEnabled()
    qtbot.mouseClick(box.strip_button, qtbot_left())
    assert worker.requests["strip"][-1].contrast == 0.0
    strips = len(worker.requests["strip"])
    box.contrast.setValue(box.contrast.maximum() // 2)
    assert box.contrast_label.text() == "0.50"
    assert len(worker.requests["strip"]) == strips + 1  # the strip shown is redrawn at once
    assert worker.requests["strip"][-1].contrast == 0.5
    qtbot.waitUntil(lambda: bool(worker.requests["blend"])
                    and worker.requests["blend"][-1].contrast == 0.5, timeout=2000)
    qtbot.mouseClick(box.animate, qtbot_left())
    assert worker.requests["frames"][-1].contrast == 0.5


def test_sampling_a_label(qtbot, state, canvas):
    worker = LabelWorker(state)
    canvas.sampler.source.setCurrentIndex(3)  # Label: triangle
    qtbot.mouseClick(canvas.sampler.sample, qtbot_left())
    request = worker.requests["sample"][-1]
    assert request.label == 2 and request.cluster is None


@pytest.fixture
def map_panel(qtbot, state):
    state.sig_project_reported.emit(labelled_info())
    panel = MapPanel(state)
    qtbot.addWidget(panel)
    panel.resize(1100, 800)
    panel.show()
    qtbot.waitExposed(panel)
    from tests.studio.test_map_support import InstantWorker

    worker = InstantWorker(state, labelled_map())
    worker.publish()
    return panel


def legend_rows(panel) -> list[tuple[str, str]]:
    legend = panel.sidebar.labels.legend
    return [(legend.topLevelItem(i).text(0), legend.topLevelItem(i).text(1))
            for i in range(legend.topLevelItemCount())]


def test_the_map_colours_by_label_with_a_legend(qtbot, state, map_panel):
    assert legend_rows(map_panel) == [("circle", "8"), ("square", "7"), ("triangle", "7"),
                                      ("(no label)", "8")]
    plot = map_panel.plot
    by_cluster = [plot.scatter.points()[i].brush().color().name() for i in (0, 1)]
    map_panel.sidebar.labels.by_label.setChecked(True)
    assert plot.colour_by == "label"
    unlabelled, circle = (plot.scatter.points()[i].brush().color().name() for i in (0, 1))
    assert unlabelled == "#a0a0a0" and circle != unlabelled and by_cluster != [unlabelled, circle]
    legend = map_panel.sidebar.labels.legend
    legend.itemClicked.emit(legend.topLevelItem(1), 0)  # square
    assert list(state.map.selection) == list(np.flatnonzero(np.arange(30) % 4 == 2))


def test_naming_the_selection_asks_the_worker_and_shows_the_answer(qtbot, state, map_panel):
    requests = []
    state.map.sig_request_name_images.connect(requests.append)
    state.map.set_selection(np.array([0, 4, 8], np.int64))
    box = map_panel.sidebar.labels
    assert box.name_selection.text() == "Label 3 selected"
    box.name.setText("blob")
    qtbot.mouseClick(box.name_selection, qtbot_left())
    assert requests[-1].name == "blob" and list(requests[-1].indices) == [0, 4, 8]
    rows = np.asarray(state.map.data.image_labels).copy()
    rows[[0, 4, 8]] = 3
    state.map.sig_labels_reported.emit(MapLabels((*NAMES, "blob"), frozen_array(rows)))
    assert ("blob", "3") in legend_rows(map_panel)
    assert state.map.data.label_names[-1] == "blob"


def qtbot_left():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def test_the_train_form_conditions_a_new_project_on_its_folders(qtbot):
    from studio.panels.train.settings_form import TrainSettingsForm

    form = TrainSettingsForm()
    qtbot.addWidget(form)
    assert form.project_config().labels.source == "none"
    form.labels.setCurrentIndex(form.labels.findData("paths"))
    config = form.project_config()
    assert config.labels == LabelConfig("paths") and config.vae.labels == 0  # read at creation
    labelled = config.with_labels(LabelConfig("folders", NAMES))
    form.load_project_config(labelled)
    assert form.labels.currentData() == "folders" and form.project_config() == labelled
    form.set_project_locked(True)
    assert not form.labels.isEnabled()  # a created project keeps its labels
    manual = config.with_labels(LabelConfig("manual", NAMES))
    form.load_project_config(manual)
    assert form.labels.currentData() == "manual" and form.project_config() == manual
    form.load_project_config(config)
    assert form.labels.findData("manual") < 0


def test_label_free_styles_are_offered_for_any_run_of_a_labelled_model(qtbot):
    from studio.panels.train.settings_form import TrainSettingsForm

    form = TrainSettingsForm()
    qtbot.addWidget(form)
    assert not form.style_maps.isEnabled()  # no labels chosen
    form.labels.setCurrentIndex(form.labels.findData("folders"))
    assert form.style_maps.isEnabled() and form.train_config().style_maps  # on by default
    with qtbot.waitSignal(form.sig_settings_changed):
        form.style_maps.setChecked(False)
    assert not form.train_config().style_maps
    form.labels.setCurrentIndex(form.labels.findData("none"))
    assert not form.style_maps.isEnabled()  # kept as set (and ignored without labels)
    assert not form.train_config().style_maps
    labelled = form.project_config().with_labels(LabelConfig("manual", NAMES))
    form.load_project_config(labelled.replace(train=labelled.train.replace(style_maps=True)))
    form.set_project_locked(True)  # the labels are fixed; the maps are fitted after each run
    assert form.style_maps.isChecked() and form.style_maps.isEnabled()
    form.style_maps.setChecked(False)
    assert not form.train_config().style_maps


def test_choosing_labels_makes_a_new_projects_code_the_style_size(qtbot):
    from models.config import LABELLED_LATENT_DIM, VAEConfig
    from studio.panels.train.settings_form import TrainSettingsForm

    form = TrainSettingsForm()
    qtbot.addWidget(form)
    assert form.project_config().vae.latent_dim == VAEConfig.latent_dim
    with qtbot.waitSignal(form.sig_settings_changed):
        form.labels.setCurrentIndex(form.labels.findData("folders"))
    assert form.project_config().vae.latent_dim == LABELLED_LATENT_DIM
    form.labels.setCurrentIndex(form.labels.findData("paths"))  # labelled still
    assert form.latent_dim.value() == LABELLED_LATENT_DIM
    form.labels.setCurrentIndex(form.labels.findData("none"))
    assert form.latent_dim.value() == VAEConfig.latent_dim
    form.latent_dim.setValue(64)  # the person's own size stays, whatever the labels
    form.labels.setCurrentIndex(form.labels.findData("folders"))
    assert form.project_config().vae.latent_dim == 64


def test_the_train_panel_names_the_style_and_the_labels_of_a_code(qtbot):
    from studio.panels.train.ingest_view import IngestReportView

    view = IngestReportView()
    qtbot.addWidget(view)
    view.show_project(dataclasses.replace(labelled_info(), latent_dim=8 + len(NAMES)))
    assert view.details.text().endswith("latent size 8 + 3 labels")
