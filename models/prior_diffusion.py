"""A small diffusion model over latent codes: the learned prior new images are sampled from.

A VAE's encodings fill N(0, I) unevenly: between the codes of real images lie regions the
decoder never saw, and a Gaussian (or a mixture of a few) fitted to the codes puts much of its
mass there, so its samples decode to blends. A diffusion model learns the codes' own density
instead (as the two-stage idea of Dai & Wipf 2019, "Diagnosing and Enhancing VAE Models",
with a denoiser in place of a second VAE):

- training (Ho et al. 2020, "Denoising Diffusion Probabilistic Models", eq. 14): codes are
  noised as x_t = sqrt(abar_t) x_0 + sqrt(1 - abar_t) eps, with abar_t on the cosine schedule
  of Nichol & Dhariwal 2021 ("Improved DDPM", eq. 17); an MLP predicts the velocity
  v = sqrt(abar_t) eps - sqrt(1 - abar_t) x_0 (Salimans & Ho 2022, "Progressive Distillation",
  sec. 4), which, unlike eps, still pins x_0 down at the noisiest levels where abar_t ~ 0;
- the data are draws from each image's posterior N(mu, sigma^2), not just the means: that is
  the density the decoder was trained on, and it keeps the model from learning the few hundred
  means of a small folder as points;
- sampling is DDIM (Song et al. 2021, "Denoising Diffusion Implicit Models", eq. 12) with
  eta = 1 over 50 steps, from seeded noise; temperature scales the noise added at each step.
  (Scaling the starting noise instead, as reduced-temperature sampling of a flow does, does
  not concentrate a diffusion model on typical codes: with three clusters of codes, starting
  noise at 0.3 gave codes 15% further from the clusters than at 1.0, while step noise at 0.3
  brought them 50% closer, all clusters still drawn.)

Codes are standardised per dimension before fitting. The denoiser is ~0.6 M parameters; a fit
is 2,000 steps of 256 codes (tens of seconds on two CPU cores); sampling 64 codes takes ~50 ms.
"""

from __future__ import annotations

import copy
import itertools
import math
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from models.records import frozen_array

TIMESTEPS = 1000  # training noise levels
SAMPLING_STEPS = 50  # DDIM steps at sampling time (evenly spaced over TIMESTEPS)
TIME_FEATURES = 64  # sinusoidal embedding of the noise level
COSINE_OFFSET = 0.008  # s in Nichol & Dhariwal's schedule: keeps beta_1 from being tiny
EPOCHS_OVER_CODES = 400  # passes over the codes in one fit, within the step limits below
MIN_FIT_STEPS = 100
MAX_FIT_STEPS = 2000


@dataclass(frozen=True)
class DiffusionSettings:
    """Size and length of a fit. Stored with the weights so a saved prior rebuilds exactly."""

    hidden: int = 256  # width of the denoiser's residual MLP
    blocks: int = 3  # residual blocks
    steps: int = 2000  # optimisation steps of one fit
    batch_size: int = 256
    learning_rate: float = 1e-3  # AdamW peak; its cosine decay to zero also does what a
    # weight average would (an EMA lagging a few hundred steps hurt the short fits of small
    # folders: samples 30% further from the data in a 3-cluster test)

    @classmethod
    def for_codes(cls, count: int) -> DiffusionSettings:
        """EPOCHS_OVER_CODES passes over `count` codes in batches of 256 (fewer codes: one
        batch of all), within MIN..MAX_FIT_STEPS steps: a folder of a few hundred images fits
        in seconds, a big one in under a minute."""
        steps = round(EPOCHS_OVER_CODES * count / cls.batch_size)
        return cls(steps=min(MAX_FIT_STEPS, max(MIN_FIT_STEPS, steps)),
                   batch_size=max(1, min(cls.batch_size, count)))


def cosine_alpha_bar(timesteps: int = TIMESTEPS) -> torch.Tensor:
    """abar_t for t = 0..T (T + 1 values, abar_0 = 1), float64 (Nichol & Dhariwal eq. 17)."""
    t = torch.arange(timesteps + 1, dtype=torch.float64) / timesteps
    f = torch.cos((t + COSINE_OFFSET) / (1 + COSINE_OFFSET) * math.pi / 2) ** 2
    return (f / f[0]).clamp(min=1e-8)


def time_features(t: torch.Tensor) -> torch.Tensor:
    """Sinusoidal features of integer noise levels t (B,) -> (B, TIME_FEATURES)."""
    half = TIME_FEATURES // 2
    frequencies = torch.exp(-math.log(10_000.0) * torch.arange(half) / half)  # (half,)
    angles = t.float()[:, None] * frequencies[None]  # (B, half)
    return torch.cat([angles.sin(), angles.cos()], dim=1)


class ResidualMLPBlock(nn.Module):
    """LayerNorm -> Linear -> SiLU -> Linear, plus the input; the noise level is added inside."""

    def __init__(self, width: int) -> None:
        super().__init__()
        self.norm = nn.LayerNorm(width)
        self.inner = nn.Linear(width, width)
        self.time = nn.Linear(width, width)
        self.outer = nn.Linear(width, width)

    def forward(self, h: torch.Tensor, time: torch.Tensor) -> torch.Tensor:
        inner = F.silu(self.inner(self.norm(h)) + self.time(time))  # (B, W)
        return h + self.outer(inner)


