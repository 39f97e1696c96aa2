"""Keeps non-finite losses and gradients from ever reaching the weights.

A bad step is skipped. After `MAX_BAD_STEPS` bad steps in a row the last good snapshot is
restored and the learning rate halved; after `MAX_RESTORES` restores training stops with a
clear message instead of looping.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import torch

from models.errors import TrainingError

MAX_BAD_STEPS = 3
MAX_RESTORES = 3


@dataclass(frozen=True)
class GuardVerdict:
    """What the trainer must do after a step: nothing, warn, or restore (and warn)."""

    restore: bool = False
    message: str = ""


class NonFiniteGuard:
    def __init__(self, restores: int = 0) -> None:
        self.bad_in_a_row = 0
        self.restores = restores
        self._snapshot: dict | None = None

    def remember(self, modules: dict[str, torch.nn.Module | torch.optim.Optimizer]) -> None:
        """Keep an in-memory copy of known-good state (taken after a finite validation)."""
        self._snapshot = {name: copy.deepcopy(m.state_dict()) for name, m in modules.items()}

    def restore_into(self, modules: dict[str, torch.nn.Module | torch.optim.Optimizer]) -> None:
        if self._snapshot is None:
            return
        for name, module in modules.items():
            module.load_state_dict(copy.deepcopy(self._snapshot[name]))

    def judge(self, finite: bool) -> GuardVerdict:
        if finite:
            self.bad_in_a_row = 0
            return GuardVerdict()
        self.bad_in_a_row += 1
        if self.bad_in_a_row < MAX_BAD_STEPS:
            return GuardVerdict(message="skipped a step with a non-finite loss or gradient")
        self.bad_in_a_row = 0
        self.restores += 1
        if self.restores > MAX_RESTORES:
            raise TrainingError(
                "training keeps producing invalid numbers even after lowering the learning "
                "rate; try a lower learning rate, a lower beta, or check the images")
        return GuardVerdict(restore=True, message=(
            "the loss became non-finite; restored the last good weights and halved the "
            "learning rate"))
