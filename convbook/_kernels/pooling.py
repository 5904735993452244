"""Numba kernels for convbook.pooling: no defaults, no validation.

Every kernel works on a stack of planes ``x`` of shape (B, H, W), C-contiguous, unpadded.
Padding is never materialised: a window is clipped to the rows ``lo[i] <= r < hi[i]`` and
columns ``lo[j] <= c < hi[j]`` that lie inside the input, so padded cells can never win a
max and never count in an average. Region bounds come from ``regular_bounds`` (strided
windows) or ``adaptive_bounds`` (torch's adaptive regions); the wrappers have already
checked that every region is non-empty.

Kind codes: 0 max, 1 avg, 2 l2, 3 weighted.
"""

import numpy as np
from . import njit

MAX, AVG, L2, WEIGHTED = 0, 1, 2, 3


@njit()
def regular_bounds(n, k, s, p, n_out):
    """Clipped bounds, nominal origin and nominal size of each strided window."""
    lo = np.empty(n_out, np.int64)
    hi = np.empty(n_out, np.int64)
    origin = np.empty(n_out, np.int64)
    size = np.empty(n_out, np.int64)
    for i in range(n_out):
        start = i * s - p
        origin[i] = start
        size[i] = k
        lo[i] = max(start, 0)
        hi[i] = min(start + k, n)
    return lo, hi, origin, size


