"""Numbers that blur cannot fool, for the image-quality benchmark (`bench_quality.py`).

Every function takes uint8 images (N, S, S, C), the way the studio shows and exports them, so
generated images are quantised exactly like the real ones before anything compares them.

- `c2st_accuracy`: classifier two-sample test (Lopez-Paz & Oquab 2017, "Revisiting Classifier
  Two-Sample Tests"): a small CNN trained from scratch to tell set A from set B; its accuracy on
  held-out images is 0.5 when it cannot, 1.0 when it always can.
- `high_frequency_ratio`: spectral power above half the Nyquist radius, B over A.
- `nearest_distances`: each image's distance to its nearest and second-nearest training image.
- `psnr`: of a whole set, from its mean squared error.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

C2ST_MAX_IMAGES = 2000  # per side: enough for a +-0.02 accuracy, a minute of CPU per fit
C2ST_EPOCHS = 40  # upper bound; early stopping on the validation part picks the epoch
C2ST_PATIENCE = 8  # epochs without a better validation loss before stopping
C2ST_BATCH = 64


@dataclass(frozen=True)
class C2STResult:
    accuracy: float  # mean held-out accuracy over the repeats
    accuracies: tuple[float, ...]  # one per repeat (different split and initialisation)
    images_per_side: int


def to_float(images: np.ndarray) -> torch.Tensor:
    """uint8 (N, S, S, C) -> float (N, C, S, S) in [0, 1]."""
    return torch.from_numpy(np.ascontiguousarray(images)).permute(0, 3, 1, 2).float() / 255.0


def c2st_classifier(channels: int) -> nn.Module:
    """Four stride-2 convs (64 -> 4 px), global average pool, one logit: ~0.3 M parameters."""
    widths = (32, 64, 128, 128)
    layers: list[nn.Module] = []
    previous = channels
    for width in widths:
        layers += [nn.Conv2d(previous, width, 3, stride=2, padding=1), nn.BatchNorm2d(width),
                   nn.LeakyReLU(0.2)]
        previous = width
    return nn.Sequential(*layers, nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(previous, 1))


def _split(n: int, paired: bool, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Row indices of the classifier's train (40%), validation (20%) and test (40%) parts.

    `paired`: row i of both sets shows the same picture (an image and its reconstruction), so
    both go to the same part; otherwise the test could learn the pairs instead of the sets.
    """
    order = rng.permutation(n)
    cut1, cut2 = int(0.4 * n), int(0.6 * n)
    parts = order[:cut1], order[cut1:cut2], order[cut2:]
    if paired:
        return parts
    # unpaired: the same split positions, drawn independently for set B
    other = rng.permutation(n)
    return (*parts, other[:cut1], other[cut1:cut2], other[cut2:])


def _labelled(a: torch.Tensor, b: torch.Tensor, rows_a: np.ndarray, rows_b: np.ndarray):
    x = torch.cat([a[rows_a], b[rows_b]])  # (n_a + n_b, C, S, S)
    y = torch.cat([torch.zeros(len(rows_a)), torch.ones(len(rows_b))])
    return x, y


def _accuracy_and_loss(model: nn.Module, x: torch.Tensor, y: torch.Tensor) -> tuple[float, float]:
    model.eval()
    with torch.no_grad():
        logits = torch.cat([model(chunk) for chunk in x.split(256)]).squeeze(1)
    loss = F.binary_cross_entropy_with_logits(logits, y).item()
    return float(((logits > 0).float() == y).float().mean()), loss


def _fit_and_test(a: torch.Tensor, b: torch.Tensor, paired: bool, seed: int) -> float:
    rng = np.random.default_rng(seed)
    parts = _split(len(a), paired, rng)
    ta, va, sa = parts[:3]
    tb, vb, sb = parts[:3] if paired else parts[3:]
    x_train, y_train = _labelled(a, b, ta, tb)
    x_val, y_val = _labelled(a, b, va, vb)
    x_test, y_test = _labelled(a, b, sa, sb)
    torch.manual_seed(seed)
    model = c2st_classifier(a.shape[1])
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    best_loss, best_state, waited = math.inf, None, 0
    for _epoch in range(C2ST_EPOCHS):
        model.train()
        order = torch.randperm(len(x_train))
        for start in range(0, len(order), C2ST_BATCH):
            rows = order[start:start + C2ST_BATCH]
            batch = x_train[rows]
            flip = torch.rand(len(rows)) < 0.5  # the same flips for both sets
            batch = torch.where(flip[:, None, None, None], batch.flip(3), batch)
            loss = F.binary_cross_entropy_with_logits(model(batch).squeeze(1), y_train[rows])
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        _, val_loss = _accuracy_and_loss(model, x_val, y_val)
        if val_loss < best_loss:
            best_loss, waited = val_loss, 0
            best_state = {k: v.clone() for k, v in model.state_dict().items()}
        else:
            waited += 1
            if waited >= C2ST_PATIENCE:
                break
    model.load_state_dict(best_state)
    return _accuracy_and_loss(model, x_test, y_test)[0]


