"""Configuration records. Frozen dataclasses, stored as JSON next to the weights.

Each default carries a why-comment. `to_dict`/`from_dict` round-trip through JSON; unknown keys
in a file are ignored so newer projects still open, missing keys take the defaults.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass, field
from typing import Any, Self

RESOLUTION_PRESETS = (32, 64, 128, 256)
FIT_MODES = ("crop", "pad")
DEVICES = ("auto", "cpu", "cuda", "mps")
UPSAMPLING = ("transposed", "resize")
# Where labels come from: none (unconditional), the top-level subfolder of each image, its whole
# folder path (nested folders as distinct labels), or names the user gave to images.
LABEL_SOURCES = ("none", "folders", "paths", "manual")
FOLDER_LABEL_SOURCES = ("folders", "paths")  # labels read from the folder layout
MAX_LABELS = 1000  # an embedding row per label; beyond this a label is no longer a "kind"
LATENT_DIM_RANGE = (2, 1024)
WIDTH_RANGE = (4, 256)
MAX_EPOCHS = 100_000  # far past convergence even for a handful of images
MAX_MINUTES = 525_600.0  # a year
MAX_SEED = 2**32 - 1  # what numpy and torch both accept
SHARPEN_SHARE = 0.25  # the sharpen stage's share of a run (the last quarter, or on demand)


class _JsonRecord:
    """Mixin: JSON-friendly dict round trip for frozen dataclasses of plain values."""

    def to_dict(self) -> dict[str, Any]:
        return {f.name: _plain(getattr(self, f.name)) for f in dataclasses.fields(self)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        """The record a JSON object describes; a value of the wrong kind is a ValueError."""
        return record_from_json(cls, data)

    def replace(self, **changes: Any) -> Self:
        return dataclasses.replace(self, **changes)


def record_from_json(cls: type, data: Any):
    """An instance of the dataclass `cls` from a JSON object read from a file: unknown keys are
    ignored (newer files still open), missing ones take the defaults, lists become tuples, and
    a value of the wrong kind is a ValueError."""
    if not isinstance(data, dict):
        raise ValueError(f"{cls.__name__} must be a JSON object, not {data!r:.40}")
    names = {f.name: f for f in dataclasses.fields(cls)}
    kwargs = {}
    for key, value in data.items():
        if key in names:
            kwargs[key] = tuple(value) if isinstance(value, list) else value
            _check_kind(cls.__name__, key, kwargs[key], str(names[key].type))
    return cls(**kwargs)


def _check_kind(owner: str, name: str, value: Any, annotation: str) -> None:
    """A value read from a file has its field's type: a hand-edited "64" is not 64, and NaN is
    no number of minutes."""
    if not any(_is_kind(value, option.strip()) for option in annotation.split("|")):
        raise ValueError(f"{owner}.{name} must be {annotation}, not {value!r:.40}")


def _is_kind(value: Any, kind: str) -> bool:
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    checks = {
        "None": lambda: value is None,
        "bool": lambda: isinstance(value, bool),
        "int": lambda: number and isinstance(value, int),
        "float": lambda: number and math.isfinite(value),
        "str": lambda: isinstance(value, str),
    }
    if kind.startswith("tuple"):
        return isinstance(value, tuple)  # the items are the record's own check
    return checks.get(kind, lambda: True)()  # a type not listed: left to the record's checks


def _check_preset(image_size: int) -> None:
    if image_size not in RESOLUTION_PRESETS:
        raise ValueError(f"image size must be one of {RESOLUTION_PRESETS}, not {image_size}")


def _plain(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


@dataclass(frozen=True)
class IngestConfig(_JsonRecord):
    """How a folder of images becomes square uint8 training images."""

    image_size: int = 64  # trains at >150 images/s on a 2-core CPU and still reads well
    keep_alpha: bool = False  # RGBA costs a 4th channel; on only when exports need alpha
    background: tuple[int, int, int] = (255, 255, 255)  # transparency over white, like paper
    fit: str = "crop"  # centre crop keeps the subject large; "pad" keeps the whole image
    max_workers: int = 0  # decoding threads; 0 = one per CPU core, plus one

    def __post_init__(self) -> None:
        _check_preset(self.image_size)
        if self.fit not in FIT_MODES:
            raise ValueError(f"fit must be one of {FIT_MODES}, not {self.fit!r}")
        if len(self.background) != 3 or not all(0 <= c <= 255 for c in self.background):
            raise ValueError("background must be three values in 0..255")

    @property
    def channels(self) -> int:
        return 4 if self.keep_alpha else 3

# A model trained with labels is told the label, so its code holds only the style: a smaller
# code leaves less room for the label to hide in. Glyphs, 10 CPU-minutes (docs/benchmarks.md):
# 128 -> 32 lifts transfer to held-out fonts 87.8 -> 96.8 %, samples read as their letter
# 95.1 -> 97.4 %, lowers the linear probe reading the letter from the code 59.6 -> 17.7 %, for
# 3 dB of reconstruction PSNR. New labelled projects get it unless a size is chosen.
LABELLED_LATENT_DIM = 32


@dataclass(frozen=True)
class VAEConfig(_JsonRecord):
    """Shape of the network. Layer sizes follow from `image_size` and `width`, never hand-edited."""

    image_size: int = 64  # one of RESOLUTION_PRESETS
    channels: int = 3  # 3 = RGB, 4 = RGBA (keep transparency)
    latent_dim: int = 128  # enough for thousands of varied images; 2D maps come from a projection
    width: int = 24  # first-stage channels, doubling per stage (cap 8x): ~200 img/s on 2 cores
    upsample: str = "transposed"  # decoder upsampling: 4x4 transposed conv, or "resize" + conv
    labels: int = 0  # label classes the model is conditioned on; 0 = unconditional

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        # a project saved before `upsample` existed was built with transposed convs
        return super().from_dict({"upsample": "transposed", **data})

    def __post_init__(self) -> None:
        _check_preset(self.image_size)
        if self.channels not in (1, 3, 4):
            raise ValueError(f"channels must be 1, 3 or 4, not {self.channels}")
        low, high = LATENT_DIM_RANGE
        if not low <= self.latent_dim <= high:
            raise ValueError(f"latent size must be in {low}..{high}, not {self.latent_dim}")
        low, high = WIDTH_RANGE
        if not low <= self.width <= high:
            raise ValueError(f"width must be in {low}..{high}, not {self.width}")
        if self.upsample not in UPSAMPLING:
            raise ValueError(f"upsample must be one of {UPSAMPLING}, not {self.upsample!r}")
        if not 0 <= self.labels <= MAX_LABELS or self.labels == 1:
            raise ValueError(f"a conditional model needs 2..{MAX_LABELS} labels, "
                             f"not {self.labels}")


def default_latent_dim(label_source: str) -> int:
    """The code size of a new project whose labels come from `label_source`, unless a size
    is chosen: LABELLED_LATENT_DIM for labels read from folders, else VAEConfig's."""
    return LABELLED_LATENT_DIM if label_source in FOLDER_LABEL_SOURCES else VAEConfig.latent_dim