@njit()
def adaptive_bounds(n, n_out):
    """torch's adaptive regions: start = floor(i*n/out), end = ceil((i+1)*n/out)."""
    lo = np.empty(n_out, np.int64)
    hi = np.empty(n_out, np.int64)
    for i in range(n_out):
        lo[i] = (i * n) // n_out
        hi[i] = -((-(i + 1) * n) // n_out)
    return lo, hi, lo.copy(), hi - lo


@njit()
def weight_table(lo, hi, origin, size, kind):
    """Per-region weights w[i, r - lo[i]] for the summing kinds.

    avg: 1 / (in-bounds count). l2: 1 (no normalisation). weighted: the triangle
    t(d) = 1 - |d - (k-1)/2| / ((k+1)/2), d = r - origin[i], normalised over the
    in-bounds cells of the region.
    """
    n_out = lo.shape[0]
    width = 1
    for i in range(n_out):
        width = max(width, hi[i] - lo[i])
    table = np.zeros((n_out, width), np.float64)
    for i in range(n_out):
        total = 0.0
        for r in range(lo[i], hi[i]):
            if kind == WEIGHTED:
                centre = (size[i] - 1) / 2.0
                t = 1.0 - abs((r - origin[i]) - centre) / ((size[i] + 1) / 2.0)
            else:
                t = 1.0
            table[i, r - lo[i]] = t
            total += t
        if kind != L2:
            for r in range(hi[i] - lo[i]):
                table[i, r] /= total
    return table


@njit()
def max_forward_indices(x, kh, kw, lo_h, hi_h, lo_w, hi_w, out, idx):
    """Max over each region, and the flat index r*W + c of the first maximum.

    As in torch, a NaN wins (``v > m or isnan(v)``), and ties keep the first index.
    Whole kh x kw windows walk a precomputed list of cell offsets in one flat loop;
    updates are selects, not branches (which mispredict on random data).
    """
    B, H, W = x.shape
    OH = lo_h.shape[0]
    OW = lo_w.shape[0]
    offsets = np.empty(kh * kw - 1, np.int64)  # every cell but the first, row-major
    t = 0
    for dr in range(kh):
        for dc in range(kw):
            if dr or dc:
                offsets[t] = dr * W + dc
                t += 1
    # flat per-plane views: one index per cell, no negative-index wraparound checks
    xf = x.reshape(B, H * W)
    of = out.reshape(B, OH * OW)
    jf = idx.reshape(B, OH * OW)
    for b in range(B):
        plane = xf[b]
        o = of[b]
        q = jf[b]
        for i in range(OH):
            r0 = lo_h[i]
            r1 = hi_h[i]
            whole_rows = r1 - r0 == kh
            for j in range(OW):
                c0 = lo_w[j]
                c1 = hi_w[j]
                best = r0 * W + c0
                m = plane[best]
                if whole_rows and c1 - c0 == kw:
                    first = best
                    for d in offsets:
                        v = plane[first + d]
                        take = (v > m) | (v != v)
                        m = v if take else m
                        best = (first + d) if take else best
                else:  # a window clipped by padding or by ceil_mode
                    for r in range(r0, r1):
                        base = r * W
                        for k in range(base + c0, base + c1):
                            v = plane[k]
                            take = (v > m) | (v != v)
                            m = v if take else m
                            best = k if take else best
                o[i * OW + j] = m
                q[i * OW + j] = best


@njit()
def max_forward_indices_2x2(x, out, idx):
    """``max_forward_indices`` for disjoint 2x2 windows with no padding, unrolled."""
    B, H, W = x.shape
    OH = out.shape[1]
    OW = out.shape[2]
    for b in range(B):
        for i in range(OH):
            for j in range(OW):
                k = 2 * i * W + 2 * j
                m = x[b, 2 * i, 2 * j]
                best = k
                v = x[b, 2 * i, 2 * j + 1]
                if v > m or v != v:
                    m = v
                    best = k + 1
                v = x[b, 2 * i + 1, 2 * j]
                if v > m or v != v:
                    m = v
                    best = k + W
                v = x[b, 2 * i + 1, 2 * j + 1]
                if v > m or v != v:
                    m = v
                    best = k + W + 1
                out[b, i, j] = m
                idx[b, i, j] = best


@njit()
def max_forward(x, lo_h, hi_h, lo_w, hi_w, out):
    """Max over each region without indices: rows first (vectorisable), then columns."""
    B, H, W = x.shape
    OH = lo_h.shape[0]
    OW = lo_w.shape[0]
    tmp = np.empty(W, x.dtype)
    for b in range(B):
        for i in range(OH):
            r0 = lo_h[i]
            r1 = hi_h[i]
            for c in range(W):
                tmp[c] = x[b, r0, c]
            for r in range(r0 + 1, r1):
                for c in range(W):
                    v = x[b, r, c]
                    m = tmp[c]
                    tmp[c] = v if (v > m or v != v) else m
            for j in range(OW):
                c0 = lo_w[j]
                c1 = hi_w[j]
                m = tmp[c0]
                for c in range(c0 + 1, c1):
                    v = tmp[c]
                    m = v if (v > m or v != v) else m
                out[b, i, j] = m


@njit()
def max_forward_2x2(x, out):
    """Max over disjoint 2x2 windows with no padding (the common case, kept tight)."""
    B = x.shape[0]
    OH = out.shape[1]
    OW = out.shape[2]
    for b in range(B):
        for i in range(OH):
            for j in range(OW):
                m = x[b, 2 * i, 2 * j]
                v = x[b, 2 * i, 2 * j + 1]
                m = v if (v > m or v != v) else m
                v = x[b, 2 * i + 1, 2 * j]
                m = v if (v > m or v != v) else m
                v = x[b, 2 * i + 1, 2 * j + 1]
                m = v if (v > m or v != v) else m
                out[b, i, j] = m


@njit()
def max_backward(dout, idx, dx):
    """Route ``dout`` to the saved argmax; dx is (B, H*W), uninitialised.

    Each plane is zeroed just before its scatter, while it is hot in cache. Returns the
    number of indices outside [0, H*W) (they are skipped), so the wrapper can refuse
    foreign indices without a separate pass over them.
    """
    B, OH, OW = dout.shape
    n = dx.shape[1]
    m = OH * OW
    flat_dout = dout.reshape(B, m)
    flat_idx = idx.reshape(B, m)
    bad = 0
    for b in range(B):
        row = dx[b]
        row[:] = 0
        g = flat_dout[b]
        ix = flat_idx[b]
        for t in range(m):
            k = ix[t]
            if k < 0 or k >= n:
                bad += 1
            else:
                row[k] += g[t]
    return bad


@njit()
def sum_forward(x, lo_h, hi_h, wt_h, lo_w, hi_w, wt_w, squared, out):
    """out = sum_r sum_c wt_h[i, r] wt_w[j, c] f(x[r, c]); f = x**2 then sqrt if squared."""
    B, H, W = x.shape
    OH = lo_h.shape[0]
    OW = lo_w.shape[0]
    tmp = np.empty(W, np.float64)
    for b in range(B):
        for i in range(OH):
            r0 = lo_h[i]
            for c in range(W):
                tmp[c] = 0.0
            for r in range(r0, hi_h[i]):
                w = wt_h[i, r - r0]
                for c in range(W):
                    v = x[b, r, c]
                    if squared:
                        v = v * v
                    tmp[c] += w * v
            for j in range(OW):
                c0 = lo_w[j]
                acc = 0.0
                for c in range(c0, hi_w[j]):
                    acc += wt_w[j, c - c0] * tmp[c]
                if squared:
                    acc = np.sqrt(acc)
                out[b, i, j] = acc


@njit()
def sum_backward(scale, x, lo_h, hi_h, wt_h, lo_w, hi_w, wt_w, times_x, dx):
    """dx[r, c] += scale[i, j] * wt_h * wt_w (* x[r, c] when times_x); dx is zeroed."""
    B, OH, OW = scale.shape
    for b in range(B):
        for i in range(OH):
            r0 = lo_h[i]
            for j in range(OW):
                c0 = lo_w[j]
                g = scale[b, i, j]
                for r in range(r0, hi_h[i]):
                    gr = g * wt_h[i, r - r0]
                    for c in range(c0, hi_w[j]):
                        if times_x:
                            dx[b, r, c] += gr * wt_w[j, c - c0] * x[b, r, c]
                        else:
                            dx[b, r, c] += gr * wt_w[j, c - c0]


@njit()
def pool_regions(x, lo_h, hi_h, org_h, n_h, lo_w, hi_w, org_w, n_w, kind, out):
    """Any kind over the given regions, without indices."""
    if kind == MAX:
        max_forward(x, lo_h, hi_h, lo_w, hi_w, out)
    else:
        wt_h = weight_table(lo_h, hi_h, org_h, n_h, kind)
        wt_w = weight_table(lo_w, hi_w, org_w, n_w, kind)
        sum_forward(x, lo_h, hi_h, wt_h, lo_w, hi_w, wt_w, kind == L2, out)


@njit()
def pool_regular(x, kh, kw, sh, sw, ph, pw, kind, out):
    """Strided windows, any kind, no indices: one call from Python (small inputs are
    dominated by dispatch, so bounds and weights are built here)."""
    lo_h, hi_h, org_h, n_h = regular_bounds(x.shape[1], kh, sh, ph, out.shape[1])
    lo_w, hi_w, org_w, n_w = regular_bounds(x.shape[2], kw, sw, pw, out.shape[2])
    pool_regions(x, lo_h, hi_h, org_h, n_h, lo_w, hi_w, org_w, n_w, kind, out)


@njit()
def pool_adaptive(x, kind, out):
    """torch's adaptive regions, any kind, in one call."""
    lo_h, hi_h, org_h, n_h = adaptive_bounds(x.shape[1], out.shape[1])
    lo_w, hi_w, org_w, n_w = adaptive_bounds(x.shape[2], out.shape[2])
    pool_regions(x, lo_h, hi_h, org_h, n_h, lo_w, hi_w, org_w, n_w, kind, out)


# --- one-call drivers: each public path loads one cached function (first call stays cheap)

@njit()
def max_indices_regular(x, kh, kw, sh, sw, ph, pw, out, idx):
    """Strided max with argmax indices; the unrolled kernel when windows are 2x2 tiles."""
    H = x.shape[1]
    W = x.shape[2]
    OH = out.shape[1]
    OW = out.shape[2]
    if (kh == 2 and kw == 2 and sh == 2 and sw == 2 and ph == 0 and pw == 0
            and 2 * OH <= H and 2 * OW <= W):
        max_forward_indices_2x2(x, out, idx)
    else:
        lo_h, hi_h, _, _ = regular_bounds(H, kh, sh, ph, OH)
        lo_w, hi_w, _, _ = regular_bounds(W, kw, sw, pw, OW)
        max_forward_indices(x, kh, kw, lo_h, hi_h, lo_w, hi_w, out, idx)


@njit()
def max_backward_regular(dout, x, kh, kw, sh, sw, ph, pw, dx):
    """Max backward without saved indices: recompute the argmax, then route dout."""
    idx = np.empty(dout.shape, np.int64)
    max_indices_regular(x, kh, kw, sh, sw, ph, pw, np.empty(dout.shape, x.dtype), idx)
    return max_backward(dout, idx, dx)


@njit()
def sum_backward_regular(dout, x, kh, kw, sh, sw, ph, pw, kind, dx):
    """Backward of avg/l2/weighted. l2: d sqrt(S)/dx = x / sqrt(S), taken as 0 at S = 0
    (a NaN norm stays NaN)."""
    B, OH, OW = dout.shape
    lo_h, hi_h, org_h, n_h = regular_bounds(x.shape[1], kh, sh, ph, OH)
    lo_w, hi_w, org_w, n_w = regular_bounds(x.shape[2], kw, sw, pw, OW)
    wt_h = weight_table(lo_h, hi_h, org_h, n_h, kind)
    wt_w = weight_table(lo_w, hi_w, org_w, n_w, kind)
    dx[...] = 0
    if kind == L2:
        y = np.empty((B, OH, OW), np.float64)
        sum_forward(x, lo_h, hi_h, wt_h, lo_w, hi_w, wt_w, True, y)
        scale = np.empty((B, OH, OW), np.float64)
        for b in range(B):
            for i in range(OH):
                for j in range(OW):
                    norm = y[b, i, j]
                    scale[b, i, j] = 0.0 if norm == 0 else dout[b, i, j] / norm
        sum_backward(scale, x, lo_h, hi_h, wt_h, lo_w, hi_w, wt_w, True, dx)
    else:
        sum_backward(dout, x, lo_h, hi_h, wt_h, lo_w, hi_w, wt_w, False, dx)
