"""The export dialog and its checks, and the Regenerate dialog, without a worker."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from studio.contract.gallery_records import GalleryExportRequest, GifEstimate
from studio.panels.gallery.dialogs import RegenerateDialog
from studio.panels.gallery.export_dialog import ExportDialog
from studio.panels.gallery.export_form import ExportSpec, safe_file_name, validate, with_suffix
from tests.studio.test_gallery_parts import CAPS


def spec(fmt: str, frames: int = 12, **changes) -> ExportSpec:
    return ExportSpec(item_id="a", item_name="walk", format=fmt, frame_count=frames,
                      image_size=32, capabilities=changes.pop("capabilities", CAPS), **changes)


def test_export_names_and_suffixes():
    assert safe_file_name('a/b: "c"?') == "a_b_ _c_"
    assert safe_file_name(" .. ") == "export"
    assert with_suffix("gif", "/tmp/walk") == "/tmp/walk.gif"
    assert with_suffix("apng", "/tmp/walk.apng") == "/tmp/walk.apng"
    assert with_suffix("frames_dir", "/tmp/walk") == "/tmp/walk"


def test_validate_explains_each_problem(tmp_path):
    ok = GalleryExportRequest("a", "gif", str(tmp_path / "w.gif"))
    assert validate(spec("gif"), ok) == []
    cases = {
        "": "Choose where",
        "w.gif": "full path",
        str(tmp_path / "missing" / "w.gif"): "does not exist",
        str(tmp_path): "is a folder",
    }
    for path, expected in cases.items():
        problems = validate(spec("gif"), GalleryExportRequest("a", "gif", path))
        assert len(problems) == 1 and expected in problems[0], path
    fast = GalleryExportRequest("a", "gif", str(tmp_path / "w.gif"), fps=60.0)
    assert "at most 50 fps" in validate(spec("gif"), fast)[0]
    small = GalleryExportRequest("a", "sheet", str(tmp_path / "s.png"), columns=3, rows=3)
    assert "holds 9 frames" in validate(spec("sheet"), small)[0]
    huge = GalleryExportRequest("a", "sheet", str(tmp_path / "s.png"), scale=8)
    tiny_limit = spec("sheet", capabilities=replace(CAPS, max_pixels=100_000))
    assert "lower the scale" in validate(tiny_limit, huge)[0]


def test_export_dialog_disables_ok_until_the_input_is_valid(qtbot, tmp_path):
    dialog = ExportDialog(spec("gif"))
    qtbot.addWidget(dialog)
    dialog.path_edit.setText(str(tmp_path / "nowhere" / "walk.gif"))
    assert not dialog.ok_button.isEnabled()
    assert "does not exist" in dialog.problems_label.text()
    dialog.path_edit.setText(str(tmp_path / "walk"))
    assert dialog.ok_button.isEnabled() and dialog.problems_label.isHidden()
    dialog.fps.setValue(75.0)
    assert not dialog.ok_button.isEnabled() and "50 fps" in dialog.problems_label.text()
    dialog.fps.setValue(12.0)
    dialog.loop_forever.setChecked(False)
    dialog.plays.setValue(3)
    dialog.pingpong.setChecked(True)
    dialog.hold_last.setValue(500)
    request = dialog.request()
    assert request.path == str(tmp_path / "walk.gif") and request.loop == 3
    assert request.pingpong and request.hold_last_ms == 500 and request.fps == 12.0
    assert "22 frames" in dialog.summary_label.text()  # ping-pong of 12 frames
    assert not dialog.form.isRowVisible(dialog.columns)


def test_export_dialog_shows_the_worker_estimate(qtbot, state, tmp_path):
    dialog = ExportDialog(spec("gif"), state.gallery)
    qtbot.addWidget(dialog)
    dialog.path_edit.setText(str(tmp_path / "walk.gif"))
    with qtbot.waitSignal(state.gallery.sig_request_gif_estimate, timeout=2000) as asked:
        pass
    state.gallery.sig_gif_estimate.emit(GifEstimate(asked.args[0], 3 * 1024 * 1024, 12))
    assert dialog.estimate_label.text() == "about 3.0 MB (12 frames)"


def test_sheet_and_still_dialogs_show_their_own_fields(qtbot, tmp_path):
    sheet = ExportDialog(spec("sheet"))
    qtbot.addWidget(sheet)
    assert sheet.form.isRowVisible(sheet.spacing) and not sheet.form.isRowVisible(sheet.fps)
    sheet.path_edit.setText(str(tmp_path / "s.png"))
    sheet.columns.setValue(5)
    sheet.spacing.setValue(2)
    assert sheet.summary_label.text().startswith("168 × 100 px")  # 5 x 3 cells of 32 px
    still = ExportDialog(spec("png", frames=1))
    qtbot.addWidget(still)
    assert not still.form.isRowVisible(still.frame) and not still.form.isRowVisible(still.fps)


def test_regenerate_dialog_is_honest_about_resolution(qtbot):
    dialog = RegenerateDialog(("a",), ["walk"], 64, 1200)
    qtbot.addWidget(dialog)
    higher = dialog.resolution.model().item(1)
    assert not higher.isEnabled() and "64 px images only" in higher.toolTip()
    assert dialog.request().image_size is None


@pytest.mark.parametrize("fmt", ["png", "gif", "webp", "apng", "frames_dir"])
def test_export_dialog_requests_have_the_right_suffix(qtbot, tmp_path, fmt):
    dialog = ExportDialog(spec(fmt))
    qtbot.addWidget(dialog)
    dialog.path_edit.setText(str(tmp_path / "out"))
    suffix = Path(dialog.request().path).suffix
    assert suffix == {"png": ".png", "gif": ".gif", "webp": ".webp", "apng": ".png",
                      "frames_dir": ""}[fmt]
    assert dialog.ok_button.isEnabled()
