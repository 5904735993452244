"""Centred finite differences: the reference every backward pass is checked against."""

import numpy as np


def numerical_gradient(f, array, eps=1e-6):
    """d f() / d array by centred differences, one cell at a time (``array`` is changed in
    place and restored). Exact up to rounding for f quadratic in ``array``."""
    grad = np.zeros_like(array)
    for idx in np.ndindex(array.shape):
        keep = array[idx]
        array[idx] = keep + eps
        up = f()
        array[idx] = keep - eps
        down = f()
        array[idx] = keep
        grad[idx] = (up - down) / (2 * eps)
    return grad
