"""Device choice, thread set-up and the bf16 decision."""

from __future__ import annotations

import pytest
import torch

from models import runtime
from models.config import VAEConfig
from models.errors import LatentiaError
from models.runtime import (
    bf16_is_faster,
    configure_threads,
    cpu_supports_bf16,
    describe_device,
    select_device,
)
from models.vae import VAE


def test_cpu_is_always_available() -> None:
    assert select_device("cpu") == torch.device("cpu")


def test_auto_prefers_cuda_then_mps_then_cpu(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(runtime, "_mps_available", lambda: False)
    assert select_device("auto").type == "cpu"
    monkeypatch.setattr(runtime, "_mps_available", lambda: True)
    assert select_device("auto").type == "mps"
    monkeypatch.setattr(torch.cuda, "is_available", lambda: True)
    assert select_device("auto").type == "cuda"


def test_missing_devices_raise_clear_errors(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(torch.cuda, "is_available", lambda: False)
    monkeypatch.setattr(runtime, "_mps_available", lambda: False)
    with pytest.raises(LatentiaError, match="no CUDA GPU is available"):
        select_device("cuda")
    with pytest.raises(LatentiaError, match="MPS was chosen but it is not available"):
        select_device("mps")
    with pytest.raises(LatentiaError, match="Unknown device 'tpu'"):
        select_device("tpu")


def test_describe_device() -> None:
    assert describe_device(torch.device("cpu"), True) == "CPU · bf16 on"
    assert describe_device(torch.device("mps"), False) == "Apple MPS · bf16 off"


def test_configure_threads_uses_physical_cores() -> None:
    previous = torch.get_num_threads()
    try:
        threads = configure_threads()
        assert threads == runtime.physical_cores() >= 1
        assert torch.get_num_threads() == threads
    finally:
        torch.set_num_threads(previous)


def test_bf16_check_skips_timing_without_native_support(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runtime, "cpu_supports_bf16", lambda: False)
    model = VAE(VAEConfig(image_size=32, latent_dim=8, width=4))
    assert bf16_is_faster(model, 4, torch.device("cpu")) is False
    assert bf16_is_faster(model, 4, torch.device("mps")) is False


def test_bf16_check_times_a_copy_and_leaves_the_model_alone(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runtime, "cpu_supports_bf16", lambda: True)
    monkeypatch.setattr(runtime, "BF16_CHECK_SECONDS", 0.05)
    model = VAE(VAEConfig(image_size=32, latent_dim=8, width=4))
    before = {k: v.clone() for k, v in model.state_dict().items()}
    previous = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        assert isinstance(bf16_is_faster(model, 2, torch.device("cpu")), bool)
    finally:
        torch.set_num_threads(previous)
    assert all(p.grad is None for p in model.parameters())
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())


def test_bf16_decision_follows_the_timings(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(runtime, "cpu_supports_bf16", lambda: True)
    monkeypatch.setattr(runtime, "BF16_CHECK_SECONDS", 0.0)
    model = VAE(VAEConfig(image_size=32, latent_dim=8, width=4))
    for bf16_seconds, expected in ((0.5, True), (0.95, False)):
        monkeypatch.setattr(runtime, "_training_step_seconds",
                            lambda _m, _x, bf16, s=bf16_seconds: s if bf16 else 1.0)
        assert bf16_is_faster(model, 2, torch.device("cpu")) is expected


def test_cpu_supports_bf16_returns_bool() -> None:
    assert isinstance(cpu_supports_bf16(), bool)
