"""The export dialog: one form for every format, showing only the settings that format has.

Input is checked as it is typed (`export_form.validate`): problems show inline and OK stays
disabled until there are none. For GIFs the expected file size is asked from the worker
(`estimate_gif_bytes` on the real frames). Open it with `ExportDialog.ask`.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from studio.contract.gallery_records import ANIMATED_FORMATS, GalleryExportRequest, GifEstimate
from studio.contract.gallery_state import GalleryState
from studio.panels.gallery.dialogs import ExportPathDialog
from studio.panels.gallery.export_form import (
    FORMAT_TITLES,
    ExportSpec,
    displayed_frames,
    output_size,
    suggested_path,
    validate,
    with_suffix,
)

ESTIMATE_DELAY_MS = 300  # wait for typing to pause before asking the worker
FOLDER_KEY, RESAMPLE_KEY, SCALE_KEY = "gallery/export_folder", "gallery/resample", "gallery/scale"
ERROR_STYLE = "color: #d93025;"


def human_bytes(size: int) -> str:
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("kB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} bytes"


class ExportDialog(QDialog):
    def __init__(self, spec: ExportSpec, gallery: GalleryState | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.spec, self._gallery = spec, gallery
        self.setWindowTitle(f"Export “{spec.item_name}” as {FORMAT_TITLES[spec.format]}")
        self.setMinimumWidth(520)
        self._build_fields(spec)
        self.estimate_label = QLabel()
        self.summary_label = QLabel()
        self.problems_label = QLabel()
        self.problems_label.setWordWrap(True)
        self.problems_label.setStyleSheet(ERROR_STYLE)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok_button.setText("Export")
        self._estimate_timer = QTimer(self)
        self._estimate_timer.setSingleShot(True)
        self._estimate_timer.setInterval(ESTIMATE_DELAY_MS)
        self._build_layout()
        self._show_rows(spec)
        self._connect_signals()
        self._update()

    def _build_fields(self, spec: ExportSpec) -> None:
        caps, settings = spec.capabilities, QSettings()
        folder = settings.value(FOLDER_KEY, str(Path.home()), type=str) or str(Path.home())
        self.path_edit = QLineEdit(suggested_path(folder, spec))
        self.browse_button = QPushButton("Browse…")
        self.scale = QSpinBox(minimum=1, maximum=caps.max_scale, suffix=" ×")
        self.scale.setValue(min(caps.max_scale, max(1, settings.value(SCALE_KEY, 1, type=int))))
        self.resample = QComboBox()
        self.resample.addItem("Smooth (Lanczos)", "lanczos")
        self.resample.addItem("Crisp pixels (nearest)", "nearest")
        chosen = self.resample.findData(settings.value(RESAMPLE_KEY, "lanczos", type=str))
        self.resample.setCurrentIndex(max(0, chosen))
        self.frame = QSpinBox(minimum=1, maximum=max(1, spec.frame_count))
        self.frame.setValue(spec.frame + 1)
        most = max(1, spec.frame_count)
        self.columns = QSpinBox(minimum=0, maximum=most, specialValueText="Auto")
        self.rows = QSpinBox(minimum=0, maximum=most, specialValueText="Auto")
        self.spacing = QSpinBox(minimum=0, maximum=caps.max_spacing, suffix=" px")
        self.fps = QDoubleSpinBox(minimum=0.1, maximum=caps.max_fps, decimals=1, suffix=" fps")
        self.fps.setValue(spec.fps)
        self.loop_forever = QCheckBox("Forever, or")
        self.loop_forever.setChecked(spec.loop == 0)
        self.plays = QSpinBox(minimum=1, maximum=caps.max_loop)
        self.plays.setValue(max(1, spec.loop))
        self.pingpong = QCheckBox("Play forwards, then backwards (ping-pong)")
        self.pingpong.setChecked(spec.pingpong)
        self.hold_first = QSpinBox(minimum=0, maximum=caps.max_hold_ms, singleStep=100,
                                   suffix=" ms")
        self.hold_last = QSpinBox(minimum=0, maximum=caps.max_hold_ms, singleStep=100,
                                  suffix=" ms")
        self.dither = QCheckBox("Dither (hides banding in gradients; larger file)")
        self.dither.setToolTip("A GIF has 256 colours: dithering mixes them so gradients do not "
                               "band. WebP and APNG keep every colour exactly.")
        self.dither.setChecked(True)

    def _build_layout(self) -> None:
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(self.browse_button)
        self.loop_row = QHBoxLayout()
        self.loop_row.addWidget(self.loop_forever)
        self.loop_row.addWidget(self.plays)
        self.loop_row.addWidget(QLabel("plays in all"))
        self.loop_row.addStretch(1)
        self.form = QFormLayout()
        self.form.addRow("Save as:", path_row)
        for label, widget in (("Scale:", self.scale), ("Enlarge with:", self.resample),
                              ("Frame:", self.frame), ("Columns:", self.columns),
                              ("Rows:", self.rows), ("Spacing:", self.spacing),
                              ("Frame rate:", self.fps)):
            self.form.addRow(label, widget)
        self.form.addRow("Loop:", self.loop_row)
        for label, widget in (("", self.pingpong), ("Hold first frame:", self.hold_first),
                              ("Hold last frame:", self.hold_last), ("", self.dither),
                              ("Estimated size:", self.estimate_label),
                              ("Output:", self.summary_label)):
            self.form.addRow(label, widget)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.problems_label)
        layout.addWidget(self.buttons)

    def _show_rows(self, spec: ExportSpec) -> None:
        fmt, animated = spec.format, spec.format in ANIMATED_FORMATS
        visible = {self.frame: fmt == "png" and spec.animated,
                   self.columns: fmt == "sheet", self.rows: fmt == "sheet",
                   self.spacing: fmt == "sheet", self.fps: animated,
                   self.loop_row: animated and fmt != "mp4",
                   self.pingpong: animated or fmt == "frames_dir",
                   self.hold_first: animated, self.hold_last: animated,
                   self.dither: fmt == "gif", self.estimate_label: fmt == "gif"}
        for widget, shown in visible.items():
            self.form.setRowVisible(widget, shown)

    def _connect_signals(self) -> None:
        self.buttons.accepted.connect(self._on_accept)
        self.buttons.rejected.connect(self.reject)
        self.browse_button.clicked.connect(self._on_browse)
        self.loop_forever.toggled.connect(self.plays.setDisabled)
        self._estimate_timer.timeout.connect(self._request_estimate)
        self.path_edit.textChanged.connect(self._update)
        for check in (self.loop_forever, self.pingpong, self.dither):
            check.toggled.connect(self._update)
        for spin in (self.scale, self.frame, self.columns, self.rows, self.spacing, self.plays,
                     self.hold_first, self.hold_last, self.fps):
            spin.valueChanged.connect(self._update)
        self.resample.currentIndexChanged.connect(self._update)
        if self._gallery is not None:
            self._gallery.sig_gif_estimate.connect(self._on_estimate)

    # --- the request --------------------------------------------------------------------------
    def request(self) -> GalleryExportRequest:
        """The export as the form stands (the path with the format's suffix)."""
        fmt = self.spec.format
        return GalleryExportRequest(
            item_id=self.spec.item_id, format=fmt,
            path=with_suffix(fmt, str(Path(self.path_edit.text().strip()).expanduser())
                             if self.path_edit.text().strip() else ""),
            scale=self.scale.value(), resample=self.resample.currentData(),
            frame=self.frame.value() - 1, fps=round(self.fps.value(), 1),
            loop=0 if self.loop_forever.isChecked() else self.plays.value(),
            pingpong=self.pingpong.isChecked() and self.spec.animated,
            hold_first_ms=self.hold_first.value(), hold_last_ms=self.hold_last.value(),
            dither=self.dither.isChecked(), columns=self.columns.value() or None,
            rows=self.rows.value() or None, spacing=self.spacing.value())

    def problems(self) -> list[str]:
        return validate(self.spec, self.request())

    def _update(self) -> None:
        self.plays.setDisabled(self.loop_forever.isChecked())
        problems = self.problems()
        self.problems_label.setText("\n".join(problems))
        self.problems_label.setVisible(bool(problems))
        self.ok_button.setEnabled(not problems)
        self._update_summary()
        if self.spec.format == "gif" and not problems and self._gallery is not None:
            self.estimate_label.setText("estimating…")
            self._estimate_timer.start()
        elif self.spec.format == "gif":
            self.estimate_label.setText("—")

    def _update_summary(self) -> None:
        request = self.request()
        width, height = output_size(self.spec, request)
        text = f"{width:,} × {height:,} px"
        if self.spec.format in ANIMATED_FORMATS or self.spec.format == "frames_dir":
            shown = displayed_frames(self.spec, request)
            text += f", {shown} frames"
            if self.spec.format != "frames_dir":
                extra = request.hold_first_ms + request.hold_last_ms
                text += f", {shown / request.fps + extra / 1000:.1f} s per loop"
        self.summary_label.setText(text)

    def _request_estimate(self) -> None:
        if self._gallery is not None and not self.problems():
            self._gallery.sig_request_gif_estimate.emit(replace(self.request(), path=""))

    def _on_estimate(self, estimate: GifEstimate) -> None:
        if estimate.request == replace(self.request(), path=""):
            self.estimate_label.setText(f"about {human_bytes(estimate.size_bytes)} "
                                        f"({estimate.displayed_frames} frames)")

    def _on_browse(self) -> None:
        path = ExportPathDialog.ask(self, self.spec.format, self.request().path or
                                    suggested_path(str(Path.home()), self.spec))
        if path:
            self.path_edit.setText(path)

    def _on_accept(self) -> None:
        if self.problems():
            return
        settings = QSettings()
        settings.setValue(FOLDER_KEY, str(Path(self.request().path).parent))
        settings.setValue(RESAMPLE_KEY, self.resample.currentData())
        settings.setValue(SCALE_KEY, self.scale.value())
        self.accept()

    @classmethod
    def ask(cls, parent: QWidget | None, spec: ExportSpec,
            gallery: GalleryState | None = None) -> GalleryExportRequest | None:
        """The export the user asked for, or None when cancelled."""
        dialog = cls(spec, gallery, parent)
        return dialog.request() if dialog.exec() == QDialog.DialogCode.Accepted else None