class Denoiser(nn.Module):
    """v_theta(x_t, t): noisy codes (B, D) and noise levels (B,) -> predicted velocity (B, D)."""

    def __init__(self, dim: int, hidden: int, blocks: int) -> None:
        super().__init__()
        self.time = nn.Sequential(nn.Linear(TIME_FEATURES, hidden), nn.SiLU(),
                                  nn.Linear(hidden, hidden))
        self.inp = nn.Linear(dim, hidden)
        self.blocks = nn.ModuleList(ResidualMLPBlock(hidden) for _ in range(blocks))
        self.out_norm = nn.LayerNorm(hidden)
        self.out = nn.Linear(hidden, dim)

    def forward(self, x: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        time = F.silu(self.time(time_features(t)))  # (B, W)
        h = self.inp(x)  # (B, W)
        for block in self.blocks:
            h = block(h, time)
        return self.out(F.silu(self.out_norm(h)))  # (B, D)


def posterior_draws(means: torch.Tensor, stds: torch.Tensor, rows: torch.Tensor,
                    generator: torch.Generator) -> torch.Tensor:
    """z = mu + sigma * eps for the given rows: (B, D)."""
    noise = torch.randn(len(rows), means.shape[1], generator=generator, dtype=means.dtype)
    return means[rows] + stds[rows] * noise


def train_denoiser(codes: torch.Tensor, stds: torch.Tensor, settings: DiffusionSettings,
                   seed: int) -> Iterator[tuple[int, nn.Module]]:
    """Fit a Denoiser to standardised codes (N, D) with posterior stds (N, D).

    Yields (steps done, denoiser) every 50 steps and at the end, so the caller can report
    progress and stop early. Seeded and deterministic; leaves torch's global random state as
    it found it.
    """
    generator = torch.Generator().manual_seed(seed)
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        model = Denoiser(codes.shape[1], settings.hidden, settings.blocks)
    optimizer = torch.optim.AdamW(model.parameters(), lr=settings.learning_rate,
                                  weight_decay=1e-4)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, settings.steps)
    alpha_bar = cosine_alpha_bar().float()
    for step in range(1, settings.steps + 1):
        rows = torch.randint(len(codes), (settings.batch_size,), generator=generator)
        x0 = posterior_draws(codes, stds, rows, generator)  # (B, D)
        t = torch.randint(1, TIMESTEPS + 1, (settings.batch_size,), generator=generator)
        eps = torch.randn(x0.shape, generator=generator)
        a = alpha_bar[t][:, None]  # (B, 1)
        xt = a.sqrt() * x0 + (1 - a).sqrt() * eps
        velocity = a.sqrt() * eps - (1 - a).sqrt() * x0
        loss = F.mse_loss(model(xt, t), velocity)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        optimizer.step()
        schedule.step()
        if step % 50 == 0 or step == settings.steps:
            yield step, model


@torch.no_grad()
def ddim_sample(denoiser: nn.Module, noise: torch.Tensor, generator: torch.Generator,
                temperature: float = 1.0, steps: int = SAMPLING_STEPS) -> torch.Tensor:
    """DDIM with eta = 1 (the DDPM posterior's noise at every step), from x_T = noise (B, D)
    down to x_0 (B, D); `temperature` scales the noise added on the way."""
    alpha_bar = cosine_alpha_bar().float()
    levels = torch.linspace(TIMESTEPS, 0, steps + 1).round().long()  # T ... 0
    x = noise
    for t, t_next in itertools.pairwise(levels):
        a, a_next = alpha_bar[t], alpha_bar[t_next]
        velocity = denoiser(x, t.expand(len(x)))
        x0 = a.sqrt() * x - (1 - a).sqrt() * velocity  # (B, D)
        eps = (1 - a).sqrt() * x + a.sqrt() * velocity
        # Song et al. eq. 16 with eta = 1: sigma^2 = (1 - a') / (1 - a) * (1 - a / a')
        sigma = ((1 - a_next) / (1 - a) * (1 - a / a_next)).sqrt()
        x = (a_next.sqrt() * x0 + (1 - a_next - sigma**2).clamp_min(0).sqrt() * eps
             + sigma * temperature * torch.randn(x.shape, generator=generator))
    return x


