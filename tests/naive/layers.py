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
    """out[n, f, r, s] = b[f, r, s] + sum_{c,i,j} w[r, s, f, c, i, j] xp[n, c, r*sh + i*dh, s*sw + j*dw]."""
    w = np.asarray(w, dtype=np.float64)
    oh_w, ow_w, n_filters, channels, kh, kw = w.shape
    xp, stride, padding, dilation, oh, ow = _setup(x, (kh, kw), stride, padding, dilation)
    assert (oh, ow) == (oh_w, ow_w)
    out = np.zeros((xp.shape[0], n_filters, oh, ow))
    for n in range(xp.shape[0]):
        for f in range(n_filters):
            for r in range(oh):
                for s in range(ow):
                    total = 0.0 if b is None else float(b[f][r][s])
                    for c in range(channels):
                        for i in range(kh):
                            for j in range(kw):
                                total += w[r, s, f, c, i, j] * xp[
                                    n, c, r * stride[0] + i * dilation[0], s * stride[1] + j * dilation[1]]
                    out[n, f, r, s] = total
    return out


def local2d_backward(dout, x, w, stride=1, padding=0, dilation=1):
    w = np.asarray(w, dtype=np.float64)
    dout = np.asarray(dout, dtype=np.float64)
    oh, ow, n_filters, channels, kh, kw = w.shape
    xp, stride, padding, dilation, _, _ = _setup(x, (kh, kw), stride, padding, dilation)
    dxp, dw, db = np.zeros_like(xp), np.zeros_like(w), np.zeros((n_filters, oh, ow))
    for n in range(xp.shape[0]):
        for f in range(n_filters):
            for r in range(oh):
                for s in range(ow):
                    g = dout[n, f, r, s]
                    db[f, r, s] += g
                    for c in range(channels):
                        for i in range(kh):
                            for j in range(kw):
                                row = r * stride[0] + i * dilation[0]
                                col = s * stride[1] + j * dilation[1]
                                dw[r, s, f, c, i, j] += g * xp[n, c, row, col]
                                dxp[n, c, row, col] += g * w[r, s, f, c, i, j]
    ph, pw = padding
    return dxp[:, :, ph:dxp.shape[2] - ph, pw:dxp.shape[3] - pw], dw, db


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
