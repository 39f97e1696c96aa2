"""Numbers that blur cannot fool, for the image-quality benchmark (`bench_quality.py`).

Every function takes uint8 images (N, S, S, C), the way the studio shows and exports them, so
generated images are quantised exactly like the real ones before anything compares them.

- `c2st_accuracy`: classifier two-sample test (Lopez-Paz & Oquab 2017, "Revisiting Classifier
  Two-Sample Tests"): a small CNN trained from scratch to tell set A from set B; its accuracy on
  held-out images is 0.5 when it cannot, 1.0 when it always can.
- `high_frequency_ratio`: spectral power above half the Nyquist radius, B over A.
- `nearest_distances`: each image's distance to its nearest and second-nearest training image.
- `psnr`: of a whole set, from its mean squared error.
- `extreme_value_shares`: how much of a set is pure white or black, or a hair off it.
"""

from __future__ import annotations

import logging
import math
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

log = logging.getLogger(__name__)

C2ST_MAX_IMAGES = 2000  # per side: enough for a +-0.02 accuracy, a minute of CPU per fit
C2ST_EPOCHS = 40  # upper bound; early stopping on the validation part picks the epoch
C2ST_PATIENCE = 8  # epochs without a better validation loss before stopping
C2ST_BATCH = 64
C2ST_LEARNING_RATE = 1e-3
# Accuracy on its own (unflipped) training split that proves a classifier learned something.
# Without it, early stopping on the validation loss kept the first epoch's near-constant
# predictor whenever the loss rose before the net had fitted anything (always on real-vs-real,
# which has nothing to generalise), and that scored exactly 0.500 on a balanced test part.
C2ST_FIT_ACCURACY = 0.75
C2ST_ATTEMPTS = 3  # fits per repeat before it counts as "did not train": fresh seed, half the rate


@dataclass(frozen=True)
class C2STResult:
    accuracy: float | None  # mean held-out accuracy of the repeats that trained; None: none did
    accuracies: tuple[float | None, ...]  # one per repeat (own split and initialisation); None:
    # no attempt learned its training split, so its held-out accuracy would mean nothing
    fit_accuracies: tuple[float, ...]  # each repeat's accuracy on its own training split
    images_per_side: int

    @property
    def untrained(self) -> int:
        return sum(a is None for a in self.accuracies)

    def summary(self) -> str:
        """One line for a printed table, e.g. `0.712 (repeats 0.731, did not train, 0.693)`."""
        head = "did not train" if self.accuracy is None else f"{self.accuracy:.3f}"
        repeats = ", ".join("did not train" if a is None else f"{a:.3f}" for a in self.accuracies)
        return f"{head} (repeats {repeats})"

    def record(self, name: str) -> dict:
        """JSON fields `c2st_<name>` (null when no repeat trained) and its per-repeat lists."""
        return {f"c2st_{name}": None if self.accuracy is None else round(self.accuracy, 3),
                f"c2st_{name}_repeats": [None if a is None else round(a, 3)
                                         for a in self.accuracies],
                f"c2st_{name}_train_fit": [round(a, 3) for a in self.fit_accuracies],
                f"c2st_{name}_untrained_repeats": self.untrained}


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


def _train_epoch(model: nn.Module, optimizer: torch.optim.Optimizer, x: torch.Tensor,
                 y: torch.Tensor) -> None:
    model.train()
    order = torch.randperm(len(x))
    for start in range(0, len(order), C2ST_BATCH):
        rows = order[start:start + C2ST_BATCH]
        batch = x[rows]
        flip = torch.rand(len(rows)) < 0.5  # the same flips for both sets
        batch = torch.where(flip[:, None, None, None], batch.flip(3), batch)
        loss = F.binary_cross_entropy_with_logits(model(batch).squeeze(1), y[rows])
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()


