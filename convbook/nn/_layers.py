"""The layers of convbook.nn: forward with ``layer(x)``, backward with ``layer.backward(dy)``.

Every layer keeps what its backward pass needs from the last forward (the input, the max
pool's argmax). ``backward`` returns ``dx`` and overwrites ``layer.grads``: there is no
accumulation, so there is no ``zero_grad`` to forget.
"""

import functools

import numpy as np

from .. import layers as _conv
from .. import pooling as _pool
from .._kernels import pooling as _pool_kernels
from .._validate import as_array, as_float_array, as_int_pair, as_positive_int, check_flag

__all__ = ["Module", "Conv2d", "Linear", "ReLU", "MaxPool2d", "AvgPool2d",
           "AdaptiveAvgPool2d", "PartialGlobalAvgPool2d", "Flatten", "Sequential"]

_FLOATS = (np.dtype(np.float32), np.dtype(np.float64))


def _float_dtype(dtype):
    dtype = np.dtype(dtype)
    if dtype not in _FLOATS:
        raise TypeError(f"`dtype` must be np.float32 or np.float64, got {dtype}")
    return dtype


def default_rng(rng):
    """``rng``, or ``np.random.default_rng(0)`` when it is None (checked: a Generator)."""
    if rng is None:
        return np.random.default_rng(0)
    if not isinstance(rng, np.random.Generator):
        raise TypeError(f"`rng` must be a np.random.Generator, got {type(rng).__name__}; "
                        f"pass e.g. rng=np.random.default_rng(0)")
    return rng


class _Parameter:
    """A parameter attribute: assigning copies the array, cast to the layer's dtype, and
    checks its shape (``None`` removes the parameter)."""

    def __set_name__(self, owner, name):
        self.name, self.slot = name, "_" + name

    def __get__(self, layer, owner=None):
        return self if layer is None else getattr(layer, self.slot)

    def __set__(self, layer, value):
        if value is not None:
            where = f"{type(layer).__name__}.{self.name}"
            value = as_float_array(value, where)
            expected = layer._shapes[self.name]
            if value.shape != expected:
                raise ValueError(
                    f"`{where}` must have shape {expected}, got {value.shape}; "
                    f"assign an array of shape {expected} (torch's layout)")
            value = value.astype(layer.dtype, copy=True)  # never aliases the caller's array
        setattr(layer, self.slot, value)


