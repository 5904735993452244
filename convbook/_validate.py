"""Argument checking shared by every public wrapper.

Each helper either returns a clean value (a C-contiguous float32/float64 array, an int,
a pair of ints) or raises a ``ValueError``/``TypeError`` whose message names the
argument, the value it got and the fix. Numba kernels only ever see what these return.
"""

import functools
import numbers
import os

import numpy as np

__all__ = [
    "as_float_array",
    "as_array",
    "common_float_dtype",
    "to_common_float",
    "check_choice",
    "check_flag",
    "check_allocation",
    "as_int",
    "as_positive_int",
    "as_nonnegative_int",
    "as_int_pair",
    "as_int_tuple",
    "MAX_INT",
]

#: The largest integer argument (a size, stride, padding, count...) any function accepts.
#: Far beyond any real use; it keeps every index the kernels compute inside int64.
MAX_INT = 2**31 - 1


def _describe(value):
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def as_float_array(value, name, ndim=None, min_ndim=None, dtype=None, hint=None):
    """Return ``value`` as a C-contiguous float32 or float64 ndarray, in native byte order.

    float32 input stays float32 whatever its byte order ('>f4' included); every other
    real input (int, bool, float16, float64) becomes float64, unless ``dtype`` forces one.
    Complex, object, string, ragged, masked or empty input raises; so does an ``ndim``
    (or fewer than ``min_ndim`` dimensions) other than the one asked for. ``hint``
    replaces the default advice for a wrong ``ndim``: a string, or a dict from the
    number of dimensions received to a string.
    """
    array = as_array(value, name)
    kind = array.dtype.kind
    if kind == "c":
        raise TypeError(
            f"`{name}` is complex ({array.dtype}); convbook works on real numbers: "
            f"pass `{name}.real` (or its real and imaginary parts separately)"
        )
    if kind == "O":
        raise ValueError(_object_message(array, name))
    if kind not in "biuf":
        raise TypeError(
            f"`{name}` must hold real numbers, got dtype {array.dtype}; "
            f"convert it with np.asarray({name}, dtype=float)"
        )
    if ndim is not None and array.ndim != ndim:
        if isinstance(hint, dict):
            hint = hint.get(array.ndim)
        got = ("a scalar (0-D)" if array.ndim == 0
               else f"{array.ndim}-D with shape {array.shape}")
        raise ValueError(f"`{name}` must be {ndim}-D, got {got}; "
                         + (hint or _ndim_hint(name, ndim, array.ndim)))
    if min_ndim is not None and array.ndim < min_ndim:
        raise ValueError(
            f"`{name}` must have at least {min_ndim} dimensions, got shape {array.shape}; "
            f"add leading axes with {name}[None]"
        )
    if array.size == 0:
        raise ValueError(f"`{name}` is empty (shape {array.shape}); it needs at least one element")
    if dtype is None:
        dtype = _FLOAT32 if kind == "f" and array.dtype.itemsize == 4 else _FLOAT64
    if array.ndim == 0:  # np.ascontiguousarray would make a scalar 1-D
        return np.array(array, dtype=dtype)
    return np.ascontiguousarray(array, dtype=dtype)


def as_array(value, name):
    """``np.asarray(value)``, refusing masked arrays and wording NumPy's ragged-list error."""
    if isinstance(value, np.ma.MaskedArray):
        raise TypeError(
            f"`{name}` is a masked array; convbook ignores no cells, so a mask would be "
            f"silently dropped: fill the masked cells first, e.g. `{name}.filled(0)`, or "
            f"pass np.asarray({name}) if the mask means nothing here"
        )
    if isinstance(value, np.ndarray):
        return value
    try:
        return np.asarray(value)
    except (ValueError, TypeError) as error:  # numpy >= 1.24 refuses ragged nested lists
        raise ValueError(
            f"`{name}` is a ragged nested sequence (rows of different lengths); "
            f"give every row the same length, or pass a numpy array"
        ) from error


def _object_message(array, name):
    """Why ``array`` (dtype object) is not numeric: a huge integer, or something else."""
    cells = array.ravel().tolist()
    if cells and all(isinstance(c, numbers.Integral) for c in cells):
        return (f"`{name}` holds an integer too large for an integer array (e.g. "
                f"{_describe(max(cells, key=abs))}); convert it to float first: "
                f"np.asarray({name}, dtype=float)")
    return (f"`{name}` could not be read as a numeric array (got dtype object: a ragged "
            f"nested list, or cells that are not numbers); give every row the same length "
            f"and use numbers only")


