"""pool2d max forward/backward against torch and a numpy baseline (single thread).

Targets (issue 2): forward <= 0.5x torch's max_pool2d time (convbook >= 2x faster),
backward with saved indices <= 1x torch's max_pool2d_with_indices_backward, and a
widget-sized (1, 1, 64, 64) 2x2 pool <= 20 us including the wrapper.

Run: ``.venv/bin/python benchmarks/run.py pooling``
"""

from _harness import interleaved_best, median_seconds, report, torch_or_none  # first: one thread

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

import convbook as cb

CASES = [
    # (shape, size, stride, padding)
    ((64, 16, 32, 32), 2, 2, 0),
    ((8, 64, 56, 56), 3, 2, 1),
]


def numpy_max_pool(x, k, s, p):
    """The baseline a reader would write: -inf padding + sliding_window_view."""
    if p:
        x = np.pad(x, [(0, 0)] * (x.ndim - 2) + [(p, p), (p, p)], constant_values=-np.inf)
    win = sliding_window_view(x, (k, k), axis=(-2, -1))[..., ::s, ::s, :, :]
    return win.max(axis=(-2, -1))


def numpy_reshape_pool(x, k):
    """The fastest numpy idiom, for disjoint windows that tile the input exactly."""
    *lead, H, W = x.shape
    return x.reshape(*lead, H // k, k, W // k, k).max(axis=(-3, -1))


def numpy_max_pool_backward(dout, x, k, s, p):
    """Baseline backward: argmax over the windows, then np.add.at."""
    xp = np.pad(x, [(0, 0)] * (x.ndim - 2) + [(p, p), (p, p)], constant_values=-np.inf)
    win = sliding_window_view(xp, (k, k), axis=(-2, -1))[..., ::s, ::s, :, :]
    arg = win.reshape(win.shape[:-2] + (k * k,)).argmax(axis=-1)
    oh, ow = win.shape[-4], win.shape[-3]
    rows = np.arange(oh)[:, None] * s + arg // k
    cols = np.arange(ow)[None, :] * s + arg % k
    dxp = np.zeros(xp.shape, x.dtype)
    lead = np.indices(x.shape[:-2])
    lead = [a[..., None, None] for a in lead]
    np.add.at(dxp, (*lead, rows, cols), dout)
    return dxp[..., p:p + x.shape[-2], p:p + x.shape[-1]]


def check_against_torch(torch, cases=300, seed=0):
    """Random shapes/sizes/strides/paddings/ceil_mode, with NaNs and ties: convbook must
    equal torch (max values and indices, avg with count_include_pad=False, both backward
    passes, lp_pool2d p=2, adaptive max/avg, 1-D max/avg). Torch is not a test dependency,
    so this cross-check lives here."""
    F = torch.nn.functional
    rng = np.random.default_rng(seed)
    checked = 0
    for trial in range(cases):
        H, W = (int(n) for n in rng.integers(1, 10, 2))
        kh, kw = (int(n) for n in rng.integers(1, 5, 2))
        sh, sw = (int(n) for n in rng.integers(1, 5, 2))
        ph, pw = int(rng.integers(0, kh // 2 + 1)), int(rng.integers(0, kw // 2 + 1))
        ceil = bool(rng.integers(2))
        if H + 2 * ph < kh or W + 2 * pw < kw:
            continue
        ours = dict(size=(kh, kw), stride=(sh, sw), padding=(ph, pw), ceil_mode=ceil)
        theirs = dict(kernel_size=(kh, kw), stride=(sh, sw), padding=(ph, pw), ceil_mode=ceil)
        x = np.round(rng.standard_normal((2, 3, H, W)) * 2)  # ties
        if trial % 4 == 0:
            x[rng.random(x.shape) < 0.1] = np.nan
        t_out, t_idx = F.max_pool2d(torch.from_numpy(x), return_indices=True, **theirs)
        out, idx = cb.pool2d(x, return_indices=True, **ours)
        assert np.array_equal(out, t_out.numpy(), equal_nan=True)
        assert np.array_equal(idx, t_idx.numpy())
        assert np.array_equal(cb.pool2d(x, **ours), out, equal_nan=True)

        x = np.where(np.isnan(x), 0.5, x) + rng.standard_normal(x.shape) * 1e-3
        dout = rng.standard_normal(out.shape)
        for kind, fn, kw_ in (("avg", F.avg_pool2d, dict(count_include_pad=False)),
                              ("max", F.max_pool2d, {})):
            tx = torch.from_numpy(x).requires_grad_(True)
            t_y = fn(tx, **theirs, **kw_)
            t_y.backward(torch.from_numpy(dout))
            assert np.allclose(cb.pool2d(x, kind=kind, **ours), t_y.detach().numpy(),
                               rtol=1e-12, atol=1e-12)
            assert np.allclose(cb.pool2d_backward(dout, x, kind=kind, **ours),
                               tx.grad.numpy(), rtol=1e-12, atol=1e-12)
        if ph == pw == 0 and not ceil:
            assert np.allclose(cb.pool2d(x, (kh, kw), (sh, sw), kind="l2"),
                               F.lp_pool2d(torch.from_numpy(x), 2, (kh, kw), (sh, sw)).numpy(),
                               rtol=1e-10)
        oh, ow = (int(n) for n in rng.integers(1, 12, 2))
        for kind, fn in (("max", F.adaptive_max_pool2d), ("avg", F.adaptive_avg_pool2d)):
            assert np.allclose(cb.adaptive_pool2d(x, (oh, ow), kind=kind),
                               fn(torch.from_numpy(x), (oh, ow)).numpy(), rtol=1e-12)
        L = int(rng.integers(1, 12))
        k, s = int(rng.integers(1, 5)), int(rng.integers(1, 5))
        p = int(rng.integers(0, k // 2 + 1))
        if L + 2 * p >= k:
            row = rng.standard_normal((2, L))
            t_out, t_idx = F.max_pool1d(torch.from_numpy(row), k, s, p, ceil_mode=ceil,
                                        return_indices=True)
            out, idx = cb.pool1d(row, k, s, padding=p, ceil_mode=ceil, return_indices=True)
            assert np.array_equal(out, t_out.numpy()) and np.array_equal(idx, t_idx.numpy())
            assert np.allclose(cb.pool1d(row, k, s, kind="avg", padding=p, ceil_mode=ceil),
                               F.avg_pool1d(torch.from_numpy(row), k, s, p, ceil_mode=ceil,
                                            count_include_pad=False).numpy(), rtol=1e-12)
        checked += 1
    print(f"\nconvbook pooling agrees with torch on {checked} random 2-D cases "
          f"(max + indices with NaNs and ties, avg, both backwards, l2, adaptive, 1-D)")


def interleaved_ratio(label, theirs, ours, rounds=5):
    """Their time / our time, each the best of ``rounds`` interleaved medians (> 1: we win)."""
    best = interleaved_best({"theirs": theirs, "ours": ours}, rounds=rounds, repeats=3)
    print(f"  {label}: {best['theirs'] / best['ours']:.2f} "
          f"(best of {rounds} interleaved medians each)")


def main():
    torch = torch_or_none()
    if torch is not None:
        check_against_torch(torch)
    rng = np.random.default_rng(0)
    for dtype in (np.float32, np.float64):
        for shape, k, s, p in CASES:
            x = rng.standard_normal(shape).astype(dtype)
            out, idx = cb.pool2d(x, k, s, padding=p, return_indices=True)
            dout = rng.standard_normal(out.shape).astype(dtype)
            name = f"{np.dtype(dtype).name} {shape} size {k} stride {s} pad {p}"

            assert np.array_equal(cb.pool2d(x, k, s, padding=p), numpy_max_pool(x, k, s, p))
            ours_f = median_seconds(lambda: cb.pool2d(x, k, s, padding=p))
            ours_fi = median_seconds(lambda: cb.pool2d(x, k, s, padding=p, return_indices=True))
            ours_b = median_seconds(lambda: cb.pool2d_backward(dout, x, k, s, padding=p,
                                                               indices=idx))
            ours_b_re = median_seconds(lambda: cb.pool2d_backward(dout, x, k, s, padding=p))
            others_f = [("numpy sliding_window_view max", median_seconds(
                lambda: numpy_max_pool(x, k, s, p)))]
            if k == s and p == 0 and shape[-1] % k == 0 and shape[-2] % k == 0:
                others_f.append(("numpy reshape max", median_seconds(
                    lambda: numpy_reshape_pool(x, k))))
            others_b = [("numpy argmax + add.at", median_seconds(
                lambda: numpy_max_pool_backward(dout, x, k, s, p)))]
            if torch is not None:
                F = torch.nn.functional
                tx, tdout = torch.from_numpy(x), torch.from_numpy(dout)
                tout, tidx = F.max_pool2d(tx, k, s, p, return_indices=True)
                assert np.array_equal(tout.numpy(), out)
                assert np.array_equal(tidx.numpy(), idx)
                with torch.no_grad():
                    others_f.append(("torch max_pool2d", median_seconds(
                        lambda: F.max_pool2d(tx, k, s, p))))
                    others_f.append(("torch max_pool2d (indices)", median_seconds(
                        lambda: F.max_pool2d(tx, k, s, p, return_indices=True))))
                    torch_dx = torch.ops.aten.max_pool2d_with_indices_backward(
                        tdout, tx, [k, k], [s, s], [p, p], [1, 1], False, tidx)
                    assert np.allclose(torch_dx.numpy(), cb.pool2d_backward(
                        dout, x, k, s, padding=p, indices=idx), rtol=1e-6, atol=1e-6)
                    others_b.append(("torch max_pool2d_with_indices_backward",
                                     median_seconds(lambda: torch.ops.aten
                                                    .max_pool2d_with_indices_backward(
                                                        tdout, tx, [k, k], [s, s], [p, p],
                                                        [1, 1], False, tidx))))
                txg = tx.clone().requires_grad_(True)

                def torch_autograd():
                    txg.grad = None
                    F.max_pool2d(txg, k, s, p).backward(tdout)

                others_b.append(("torch forward + autograd backward",
                                 median_seconds(torch_autograd)))
            report(f"pool2d max forward, {name}", ("convbook pool2d", ours_f), others_f,
                   target="vs torch max_pool2d >= 2x")
            if torch is not None:
                # the machine is shared: also give the ratio of interleaved best medians
                with torch.no_grad():
                    interleaved_ratio(
                        "forward: torch max_pool2d / convbook pool2d",
                        lambda: F.max_pool2d(tx, k, s, p), lambda: cb.pool2d(x, k, s, padding=p))
                    interleaved_ratio(
                        "backward: torch max_pool2d_with_indices_backward / convbook "
                        "pool2d_backward(indices=)",
                        lambda: torch.ops.aten.max_pool2d_with_indices_backward(
                            tdout, tx, [k, k], [s, s], [p, p], [1, 1], False, tidx),
                        lambda: cb.pool2d_backward(dout, x, k, s, padding=p, indices=idx))
            report(f"pool2d max forward with indices, {name}",
                   ("convbook pool2d(return_indices=True)", ours_fi), others_f)
            report(f"pool2d max backward (saved indices), {name}",
                   ("convbook pool2d_backward(indices=)", ours_b), others_b,
                   target="vs torch backward >= 1x")
            report(f"pool2d max backward (argmax recomputed), {name}",
                   ("convbook pool2d_backward", ours_b_re), others_b)

    x = rng.standard_normal((1, 1, 64, 64))
    others = [("numpy sliding_window_view max",
               median_seconds(lambda: numpy_max_pool(x, 2, 2, 0))),
              ("numpy reshape max", median_seconds(lambda: numpy_reshape_pool(x, 2)))]
    if torch is not None:
        tx = torch.from_numpy(x)
        with torch.no_grad():
            others.append(("torch max_pool2d",
                           median_seconds(lambda: torch.nn.functional.max_pool2d(tx, 2))))
    report("widget-sized pool2d max, float64 (1, 1, 64, 64) size 2",
           ("convbook pool2d (wrapper included)", median_seconds(lambda: cb.pool2d(x, 2))),
           others, target="<= 20 us")
    t = median_seconds(lambda: cb.pool2d(x, 2, kind="avg"))
    print(f"  (convbook pool2d kind='avg' on the same input: {t * 1e6:.1f} us)")


if __name__ == "__main__":
    main()