def _fit_once(data: dict[str, tuple[torch.Tensor, torch.Tensor]], seed: int,
              learning_rate: float) -> tuple[float | None, float]:
    """(held-out accuracy or None if it never fitted its training split, training-split accuracy).

    Only epochs whose classifier fits its training split to C2ST_FIT_ACCURACY are candidates
    for early stopping on the validation loss, and only they count towards its patience.
    """
    torch.manual_seed(seed)
    model = c2st_classifier(data["train"][0].shape[1])
    optimizer = torch.optim.Adam(model.parameters(), lr=learning_rate)
    best_loss, best_state, best_fit, highest_fit, waited = math.inf, None, 0.0, 0.0, 0
    for _epoch in range(C2ST_EPOCHS):
        _train_epoch(model, optimizer, *data["train"])
        fit = _accuracy_and_loss(model, *data["train"])[0]
        highest_fit = max(highest_fit, fit)
        if fit < C2ST_FIT_ACCURACY:
            continue
        _, val_loss = _accuracy_and_loss(model, *data["val"])
        if val_loss < best_loss:
            best_loss, best_fit, waited = val_loss, fit, 0
            best_state = {k: v.clone() for k, v in model.state_dict().items()}
        else:
            waited += 1
            if waited >= C2ST_PATIENCE:
                break
    if best_state is None:
        return None, highest_fit
    model.load_state_dict(best_state)
    return _accuracy_and_loss(model, *data["test"])[0], best_fit


def _fit_and_test(a: torch.Tensor, b: torch.Tensor, paired: bool,
                  seed: int) -> tuple[float | None, float]:
    """One repeat: a split, then up to C2ST_ATTEMPTS fits until one learns its training split."""
    rng = np.random.default_rng(seed)
    parts = _split(len(a), paired, rng)
    rows_b = parts[:3] if paired else parts[3:]
    data = {name: _labelled(a, b, parts[i], rows_b[i])
            for i, name in enumerate(("train", "val", "test"))}
    for attempt in range(C2ST_ATTEMPTS):
        accuracy, fit = _fit_once(data, seed + 1000 * attempt, C2ST_LEARNING_RATE / 2**attempt)
        if accuracy is not None:
            return accuracy, fit
        log.warning("C2ST fit %d of seed %d did not learn its training split (accuracy %.3f)",
                    attempt + 1, seed, fit)
    return None, fit


def c2st_accuracy(a: np.ndarray, b: np.ndarray, *, paired: bool = False, repeats: int = 3,
                  seed: int = 0) -> C2STResult:
    """Held-out accuracy of a CNN telling uint8 images `a` (N, S, S, C) from `b` (M, S, S, C).

    Both sides are cut to the same count (at most C2ST_MAX_IMAGES, a seeded random choice, the
    same rows on both sides when `paired`), split 40/20/40 into train / validation / test; the
    classifier trains with Adam and horizontal flips, stops early on the validation loss once it
    fits its training split, and is scored on the test part. A repeat whose classifier never
    fits its training split (after retries) reports None ("did not train"), not chance: a
    constant predictor scores exactly 0.5 whatever the sets. Repeats use different splits and
    initialisations.
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
    fits = [_fit_and_test(xa, xb, paired, seed + 1 + r) for r in range(repeats)]
    accuracies = tuple(accuracy for accuracy, _ in fits)
    trained = [accuracy for accuracy in accuracies if accuracy is not None]
    mean = float(np.mean(trained)) if trained else None
    return C2STResult(mean, accuracies, tuple(fit for _, fit in fits), n)


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


def extreme_value_shares(images: np.ndarray) -> dict[str, float]:
    """Shares of a uint8 set's channel values that are pure white (255), a hair below it
    (250-254), pure black (0) and a hair above it (1-5). A Gaussian decoder leaves white paper
    a faint grey, which a classifier sees at once (docs/benchmarks.md, censored pixels)."""
    values = np.asarray(images)
    bands = {"white": (255, 255), "near_white": (250, 254), "black": (0, 0),
             "near_black": (1, 5)}
    return {name: round(float(np.mean((values >= low) & (values <= high))), 4)
            for name, (low, high) in bands.items()}
