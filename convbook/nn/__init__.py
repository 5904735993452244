"""convbook.nn: a small trainable network on convbook's forward and backward passes.

Torch's words and layouts (NCHW), NumPy arrays in and out. ``y = layer(x)`` runs a
forward pass; ``dx = layer.backward(dy)`` returns the input gradient and overwrites
``layer.grads`` (no accumulation, so no ``zero_grad``). Parameters live in
``layer.weight`` and ``layer.bias``; assigning copies the array into the layer's dtype.

``TiedLinear.from_conv2d`` writes a ``Conv2d`` as a dense layer with a fixed mask and tied
entries: the "infinitely strong prior" of the book's section 9.4, made trainable.

Examples
--------
>>> from convbook import nn
>>> rng = np.random.default_rng(0)
>>> model = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1, rng=rng), nn.ReLU(), nn.MaxPool2d(2),
...                       nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(4, 10, rng=rng))
>>> x, y = rng.random((8, 1, 8, 8), dtype=np.float32), np.arange(8)
>>> loss, dlogits = nn.cross_entropy(model(x), y)
>>> dx = model.backward(dlogits)
>>> nn.SGD(model, lr=0.1, momentum=0.9).step()
>>> model[0].grads["weight"].shape, dx.shape
((4, 1, 3, 3), (8, 1, 8, 8))
"""

import numpy as np  # noqa: F401  (the doctest above uses it)

from ._layers import (AdaptiveAvgPool2d, AvgPool2d, Conv2d, Flatten, Linear, MaxPool2d,
                      Module, PartialGlobalAvgPool2d, ReLU, Sequential)
from ._tied import TiedLinear, conv_ties
from ._train import SGD, Adam, cross_entropy, evaluate, fit

__all__ = [
    "Module", "Conv2d", "Linear", "ReLU", "MaxPool2d", "AvgPool2d", "AdaptiveAvgPool2d",
    "PartialGlobalAvgPool2d", "Flatten", "Sequential", "TiedLinear", "conv_ties",
    "cross_entropy", "SGD", "Adam", "fit", "evaluate",
]
