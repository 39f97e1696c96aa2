"""Timing helpers, animated WebP and APNG round trips, and the optional MP4 writer."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from PIL import Image

from models.errors import ExportError
from models.export import (
    AnimationSettings,
    GifSettings,
    Provenance,
    VideoSettings,
    animation_frames,
    build_timeline,
    frame_durations_ms,
    mp4_available,
    read_provenance,
    sidecar_path,
    write_apng,
    write_mp4,
    write_webp,
)
from models.export.timeline import round_durations


def coloured_frames(count: int = 8, size: int = 16, channels: int = 3) -> np.ndarray:
    """Distinct frames: a colour ramp per frame; RGBA ones have a transparent left half."""
    ramp = np.linspace(0, 255, size, dtype=np.float32)
    frames = np.zeros((count, size, size, channels), np.uint8)
    for index in range(count):
        frames[index, ..., 0] = ramp[None, :]
        frames[index, ..., 1] = (index * 31) % 256
        frames[index, ..., 2] = ramp[:, None]
    if channels == 4:
        frames[..., 3] = 255
        frames[:, :, : size // 2, 3] = 0
    return frames


def read_animation(path) -> tuple[list[np.ndarray], list[float], dict]:
    with Image.open(path) as image:
        info = dict(image.info)
        frames, durations = [], []
        for index in range(image.n_frames):
            image.seek(index)
            image.load()
            frames.append(np.asarray(image.convert("RGBA")))
            durations.append(image.info["duration"])
    return frames, durations, info


def test_frame_durations_carry_rounding_forward():
    assert frame_durations_ms(3, 30) == [33, 34, 33]
    assert sum(frame_durations_ms(120, 24)) == 5000
    assert frame_durations_ms(2, 25, hold_first_ms=100, hold_last_ms=7) == [140, 47]


def test_animation_frames_pingpong_order():
    frames = coloured_frames(4)
    order = animation_frames(frames, pingpong=True)
    assert [int(f[0, 0, 1]) for f in order] == [0, 31, 62, 93, 62, 31]
    assert len(animation_frames(frames[:1], pingpong=True)) == 1
    assert len(animation_frames(frames[:2], pingpong=True)) == 2
    assert len(animation_frames(frames, pingpong=False)) == 4


def test_timeline_holds_at_both_turns_in_pingpong():
    timeline = build_timeline(4, GifSettings(fps=10, pingpong=True, hold_first_ms=5,
                                             hold_last_ms=7))
    assert timeline.indices == (0, 1, 2, 3, 2, 1)
    assert timeline.durations_ms == (105, 100, 100, 107, 100, 100)


def test_round_durations_keeps_the_total():
    rounded = round_durations(frame_durations_ms(120, 24), 10)
    assert sum(rounded) == 5000 and set(rounded) == {40, 50}
    assert round_durations([14, 14, 14], 10) == [10, 20, 10]


def test_settings_from_frame_ms():
    settings = AnimationSettings.from_frame_ms(40, loop=2)
    assert settings.fps == 25 and settings.loop == 2
    assert frame_durations_ms(3, settings.fps) == [40, 40, 40]


def test_webp_frames_durations_loop_and_sidecar(tmp_path):
    provenance = Provenance.create(np.ones((8, 3)), "m", kind="walk")
    settings = AnimationSettings(fps=25, loop=3, pingpong=True, hold_last_ms=60)
    path = write_webp(tmp_path / "a.webp", coloured_frames(), settings, provenance=provenance)
    frames, durations, info = read_animation(path)
    assert len(frames) == 14 and info["loop"] == 3
    assert durations == [40] * 7 + [100] + [40] * 6
    assert [int(f[0, 0, 1]) for f in frames[6:9]] == [186, 217, 186]  # lossless
    assert sidecar_path(path).exists()
    assert np.array_equal(read_provenance(path).latents, np.ones((8, 3), np.float32))


def test_lossy_webp_keeps_alpha(tmp_path):
    settings = AnimationSettings(lossless=False, quality=50)
    frames, _, _ = read_animation(write_webp(tmp_path / "a.webp", coloured_frames(channels=4),
                                             settings))
    assert all(np.all(f[:, :6, 3] == 0) and np.all(f[:, 10:, 3] == 255) for f in frames)


def test_apng_frames_durations_alpha_and_provenance(tmp_path):
    provenance = Provenance.create(np.arange(4, dtype=np.float32), "m")
    settings = AnimationSettings(fps=30, hold_first_ms=100, loop=1)
    source = coloured_frames(6, channels=4)
    for index in range(6):
        source[index, :, : 8 + index, 3] = 0  # a transparent band that grows
    path = write_apng(tmp_path / "a.png", source, settings, provenance=provenance)
    frames, durations, info = read_animation(path)
    assert len(frames) == 6 and info["loop"] == 1
    assert [round(d) for d in durations] == [133, 34, 33, 33, 34, 33]
    assert all(np.array_equal(shown, expected) for shown, expected in zip(frames, source,
                                                                         strict=True))
    assert not sidecar_path(path).exists()
    assert np.array_equal(read_provenance(path).latents, provenance.latents)


def test_mp4_without_pyav_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "av", None)  # makes `import av` raise ImportError
    assert not mp4_available()
    with pytest.raises(ExportError, match="PyAV"):
        write_mp4(tmp_path / "a.mp4", coloured_frames(), VideoSettings())
    assert list(tmp_path.iterdir()) == []


def test_mp4_round_trip(tmp_path):
    av = pytest.importorskip("av")
    settings = VideoSettings(fps=20, pingpong=True, hold_last_ms=250)
    provenance = Provenance.create(np.zeros((5, 2)), "m")
    path = write_mp4(tmp_path / "a.mp4", coloured_frames(5, size=15, channels=4), settings,
                     provenance=provenance)
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        decoded = list(container.decode(stream))
        assert (stream.width, stream.height) == (16, 16)  # padded to even sizes
    assert len(decoded) == 8 + 5  # ping-pong of 5 frames, plus 250 ms at 20 fps
    assert read_provenance(path).model_id == "m"