@dataclass(frozen=True)
class TrainConfig(_JsonRecord):
    """How training runs. `epochs` or `minutes` bounds it (minutes wins when both are set)."""

    epochs: int | None = 40  # a few thousand images converge in tens of epochs
    minutes: float | None = None  # a time budget instead of epochs
    batch_size: int = 32  # small batches train faster per second on a CPU
    learning_rate: float = 2e-3  # AdamW peak; warm-up then cosine decay to 5% of it
    weight_decay: float = 1e-4
    warmup_steps: int = 200  # linear learning-rate warm-up avoids early blow-ups with GroupNorm
    grad_clip: float = 5.0  # clips rare huge gradients from the calibrated decoder's early steps
    beta: float = 1.0  # weight of the KL term; below 1 = sharper images, less varied samples
    kl_warmup_steps: int = 1000  # linear KL warm-up from 0 avoids early posterior collapse
    free_bits: float = 0.0  # nats per latent dimension below which KL is not penalised (0 = off)
    min_log_sigma: float = -4.6  # soft floor on the decoder's log-sigma (sigma >= ~0.01)
    # weights of the sharpness losses beside the Gaussian term (models/sharpness.py); 0 = off.
    # The FFT-amplitude loss at 0.5 won on the icons and the glyphs (finer detail, PSNR kept;
    # docs/benchmarks.md); it costs ~5 % a step, paid for by a sharpen stage of a quarter.
    focal_frequency: float = 0.0
    fft_amplitude: float = 0.5
    msssim_l1: float = 0.0
    # pixels at 0 or 255 mean "this dark/bright or beyond" (models.loss.censored_reconstruction):
    # a reconstruction past white paper is no error. Glyphs: the C2ST of reconstructions fell
    # 0.995 -> 0.844, PSNR +0.37 dB, fine detail up; icons (few pure pixels) unchanged. "auto" =
    # on for unlabelled models only: labelled ones kept colours under transfer less often on the
    # shape-vs-colour set (0 of 12 seeds against 3 of 10; docs/benchmarks.md).
    censored: str = "auto"
    # sampling prior fitted when a run finishes: "diffusion" (a small denoising model over the
    # codes; its samples a C2ST tells from real images less often, docs/benchmarks.md) or "gmm"
    prior: str = "diffusion"
    # adversarial "sharpen" stage: "auto" = the last quarter of a run, "on" = also at once when
    # continuing a finished project, "off" = never (models/training/sharpen.py)
    sharpen: str = "auto"
    sharpen_weight: float = 0.5  # times the adaptive weight, as in the latent-diffusion autoencoder
    # labelled models: map each label's codes onto one shared distribution when a run ends
    # (models.style_space; off: the identity). On the glyphs the linear probe's reading of the
    # letter fell from 18 to 5 % (chance 4 %) and redraws improved; on the small shape-vs-colour
    # set redraws kept their colour as often as without (docs/benchmarks.md). Ignored unlabelled.
    style_maps: bool = True
    ema_decay: float = 0.999  # EMA of weights used for previews and saved models
    augment: str = "auto"  # "auto" = flips and small shifts only for folders under 5,000 images
    val_fraction: float = 0.08  # held out deterministically for validation metrics
    seed: int = 0
    device: str = "auto"  # auto picks CUDA, then Apple MPS, then CPU
    bf16: str = "auto"  # "auto" = bf16 autocast only where a start-up check shows it is faster
    checkpoint_minutes: float = 3.0  # a crash loses at most this much work
    preview_count: int = 8  # validation images and samples shown while training

    def censors(self, labelled: bool) -> bool:
        """Whether a model (conditioned on labels or not) trains with saturated pixels censored."""
        return self.censored == "on" or (self.censored == "auto" and not labelled)

    def for_sharpening(self) -> TrainConfig:
        """These settings with the sharpen stage on from the first step, for SHARPEN_SHARE of
        their length (what "Sharpen" in the Train panel and `latentia train --resume --sharpen`
        ask for; the length then means "this much more" than the checkpoint has done)."""
        if self.minutes is not None:
            return self.replace(sharpen="on", minutes=self.minutes * SHARPEN_SHARE)
        return self.replace(sharpen="on", epochs=max(1, round((self.epochs or 1) * SHARPEN_SHARE)))

    def __post_init__(self) -> None:
        if self.epochs is None and self.minutes is None:
            raise ValueError("set a number of epochs or a number of minutes")
        if self.epochs is not None and not 1 <= self.epochs <= MAX_EPOCHS:
            raise ValueError(f"epochs must be from 1 to {MAX_EPOCHS:,}, not {self.epochs}")
        if self.minutes is not None and not 0 < self.minutes <= MAX_MINUTES:  # NaN fails too
            raise ValueError(f"minutes must be above 0 and at most {MAX_MINUTES:g}, "
                             f"not {self.minutes}")
        if not (math.isfinite(self.beta) and self.beta >= 0):
            raise ValueError(f"beta must be a number of at least 0, not {self.beta}")
        if self.batch_size < 1:
            raise ValueError(f"batch size must be at least 1, not {self.batch_size}")
        if not 0 <= self.seed <= MAX_SEED:
            raise ValueError(f"seed must be from 0 to {MAX_SEED}, not {self.seed}")
        if min(self.focal_frequency, self.fft_amplitude, self.msssim_l1) < 0:
            raise ValueError("sharpness loss weights must not be negative")
        if self.device not in DEVICES:
            raise ValueError(f"device must be one of {DEVICES}, not {self.device!r}")
        if self.augment not in ("auto", "on", "off"):
            raise ValueError("augment must be auto, on or off")
        if self.censored not in ("auto", "on", "off"):
            raise ValueError("censored must be auto, on or off")
        if self.sharpen not in ("auto", "on", "off"):
            raise ValueError("sharpen must be auto, on or off")
        if self.sharpen_weight < 0:
            raise ValueError("the sharpen weight must not be negative")
        if self.prior not in ("diffusion", "gmm"):
            raise ValueError("prior must be diffusion or gmm")
        if self.bf16 not in ("auto", "on", "off"):
            raise ValueError("bf16 must be auto, on or off")
        if not 0.0 <= self.val_fraction < 0.5:
            raise ValueError("validation fraction must be in [0, 0.5)")