class Module:
    """Base class: ``y = layer(x)``, ``dx = layer.backward(dy)``, ``layer.grads``.

    A subclass with parameters lists their names in ``_param_names``, their shapes in
    ``self._shapes`` and declares each as a ``_Parameter``.
    """

    _param_names = ()
    dtype = None  # parameter-free layers compute in their input's dtype

    def __init__(self):
        self.grads = {}  # parameter-free layers keep it empty
        self._x = None  # the last forward's input: None until the first forward

    def __call__(self, x):
        return self.forward(x)

    def parameters(self):
        """``[(layer, name), ...]`` for every parameter that is not None (optimizers use it)."""
        return [(self, n) for n in self._param_names if getattr(self, n) is not None]

    def to(self, dtype):
        """Cast every parameter to ``dtype`` (np.float32 or np.float64), in place; returns self."""
        dtype = _float_dtype(dtype)
        if self._param_names:
            self.dtype = dtype
            for name in self._param_names:
                setattr(self, name, getattr(self, name))  # the setter casts
            self.grads, self._x = {}, None
        return self

    def backward(self, dy, *, input_grad=True):
        """dL/dy -> dL/dx, after a forward; fills ``grads`` (overwriting them).

        ``input_grad=False`` skips dL/dx and returns None: a model's first layer needs
        only its parameters' gradients (``fit`` asks for no more, as torch does for an
        input that does not require a gradient).
        """
        dy, input_grad = self._check_dy(dy), check_flag(input_grad, "input_grad")
        if not input_grad and not self._param_names:
            return None
        return self._backward(dy, input_grad)

    def _need_forward(self):
        if getattr(self, "_x", None) is None:
            raise ValueError(f"`dy`: {self!r}.backward was called before any forward; "
                             f"run y = layer(x) first, then layer.backward(dL/dy)")

    def _check_dy(self, dy):
        """``dy`` as an array of the last forward output's shape and dtype."""
        self._need_forward()
        dy = as_array(dy, "dy")
        shape, dtype = self._y_shape, self._y_dtype
        if dy.shape != shape:
            raise ValueError(f"`dy` has shape {dy.shape}, but {self!r} last gave an output of "
                             f"shape {shape}; pass the gradient of that output")
        if dy.dtype != dtype:
            raise TypeError(f"`dy` has dtype {dy.dtype}, but {self!r} last gave a {dtype} "
                            f"output; pass dy.astype(np.{dtype})")
        return np.ascontiguousarray(dy)

    def _check_x(self, x, ndim, hint):
        """``x`` as an ndarray of ``ndim`` dimensions, in the parameters' dtype if any."""
        if type(x) is not np.ndarray or x.dtype not in _FLOATS or not x.size:
            x = as_float_array(x, "x")  # refuses masked, empty, complex... with clear words
        if x.ndim != ndim:
            raise ValueError(f"`x` must be {ndim}-D {hint} for {self!r}, got shape {x.shape}")
        if self.dtype is not None and x.dtype != self.dtype:
            raise TypeError(
                f"`x` has dtype {x.dtype}, but {self!r} computes in {self.dtype} (its "
                f"parameters' dtype); convert the input with x.astype(np.{self.dtype}), or "
                f"the layer with layer.to(np.{x.dtype})")
        return np.ascontiguousarray(x)

    def _remember(self, x, y):
        self._x, self._y_shape, self._y_dtype = x, y.shape, y.dtype
        return y

    def _fan_in_init(self, fan_in, rng):
        """torch's default: kaiming_uniform(a=sqrt(5)) gives U(-1/sqrt(fan_in), 1/sqrt(fan_in))
        for the weight, and the bias draws from the same range."""
        bound = 1.0 / np.sqrt(fan_in)
        self.weight = rng.uniform(-bound, bound, self._shapes["weight"])
        if self._has_bias:
            self.bias = rng.uniform(-bound, bound, self._shapes["bias"])
        else:
            self.bias = None


