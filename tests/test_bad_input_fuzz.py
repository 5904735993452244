"""Whatever a user passes, a public function answers with a result, a ValueError or a
TypeError: never a Numba typing error, an IndexError, a MemoryError or a crash.

The inputs include huge integers, masked arrays, arrays in non-native byte order and
truthy values that are not bools, for every public function. Beyond "a clear error",
the test checks what must never pass silently: a huge integer, a masked array or a
non-bool flag that reaches a function comes back as an error, and a result is in native
byte order.
"""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import convbook as cb

MAX_INT = 2**31 - 1

small_arrays = st.builds(
    lambda shape, dtype, seed: np.random.default_rng(seed).normal(size=shape).astype(dtype),
    st.lists(st.integers(0, 4), min_size=0, max_size=5).map(tuple),
    st.sampled_from([np.float64, np.float32, np.int64, np.bool_, np.complex128, np.float16,
                     ">f8", ">f4", ">i4", "<f4"]),
    st.integers(0, 2**16),
)
masked_arrays = small_arrays.map(
    lambda a: np.ma.masked_array(a, mask=np.zeros(a.shape, bool)) if a.size else a)
huge_ints = st.sampled_from([2**31, 2**40, 2**63 - 1, 2**63, 2**64, -2**63, 10**30,
                             np.uint64(2**64 - 1), np.int64(2**62)])
truthy_not_bool = st.sampled_from(["no", "yes", "False", 1, 0, 1.0, [True], np.array(True)])
weird = st.one_of(
    small_arrays,
    masked_arrays,
    st.none(),
    st.text(max_size=3),
    st.integers(-3, 6),
    huge_ints,
    truthy_not_bool,
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.lists(st.integers(-2, 3), max_size=4),
    st.just([[1.0, 2.0], [3.0]]),          # ragged
    st.just([10**30, 1]),                   # an int too large for an int64 array
    st.just((2, 2)),
    st.just(np.array([2, 2])),
    st.just(object()),
)

ALLOWED = (ValueError, TypeError)
ONES4 = np.ones((1, 1, 1, 1))

# name: (call, the arguments among a, b, c that it uses, the one that is a flag or None);
# INT_SLOTS says which take integers (or tuples of them) rather than arrays
CALLS = {
    "correlate1d": (lambda a, b, c: cb.correlate1d(a, b, mode=c), "abc", None),
    "convolve1d": (lambda a, b, c: cb.convolve1d(a, b, mode=c), "abc", None),
    "correlate2d": (lambda a, b, c: cb.correlate2d(a, b, mode=c), "abc", None),
    "convolve2d": (lambda a, b, c: cb.convolve2d(a, b, boundary=c), "abc", None),
    "correlate2d fillvalue": (lambda a, b, c: cb.correlate2d(a, b, "same", fillvalue=c), "abc", None),
    "conv2d": (lambda a, b, c: cb.conv2d(a, b, stride=c), "abc", None),
    "conv2d bias padding": (lambda a, b, c: cb.conv2d(np.ones((1, 1, 3, 3)), ONES4, a, padding=b,
                                                      dilation=c), "abc", None),
    "conv2d_backward": (lambda a, b, c: cb.conv2d_backward(a, b, ONES4, padding=c), "abc", None),
    "local2d": (lambda a, b, c: cb.local2d(a, b, dilation=c), "abc", None),
    "local2d_backward": (lambda a, b, c: cb.local2d_backward(a, np.ones((1, 1, 2, 2)), b,
                                                             stride=c), "abc", None),
    "pool1d": (lambda a, b, c: cb.pool1d(a, b, c), "abc", None),
    "pool1d ceil_mode": (lambda a, b, c: cb.pool1d(a, b, ceil_mode=c), "abc", "c"),
    "pool1d_backward": (lambda a, b, c: cb.pool1d_backward(a, b, 2, padding=c), "abc", None),
    "pool1d_backward ceil_mode": (lambda a, b, c: cb.pool1d_backward(a, np.ones(4), b,
                                                                     ceil_mode=c), "abc", "c"),
    "pool2d": (lambda a, b, c: cb.pool2d(a, b, kind=c), "abc", None),
    "pool2d return_indices": (lambda a, b, c: cb.pool2d(a, b, return_indices=c), "abc", "c"),
    "pool2d ceil_mode": (lambda a, b, c: cb.pool2d(np.ones((4, 4)), a, b, ceil_mode=c), "abc", "c"),
    "pool2d_backward": (lambda a, b, c: cb.pool2d_backward(a, b, 2, padding=c), "abc", None),
    "pool2d_backward indices": (lambda a, b, c: cb.pool2d_backward(a, np.ones((4, 4)), 2,
                                                                   stride=b, indices=c), "abc", None),
    "pool2d_backward ceil_mode": (lambda a, b, c: cb.pool2d_backward(a, np.ones((3, 3)), 2,
                                                                     ceil_mode=c), "ac", "c"),
    "channel_pool": (lambda a, b, c: cb.channel_pool(a, b, kind=c), "abc", None),
    "channel_pool axis": (lambda a, b, c: cb.channel_pool(np.ones((2, 4)), a, axis=b), "ab", None),
    "adaptive_pool2d": (lambda a, b, c: cb.adaptive_pool2d(a, b, kind=c), "abc", None),
    "conv_matrix": (lambda a, b, c: cb.conv_matrix(a, b, mode=c), "abc", None),
    "conv_matrix sparse": (lambda a, b, c: cb.conv_matrix(a, b, sparse=c), "abc", "c"),
    "conv_output_size": (lambda a, b, c: cb.conv_output_size(a, b, stride=c), "abc", None),
    "conv_output_size ceil_mode": (lambda a, b, c: cb.conv_output_size(a, b, ceil_mode=c),
                                   "abc", "c"),
    "receptive_field": (lambda a, b, c: cb.receptive_field(a), "a", None),
    "receptive_field rows": (lambda a, b, c: cb.receptive_field([(a, b), (3, c)]), "abc", None),
    "dense_layer_cost": (lambda a, b, c: cb.dense_layer_cost(a, b, bias=c), "abc", "c"),
    "local_layer_cost": (lambda a, b, c: cb.local_layer_cost(a, b, padding=c), "abc", None),
    "conv_layer_cost": (lambda a, b, c: cb.conv_layer_cost(a, b, in_channels=c), "abc", None),
    "conv_layer_cost bias": (lambda a, b, c: cb.conv_layer_cost((6, 6), a, stride=b, bias=c),
                             "abc", "c"),
}


