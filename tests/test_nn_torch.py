"""convbook.nn against torch.nn and torch.optim, float64, for the same weights.

Skipped when torch is not installed (CI runs without it).
"""

import numpy as np
import pytest

from convbook import nn

torch = pytest.importorskip("torch")
TIGHT = dict(rtol=1e-10, atol=1e-12)


def _pair(rng, variant):
    """A convbook CNN and the same network in torch, with the same float64 weights."""
    if variant == "chapter":  # conv-relu-maxpool-conv-relu-adaptiveavg-flatten-linear
        ours = nn.Sequential(
            nn.Conv2d(1, 4, 3, padding=1, rng=rng, dtype=np.float64), nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(4, 6, 3, padding=1, rng=rng, dtype=np.float64), nn.ReLU(),
            nn.AdaptiveAvgPool2d(2), nn.Flatten(), nn.Linear(24, 10, rng=rng, dtype=np.float64))
        theirs = torch.nn.Sequential(
            torch.nn.Conv2d(1, 4, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
            torch.nn.Conv2d(4, 6, 3, padding=1), torch.nn.ReLU(),
            torch.nn.AdaptiveAvgPool2d(2), torch.nn.Flatten(), torch.nn.Linear(24, 10))
    else:  # strides, pooling padding and ceil mode, average pooling, a non-square adaptive grid
        ours = nn.Sequential(
            nn.Conv2d(1, 3, (3, 2), stride=(1, 2), padding=(1, 0), rng=rng, dtype=np.float64),
            nn.ReLU(), nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True),
            nn.Conv2d(3, 5, 2, bias=False, rng=rng, dtype=np.float64), nn.AvgPool2d(2, 1),
            nn.AdaptiveAvgPool2d((3, 2)), nn.Flatten(),
            nn.Linear(30, 10, rng=rng, dtype=np.float64))
        theirs = torch.nn.Sequential(
            torch.nn.Conv2d(1, 3, (3, 2), stride=(1, 2), padding=(1, 0)), torch.nn.ReLU(),
            torch.nn.MaxPool2d(3, stride=2, padding=1, ceil_mode=True),
            torch.nn.Conv2d(3, 5, 2, bias=False), torch.nn.AvgPool2d(2, 1),
            torch.nn.AdaptiveAvgPool2d((3, 2)), torch.nn.Flatten(), torch.nn.Linear(30, 10))
    theirs = theirs.double()
    ours_params = ours.parameters()
    theirs_params = list(theirs.parameters())
    assert len(ours_params) == len(theirs_params)
    with torch.no_grad():
        for (layer, name), p in zip(ours_params, theirs_params):
            assert tuple(p.shape) == getattr(layer, name).shape  # torch's layout
            p.copy_(torch.from_numpy(getattr(layer, name)))
    return ours, theirs


@pytest.mark.parametrize("variant, hw", [("chapter", (8, 8)), ("chapter", (9, 7)),
                                         ("strided", (12, 13))])
def test_forward_and_every_gradient_match_torch(variant, hw):
    rng = np.random.default_rng(0)
    ours, theirs = _pair(rng, variant)
    x = rng.random((5, 1) + hw)
    y = rng.integers(0, 10, 5)
    logits = ours(x)
    loss, dlogits = nn.cross_entropy(logits, y)
    dx = ours.backward(dlogits)

    tx = torch.tensor(x, requires_grad=True)
    tlogits = theirs(tx)
    tloss = torch.nn.functional.cross_entropy(tlogits, torch.from_numpy(y))
    tloss.backward()
    np.testing.assert_allclose(logits, tlogits.detach().numpy(), **TIGHT)
    assert loss == pytest.approx(tloss.item(), rel=1e-12)
    np.testing.assert_allclose(dx, tx.grad.numpy(), **TIGHT)
    for (layer, name), p in zip(ours.parameters(), theirs.parameters()):
        np.testing.assert_allclose(layer.grads[name], p.grad.numpy(), **TIGHT,
                                   err_msg=f"{layer!r}.{name}")


@pytest.mark.parametrize("kind, kwargs", [
    ("sgd", dict(lr=0.05)),
    ("sgd", dict(lr=0.05, momentum=0.9)),
    ("sgd", dict(lr=0.05, momentum=0.9, weight_decay=0.01)),
    ("adam", dict(lr=0.01)),
    ("adam", dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.001)),
])
def test_optimizer_steps_match_torch_optim(kind, kwargs):
    rng = np.random.default_rng(1)
    ours, theirs = _pair(rng, "chapter")
    ours_opt = (nn.SGD if kind == "sgd" else nn.Adam)(ours, **kwargs)
    theirs_opt = (torch.optim.SGD if kind == "sgd" else torch.optim.Adam)(theirs.parameters(),
                                                                          **kwargs)
    for _ in range(4):
        x, y = rng.random((6, 1, 8, 8)), rng.integers(0, 10, 6)
        loss, dlogits = nn.cross_entropy(ours(x), y)
        ours.backward(dlogits)
        ours_opt.step()
        theirs_opt.zero_grad()
        torch.nn.functional.cross_entropy(theirs(torch.from_numpy(x)),
                                          torch.from_numpy(y)).backward()
        theirs_opt.step()
    for (layer, name), p in zip(ours.parameters(), theirs.parameters()):
        np.testing.assert_allclose(getattr(layer, name), p.detach().numpy(), rtol=1e-9,
                                   atol=1e-12, err_msg=f"{layer!r}.{name}")


def test_default_initialisation_has_torchs_range():
    torch.manual_seed(0)
    theirs = torch.nn.Conv2d(8, 16, 3)
    ours = nn.Conv2d(8, 16, 3)
    for name in ("weight", "bias"):
        t = getattr(theirs, name).detach().numpy()
        o = getattr(ours, name)
        bound = 1 / np.sqrt(8 * 9)
        assert np.abs(t).max() <= bound and np.abs(o).max() <= bound
        assert np.abs(o).max() > 0.9 * bound and np.abs(t).max() > 0.9 * bound