@dataclass(frozen=True)
class LabelConfig(_JsonRecord):
    """Conditioning on labels: where they come from, their names, and the label losses.

    `names` is the label vocabulary in the order of the model's embedding rows; which image has
    which label is kept beside the project (`models.labels`), not here.
    """

    source: str = "none"  # one of LABEL_SOURCES; "none" trains unconditionally, as before
    # Empty when unconditional, or for folder labels not yet read (a new project's settings).
    names: tuple[str, ...] = ()
    # Weight of q(y|x)'s cross-entropy on labelled images, per image, against a negative ELBO of
    # thousands of nats: Kingma et al. 2014 use alpha = 0.1 N for the same reason (eq. 9).
    classifier_weight: float = 50.0
    # How hard the encoder is pushed towards codes the label adversary cannot read, as a
    # fraction of the reconstruction's pull on each code (0 = the adversary only measures the
    # leakage). See models.conditioning.confuse_codes. On the glyphs (docs/benchmarks.md) 0.5
    # beat 1.0 and 0: letters drawn by label 91 % right (1.0: 89 %, 0: 7 %); without it the
    # decoder reads the letter from the code again, even with the label means matched.
    adversary_weight: float = 0.5
    # How hard the labels' mean codes are pulled together (seen through the codes' covariance,
    # as a linear probe sees them), as a fraction of the reconstruction's pull on each code when
    # the means are one spread apart (0 = off). See models.label_means: on the glyphs it is what
    # lowered the fresh linear probe's reading of the letter from the code below 100 %.
    mean_matching_weight: float = 1.0
    # How hard a code decoded under another label is pushed to look like that label to the
    # model's own classifier, as a fraction of the reconstruction's pull (0 = off), in the last
    # third of a run. See models.label_swap: on the glyphs 0.5 lifted transfer to held-out fonts
    # from 84 to 88 % and lowered the leakage; from the first step it lost the code's colour on
    # the small shape-vs-colour set, and 1.0 or more (or from half-way) loses it even late.
    swap_weight: float = 0.5

    def __post_init__(self) -> None:
        if self.source not in LABEL_SOURCES:
            raise ValueError(f"labels must come from one of {LABEL_SOURCES}, not {self.source!r}")
        if self.source == "none" and self.names:
            raise ValueError("label names need a source of labels")
        if len(set(self.names)) != len(self.names) or not all(
                isinstance(n, str) and n.strip() == n and n for n in self.names):
            raise ValueError("label names must be distinct, non-empty and not padded")
        if self.names and not 2 <= len(self.names) <= MAX_LABELS:
            raise ValueError(f"conditioning needs 2..{MAX_LABELS} labels, not {len(self.names)}")
        if min(self.classifier_weight, self.adversary_weight, self.mean_matching_weight,
               self.swap_weight) < 0:
            raise ValueError("label loss weights must not be negative")

    @property
    def conditional(self) -> bool:
        return bool(self.names)


