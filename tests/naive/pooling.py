"""Plain-loop twins of convbook.pooling: slow, obvious, written from the documented rules.

Every function loops over output positions and lists the in-bounds cells of the window
explicitly (padding never takes part), in float64 Python arithmetic.
"""

import math

import numpy as np


def out_length(n, k, s, p, ceil_mode):
    """torch's rule, written with math.floor/math.ceil on the true quotient."""
    q = (n + 2 * p - k) / s
    n_out = (math.ceil(q) if ceil_mode else math.floor(q)) + 1
    if ceil_mode and (n_out - 1) * s >= n + p:
        n_out -= 1
    return n_out


def triangle(d, k):
    """Weight of offset d in a window of k cells: 1 - |d - (k-1)/2| / ((k+1)/2)."""
    return 1.0 - abs(d - (k - 1) / 2.0) / ((k + 1) / 2.0)


def _window_cells(i, j, kh, kw, sh, sw, ph, pw, H, W):
    """[(r, c, dr, dc)] for the in-bounds cells of window (i, j); d* are window offsets."""
    cells = []
    for dr in range(kh):
        for dc in range(kw):
            r, c = i * sh - ph + dr, j * sw - pw + dc
            if 0 <= r < H and 0 <= c < W:
                cells.append((r, c, dr, dc))
    return cells


def _reduce(plane, cells, kind, kh, kw):
    """Pool one window given its cells; returns (value, weights per cell, argmax cell)."""
    values = [float(plane[r, c]) for r, c, _, _ in cells]
    if kind == "max":
        best, best_k = values[0], 0
        for k, val in enumerate(values):
            if val > best or math.isnan(val):
                best, best_k = val, k
        return best, None, cells[best_k][:2]
    if kind == "l2":
        return math.sqrt(sum(val * val for val in values)), [1.0] * len(values), None
    if kind == "avg":
        w = [1.0] * len(values)
    else:
        w = [triangle(dr, kh) * triangle(dc, kw) for _, _, dr, dc in cells]
    total = sum(w)
    w = [wi / total for wi in w]
    return sum(wi * val for wi, val in zip(w, values)), w, None


def pool2d_plane(plane, size, stride, padding, ceil_mode, kind):
    """Forward on one (H, W) plane; returns (out, argmax cells or None)."""
    (kh, kw), (sh, sw), (ph, pw) = size, stride, padding
    H, W = plane.shape
    oh, ow = out_length(H, kh, sh, ph, ceil_mode), out_length(W, kw, sw, pw, ceil_mode)
    out = np.zeros((oh, ow))
    arg = np.zeros((oh, ow), dtype=np.int64)
    for i in range(oh):
        for j in range(ow):
            cells = _window_cells(i, j, kh, kw, sh, sw, ph, pw, H, W)
            val, _, best = _reduce(plane, cells, kind, kh, kw)
            out[i, j] = val
            if best is not None:
                arg[i, j] = best[0] * W + best[1]
    return out, arg


def pool2d_plane_backward(dout, plane, size, stride, padding, ceil_mode, kind):
    (kh, kw), (sh, sw), (ph, pw) = size, stride, padding
    H, W = plane.shape
    dx = np.zeros((H, W))
    for i in range(dout.shape[0]):
        for j in range(dout.shape[1]):
            cells = _window_cells(i, j, kh, kw, sh, sw, ph, pw, H, W)
            val, w, best = _reduce(plane, cells, kind, kh, kw)
            if kind == "max":
                dx[best] += dout[i, j]
            elif kind == "l2":
                for r, c, _, _ in cells:
                    dx[r, c] += dout[i, j] * plane[r, c] / val if val != 0 else 0.0
            else:
                for (r, c, _, _), wi in zip(cells, w):
                    dx[r, c] += dout[i, j] * wi
    return dx


def _pairs(size, stride, padding):
    size = (size, size) if np.isscalar(size) else tuple(size)
    stride = size if stride is None else ((stride, stride) if np.isscalar(stride)
                                          else tuple(stride))
    padding = (padding, padding) if np.isscalar(padding) else tuple(padding)
    return size, stride, padding


