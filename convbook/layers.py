"""NCHW layers with torch's words: conv2d, its backward, and the locally connected local2d.

``conv2d`` shares one kernel per filter across every output position (parameter sharing,
book section 9.2). ``local2d`` is the same layer with the sharing removed: one kernel per
output position ("unshared convolution", the locally connected layer of section 9.5 that
the face example of 9.2 motivates). Both are cross-correlations (Eq. 9.6) with zero
padding, exactly like ``torch.nn.functional.conv2d``.

Output size along each axis (H shown; W is the same with the second entry of each pair)::

    OH = floor((H + 2*padding - dilation*(kH - 1) - 1) / stride) + 1
"""

import numpy as np

from ._geometry import output_length, same_padding
from ._kernels import layers as _k
from ._validate import (as_float_array, as_int_pair, check_allocation, check_choice,
                        to_common_float)

__all__ = ["conv2d", "conv2d_backward", "local2d", "local2d_backward"]


def _hyper(stride, padding, dilation, kernel_hw):
    """Checked (stride, pads, dilation); pads is (top, bottom, left, right).

    ``padding`` is an int, a pair, or torch's strings: 'valid' (none) and 'same' (stride 1
    only), which pads ``dilation * (k - 1)`` cells in all, ``total // 2`` before and the
    rest after: one more after than before for an even span, as torch does.
    """
    stride = as_int_pair(stride, "stride")
    dilation = as_int_pair(dilation, "dilation")
    if isinstance(padding, str):
        check_choice(padding, "padding", ("valid", "same"))
        if padding == "valid":
            return stride, (0, 0, 0, 0), dilation
        if stride != (1, 1):
            raise ValueError(
                f"`padding='same'` needs stride=1 (as in torch), got stride={stride}; a "
                f"strided layer cannot keep the input size: pass the padding as numbers, "
                f"e.g. padding={tuple(d * (k - 1) // 2 for d, k in zip(dilation, kernel_hw))}"
            )
        (top, bottom), (left, right) = (same_padding(d * (k - 1) + 1)
                                        for d, k in zip(dilation, kernel_hw))
        return stride, (top, bottom, left, right), dilation
    ph, pw = as_int_pair(padding, "padding", minimum=0)
    return stride, (ph, ph, pw, pw), dilation


# How output_length words the error when the kernel outgrows the padded input
_FIX = "use a smaller kernel or dilation, or more padding"
_NAMES_H, _NAMES_W = (("w", "x", axis, _FIX) for axis in ("height", "width"))
_TOO_BIG = "use a smaller padding (or a smaller input)"


def _output_size(x_shape, kernel_hw, stride, pads, dilation, itemsize, n_filters):
    """(OH, OW) of a layer, or a ValueError when the dilated kernel outgrows the padded
    input, or when the padded input or the output could not be allocated."""
    (kh, kw), (sh, sw), (top, bottom, left, right), (dh, dw) = kernel_hw, stride, pads, dilation
    n, c, h, w = x_shape
    check_allocation((n, c, h + top + bottom, w + left + right), itemsize, "padding", _TOO_BIG)
    sizes = []
    for size, k, s, d, before, after, names in ((h, kh, sh, dh, top, bottom, _NAMES_H),
                                                (w, kw, sw, dw, left, right, _NAMES_W)):
        if before == after:  # the error can name the padding on each side
            sizes.append(output_length(size, d * (k - 1) + 1, s, before, False, names))
        else:  # 'same': the window always fits
            sizes.append(output_length(size + before + after, d * (k - 1) + 1, s))
    oh, ow = sizes
    # the output, and the im2col buffer of one image
    check_allocation((n, n_filters, oh, ow), itemsize, "padding", _TOO_BIG)
    check_allocation((c * kh * kw + 1, oh, ow), itemsize, "w",
                     "use a smaller kernel, or less padding")
    return oh, ow


def _pad(x, pads):
    top, bottom, left, right = pads
    if not any(pads):
        return x
    n, c, h, w = x.shape
    xp = np.zeros((n, c, h + top + bottom, w + left + right), dtype=x.dtype)
    xp[:, :, top:top + h, left:left + w] = x
    return xp


def _unpad(xp, pads, shape):
    top, _, left, _ = pads
    if not any(pads):
        return xp
    return np.ascontiguousarray(xp[:, :, top:top + shape[2], left:left + shape[3]])


