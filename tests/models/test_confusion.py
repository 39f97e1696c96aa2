"""The label adversary's push on the codes (models.conditioning.confuse_codes)."""

from __future__ import annotations

import pytest
import torch

from models.conditioning import LabelAdversary, confuse_codes


def confusion_gradient(adversary: LabelAdversary, z: torch.Tensor) -> torch.Tensor:
    codes = z.detach().float().requires_grad_(True)
    loss = -adversary(codes).log_softmax(dim=1).mean(dim=1).sum()
    return torch.autograd.grad(loss, codes)[0]


@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16])
def test_the_push_is_the_confusion_gradient_scaled_to_the_reconstructions_pull(dtype):
    torch.manual_seed(0)
    adversary = LabelAdversary(latent_dim=6, labels=4)
    leaf = torch.randn(5, 6, requires_grad=True)
    z = leaf.to(dtype)  # (5, 6): bf16 codes come out of an autocast forward
    pull = torch.randn(5, 6) * torch.tensor([[1.0], [10.0], [100.0], [0.1], [3.0]])
    confuse_codes(adversary, z, weight=0.5)
    (z.float() * pull).sum().backward()  # the reconstruction's gradient on each code is `pull`
    push = leaf.grad - pull  # (5, 6)
    towards = confusion_gradient(adversary, z)
    tolerance = 1e-4 if dtype == torch.float32 else 3e-2
    assert torch.allclose(push.norm(dim=1), 0.5 * pull.norm(dim=1), rtol=tolerance)
    cosine = torch.nn.functional.cosine_similarity(push, towards, dim=1)
    assert bool((cosine > 1 - tolerance).all())
    assert all(p.grad is None for p in adversary.parameters())  # it learns only its own loss


def test_following_the_push_makes_the_adversary_less_sure():
    torch.manual_seed(1)
    adversary = LabelAdversary(latent_dim=4, labels=3)
    z = torch.randn(64, 4, requires_grad=True)
    before = adversary(z).softmax(dim=1).max(dim=1).values.mean()
    confuse_codes(adversary, z, weight=1.0)
    (z * 1e-3).sum().backward()  # a tiny, uniform pull: the push is as long
    step = z.grad - 1e-3  # (64, 4): the push alone
    moved = (z - 0.1 * step / step.norm(dim=1, keepdim=True)).detach()  # a descent step
    confusion = [-adversary(c).log_softmax(dim=1).mean(dim=1) for c in (z.detach(), moved)]
    assert bool((confusion[1] < confusion[0]).all())  # each code closer to unreadable
    after = adversary(moved).softmax(dim=1).max(dim=1).values.mean()
    assert after < before


def test_no_weight_no_push():
    z = torch.randn(3, 4, requires_grad=True)
    confuse_codes(LabelAdversary(4, 3), z, weight=0.0)
    z.sum().backward()
    assert torch.equal(z.grad, torch.ones(3, 4))
