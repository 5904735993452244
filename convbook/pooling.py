"""Pooling (DL book section 9.3): max, average, L2 norm and centre-weighted average.

``pool1d``/``pool2d`` pool the last one/two axes with strided windows, torch's words and
output sizes; every leading axis is a batch axis. ``channel_pool`` pools across groups of
channels (maxout, Figure 9.9) and ``adaptive_pool2d`` gives a fixed number of regions for
any input size (Figure 9.11).

Conventions shared by every function here (they match torch where torch has the kind):

- Output size along an axis of length n: ``out = floor((n + 2p - size) / stride) + 1``, or
  ``ceil(...)`` with ``ceil_mode=True``, dropping a last window that would start inside
  the right padding (torch's rule). A ceil-mode window may hang over the edge: it pools
  the cells it has (book Figure 9.10).
- Padded cells and cells past the edge never take part: they never win a max, and
  ``avg``/``weighted`` divide by the weight of the in-bounds cells only (torch's
  ``count_include_pad=False``). For ``l2`` they add nothing, as zeros would.
- ``kind="weighted"`` weighs the cell at offset d (0 <= d < size) of a window by
  ``t(d) = 1 - |d - (size-1)/2| / ((size+1)/2)``, separably along each axis
  (size 3 gives 1/2, 1, 1/2; size 2 gives equal weights), and divides by the sum of the
  weights of the in-bounds cells. The centre is that of the full nominal window, so a
  clipped window keeps the weights its cells would have had.
- Max ties go to the first cell in row-major order; a NaN wins, as in torch.
  ``return_indices=True`` also returns each argmax (flat ``r * W + c`` per plane, torch's
  layout); the backward functions take them as ``indices=`` and skip recomputing them.
- l2's gradient ``dout * x / out`` is taken as 0 where a window's norm is 0.
- float32 stays float32; int and bool compute in float64. A NaN in a window gives NaN.
  A backward function returns the common float type of ``dout`` and ``x`` (float64
  unless both are float32), the rule of every backward in convbook.
"""

import numpy as np

from . import _validate as v
from ._geometry import output_length
from ._kernels import pooling as _k

__all__ = ["pool1d", "pool1d_backward", "pool2d", "pool2d_backward",
           "channel_pool", "adaptive_pool2d"]

_KINDS = ("max", "avg", "l2", "weighted")
_CODE = {"max": _k.MAX, "avg": _k.AVG, "l2": _k.L2, "weighted": _k.WEIGHTED}


# --- argument handling --------------------------------------------------------------

# How output_length words the error when a window outgrows the padded input, per axis
_FIX = "use a smaller size, or pad more (padding may be up to size // 2)"
_NAMES = {axis: ("size", "x", f"axis {axis}", _FIX) for axis in (-2, -1)}


def _geometry(shape, size, stride, padding, ceil_mode, nd):
    """Checked geometry of the last ``nd`` axes of an array of ``shape``.

    Returns ``(size, stride, padding, out)`` as (height, width) pairs for the kernels,
    which see every input as (B, H, W) planes (``_planes``: 1-D pooling is a 1 x size
    window on a one-row plane), and the output shape of the public function.
    """
    if nd == 1:
        size = (v.as_positive_int(size, "size"),)
        stride = size if stride is None else (v.as_positive_int(stride, "stride"),)
        padding = (v.as_nonnegative_int(padding, "padding"),)
    else:
        size = v.as_int_pair(size, "size")
        stride = size if stride is None else v.as_int_pair(stride, "stride")
        padding = v.as_int_pair(padding, "padding", minimum=0)
    ceil_mode = v.check_flag(ceil_mode, "ceil_mode")
    for k, p in zip(size, padding):
        if p > k // 2:
            shown_padding, shown_size = (padding[0], size[0]) if nd == 1 else (padding, size)
            raise ValueError(
                f"`padding` {shown_padding} is more than half the window `size` "
                f"{shown_size}: padding must be at most size // 2 "
                f"(here {k // 2}), or a window could hold only padding; "
                f"lower padding or enlarge size"
            )
    axes = range(-nd, 0)
    out = tuple(output_length(shape[a], k, s, p, ceil_mode, _NAMES[a])
                for a, k, s, p in zip(axes, size, stride, padding))
    out_shape = shape[:-nd] + out
    if nd == 1:
        size, stride, padding, out = (1,) + size, (1,) + stride, (0,) + padding, (1,) + out
    return size, stride, padding, out, out_shape


