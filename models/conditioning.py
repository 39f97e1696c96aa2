"""Label conditioning for the VAE: a label embedding, FiLM, and the two label heads.

A conditional model is told each image's label y (Sohn et al. 2015, "Learning Structured Output
Representation using Deep Conditional Generative Models"): the encoder models q(z|x, y) and the
decoder p(x|z, y), so the code z is free to hold what the label does not, the "style".

- A label reaches the network as *weights* (N, L): one-hot rows for a known label, the
  classifier's probabilities for an unlabelled image, any convex mix for a blend of labels.
  Its embedding is weights @ table (N, E), so blending two labels interpolates their embeddings.
- The decoder is conditioned in every block, not only at its input: each GroupNorm of a residual
  block is followed by a feature-wise affine map predicted from the embedding ("FiLM", Perez et
  al. 2018; the adaptive GroupNorm of Dhariwal & Nichol 2021, section 3), and each cheap
  high-resolution stage gets the same scale and shift. Both start at the identity (zero-
  initialised predictors), so a new conditional model trains like an unconditional one at first.
- `label_classifier` is q(y|x) of Kingma et al. 2014 ("Semi-Supervised Learning with Deep
  Generative Models", M2): trained on the labelled images, it gives unlabelled ones their label.
- `label_adversary` guards against the known failure where z keeps the label and the decoder
  ignores its label input (measured on the glyphs without it: the letter read back from z 97 %
  of the time, and decoding with another label changed nothing). It learns to predict y from z
  (Lample et al. 2017, "Fader Networks"), and the encoder is pushed towards codes it cannot read
  (its prediction uniform, the "confusion" loss of Tzeng et al. 2015), see `confuse_codes`.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

EMBEDDING_DIM = 64  # per-label vector: plenty for tens of labels, ~4k parameters at 64 labels
ADVERSARY_HIDDEN = 128  # one hidden layer: catches non-linear leakage a linear probe would miss


class LabelEmbedding(nn.Module):
    """Label weights (N, L) -> embedding (N, E): the weighted sum of the labels' vectors."""

    def __init__(self, labels: int, dim: int = EMBEDDING_DIM) -> None:
        super().__init__()
        self.table = nn.Parameter(torch.randn(labels, dim) * 0.5)  # (L, E)

    def forward(self, weights: torch.Tensor) -> torch.Tensor:
        return weights.to(self.table.dtype) @ self.table  # (N, L) @ (L, E) -> (N, E)


class FiLM(nn.Module):
    """x * (1 + gamma(e)) + beta(e), per channel; identity at initialisation."""

    def __init__(self, cond_dim: int, channels: int) -> None:
        super().__init__()
        self.to_scale_shift = nn.Linear(cond_dim, 2 * channels)
        nn.init.zeros_(self.to_scale_shift.weight)
        nn.init.zeros_(self.to_scale_shift.bias)

    def forward(self, x: torch.Tensor, cond: torch.Tensor) -> torch.Tensor:
        scale, shift = self.to_scale_shift(cond).chunk(2, dim=1)  # each (N, C)
        return x * (1.0 + scale[:, :, None, None]) + shift[:, :, None, None]  # (N, C, H, W)


class ConditionedStage(nn.Module):
    """FiLM then SiLU: the conditioned form of a decoder stage too large for residual blocks."""

    takes_condition = True

    def __init__(self, cond_dim: int, channels: int) -> None:
        super().__init__()
        self.film = FiLM(cond_dim, channels)

    def forward(self, x: torch.Tensor, cond: torch.Tensor) -> torch.Tensor:
        return F.silu(self.film(x, cond))


class ConditionalSequential(nn.Sequential):
    """nn.Sequential that hands the label embedding to the layers that take one.

    A layer takes it when its class sets `takes_condition = True` (FiLM-carrying blocks); with
    `cond=None` (an unconditional model) every layer is called on x alone, exactly like
    nn.Sequential, so unconditional weights keep their names and shapes.
    """

    def forward(self, x: torch.Tensor, cond: torch.Tensor | None = None) -> torch.Tensor:
        for layer in self:
            x = layer(x, cond) if getattr(layer, "takes_condition", False) else layer(x)
        return x


class LabelAdversary(nn.Module):
    """Predicts the label from a code z (N, D) -> logits (N, L)."""

    def __init__(self, latent_dim: int, labels: int) -> None:
        super().__init__()
        self.net = nn.Sequential(nn.Linear(latent_dim, ADVERSARY_HIDDEN), nn.SiLU(),
                                 nn.Linear(ADVERSARY_HIDDEN, labels))

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z)


