"""Numba kernels behind ``convbook.signal``: single-channel 2-D cross-correlation.

Everything here trusts its inputs: C-contiguous 2-D arrays of one float dtype, offsets
and sizes already checked by the wrappers in ``convbook/signal.py``. 1-D work arrives as
arrays of shape (1, n), and convolution arrives as correlation with a flipped kernel, so
one code path serves all four public functions.
"""

import math

from numba import uint64

from . import njit

# Boundary codes shared with the wrappers.
FILL = 0
WRAP = 1
SYMM = 2


@njit()
def _source_index(p, n, boundary):
    # Where position p (any integer) of an extended row of length n reads from. 'wrap' is
    # periodic with period n; 'symm' mirrors including the edge sample (np.pad's
    # 'symmetric'), which is periodic with period 2n.
    if boundary == WRAP:
        return p % n
    r = p % (2 * n)
    if r >= n:
        r = 2 * n - 1 - r
    return r


@njit()
def pad2d(image, padded, top, left, boundary):
    """Fill ``padded`` with ``image`` at (top, left) and a 'wrap' or 'symm' border."""
    h, w = image.shape
    ph, pw = padded.shape
    for i in range(ph):
        src = image[_source_index(i - top, h, boundary)]
        dst = padded[i]
        for j in range(left):
            dst[j] = src[_source_index(j - left, w, boundary)]
        mid = dst[left:left + w]
        for j in range(w):
            mid[j] = src[j]
        for j in range(left + w, pw):
            dst[j] = src[_source_index(j - left, w, boundary)]


# contract (and only contract) lets LLVM fuse multiply-adds into FMA instructions: about
# 5-10% faster, and each fused step rounds once instead of twice. It leaves NaN and inf
# semantics alone, unlike blanket fastmath.
@njit(fastmath={"contract"})
def correlate2d(image, kernel, top, left, fillvalue, multiply_fill, out):
    """out(i, j) = sum_m sum_n I(i + m - top, j + n - left) K(m, n)  (DL book Eq. 9.6),

    over the cells inside ``image``; with ``multiply_fill`` each tap outside adds
    ``fillvalue * K(m, n)`` too (scipy.signal.correlate2d's rule, where 0 * inf is NaN),
    without it a cell outside adds nothing (scipy.signal.correlate's 1-D rule). top =
    left = 0 with ``out`` of shape (H - kH + 1, W - kW + 1) is the 'valid' correlation.

    Layout of the work, chosen by measurement:
    - the border is never materialised: kernel rows that fall outside the image add
      ``fillvalue * K(m, n)`` (or nothing), and only the border columns, whose window
      pokes out of the image, take a scalar path that loops over the taps that overlap
      the image (plus, with ``multiply_fill``, the fill taps): its cost is proportional
      to the overlap, even for a kernel far longer than the image;
    - for the interior the taps loop outside and a whole output row inside, up to five
      taps per pass so the running sum stays in a register;
    - interior indices are uint64: Numba skips its negative-index wraparound for
      unsigned indices, so LLVM vectorises the row loops; no array views are made in
      the loops (each view costs a reference-count call).
    """
    h, w = image.shape
    kh, kw = kernel.shape
    oh, ow = out.shape
    zero = out.dtype.type(0)
    fill = out.dtype.type(fillvalue)  # float32 work fills with the float32 value, as SciPy
    if multiply_fill and fill == 0:
        # fill * K(m, n) is a zero unless K(m, n) is not finite: skip the fill taps then
        multiply_fill = False
        for m in range(kh):
            for n in range(kw):
                if not math.isfinite(kernel[m, n]):
                    multiply_fill = True
    one = uint64(1)
    # Output columns [jlo, jhi) read only inside the image, for every tap.
    jlo = min(left, ow)
    jhi = max(min(left + w - kw + 1, ow), jlo)
    width = uint64(jhi - jlo)
    ulo = uint64(jlo)
    for i in range(oh):
        ui = uint64(i)
        for j in range(ow):
            out[i, j] = zero
        for m in range(kh):
            r = i + m - top
            if r < 0 or r >= h:
                if not multiply_fill:
                    continue
                for n in range(kw):
                    fw = fill * kernel[m, n]
                    for j in range(ow):
                        out[i, j] += fw
                continue
            ur = uint64(r)
            um = uint64(m)
            n0 = 0
            while n0 < kw:
                count = kw - n0 if kw - n0 <= 5 else 4
                # interior columns: out[i, jlo + t] += sum_u image[r, t + n0 + u] K[m, n0 + u]
                u0 = uint64(n0)
                u1 = u0 + one
                u2 = u1 + one
                u3 = u2 + one
                u4 = u3 + one
                w0 = kernel[um, u0]
                if count == 1:
                    for t in range(width):
                        out[ui, ulo + t] += image[ur, t + u0] * w0
                elif count == 2:
                    w1 = kernel[um, u1]
                    for t in range(width):
                        out[ui, ulo + t] += image[ur, t + u0] * w0 + image[ur, t + u1] * w1
                elif count == 3:
                    w1 = kernel[um, u1]
                    w2 = kernel[um, u2]
                    for t in range(width):
                        out[ui, ulo + t] += (image[ur, t + u0] * w0 + image[ur, t + u1] * w1
                                             + image[ur, t + u2] * w2)
                elif count == 4:
                    w1 = kernel[um, u1]
                    w2 = kernel[um, u2]
                    w3 = kernel[um, u3]
                    for t in range(width):
                        out[ui, ulo + t] += (image[ur, t + u0] * w0 + image[ur, t + u1] * w1
                                             + image[ur, t + u2] * w2 + image[ur, t + u3] * w3)
                else:
                    w1 = kernel[um, u1]
                    w2 = kernel[um, u2]
                    w3 = kernel[um, u3]
                    w4 = kernel[um, u4]
                    for t in range(width):
                        out[ui, ulo + t] += (image[ur, t + u0] * w0 + image[ur, t + u1] * w1
                                             + image[ur, t + u2] * w2 + image[ur, t + u3] * w3
                                             + image[ur, t + u4] * w4)
                n0 += count
            # border columns, whose window pokes out of the image: one tap at a time, over
            # the taps [n_lo, n_hi) that land in the image (and the fill taps around them)
            for b in range(ow - (jhi - jlo)):
                j = b if b < jlo else b + (jhi - jlo)
                uj = uint64(j)
                n_lo = min(max(left - j, 0), kw)
                n_hi = max(min(w + left - j, kw), n_lo)
                acc = out[ui, uj]
                if multiply_fill:
                    for n in range(n_lo):
                        acc += fill * kernel[um, uint64(n)]
                ui0 = uint64(j - left + n_lo)
                uk0 = uint64(n_lo)
                for t in range(uint64(n_hi - n_lo)):
                    acc += image[ur, ui0 + t] * kernel[um, uk0 + t]
                if multiply_fill:
                    for n in range(n_hi, kw):
                        acc += fill * kernel[um, uint64(n)]
                out[ui, uj] = acc


@njit()
def pad_correlate2d(image, kernel, padded, top, left, boundary, out):
    """Pad ``image`` into ``padded`` ('wrap' or 'symm'), then correlate it 'valid'."""
    pad2d(image, padded, top, left, boundary)
    correlate2d(padded, kernel, 0, 0, 0.0, False, out)
