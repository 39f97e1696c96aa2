"""Training the decoder on the job style transfer gives it: a code drawn under another label.

Style transfer decodes an image's code z with a label it was not encoded with. In plain training
the decoder only ever sees each code with its own label, so whatever of the letter the code
still holds shows up in the transfer: on the glyphs, a ghost of the source letter inside the
new one (docs/benchmarks.md). Here part of each batch is also decoded with another label y',
and the model's own label classifier q(y|x) judges the result: the decoder (and, through z,
the encoder) is pushed towards images it reads as y' — the auxiliary-classifier loss of
Odena et al. 2017 ("Conditional Image Synthesis with Auxiliary Classifier GANs"), with the
classifier fixed (it learns only from real images, so this term cannot teach it to accept a
bad letter).

The swap starts after two thirds of a run (SWAP_FROM), once the decoder has learned what the
codes carry: switched on from the first step it taught the decoder to repaint what the code
held (on the shape-vs-colour set, the colour), late it lifts the letters without that loss
(docs/benchmarks.md).

As with the label adversary (`models.conditioning.confuse_codes`) the push is scaled to the
reconstruction's own pull: the judge's gradient on each swapped image gets weight times the
length of the likelihood's gradient on the image's reconstruction, so one weight holds from the
first step to the last and at any image size.
"""

from __future__ import annotations

import torch
from torch.nn import functional as F

SWAPPED_PER_BATCH = 8  # images of a batch also drawn under another label: ~+25 % step cost
SWAP_FROM = 2.0 / 3.0  # the fraction of a run after which the swap is on


def swap_weight_now(weight: float, fraction_done: float, ramp: float) -> float:
    """The swap's weight at this point of a run: off before SWAP_FROM, then `weight` times the
    label terms' warm-up `ramp` (0..1)."""
    return weight * ramp if fraction_done >= SWAP_FROM else 0.0


def swap_labels(labels: torch.Tensor, count: int, generator: torch.Generator | None = None
                ) -> torch.Tensor:
    """Another label than each of labels (N,) (all >= 0), uniformly among the other count-1."""
    shift = torch.randint(1, count, labels.shape, generator=generator, device=labels.device)
    return (labels + shift) % count


def swapped_label_loss(model, z: torch.Tensor, labels: torch.Tensor,
                       reconstruction: torch.Tensor, image_loss: torch.Tensor,
                       weight: float) -> torch.Tensor:
    """A surrogate loss whose gradient pushes decode(z_i, y'_i) towards label y'_i.

    z (N, D) codes with their labels (N,) (-1: unlabelled, not used), the batch's
    reconstruction (N, C, S, S) and the loss `image_loss` it is judged by. Zero (in the graph)
    when there is nothing to swap. Only the decoder and the codes get gradients from it: the
    judge's weights do not.
    """
    rows = torch.nonzero(labels >= 0).flatten()[:SWAPPED_PER_BATCH]
    if weight <= 0 or len(rows) == 0 or not z.requires_grad:
        return z.sum() * 0.0
    (image_pull,) = torch.autograd.grad(image_loss, reconstruction, retain_graph=True)
    targets = swap_labels(labels[rows], model.config.labels)
    images = model.decode(z[rows], F.one_hot(targets, model.config.labels).float())
    judged = images.detach().float().requires_grad_(True)  # (n, C, S, S)
    verdict = F.cross_entropy(model.classify(judged).float(), targets, reduction="sum")
    (towards,) = torch.autograd.grad(verdict, judged)  # (n, C, S, S): the judge's wish
    pull = image_pull[rows].float().flatten(1).norm(dim=1)  # (n,)
    length = towards.flatten(1).norm(dim=1).clamp_min(1e-12)  # (n,)
    push = towards * (weight * pull / length)[:, None, None, None]
    return (images.float() * push).sum()
