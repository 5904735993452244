"""Whatever a user passes, a public function answers with a result, a ValueError or a
TypeError: never a Numba typing error, an IndexError or a crash."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import convbook as cb

small_arrays = st.builds(
    lambda shape, dtype, seed: np.random.default_rng(seed).normal(size=shape).astype(dtype),
    st.lists(st.integers(0, 4), min_size=0, max_size=5).map(tuple),
    st.sampled_from([np.float64, np.float32, np.int64, np.bool_, np.complex128, np.float16]),
    st.integers(0, 2**16),
)
weird = st.one_of(
    small_arrays,
    st.none(),
    st.text(max_size=3),
    st.integers(-3, 6),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.lists(st.integers(-2, 3), max_size=4),
    st.just([[1.0, 2.0], [3.0]]),          # ragged
    st.just((2, 2)),
    st.just(object()),
)

ALLOWED = (ValueError, TypeError)

CALLS = {
    "correlate1d": lambda a, b, c: cb.correlate1d(a, b, mode=c),
    "convolve1d": lambda a, b, c: cb.convolve1d(a, b, mode=c),
    "correlate2d": lambda a, b, c: cb.correlate2d(a, b, mode=c),
    "convolve2d": lambda a, b, c: cb.convolve2d(a, b, boundary=c),
    "conv2d": lambda a, b, c: cb.conv2d(a, b, stride=c),
    "conv2d_backward": lambda a, b, c: cb.conv2d_backward(a, b, np.ones((1, 1, 1, 1)), padding=c),
    "local2d": lambda a, b, c: cb.local2d(a, b, dilation=c),
    "pool1d": lambda a, b, c: cb.pool1d(a, b, c),
    "pool2d": lambda a, b, c: cb.pool2d(a, b, kind=c),
    "pool2d_backward": lambda a, b, c: cb.pool2d_backward(a, b, 2, padding=c),
    "channel_pool": lambda a, b, c: cb.channel_pool(a, b, kind=c),
    "adaptive_pool2d": lambda a, b, c: cb.adaptive_pool2d(a, b, kind=c),
    "conv_matrix": lambda a, b, c: cb.conv_matrix(a, b, mode=c),
    "conv_output_size": lambda a, b, c: cb.conv_output_size(a, b, stride=c),
    "receptive_field": lambda a, b, c: cb.receptive_field(a),
}


@pytest.mark.parametrize("name", sorted(CALLS))
@settings(max_examples=40)
@given(a=weird, b=weird, c=st.one_of(weird, st.sampled_from(["valid", "same", "full", "max",
                                                              "avg", "fill", "wrap", 1, 2])))
def test_any_input_gives_a_result_or_a_clear_error(name, a, b, c):
    try:
        CALLS[name](a, b, c)
    except ALLOWED as error:
        message = str(error)
        assert "`" in message, f"{name}: the message does not name an argument: {message}"
        assert "numba" not in message.lower() and "typing" not in message.lower(), message
