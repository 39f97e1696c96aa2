"""The "Sharpen" stage: adversarial fine-tuning once the reconstructions have converged.

A likelihood (and any per-pixel loss) is minimised by the average of the images a code could
stand for, so reconstructions, and even more so samples decoded from new codes, come out soft.
Like the autoencoders of latent diffusion (Esser et al. 2021, "Taming Transformers", sec. 3.1;
Rombach et al. 2022, sec. 3 and appendix G), the last part of training adds a patch critic
(`models.training.discriminator`) whose hinge loss rewards local detail the real images have:

- the critic sees, through DiffAugment, real images against reconstructions AND images decoded
  from codes drawn near the data (a Gaussian fitted to the codes when the stage begins), so the
  decoder learns to draw crisp images for new codes too, not only for the training images;
- the generator's adversarial loss is weighted adaptively, lambda = |grad_w L_rec| /
  |grad_w L_adv| at the decoder's output layer w (Esser et al. eq. 7), times
  `TrainConfig.sharpen_weight`, times a ramp over its first RAMP_STEPS steps;
- it starts in the last quarter of a run ("auto"), at once when a finished project is continued
  with "on" (the Train panel's Sharpen button, `latentia train --sharpen`), or never ("off").

One forward pass of the critic serves both losses: its own (gradients for the critic only) and
the generator's (taken as the gradient at the generated images, then pushed through the
decoder as a surrogate loss, which also gives the adaptive weight its gradient norm cheaply).
The critic, its optimiser and the code Gaussian are checkpointed (sharpen.safetensors); all its
randomness comes from torch's global generator, which the checkpoint already carries, so a
resumed run continues exactly.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass

import numpy as np
import torch

from models.conditioning import one_hot_weights
from models.config import SHARPEN_SHARE, TrainConfig, VAEConfig
from models.training.data import spread, to_tensor
from models.training.discriminator import (
    PatchDiscriminator,
    diff_augment,
    hinge_discriminator_loss,
    hinge_generator_loss,
)
from models.vae import VAE
from models.weights import optimizer_from_tensors, optimizer_to_tensors

# "auto": the adversarial stage takes the last quarter of a run (config.SHARPEN_SHARE; a third
# before the FFT-amplitude loss was on by default: docs/benchmarks.md). 3/4 is exact in binary,
# so step / total reaches it exactly at three quarters of a run.
SHARPEN_FROM = 1.0 - SHARPEN_SHARE
RAMP_STEPS = 200  # the adversarial weight climbs linearly from 0 over this many steps
# Added to |grad_w L_adv| against a division by zero. The latent-diffusion autoencoder also
# clamps lambda at 1e4, but its reconstruction loss is a per-pixel mean; ours is the Gaussian
# likelihood summed over pixels and divided by sigma^2, so lambda is naturally 1e4-1e7 here
# and a clamp would quietly switch the stage off.
ADAPTIVE_EPS = 1e-12
REAL_SHOWN, RECONSTRUCTIONS_SHOWN, SAMPLES_SHOWN = 16, 16, 8  # images the critic sees a step
CRITIC_LEARNING_RATE = 2e-4
CRITIC_BETAS = (0.5, 0.9)  # the usual GAN Adam betas (Radford et al. 2016; LDM)
CODE_IMAGES = 2000  # encoded images the code Gaussian is fitted to
CODE_RIDGE = 1e-3  # added to the covariance diagonal: unused dimensions stay invertible


@dataclass(frozen=True)
class AdversarialStep:
    """One step's adversarial part: the generator's loss term and the critic's gradients."""

    generator_loss: torch.Tensor  # scalar to add to the VAE loss (lambda * weight included)
    critic_grads: tuple[torch.Tensor, ...]  # one per critic parameter
    critic_loss: float
    adaptive_weight: float  # lambda before the user weight and ramp

    def finite(self) -> bool:
        return math.isfinite(self.critic_loss) and bool(
            torch.stack([g.abs().max() for g in self.critic_grads]).isfinite().all())


