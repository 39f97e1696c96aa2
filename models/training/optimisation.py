"""One optimisation step of the VAE: model, EMA, AdamW, bf16 autocast and the NaN guard."""

from __future__ import annotations

import dataclasses
import logging
import math
from dataclasses import dataclass

import torch
from torch.nn.parallel import DistributedDataParallel

from models.conditioning import LabelTerms, confuse_codes, label_losses
from models.config import LabelConfig, TrainConfig, VAEConfig
from models.distributions import DiagonalGaussian
from models.label_means import match_label_means
from models.label_swap import swap_weight_now, swapped_label_loss
from models.loss import censored_reconstruction, elbo_loss
from models.records import Metrics
from models.runtime import bf16_is_faster, cpu_supports_bf16, select_device
from models.sharpness import sharpness_loss
from models.training import checkpoint as ckpt
from models.training import schedule
from models.training.data import (
    BatchSampler,
    DataPosition,
    TrainingBatches,
    augmentation_enabled,
)
from models.training.distributed import DistContext, agree_on, device_for_rank
from models.training.ema import make_ema
from models.training.guard import NonFiniteGuard
from models.training.sharpen import SharpenStage, code_batches
from models.vae import VAE

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StepOutcome:
    metrics: Metrics | None  # None when the step was skipped
    warning: str = ""


