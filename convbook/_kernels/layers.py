"""Numba kernels for the NCHW layers: im2col + BLAS GEMM for conv2d, direct loops for local2d.

Every kernel trusts its inputs: ``xp`` is the zero-padded input (N, C, Hp, Wp), all arrays
share one float dtype and are C-contiguous, output sizes are already checked. The wrappers
in ``convbook/layers.py`` do the validating, padding and allocating.

conv2d works one image at a time: ``im2col`` copies every receptive field of image n into
the columns of ``cols`` (C*kH*kW, OH*OW), and one GEMM ``w2 @ cols`` (``np.dot`` inside
Numba, which calls BLAS) gives the image's (F, OH*OW) output, already in NCHW order. The
``cols`` buffer is reused, so it stays in cache. Measured against chunks of images through
numpy's ``np.matmul`` from the wrapper, this was faster for every backward benchmark shape
and for the small forward ones.
"""

import numpy as np
from . import njit


@njit()
def im2col(xn, kh, kw, sh, sw, dh, dw, oh, ow, cols):
    """cols[(c*kh + i)*kw + j, r*ow + s] = xn[c, r*sh + i*dh, s*sw + j*dw]."""
    channels = xn.shape[0]
    for c in range(channels):
        for i in range(kh):
            for j in range(kw):
                row = (c * kh + i) * kw + j
                for r in range(oh):
                    src = xn[c, r * sh + i * dh]
                    dst = cols[row, r * ow:(r + 1) * ow]
                    start = j * dw
                    if sw == 1:
                        for s in range(ow):
                            dst[s] = src[start + s]
                    else:
                        for s in range(ow):
                            dst[s] = src[start + s * sw]


@njit()
def col2im_add(cols, kh, kw, sh, sw, dh, dw, oh, ow, xn):
    """The adjoint of im2col: xn[c, r*sh + i*dh, s*sw + j*dw] += cols[(c*kh + i)*kw + j, r*ow + s]."""
    channels = xn.shape[0]
    for c in range(channels):
        for i in range(kh):
            for j in range(kw):
                row = (c * kh + i) * kw + j
                for r in range(oh):
                    dst = xn[c, r * sh + i * dh]
                    src = cols[row, r * ow:(r + 1) * ow]
                    start = j * dw
                    if sw == 1:
                        for s in range(ow):
                            dst[start + s] += src[s]
                    else:
                        for s in range(ow):
                            dst[start + s * sw] += src[s]


@njit()
def im2col_unit_or_any(xn, kh, kw, sh, sw, dh, dw, oh, ow, cols):
    """im2col, with literal 1s for the common stride 1, dilation 1 case.

    The literals let LLVM fold the index arithmetic of the inlined copy loops: measured
    2-2.5x faster than passing the same 1s at run time.
    """
    if sh == 1 and sw == 1 and dh == 1 and dw == 1:
        im2col(xn, kh, kw, 1, 1, 1, 1, oh, ow, cols)
    else:
        im2col(xn, kh, kw, sh, sw, dh, dw, oh, ow, cols)


@njit()
def col2im_unit_or_any(cols, kh, kw, sh, sw, dh, dw, oh, ow, xn):
    """col2im_add, with the same stride 1, dilation 1 specialisation."""
    if sh == 1 and sw == 1 and dh == 1 and dw == 1:
        col2im_add(cols, kh, kw, 1, 1, 1, 1, oh, ow, xn)
    else:
        col2im_add(cols, kh, kw, sh, sw, dh, dw, oh, ow, xn)


@njit()
def conv2d_forward(xp, w2, kh, kw, sh, sw, dh, dw, oh, ow, out):
    """out[n] = w2 @ im2col(xp[n]) for each image; out is (N, F, oh*ow).

    w2 is (F, C*kh*kw), or (F, C*kh*kw + 1) with the bias as its last column: the extra
    row of ones at the bottom of ``cols`` then adds the bias inside the GEMM.
    """
    rows = xp.shape[1] * kh * kw
    cols = np.empty((w2.shape[1], oh * ow), dtype=xp.dtype)
    cols[rows:, :] = 1.0
    for n in range(xp.shape[0]):
        im2col_unit_or_any(xp[n], kh, kw, sh, sw, dh, dw, oh, ow, cols)
        np.dot(w2, cols, out[n])


@njit()
def conv2d_backward(dout, xp, w2t, kh, kw, sh, sw, dh, dw, oh, ow, dxp, dw2):
    """Accumulate dw2 (F, C*kh*kw) and dxp (N, C, Hp, Wp), both zeroed by the caller.

    Per image: dw2 += dout[n] @ im2col(xp[n]).T (the tied copies' gradients summed), and
    dxp[n] += col2im(w2t @ dout[n]) with w2t = w2.T of shape (C*kh*kw, F); dout is
    (N, F, oh*ow). One image at a time keeps ``cols`` in cache for both products.
    """
    cols = np.empty((w2t.shape[0], oh * ow), dtype=xp.dtype)
    part = np.empty(dw2.shape, dtype=xp.dtype)
    for n in range(xp.shape[0]):
        im2col_unit_or_any(xp[n], kh, kw, sh, sw, dh, dw, oh, ow, cols)
        np.dot(dout[n], cols.T, part)
        dw2 += part
        np.dot(w2t, dout[n], cols)
        col2im_unit_or_any(cols, kh, kw, sh, sw, dh, dw, oh, ow, dxp[n])


@njit()
def local2d_forward(xp, w, b, sh, sw, dh, dw, out):
    """out[n, f, r, s] = b[f, r, s] + sum_{c,i,j} w[r, s, f, c, i, j] xp[n, c, r*sh + i*dh, s*sw + j*dw]."""
    n_images, channels = xp.shape[0], xp.shape[1]
    oh, ow, n_filters, _, kh, kw = w.shape
    for n in range(n_images):
        for r in range(oh):
            for s in range(ow):
                for f in range(n_filters):
                    total = b[f, r, s]
                    for c in range(channels):
                        for i in range(kh):
                            for j in range(kw):
                                total += w[r, s, f, c, i, j] * xp[n, c, r * sh + i * dh, s * sw + j * dw]
                    out[n, f, r, s] = total


@njit()
def local2d_backward(dout, xp, w, sh, sw, dh, dw, dxp, dwt, db):
    """Accumulate dxp, dwt (same layout as w) and db (F, OH, OW), all zeroed by the caller."""
    n_images, channels = xp.shape[0], xp.shape[1]
    oh, ow, n_filters, _, kh, kw = w.shape
    for n in range(n_images):
        for r in range(oh):
            for s in range(ow):
                for f in range(n_filters):
                    g = dout[n, f, r, s]
                    db[f, r, s] += g
                    for c in range(channels):
                        for i in range(kh):
                            for j in range(kw):
                                row, col = r * sh + i * dh, s * sw + j * dw
                                dwt[r, s, f, c, i, j] += g * xp[n, c, row, col]
                                dxp[n, c, row, col] += g * w[r, s, f, c, i, j]
