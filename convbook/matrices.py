"""The matrix view of convolution (DL book section 9.1): Toeplitz, doubly block Toeplitz,
and (doubly block) circulant matrices, dense or sparse.
"""

import numbers

import numpy as np

from ._geometry import (BOUNDARY_NAMES, MODES, canonical_boundary, check_window_fits,
                        mode_output_length, mode_padding)
from ._validate import (_describe, as_float_array, as_int_tuple, as_positive_int,
                        check_allocation, check_choice, check_flag)

__all__ = ["conv_matrix"]

_DENSE_LIMIT_BYTES = 2**30


def _shape(input_shape, ndim):
    """``input_shape`` as a tuple of ``ndim`` positive ints (an int is fine in 1-D).

    A tuple, a list or a 1-D integer array (such as ``np.array(x.shape)``) will do.
    """
    shape = as_int_tuple(input_shape, "input_shape")
    if shape is None and ndim == 1 and isinstance(input_shape, numbers.Integral):
        shape = (input_shape,)
    if shape is None or len(shape) != ndim:
        want = "an int or a 1-tuple (n,)" if ndim == 1 else "a pair (H, W)"
        raise ValueError(
            f"`input_shape` must be {want} for a {ndim}-D kernel, got "
            f"{_describe(input_shape)}; a 1-D kernel needs a 1-D shape and a 2-D kernel a "
            f"2-D shape"
        )
    return tuple(as_positive_int(n, "input_shape") for n in shape)