def _check_channels(x, w, channel_axis):
    if w.shape[channel_axis] != x.shape[1]:
        raise ValueError(
            f"`w` has {w.shape[channel_axis]} input channels (axis {channel_axis} of shape "
            f"{w.shape}) but `x` has {x.shape[1]} (axis 1 of shape {x.shape}); "
            f"they must agree: NCHW input, w of shape "
            + ("(F, C, kH, kW)" if channel_axis == 1 else "(OH, OW, F, C, kH, kW)")
        )


def _check_bias(b, expected_shape, how):
    if b.shape != expected_shape:
        raise ValueError(
            f"`b` has shape {b.shape}, expected {expected_shape} ({how}); "
            f"pass b=None for no bias"
        )


def _check_dout(dout, expected_shape):
    if dout.shape != expected_shape:
        raise ValueError(
            f"`dout` has shape {dout.shape}, but the forward output for this x, w, stride, "
            f"padding and dilation has shape {expected_shape}; pass the gradient of that output"
        )


_BIAS_HINT = ("one bias per filter: pass an array of shape (F,), e.g. np.full(F, value), "
              "or b=None for no bias")


def _conv_inputs(x, w, b):
    x = as_float_array(x, "x", ndim=4)
    w = as_float_array(w, "w", ndim=4)
    b = None if b is None else as_float_array(b, "b", ndim=1, hint=_BIAS_HINT)
    _check_channels(x, w, 1)
    if b is not None:
        _check_bias(b, (w.shape[0],), "one bias per filter, F = w.shape[0]")
    return to_common_float(x, w, b)


def _conv_forward(xp, w, b, oh, ow, stride, dilation):
    """(N, F, oh*ow) output of the im2col + GEMM kernel; b (F,) or None."""
    n_filters, channels, kh, kw = w.shape
    w2 = w.reshape(n_filters, channels * kh * kw)
    if b is not None:  # the bias rides in the GEMM: one more column of w2, a row of ones in cols
        w2 = np.concatenate([w2, b[:, None]], axis=1)
    out = np.empty((xp.shape[0], n_filters, oh * ow), dtype=xp.dtype)
    _k.conv2d_forward(xp, w2, kh, kw, *stride, *dilation, oh, ow, out)
    return out


def conv2d(x, w, b=None, *, stride=1, padding=0, dilation=1):
    """2-D convolution layer (a cross-correlation, as in torch): NCHW in, NCHW out.

    ``out[n, f, r, s] = b[f] + sum_{c,i,j} w[f, c, i, j] * xp[n, c, r*sH + i*dH, s*sW + j*dW]``
    where ``xp`` is ``x`` zero-padded by ``padding``: the multi-channel form of the
    book's Eq. 9.6 (and Eq. 9.7 of section 9.5). One kernel per filter is shared by every
    output position (parameter sharing, section 9.2).

    Parameters
    ----------
    x : array_like of shape (N, C, H, W)
        A batch of N images with C channels.
    w : array_like of shape (F, C, kH, kW)
        F kernels, one per output channel.
    b : array_like of shape (F,), optional
        One bias per filter.
    stride, padding, dilation : int or pair of ints
        As in ``torch.nn.functional.conv2d``; padding adds zeros. ``padding`` may also be
        torch's ``'valid'`` (no padding) or ``'same'`` (stride 1 only: the output keeps
        the input's size; ``dilation * (k - 1)`` zeros in all, ``// 2`` of them before
        and the rest after, so an even kernel pads one more cell after, as torch does).

    Returns
    -------
    out : ndarray of shape (N, F, OH, OW)
        ``OH = floor((H + 2*padding - dilation*(kH - 1) - 1) / stride) + 1`` and likewise
        OW. float32 when every input is float32, else float64.

    Examples
    --------
    >>> x = np.arange(9.).reshape(1, 1, 3, 3)
    >>> conv2d(x, np.ones((1, 1, 2, 2)))
    array([[[[ 8., 12.],
             [20., 24.]]]])
    """
    x, w, b = _conv_inputs(x, w, b)
    n_filters, _, kh, kw = w.shape
    stride, pads, dilation = _hyper(stride, padding, dilation, (kh, kw))
    oh, ow = _output_size(x.shape, (kh, kw), stride, pads, dilation, x.itemsize, n_filters)
    out = _conv_forward(_pad(x, pads), w, b, oh, ow, stride, dilation)
    return out.reshape(x.shape[0], n_filters, oh, ow)


