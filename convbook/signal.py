"""Single-channel cross-correlation and convolution, in SciPy's words (DL book section 9.1).

``correlate1d``/``convolve1d`` follow ``scipy.signal.correlate``/``convolve`` on 1-D
input, and ``correlate2d``/``convolve2d`` follow ``scipy.signal.correlate2d``/
``convolve2d``: same modes, boundaries and output shapes, equal to 1e-12 relative in
float64. Two deliberate differences:

- the default mode is ``'valid'``, the book's Figure 9.1;
- ``'valid'`` with a kernel larger than the input raises, where SciPy silently swaps
  the two arguments.

Every function works out the padding (how much on each side, which border rule) in
Python, then runs one compiled correlation kernel; a 'fill' border is never copied, the
kernel reads the fill value itself. Convolution is that same kernel with the kernel
array flipped (Eqs. 9.4/9.5 versus Eq. 9.6), so the two cost the same.
"""

import math
import numbers

import numpy as np

from ._geometry import BOUNDARY_ALIASES, BOUNDARY_NAMES, MODES, check_window_fits, mode_padding
from ._kernels import signal as _k
from ._validate import as_float_array, check_choice, to_common_float

__all__ = ["correlate1d", "convolve1d", "correlate2d", "convolve2d"]

# The kernels' border codes under every name SciPy accepts ('circular' is 'wrap',
# 'symmetric' is 'symm'): one dict lookup, no renaming step on the hot path.
_BOUNDARY_CODES = {"fill": _k.FILL, "wrap": _k.WRAP, "symm": _k.SYMM}
_BOUNDARY_CODES.update({alias: _BOUNDARY_CODES[name] for alias, name in BOUNDARY_ALIASES.items()})

_VALID_FIX = ("mode='valid' would leave no output: use mode='full' (or 'same'), or swap "
              "the arguments (SciPy swaps them silently, convbook does not)")


def _check_fillvalue(fillvalue):
    if type(fillvalue) is float and math.isfinite(fillvalue):  # the common case, fast
        return fillvalue
    if isinstance(fillvalue, np.ndarray) and fillvalue.ndim == 0:
        fillvalue = fillvalue[()]
    if isinstance(fillvalue, numbers.Complex) and not isinstance(fillvalue, numbers.Real):
        raise TypeError(
            f"`fillvalue` must be a real number, got the complex value {fillvalue!r}; "
            f"pass its real part, e.g. fillvalue={complex(fillvalue).real!r}"
        )
    if not isinstance(fillvalue, numbers.Real):
        raise TypeError(
            f"`fillvalue` must be a real number, got {fillvalue!r} of type "
            f"{type(fillvalue).__name__}; pass e.g. fillvalue=0.0"
        )
    fillvalue = float(fillvalue)
    if not math.isfinite(fillvalue):
        raise ValueError(
            f"`fillvalue` must be finite, got {fillvalue!r}; a non-finite border would "
            f"spread into every output it touches: pass a finite number such as 0.0"
        )
    return fillvalue


def _check_fits(image_shape, kernel_shape, names, one_d):
    """Raise the 'valid'-mode error for the first axis where the kernel outgrows the image."""
    image_name, kernel_name = names
    axes = (("", image_shape[1], kernel_shape[1]),) if one_d else (
        ("height", image_shape[0], kernel_shape[0]), ("width", image_shape[1], kernel_shape[1]))
    for axis, n, k in axes:
        check_window_fits(n, k, window=kernel_name, input=image_name, axis=axis,
                          fix=_VALID_FIX)


def _run(image, kernel, mode, boundary, fillvalue, flip, one_d, names):
    """Shared body of the four public functions; ``image``/``kernel`` are 2-D floats."""
    image, kernel = to_common_float(image, kernel)
    dtype = image.dtype
    if flip:
        kernel = np.ascontiguousarray(kernel[::-1, ::-1])
    h, w = image.shape
    kh, kw = kernel.shape
    if mode == "valid":
        if kh > h or kw > w:  # the hot path pays two comparisons; _geometry words the error
            _check_fits(image.shape, kernel.shape, names, one_d)
        out = np.empty((h - kh + 1, w - kw + 1), dtype)
        _k.correlate2d(image, kernel, 0, 0, 0.0, False, out)
        return out
    top, bottom = mode_padding(kh, mode, flipped=flip, one_d=one_d)
    left, right = mode_padding(kw, mode, flipped=flip, one_d=one_d)
    out = np.empty((h + top + bottom - kh + 1, w + left + right - kw + 1), dtype)
    if one_d and kw > w:
        # A kernel longer than the signal: correlate the reversed kernel with the
        # reversed signal instead (the same products, s(j) = sum_c k'(j + c - left') x'(c)),
        # so that the long array slides under the short one and the vectorised interior
        # does the work, as np.correlate does.
        image, kernel = kernel[:, ::-1].copy(), image[:, ::-1].copy()
        left = w - kw + left
        if left < 0:  # the output starts -left cells into the reversed kernel
            image, left = image[:, -left:], 0
        _k.correlate2d(image, kernel, 0, left, 0.0, False, out)
    elif boundary == "fill":
        # The kernel reads the fill value itself: no padded copy of the image. In 1-D a
        # cell outside x contributes nothing (scipy.signal.correlate), in 2-D it adds
        # fillvalue * K (scipy.signal.correlate2d, where 0 * inf is NaN).
        _k.correlate2d(image, kernel, top, left, fillvalue, not one_d, out)
    else:
        padded = np.empty((h + top + bottom, w + left + right), dtype)
        _k.pad_correlate2d(image, kernel, padded, top, left, _BOUNDARY_CODES[boundary], out)
    return out