@dataclass(frozen=True, eq=False)
class DiffusionPrior:
    """A fitted code diffusion model: `sample` draws codes, `to_arrays` stores it.

    `shift` and `scale` (D,) standardise codes for the denoiser: x = (z - shift) / scale.
    """

    settings: DiffusionSettings
    shift: np.ndarray  # (D,) float32
    scale: np.ndarray  # (D,) float32
    denoiser: Denoiser
    kind: str = "diffusion"

    @property
    def latent_dim(self) -> int:
        return int(self.shift.shape[0])

    def sample(self, n: int, *, temperature: float = 1.0, seed: int | None = None) -> np.ndarray:
        """n codes, float32 (n, D). Deterministic for a given seed. `temperature` scales the
        noise each sampling step adds: below 1 the codes gather closer to the typical ones of
        the folder, 0 leaves only the starting noise (a few typical codes)."""
        if n < 0 or temperature < 0:
            raise ValueError("n and temperature must not be negative")
        generator = torch.Generator()
        generator.manual_seed(seed if seed is not None else int(
            np.random.SeedSequence().generate_state(1)[0]))
        noise = torch.randn(n, self.latent_dim, generator=generator)
        x = ddim_sample(self.denoiser, noise, generator, temperature)  # (n, D), standardised
        return (x.numpy() * self.scale + self.shift).astype(np.float32)

    @classmethod
    def fit_steps(cls, means: np.ndarray, logvars: np.ndarray, *, seed: int = 0,
                  settings: DiffusionSettings | None = None,
                  should_stop: Callable[[], bool] = lambda: False,
                  ) -> Generator[float, None, DiffusionPrior | None]:
        """Fit to the posteriors of the training images, means and log-variances (N, D).

        Yields the fraction done every 50 steps; returns the prior, or None when
        `should_stop()` turned true before the fit finished."""
        settings = settings or DiffusionSettings.for_codes(len(means))
        mu = torch.as_tensor(np.asarray(means, dtype=np.float32))
        std = torch.as_tensor(np.asarray(logvars, dtype=np.float32)).mul(0.5).exp()
        if mu.ndim != 2 or mu.shape != std.shape or not torch.isfinite(mu).all():
            raise ValueError(f"means and log-variances must be finite (N, D) arrays, "
                             f"got {tuple(mu.shape)} and {tuple(std.shape)}")
        shift = mu.mean(0)  # (D,)
        # the spread of posterior draws: variance of the means plus the mean posterior variance
        scale = (mu.var(0, unbiased=False) + std.pow(2).mean(0)).sqrt().clamp_min(1e-4)  # (D,)
        denoiser = None
        for step, current in train_denoiser((mu - shift) / scale, std / scale, settings, seed):
            if should_stop():
                return None
            denoiser = current
            yield step / settings.steps
        return cls(settings, frozen_array(shift.numpy()), frozen_array(scale.numpy()),
                   copy.deepcopy(denoiser).eval())

    @classmethod
    def fit(cls, means: np.ndarray, logvars: np.ndarray, *, seed: int = 0,
            settings: DiffusionSettings | None = None) -> DiffusionPrior:
        """`fit_steps` run to the end."""
        fitting = cls.fit_steps(means, logvars, seed=seed, settings=settings)
        while True:
            try:
                next(fitting)
            except StopIteration as done:
                return done.value

    def to_arrays(self) -> dict[str, np.ndarray]:
        """Plain arrays for a safetensors file: the kind code, standardisation, settings and the
        denoiser's weights."""
        from models.prior import KINDS

        settings = self.settings
        arrays = {
            "prior.kind": np.array([KINDS.index(self.kind)], dtype=np.int64),
            "prior.shift": np.array(self.shift, dtype=np.float32),
            "prior.scale": np.array(self.scale, dtype=np.float32),
            "prior.settings": np.array([settings.hidden, settings.blocks, settings.steps,
                                        settings.batch_size, settings.learning_rate],
                                       dtype=np.float64),
        }
        for name, tensor in self.denoiser.state_dict().items():
            arrays[f"prior.denoiser.{name}"] = tensor.detach().cpu().numpy().copy()
        return arrays

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray]) -> DiffusionPrior:
        """Rebuild from `to_arrays` output; raises ProjectError when anything is off."""
        from models.errors import ProjectError

        try:
            shift = np.asarray(arrays["prior.shift"], dtype=np.float32)
            scale = np.asarray(arrays["prior.scale"], dtype=np.float32)
            hidden, blocks, steps, batch, lr = np.asarray(arrays["prior.settings"]).tolist()
            settings = DiffusionSettings(int(hidden), int(blocks), int(steps), int(batch),
                                         float(lr))
            prefix = "prior.denoiser."
            weights = {k[len(prefix):]: torch.from_numpy(np.array(v, dtype=np.float32))
                       for k, v in arrays.items() if k.startswith(prefix)}
            if shift.ndim != 1 or shift.shape != scale.shape or not (
                    np.isfinite(shift).all() and (scale > 0).all()):
                raise ValueError("bad standardisation")
            denoiser = Denoiser(len(shift), settings.hidden, settings.blocks)
            denoiser.load_state_dict(weights)
        except (KeyError, ValueError, TypeError, RuntimeError) as exc:
            # torch's load_state_dict lists every missing key over several lines: one line here
            detail = " ".join(str(exc).split())[:160]
            raise ProjectError(
                f"the saved latent prior is corrupt or incomplete ({detail})") from exc
        if not all(torch.isfinite(t).all() for t in weights.values()):
            raise ProjectError("the saved latent prior holds non-finite numbers")
        return cls(settings, frozen_array(shift), frozen_array(scale), denoiser.eval())
