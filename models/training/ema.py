"""Exponential moving average of the weights, used for previews and saved models."""

from __future__ import annotations

import torch
from torch import nn
from torch.optim.swa_utils import AveragedModel


def _ema_update(decay: float):
    """A multi-tensor EMA update whose decay ramps up as (1+n)/(10+n) so early previews are not
    dominated by the random initial weights (as in TensorFlow's ExponentialMovingAverage)."""

    @torch.no_grad()
    def update(ema_params: list[torch.Tensor], params: list[torch.Tensor], n_averaged) -> None:
        n = float(n_averaged)
        effective = min(decay, (1.0 + n) / (10.0 + n))
        torch._foreach_lerp_(ema_params, params, 1.0 - effective)

    return update


def make_ema(model: nn.Module, decay: float) -> AveragedModel:
    return AveragedModel(model, multi_avg_fn=_ema_update(decay), use_buffers=True)
