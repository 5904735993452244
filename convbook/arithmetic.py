"""Convolution arithmetic: output sizes, receptive fields, parameter and operation counts.

The counts follow the book's own bookkeeping in section 9.2 (Figure 9.6): an output that
sums ``k`` products costs ``k`` multiplications and ``k - 1`` additions, plus one more
addition for a bias.
"""

import math
import numbers
from typing import NamedTuple

import numpy as np

from ._geometry import output_length
from ._validate import (_describe, as_array, as_int_pair, as_int_tuple, as_nonnegative_int,
                        as_positive_int, check_flag)

__all__ = [
    "conv_output_size",
    "receptive_field",
    "LayerCost",
    "dense_layer_cost",
    "local_layer_cost",
    "conv_layer_cost",
]


# How output_length words the error when the dilated kernel outgrows the padded input
_NAMES = ("k", "n", "", "use a smaller k or dilation, or more padding")


def conv_output_size(n, k, *, stride=1, padding=0, dilation=1, ceil_mode=False):
    """Length of a convolution's (or pooling's) output along one axis.

    ``out = floor((n + 2*padding - dilation*(k - 1) - 1) / stride) + 1``, with ``ceil``
    instead of ``floor`` when ``ceil_mode`` is true. In ceil mode a window that would start
    in the right padding is dropped, so every extra window sees some input; this is torch's
    rule wherever torch accepts the padding (``padding <= k // 2``).

    Examples
    --------
    >>> conv_output_size(320, 2)          # Figure 9.6: 320 wide, kernel [-1, 1]
    319
    >>> conv_output_size(6, 3, stride=2, ceil_mode=True)   # Figure 9.10 keeps a last, smaller pool
    3
    """
    n = as_positive_int(n, "n")
    k = as_positive_int(k, "k")
    stride = as_positive_int(stride, "stride")
    padding = as_nonnegative_int(padding, "padding")
    dilation = as_positive_int(dilation, "dilation")
    ceil_mode = check_flag(ceil_mode, "ceil_mode")
    return output_length(n, dilation * (k - 1) + 1, stride, padding, ceil_mode, _NAMES)


def _as_layer(layer, index):
    name = f"layers[{index}]"
    if isinstance(layer, np.ndarray):  # a row of an integer array: ints or a TypeError
        values = as_int_tuple(layer, name)
    else:
        values = tuple(layer) if isinstance(layer, (tuple, list)) else None
    if values is None or len(values) not in (2, 3):
        raise ValueError(
            f"`{name}` must be a pair (kernel_size, stride) or a triple "
            f"(kernel_size, stride, dilation), got {_describe(layer)}; e.g. (3, 1)"
        )
    k = as_positive_int(values[0], f"{name} kernel_size")
    s = as_positive_int(values[1], f"{name} stride")
    d = as_positive_int(values[2], f"{name} dilation") if len(values) == 3 else 1
    return k, s, d


def receptive_field(layers):
    """Receptive field, in input pixels, of one unit of the last layer (book Figure 9.4).

    This is the extent of the input the unit depends on; with dilation it can have holes.

    Each layer adds ``dilation * (k - 1)`` times the product of the strides below it:
    ``r = 1 + sum_l d_l (k_l - 1) prod_{i<l} s_i``.

    Parameters
    ----------
    layers : sequence of (kernel_size, stride) or (kernel_size, stride, dilation)
        From the input upwards. Pooling layers count as (size, stride). An integer
        array of shape (L, 2) or (L, 3) works too, one layer per row.

    Examples
    --------
    >>> receptive_field([(3, 1), (3, 1)])   # Figure 9.4: g3 sees x1..x5
    5
    >>> receptive_field([(3, 1), (2, 2), (3, 1)])
    8
    """
    if isinstance(layers, np.ndarray):
        layers = as_array(layers, "layers")  # refuses a masked array
    try:
        items = None if isinstance(layers, (str, bytes)) else list(layers)
    except TypeError:
        items = None
    if items is None:
        raise TypeError(f"`layers` must be a sequence of (kernel_size, stride) pairs, got "
                        f"{_describe(layers)}; e.g. [(3, 1), (2, 2)]")
    field, jump = 1, 1
    for index, layer in enumerate(items):
        k, s, d = _as_layer(layer, index)
        field += d * (k - 1) * jump
        jump *= s
    return field


