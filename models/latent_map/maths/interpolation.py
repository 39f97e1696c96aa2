"""Interpolation between latent codes: lerp, slerp, norm-corrected lerp, keyframe animations.

Why not plain lerp: for z ~ N(0, I_D), ||z|| concentrates near sqrt(D), but the midpoint of two
independent codes has norm ~ sqrt(D / 2), a region the decoder rarely saw during training
(White 2016, "Sampling Generative Networks", Sec. 2.1). Slerp and norm-corrected lerp keep the
norm on the shell.
"""

from __future__ import annotations

import numpy as np

from models.errors import LatentiaError
from models.latent_map.maths._common import as_codes, as_latents

INTERPOLATION_MODES = ("slerp", "lerp", "normlerp")
EASINGS = ("linear", "ease_in_out", "ease_in", "ease_out")
PARALLEL_EPS = 1e-6  # |sin(angle)| below this: the great circle is undefined, see `slerp`


def lerp(a: np.ndarray, b: np.ndarray, t: float | np.ndarray) -> np.ndarray:
    """(1 - t) a + t b for codes (D,) and t scalar -> (D,) or t (T,) -> (T, D).

    Written as a weighted sum (not a + t (b - a)) so t = 0 and t = 1 give a and b exactly.
    """
    a, b, t, scalar = _prepare(a, b, t)
    out = (1.0 - t) * a + t * b  # (T, D)
    return out[0] if scalar else out


def slerp(a: np.ndarray, b: np.ndarray, t: float | np.ndarray) -> np.ndarray:
    """Spherical linear interpolation (Shoemake 1985; White 2016, Sec. 2.1):

        slerp(a, b; t) = sin((1 - t) w) / sin w * a + sin(t w) / sin w * b,  cos w = a.b/(|a||b|)

    Nearly parallel codes (sin w ~ 0, w ~ 0) fall back to lerp, the limit of the formula.
    Nearly opposite codes (w ~ pi) have no unique great circle: we turn through a fixed
    direction orthogonal to `a` so the path never passes through the origin.
    """
    a, b, t, scalar = _prepare(a, b, t)
    norm_a, norm_b = np.linalg.norm(a), np.linalg.norm(b)
    if norm_a == 0 or norm_b == 0:
        out = (1.0 - t) * a + t * b  # no direction to rotate from
    else:
        cos_angle = float(np.clip(a[0] @ b[0] / (norm_a * norm_b), -1.0, 1.0))
        angle = np.arccos(cos_angle)
        sin_angle = np.sin(angle)
        if sin_angle >= PARALLEL_EPS:
            out = (np.sin((1.0 - t) * angle) / sin_angle) * a + (np.sin(t * angle) / sin_angle) * b
        elif cos_angle > 0 or a.shape[1] == 1:  # in 1-D there is no way around the origin
            out = (1.0 - t) * a + t * b
        else:
            out = _half_turn(a, b, t, norm_a, norm_b)
    return out[0] if scalar else out


def norm_corrected_lerp(a: np.ndarray, b: np.ndarray, t: float | np.ndarray) -> np.ndarray:
    """Lerp, then rescale each point to the lerped norm (1 - t)|a| + t|b|, so ||z|| / sqrt(D)
    stays near 1 between two typical N(0, I) codes instead of dipping to ~0.71 midway
    (the norm issue of White 2016, Sec. 2.1). Exactly opposite codes fall back to slerp.
    """
    a, b, t, scalar = _prepare(a, b, t)
    straight = (1.0 - t) * a + t * b  # (T, D)
    length = np.linalg.norm(straight, axis=1, keepdims=True)  # (T, 1)
    target = (1.0 - t) * np.linalg.norm(a) + t * np.linalg.norm(b)  # (T, 1)
    tiny = length[:, 0] <= 1e-12 * max(1.0, float(target.max()))
    out = straight * (target / np.where(tiny[:, None], 1.0, length))
    if np.any(tiny):
        out[tiny] = slerp(a[0], b[0], t[tiny, 0])
    out[t[:, 0] == 0.0] = a[0]  # exact endpoints, whatever the rounding of the rescale
    out[t[:, 0] == 1.0] = b[0]
    return out[0] if scalar else out


def ease(t: np.ndarray, easing: str = "linear") -> np.ndarray:
    """Easing curves on [0, 1] (Penner 2002, cubic family): monotonic, 0 -> 0 and 1 -> 1."""
    t = np.asarray(t, dtype=np.float64)
    if easing == "linear":
        return t
    if easing == "ease_in":
        return t**3
    if easing == "ease_out":
        return 1.0 - (1.0 - t) ** 3
    if easing == "ease_in_out":
        return t * t * (3.0 - 2.0 * t)  # smoothstep: zero slope at both ends
    raise LatentiaError(f"unknown easing {easing!r}; choose one of {EASINGS}")


