"""The convolutional VAE: encoder to a diagonal Gaussian over z, decoder back to image means.

Every layer size follows from `VAEConfig` (image_size, channels, latent_dim, width):

    encoder  S -> S/2 -> ... -> 4x4   one strided 3x3 conv per halving; widths width, 2*width, ...
                                      capped at 8*width; residual blocks only at <= 16x16
             flatten 4x4 grid -> Linear -> (mean, logvar), each latent_dim wide
    decoder  Linear -> 4x4 grid -> residual blocks and a stride-2 transposed conv per doubling,
             mirroring the encoder; the last transposed conv outputs the image channels.

Why this shape (measured on the 2-core reference CPU, 64x64, latent 128, batch 32, fwd + bwd +
AdamW; tests/benchmarks/bench_train_speed.py):
- one residual block at 64x64 costs ~11x a strided conv, so stages above 16x16 are a single
  conv each and the capacity sits at low resolution, where it is cheap;
- a 4x4 stride-2 transposed conv trains ~30% more images/s than nearest upsampling + 3x3 conv
  and, with its kernel a multiple of the stride, avoids checkerboard artefacts
  (Odena et al. 2016, "Deconvolution and Checkerboard Artifacts");
- channels_last memory is 1.2-1.7x faster than NCHW for these convs on CPU (oneDNN);
- width 24 trains at ~200 images/s (width 32: ~120) and reaches ~21 dB held-out PSNR on 692
  icons in 3,000 steps with all 128 latent dimensions active.

The decoder's output is linear (no sigmoid): it is the mean of the calibrated Gaussian in
[0, 1] pixel units. Linear outputs keep full gradients for pure white/black pixels, where a
sigmoid saturates; callers clamp to [0, 1] for display.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import torch
from torch import nn
from torch.nn import functional as F
from torch.utils.flop_counter import FlopCounterMode

from models.conditioning import (
    EMBEDDING_DIM,
    ConditionalSequential,
    ConditionedStage,
    FiLM,
    LabelAdversary,
    LabelEmbedding,
    known_or_predicted,
)
from models.config import VAEConfig
from models.distributions import DiagonalGaussian
from models.label_means import LabelMeans
from models.style_space import StyleSpace

GRID = 4  # the encoder stops downsampling at a 4x4 grid
MAX_WIDTH_FACTOR = 8  # channel widths double per stage up to 8 * width
RESBLOCK_MAX_RESOLUTION = 16  # residual blocks only where they are cheap
RESBLOCKS_PER_STAGE = 1
GROUPS = 8  # GroupNorm groups (fewer when a stage has fewer channels)


@dataclass(frozen=True)
class VAEOutput:
    """What `VAE.forward` returns."""

    posterior: DiagonalGaussian  # q(z|x), mean and logvar (N, D)
    reconstruction: torch.Tensor  # (N, C, S, S) decoder mean for z, pixel units
    z: torch.Tensor  # (N, D) the sample the reconstruction was decoded from
    # Conditional models only (None otherwise), each (N, L):
    label_logits: torch.Tensor | None = None  # q(y|x) of the classifier head
    adversary_logits: torch.Tensor | None = None  # the adversary's guess of y from z


class ResidualBlock(nn.Module):
    """GroupNorm -> SiLU -> conv, twice, plus the input (He et al. 2016, pre-activation form).

    With `cond_dim` > 0 each GroupNorm is followed by FiLM from the label embedding (adaptive
    GroupNorm, see `models.conditioning`); without it the block is exactly unconditional.
    """

    takes_condition = True  # ConditionalSequential passes it the label embedding

    def __init__(self, channels: int, cond_dim: int = 0) -> None:
        super().__init__()
        groups = math.gcd(GROUPS, channels)
        self.norm1 = nn.GroupNorm(groups, channels)
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1)
        self.norm2 = nn.GroupNorm(groups, channels)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1)
        self.film1 = FiLM(cond_dim, channels) if cond_dim else None
        self.film2 = FiLM(cond_dim, channels) if cond_dim else None

    def forward(self, x: torch.Tensor, cond: torch.Tensor | None = None) -> torch.Tensor:
        h = self.norm1(x)
        h = self.film1(h, cond) if self.film1 is not None else h
        h = self.norm2(self.conv1(F.silu(h)))
        h = self.film2(h, cond) if self.film2 is not None else h
        return x + self.conv2(F.silu(h))


def stage_widths(config: VAEConfig) -> tuple[int, ...]:
    """Channels after each downsampling, from S/2 down to the 4x4 grid."""
    stages = int(math.log2(config.image_size // GRID))  # 64 -> 4 stages: 32, 16, 8, 4
    cap = MAX_WIDTH_FACTOR * config.width
    return tuple(min(config.width * 2**i, cap) for i in range(stages))


def _residual_stage(channels: int, resolution: int, cond_dim: int = 0) -> list[nn.Module]:
    """Residual blocks for a stage at `resolution`, or a bare SiLU where they would be costly
    (FiLM + SiLU in a conditional decoder, so the label reaches every stage)."""
    if resolution <= RESBLOCK_MAX_RESOLUTION:
        return [ResidualBlock(channels, cond_dim) for _ in range(RESBLOCKS_PER_STAGE)]
    return [ConditionedStage(cond_dim, channels) if cond_dim else nn.SiLU()]


def _encoder_convs(config: VAEConfig) -> nn.Sequential:
    layers: list[nn.Module] = []
    in_channels, resolution = config.channels, config.image_size
    for out_channels in stage_widths(config):
        layers.append(nn.Conv2d(in_channels, out_channels, 3, stride=2, padding=1))
        resolution //= 2
        layers += _residual_stage(out_channels, resolution)
        in_channels = out_channels
    return nn.Sequential(*layers)


class ResizeConv(nn.Module):
    """Nearest-neighbour 2x upsampling, then a 3x3 conv (Odena et al. 2016, sec. "Better
    Upsampling"): every output pixel sees the same number of inputs, so no checkerboard."""

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        self.conv = nn.Conv2d(in_channels, out_channels, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        # (N, C, H, W) -> (N, C, 2H, 2W) -> (N, C_out, 2H, 2W)
        return self.conv(F.interpolate(x, scale_factor=2.0, mode="nearest"))


def upsampler(kind: str, in_channels: int, out_channels: int) -> nn.Module:
    """A 2x upsampling layer: "transposed" (4x4, stride 2) or "resize" (nearest + 3x3 conv)."""
    if kind == "transposed":
        return nn.ConvTranspose2d(in_channels, out_channels, 4, stride=2, padding=1)
    return ResizeConv(in_channels, out_channels)


def _decoder_convs(config: VAEConfig, cond_dim: int = 0) -> ConditionalSequential:
    widths = stage_widths(config)[::-1]  # 4x4 grid first
    targets = (*widths[1:], config.channels)  # each upsampling's output channels
    layers: list[nn.Module] = []
    resolution = GRID
    for in_channels, out_channels in zip(widths, targets, strict=True):
        layers += _residual_stage(in_channels, resolution, cond_dim)
        layers.append(upsampler(config.upsample, in_channels, out_channels))
        resolution *= 2
    return ConditionalSequential(*layers)


class VAE(nn.Module):
    """Encoder/decoder pair for square images of `config.image_size` with `config.channels`.

    Inputs are float (N, C, S, S) in [0, 1]. Parameters are created channels_last and `encode`
    converts its input to channels_last (a no-op when it already is); keep that format when
    moving the model (`model.to(device, memory_format=torch.channels_last)`).

    With `config.labels` = L > 0 the model is conditional (see `models.conditioning`): `encode`
    and `decode` take label weights (N, L), the encoder sees the label embedding beside its
    features, and the decoder is FiLM-conditioned in every stage. Unconditional models have
    exactly the modules (and weight names) they always had.
    """

    def __init__(self, config: VAEConfig) -> None:
        super().__init__()
        self.config = config
        self.grid_channels = stage_widths(config)[-1]  # G, channels of the 4x4 grid
        features = GRID * GRID * self.grid_channels
        cond_dim = EMBEDDING_DIM if config.labels else 0
        self.encoder = _encoder_convs(config)
        self.to_posterior = nn.Linear(features + cond_dim, 2 * config.latent_dim)
        self.from_latent = nn.Linear(config.latent_dim + cond_dim, features)
        self.decoder = _decoder_convs(config, cond_dim)
        if config.labels:
            self.label_embedding = LabelEmbedding(config.labels, cond_dim)
            self.label_classifier = nn.Linear(features, config.labels)  # q(y|x), M2
            self.label_adversary = LabelAdversary(config.latent_dim, config.labels)
            self.label_means = LabelMeans(config.labels, config.latent_dim)  # training statistics
            self.style_space = StyleSpace(config.labels, config.latent_dim)  # fitted after runs
        self.to(memory_format=torch.channels_last)

    @property
    def conditional(self) -> bool:
        return self.config.labels > 0

    def features(self, x: torch.Tensor) -> torch.Tensor:
        """The encoder trunk: images (N, C, S, S) in [0, 1] -> features (N, 4 * 4 * G)."""
        expected = (self.config.channels, self.config.image_size, self.config.image_size)
        if x.dim() != 4 or tuple(x.shape[1:]) != expected:
            raise ValueError(f"expected images (N, {', '.join(map(str, expected))}), "
                             f"got {tuple(x.shape)}")
        x = x.contiguous(memory_format=torch.channels_last)
        h = self.encoder(x * 2.0 - 1.0)  # centred input; h: (N, G, 4, 4) channels_last
        # channels_last memory is NHWC, so this permute + reshape is a free view, no copy.
        return h.permute(0, 2, 3, 1).reshape(x.shape[0], -1)  # (N, 4 * 4 * G)

    def classify(self, x: torch.Tensor) -> torch.Tensor:
        """Label logits (N, L) of q(y|x) for images x; conditional models only."""
        return self.label_classifier(self.features(x))

    def encode(self, x: torch.Tensor, labels: torch.Tensor | None = None) -> DiagonalGaussian:
        """q(z|x) (q(z|x, y) when conditional) for images x, float (N, C, S, S) in [0, 1].

        `labels`: label weights (N, L) of a conditional model; None uses the classifier's
        prediction, as for an unlabelled image."""
        h = self.features(x)
        if self.conditional:
            weights = labels if labels is not None else self.label_classifier(h).softmax(1)
            h = torch.cat([h, self.label_embedding(weights).to(h.dtype)], dim=1)
        return self._posterior(h)

    def _posterior(self, h: torch.Tensor) -> DiagonalGaussian:
        mean, logvar = self.to_posterior(h).chunk(2, dim=1)  # each (N, D)
        return DiagonalGaussian(mean, logvar)

    def encode_style(self, x: torch.Tensor, labels: torch.Tensor | None = None
                     ) -> DiagonalGaussian:
        """`encode` as a distribution over styles (`models.style_space`): the codes that the
        app, the sampling prior and style transfer use. The same as `encode` when unconditional."""
        posterior = self.encode(x, labels)
        if not self.conditional:
            return posterior
        weights = labels if labels is not None else self.classify(x).softmax(1)
        return self.style_space.styles(posterior, weights)

    def decode_style(self, style: torch.Tensor, labels: torch.Tensor | None = None
                     ) -> torch.Tensor:
        """`decode` for styles (N, D), the codes `encode_style` gives."""
        if self.conditional and labels is not None:
            style = self.style_space.codes(style, labels)
        return self.decode(style, labels)

    def decode(self, z: torch.Tensor, labels: torch.Tensor | None = None) -> torch.Tensor:
        """Mean image for latents z (N, D) (and label weights (N, L) when conditional):
        (N, C, S, S) in pixel units, linear (not squashed, so slightly outside [0, 1] at
        times; clamp for display)."""
        cond = None
        if self.conditional:
            if labels is None or labels.shape != (z.shape[0], self.config.labels):
                raise ValueError(f"a conditional model decodes with label weights "
                                 f"({z.shape[0]}, {self.config.labels})")
            cond = self.label_embedding(labels).to(z.dtype)  # (N, E)
            z = torch.cat([z, cond], dim=1)  # the label also enters at the input
        h = self.from_latent(z)  # (N, 4 * 4 * G)
        # (N, 4, 4, G) NHWC -> (N, G, 4, 4): a channels_last view of the same memory.
        h = h.view(z.shape[0], GRID, GRID, self.grid_channels).permute(0, 3, 1, 2)
        return self.decoder(h, cond) * 0.5 + 0.5  # the network works centred, like the encoder

    def output_layer_weight(self) -> torch.Tensor:
        """The weight of the layer that draws the image: where the sharpen stage compares the
        gradients of its losses (Esser et al. 2021, "Taming Transformers", eq. 7)."""
        last = self.decoder[-1]
        return last.conv.weight if isinstance(last, ResizeConv) else last.weight

    def forward(self, x: torch.Tensor, generator: torch.Generator | None = None,
                labels: torch.Tensor | None = None) -> VAEOutput:
        """Encode, sample, decode. A conditional model takes label indices (N,) int64, -1 for
        an unlabelled image (conditioned on q(y|x)); its adversary reads the label from a
        detached z (it learns; pushing the encoder is `models.conditioning.confuse_codes`)."""
        if not self.conditional:
            posterior = self.encode(x)
            z = posterior.sample(generator)  # (N, D)
            return VAEOutput(posterior=posterior, reconstruction=self.decode(z), z=z)
        if labels is None:
            labels = torch.full((x.shape[0],), -1, dtype=torch.long, device=x.device)
        h = self.features(x)
        logits = self.label_classifier(h)  # (N, L)
        weights = known_or_predicted(labels, logits)  # (N, L)
        embedding = self.label_embedding(weights).to(h.dtype)
        posterior = self._posterior(torch.cat([h, embedding], dim=1))
        z = posterior.sample(generator)  # (N, D)
        adversary = self.label_adversary(z.detach())
        return VAEOutput(posterior=posterior, reconstruction=self.decode(z, weights), z=z,
                         label_logits=logits, adversary_logits=adversary)


def count_flops(config: VAEConfig) -> int:
    """Floating-point operations (2 per multiply-add) of one image's forward pass."""
    model = VAE(config)
    x = torch.zeros(1, config.channels, config.image_size, config.image_size)
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        model(x)
    return int(counter.get_total_flops())
