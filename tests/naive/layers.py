"""Plain-loop twins of convbook.layers: float64, one output unit (or one gradient term) at a time.

They read straight off the definitions, with no im2col, no GEMM and no Numba, so a test that
compares convbook with them checks the fast paths against the formulas.
"""

import numpy as np


def _pair(v):
    return tuple(v) if isinstance(v, (tuple, list)) else (v, v)


def _setup(x, kernel_hw, stride, padding, dilation):
    (sh, sw), (ph, pw), (dh, dw) = _pair(stride), _pair(padding), _pair(dilation)
    x = np.asarray(x, dtype=np.float64)
    xp = np.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)))
    kh, kw = kernel_hw
    oh = (x.shape[2] + 2 * ph - dh * (kh - 1) - 1) // sh + 1
    ow = (x.shape[3] + 2 * pw - dw * (kw - 1) - 1) // sw + 1
    return xp, (sh, sw), (ph, pw), (dh, dw), oh, ow


def _window_index(r, s, kh, kw, stride, dilation):
    """Rows and columns of padded-input cells under the kernel at output (r, s)."""
    rows = [r * stride[0] + i * dilation[0] for i in range(kh)]
    cols = [s * stride[1] + j * dilation[1] for j in range(kw)]
    return np.ix_(rows, cols)


def local2d(x, w, b=None, stride=1, padding=0, dilation=1):
    """out[n, f, r, s] = b[f, r, s] + sum_{c,i,j} w[r, s, f, c, i, j] xp[n, c, r*sh + i*dh, s*sw + j*dw].

    Read off the definition as "each output unit (r, s) has its own (F, C, kH, kW) bank
    and sees one window": cut the window out, multiply by that unit's bank, sum. Not the
    kernel's scalar loop.
    """
    w = np.asarray(w, dtype=np.float64)
    oh_w, ow_w, n_filters, channels, kh, kw = w.shape
    xp, stride, _, dilation, oh, ow = _setup(x, (kh, kw), stride, padding, dilation)
    assert (oh, ow) == (oh_w, ow_w)
    out = np.zeros((xp.shape[0], n_filters, oh, ow))
    for r in range(oh):
        for s in range(ow):
            rows, cols = _window_index(r, s, kh, kw, stride, dilation)
            for n in range(xp.shape[0]):
                window = xp[n][:, rows, cols]                  # (C, kH, kW)
                for f in range(n_filters):
                    bias = 0.0 if b is None else float(np.asarray(b)[f, r, s])
                    out[n, f, r, s] = bias + np.sum(w[r, s, f] * window)
    return out


def local2d_backward(dout, x, w, stride=1, padding=0, dilation=1):
    """(dx, dw, db) of local2d, each from its own partial derivative of the definition.

    db[f, r, s] = sum_n dout[n, f, r, s]; dw[r, s, f] = sum_n dout[n, f, r, s] window(n, r, s);
    dx is gathered, not scattered: for each input cell (y, x) and each output unit, the
    tap (i, j) that reads it, if any, solves r*sh + i*dh = y + ph (likewise for columns).
    """
    w = np.asarray(w, dtype=np.float64)
    dout = np.asarray(dout, dtype=np.float64)
    oh, ow, n_filters, channels, kh, kw = w.shape
    xp, (sh, sw), (ph, pw), (dh, dw_), _, _ = _setup(x, (kh, kw), stride, padding, dilation)
    x = np.asarray(x, dtype=np.float64)
    db = dout.sum(axis=0)
    dw = np.zeros_like(w)
    for r in range(oh):
        for s in range(ow):
            rows, cols = _window_index(r, s, kh, kw, (sh, sw), (dh, dw_))
            for n in range(xp.shape[0]):
                for f in range(n_filters):
                    dw[r, s, f] += dout[n, f, r, s] * xp[n][:, rows, cols]

    def tap(out_index, cell, step, dil, k):
        """The kernel offset at which output `out_index` reads padded cell `cell`, or None."""
        offset = cell - out_index * step
        if offset < 0 or offset % dil or offset // dil >= k:
            return None
        return offset // dil

    dx = np.zeros_like(x)
    for y in range(x.shape[2]):
        for xc in range(x.shape[3]):
            for r in range(oh):
                i = tap(r, y + ph, sh, dh, kh)
                if i is None:
                    continue
                for s in range(ow):
                    j = tap(s, xc + pw, sw, dw_, kw)
                    if j is not None:
                        # sum over f of dout[n, f, r, s] * w[r, s, f, c, i, j], for every n, c
                        dx[:, :, y, xc] += dout[:, :, r, s] @ w[r, s, :, :, i, j]
    return dx, dw, db


def tile(w, oh, ow):
    """A local2d weight (OH, OW, F, C, kH, kW) with the conv kernel w (F, C, kH, kW) at every position."""
    return np.broadcast_to(np.asarray(w, dtype=np.float64), (oh, ow) + np.shape(w)).copy()


def conv2d(x, w, b=None, stride=1, padding=0, dilation=1):
    """out[n, f, r, s] = b[f] + sum_{c,i,j} w[f, c, i, j] xp[n, c, r*sh + i*dh, s*sw + j*dw]."""
    w = np.asarray(w, dtype=np.float64)
    xp, stride, _, dilation, oh, ow = _setup(x, w.shape[2:], stride, padding, dilation)
    out = np.zeros((xp.shape[0], w.shape[0], oh, ow))
    for n in range(xp.shape[0]):
        for f in range(w.shape[0]):
            for r in range(oh):
                for s in range(ow):
                    rows, cols = _window_index(r, s, w.shape[2], w.shape[3], stride, dilation)
                    window = xp[n][:, rows, cols]
                    out[n, f, r, s] = np.sum(window * w[f]) + (0.0 if b is None else b[f])
    return out


def conv2d_backward(dout, x, w, stride=1, padding=0, dilation=1):
    """(dx, dw, db): each output's gradient added into every input and weight it touched."""
    w = np.asarray(w, dtype=np.float64)
    dout = np.asarray(dout, dtype=np.float64)
    xp, stride, (ph, pw), dilation, oh, ow = _setup(x, w.shape[2:], stride, padding, dilation)
    dxp, dw = np.zeros_like(xp), np.zeros_like(w)
    for n in range(xp.shape[0]):
        for f in range(w.shape[0]):
            for r in range(oh):
                for s in range(ow):
                    rows, cols = _window_index(r, s, w.shape[2], w.shape[3], stride, dilation)
                    g = dout[n, f, r, s]
                    dw[f] += g * xp[n][:, rows, cols]
                    dxp[n][:, rows, cols] += g * w[f]
    db = dout.sum(axis=(0, 2, 3))
    return dxp[:, :, ph:dxp.shape[2] - ph, pw:dxp.shape[3] - pw], dw, db
