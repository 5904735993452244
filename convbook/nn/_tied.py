"""A dense layer with a fixed mask and tied entries: the book's "convolution = dense layer
under an infinitely strong prior" (section 9.4), made trainable.

``conv_ties`` writes a convolution as the index pattern of a dense weight matrix: entry
(o, i) holds parameter ``ties[o, i]``, or is a fixed zero where ``ties[o, i] == -1``
(the mask: sparse interactions, section 9.2). Equal ids are tied (parameter sharing).
``TiedLinear`` trains such a matrix; the gradient of a shared parameter is the sum of its
copies' gradients, which is exactly what ``conv2d_backward`` computes for a kernel.
"""

import numpy as np

from .. import layers as _conv
from .._geometry import output_length
from .._validate import as_array, as_int_pair, as_positive_int, check_flag
from ._layers import Module, _Parameter, _float_dtype, default_rng

__all__ = ["conv_ties", "TiedLinear"]


def _conv_entries(out_channels, in_channels, kernel_size, input_size, stride, pads, dilation):
    """Every (row, column, kernel tap) of a convolution's dense matrix, by broadcasting.

    Rows are the output units in NCHW order (f, r, s), columns the input cells (c, h, w),
    taps the flat index of ``weight`` (F, C, kH, kW). Returns (shape, row, col, tap, OH*OW).
    """
    (kh, kw), (sh, sw), (dh, dw) = kernel_size, stride, dilation
    (h, w), (top, bottom, left, right) = input_size, pads
    fix = "use a smaller kernel_size or dilation, a larger input_size, or more padding"
    oh = output_length(h + top + bottom, dh * (kh - 1) + 1, sh,
                       names=("kernel_size", "input_size", "height", fix))
    ow = output_length(w + left + right, dw * (kw - 1) + 1, sw,
                       names=("kernel_size", "input_size", "width", fix))
    f, r, s, c, i, j = np.ix_(*(np.arange(n) for n in (out_channels, oh, ow, in_channels,
                                                        kh, kw)))
    hh, ww = r * sh - top + i * dh, s * sw - left + j * dw  # the input cell each tap reads
    full = (out_channels, oh, ow, in_channels, kh, kw)
    inside = np.broadcast_to((hh >= 0) & (hh < h) & (ww >= 0) & (ww < w), full)
    row = np.broadcast_to((f * oh + r) * ow + s, full)[inside]
    col = np.broadcast_to((c * h + hh) * w + ww, full)[inside]
    tap = np.broadcast_to(((f * in_channels + c) * kh + i) * kw + j, full)[inside]
    shape = (out_channels * oh * ow, in_channels * h * w)
    return shape, row, col, tap, oh * ow


def conv_ties(in_channels, out_channels, kernel_size, input_size, stride=1, padding=0, *,
              dilation=1, tied=True):
    """The dense-matrix index pattern of ``Conv2d(in_channels, out_channels, ...)``.

    Flatten the input (C, H, W) and the output (F, OH, OW) in NCHW order; the convolution
    is then ``y = W @ x`` with ``W[o, i] = weight.ravel()[ties[o, i]]`` (zero where
    ``ties[o, i] == -1``) and bias ``bias[bias_ties[o]]``: a dense layer with a mask and
    tied entries (book sections 9.1, 9.2 and 9.4).

    Parameters
    ----------
    in_channels, out_channels, kernel_size, stride, padding, dilation
        As in :class:`Conv2d`.
    input_size : int or pair of ints
        (H, W) of the input.
    tied : bool
        False gives every entry (and every output unit's bias) a parameter of its own:
        the mask without the tying, a locally connected layer (section 9.5's unshared
        convolution).

    Returns
    -------
    ties : ndarray of int64, shape (F*OH*OW, C*H*W)
        Parameter id of each entry, -1 for a fixed zero. Tied: the id is the flat index
        of ``Conv2d.weight`` (F, C, kH, kW).
    bias_ties : ndarray of int64, shape (F*OH*OW,)
        Tied: the filter ``f`` of each output unit.

    Examples
    --------
    A width-2 kernel over 3 inputs, one channel (the book's Figure 9.2, in one row):

    >>> ties, bias_ties = conv_ties(1, 1, (1, 2), (1, 3))
    >>> ties
    array([[ 0,  1, -1],
           [-1,  0,  1]])
    >>> bias_ties
    array([0, 0])
    """
    in_channels = as_positive_int(in_channels, "in_channels")
    out_channels = as_positive_int(out_channels, "out_channels")
    kernel_size = as_int_pair(kernel_size, "kernel_size")
    input_size = as_int_pair(input_size, "input_size")
    stride, pads, dilation = _conv._hyper(stride, padding, dilation, kernel_size)
    tied = check_flag(tied, "tied")
    ties, bias_ties, _, _ = _ties(in_channels, out_channels, kernel_size, input_size, stride,
                                  pads, dilation, tied)
    return ties, bias_ties