class Conv2d(Module):
    """A 2-D convolution layer (a cross-correlation, as in torch; book Eq. 9.7), NCHW.

    Parameters
    ----------
    in_channels, out_channels : int
        C and F.
    kernel_size, stride : int or pair of ints
    padding : int, pair of ints, 'valid' or 'same'
        Zeros around the input, as :func:`convbook.conv2d`.
    bias : bool
    dilation : int or pair of ints, keyword-only
    rng : np.random.Generator, optional
        Draws the initial weights (torch's default rule: U(-1/sqrt(fan_in), 1/sqrt(fan_in)),
        ``fan_in = C*kH*kW``, weight then bias). None means ``np.random.default_rng(0)``,
        so the same layer every time: pass one Generator to all the layers of a model.
    dtype : np.float32 or np.float64
        The dtype of the parameters, in which the layer computes.

    Attributes
    ----------
    weight : ndarray of shape (F, C, kH, kW)
    bias : ndarray of shape (F,), or None
    grads : dict
        ``'weight'`` and ``'bias'`` gradients of the last backward.

    Examples
    --------
    >>> conv = Conv2d(1, 2, 3, padding=1)
    >>> y = conv(np.ones((4, 1, 8, 8), np.float32))
    >>> y.shape, conv.backward(np.ones_like(y)).shape, conv.grads["weight"].shape
    ((4, 2, 8, 8), (4, 1, 8, 8), (2, 1, 3, 3))
    """

    _param_names = ("weight", "bias")
    weight = _Parameter()
    bias = _Parameter()

    def __init__(self, in_channels, out_channels, kernel_size, stride=1, padding=0, bias=True,
                 *, dilation=1, rng=None, dtype=np.float32):
        self.in_channels = as_positive_int(in_channels, "in_channels")
        self.out_channels = as_positive_int(out_channels, "out_channels")
        self.kernel_size = as_int_pair(kernel_size, "kernel_size")
        self._has_bias = check_flag(bias, "bias")
        self.stride, self._pads, self.dilation = _conv._hyper(stride, padding, dilation,
                                                              self.kernel_size)
        self.padding = padding
        self.dtype = _float_dtype(dtype)
        self._shapes = {"weight": (self.out_channels, self.in_channels) + self.kernel_size,
                        "bias": (self.out_channels,)}
        self._fan_in_init(self.in_channels * self.kernel_size[0] * self.kernel_size[1],
                          default_rng(rng))
        self._checked_shape = None  # the last input shape whose geometry was checked
        super().__init__()

    def __repr__(self):
        return (f"Conv2d({self.in_channels}, {self.out_channels}, kernel_size="
                f"{self.kernel_size}, stride={self.stride}, padding={self.padding!r})")

    def forward(self, x):
        """(N, C, H, W) -> (N, F, OH, OW), OH = floor((H + 2p - d(kH - 1) - 1) / s) + 1."""
        x = self._check_x(x, 4, "NCHW, (N, C, H, W)")
        if x.shape[1] != self.in_channels:
            raise ValueError(f"`x` has {x.shape[1]} channels (axis 1 of shape {x.shape}) "
                             f"but {self!r} takes {self.in_channels}; NCHW layout")
        # convbook.conv2d's steps without its per-call checks, which the parameters' setter
        # and _check_x have made: a layer is called with the same shapes again and again.
        # The first input of each shape still gets the core's geometry checks and errors.
        if x.shape != self._checked_shape:
            self._out_hw = _conv._output_size(x.shape, self.kernel_size, self.stride,
                                              self._pads, self.dilation, x.itemsize,
                                              self.out_channels)
            self._checked_shape = x.shape
        self._xp = _conv._pad(x, self._pads)
        y = _conv._conv_forward(self._xp, self.weight, self.bias, *self._out_hw, self.stride,
                                self.dilation)
        return self._remember(x, y.reshape((len(x), self.out_channels) + self._out_hw))

    def _backward(self, dy, input_grad):
        """dL/dy (N, F, OH, OW) -> dL/dx (N, C, H, W); fills ``grads``."""
        if input_grad:  # convbook.conv2d_backward's steps, on the padded input kept above
            (oh, ow), (kh, kw), xp = self._out_hw, self.kernel_size, self._xp
            dxp = np.zeros_like(xp)
            dw = np.zeros((self.out_channels, self.in_channels * kh * kw), self.dtype)
            w2t = np.ascontiguousarray(self.weight.reshape(self.out_channels, -1).T)
            _conv._k.conv2d_backward(dy.reshape(len(dy), self.out_channels, oh * ow), xp, w2t,
                                     kh, kw, *self.stride, *self.dilation, oh, ow, dxp, dw)
            dx, dw = _conv._unpad(dxp, self._pads, self._x.shape), dw.reshape(self.weight.shape)
        else:
            dx, dw = None, self._weight_grad(dy)
        self.grads = {"weight": dw}
        if self.bias is not None:  # einsum: several times faster than sum(axis=(0, 2, 3))
            self.grads["bias"] = np.einsum("nfk->f", dy.reshape(len(dy), self.out_channels, -1))
        return dx

    def _weight_grad(self, dy):
        """dw alone, as a convolution: dw[f, c] correlates image channel c with dy[:, f]
        over the batch (batch and channel axes swapped; the stride becomes the dilation)."""
        kh, kw = self.kernel_size
        dw = _conv.conv2d(self._xp.transpose(1, 0, 2, 3), dy.transpose(1, 0, 2, 3),
                          stride=self.dilation, dilation=self.stride)
        return np.ascontiguousarray(dw[:, :, :kh, :kw].transpose(1, 0, 2, 3))


