"""The classifier two-sample test of the image benchmarks (`tests/benchmarks/image_metrics.py`)
on tiny synthetic sets whose answers are known: it must tell different sets apart, read about
0.5 with a classifier that did learn its training split when the sets are alike, and say "did
not train" rather than 0.5 when its classifier cannot learn at all."""

from __future__ import annotations

import json

import numpy as np
import pytest
import torch

from tests.benchmarks.image_metrics import c2st_accuracy, extreme_value_shares

SIZE = 16  # the classifier's four stride-2 convs and global pool take any size


@pytest.fixture(autouse=True)
def one_thread():
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    yield
    torch.set_num_threads(threads)


def noise(n: int, low: int, high: int, seed: int) -> np.ndarray:
    """uint8 (n, SIZE, SIZE, 3) of uniform noise in [low, high)."""
    return np.random.default_rng(seed).integers(low, high, (n, SIZE, SIZE, 3), dtype=np.uint8)


def test_tells_clearly_different_sets_apart():
    result = c2st_accuracy(noise(60, 0, 100, 1), noise(60, 150, 256, 2), repeats=1)
    assert result.untrained == 0
    assert result.accuracy > 0.9


def test_alike_sets_read_chance_with_a_classifier_that_trained():
    result = c2st_accuracy(noise(60, 0, 256, 1), noise(60, 0, 256, 2), repeats=2)
    assert result.untrained == 0
    assert min(result.fit_accuracies) >= 0.75  # it learned (memorised) its training split
    assert 0.25 <= result.accuracy <= 0.75


def test_a_classifier_that_cannot_learn_is_reported_not_scored_as_chance():
    gray = np.full((40, SIZE, SIZE, 3), 128, dtype=np.uint8)  # both sets: one identical image
    result = c2st_accuracy(gray, gray.copy(), repeats=2)
    assert result.accuracies == (None, None)
    assert result.accuracy is None
    assert result.summary() == "did not train (repeats did not train, did not train)"
    record = json.loads(json.dumps(result.record("real_vs_real")))
    assert record["c2st_real_vs_real"] is None
    assert record["c2st_real_vs_real_repeats"] == [None, None]
    assert record["c2st_real_vs_real_untrained_repeats"] == 2


def test_extreme_value_shares_count_pure_and_nearly_pure_values():
    images = np.array([255, 255, 252, 128, 0, 3, 6, 249], np.uint8).reshape(1, 2, 2, 2)
    assert extreme_value_shares(images) == {"white": 0.25, "near_white": 0.125, "black": 0.125,
                                            "near_black": 0.125}