INT_SLOTS = {
    "conv2d": "c", "conv2d bias padding": "bc", "conv2d_backward": "c", "local2d": "c",
    "local2d_backward": "c", "pool1d": "bc", "pool1d ceil_mode": "b",
    "pool1d_backward": "c", "pool1d_backward ceil_mode": "b", "pool2d": "b",
    "pool2d return_indices": "b", "pool2d ceil_mode": "ab", "pool2d_backward": "c",
    "pool2d_backward indices": "b", "channel_pool": "b", "channel_pool axis": "ab",
    "adaptive_pool2d": "b", "conv_matrix": "b", "conv_matrix sparse": "b",
    "conv_output_size": "abc", "conv_output_size ceil_mode": "ab", "receptive_field rows": "abc",
    "dense_layer_cost": "ab", "local_layer_cost": "abc", "conv_layer_cost": "abc",
    "conv_layer_cost bias": "ab",
}


def _is_huge_int(value):
    return (isinstance(value, (int, np.integer)) and not isinstance(value, (bool, np.bool_))
            and abs(int(value)) > MAX_INT)


def _outputs(result):
    return result if isinstance(result, tuple) else (result,)


@pytest.mark.parametrize("name", sorted(CALLS))
@settings(max_examples=40, deadline=None)
@given(a=weird, b=weird, c=st.one_of(weird, st.sampled_from(["valid", "same", "full", "max",
                                                              "avg", "fill", "wrap", 1, 2,
                                                              True, False])))
def test_any_input_gives_a_result_or_a_clear_error(name, a, b, c):
    call, used, flag = CALLS[name]
    try:
        result = call(a, b, c)
    except ALLOWED as error:
        message = str(error)
        assert "`" in message, f"{name}: the message does not name an argument: {message}"
        assert "numba" not in message.lower() and "typing" not in message.lower(), message
        assert "inhomogeneous" not in message, message
        return
    values = dict(zip("abc", (a, b, c)))
    for arg in used:
        value = values[arg]
        assert not isinstance(value, np.ma.MaskedArray), f"{name}: a mask was dropped"
        if arg in INT_SLOTS.get(name, ""):
            assert not _is_huge_int(value), f"{name}: {value!r} was accepted"
    if flag is not None:
        assert isinstance(values[flag], (bool, np.bool_)), \
            f"{name}: the flag took {values[flag]!r}, which is not a bool"
    for out in _outputs(result):
        if isinstance(out, np.ndarray):
            assert out.dtype.isnative, f"{name}: result in byte order {out.dtype.byteorder}"


def test_every_public_function_is_fuzzed():
    called = {name.split()[0] for name in CALLS}
    assert called == set(cb.__all__)


