"""Learning-rate and KL-weight schedules, as pure functions of training progress."""

from __future__ import annotations

import math

FINAL_LR_FRACTION = 0.05  # cosine decays to 5% of the peak, not to zero, so late steps still learn
LARGEST_RESUME_JUMP = 1.5  # a resume raising the learning rate more than this climbs there


def learning_rate(peak: float, step: int, warmup_steps: int, fraction_done: float) -> float:
    """Linear warm-up over `warmup_steps`, then cosine decay (Loshchilov & Hutter 2017, SGDR).

    `fraction_done` in [0, 1] is steps/total_steps when training by epochs, or
    elapsed/budget when training by minutes, so both share one schedule.
    """
    if warmup_steps > 0 and step < warmup_steps:
        return peak * (step + 1) / warmup_steps
    cosine = 0.5 * (1.0 + math.cos(math.pi * min(max(fraction_done, 0.0), 1.0)))
    return peak * (FINAL_LR_FRACTION + (1.0 - FINAL_LR_FRACTION) * cosine)


def kl_weight(step: int, warmup_steps: int) -> float:
    """Linear KL warm-up from 0 to 1 (Bowman et al. 2016), against early posterior collapse."""
    if warmup_steps <= 0:
        return 1.0
    return min(1.0, step / warmup_steps)
