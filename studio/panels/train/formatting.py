"""Plain-language numbers for the Train panel: durations, estimates, image sizes."""

from __future__ import annotations

import math

from models.config import TrainConfig


def format_duration(seconds: float) -> str:
    """'12 s', '8 min', '1 h 05 min'; an em dash when unknown."""
    if not math.isfinite(seconds) or seconds < 0:
        return "—"
    if seconds < 60:
        return f"{max(1, round(seconds))} s"
    minutes = round(seconds / 60)
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min"


def estimate_text(seconds_per_epoch: float, train: TrainConfig) -> str:
    """'≈ 12 s per epoch · ≈ 8 min total', or epochs that fit a time budget."""
    if not math.isfinite(seconds_per_epoch) or seconds_per_epoch <= 0:
        return "No time estimate for these settings."
    per_epoch = f"≈ {format_duration(seconds_per_epoch)} per epoch"
    if train.minutes is not None:
        epochs = train.minutes * 60 / seconds_per_epoch
        shown = f"{epochs:.1f}" if epochs < 10 else f"{round(epochs)}"
        return f"{per_epoch} · ≈ {shown} epochs in {format_duration(train.minutes * 60)}"
    total = seconds_per_epoch * (train.epochs or 0)
    return f"{per_epoch} · ≈ {format_duration(total)} total"


def channels_label(channels: int) -> str:
    return {1: "greyscale", 3: "RGB", 4: "RGBA"}.get(channels, f"{channels} channels")
