"""The time estimate under the Start button: asked for once settings settle, then worded.

Only the settings that change the time per step trigger a new (costly: it runs timed steps)
request; changing epochs, minutes, beta or seed just re-words the last answer.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QObject, QTimer

from studio.contract.app_state import AppState
from studio.panels.train.controls import TrainControls
from studio.panels.train.formatting import estimate_text
from studio.panels.train.settings_form import TrainSettingsForm

ESTIMATE_DEBOUNCE_MS = 600  # wait until the user stops clicking through settings


class EstimateScheduler(QObject):
    def __init__(self, state: AppState, form: TrainSettingsForm, controls: TrainControls,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._state, self._form, self._controls = state, form, controls
        self._key: tuple | None = None
        self._seconds_per_epoch = math.nan
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(ESTIMATE_DEBOUNCE_MS)
        self._timer.timeout.connect(self._request)
        state.sig_estimate.connect(self._on_estimate)

    def schedule(self, available: bool, source: str) -> None:
        """Refresh the estimate for images at `source`; hide it when not `available`."""
        if not available:
            self._timer.stop()
            self._controls.set_estimate_text("")
            return
        train = self._form.train_config()
        key = (self._form.vae_config(), train.batch_size, train.device, train.augment,
               train.bf16, source)
        if key == self._key and math.isfinite(self._seconds_per_epoch):
            self._on_estimate(self._seconds_per_epoch)
            return
        self._key, self._seconds_per_epoch = key, math.nan
        self._controls.set_estimate_text("Estimating the time per epoch…")
        self._timer.start()

    def _request(self) -> None:
        self._state.sig_request_estimate.emit(self._form.vae_config(), self._form.train_config())

    def _on_estimate(self, seconds_per_epoch: float) -> None:
        self._seconds_per_epoch = seconds_per_epoch
        text = estimate_text(seconds_per_epoch, self._form.train_config())
        self._controls.set_estimate_text(text)
