"""The shared argument checkers: each bad input gets a message naming it and the fix."""

import numpy as np
import pytest

from convbook._validate import (
    as_float_array,
    as_int_pair,
    as_nonnegative_int,
    as_positive_int,
    check_choice,
    common_float_dtype,
    to_common_float,
)


@pytest.mark.parametrize("value, dtype", [
    (np.ones(3, np.float32), np.float32),
    (np.ones(3), np.float64),
    (np.arange(3), np.float64),
    (np.array([True, False]), np.float64),
    (np.ones(3, np.float16), np.float64),
    ([1, 2, 3], np.float64),
])
def test_dtypes(value, dtype):
    out = as_float_array(value, "x")
    assert out.dtype == dtype and out.flags.c_contiguous


def test_non_contiguous_input_becomes_contiguous():
    out = as_float_array(np.ones((4, 4))[:, ::2], "x")
    assert out.flags.c_contiguous


@pytest.mark.parametrize("value, error, match", [
    (np.ones(3, complex), TypeError, r"`x` is complex .* pass `x.real`"),
    ([[1, 2], [3]], ValueError, r"`x` is a ragged .* same length"),
    (np.array(["a"]), TypeError, r"`x` must hold real numbers"),
    (np.array([None, 1]), ValueError, r"`x` could not be read as a numeric array"),
    (np.ones((0, 3)), ValueError, r"`x` is empty \(shape \(0, 3\)\)"),
])
def test_bad_arrays(value, error, match):
    with pytest.raises(error, match=match):
        as_float_array(value, "x")


def test_ndim_is_checked_with_a_hint():
    with pytest.raises(ValueError, match=r"`x` must be 4-D, got 2-D .* NCHW"):
        as_float_array(np.ones((2, 2)), "x", ndim=4)
    with pytest.raises(ValueError, match=r"at least 2 dimensions"):
        as_float_array(np.ones(2), "x", min_ndim=2)


def test_common_float_dtype():
    f32, f64 = np.ones(1, np.float32), np.ones(1)
    assert common_float_dtype(f32, f32) == np.float32
    assert common_float_dtype(f32, f64) == np.float64
    assert common_float_dtype(f32, None) == np.float32  # an absent bias does not count


def test_to_common_float_casts_only_what_differs():
    f32, f64 = np.ones((2, 3), np.float32), np.ones(3)
    a, b, c = to_common_float(f32, f64, None)
    assert a.dtype == b.dtype == np.float64 and c is None
    assert a.flags.c_contiguous and np.array_equal(a, f32)
    assert b is f64  # already float64: no copy
    a, b = to_common_float(f32, f32)
    assert a is f32 and b is f32


def test_integers_and_pairs():
    assert as_positive_int(np.int64(3), "n") == 3
    assert as_nonnegative_int(0, "p") == 0
    assert as_int_pair(2, "stride") == (2, 2)
    assert as_int_pair((1, 3), "stride") == (1, 3)
    assert as_int_pair([0, 1], "padding", minimum=0) == (0, 1)
    assert as_int_pair(np.array(3), "stride") == (3, 3)          # a 0-d array is a scalar
    assert as_positive_int(np.array(2), "size") == 2
    for call, error, match in [
        (lambda: as_positive_int(0, "size"), ValueError, "`size` must be a positive integer"),
        (lambda: as_positive_int(2.0, "size"), TypeError, "`size` must be an integer, got 2.0"),
        (lambda: as_positive_int(True, "size"), TypeError, "`size` must be an integer"),
        (lambda: as_nonnegative_int(-1, "padding"), ValueError, "zero or a positive"),
        (lambda: as_int_pair((1, 2, 3), "stride"), ValueError, "pair .* 3 entries"),
        (lambda: as_int_pair((1, 0), "stride"), ValueError, r"`stride` must be positive"),
        (lambda: check_choice("Valid", "mode", ("valid", "same")), ValueError,
         "`mode` must be one of 'valid', 'same'; got 'Valid'"),
        (lambda: check_choice(None, "kind", ("max",)), ValueError, "got None"),
    ]:
        with pytest.raises(error, match=match):
            call()