def _planes(x, nd):
    """View x as (B, H, W): leading axes flattened, a 1-D signal as one row."""
    if nd == 1:
        return x.reshape(-1, 1, x.shape[-1])
    return x.reshape(-1, x.shape[-2], x.shape[-1])


def _forward(x, size, stride, kind, padding, ceil_mode, return_indices, nd):
    x = v.as_float_array(x, "x", min_ndim=nd)
    v.check_choice(kind, "kind", _KINDS)
    size, stride, padding, out, out_shape = _geometry(x.shape, size, stride, padding,
                                                      ceil_mode, nd)
    return_indices = v.check_flag(return_indices, "return_indices")
    if return_indices and kind != "max":
        raise ValueError(
            f"`return_indices=True` only applies to kind='max' (got kind={kind!r}); "
            f"drop return_indices"
        )
    planes = _planes(x, nd)
    result = np.empty((planes.shape[0],) + out, x.dtype)
    if return_indices:
        idx = np.empty(result.shape, np.int64)
        _k.max_indices_regular(planes, *size, *stride, *padding, result, idx)
        return result.reshape(out_shape), idx.reshape(out_shape)
    if kind == "max" and size == stride == (2, 2) and padding == (0, 0) \
            and out[0] * 2 <= planes.shape[1] and out[1] * 2 <= planes.shape[2]:
        # the everyday 2x2 pool: unrolled kernel, and the least wrapper work (widgets).
        # A ceil-mode last window past the edge takes the general path.
        _k.max_forward_2x2(planes, result)
        return result.reshape(out_shape)
    _k.pool_regular(planes, *size, *stride, *padding, _CODE[kind], result)
    return result.reshape(out_shape)


def _backward(dout, x, size, stride, kind, padding, ceil_mode, indices, nd):
    x = v.as_float_array(x, "x", min_ndim=nd)
    dout = v.as_float_array(dout, "dout")
    x, dout = v.to_common_float(x, dout)  # the common float type, as conv2d_backward
    v.check_choice(kind, "kind", _KINDS)
    size, stride, padding, out, out_shape = _geometry(x.shape, size, stride, padding,
                                                      ceil_mode, nd)
    if dout.shape != out_shape:
        raise ValueError(
            f"`dout` has shape {dout.shape}, but pooling `x` of shape {x.shape} with these "
            f"arguments gives {out_shape}; pass the gradient of the forward output, with "
            f"the same size, stride, padding and ceil_mode"
        )
    planes = _planes(x, nd)
    B, H, W = planes.shape
    g = dout.reshape((B,) + out)
    if kind == "max":
        dx = np.empty((B, H * W), x.dtype)
        if indices is None:
            _k.max_backward_regular(g, planes, *size, *stride, *padding, dx)
            return dx.reshape(x.shape)
        bad = _k.max_backward(g, _check_indices(indices, out_shape, g.shape), dx)
        if bad:
            raise ValueError(
                f"`indices` holds {bad} value(s) outside [0, {H * W}) (the flat cells of "
                f"a plane of {H} x {W}); pass the indices returned by the forward call "
                f"(return_indices=True) on this same `x` with the same size, stride, "
                f"padding and ceil_mode"
            )
        return dx.reshape(x.shape)
    if indices is not None:
        raise ValueError(
            f"`indices` only applies to kind='max' (got kind={kind!r}); drop `indices`"
        )
    dx = np.empty((B, H, W), x.dtype)
    _k.sum_backward_regular(g, planes, *size, *stride, *padding, _CODE[kind], dx)
    return dx.reshape(x.shape)


def _check_indices(indices, out_shape, shape3):
    indices = v.as_array(indices, "indices")
    if indices.dtype.kind not in "iu":
        raise TypeError(
            f"`indices` must be an integer array, got dtype {indices.dtype}; pass the "
            f"indices returned by the forward call with return_indices=True"
        )
    if indices.shape != out_shape:
        raise ValueError(
            f"`indices` has shape {indices.shape} but the pooled output has shape "
            f"{out_shape}; pass the indices returned by the forward call with the same "
            f"arguments"
        )
    return np.ascontiguousarray(indices, dtype=np.int64).reshape(shape3)


# --- public functions ----------------------------------------------------------------

