"""Latent interpolation: norms on the shell, exact endpoints, easing, loops and ping-pong."""

from __future__ import annotations

import numpy as np
import pytest

from models.errors import LatentiaError
from models.latent_map.maths import EASINGS, ease, interpolate, lerp, norm_corrected_lerp, slerp

DIM = 128


@pytest.fixture
def pairs() -> np.ndarray:
    """Pairs of N(0, I) codes whose own norms are on the shell, ||z|| / sqrt(d) in [0.9, 1.1]
    (about 9 in 10 draws for d = 128; the rest start off the band before any interpolation)."""
    codes = np.random.default_rng(0).standard_normal((60, 2, DIM))
    ratios = np.linalg.norm(codes, axis=2) / np.sqrt(DIM)
    on_shell = np.all((ratios >= 0.9) & (ratios <= 1.1), axis=1)
    assert on_shell.sum() >= 30
    return codes[on_shell]


@pytest.mark.parametrize("method", [slerp, norm_corrected_lerp])
def test_shell_preserving_methods_keep_the_norm_near_sqrt_d(pairs, method):
    t = np.linspace(0, 1, 41)
    for a, b in pairs:
        norms = np.linalg.norm(method(a, b, t), axis=1)
        ratio = norms / np.sqrt(DIM)
        assert ratio.min() >= 0.9 and ratio.max() <= 1.1
        # Never shorter than the shorter end (lerp would dip ~30% at the middle).
        assert norms.min() >= min(np.linalg.norm(a), np.linalg.norm(b)) * 0.999


def test_plain_lerp_dips_off_the_shell(pairs):
    a, b = pairs[0]
    midpoint = lerp(a, b, 0.5)
    assert np.linalg.norm(midpoint) / np.sqrt(DIM) < 0.8  # why the other two exist


@pytest.mark.parametrize("method", [slerp, lerp, norm_corrected_lerp])
def test_endpoints_are_exact(pairs, method):
    a, b = pairs[1]
    np.testing.assert_array_equal(method(a, b, 0.0), a)
    np.testing.assert_array_equal(method(a, b, 1.0), b)
    frames = method(a, b, np.array([0.0, 0.5, 1.0]))
    assert frames.shape == (3, DIM)
    np.testing.assert_array_equal(frames[[0, -1]], [a, b])


def test_slerp_follows_the_great_circle_at_constant_angular_speed(pairs):
    a, b = pairs[2]
    a, b = a / np.linalg.norm(a), b / np.linalg.norm(b)
    frames = slerp(a, b, np.linspace(0, 1, 11))
    np.testing.assert_allclose(np.linalg.norm(frames, axis=1), 1.0, atol=1e-12)
    angles = np.arccos(np.clip(np.sum(frames[:-1] * frames[1:], axis=1), -1, 1))
    np.testing.assert_allclose(angles, angles[0], rtol=1e-6)


def test_parallel_and_opposite_codes():
    a = np.arange(1.0, 9.0)
    np.testing.assert_allclose(slerp(a, 2 * a, 0.5), 1.5 * a)  # parallel: lerp
    opposite = slerp(a, -a, np.linspace(0, 1, 9))
    assert np.all(np.isfinite(opposite))
    norm = np.linalg.norm(a)
    np.testing.assert_allclose(np.linalg.norm(opposite, axis=1), norm)  # never through 0
    np.testing.assert_array_equal(opposite[[0, -1]], [a, -a])
    corrected = norm_corrected_lerp(a, -a, np.array([0.25, 0.5]))
    np.testing.assert_allclose(np.linalg.norm(corrected, axis=1), norm)
    np.testing.assert_allclose(slerp(np.zeros(8), a, 0.5), 0.5 * a)


@pytest.mark.parametrize("easing", EASINGS)
def test_easing_is_monotonic_and_fixes_the_ends(easing):
    t = np.linspace(0, 1, 201)
    eased = ease(t, easing)
    assert eased[0] == 0.0 and eased[-1] == 1.0
    assert np.all(np.diff(eased) >= 0)
    if easing == "ease_in_out":
        np.testing.assert_allclose(eased + eased[::-1], 1.0, atol=1e-12)  # symmetric


def test_keyframe_animation_hits_every_keyframe():
    keys = np.random.default_rng(1).standard_normal((3, DIM)).astype(np.float32)
    frames = interpolate(keys, 9, mode="slerp")  # keyframes land on frames 0, 4 and 8
    assert frames.shape == (9, DIM) and frames.dtype == np.float32
    np.testing.assert_array_equal(frames[[0, 8]], keys[[0, 2]])
    np.testing.assert_allclose(frames[4], keys[1], atol=1e-5)


def test_loop_ends_one_step_before_the_start():
    keys = np.random.default_rng(2).standard_normal((3, DIM))
    frames = interpolate(keys, 12, mode="normlerp", loop=True)  # 3 segments of 4 frames
    np.testing.assert_array_equal(frames[0], keys[0].astype(np.float32))
    np.testing.assert_allclose(frames[[4, 8]], keys[[1, 2]], atol=1e-5)
    assert not np.allclose(frames[-1], frames[0], atol=1e-3)
    # Seamless: the step from the last frame back to the first is like any other step.
    steps = np.linalg.norm(np.diff(np.vstack([frames, frames[:1]]), axis=0), axis=1)
    assert steps.max() < 1.5 * np.median(steps)


def test_pingpong_goes_there_and_back():
    keys = np.random.default_rng(3).standard_normal((3, DIM))
    frames = interpolate(keys, 9, mode="lerp", easing="ease_in_out", pingpong=True)
    np.testing.assert_allclose(frames, frames[::-1], atol=1e-5)  # a palindrome
    np.testing.assert_array_equal(frames[[0, -1]], keys[[0, 0]].astype(np.float32))
    np.testing.assert_allclose(frames[4], keys[2], atol=1e-5)  # the far end in the middle
    looped = interpolate(keys, 8, pingpong=True, loop=True)  # 0 1 2 1 (0) in 8 frames
    np.testing.assert_allclose(looped[[0, 2, 4, 6]], keys[[0, 1, 2, 1]], atol=1e-5)


def test_easing_slows_down_near_keyframes():
    keys = np.random.default_rng(4).standard_normal((2, DIM))
    frames = interpolate(keys, 21, mode="lerp", easing="ease_in_out")
    steps = np.linalg.norm(np.diff(frames, axis=0), axis=1)
    assert steps[0] < 0.2 * steps[10] and steps[-1] < 0.2 * steps[10]


def test_interpolate_degenerate_and_bad_input():
    key = np.ones((1, 4))
    np.testing.assert_array_equal(interpolate(key, 3, loop=True, pingpong=True), np.ones((3, 4)))
    with pytest.raises(LatentiaError, match="mode"):
        interpolate(np.ones((2, 4)), 3, mode="cubic")
    with pytest.raises(LatentiaError, match="easing"):
        interpolate(np.ones((2, 4)), 3, easing="bounce")
    with pytest.raises(LatentiaError, match="positive integer"):
        interpolate(np.ones((2, 4)), 0)
    with pytest.raises(LatentiaError, match="dimensions"):
        slerp(np.ones(3), np.ones(4), 0.5)
