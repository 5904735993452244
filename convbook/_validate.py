"""Argument checking shared by every public wrapper.

Each helper either returns a clean value (a C-contiguous float32/float64 array, an int,
a pair of ints) or raises a ``ValueError``/``TypeError`` whose message names the
argument, the value it got and the fix. Numba kernels only ever see what these return.
"""

import numbers

import numpy as np

__all__ = [
    "as_float_array",
    "common_float_dtype",
    "to_common_float",
    "check_choice",
    "as_positive_int",
    "as_nonnegative_int",
    "as_int_pair",
]


def _describe(value):
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def as_float_array(value, name, ndim=None, min_ndim=None, dtype=None):
    """Return ``value`` as a C-contiguous float32 or float64 ndarray.

    float32 input stays float32; every other real input (int, bool, float16, float64)
    becomes float64, unless ``dtype`` forces one. Complex, object, string, ragged or empty
    input raises; so does an ``ndim`` (or fewer than ``min_ndim`` dimensions) other than
    the one asked for.
    """
    if isinstance(value, np.ndarray):
        array = value
    else:
        try:
            array = np.asarray(value)
        except ValueError as error:  # numpy >= 1.24 refuses ragged nested lists
            raise ValueError(
                f"`{name}` is a ragged nested sequence (rows of different lengths); "
                f"give every row the same length, or pass a numpy array"
            ) from error
    kind = array.dtype.kind
    if kind == "c":
        raise TypeError(
            f"`{name}` is complex ({array.dtype}); convbook works on real numbers: "
            f"pass `{name}.real` (or its real and imaginary parts separately)"
        )
    if kind == "O":
        raise ValueError(
            f"`{name}` could not be read as a numeric array (got dtype object, often a "
            f"ragged nested list); give every row the same length and use numbers only"
        )
    if kind not in "biuf":
        raise TypeError(
            f"`{name}` must hold real numbers, got dtype {array.dtype}; "
            f"convert it with np.asarray({name}, dtype=float)"
        )
    if ndim is not None and array.ndim != ndim:
        raise ValueError(
            f"`{name}` must be {ndim}-D, got {array.ndim}-D with shape {array.shape}; "
            + _ndim_hint(name, ndim)
        )
    if min_ndim is not None and array.ndim < min_ndim:
        raise ValueError(
            f"`{name}` must have at least {min_ndim} dimensions, got shape {array.shape}; "
            f"add leading axes with {name}[None]"
        )
    if array.size == 0:
        raise ValueError(f"`{name}` is empty (shape {array.shape}); it needs at least one element")
    if dtype is None:
        dtype = np.float32 if array.dtype == np.float32 else np.float64
    return np.ascontiguousarray(array, dtype=dtype)


def _ndim_hint(name, ndim):
    if ndim == 4:
        return f"layers use NCHW: reshape a single image with {name}[None, None]"
    if ndim == 2:
        return f"use the 1-D function for 1-D data, or np.atleast_2d({name})"
    return f"use the {ndim}-D function, or reshape `{name}`"


_FLOAT32, _FLOAT64 = np.dtype(np.float32), np.dtype(np.float64)


def common_float_dtype(*arrays):
    """float32 when every array is float32, else float64. ``None`` entries are skipped."""
    for a in arrays:
        if a is not None and a.dtype != _FLOAT32:
            return _FLOAT64
    return _FLOAT32


def to_common_float(*arrays):
    """The arrays (from ``as_float_array``) cast to ``common_float_dtype``, as a list.

    An array already of that dtype is returned as is, and ``None`` (an absent bias) stays
    ``None``. Wrappers call this on every call, so it avoids work where it can.
    """
    dtype = common_float_dtype(*arrays)
    return [a if a is None or a.dtype == dtype else a.astype(dtype) for a in arrays]


def check_choice(value, name, choices):
    """Raise unless ``value`` is one of ``choices`` (strings)."""
    if not isinstance(value, str) or value not in choices:
        options = ", ".join(repr(c) for c in choices)
        raise ValueError(f"`{name}` must be one of {options}; got {_describe(value)}")
    return value


def _as_int(value, name):
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"`{name}` must be an integer, got {_describe(value)} "
            f"of type {type(value).__name__}; pass e.g. {name}=2"
        )
    return int(value)


def as_positive_int(value, name):
    """An int >= 1."""
    value = _as_int(value, name)
    if value < 1:
        raise ValueError(f"`{name}` must be a positive integer (>= 1), got {value}")
    return value


def as_nonnegative_int(value, name):
    """An int >= 0."""
    value = _as_int(value, name)
    if value < 0:
        raise ValueError(f"`{name}` must be zero or a positive integer, got {value}")
    return value


def as_int_pair(value, name, minimum=1):
    """An int, or a pair of ints, as a tuple ``(a, b)`` with both ``>= minimum``."""
    if isinstance(value, (tuple, list)) or (isinstance(value, np.ndarray) and value.ndim):
        if len(value) != 2:
            raise ValueError(
                f"`{name}` must be an int or a pair (height, width), got {_describe(value)} "
                f"with {len(value)} entries"
            )
        pair = tuple(_as_int(v, name) for v in value)
    else:
        pair = (_as_int(value, name),) * 2
    if min(pair) < minimum:
        word = "positive (>= 1)" if minimum == 1 else f">= {minimum}"
        raise ValueError(f"`{name}` must be {word}, got {_describe(value)}")
    return pair