def conv2d_backward(dout, x, w, *, stride=1, padding=0, dilation=1):
    """Gradients of a loss L through ``conv2d``, given ``dout = dL/dout``.

    The gradient of a shared kernel is the sum, over every output position, of the gradients
    of its tied copies (section 9.2): ``dw[f] = sum_{n,r,s} dout[n, f, r, s] * window(n, r, s)``.
    ``dx`` scatters each ``dout`` back through the kernel (the transposed convolution).

    Parameters
    ----------
    dout : array_like of shape (N, F, OH, OW)
        Gradient of the loss with respect to ``conv2d(x, w, b, ...)``.
    x : array_like of shape (N, C, H, W)
    w : array_like of shape (F, C, kH, kW)
    stride, padding, dilation : int or pair of ints (padding also 'valid' or 'same')
        The values used in the forward pass.

    Returns
    -------
    dx : ndarray of shape (N, C, H, W)
    dw : ndarray of shape (F, C, kH, kW)
    db : ndarray of shape (F,)
        ``db[f] = dout[:, f].sum()``; it does not depend on whether the forward had a bias.

    Every gradient has the common float type of all array arguments, as the forward
    functions do: float32 when ``dout``, ``x`` and ``w`` are all float32, else float64.

    Examples
    --------
    >>> x = np.arange(9.).reshape(1, 1, 3, 3)
    >>> dx, dw, db = conv2d_backward(np.ones((1, 1, 2, 2)), x, np.ones((1, 1, 2, 2)))
    >>> dw[0, 0]
    array([[ 8., 12.],
           [20., 24.]])
    >>> dx[0, 0]
    array([[1., 2., 1.],
           [2., 4., 2.],
           [1., 2., 1.]])
    >>> db
    array([4.])
    """
    x = as_float_array(x, "x", ndim=4)
    w = as_float_array(w, "w", ndim=4)
    dout = as_float_array(dout, "dout", ndim=4)
    x, w, dout = to_common_float(x, w, dout)
    _check_channels(x, w, 1)
    n_filters, channels, kh, kw = w.shape
    stride, pads, dilation = _hyper(stride, padding, dilation, (kh, kw))
    oh, ow = _output_size(x.shape, (kh, kw), stride, pads, dilation, x.itemsize, n_filters)
    _check_dout(dout, (x.shape[0], n_filters, oh, ow))
    xp = _pad(x, pads)
    dxp = np.zeros_like(xp)
    dw2 = np.zeros((n_filters, channels * kh * kw), dtype=x.dtype)
    w2t = np.ascontiguousarray(w.reshape(n_filters, -1).T)
    # dx scatters w2.T @ dout back through the windows (col2im). Measured against the
    # stride-1 alternative (a "full" correlation of dout with the flipped kernel), this was
    # as fast or faster on every benchmark shape, and it never touches a cell no window
    # read, so a NaN in w cannot leak into those.
    _k.conv2d_backward(dout.reshape(x.shape[0], n_filters, oh * ow), xp, w2t, kh, kw,
                       *stride, *dilation, oh, ow, dxp, dw2)
    db = dout.sum(axis=(0, 2, 3))
    return _unpad(dxp, pads, x.shape), dw2.reshape(w.shape), db


def _local_inputs(x, w, stride, padding, dilation):
    x = as_float_array(x, "x", ndim=4)
    w = as_float_array(w, "w", ndim=6)
    stride, pads, dilation = _hyper(stride, padding, dilation, w.shape[4:])
    _check_channels(x, w, 3)
    oh, ow = _output_size(x.shape, w.shape[4:], stride, pads, dilation, x.itemsize, w.shape[2])
    if w.shape[:2] != (oh, ow):
        raise ValueError(
            f"`w` has shape {w.shape}, but this x, stride, padding and dilation give an "
            f"output of {oh} x {ow}, so w needs one kernel per output position: shape "
            f"{(oh, ow) + w.shape[2:]} (OH, OW, F, C, kH, kW)"
        )
    return x, w, (oh, ow), stride, pads, dilation


