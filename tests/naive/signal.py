"""Plain-Python loop twins of convbook.signal: the book's sums written out, nothing clever.

Each output is defined from the 'full' result, as SciPy documents it: 'valid' and 'same'
are windows of 'full' starting at fixed offsets. The image is extended beyond its edges
by ``_extend`` (fill, wrap or symm); in 2-D a 'fill' cell is multiplied like any other
(scipy.signal.correlate2d: 0 * inf is NaN), while in 1-D a cell outside the signal
contributes nothing (scipy.signal.correlate). Convolution is written as its own sum (Eq. 9.4:
S(i, j) = sum_m sum_n I(i - m, j - n) K(m, n)), not as correlation with a flipped kernel,
so it checks the flip in convbook independently.
"""

import numpy as np


def _extend(values, r, c, boundary, fillvalue):
    """I(r, c) for any integers r, c: ``values`` is a list of rows (lists of floats)."""
    h, w = len(values), len(values[0])
    if boundary == "fill":
        if 0 <= r < h and 0 <= c < w:
            return values[r][c]
        return fillvalue
    if boundary == "wrap":
        return values[r % h][c % w]
    # symm: mirror including the edge sample, again and again
    while not 0 <= r < h:
        r = -r - 1 if r < 0 else 2 * h - 1 - r
    while not 0 <= c < w:
        c = -c - 1 if c < 0 else 2 * w - 1 - c
    return values[r][c]


def _start(size_in, size_k, mode, op, one_d):
    """Where the 'mode' output starts inside the 'full' one (SciPy's conventions)."""
    if mode == "full":
        return 0
    if mode == "valid":
        return size_k - 1
    # same: centred; for an even kernel correlate2d rounds the other way
    if op == "correlate" and not one_d:
        return size_k // 2
    return (size_k - 1) // 2


def _out_size(size_in, size_k, mode):
    return {"full": size_in + size_k - 1, "same": size_in, "valid": size_in - size_k + 1}[mode]


def _compute(image, kernel, mode, boundary, fillvalue, op, one_d):
    image = np.asarray(image, dtype=float)
    kernel = np.asarray(kernel, dtype=float)
    values = image.tolist()
    kvalues = kernel.tolist()
    h, w = image.shape
    kh, kw = kernel.shape
    oh, ow = _out_size(h, kh, mode), _out_size(w, kw, mode)
    si, sj = _start(h, kh, mode, op, False), _start(w, kw, mode, op, one_d)
    out = np.empty((oh, ow))
    for i in range(oh):
        for j in range(ow):
            fi, fj = i + si, j + sj  # index into the 'full' output
            total = 0.0
            for m in range(kh):
                for n in range(kw):
                    if op == "correlate":
                        # full correlation:
                        # S(fi, fj) = sum I(fi + m - kh + 1, fj + n - kw + 1) K(m, n)
                        r, c = fi + m - kh + 1, fj + n - kw + 1
                    else:
                        # full convolution (Eq. 9.4): S(fi, fj) = sum I(fi - m, fj - n) K(m, n)
                        r, c = fi - m, fj - n
                    if one_d and boundary == "fill" and not (0 <= r < h and 0 <= c < w):
                        continue  # 1-D (scipy.signal.correlate): outside adds nothing
                    total += _extend(values, r, c, boundary, fillvalue) * kvalues[m][n]
            out[i, j] = total
    return out


def correlate2d(image, kernel, mode="valid", boundary="fill", fillvalue=0.0):
    return _compute(image, kernel, mode, boundary, fillvalue, "correlate", False)


def convolve2d(image, kernel, mode="valid", boundary="fill", fillvalue=0.0):
    return _compute(image, kernel, mode, boundary, fillvalue, "convolve", False)


def correlate1d(x, k, mode="valid", boundary="fill", fillvalue=0.0):
    """1-D twin; ``boundary`` other than 'fill' is used by the conv_matrix tests."""
    x = np.asarray(x, dtype=float)[None]
    k = np.asarray(k, dtype=float)[None]
    return _compute(x, k, mode, boundary, fillvalue, "correlate", True)[0]


def convolve1d(x, k, mode="valid"):
    x = np.asarray(x, dtype=float)[None]
    k = np.asarray(k, dtype=float)[None]
    return _compute(x, k, mode, "fill", 0.0, "convolve", True)[0]