def _ndim_hint(name, want, got):
    """Advice for an array of ``got`` dimensions where ``want`` are needed."""
    if got == 0:
        return f"a single number has no axes: pass an array, e.g. np.full(shape, {name})"
    if want == 4:
        extra = {3: f"{name}[None]", 2: f"{name}[None, None]"}.get(got)
        return ("layers use NCHW, (N, C, H, W)"
                + (f": make a single input a batch of one with {extra}" if extra else ""))
    if want == 2 and got == 1:
        return f"make it one row with np.atleast_2d({name})"
    if want == 1 and got > 1:
        return f"flatten it with np.ravel({name}) if that is what you mean"
    return f"reshape `{name}` to {want} dimensions"


_FLOAT32, _FLOAT64 = np.dtype(np.float32), np.dtype(np.float64)


def check_allocation(shape, itemsize, name, fix):
    """Raise a ValueError before allocating an array of ``shape`` that cannot fit in memory.

    ``name`` says which argument makes it so large and ``fix`` what to do instead. The
    limit is this machine's physical memory (1 TiB when it cannot be read): beyond it the
    allocation would fail anyway, with NumPy's less helpful MemoryError or ValueError.
    """
    nbytes = itemsize
    for n in shape:
        nbytes *= int(n)
    if nbytes > _SMALL and nbytes > _memory_limit():
        raise ValueError(
            f"`{name}` would make an array of shape {tuple(int(n) for n in shape)} "
            f"({nbytes / 2**30:.3g} GiB), more than this machine's memory; {fix}"
        )


_SMALL = 2**30  # below this, no need to ask the system


@functools.lru_cache(maxsize=1)
def _memory_limit():
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return 2**40


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


def check_flag(value, name):
    """Return ``value`` as a bool; only True/False (or NumPy bools) are accepted.

    A truthy string such as "no" would otherwise switch the option on.
    """
    if not isinstance(value, (bool, np.bool_)):
        raise TypeError(
            f"`{name}` must be True or False, got {_describe(value)} of type "
            f"{type(value).__name__}; pass {name}=True or {name}=False"
        )
    return bool(value)


def as_int(value, name):
    """An int in [-MAX_INT, MAX_INT]: no bools, no floats, no huge values."""
    if isinstance(value, np.ndarray) and value.ndim == 0:
        value = value[()]
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"`{name}` must be an integer, got {_describe(value)} "
            f"of type {type(value).__name__}; pass e.g. {name}=2"
        )
    value = int(value)
    if abs(value) > MAX_INT:
        raise ValueError(
            f"`{name}` is {value}, too large in magnitude: integer arguments must lie "
            f"within +-{MAX_INT} (2**31 - 1)"
        )
    return value


def as_positive_int(value, name):
    """An int in [1, MAX_INT]."""
    value = as_int(value, name)
    if value < 1:
        raise ValueError(f"`{name}` must be a positive integer (>= 1), got {value}")
    return value


def as_nonnegative_int(value, name):
    """An int in [0, MAX_INT]."""
    value = as_int(value, name)
    if value < 0:
        raise ValueError(f"`{name}` must be zero or a positive integer, got {value}")
    return value


def as_int_tuple(value, name):
    """A tuple/list or a 1-D integer ndarray as a tuple of ints; ``None`` for anything else.

    Wherever convbook takes a tuple of ints it also takes a 1-D integer array (such as
    ``np.array(x.shape)``); any other array raises a TypeError.
    """
    if isinstance(value, np.ndarray) and value.ndim:
        value = as_array(value, name)  # refuses a masked array
        if value.ndim != 1 or value.dtype.kind not in "iu":
            raise TypeError(
                f"`{name}` must be a tuple of ints (or a 1-D integer array), got an array "
                f"of dtype {value.dtype} and shape {value.shape}; pass e.g. (3, 3)"
            )
        value = value.tolist()
    if not isinstance(value, (tuple, list)):
        return None
    return tuple(as_int(v, name) for v in value)


def as_int_pair(value, name, minimum=1):
    """An int, or a pair of ints, as a tuple ``(a, b)`` with both ``>= minimum``.

    A pair may be a tuple, a list or a 1-D integer array of length 2.
    """
    pair = as_int_tuple(value, name)
    if pair is None:
        pair = (as_int(value, name),) * 2
    elif len(pair) != 2:
        raise ValueError(
            f"`{name}` must be an int or a pair (height, width), got {_describe(value)} "
            f"with {len(pair)} entries"
        )
    if min(pair) < minimum:
        word = "positive (>= 1)" if minimum == 1 else f">= {minimum}"
        raise ValueError(f"`{name}` must be {word}, got {_describe(value)}")
    return pair