class SharpenStage:
    """The critic, its optimiser and the Gaussian that new codes are drawn from."""

    def __init__(self, vae_config: VAEConfig, config: TrainConfig, device: torch.device) -> None:
        self.config = config
        self.censored = config.censors(labelled=vae_config.labels > 0)
        self.critic = PatchDiscriminator(vae_config.channels).to(device)
        self.optimizer = torch.optim.Adam(self.critic.parameters(), lr=CRITIC_LEARNING_RATE,
                                          betas=CRITIC_BETAS)
        self.code_mean = torch.zeros(vae_config.latent_dim, device=device)  # (D,)
        self.code_factor = torch.eye(vae_config.latent_dim, device=device)  # (D, D) lower

    def due(self, fraction_done: float, continuing_finished: bool) -> bool:
        """Whether a stage that has not begun should begin now."""
        if self.config.sharpen == "off":
            return False
        return (self.config.sharpen == "on" and continuing_finished) or (
            fraction_done >= SHARPEN_FROM)

    @torch.no_grad()
    def fit_codes(self, model: VAE, batches: list[torch.Tensor]) -> None:
        """Fit the code Gaussian N(mean, L L^T) to the posterior means of images (N, C, S, S)."""
        model.eval()
        means = torch.cat([model.encode(x).mean.float() for x in batches]).double()  # (N, D)
        model.train()
        centred = means - means.mean(0)
        covariance = centred.T @ centred / max(1, len(means) - 1)  # (D, D)
        covariance += CODE_RIDGE * torch.eye(len(covariance), dtype=covariance.dtype,
                                             device=covariance.device)
        self.code_mean = means.mean(0).float()
        # contiguous: LAPACK returns the factor column-major, a checkpoint stores it row-major,
        # and matmuls over the two layouts round differently, which a resume would notice
        self.code_factor = torch.linalg.cholesky(covariance).float().contiguous()

    def sample_codes(self, n: int) -> torch.Tensor:
        """n codes (n, D) from the code Gaussian, drawn from torch's global generator."""
        noise = torch.randn(n, len(self.code_mean), device=self.code_mean.device)
        return self.code_mean + noise @ self.code_factor.T

    def weight(self, steps_in_stage: int, scale: float) -> float:
        """The user weight times the ramp and the collapse back-off `scale`."""
        ramp = min(1.0, (steps_in_stage + 1) / RAMP_STEPS)
        return self.config.sharpen_weight * ramp * scale

    def adversarial(self, model: VAE, x: torch.Tensor, reconstruction: torch.Tensor,
                    rec_loss: torch.Tensor, weight: float) -> AdversarialStep:
        """Critic scores of real x (B, C, S, S) against reconstructions and decoded codes."""
        samples = model.decode(self.sample_codes(SAMPLES_SHOWN),
                               random_labels(model, SAMPLES_SHOWN))  # (B_s, C, S, S)
        fakes = torch.cat([reconstruction[:RECONSTRUCTIONS_SHOWN].float(), samples.float()])
        if self.censored:  # the critic sees what a user sees: pixels clamped to [0, 1]
            fakes = fakes.clamp(0.0, 1.0)
        real_scores = self.critic(diff_augment(x[:REAL_SHOWN] * 2.0 - 1.0))
        fake_scores = self.critic(diff_augment(fakes * 2.0 - 1.0))
        critic_loss = hinge_discriminator_loss(real_scores, fake_scores)
        critic_grads = torch.autograd.grad(critic_loss, tuple(self.critic.parameters()),
                                           retain_graph=True)
        (image_grad,) = torch.autograd.grad(hinge_generator_loss(fake_scores), fakes)
        surrogate = (fakes * image_grad).sum()  # its gradient in the decoder is grad L_adv
        output = model.output_layer_weight()
        (rec_grad,) = torch.autograd.grad(rec_loss, output, retain_graph=True)
        (adv_grad,) = torch.autograd.grad(surrogate, output, retain_graph=True)
        adaptive = rec_grad.norm() / (adv_grad.norm() + ADAPTIVE_EPS)
        return AdversarialStep(generator_loss=surrogate * adaptive.detach() * weight,
                               critic_grads=critic_grads, critic_loss=float(critic_loss.detach()),
                               adaptive_weight=float(adaptive))

    def step_critic(self, grads: tuple[torch.Tensor, ...], context) -> None:
        """Apply the critic's gradients (averaged over DDP ranks: the critic's own gradients
        come from autograd.grad, which DistributedDataParallel does not see)."""
        for parameter, grad in zip(self.critic.parameters(), grads, strict=True):
            if context.enabled:
                torch.distributed.all_reduce(grad)
                grad /= context.world_size
            parameter.grad = grad
        torch.nn.utils.clip_grad_norm_(self.critic.parameters(), self.config.grad_clip)
        self.optimizer.step()
        self.optimizer.zero_grad(set_to_none=True)

    def modules(self) -> dict:
        """What the non-finite guard snapshots and restores along with the VAE."""
        return {"critic": self.critic, "critic_optimizer": self.optimizer}

    def state_tensors(self) -> tuple[dict[str, torch.Tensor], str]:
        """Everything to checkpoint, as tensors plus a JSON string (the optimiser's scalars)."""
        optimizer, meta = optimizer_to_tensors(self.optimizer.state_dict())
        tensors = {f"critic.{k}": v for k, v in self.critic.state_dict().items()}
        tensors.update({f"critic_optimizer.{k}": v for k, v in optimizer.items()})
        tensors.update({"codes.mean": self.code_mean, "codes.factor": self.code_factor})
        return tensors, json.dumps({"optimizer": meta})

    def load_state_tensors(self, tensors: dict[str, torch.Tensor], meta: str) -> None:
        def part(prefix: str) -> dict[str, torch.Tensor]:
            return {k[len(prefix):]: v for k, v in tensors.items() if k.startswith(prefix)}

        self.critic.load_state_dict(part("critic."))
        from models.training.optimisation import _match_parameter_layouts

        self.optimizer.load_state_dict(optimizer_from_tensors(
            part("critic_optimizer."), json.loads(meta)["optimizer"]))
        _match_parameter_layouts(self.optimizer)
        device = self.code_mean.device
        self.code_mean = tensors["codes.mean"].to(device)
        self.code_factor = tensors["codes.factor"].to(device)


def random_labels(model: VAE, n: int) -> torch.Tensor | None:
    """One-hot label weights (n, L) drawn uniformly (torch's global generator, so a resume
    draws the same), for decoding new codes with a conditional model; None otherwise. The
    codes themselves are label-free styles, so any label goes with any of them."""
    if not model.conditional:
        return None
    device = model.label_embedding.table.device
    return one_hot_weights(torch.randint(model.config.labels, (n,), device=device),
                           model.config.labels)


def sharpen_settings(project, config: TrainConfig | None = None) -> TrainConfig:
    """Settings (`config`, else the project's) that continue a trained project with the sharpen
    stage on from the first step, for a quarter of the length those settings ask for."""
    return project.more_training((config or project.config.train).for_sharpening())


def code_batches(images: np.ndarray, indices: np.ndarray,
                 device: torch.device) -> list[torch.Tensor]:
    """CODE_IMAGES training images from all over the folder, as float batches of 128."""
    rows = np.sort(spread(indices, CODE_IMAGES))
    return [to_tensor(images[rows[i:i + 128]], device) for i in range(0, len(rows), 128)]