def pool1d(x, size, stride=None, *, kind="max", padding=0, ceil_mode=False,
           return_indices=False):
    """Pool the last axis with windows of ``size`` cells every ``stride`` cells (Sec. 9.3).

    Parameters
    ----------
    x : array_like of shape (..., L)
        Leading axes are batch axes.
    size : int
        Window width.
    stride : int, optional
        Step between windows; defaults to ``size`` (disjoint windows).
    kind : {'max', 'avg', 'l2', 'weighted'}
        Max, mean, square root of the sum of squares, or the centre-weighted mean
        described in the module docstring.
    padding : int
        Implicit cells on each side, at most ``size // 2``; they never win a max and
        never count in an average.
    ceil_mode : bool
        Keep a last, smaller window so no cell is ignored (Figure 9.10). True or False
        only (as every flag of convbook: a truthy string such as "no" raises).
    return_indices : bool
        kind='max' only: also return the argmax positions along the last axis (first
        index on ties), which ``pool1d_backward(..., indices=...)`` reuses.

    Returns
    -------
    out : ndarray of shape (..., L_out)
        ``L_out = floor((L + 2*padding - size) / stride) + 1`` (ceil with ``ceil_mode``).
    indices : ndarray of int64, shape (..., L_out)
        Only with ``return_indices=True``.

    Examples
    --------
    Figure 9.10: width 3, stride 2; ceil_mode keeps the last, 2-cell window.

    >>> pool1d([1., 3., 2., 5., 4., 0.], 3, 2, ceil_mode=True)
    array([3., 5., 4.])
    """
    return _forward(x, size, stride, kind, padding, ceil_mode, return_indices, 1)


def pool2d(x, size, stride=None, *, kind="max", padding=0, ceil_mode=False,
           return_indices=False):
    """Pool the last two axes (Sec. 9.3), with torch's sizes and windows.

    kind='max' equals ``torch.nn.functional.max_pool2d``; 'avg' equals ``avg_pool2d`` with
    ``count_include_pad=False``; 'l2' equals ``lp_pool2d(norm_type=2)`` on whole windows.

    Parameters
    ----------
    x : array_like of shape (..., H, W)
        Leading axes (e.g. N, C) are batch axes.
    size, stride, padding : int or pair of int
        As in :func:`pool1d`, per axis (stride defaults to size; padding <= size // 2).
    kind : {'max', 'avg', 'l2', 'weighted'}
    ceil_mode : bool
    return_indices : bool
        kind='max' only: also return flat argmax positions ``r * W + c`` within each
        (H, W) plane, as torch does; ``pool2d_backward(..., indices=...)`` reuses them.

    Returns
    -------
    out : ndarray of shape (..., H_out, W_out)
    indices : ndarray of int64, shape (..., H_out, W_out)
        Only with ``return_indices=True``.

    Examples
    --------
    >>> x = np.arange(16.).reshape(4, 4)
    >>> pool2d(x, 2)
    array([[ 5.,  7.],
           [13., 15.]])
    >>> pool2d(x, 2, kind="avg")
    array([[ 2.5,  4.5],
           [10.5, 12.5]])
    """
    return _forward(x, size, stride, kind, padding, ceil_mode, return_indices, 2)


def pool1d_backward(dout, x, size, stride=None, *, kind="max", padding=0, ceil_mode=False,
                    indices=None):
    """Gradient of :func:`pool1d` with respect to ``x``.

    Parameters
    ----------
    dout : array_like of shape (..., L_out)
        Gradient of the loss with respect to the pooled output.
    x : array_like of shape (..., L)
        The forward input; the other arguments must be those of the forward call.
    indices : ndarray of int, shape (..., L_out), optional
        kind='max' only: the indices from ``pool1d(..., return_indices=True)``; given,
        the argmax is not recomputed.

    Returns
    -------
    dx : ndarray of shape (..., L)
        max routes each gradient to its window's first maximum; avg and weighted spread
        it by the (normalised) weights; l2 gives ``dout * x / out`` (0 where out is 0).
        Its dtype is the common float type of ``dout`` and ``x``, as in the forward
        functions and ``conv2d_backward``: float32 when both are float32, else float64.

    Examples
    --------
    >>> pool1d_backward([1., 1.], [1., 3., 2., 0.], 2)
    array([0., 1., 1., 0.])
    """
    return _backward(dout, x, size, stride, kind, padding, ceil_mode, indices, 1)