@dataclass(frozen=True)
class ProjectConfig(_JsonRecord):
    """Everything needed to rebuild a project's training from its folder."""

    ingest: IngestConfig = field(default_factory=IngestConfig)
    vae: VAEConfig = field(default_factory=VAEConfig)
    train: TrainConfig = field(default_factory=TrainConfig)
    labels: LabelConfig = field(default_factory=LabelConfig)

    def __post_init__(self) -> None:
        if self.vae.labels != len(self.labels.names):
            raise ValueError(f"the model has {self.vae.labels} label inputs but "
                             f"{len(self.labels.names)} label names")

    def to_dict(self) -> dict[str, Any]:
        return {"ingest": self.ingest.to_dict(), "vae": self.vae.to_dict(),
                "train": self.train.to_dict(), "labels": self.labels.to_dict()}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Self:
        if not isinstance(data, dict):
            raise ValueError(f"ProjectConfig must be a JSON object, not {data!r:.40}")
        return cls(
            ingest=IngestConfig.from_dict(data.get("ingest", {})),
            vae=VAEConfig.from_dict(data.get("vae", {})),
            train=TrainConfig.from_dict(data.get("train", {})),
            labels=LabelConfig.from_dict(data.get("labels", {})),
        )

    def with_labels(self, labels: LabelConfig) -> ProjectConfig:
        """This config conditioned on `labels` (or made unconditional by LabelConfig())."""
        return dataclasses.replace(self, labels=labels,
                                   vae=self.vae.replace(labels=len(labels.names)))