class Linear(Module):
    """A dense (fully connected) layer ``y = x @ weight.T + bias``, as torch's.

    Parameters
    ----------
    in_features, out_features : int
    bias : bool
    rng, dtype
        As in :class:`Conv2d`; ``fan_in = in_features``.

    Attributes
    ----------
    weight : ndarray of shape (out_features, in_features)
    bias : ndarray of shape (out_features,), or None

    Examples
    --------
    >>> layer = Linear(3, 2)
    >>> layer.weight = np.arange(6.).reshape(2, 3); layer.bias = [0., 1.]
    >>> layer(np.ones((1, 3), np.float32))
    array([[ 3., 13.]], dtype=float32)
    """

    _param_names = ("weight", "bias")
    weight = _Parameter()
    bias = _Parameter()

    def __init__(self, in_features, out_features, bias=True, *, rng=None, dtype=np.float32):
        self.in_features = as_positive_int(in_features, "in_features")
        self.out_features = as_positive_int(out_features, "out_features")
        self._has_bias = check_flag(bias, "bias")
        self.dtype = _float_dtype(dtype)
        self._shapes = {"weight": (self.out_features, self.in_features),
                        "bias": (self.out_features,)}
        self._fan_in_init(self.in_features, default_rng(rng))
        super().__init__()

    def __repr__(self):
        return f"Linear({self.in_features}, {self.out_features})"

    def forward(self, x):
        """(N, in_features) -> (N, out_features)."""
        x = self._check_x(x, 2, "(N, in_features); put Flatten() before it for images")
        if x.shape[1] != self.in_features:
            raise ValueError(f"`x` has {x.shape[1]} features (shape {x.shape}) but "
                             f"{self!r} takes {self.in_features}")
        y = x @ self.weight.T
        if self.bias is not None:
            y += self.bias
        return self._remember(x, y)

    def _backward(self, dy, input_grad):
        """dL/dy (N, out_features) -> dL/dx (N, in_features); fills ``grads``."""
        self.grads = {"weight": dy.T @ self._x}
        if self.bias is not None:
            self.grads["bias"] = dy.sum(axis=0)
        return dy @ self.weight if input_grad else None


class ReLU(Module):
    """``max(x, 0)`` elementwise, any shape; its gradient at 0 is 0, as in torch.

    >>> ReLU()(np.array([-1., 0., 2.]))
    array([0., 0., 2.])
    """

    def __repr__(self):
        return "ReLU()"

    def forward(self, x):
        x = as_float_array(x, "x")
        self._positive = x > 0
        return self._remember(x, np.maximum(x, 0, dtype=x.dtype))

    def _backward(self, dy, input_grad):
        return dy * self._positive


class _Pool2d(Module):
    kind = None

    def __init__(self, kernel_size, stride=None, padding=0, ceil_mode=False):
        self.kernel_size = as_int_pair(kernel_size, "kernel_size")
        self.stride = self.kernel_size if stride is None else as_int_pair(stride, "stride")
        self.padding = as_int_pair(padding, "padding", minimum=0)
        self.ceil_mode = check_flag(ceil_mode, "ceil_mode")
        # let pooling check the arguments together now (padding <= size // 2), not mid-model
        _pool.pool2d(np.zeros(self.kernel_size), self.kernel_size, self.stride, kind=self.kind,
                     padding=self.padding, ceil_mode=self.ceil_mode)
        super().__init__()

    def __repr__(self):
        return (f"{type(self).__name__}(kernel_size={self.kernel_size}, stride={self.stride}, "
                f"padding={self.padding}, ceil_mode={self.ceil_mode})")

    def _args(self):
        return dict(kind=self.kind, padding=self.padding, ceil_mode=self.ceil_mode)

    def forward(self, x):
        """(N, C, H, W) -> (N, C, OH, OW), OH = floor((H + 2p - k) / s) + 1 (ceil: ceil_mode)."""
        x = self._check_x(x, 4, "NCHW, (N, C, H, W); make one image a batch with x[None]")
        if self.kind == "max":
            y, self._indices = _pool.pool2d(x, self.kernel_size, self.stride, **self._args(),
                                            return_indices=True)
        else:
            y = _pool.pool2d(x, self.kernel_size, self.stride, **self._args())
        return self._remember(x, y)

    def _backward(self, dy, input_grad):
        indices = self._indices if self.kind == "max" else None
        return _pool.pool2d_backward(dy, self._x, self.kernel_size, self.stride,
                                     **self._args(), indices=indices)