class _Axis:
    """The stored entries of one axis, output by output.

    Output o has ``count[o]`` entries; its entry e (``0 <= e < count[o]``) lands on input
    cell ``src`` (increasing with e) with kernel tap ``tap``, plus tap ``tap_b`` where
    that is not -1 (a mirrored 'symm' border can bring two taps onto one cell): see
    :meth:`entries`. Only taps that land in the input exist: for 'fill' the others are
    dropped (the border is zero), and the entries of output o are the taps
    ``lo[o] <= t < lo[o] + count[o]``, computed, never stored. For 'wrap' and 'symm'
    every tap lands somewhere, and a kernel longer than the period (n, or 2n for
    'symm') is first folded onto one period (:meth:`fold`), so that no output holds
    more entries than there are cells; their entries are listed, ``out * period`` at
    most.
    """

    def __init__(self, n, k, mode, boundary, one_d):
        self.before, _ = mode_padding(k, mode, one_d=one_d)  # correlate1d/2d's padding
        self.out = mode_output_length(n, k, mode)
        self.boundary = boundary
        o = np.arange(self.out)
        if boundary == "fill":
            self.lo = np.clip(self.before - o, 0, k)
            self.count = np.clip(n + self.before - o, self.lo, k) - self.lo
            self.taps = k
            return
        self.taps = min(k, n if boundary == "wrap" else 2 * n)
        position = o[:, None] + np.arange(self.taps)[None, :] - self.before
        if boundary == "wrap":
            src = position % n
        else:  # symm: mirror including the edge, period 2n
            src = position % (2 * n)
            src = np.where(src >= n, 2 * n - 1 - src, src)
        tap = np.argsort(src, axis=1, kind="stable")  # the taps in the order of their cells
        src = np.take_along_axis(src, tap, axis=1)
        keep = np.ones(src.shape, bool)
        self.tap_b = None
        if boundary == "symm":  # a second tap on the cell of the one before it
            keep[:, 1:] = src[:, 1:] != src[:, :-1]
            tap_b = np.full(src.shape, -1)
            tap_b[:, :-1] = np.where(keep[:, 1:], -1, tap[:, 1:])
            self.tap_b = tap_b[keep]
        self.src, self.tap = src[keep], tap[keep]
        self.count = keep.sum(axis=1)
        self.start = np.cumsum(self.count) - self.count

    def entries(self, o, e):
        """(src, tap, tap_b or None) of entry ``e`` of output ``o`` (arrays alike)."""
        if self.boundary == "fill":
            tap = self.lo[o] + e
            return o + tap - self.before, tap, None
        index = self.start[o] + e
        return (self.src[index], self.tap[index],
                None if self.tap_b is None else self.tap_b[index])

    def fold(self, kernel, axis):
        """``kernel`` with its taps along ``axis`` summed modulo the period."""
        k = kernel.shape[axis]
        if k <= self.taps:
            return kernel
        reps = -(-k // self.taps)
        pad = [(0, 0), (0, 0)]
        pad[axis] = (0, reps * self.taps - k)
        padded = np.pad(kernel, pad)
        shape = (reps, self.taps, kernel.shape[1]) if axis == 0 else (
            kernel.shape[0], reps, self.taps)
        with np.errstate(invalid="ignore"):  # inf + -inf is NaN, as in SciPy: no warning
            return padded.reshape(shape).sum(axis=axis)


def _values(kernel, row_taps, col_taps):
    """Weights of entries with taps ``(tap, tap_b)`` per axis: one tap each, or up to two
    per axis on a mirrored border, summed."""
    (ta, ra), (tb, cb) = row_taps, col_taps
    values = kernel[ta, tb]
    if ra is None and cb is None:
        return values
    ra = np.full_like(ta, -1) if ra is None else ra
    cb = np.full_like(tb, -1) if cb is None else cb
    for row_tap, col_tap in ((ta, cb), (ra, tb), (ra, cb)):
        present = (row_tap >= 0) & (col_tap >= 0)
        with np.errstate(invalid="ignore"):  # inf + -inf is NaN, as in SciPy: no warning
            values[present] += kernel[row_tap[present], col_tap[present]]
    return values


# Entries built per pass: bounds the temporaries (a few int64 arrays of this length)
_CHUNK = 2**16


def conv_matrix(kernel, input_shape, mode="valid", *, boundary="fill", sparse=False):
    """The matrix M with ``M @ x.ravel() == correlate2d(x, kernel, mode, boundary).ravel()``.

    Section 9.1 of the DL book: a discrete convolution is multiplication by a matrix
    whose entries are tied (copies of the kernel) and mostly zero. With a zero border
    ('fill') M is Toeplitz in 1-D and doubly block Toeplitz in 2-D; with a circular
    border (``boundary='wrap'``, alias ``'circular'``, and ``mode='same'``) it is
    circulant, doubly block circulant in 2-D, which is the case the book's "doubly block circulant" describes.
    'symm' (mirrored border) works too. Every matrix row holds one output's window;
    each tap that lands on the input is a stored entry (a zero weight is stored as an
    explicit zero); taps that land in a 'wrap'/'symm' border on the same input pixel are
    summed. The border is always zero for 'fill' (a non-zero fill would make the map
    affine, not linear), and a tap outside the input is not stored at all: as in
    ``correlate1d``, it contributes nothing, even when its weight is inf or NaN.
    Only the stored entries are built, a chunk at a time, so memory stays within a small
    factor of the result's, dense or sparse.

    Parameters
    ----------
    kernel : array_like of shape (K,) or (kH, kW)
        float32 gives a float32 matrix; anything else float64.
    input_shape : int or tuple (N,), or tuple (H, W)
        Shape of the input x (a 1-D integer array such as ``np.array(x.shape)`` works
        too): 1-D with a 1-D kernel (matches ``correlate1d`` for
        'fill'), 2-D with a 2-D kernel (matches ``correlate2d``).
    mode : {'valid', 'same', 'full'}
        As in ``correlate1d``/``correlate2d``, including their 'same' centring.
    boundary : {'fill', 'wrap', 'symm', 'circular', 'symmetric'}
        Border rule, as in ``correlate2d`` ('circular' is 'wrap', 'symmetric' is 'symm').
    sparse : bool
        Return a ``scipy.sparse.csr_array`` instead of a dense ndarray. Needed for
        large inputs: a dense request above 1 GiB raises ValueError.

    Returns
    -------
    M : ndarray or scipy.sparse.csr_array of shape (oH * oW, H * W)
        (oN, N) in 1-D; the output shape (oH, oW) is that of ``correlate2d``.

    Examples
    --------
    >>> conv_matrix([1., 2.], 3)
    array([[1., 2., 0.],
           [0., 1., 2.]])
    >>> conv_matrix([1., 2.], 3, "same", boundary="wrap")
    array([[2., 0., 1.],
           [1., 2., 0.],
           [0., 1., 2.]])
    """
    kernel = as_float_array(kernel, "kernel")
    if kernel.ndim not in (1, 2):
        raise ValueError(
            f"`kernel` must be 1-D or 2-D, got {kernel.ndim}-D with shape {kernel.shape}; "
            f"conv_matrix builds the matrix of a single-channel correlation"
        )
    one_d = kernel.ndim == 1
    shape = _shape(input_shape, kernel.ndim)
    check_choice(mode, "mode", MODES)
    boundary = canonical_boundary(check_choice(boundary, "boundary", BOUNDARY_NAMES))
    sparse = check_flag(sparse, "sparse")
    kernel2 = kernel[None] if one_d else kernel
    h, w = (1,) + shape if one_d else shape
    kh, kw = kernel2.shape
    if mode == "valid":
        axes = ("",) if one_d else ("height", "width")
        for axis, n, k in zip(axes, shape, kernel.shape):
            check_window_fits(n, k, window="kernel", input="input_shape", axis=axis,
                              fix="mode='valid' would leave no output: use mode='full' "
                                  "(or 'same'), or a larger input_shape")
    oh, ow = mode_output_length(h, kh, mode), mode_output_length(w, kw, mode)
    n_out, n_in = oh * ow, h * w
    nbytes = n_out * n_in * kernel.dtype.itemsize
    if not sparse and nbytes > _DENSE_LIMIT_BYTES:  # before building anything
        raise ValueError(
            f"a dense matrix for `input_shape` {shape} would be {n_out} x {n_in} "
            f"({nbytes / 2**30:.1f} GiB, more than 1 GiB); pass sparse=True"
        )
    rows, cols = _Axis(h, kh, mode, boundary, one_d), _Axis(w, kw, mode, boundary, one_d)
    kernel2 = cols.fold(rows.fold(kernel2, 0), 1)
    # Entries per output (i, j), in row-major output order: the CSR row pointer.
    per_output = (rows.count[:, None] * cols.count[None, :]).ravel()
    indptr = np.zeros(n_out + 1, np.int64)
    np.cumsum(per_output, out=indptr[1:])
    nnz = int(indptr[-1])
    index_dtype = np.int32 if max(nnz, n_in) < 2**31 else np.int64
    if sparse:
        check_allocation((nnz,), kernel.dtype.itemsize + np.dtype(index_dtype).itemsize,
                         "input_shape", "use a smaller input_shape or kernel")
        data, indices = np.empty(nnz, kernel.dtype), np.empty(nnz, index_dtype)
    else:
        matrix = np.zeros((n_out, n_in), kernel.dtype)
        flat = matrix.reshape(-1)
    chunk = min(_CHUNK, max(nnz // 32, 4096))  # temporaries: a small share of the result
    start = 0
    while start < n_out:  # a run of outputs at a time, about `chunk` entries in all
        stop = max(int(np.searchsorted(indptr, indptr[start] + chunk, "right")) - 1, start + 1)
        stop = min(stop, n_out)
        output = np.repeat(np.arange(start, stop), per_output[start:stop])
        entry = np.arange(indptr[start], indptr[stop]) - indptr[output]
        i, j = np.divmod(output, ow)
        per_row = cols.count[j]
        row_src, *row_taps = rows.entries(i, entry // per_row)  # entry (e_i, e_j) of output (i, j)
        col_src, *col_taps = cols.entries(j, entry % per_row)
        column = row_src * w + col_src  # increasing within each output
        values = _values(kernel2, row_taps, col_taps)
        if sparse:
            indices[indptr[start]:indptr[stop]] = column
            data[indptr[start]:indptr[stop]] = values
        else:
            flat[output * n_in + column] = values
        start = stop
    if not sparse:
        return matrix
    import scipy.sparse  # lazily: keeps `import convbook` cheap

    matrix = scipy.sparse.csr_array((data, indices, indptr.astype(index_dtype)),
                                    shape=(n_out, n_in))
    matrix.has_canonical_format = True  # sorted columns, one entry per (row, column)
    return matrix
