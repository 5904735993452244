"""One training epoch of the chapter's small CNN on the 8x8 digits: convbook.nn vs torch.

Run: ``.venv/bin/python benchmarks/run.py nn``. Target (issue 10): convbook takes no longer
than torch (ratio >= 1 below); moonshot: half of torch's time (ratio >= 2). Both run the
same network, float32, one thread, the same shuffled batches and SGD with momentum 0.9:

    Conv2d(1, 8, 3, padding=1) - ReLU - MaxPool2d(2) - Conv2d(8, 16, 3, padding=1) - ReLU
    - AdaptiveAvgPool2d(2) - Flatten - Linear(64, 10)

An epoch is 1797 images (57 batches of 32, or 15 of 128). Besides the whole epoch (forward,
loss, backward, step and the batch gathering) the forward passes alone and forward +
backward are timed over the same batches, which splits the epoch into forward, backward
and the rest (loss, optimizer, batches). Times are CPU seconds of this process
(``time.process_time``), the best of interleaved rounds.
"""

import _harness  # first: it holds BLAS to one thread before numpy loads

import time  # noqa: E402

import numpy as np  # noqa: E402

import convbook as cb  # noqa: E402
from convbook import nn  # noqa: E402

BATCHES = (32, 128)


def convbook_model(rng):
    return nn.Sequential(
        nn.Conv2d(1, 8, 3, padding=1, rng=rng), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(8, 16, 3, padding=1, rng=rng), nn.ReLU(),
        nn.AdaptiveAvgPool2d(2), nn.Flatten(), nn.Linear(64, 10, rng=rng))


def torch_model(torch, ours):
    model = torch.nn.Sequential(
        torch.nn.Conv2d(1, 8, 3, padding=1), torch.nn.ReLU(), torch.nn.MaxPool2d(2),
        torch.nn.Conv2d(8, 16, 3, padding=1), torch.nn.ReLU(),
        torch.nn.AdaptiveAvgPool2d(2), torch.nn.Flatten(), torch.nn.Linear(64, 10))
    with torch.no_grad():
        for (layer, name), p in zip(ours.parameters(), model.parameters()):
            p.copy_(torch.from_numpy(getattr(layer, name)))
    return model


def contenders(torch, x, y, batch_size):
    """{name: {part: function of one epoch}} for convbook and (when installed) torch."""
    rng = np.random.default_rng(0)
    order = rng.permutation(len(x))
    batches = [order[i:i + batch_size] for i in range(0, len(x), batch_size)]
    model = convbook_model(rng)
    opt = nn.SGD(model, 0.05, momentum=0.9)

    def ours_forward():
        for b in batches:
            model(x[b])

    def ours_forward_backward():
        for b in batches:
            _, dlogits = nn.cross_entropy(model(x[b]), y[b])
            model.backward(dlogits, input_grad=False)  # x needs no gradient, as in torch

    def ours_epoch():
        nn.fit(model, opt, x, y, batch_size=batch_size, rng=np.random.default_rng(1))

    out = {"convbook.nn": {"forward": ours_forward, "forward+backward": ours_forward_backward,
                           "epoch": ours_epoch}}
    if torch is None:
        return out
    tmodel = torch_model(torch, model)
    topt = torch.optim.SGD(tmodel.parameters(), 0.05, momentum=0.9)
    tx, ty = torch.from_numpy(x), torch.from_numpy(y)
    loss_fn = torch.nn.functional.cross_entropy
    tbatches = [torch.from_numpy(b) for b in batches]

    def theirs_forward():
        for b in tbatches:
            tmodel(tx[b])  # with autograd recording, as in training

    def theirs_forward_backward():
        for b in tbatches:
            tmodel.zero_grad()
            loss_fn(tmodel(tx[b]), ty[b]).backward()

    def theirs_epoch():
        perm = torch.from_numpy(np.random.default_rng(1).permutation(len(x)))
        for i in range(0, len(x), batch_size):
            b = perm[i:i + batch_size]
            topt.zero_grad()
            loss_fn(tmodel(tx[b]), ty[b]).backward()
            topt.step()

    out["torch"] = {"forward": theirs_forward, "forward+backward": theirs_forward_backward,
                    "epoch": theirs_epoch}
    return out


def check_agreement(torch, x, y):
    """The two networks compute the same logits and loss before timing (float32 tolerance)."""
    ours = convbook_model(np.random.default_rng(0))
    theirs = torch_model(torch, ours)
    logits = ours(x[:64])
    tlogits = theirs(torch.from_numpy(x[:64])).detach().numpy()
    assert np.abs(logits - tlogits).max() < 1e-5, "convbook.nn and torch disagree"


def main():
    torch = _harness.torch_or_none()
    x, y = cb.data.digits()
    if torch is None:
        print("(torch is not installed: convbook.nn times only)")
    else:
        check_agreement(torch, x, y)
    for batch_size in BATCHES:
        parts = contenders(torch, x, y, batch_size)
        flat = {(who, part): fn for who, fns in parts.items() for part, fn in fns.items()}
        # CPU time of this process: on the shared machine, wall time also counts the time
        # other users' work holds the core (both contenders run on one thread)
        times = _harness.interleaved_best(flat, rounds=3, repeats=5, clock=time.process_time)
        n_batches = -(-len(x) // batch_size)
        print(f"\none epoch of the digits CNN, batch {batch_size} ({n_batches} steps), float32")
        for who in parts:
            fwd, both, epoch = (times[(who, p)] for p in ("forward", "forward+backward", "epoch"))
            print(f"  {who:<12} epoch {_harness.format_seconds(epoch)}   forward "
                  f"{_harness.format_seconds(fwd)}   backward {_harness.format_seconds(both - fwd)}"
                  f"   loss+step+batches {_harness.format_seconds(epoch - both)}"
                  f"   ({epoch / n_batches * 1e6:.0f} us/step)")
        if torch is not None:
            for part in ("epoch", "forward", "forward+backward"):
                _harness.report(f"{part}, batch {batch_size}",
                                ("convbook.nn", times[("convbook.nn", part)]),
                                [("torch, 1 thread", times[("torch", part)])],
                                target=">= 1 (moonshot >= 2)" if part == "epoch" else None)


if __name__ == "__main__":
    main()