def pool2d_backward(dout, x, size, stride=None, *, kind="max", padding=0, ceil_mode=False,
                    indices=None):
    """Gradient of :func:`pool2d` with respect to ``x``.

    Parameters
    ----------
    dout : array_like of shape (..., H_out, W_out)
    x : array_like of shape (..., H, W)
        The forward input; the other arguments must be those of the forward call.
    indices : ndarray of int, shape (..., H_out, W_out), optional
        kind='max' only: flat indices from ``pool2d(..., return_indices=True)``; given,
        the argmax is not recomputed (the fast path). Indices outside the plane raise;
        indices inside it are trusted to come from the matching forward call.

    Returns
    -------
    dx : ndarray of shape (..., H, W)
        The common float type of ``dout`` and ``x``, as in the forward functions and
        ``conv2d_backward``: float32 when both are float32, else float64.

    Examples
    --------
    >>> x = np.arange(16.).reshape(4, 4)
    >>> pool2d_backward(np.ones((2, 2)), x, 2, kind="avg")[0]
    array([0.25, 0.25, 0.25, 0.25])
    """
    return _backward(dout, x, size, stride, kind, padding, ceil_mode, indices, 2)


def channel_pool(x, group, *, kind="max", axis=1):
    """Pool across groups of ``group`` consecutive channels (maxout; Figure 9.9).

    Parameters
    ----------
    x : array_like of shape (..., C, ...)
    group : int
        Channels per group; C must be divisible by it.
    kind : {'max', 'avg', 'l2', 'weighted'}
        'weighted' uses the triangle of the module docstring across the group.
    axis : int
        The channel axis (1 for NCHW).

    Returns
    -------
    out : ndarray of shape (..., C // group, ...)

    Examples
    --------
    >>> channel_pool(np.arange(12.).reshape(1, 4, 3), 2)
    array([[[ 3.,  4.,  5.],
            [ 9., 10., 11.]]])
    """
    x = v.as_float_array(x, "x", min_ndim=1)
    group = v.as_positive_int(group, "group")
    v.check_choice(kind, "kind", _KINDS)
    axis = v.as_int(axis, "axis")
    if not -x.ndim <= axis < x.ndim:
        raise ValueError(
            f"`axis` {axis} is out of range for `x` with {x.ndim} dimensions "
            f"(shape {x.shape}); use an axis in [{-x.ndim}, {x.ndim - 1}]"
        )
    axis = axis % x.ndim
    channels = x.shape[axis]
    if channels % group:
        raise ValueError(
            f"`x` has {channels} channels along axis {axis}, not divisible by `group` "
            f"{group}; use a group that divides {channels}"
        )
    grouped = x.reshape(x.shape[:axis] + (channels // group, group) + x.shape[axis + 1:])
    red = axis + 1
    if kind == "max":
        out = grouped.max(axis=red)  # numpy's max propagates NaN, as torch does
    elif kind == "avg":
        out = grouped.mean(axis=red)
    elif kind == "l2":
        out = np.sqrt((grouped * grouped).sum(axis=red))
    else:
        # the normalised triangle the pooling kernels use, for one window of `group` cells
        t = _k.weight_table(*_k.regular_bounds(group, group, 1, 0, 1), _k.WEIGHTED)[0]
        t = t.reshape((group,) + (1,) * (x.ndim - axis - 1))
        out = (grouped * t).sum(axis=red)
    return np.ascontiguousarray(out, dtype=x.dtype)


def adaptive_pool2d(x, output_size, *, kind="max"):
    """Pool the last two axes into a fixed ``output_size`` grid, for any input size (Fig. 9.11).

    Region i along an axis of length n covers ``floor(i*n/out) <= r < ceil((i+1)*n/out)``,
    torch's boundaries. As in torch, an output larger than the input is allowed: regions
    then repeat input cells (each region still holds at least one cell). 'weighted' uses
    the triangle of the module docstring sized to each region.

    Parameters
    ----------
    x : array_like of shape (..., H, W)
    output_size : int or pair of int
    kind : {'max', 'avg', 'l2', 'weighted'}

    Returns
    -------
    out : ndarray of shape (..., out_H, out_W)

    Examples
    --------
    >>> adaptive_pool2d(np.arange(20.).reshape(4, 5), 2)
    array([[ 7.,  9.],
           [17., 19.]])
    """
    x = v.as_float_array(x, "x", min_ndim=2)
    oh, ow = v.as_int_pair(output_size, "output_size")
    v.check_choice(kind, "kind", _KINDS)
    planes = _planes(x, 2)
    v.check_allocation((planes.shape[0], oh, ow), x.itemsize, "output_size",
                       "ask for fewer regions")
    result = np.empty((planes.shape[0], oh, ow), x.dtype)
    _k.pool_adaptive(planes, _CODE[kind], result)
    return result.reshape(x.shape[:-2] + (oh, ow))