class MaxPool2d(_Pool2d):
    """Max pooling over (H, W) windows (book section 9.3), as ``torch.nn.MaxPool2d``.

    Parameters
    ----------
    kernel_size : int or pair
    stride : int or pair, optional
        Defaults to ``kernel_size``.
    padding : int or pair
        At most ``kernel_size // 2``; padded cells never win.
    ceil_mode : bool

    Examples
    --------
    >>> MaxPool2d(2)(np.arange(16.).reshape(1, 1, 4, 4))[0, 0]
    array([[ 5.,  7.],
           [13., 15.]])
    """

    kind = "max"


class AvgPool2d(_Pool2d):
    """Average pooling over (H, W) windows, arguments as :class:`MaxPool2d`.

    A window divides by its cells inside the input: torch's ``count_include_pad=False``
    (torch's default, True, differs only when ``padding > 0``).

    >>> AvgPool2d(2)(np.arange(16.).reshape(1, 1, 4, 4))[0, 0]
    array([[ 2.5,  4.5],
           [10.5, 12.5]])
    """

    kind = "avg"


class AdaptiveAvgPool2d(Module):
    """Average over a fixed ``output_size`` grid of regions, for any input size (Fig. 9.11).

    Regions are torch's: along an axis of n cells, region i spans
    ``floor(i*n/out) <= r < ceil((i+1)*n/out)``, as in :func:`convbook.adaptive_pool2d`
    (which the forward equals). ``output_size=1`` is global average pooling.

    Average pooling is linear: each plane is multiplied by one (out_H*out_W, H*W) matrix
    of region means, and the backward pass multiplies by its transpose. At the chapter's
    sizes one matrix product over the whole batch is several times faster than a loop
    over the planes.

    >>> AdaptiveAvgPool2d(1)(np.arange(16.).reshape(1, 1, 4, 4)).ravel()
    array([7.5])
    """

    def __init__(self, output_size):
        self.output_size = as_int_pair(output_size, "output_size")
        super().__init__()

    def __repr__(self):
        return f"AdaptiveAvgPool2d({self.output_size})"

    def forward(self, x):
        """(N, C, H, W) -> (N, C, out_H, out_W)."""
        x = self._check_x(x, 4, "NCHW, (N, C, H, W); make one image a batch with x[None]")
        n, c, h, w = x.shape
        means = _region_means((h, w), self.output_size, x.dtype)
        y = (x.reshape(n * c, h * w) @ means.T).reshape((n, c) + self.output_size)
        return self._remember(x, y)

    def _backward(self, dy, input_grad):
        n, c, h, w = self._x.shape
        means = _region_means((h, w), self.output_size, dy.dtype)
        return (dy.reshape(n * c, -1) @ means).reshape(self._x.shape)


@functools.lru_cache(maxsize=32)
def _region_means(size, output_size, dtype):
    """(out_H*out_W, H*W) matrix: row (i, j) averages torch's adaptive region (i, j),
    the regions of ``cb.adaptive_pool2d`` (bounds from its kernel's ``adaptive_bounds``)."""
    rows = []
    for n, n_out in zip(size, output_size):  # one (n_out, n) matrix per axis
        lo, hi = _pool_kernels.adaptive_bounds(n, n_out)[:2]
        r = np.arange(n)
        inside = (r >= lo[:, None]) & (r < hi[:, None])
        rows.append(inside / inside.sum(axis=1, keepdims=True))
    return np.kron(*rows).astype(dtype)  # the regions are separable