def local2d(x, w, b=None, *, stride=1, padding=0, dilation=1):
    """Locally connected (unshared) layer: conv2d with a separate kernel at every position.

    ``out[n, f, r, s] = b[f, r, s] + sum_{c,i,j} w[r, s, f, c, i, j] * xp[n, c, r*sH + i*dH, s*sW + j*dW]``
    (the book's unshared convolution, Eq. 9.9 up to index order). It has the sparse
    interactions of a convolution without its parameter sharing (section 9.2): OH*OW times
    the weights. Setting every ``w[r, s]`` to one kernel gives back ``conv2d``.

    Parameters
    ----------
    x : array_like of shape (N, C, H, W)
    w : array_like of shape (OH, OW, F, C, kH, kW)
        ``w[r, s]`` is the (F, C, kH, kW) kernel bank used at output position (r, s); OH and
        OW must equal the output size that x, stride, padding and dilation imply.
    b : array_like of shape (F, OH, OW), optional
        One bias per output unit (unshared too).
    stride, padding, dilation : int or pair of ints (padding also 'valid' or 'same')
        As in ``conv2d``.

    Returns
    -------
    out : ndarray of shape (N, F, OH, OW)
        ``OH = floor((H + 2*padding - dilation*(kH - 1) - 1) / stride) + 1``, likewise OW.

    Examples
    --------
    >>> x = np.arange(9.).reshape(1, 1, 3, 3)
    >>> w = np.ones((2, 2, 1, 1, 2, 2))
    >>> w[0, 0] = 0                      # the top-left unit ignores its window
    >>> local2d(x, w)
    array([[[[ 0., 12.],
             [20., 24.]]]])
    """
    x, w, (oh, ow), stride, pads, dilation = _local_inputs(x, w, stride, padding, dilation)
    n_filters = w.shape[2]
    if b is not None:
        b = as_float_array(b, "b", ndim=3)
        _check_bias(b, (n_filters, oh, ow), "one bias per output unit, (F, OH, OW)")
    x, w, b = to_common_float(x, w, b)
    if b is None:
        b = np.zeros((n_filters, oh, ow), dtype=x.dtype)
    out = np.empty((x.shape[0], n_filters, oh, ow), dtype=x.dtype)
    _k.local2d_forward(_pad(x, pads), w, b, *stride, *dilation, out)
    return out


def local2d_backward(dout, x, w, *, stride=1, padding=0, dilation=1):
    """Gradients of a loss through ``local2d``, given ``dout = dL/dout``.

    Each position's kernel gets only its own gradient, ``dw[r, s, f] = sum_n dout[n, f, r, s]
    * window(n, r, s)``; summing ``dw`` over (r, s) gives ``conv2d_backward``'s dw for tied
    kernels (section 9.2: a shared weight's gradient is the sum over its tied copies).

    Parameters
    ----------
    dout : array_like of shape (N, F, OH, OW)
    x : array_like of shape (N, C, H, W)
    w : array_like of shape (OH, OW, F, C, kH, kW)
    stride, padding, dilation : int or pair of ints (padding also 'valid' or 'same')
        The values used in the forward pass.

    Returns
    -------
    dx : ndarray of shape (N, C, H, W)
    dw : ndarray of shape (OH, OW, F, C, kH, kW)
    db : ndarray of shape (F, OH, OW)

    Every gradient has the common float type of all array arguments, as the forward
    functions do: float32 when ``dout``, ``x`` and ``w`` are all float32, else float64.

    Examples
    --------
    >>> x = np.arange(9.).reshape(1, 1, 3, 3)
    >>> dx, dw, db = local2d_backward(np.ones((1, 1, 2, 2)), x, np.ones((2, 2, 1, 1, 2, 2)))
    >>> dw.sum(axis=(0, 1))[0, 0]        # the tied-copy sum: conv2d_backward's dw
    array([[ 8., 12.],
           [20., 24.]])
    >>> db.shape
    (1, 2, 2)
    """
    x, w, (oh, ow), stride, pads, dilation = _local_inputs(x, w, stride, padding, dilation)
    dout = as_float_array(dout, "dout", ndim=4)
    _check_dout(dout, (x.shape[0], w.shape[2], oh, ow))
    x, w, dout = to_common_float(x, w, dout)
    xp = _pad(x, pads)
    dxp = np.zeros_like(xp)
    dwt = np.zeros_like(w)
    db = np.zeros((w.shape[2], oh, ow), dtype=x.dtype)
    _k.local2d_backward(dout, xp, w, *stride, *dilation, dxp, dwt, db)
    return _unpad(dxp, pads, x.shape), dwt, db