def _run2d(image, kernel, mode, boundary, fillvalue, flip):
    image = as_float_array(image, "image", ndim=2, hint=_HINT_2D)
    kernel = as_float_array(kernel, "kernel", ndim=2, hint=_HINT_2D)
    check_choice(mode, "mode", MODES)
    check_choice(boundary, "boundary", BOUNDARY_NAMES)
    fillvalue = _check_fillvalue(fillvalue)
    return _run(image, kernel, mode, boundary, fillvalue, flip, False, ("image", "kernel"))


def _run1d(x, k, mode, flip):
    x = as_float_array(x, "x", ndim=1, hint=_HINT_1D)
    k = as_float_array(k, "k", ndim=1, hint=_HINT_1D)
    check_choice(mode, "mode", MODES)
    return _run(x[None], k[None], mode, "fill", 0.0, flip, True, ("x", "k"))[0]


# What to say when the number of dimensions is wrong (the default advice otherwise)
_HINT_2D = {1: "for 1-D signals use correlate1d/convolve1d, or make one row with "
               "np.atleast_2d"}
_HINT_1D = {2: "for 2-D images use correlate2d/convolve2d", 0: "pass a sequence of "
            "numbers, e.g. [1.0, 2.0] (np.atleast_1d makes one of a single number)"}


def correlate1d(x, k, mode="valid"):
    """1-D cross-correlation s(i) = sum_m x(i + m) k(m)  (1-D form of DL book Eq. 9.6).

    Matches ``scipy.signal.correlate(x, k, mode)`` for real 1-D input, except that the
    default mode is ``'valid'`` and a kernel longer than ``x`` in ``'valid'`` mode raises
    instead of being swapped with ``x``.

    Parameters
    ----------
    x : array_like of shape (N,)
        Input signal. float32 stays float32; int, bool and float64 compute in float64.
    k : array_like of shape (K,)
        Kernel. If either argument is float64, both compute in float64.
    mode : {'valid', 'same', 'full'}
        Output length N - K + 1, N, or N + K - 1. Cells outside ``x`` contribute
        nothing: they are not multiplied by the kernel, so an inf or NaN in ``k`` only
        reaches the outputs where it meets a sample of ``x``, as in SciPy (method
        'direct') and NumPy. 'same' starts at (K - 1) // 2 of the 'full' output, as in
        SciPy, and is always that window of 'full' (SciPy's own 'same' with a kernel
        longer than ``x`` multiplies padding zeros, so 0 * inf gives NaN there).

    Returns
    -------
    s : ndarray of shape (N - K + 1,), (N,) or (N + K - 1,)

    Examples
    --------
    >>> correlate1d([1., 2., 3., 4.], [1., -1.])
    array([-1., -1., -1.])
    """
    return _run1d(x, k, mode, False)


def convolve1d(x, k, mode="valid"):
    """1-D convolution s(t) = sum_a x(a) k(t - a)  (DL book Eq. 9.3): the kernel is flipped.

    Matches ``scipy.signal.convolve(x, k, mode)`` for real 1-D input, except that the
    default mode is ``'valid'`` and a kernel longer than ``x`` in ``'valid'`` mode raises
    instead of being swapped with ``x``. Computed as ``correlate1d`` with ``k[::-1]``.

    Parameters
    ----------
    x : array_like of shape (N,)
        Input signal. float32 stays float32; int, bool and float64 compute in float64.
    k : array_like of shape (K,)
        Kernel. If either argument is float64, both compute in float64.
    mode : {'valid', 'same', 'full'}
        Output length N - K + 1, N, or N + K - 1, as in :func:`correlate1d`, whose rule
        for cells outside ``x`` (they contribute nothing, even against an inf or NaN in
        ``k``) and for 'same' (the window of 'full' starting at (K - 1) // 2) holds here.

    Returns
    -------
    s : ndarray of shape (N - K + 1,), (N,) or (N + K - 1,)

    Examples
    --------
    >>> convolve1d([1., 2., 3., 4.], [1., -1.])
    array([1., 1., 1.])
    """
    return _run1d(x, k, mode, True)