_INTERPOLATORS = {"slerp": slerp, "lerp": lerp, "normlerp": norm_corrected_lerp}


def interpolate(codes: np.ndarray, n_frames: int, mode: str = "slerp", easing: str = "linear",
                loop: bool = False, pingpong: bool = False) -> np.ndarray:
    """Frames (n_frames, D) float32 through keyframe `codes` (K, D), in order.

    Each segment between consecutive keyframes gets the same parameter length and its own
    easing (so ease_in_out slows down at every keyframe). `pingpong` goes through the keyframes
    and back (K-1, ..., 0). `loop` makes the sequence cyclic: it returns towards the first
    keyframe and stops one step short, so repeating the frames plays seamlessly. Without
    `loop`, the first and last frames are exactly the first and last keyframes of the route.
    """
    keys = as_latents(codes, "keyframe codes", min_rows=1)
    if mode not in _INTERPOLATORS:
        raise LatentiaError(f"unknown interpolation mode {mode!r}; choose one of "
                            f"{INTERPOLATION_MODES}")
    if easing not in EASINGS:
        raise LatentiaError(f"unknown easing {easing!r}; choose one of {EASINGS}")
    if isinstance(n_frames, bool) or not isinstance(n_frames, (int, np.integer)) or n_frames < 1:
        raise LatentiaError(f"n_frames must be a positive integer; got {n_frames!r}")
    route = _route(keys, loop, pingpong)  # (R, D) keyframes in playing order
    segments = route.shape[0] - 1
    if segments == 0:
        return np.repeat(route[:1], n_frames, axis=0).astype(np.float32)
    # Global parameter u in [0, segments]: open sequences end exactly on the last keyframe,
    # loops stop one frame before coming back to the first.
    steps = n_frames if loop else max(n_frames - 1, 1)
    u = np.arange(n_frames) * (segments / steps)  # (n_frames,)
    index = np.minimum(np.floor(u).astype(int), segments - 1)  # segment of each frame
    local = ease(u - index, easing)  # (n_frames,) in [0, 1]
    frames = np.empty((n_frames, keys.shape[1]), dtype=np.float64)
    for segment in np.unique(index):
        chosen = index == segment
        frames[chosen] = _INTERPOLATORS[mode](route[segment], route[segment + 1], local[chosen])
    return frames.astype(np.float32)


def _route(keys: np.ndarray, loop: bool, pingpong: bool) -> np.ndarray:
    """Keyframes in playing order: there-and-back for ping-pong, closed for a loop."""
    if pingpong and keys.shape[0] > 1:
        return np.concatenate([keys, keys[-2::-1]])  # 0..K-1..0
    if loop and keys.shape[0] > 1:
        return np.concatenate([keys, keys[:1]])  # 0..K-1, 0
    return keys


def _prepare(a: np.ndarray, b: np.ndarray, t: float | np.ndarray
             ) -> tuple[np.ndarray, np.ndarray, np.ndarray, bool]:
    """(1, D) a and b, (T, 1) t, and whether t was a scalar."""
    a = as_codes(a, what="code a")
    b = as_codes(b, dim=a.shape[-1], what="code b")
    if a.ndim != 1 or b.ndim != 1:
        raise LatentiaError("interpolate between two single codes of shape (D,)")
    times = np.asarray(t, dtype=np.float64)
    if times.ndim > 1 or not np.all(np.isfinite(times)):
        raise LatentiaError("t must be a finite number or a 1-D array of numbers")
    return a[None, :], b[None, :], times.reshape(-1, 1), times.ndim == 0


def _half_turn(a: np.ndarray, b: np.ndarray, t: np.ndarray, norm_a: float,
               norm_b: float) -> np.ndarray:
    """Slerp between opposite codes (1, D): along the great circle through a fixed unit vector
    orthogonal to a, the norm going linearly from |a| to |b|."""
    unit_a = a[0] / norm_a
    axis = np.zeros_like(unit_a)
    axis[np.argmin(np.abs(unit_a))] = 1.0  # the basis vector least aligned with a
    perpendicular = axis - (axis @ unit_a) * unit_a
    perpendicular /= np.linalg.norm(perpendicular)
    angle = np.pi * t  # (T, 1)
    direction = np.cos(angle) * unit_a + np.sin(angle) * perpendicular  # (T, D)
    out = direction * ((1.0 - t) * norm_a + t * norm_b)
    out[t[:, 0] == 1.0] = b[0]  # exact endpoint (cos(pi) * unit_a is only ~ -unit_a)
    return out