def confuse_codes(adversary: nn.Module, z: torch.Tensor, weight: float) -> None:
    """Push the codes z (N, D) towards what `adversary` cannot read, with a strength matched to
    the reconstruction's pull on each code.

    The confusion loss -1/L sum_y log p(y|z) is smallest when the adversary's guess is uniform.
    Its gradient c_i on each code is added to the code's own incoming gradient g_i (from the
    decoder) during backward, scaled to weight * |g_i| / |c_i|: the reconstruction's gradient on
    z is ~10^4 times the size of a cross-entropy's (the likelihood sums over every pixel, with a
    calibrated sigma), so no fixed weight would hold from the first step to the last, or from
    32 px to 256 px. The adversary's own weights learn only from its cross-entropy (they are
    not touched here).
    """
    if weight <= 0 or not z.requires_grad:
        return
    codes = z.detach().float().requires_grad_(True)  # the adversary's weights are float32
    confusion = -adversary(codes).float().log_softmax(dim=1).mean(dim=1).sum()
    (push,) = torch.autograd.grad(confusion, codes)  # (N, D), one row per code

    def add_push(incoming: torch.Tensor) -> torch.Tensor:  # in float32, back in z's dtype
        pull = incoming.float()
        scale = pull.norm(dim=1, keepdim=True) / (push.norm(dim=1, keepdim=True) + 1e-12)
        return (pull + weight * scale * push).to(incoming.dtype)

    z.register_hook(add_push)


def one_hot_weights(labels: torch.Tensor, count: int) -> torch.Tensor:
    """Label indices (N,) int64 -> one-hot weights (N, L) float32."""
    return F.one_hot(labels, count).float()


def known_or_predicted(labels: torch.Tensor, logits: torch.Tensor) -> torch.Tensor:
    """Weights (N, L) for a batch: one-hot where labels[i] >= 0, else softmax(logits[i]).

    The predictions are detached: q(y|x) learns only from the labelled images (Kingma et al.
    2014, eq. 9), and an unlabelled image is conditioned on its predicted distribution, i.e. on
    the expected label embedding: one decode where M2 sums the ELBO over all L labels.
    """
    predicted = logits.detach().float().softmax(dim=1)  # (N, L)
    known = labels >= 0  # (N,)
    one_hot = one_hot_weights(labels.clamp_min(0), logits.shape[1])
    return torch.where(known[:, None], one_hot, predicted)


def batch_labels(model, x: torch.Tensor, labels: np.ndarray | None,
                 rows: np.ndarray) -> torch.Tensor | None:
    """Label weights (N, L) for images x = images[rows] of a conditional model: one-hot for
    labelled rows, q(y|x) for the others (and for all when `labels` is None); None when the
    model is unconditional."""
    if not model.conditional:
        return None
    known = np.full(len(rows), -1) if labels is None else np.asarray(labels)[rows]
    indices = torch.from_numpy(np.asarray(known, dtype=np.int64)).to(x.device)
    if bool((indices >= 0).all()):
        return one_hot_weights(indices, model.config.labels)
    return known_or_predicted(indices, model.classify(x))


class LabelTerms(NamedTuple):
    """The label losses of one batch (conditional models only)."""

    loss: torch.Tensor  # scalar to add to the negative ELBO
    accuracy: float  # of q(y|x) on the labelled images of the batch (nan without any)
    leakage: float  # of the adversary reading y from z on them (nan without any)


def label_losses(labels: torch.Tensor, label_logits: torch.Tensor,
                 adversary_logits: torch.Tensor, classifier_weight: float) -> LabelTerms:
    """classifier_weight * CE(q(y|x), y) + CE(adversary(z), y), over the labelled images.

    The adversary's own term has weight 1 (it reads a detached z); how hard the encoder is
    pushed away from what the adversary finds is `confuse_codes`'s weight.
    """
    known = labels >= 0  # (N,)
    if not bool(known.any()):
        zero = label_logits.sum() * 0.0  # keeps the graph (and DDP) aware of the heads
        return LabelTerms(zero + adversary_logits.sum() * 0.0, math.nan, math.nan)
    y = labels[known]
    logits, guesses = label_logits[known].float(), adversary_logits[known].float()
    loss = classifier_weight * F.cross_entropy(logits, y) + F.cross_entropy(guesses, y)
    accuracy = float((logits.argmax(1) == y).float().mean())
    leakage = float((guesses.argmax(1) == y).float().mean())
    return LabelTerms(loss, accuracy, leakage)
