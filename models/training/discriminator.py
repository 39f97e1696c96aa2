"""The sharpen stage's critic: a small PatchGAN and the differentiable augmentation it looks
through.

PatchGAN (Isola et al. 2017, "Image-to-Image Translation with Conditional Adversarial Networks",
sec. 3.2.2): a fully convolutional critic scores overlapping patches (8x8 scores of ~30 px
patches at 64 px), so it judges local texture and edges, which is what blur destroys, rather
than whole-image layout, which the likelihood already gets right.

DiffAugment (Zhao et al. 2020, "Differentiable Augmentation for Data-Efficient GAN Training",
sec. 3 and their reference code): colour (brightness, saturation, contrast), translation (1/8
of the size, zero padded) and cutout (a square of half the size), drawn independently per image
and applied to real and generated images alike, differentiably, so a critic trained on a
folder of a few hundred images does not simply memorise them.
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn import functional as F

DISCRIMINATOR_WIDTHS = (32, 64, 128)  # stride-2 4x4 convs: 64 px -> 8x8 patches (~0.3 M params)


class PatchDiscriminator(nn.Module):
    """Centred images (N, C, S, S) in [-1, 1] -> patch scores (N, 1, S/8, S/8), unbounded."""

    def __init__(self, channels: int) -> None:
        super().__init__()
        layers: list[nn.Module] = []
        previous = channels
        for width in DISCRIMINATOR_WIDTHS:
            layers += [nn.Conv2d(previous, width, 4, stride=2, padding=1), nn.LeakyReLU(0.2)]
            previous = width
        layers += [nn.Conv2d(previous, previous, 3, padding=1), nn.LeakyReLU(0.2),
                   nn.Conv2d(previous, 1, 3, padding=1)]
        self.layers = nn.Sequential(*layers)
        self.to(memory_format=torch.channels_last)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.layers(x.contiguous(memory_format=torch.channels_last))


def hinge_discriminator_loss(real: torch.Tensor, fake: torch.Tensor) -> torch.Tensor:
    """mean(relu(1 - D(x))) + mean(relu(1 + D(G(z)))) (Lim & Ye 2017, "Geometric GAN";
    as in Miyato et al. 2018, eq. 16)."""
    return F.relu(1.0 - real).mean() + F.relu(1.0 + fake).mean()


def hinge_generator_loss(fake: torch.Tensor) -> torch.Tensor:
    """-mean(D(G(z))): the generator raises the critic's score of its images."""
    return -fake.mean()


def diff_augment(x: torch.Tensor) -> torch.Tensor:
    """Colour, translation and cutout of centred images (N, C, S, S) in [-1, 1], the range
    the reference code's magnitudes are for; one random draw per image from torch's global
    generator (checkpointed, so a resumed run draws the same)."""
    return _cutout(_translate(_colour(x)))


def _colour(x: torch.Tensor) -> torch.Tensor:
    n = x.shape[0]
    brightness = torch.rand(n, 1, 1, 1, device=x.device) - 0.5  # +-0.5
    x = x + brightness
    mean = x.mean(dim=1, keepdim=True)
    saturation = torch.rand(n, 1, 1, 1, device=x.device) * 2.0  # 0..2
    x = (x - mean) * saturation + mean
    mean = x.mean(dim=(1, 2, 3), keepdim=True)
    contrast = torch.rand(n, 1, 1, 1, device=x.device) + 0.5  # 0.5..1.5
    return (x - mean) * contrast + mean


def _translate(x: torch.Tensor, ratio: float = 0.125) -> torch.Tensor:
    """Shift each image by up to `ratio` of its size in x and y, filling with zeros."""
    n, _, h, w = x.shape
    sy, sx = int(h * ratio + 0.5), int(w * ratio + 0.5)
    dy = torch.randint(-sy, sy + 1, (n, 1, 1), device=x.device)
    dx = torch.randint(-sx, sx + 1, (n, 1, 1), device=x.device)
    rows = torch.arange(h, device=x.device)[None, :, None] + dy + 1  # (N, H, 1) into padded
    cols = torch.arange(w, device=x.device)[None, None, :] + dx + 1  # (N, 1, W)
    rows = rows.clamp(0, h + 1).expand(n, h, w)
    cols = cols.clamp(0, w + 1).expand(n, h, w)
    padded = F.pad(x, (1, 1, 1, 1))  # (N, C, H + 2, W + 2): the border is the zero fill
    batch = torch.arange(n, device=x.device)[:, None, None].expand(n, h, w)
    return padded.permute(0, 2, 3, 1)[batch, rows, cols].permute(0, 3, 1, 2)


def _cutout(x: torch.Tensor, ratio: float = 0.5) -> torch.Tensor:
    """Zero a square of `ratio` of the size at a random place in each image."""
    n, _, h, w = x.shape
    ch, cw = int(h * ratio + 0.5), int(w * ratio + 0.5)
    top = torch.randint(0, h + 1 - ch % 2, (n, 1, 1), device=x.device) - ch // 2
    left = torch.randint(0, w + 1 - cw % 2, (n, 1, 1), device=x.device) - cw // 2
    rows = torch.arange(h, device=x.device)[None, :, None]
    cols = torch.arange(w, device=x.device)[None, None, :]
    inside = ((rows >= top) & (rows < top + ch) & (cols >= left) & (cols < left + cw))
    return x * (~inside).unsqueeze(1).to(x.dtype)