class Optimisation:
    """Owns the trainable state; `step()` advances it by one batch."""

    def __init__(self, data, vae_config: VAEConfig, config: TrainConfig,
                 context: DistContext, label_config: LabelConfig | None = None) -> None:
        self.config = config
        self.censored = config.censors(labelled=vae_config.labels > 0)
        self.label_config = label_config or LabelConfig()
        if vae_config.labels and data.labels is None:
            raise ValueError("a conditional model needs the label of each image")
        self.device = device_for_rank(select_device(config.device), context)
        torch.manual_seed(config.seed)
        self.model = VAE(vae_config).to(self.device, memory_format=torch.channels_last)
        self.ema = make_ema(self.model, config.ema_decay)
        # fused AdamW halves optimizer.step() on this CPU (24 -> 11 ms a step at 64x64)
        self.optimizer = torch.optim.AdamW(self.model.parameters(), lr=config.learning_rate,
                                           weight_decay=config.weight_decay,
                                           fused=self.device.type in ("cpu", "cuda"))
        self.sharpen = (SharpenStage(vae_config, config, self.device)
                        if config.sharpen != "off" else None)
        self.context = context
        self.sampler = BatchSampler(data.train_idx, config.batch_size, config.seed,
                                    context.rank, context.world_size)
        augment = augmentation_enabled(config.augment, len(data.images))
        self.batches = TrainingBatches(data.images, self.sampler, self.device, augment,
                                       data.labels if vae_config.labels else None)
        resuming = ckpt.has_checkpoint(data.project_path)
        saved = ckpt.load_state(data.project_path) if resuming else ckpt.TrainState()
        # Decided before the saved random state is restored, and kept in the checkpoint, so a
        # resumed run computes exactly like one that never stopped.
        self.bf16 = agree_on(self._decide_bf16(saved), context)
        self.state = dataclasses.replace(saved, bf16=self.bf16, bf16_device=self.device.type)
        self._rewarm_from: tuple[int, float] | None = None  # (step, learning rate) resumed at
        if resuming:
            self._resume(data.project_path)
            self._rewarm_from = (self.state.step, self.optimizer.param_groups[0]["lr"])
        self.continuing_finished = self.state.finished  # "sharpen on" begins at once then
        self.guard = NonFiniteGuard(self.state.restores)
        self.guard.remember(self._modules())
        self.forward_model = (DistributedDataParallel(self.model) if context.enabled
                              else self.model)
        self.learning_rate = config.learning_rate * self.state.lr_scale

    @property
    def ema_model(self) -> VAE:
        return self.ema.module

    def _modules(self) -> dict:
        modules = {"model": self.model, "ema": self.ema, "optimizer": self.optimizer}
        return {**modules, **self.sharpen.modules()} if self.sharpen is not None else modules

    @property
    def sharpening(self) -> bool:
        return self.sharpen is not None and self.state.sharpen_step >= 0

    def sharpen_due(self, fraction_done: float) -> bool:
        """Whether the sharpen stage should begin before the next step."""
        return (self.sharpen is not None and self.state.sharpen_step < 0
                and self.sharpen.due(fraction_done, self.continuing_finished))

    def begin_sharpen(self, images, indices, psnr_db: float) -> None:
        """Fit the code Gaussian and mark the stage begun (PSNR: the collapse reference)."""
        self.sharpen.fit_codes(self.model, code_batches(images, indices, self.device))
        self.state = dataclasses.replace(self.state, sharpen_step=self.state.step,
                                         sharpen_psnr=psnr_db)

    def undo_collapse(self) -> None:
        """Back to the last good state, with half the adversarial weight from now on."""
        self.guard.restore_into(self._modules())
        self.state = dataclasses.replace(
            self.state, adversarial_scale=self.state.adversarial_scale * 0.5)

    def _decide_bf16(self, saved: ckpt.TrainState) -> bool:
        """bf16 autocast on or off: as configured, as decided when training began, or timed."""
        if self.config.bf16 == "off":
            return False
        if self.config.bf16 == "on":
            return self.device.type == "cuda" or cpu_supports_bf16()
        if saved.bf16_device == self.device.type:
            return saved.bf16  # the timing is noisy; a resume must not flip the precision
        with torch.random.fork_rng(devices=[]):  # the timing's random images are not training's
            return bf16_is_faster(self.model, self.config.batch_size, self.device)

    def _resume(self, project_path) -> None:
        tensors = ckpt.load_checkpoint_tensors(project_path)
        self.model.load_state_dict(tensors.raw)
        self.ema.load_state_dict(tensors.ema)
        self.optimizer.load_state_dict(tensors.optimizer)
        _match_parameter_layouts(self.optimizer)
        if self.sharpen is not None and tensors.sharpen:
            self.sharpen.load_state_tensors(tensors.sharpen, tensors.sharpen_meta)
        torch.set_rng_state(tensors.rng["cpu"])
        if "cuda" in tensors.rng and torch.cuda.is_available():
            torch.cuda.set_rng_state(tensors.rng["cuda"])
        log.info("resumed from step %d", self.state.step)

    def tensors(self) -> ckpt.CheckpointTensors:
        rng = {"cpu": torch.get_rng_state()}
        if self.device.type == "cuda":
            rng["cuda"] = torch.cuda.get_rng_state(self.device)
        sharpen, meta = self.sharpen.state_tensors() if self.sharpen is not None else ({}, "")
        return ckpt.CheckpointTensors(raw=self.model.state_dict(), ema=self.ema.state_dict(),
                                      optimizer=self.optimizer.state_dict(), rng=rng,
                                      sharpen=sharpen, sharpen_meta=meta)

    def snapshot_state(self, state: ckpt.TrainState) -> ckpt.TrainState:
        return dataclasses.replace(state, restores=self.guard.restores)

    def remember_good_state(self) -> None:
        self.guard.remember(self._modules())

    def _rewarmed(self, step: int, scheduled: float) -> float:
        """`scheduled`, reached by a linear climb when a resume would jump the learning rate up.

        Continuing a finished run for longer moves it from the low end of the old cosine to the
        middle of the new, longer one: 10x at once, which kicks the loss up. Like a warm-up,
        climb there over `warmup_steps` from the rate training stopped at. A plain resume stays
        on schedule (its next rate is about the last one), so it continues exactly.
        """
        if self._rewarm_from is None:
            return scheduled
        start_step, start_lr = self._rewarm_from
        climbed = (step - start_step) / max(1, self.config.warmup_steps)
        if (climbed >= 1.0 or step < self.config.warmup_steps
                or scheduled <= start_lr * schedule.LARGEST_RESUME_JUMP):
            self._rewarm_from = None
            return scheduled
        return start_lr + (scheduled - start_lr) * climbed

    def step(self, fraction_done: float) -> StepOutcome:
        """One batch: forward, loss, backward, clip, AdamW, EMA. Non-finite steps are skipped."""
        state = self.state
        position = DataPosition(state.epoch, state.batch)
        x = self.batches.batch(position)  # (B, C, S, S)
        scheduled = self.config.learning_rate * state.lr_scale * schedule.learning_rate(
            1.0, state.step, self.config.warmup_steps, fraction_done)
        self.learning_rate = self._rewarmed(state.step, scheduled)
        for group in self.optimizer.param_groups:
            group["lr"] = self.learning_rate
        labels = self.batches.labels(position)  # (B,) int64 or None
        self.model.train()
        with torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=self.bf16):
            out = (self.forward_model(x) if labels is None
                   else self.forward_model(x, labels=labels))
        if labels is not None:  # codes that do not tell the label (ramped in with the KL)
            ramp = schedule.kl_weight(state.step, self.config.kl_warmup_steps)
            confuse_codes(self.model.label_adversary, out.z,
                          self.label_config.adversary_weight * ramp)
            match_label_means(self.model.label_means, out.posterior.mean, labels,
                              self.label_config.mean_matching_weight * ramp)
        posterior = DiagonalGaussian(out.posterior.mean.float(), out.posterior.logvar.float())
        seen = out.reconstruction.float()
        if self.censored:
            seen = censored_reconstruction(x, seen)
        terms = elbo_loss(x, seen, posterior, beta=self.config.beta,
                          kl_weight=schedule.kl_weight(state.step, self.config.kl_warmup_steps),
                          free_bits=self.config.free_bits,
                          min_log_sigma=self.config.min_log_sigma)
        sharp = sharpness_loss(
            x, seen, terms.log_sigma, focal_frequency=self.config.focal_frequency,
            fft_amplitude=self.config.fft_amplitude, msssim_l1=self.config.msssim_l1)
        loss = terms.loss + sharp
        if labels is not None:  # codes drawn under other labels must show those labels
            with torch.autocast(self.device.type, dtype=torch.bfloat16, enabled=self.bf16):
                loss = loss + swapped_label_loss(
                    self.model, out.z, labels, out.reconstruction, loss, swap_weight_now(
                        self.label_config.swap_weight, fraction_done,
                        schedule.kl_weight(state.step, self.config.kl_warmup_steps)))
        label_terms = None if labels is None else label_losses(
            labels, out.label_logits, out.adversary_logits, self.label_config.classifier_weight)
        if label_terms is not None:
            loss = loss + label_terms.loss
        adversarial = self._adversarial(x, seen, terms.recon_nats + sharp)
        if adversarial is not None:
            loss = loss + adversarial.generator_loss
        self.optimizer.zero_grad(set_to_none=True)
        loss.backward()
        norm = torch.nn.utils.clip_grad_norm_(self.model.parameters(), self.config.grad_clip)
        finite = (math.isfinite(float(norm)) and math.isfinite(float(loss.detach()))
                  and (adversarial is None or adversarial.finite()))
        verdict = self.guard.judge(finite)
        next_position = self.sampler.advance(position)
        if not finite:
            if verdict.restore:
                self.guard.restore_into(self._modules())
                state = dataclasses.replace(state, lr_scale=state.lr_scale * 0.5)
            self.state = dataclasses.replace(state, epoch=next_position.epoch,
                                             batch=next_position.batch)
            return StepOutcome(metrics=None, warning=verdict.message)
        self.optimizer.step()
        if adversarial is not None:
            self.sharpen.step_critic(adversarial.critic_grads, self.context)
        self.ema.update_parameters(self.model)
        self.state = dataclasses.replace(
            state, step=state.step + 1, epoch=next_position.epoch, batch=next_position.batch)
        return StepOutcome(metrics=_metrics(terms, label_terms))

    def _adversarial(self, x, reconstruction, rec_loss):
        """The sharpen stage's part of this step, or None outside the stage."""
        if not self.sharpening:
            return None
        state = self.state
        weight = self.sharpen.weight(state.step - state.sharpen_step, state.adversarial_scale)
        return self.sharpen.adversarial(self.model, x, reconstruction, rec_loss, weight)

    def add_seconds(self, seconds: float) -> None:
        self.state = dataclasses.replace(self.state,
                                         train_seconds=self.state.train_seconds + seconds)


def _match_parameter_layouts(optimizer: torch.optim.Optimizer) -> None:
    """Give each loaded moment its parameter's memory layout.

    safetensors stores tensors contiguous, but the convolution weights are channels_last; fused
    AdamW walks parameter, gradient and moments as flat memory, so moments in another layout
    would be paired with the wrong weights and a resumed run would drift from an unbroken one.
    """
    for parameter, state in optimizer.state.items():
        for key, value in state.items():
            if (torch.is_tensor(value) and value.shape == parameter.shape
                    and value.stride() != parameter.stride()):
                state[key] = torch.empty_like(parameter, dtype=value.dtype).copy_(value)


def _metrics(terms, label_terms: LabelTerms | None = None) -> Metrics:
    recon, kl = float(terms.recon_nats.detach()), float(terms.kl_nats.detach())
    labelled = {} if label_terms is None else {"label_accuracy": label_terms.accuracy,
                                                "label_leakage": label_terms.leakage}
    return Metrics(total_nats=recon + kl, recon_nats=recon, kl_nats=kl,
                   bits_per_dim=float(terms.bits_per_dim.detach()),
                   log_sigma=float(terms.log_sigma.detach()), **labelled)