def correlate2d(image, kernel, mode="valid", boundary="fill", fillvalue=0.0):
    """2-D cross-correlation S(i, j) = sum_m sum_n I(i + m, j + n) K(m, n)  (DL book Eq. 9.6).

    No kernel flip: this is what most deep-learning libraries call "convolution".
    Matches ``scipy.signal.correlate2d`` for real input, with two deliberate
    differences: the default mode is ``'valid'`` (the book's Figure 9.1), and a kernel
    larger than the image (in either axis) in ``'valid'`` mode raises a ValueError
    instead of being silently swapped with the image. ``'wrap'`` and ``'symm'`` accept
    kernels larger than the image and repeat the extension, as SciPy does.

    Parameters
    ----------
    image : array_like of shape (H, W)
        The input I. float32 stays float32; int, bool and float64 compute in float64.
    kernel : array_like of shape (kH, kW)
        The kernel K. If either argument is float64, both compute in float64.
    mode : {'valid', 'same', 'full'}
        Output shape (H - kH + 1, W - kW + 1), (H, W) or (H + kH - 1, W + kW - 1).
        'same' is centred as in SciPy: it starts at (kH // 2, kW // 2) of the 'full' output.
    boundary : {'fill', 'wrap', 'symm', 'circular', 'symmetric'}
        Values outside the image: ``fillvalue``, periodic, or mirrored including the edge
        pixel (np.pad's 'symmetric'). As in SciPy, 'circular' is another name for 'wrap'
        and 'symmetric' for 'symm'.
    fillvalue : float
        Finite real value used outside the image when ``boundary='fill'``. As in
        ``scipy.signal.correlate2d``, every tap outside the image adds ``fillvalue *
        K(m, n)``, so an inf or NaN in the kernel gives NaN at the border even with
        ``fillvalue=0`` (0 * inf is NaN). The 1-D functions differ here, like SciPy's:
        cells outside ``x`` contribute nothing.

    Returns
    -------
    S : ndarray of shape (oH, oW)
        NaN and inf in the input propagate to every output whose window holds them.

    Examples
    --------
    >>> correlate2d(np.arange(9.).reshape(3, 3), np.ones((2, 2)))
    array([[ 8., 12.],
           [20., 24.]])
    """
    return _run2d(image, kernel, mode, boundary, fillvalue, False)


def convolve2d(image, kernel, mode="valid", boundary="fill", fillvalue=0.0):
    """2-D convolution S(i, j) = sum_m sum_n I(i - m, j - n) K(m, n)  (DL book Eqs. 9.4, 9.5).

    The kernel is flipped in both axes relative to ``correlate2d`` (Eq. 9.6); that flip
    is what makes convolution commutative. Computed as ``correlate2d`` with
    ``kernel[::-1, ::-1]``, through the same compiled kernel. Matches
    ``scipy.signal.convolve2d`` for real input, with two deliberate differences: the
    default mode is ``'valid'``, and a kernel larger than the image in ``'valid'`` mode
    raises instead of being swapped with the image.

    Parameters
    ----------
    image : array_like of shape (H, W)
        The input I. float32 stays float32; int, bool and float64 compute in float64.
    kernel : array_like of shape (kH, kW)
        The kernel K. If either argument is float64, both compute in float64.
    mode : {'valid', 'same', 'full'}
        Output shape (H - kH + 1, W - kW + 1), (H, W) or (H + kH - 1, W + kW - 1).
        'same' starts at ((kH - 1) // 2, (kW - 1) // 2) of the 'full' output, as in SciPy
        (one sample earlier than ``correlate2d`` for an even kernel).
    boundary : {'fill', 'wrap', 'symm', 'circular', 'symmetric'}
        Values outside the image: ``fillvalue``, periodic, or mirrored including the edge
        pixel (np.pad's 'symmetric'). As in SciPy, 'circular' is another name for 'wrap'
        and 'symmetric' for 'symm'.
    fillvalue : float
        Finite real value used outside the image when ``boundary='fill'``. As in
        ``scipy.signal.correlate2d``, every tap outside the image adds ``fillvalue *
        K(m, n)``, so an inf or NaN in the kernel gives NaN at the border even with
        ``fillvalue=0`` (0 * inf is NaN). The 1-D functions differ here, like SciPy's:
        cells outside ``x`` contribute nothing.

    Returns
    -------
    S : ndarray of shape (oH, oW)
        NaN and inf in the input propagate to every output whose window holds them.

    Examples
    --------
    >>> convolve2d(np.arange(9.).reshape(3, 3), [[1., 0.], [0., 0.]])
    array([[4., 5.],
           [7., 8.]])
    """
    return _run2d(image, kernel, mode, boundary, fillvalue, True)
