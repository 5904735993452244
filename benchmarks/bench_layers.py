"""conv2d and conv2d_backward (float32, one thread) against torch and a numpy im2col + matmul.

Run: ``.venv/bin/python benchmarks/run.py layers``. Targets (issue 2): convbook <= 3x torch's
time (a ratio >= 0.33 below), never slower than the numpy im2col baseline (ratio >= 1).
torch's backward is autograd of conv2d with respect to x, w and b, on a graph built once.
"""

import _harness  # first: it holds BLAS to one thread before numpy loads

import numpy as np  # noqa: E402

import convbook as cb  # noqa: E402

SHAPES = [  # (N, C, H, W, F, k, padding)
    (64, 1, 28, 28, 6, 5, 0),
    (64, 6, 14, 14, 16, 5, 0),
    (32, 16, 32, 32, 32, 3, 0),
    (32, 16, 32, 32, 32, 3, 1),
    (8, 64, 56, 56, 64, 3, 0),
    (8, 64, 56, 56, 64, 3, 1),
]


def _windows(xp, kh, kw, oh, ow, stride, dilation):
    """Yield (i, j, view of xp (N, C, OH, OW)) for each kernel offset."""
    for i in range(kh):
        for j in range(kw):
            r, c = i * dilation, j * dilation
            yield i, j, xp[:, :, r:r + stride * (oh - 1) + 1:stride, c:c + stride * (ow - 1) + 1:stride]


def im2col(x, kh, kw, stride, padding, dilation):
    """cols (C, kH, kW, N, OH, OW): the windows of x, by kH*kW slice copies."""
    n, c, h, wd = x.shape
    xp = np.pad(x, ((0, 0), (0, 0), (padding, padding), (padding, padding)))
    oh = (h + 2 * padding - dilation * (kh - 1) - 1) // stride + 1
    ow = (wd + 2 * padding - dilation * (kw - 1) - 1) // stride + 1
    cols = np.empty((c, kh, kw, n, oh, ow), dtype=x.dtype)
    for i, j, view in _windows(xp, kh, kw, oh, ow, stride, dilation):
        cols[:, i, j] = view.transpose(1, 0, 2, 3)
    return cols


def im2col_conv2d(x, w, b, stride=1, padding=0, dilation=1):
    """The classic numpy baseline: cols (C*kH*kW, N*OH*OW), one GEMM."""
    f, c, kh, kw = w.shape
    cols = im2col(x, kh, kw, stride, padding, dilation)
    _, _, _, n, oh, ow = cols.shape
    out = w.reshape(f, -1) @ cols.reshape(c * kh * kw, -1)
    out += b[:, None]
    return np.ascontiguousarray(out.reshape(f, n, oh, ow).transpose(1, 0, 2, 3))


def im2col_conv2d_backward(dout, x, w, stride=1, padding=0, dilation=1):
    """The baseline's backward: im2col again (no forward GEMM), two GEMMs, a col2im."""
    n, c, h, wd = x.shape
    f, _, kh, kw = w.shape
    cols = im2col(x, kh, kw, stride, padding, dilation)
    oh, ow = dout.shape[2:]
    dout2 = dout.transpose(1, 0, 2, 3).reshape(f, -1)
    dw = (dout2 @ cols.reshape(c * kh * kw, -1).T).reshape(w.shape)
    dcols = (w.reshape(f, -1).T @ dout2).reshape(c, kh, kw, n, oh, ow)
    dxp = np.zeros((n, c, h + 2 * padding, wd + 2 * padding), dtype=x.dtype)
    for i, j, view in _windows(dxp, kh, kw, oh, ow, stride, dilation):
        view += dcols[:, i, j].transpose(1, 0, 2, 3)
    dx = dxp[:, :, padding:padding + h, padding:padding + wd]
    return dx, dw, dout.sum(axis=(0, 2, 3))


def main():
    torch = _harness.torch_or_none()
    rng = np.random.default_rng(0)
    for n, c, h, wd, f, k, p in SHAPES:
        x = rng.standard_normal((n, c, h, wd), dtype=np.float32)
        w = rng.standard_normal((f, c, k, k), dtype=np.float32)
        b = rng.standard_normal(f, dtype=np.float32)
        out = cb.conv2d(x, w, b, padding=p)
        dout = rng.standard_normal(out.shape, dtype=np.float32)
        base_out = im2col_conv2d(x, w, b, padding=p)
        scale = np.abs(base_out).max()
        assert np.abs(out - base_out).max() <= 1e-4 * scale, "conv2d disagrees with the baseline"
        grads = cb.conv2d_backward(dout, x, w, padding=p)
        for ours, base in zip(grads, im2col_conv2d_backward(dout, x, w, padding=p)):
            assert np.abs(ours - base).max() <= 1e-4 * max(1.0, np.abs(base).max())

        label = f"(N,C,H,W,F,k)=({n},{c},{h},{wd},{f},{k}) padding={p}, float32"
        fwd = {"convbook conv2d": lambda: cb.conv2d(x, w, b, padding=p),
               "numpy im2col + matmul": lambda: im2col_conv2d(x, w, b, padding=p)}
        bwd = {"convbook conv2d_backward": lambda: cb.conv2d_backward(dout, x, w, padding=p),
               "numpy im2col + matmul": lambda: im2col_conv2d_backward(dout, x, w, padding=p)}
        if torch is not None:
            tx, tw, tb = (torch.from_numpy(a) for a in (x, w, b))
            fwd["torch conv2d"] = lambda: torch.nn.functional.conv2d(tx, tw, tb, padding=p)
            gx, gw, gb = (t.clone().requires_grad_(True) for t in (tx, tw, tb))
            tout = torch.nn.functional.conv2d(gx, gw, gb, padding=p)
            tdout = torch.from_numpy(dout)
            assert np.abs(tout.detach().numpy() - out).max() <= 1e-4 * scale, "conv2d disagrees with torch"
            bwd["torch autograd (x, w, b)"] = lambda: torch.autograd.grad(
                tout, (gx, gw, gb), tdout, retain_graph=True)
        for title, contenders in ((f"conv2d {label}", fwd), (f"conv2d_backward {label}", bwd)):
            times = _harness.interleaved_best(contenders)
            ours, *others = times.items()
            _harness.report(title, ours, others, target=">= 0.33x torch, >= 1x im2col")


if __name__ == "__main__":
    main()