def pool2d(x, size, stride=None, kind="max", padding=0, ceil_mode=False):
    """Returns (out, flat argmax indices) over every leading index of x (..., H, W)."""
    x = np.asarray(x, dtype=np.float64)
    size, stride, padding = _pairs(size, stride, padding)
    outs, args = {}, {}
    for lead in np.ndindex(*x.shape[:-2]):
        outs[lead], args[lead] = pool2d_plane(x[lead], size, stride, padding, ceil_mode, kind)
    first = next(iter(outs.values()))
    out = np.zeros(x.shape[:-2] + first.shape)
    arg = np.zeros(out.shape, dtype=np.int64)
    for lead in outs:
        out[lead], arg[lead] = outs[lead], args[lead]
    return out, arg


def pool2d_backward(dout, x, size, stride=None, kind="max", padding=0, ceil_mode=False):
    x = np.asarray(x, dtype=np.float64)
    dout = np.asarray(dout, dtype=np.float64)
    size, stride, padding = _pairs(size, stride, padding)
    dx = np.zeros(x.shape)
    for lead in np.ndindex(*x.shape[:-2]):
        dx[lead] = pool2d_plane_backward(dout[lead], x[lead], size, stride, padding,
                                         ceil_mode, kind)
    return dx


def pool1d(x, size, stride=None, kind="max", padding=0, ceil_mode=False):
    """1-D pooling of the last axis, as 1 x size windows on a one-row plane."""
    x = np.asarray(x, dtype=np.float64)
    stride = size if stride is None else stride
    out, arg = pool2d(x[..., None, :], (1, size), (1, stride), kind, (0, padding), ceil_mode)
    return out[..., 0, :], arg[..., 0, :]


def pool1d_backward(dout, x, size, stride=None, kind="max", padding=0, ceil_mode=False):
    x = np.asarray(x, dtype=np.float64)
    dout = np.asarray(dout, dtype=np.float64)
    stride = size if stride is None else stride
    dx = pool2d_backward(dout[..., None, :], x[..., None, :], (1, size), (1, stride), kind,
                         (0, padding), ceil_mode)
    return dx[..., 0, :]


def channel_pool(x, group, kind="max", axis=1):
    x = np.moveaxis(np.asarray(x, dtype=np.float64), axis, 0)
    C = x.shape[0]
    out = np.zeros((C // group,) + x.shape[1:])
    for o in range(C // group):
        for rest in np.ndindex(*x.shape[1:]):
            values = [x[(o * group + g,) + rest] for g in range(group)]
            if kind == "max":
                best = values[0]
                for val in values:
                    if val > best or math.isnan(val):
                        best = val
                out[(o,) + rest] = best
            elif kind == "avg":
                out[(o,) + rest] = sum(values) / group
            elif kind == "l2":
                out[(o,) + rest] = math.sqrt(sum(val * val for val in values))
            else:
                w = [triangle(g, group) for g in range(group)]
                out[(o,) + rest] = sum(wi * val for wi, val in zip(w, values)) / sum(w)
    return np.moveaxis(out, 0, axis)


def adaptive_pool2d(x, output_size, kind="max"):
    x = np.asarray(x, dtype=np.float64)
    oh, ow = (output_size, output_size) if np.isscalar(output_size) else output_size
    H, W = x.shape[-2:]
    out = np.zeros(x.shape[:-2] + (oh, ow))
    for lead in np.ndindex(*x.shape[:-2]):
        plane = x[lead]
        for i in range(oh):
            r0, r1 = math.floor(i * H / oh), math.ceil((i + 1) * H / oh)
            for j in range(ow):
                c0, c1 = math.floor(j * W / ow), math.ceil((j + 1) * W / ow)
                cells = [(r, c, r - r0, c - c0) for r in range(r0, r1) for c in range(c0, c1)]
                if kind == "weighted":
                    w = [triangle(dr, r1 - r0) * triangle(dc, c1 - c0)
                         for _, _, dr, dc in cells]
                    out[lead + (i, j)] = (sum(wi * plane[r, c] for (r, c, _, _), wi
                                              in zip(cells, w)) / sum(w))
                else:
                    out[lead + (i, j)] = _reduce(plane, cells, kind, 1, 1)[0]
    return out