def _ties(in_channels, out_channels, kernel_size, input_size, stride, pads, dilation, tied):
    """conv_ties on checked arguments; also the weight and bias entry of the Conv2d that
    each parameter id copies."""
    shape, row, col, tap, per_map = _conv_entries(out_channels, in_channels, kernel_size,
                                                  input_size, stride, pads, dilation)
    ties = np.full(shape, -1, np.int64)
    filters = np.repeat(np.arange(out_channels), per_map)  # the filter of each output unit
    if tied:
        ties[row, col] = tap
        return ties, filters, np.arange(out_channels * in_channels * kernel_size[0]
                                        * kernel_size[1]), np.arange(out_channels)
    if not len(tap):
        raise ValueError(f"`padding`: with input_size {input_size}, every kernel tap reads "
                         f"padding, so tied=False would leave no weight; use less padding")
    ties[row, col] = np.arange(len(tap))
    return ties, np.arange(shape[0]), tap, filters


class TiedLinear(Module):
    """A dense layer ``y = x @ W.T + b`` whose matrix has fixed zeros and tied entries.

    ``W[o, i] = weight[ties[o, i]]``, or a fixed 0 where ``ties[o, i] == -1``; likewise
    ``b[o] = bias[bias_ties[o]]``. Only ``weight`` and ``bias`` are trained, and each one's
    gradient sums the gradients of all its copies (section 9.2). Built by
    :meth:`from_conv2d`, it is a :class:`Conv2d` written as a dense layer (section 9.4).

    Parameters
    ----------
    ties : array_like of int, shape (out_features, in_features)
        Parameter ids, from 0; -1 masks an entry out.
    bias_ties : array_like of int, shape (out_features,), optional
        Bias ids, from 0; None means no bias.
    num_weights : int, optional
        Length of ``weight``; by default ``ties.max() + 1`` (more leaves ids unused).
    rng, dtype
        As in :class:`Linear`, with ``fan_in`` the most entries any row holds.

    Attributes
    ----------
    weight : ndarray of shape (num_weights,)
    bias : ndarray of shape (bias_ties.max() + 1,), or None
    ties, bias_ties : ndarray of int64

    Examples
    --------
    >>> layer = TiedLinear([[0, 1, -1], [-1, 0, 1]])   # a width-2 kernel over 3 inputs
    >>> layer.weight = [1., -1.]
    >>> layer.dense_weight()
    array([[ 1., -1.,  0.],
           [ 0.,  1., -1.]], dtype=float32)
    >>> y = layer(np.array([[1., 2., 4.]], np.float32))
    >>> y
    array([[-1., -2.]], dtype=float32)
    >>> layer.backward(np.ones_like(y)), layer.grads["weight"]  # weight 0: x0 + x1 = 3
    (array([[ 1.,  0., -1.]], dtype=float32), array([3., 6.], dtype=float32))
    """

    _param_names = ("weight", "bias")
    weight = _Parameter()
    bias = _Parameter()

    def __init__(self, ties, bias_ties=None, *, num_weights=None, rng=None,
                 dtype=np.float32):
        self.ties = _ids(ties, "ties", 2, -1)
        self.bias_ties = None if bias_ties is None else _ids(bias_ties, "bias_ties", 1, 0)
        self.out_features, self.in_features = self.ties.shape
        if self.bias_ties is not None and len(self.bias_ties) != self.out_features:
            raise ValueError(f"`bias_ties` has {len(self.bias_ties)} entries but `ties` has "
                             f"{self.out_features} rows; give one bias id per output unit")
        self._flat = np.flatnonzero(self.ties >= 0)  # the entries that hold a parameter
        self._ids = self.ties.ravel()[self._flat]
        self._has_bias = self.bias_ties is not None
        self.dtype = _float_dtype(dtype)
        n = int(self.ties.max()) + 1
        if num_weights is None and n == 0:
            raise ValueError("`ties` masks every entry (all -1), which leaves no weight; "
                             "give some entries an id from 0, or pass num_weights")
        if num_weights is not None and as_positive_int(num_weights, "num_weights") < n:
            raise ValueError(f"`num_weights` is {num_weights} but `ties` uses ids up to "
                             f"{n - 1}; pass at least {n}, or None")
        self._shapes = {"weight": (n if num_weights is None else int(num_weights),),
                        "bias": (int(self.bias_ties.max()) + 1,) if self._has_bias else None}
        fan_in = max(int((self.ties >= 0).sum(axis=1).max()), 1)
        self._fan_in_init(fan_in, default_rng(rng))
        super().__init__()

    @classmethod
    def from_conv2d(cls, conv, input_size, *, tied=True):
        """The dense layer equal to ``conv`` on inputs of ``input_size`` (H, W), with a
        copy of its parameters: trained alike, the two stay equal to rounding.

        It takes the flattened input ``x.reshape(N, -1)`` and gives the flattened output
        ``conv(x).reshape(N, -1)``. ``tied=False`` unties every entry (each starts at the
        kernel value it copies): a locally connected layer.
        """
        if not hasattr(conv, "kernel_size") or not hasattr(conv, "in_channels"):
            raise TypeError(f"`conv` must be a Conv2d, got {type(conv).__name__}")
        input_size = as_int_pair(input_size, "input_size")
        tied = check_flag(tied, "tied")
        ties, bias_ties, tap, bias_tap = _ties(conv.in_channels, conv.out_channels,
                                               conv.kernel_size, input_size, conv.stride,
                                               conv._pads, conv.dilation, tied)
        has_bias = conv.bias is not None
        layer = cls(ties, bias_ties if has_bias else None, num_weights=len(tap),
                    dtype=conv.dtype)
        layer.weight = conv.weight.ravel()[tap]
        if has_bias:
            layer.bias = conv.bias[bias_tap]
        return layer

    def __repr__(self):
        return (f"TiedLinear({self.in_features} -> {self.out_features}, "
                f"{len(self.weight)} weights)")

    def dense_weight(self):
        """The full (out_features, in_features) matrix W, zeros included."""
        w = np.zeros(self.ties.shape, self.dtype)
        w.ravel()[self._flat] = self.weight[self._ids]
        return w

    def forward(self, x):
        """(N, in_features) -> (N, out_features)."""
        x = self._check_x(x, 2, "(N, in_features); flatten images with x.reshape(N, -1)")
        if x.shape[1] != self.in_features:
            raise ValueError(f"`x` has {x.shape[1]} features (shape {x.shape}) but "
                             f"{self!r} takes {self.in_features}")
        self._w = self.dense_weight()
        y = x @ self._w.T
        if self.bias is not None:
            y += self.bias[self.bias_ties]
        return self._remember(x, y)

    def _backward(self, dy, input_grad):
        """dL/dy (N, out_features) -> dL/dx (N, in_features); fills ``grads`` with the
        sums over tied copies."""
        dw = (dy.T @ self._x).ravel()[self._flat]
        n = len(self.weight)
        self.grads = {"weight": np.bincount(self._ids, dw, n).astype(self.dtype)}
        if self.bias is not None:
            db = np.bincount(self.bias_ties, dy.sum(axis=0), len(self.bias))
            self.grads["bias"] = db.astype(self.dtype)
        return dy @ self._w if input_grad else None


def _ids(value, name, ndim, lowest):
    ids = as_array(value, name)
    if ids.dtype.kind not in "iu" or ids.ndim != ndim or ids.size == 0:
        raise TypeError(f"`{name}` must be a non-empty {ndim}-D integer array, got dtype "
                        f"{ids.dtype} and shape {ids.shape}; build it with conv_ties(...)")
    if ids.min() < lowest:
        raise ValueError(f"`{name}` holds ids from {ids.min()} to {ids.max()}; ids count "
                         f"from 0" + (", and -1 marks a fixed zero" if lowest < 0 else ""))
    return np.ascontiguousarray(ids, dtype=np.int64)