class LayerCost(NamedTuple):
    """What a layer stores and computes.

    params : number of learned values (weights, plus biases when asked for).
    flops : multiplications plus additions for one forward pass of one example.
    output_shape : shape of one example's output, channels first.
    """

    params: int
    flops: int
    output_shape: tuple


def _flops(outputs, taps, bias):
    # taps products per output: taps multiplications, taps - 1 additions, one for a bias.
    return outputs * (2 * taps - 1 + bool(bias))


def dense_layer_cost(n_in, n_out, *, bias=True):
    """A fully connected layer: an ``(n_out, n_in)`` weight matrix (book section 9.2).

    Examples
    --------
    >>> dense_layer_cost(10**6, 10**6, bias=False).params   # the note's 1000x1000 image
    1000000000000
    """
    n_in = as_positive_int(n_in, "n_in")
    n_out = as_positive_int(n_out, "n_out")
    bias = check_flag(bias, "bias")
    params = n_in * n_out + (n_out if bias else 0)
    return LayerCost(params, _flops(n_out, n_in, bias), (n_out,))


def _spatial_layer(input_shape, kernel_shape, stride, padding, dilation):
    """Output spatial shape, (W,) or (H, W), and taps per output of a sliding window.

    A 1-D layer (int sizes) is the 2-D one with a height of one.
    """
    one_d = isinstance(input_shape, numbers.Integral)
    if one_d:
        input_shape, kernel_shape = (1, input_shape), (1, kernel_shape)
        stride, padding, dilation = (1, stride), (0, padding), (1, dilation)
    size = as_int_pair(input_shape, "input_shape")
    kernel = as_int_pair(kernel_shape, "kernel_shape")
    stride = as_int_pair(stride, "stride")
    padding = as_int_pair(padding, "padding", minimum=0)
    dilation = as_int_pair(dilation, "dilation")
    out = tuple(
        conv_output_size(n, k, stride=s, padding=p, dilation=d)
        for n, k, s, p, d in zip(size, kernel, stride, padding, dilation)
    )
    return (out[1:] if one_d else out), kernel[0] * kernel[1]


def conv_layer_cost(input_shape, kernel_shape, *, in_channels=1, out_channels=1,
                    stride=1, padding=0, dilation=1, bias=True):
    """A convolutional layer: one shared kernel per (output, input) channel pair.

    Parameters: ``F * C * kH * kW`` weights plus ``F`` biases. Each output sums
    ``C * kH * kW`` products (taps that land on zero padding are counted: the layer
    computes them).

    Examples
    --------
    >>> conv_layer_cost((280, 320), (1, 2), bias=False)   # Figure 9.6: 319*280*3 operations
    LayerCost(params=2, flops=267960, output_shape=(1, 280, 319))
    """
    c = as_positive_int(in_channels, "in_channels")
    f = as_positive_int(out_channels, "out_channels")
    bias = check_flag(bias, "bias")
    out, taps = _spatial_layer(input_shape, kernel_shape, stride, padding, dilation)
    positions = math.prod(out)
    params = f * c * taps + (f if bias else 0)
    return LayerCost(params, _flops(f * positions, c * taps, bias), (f, *out))


def local_layer_cost(input_shape, kernel_shape, *, in_channels=1, out_channels=1,
                     stride=1, padding=0, dilation=1, bias=True):
    """A locally connected (unshared) layer: a separate kernel and bias per output unit.

    The same sparse connections as ``conv_layer_cost`` and the same operations, but no
    tying: ``OH * OW * F * C * kH * kW`` weights plus ``F * OH * OW`` biases.

    Examples
    --------
    >>> local_layer_cost((1000, 1000), (10, 10), bias=False).params  # 'valid': 991**2 units
    98208100
    """
    c = as_positive_int(in_channels, "in_channels")
    f = as_positive_int(out_channels, "out_channels")
    bias = check_flag(bias, "bias")
    out, taps = _spatial_layer(input_shape, kernel_shape, stride, padding, dilation)
    units = f * math.prod(out)
    params = units * c * taps + (units if bias else 0)
    return LayerCost(params, _flops(units, c * taps, bias), (f, *out))