# A good call for each entry of CALLS: the targeted test below spoils one argument at a time
GOOD = {
    "correlate1d": ([1., 2., 3.], np.array([1., 2.]), "full"),
    "convolve1d": (np.array([1., 2., 3.]), [1., 2.], "same"),
    "correlate2d": (np.ones((3, 3)), np.ones((2, 2)), "same"),
    "convolve2d": (np.ones((3, 3)), np.ones((2, 2)), "wrap"),
    "correlate2d fillvalue": (np.ones((3, 3)), np.ones((2, 2)), 1.0),
    "conv2d": (np.ones((1, 1, 4, 4)), np.ones((1, 1, 2, 2)), 1),
    "conv2d bias padding": (np.ones(1), 1, (1, 2)),
    "conv2d_backward": (np.ones((1, 1, 5, 5)), np.ones((1, 1, 3, 3)), 1),
    "local2d": (np.ones((1, 1, 3, 3)), np.ones((2, 2, 1, 1, 2, 2)), 1),
    "local2d_backward": (np.ones((1, 1, 1, 1)), np.ones((1, 1, 1, 1, 2, 2)), 1),
    "pool1d": (np.arange(6.), 2, 2),
    "pool1d ceil_mode": (np.arange(6.), 4, True),
    "pool1d_backward": (np.ones(3), np.ones(4), 1),
    "pool1d_backward ceil_mode": (np.ones(2), 2, False),
    "pool2d": (np.ones((4, 4)), 2, "avg"),
    "pool2d return_indices": (np.ones((4, 4)), 2, True),
    "pool2d ceil_mode": (3, 2, True),
    "pool2d_backward": (np.ones((2, 2)), np.ones((4, 4)), 0),
    "pool2d_backward indices": (np.ones((2, 2)), 2, np.zeros((2, 2), int)),
    "pool2d_backward ceil_mode": (np.ones((2, 2)), None, True),
    "channel_pool": (np.ones((1, 4, 2)), 2, "max"),
    "channel_pool axis": (2, 1, None),
    "adaptive_pool2d": (np.ones((4, 4)), 2, "max"),
    "conv_matrix": (np.array([1., 2.]), 3, "full"),
    "conv_matrix sparse": (np.ones((2, 2)), (3, 3), True),
    "conv_output_size": (6, 3, 2),
    "conv_output_size ceil_mode": (6, 3, True),
    "receptive_field": ([(3, 1), (3, 1)], None, None),
    "receptive_field rows": (3, 1, 1),
    "dense_layer_cost": (3, 2, True),
    "local_layer_cost": ((4, 4), (2, 2), 1),
    "conv_layer_cost": ((4, 4), (2, 2), 2),
    "conv_layer_cost bias": ((2, 2), 1, False),
}

SPOILERS = ("huge int", "masked", "big-endian", "truthy non-bool")


def _spoil(value, how, is_flag):
    """``value`` spoiled ``how``; None where that does not apply to this argument."""
    if how == "truthy non-bool":
        return "no" if is_flag else None
    if how == "huge int":
        if isinstance(value, int) and not isinstance(value, bool):
            return 2**63
        if isinstance(value, tuple) and all(isinstance(v, int) for v in value):
            return value[:-1] + (2**40,)
        return None
    array = np.asarray(value) if isinstance(value, (list, np.ndarray)) else None
    if array is None or array.dtype.kind not in "fi" or array.dtype == object:
        return None
    if how == "masked":
        return np.ma.masked_array(array, mask=np.zeros(array.shape, bool))
    return array.astype(array.dtype.newbyteorder(">"))  # big-endian


@pytest.mark.parametrize("how", SPOILERS)
@pytest.mark.parametrize("name", sorted(CALLS))
def test_each_argument_spoiled_alone(name, how):
    """Huge ints and masks are refused by name, flags take bools only, and big-endian
    input gives the native result in native byte order, for every argument of every
    function."""
    call, used, flag = CALLS[name]
    good = GOOD[name]
    want = call(*good)
    for slot in used:
        index = "abc".index(slot)
        spoiled = _spoil(good[index], how, slot == flag)
        if spoiled is None:
            continue
        args = list(good)
        args[index] = spoiled
        if how == "big-endian":
            for got, expected in zip(_outputs(call(*args)), _outputs(want)):
                if isinstance(expected, np.ndarray):
                    assert got.dtype == expected.dtype and got.dtype.isnative
                    np.testing.assert_array_equal(got, expected)
            continue
        error = {"huge int": ValueError, "masked": TypeError, "truthy non-bool": TypeError}[how]
        pattern = {"huge int": r"too large|memory", "masked": r"is a masked array",
                   "truthy non-bool": r"must be True or False"}[how]
        with pytest.raises(error, match=rf"`[^`]+`.*({pattern})"):
            call(*args)


def test_the_good_calls_cover_every_call():
    assert set(GOOD) == set(CALLS)
