"""Argument checking for the command line: every value is checked when it is parsed, before
anything is read or written, and every mistake is one line (see `models.cli.fail`).

The limits are the ones the library enforces (`models.config`) plus sane bounds for what would
otherwise run for ever or exhaust memory (a billion epochs, a million samples).
"""

from __future__ import annotations

import argparse
import math
from collections.abc import Callable

from models.config import LATENT_DIM_RANGE, MAX_EPOCHS, MAX_MINUTES, MAX_SEED, WIDTH_RANGE
from models.errors import LatentiaError

MAX_BATCH_SIZE = 4096
MAX_SAMPLES = 1024  # a 32 x 32 grid
MAX_TEMPERATURE = 10.0  # far beyond the useful 0.5-1.5; higher only decodes noise
MAX_FRAMES = 3600  # a minute at 60 fps
MAX_BETA = 1000.0


class UsageError(LatentiaError):
    """A mistake in the command's arguments (unknown option, missing or bad value)."""


class CliParser(argparse.ArgumentParser):
    """argparse, but a mistake raises `UsageError` (one line, exit code 1 in `models.cli.main`)
    instead of printing the usage block and exiting with code 2."""

    def error(self, message: str):
        raise UsageError(f"{message} (see {self.prog} --help)")


def whole_number(low: int, high: int) -> Callable[[str], int]:
    """An argparse type: an integer in [low, high]."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a whole number, not {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be from {low} to {high:,}, not {text}")
        return value

    return parse


def number(low: float, high: float, *, above_low: bool = False) -> Callable[[str], float]:
    """An argparse type: a finite float in [low, high] (or (low, high] when `above_low`)."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"must be a number, not {text!r}") from None
        too_low = value <= low if above_low else value < low
        if not math.isfinite(value) or too_low or value > high:
            bound = f"above {low:g} and at most" if above_low else f"from {low:g} to"
            raise argparse.ArgumentTypeError(f"must be a number {bound} {high:g}, not {text}")
        return value

    return parse


positive_int = whole_number(1, 2**31 - 1)
epochs = whole_number(1, MAX_EPOCHS)
minutes = number(0.0, MAX_MINUTES, above_low=True)
seed = whole_number(0, MAX_SEED)
batch_size = whole_number(1, MAX_BATCH_SIZE)
latent_dim = whole_number(*LATENT_DIM_RANGE)
width = whole_number(*WIDTH_RANGE)
beta = number(0.0, MAX_BETA)
temperature = number(0.0, MAX_TEMPERATURE)
samples = whole_number(1, MAX_SAMPLES)
frames = whole_number(1, MAX_FRAMES)