class PartialGlobalAvgPool2d(Module):
    """Global average pooling of the first ``pooled_channels`` channels only; the other
    channels are kept whole. Output flattened: (N, k + (C - k)*H*W).

    The book (section 9.4) cites this as the fix when pooling makes a model underfit:
    the pooled channels are invariant to translation, the others keep the positions.

    >>> x = np.arange(8.).reshape(1, 2, 2, 2)
    >>> PartialGlobalAvgPool2d(1)(x)
    array([[1.5, 4. , 5. , 6. , 7. ]])
    """

    def __init__(self, pooled_channels):
        self.pooled_channels = as_positive_int(pooled_channels, "pooled_channels")
        super().__init__()

    def __repr__(self):
        return f"PartialGlobalAvgPool2d({self.pooled_channels})"

    def forward(self, x):
        """(N, C, H, W) -> (N, k + (C - k)*H*W), k = pooled_channels."""
        x = self._check_x(x, 4, "NCHW, (N, C, H, W)")
        k = self.pooled_channels
        if k > x.shape[1]:
            raise ValueError(f"`x` has {x.shape[1]} channels (shape {x.shape}) but {self!r} "
                             f"pools {k}; pool at most {x.shape[1]}")
        y = np.concatenate([x[:, :k].mean(axis=(2, 3)), x[:, k:].reshape(len(x), -1)], axis=1)
        return self._remember(x, y)

    def _backward(self, dy, input_grad):
        n, c, h, w = self._x.shape
        k = self.pooled_channels
        dx = np.empty(self._x.shape, dy.dtype)
        dx[:, :k] = (dy[:, :k] / (h * w))[:, :, None, None]
        dx[:, k:] = dy[:, k:].reshape(n, c - k, h, w)
        return dx


class Flatten(Module):
    """(N, d1, d2, ...) -> (N, d1*d2*...), in C order (NCHW: channel, then row, then column).

    >>> Flatten()(np.zeros((2, 3, 4, 5))).shape
    (2, 60)
    """

    def __repr__(self):
        return "Flatten()"

    def forward(self, x):
        x = as_float_array(x, "x")
        if x.ndim < 2:
            raise ValueError(f"`x` must have a batch axis and at least one more, got shape "
                             f"{x.shape}; Flatten keeps axis 0 (N)")
        return self._remember(x, x.reshape(len(x), -1))

    def _backward(self, dy, input_grad):
        return dy.reshape(self._x.shape)


class Sequential(Module):
    """Layers applied in turn; ``backward`` runs them in reverse and fills every ``grads``.

    >>> model = Sequential(Flatten(), Linear(4, 3), ReLU(), Linear(3, 2))
    >>> y = model(np.ones((5, 1, 2, 2), np.float32))
    >>> model.backward(np.ones_like(y)).shape, model[1].grads["weight"].shape
    ((5, 1, 2, 2), (3, 4))
    """

    def __init__(self, *layers):
        if not layers:
            raise ValueError("`layers`: Sequential needs at least one layer, e.g. "
                             "Sequential(Flatten(), Linear(64, 10))")
        for i, layer in enumerate(layers):
            if not isinstance(layer, Module):
                raise TypeError(f"`layers[{i}]` is a {type(layer).__name__}, not a layer; "
                                f"pass layers such as Linear(4, 2) or ReLU()")
        self.layers = list(layers)
        super().__init__()

    def __repr__(self):
        inner = "".join(f"\n  ({i}) {layer!r}" for i, layer in enumerate(self.layers))
        return f"Sequential({inner}\n)"

    def __getitem__(self, i):
        return self.layers[i]

    def __len__(self):
        return len(self.layers)

    @property
    def dtype(self):
        """The dtype of the first layer with parameters (None if none has any)."""
        return next((layer.dtype for layer in self.layers if layer.dtype is not None), None)

    def parameters(self):
        return [p for layer in self.layers for p in layer.parameters()]

    def to(self, dtype):
        for layer in self.layers:
            layer.to(dtype)
        return self

    def forward(self, x):
        for layer in self.layers:
            x = layer(x)
        self._x = True
        return x

    def backward(self, dy, *, input_grad=True):
        """Back through every layer; ``input_grad=False`` skips the first layer's dL/dx."""
        self._need_forward()
        for layer in self.layers[:0:-1]:
            dy = layer.backward(dy)
        return self.layers[0].backward(dy, input_grad=input_grad)

