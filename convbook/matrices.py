"""The matrix view of convolution (DL book section 9.1): Toeplitz, doubly block Toeplitz,
and (doubly block) circulant matrices, dense or sparse.
"""

import numbers

import numpy as np

from ._geometry import (BOUNDARY_NAMES, MODES, canonical_boundary, check_window_fits,
                        mode_output_length, mode_padding)
from ._validate import as_float_array, as_positive_int, check_choice

__all__ = ["conv_matrix"]

_DENSE_LIMIT_BYTES = 2**30


def _shape(input_shape, ndim):
    """``input_shape`` as a tuple of ``ndim`` positive ints (an int is fine in 1-D)."""
    if ndim == 1 and isinstance(input_shape, numbers.Integral):
        input_shape = (input_shape,)
    if not isinstance(input_shape, (tuple, list)) or len(input_shape) != ndim:
        want = "an int or a 1-tuple (n,)" if ndim == 1 else "a pair (H, W)"
        raise ValueError(
            f"`input_shape` must be {want} for a {ndim}-D kernel, got {input_shape!r}; "
            f"a 1-D kernel needs a 1-D shape and a 2-D kernel a 2-D shape"
        )
    return tuple(as_positive_int(n, "input_shape") for n in input_shape)


def _axis(n, k, mode, boundary, one_d):
    """Per axis: source index (out, k) of tap k at output position o, and whether it is
    inside the input. Source indices outside are mapped by the boundary rule (canonical
    name: 'fill', 'wrap' or 'symm')."""
    # the padding of correlate1d/correlate2d, 'same' centring included
    before, _ = mode_padding(k, mode, one_d=one_d)
    out = mode_output_length(n, k, mode)
    src = np.arange(out)[:, None] + np.arange(k)[None, :] - before
    if boundary == "fill":
        inside = (src >= 0) & (src < n)
        return np.where(inside, src, 0), inside
    if boundary == "wrap":
        return src % n, np.ones(src.shape, bool)
    r = src % (2 * n)  # symm: mirror including the edge, period 2n
    return np.where(r >= n, 2 * n - 1 - r, r), np.ones(src.shape, bool)


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
    affine, not linear).

    Parameters
    ----------
    kernel : array_like of shape (K,) or (kH, kW)
        float32 gives a float32 matrix; anything else float64.
    input_shape : int or tuple (N,), or tuple (H, W)
        Shape of the input x: 1-D with a 1-D kernel (matches ``correlate1d`` for
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
    if not isinstance(sparse, (bool, np.bool_)):
        raise TypeError(f"`sparse` must be True or False, got {sparse!r}")
    kernel2 = kernel[None] if one_d else kernel
    h, w = (1,) + shape if one_d else shape
    kh, kw = kernel2.shape
    if mode == "valid":
        axes = ("",) if one_d else ("height", "width")
        for axis, n, k in zip(axes, shape, kernel.shape):
            check_window_fits(n, k, window="kernel", input="input_shape", axis=axis,
                              fix="mode='valid' would leave no output: use mode='full' "
                                  "(or 'same'), or a larger input_shape")
    src_r, in_r = _axis(h, kh, mode, boundary, one_d)
    src_c, in_c = _axis(w, kw, mode, boundary, one_d)
    oh, ow = src_r.shape[0], src_c.shape[0]
    n_out, n_in = oh * ow, h * w
    nbytes = n_out * n_in * kernel.dtype.itemsize
    if not sparse and nbytes > _DENSE_LIMIT_BYTES:  # before building any index array
        raise ValueError(
            f"a dense matrix for `input_shape` {shape} would be {n_out} x {n_in} "
            f"({nbytes / 2**30:.1f} GiB, more than 1 GiB); pass sparse=True"
        )
    # Every (output i, j; tap m, n) pair at once, in row-major output order.
    rows = (np.arange(oh)[:, None, None, None] * ow + np.arange(ow)[None, :, None, None])
    cols = src_r[:, None, :, None] * w + src_c[None, :, None, :]
    keep = in_r[:, None, :, None] & in_c[None, :, None, :]
    rows, cols, keep = np.broadcast_arrays(rows, cols, keep)
    vals = np.broadcast_to(kernel2[None, None], keep.shape)
    rows, cols, vals = rows[keep], cols[keep], vals[keep]
    if sparse:
        import scipy.sparse  # lazily: keeps `import convbook` cheap

        return scipy.sparse.coo_array((vals, (rows, cols)), shape=(n_out, n_in)).tocsr()
    matrix = np.zeros((n_out, n_in), kernel.dtype)
    if boundary == "fill":
        matrix[rows, cols] = vals  # each (row, col) pair occurs once
    else:
        np.add.at(matrix, (rows, cols), vals)  # several taps may wrap onto one pixel
    return matrix