def c2st_accuracy(a: np.ndarray, b: np.ndarray, *, paired: bool = False, repeats: int = 3,
                  seed: int = 0) -> C2STResult:
    """Held-out accuracy of a CNN telling uint8 images `a` (N, S, S, C) from `b` (M, S, S, C).

    Both sides are cut to the same count (at most C2ST_MAX_IMAGES, a seeded random choice, the
    same rows on both sides when `paired`), split 40/20/40 into train / validation / test; the
    classifier trains with Adam and horizontal flips, stops early on the validation loss and is
    scored on the test part. Repeats use different splits and initialisations.
    """
    if a.shape[1:] != b.shape[1:]:
        raise ValueError(f"image shapes differ: {a.shape[1:]} and {b.shape[1:]}")
    if paired and len(a) != len(b):
        raise ValueError("paired sets need the same number of images")
    rng = np.random.default_rng(seed)
    n = min(len(a), len(b), C2ST_MAX_IMAGES)
    rows_a = rng.choice(len(a), n, replace=False)
    rows_b = rows_a if paired else rng.choice(len(b), n, replace=False)
    xa, xb = to_float(a[np.sort(rows_a)]), to_float(b[np.sort(rows_b)])
    accuracies = tuple(_fit_and_test(xa, xb, paired, seed + 1 + r) for r in range(repeats))
    return C2STResult(float(np.mean(accuracies)), accuracies, n)


def radial_frequency(size: int) -> np.ndarray:
    """|f| in cycles per pixel of each rfft2 bin of a size x size image, (size, size // 2 + 1)."""
    fy = np.fft.fftfreq(size)[:, None]
    fx = np.fft.rfftfreq(size)[None, :]
    return np.sqrt(fx**2 + fy**2)


def high_frequency_power(images: np.ndarray) -> float:
    """Mean spectral power per image and channel at radii above half the Nyquist radius
    (|f| > 0.25 cycles per pixel), of uint8 images (N, S, S, C) scaled to [0, 1]."""
    x = images.astype(np.float64) / 255.0
    spectrum = np.fft.rfft2(x, axes=(1, 2))  # (N, S, S // 2 + 1, C)
    power = np.abs(spectrum) ** 2
    # rfft2 keeps half of the x frequencies: bins other than x = 0 and x = Nyquist stand for
    # two mirrored bins of the full spectrum.
    weight = np.full(power.shape[2], 2.0)
    weight[0] = 1.0
    if images.shape[2] % 2 == 0:
        weight[-1] = 1.0
    high = radial_frequency(images.shape[1]) > 0.25  # (S, S // 2 + 1)
    return float((power * (high * weight)[None, :, :, None]).sum(axis=(1, 2)).mean())


def high_frequency_ratio(real: np.ndarray, generated: np.ndarray) -> float:
    """High-frequency power of `generated` over that of `real`: 1.0 = as much fine detail."""
    return high_frequency_power(generated) / high_frequency_power(real)


def nearest_distances(images: np.ndarray, training: np.ndarray) -> np.ndarray:
    """Root-mean-square pixel distance (0..1 scale) from each image to its nearest and
    second-nearest training image: float (N, 2)."""
    queries = to_float(images).flatten(1).double()  # (N, P)
    pool = to_float(training).flatten(1).double()  # (M, P)
    pixels = queries.shape[1]
    rows = []
    for chunk in queries.split(256):
        distances = torch.cdist(chunk, pool)  # (n, M)
        rows.append(distances.topk(2, dim=1, largest=False).values)
    return (torch.cat(rows) / math.sqrt(pixels)).numpy()


def psnr(real: np.ndarray, reconstructed: np.ndarray) -> float:
    """PSNR in dB of a whole set of uint8 images, from its mean squared error."""
    error = (real.astype(np.float64) - reconstructed.astype(np.float64)) / 255.0
    return 10.0 * math.log10(1.0 / max(float(np.mean(error**2)), 1e-10))
