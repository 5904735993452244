"""convbook._geometry against SciPy's outputs and a walk over the windows."""

import numpy as np
import pytest
import scipy.signal
from hypothesis import given
from hypothesis import strategies as st

from convbook._geometry import (BOUNDARY_NAMES, MODES, canonical_boundary, check_window_fits,
                                mode_output_length, mode_padding, output_length)


@given(n=st.integers(1, 9), k=st.integers(1, 9), mode=st.sampled_from(MODES),
       flipped=st.booleans(), seed=st.integers(0, 2**16))
def test_mode_padding_reproduces_scipy(n, k, mode, flipped, seed):
    # zero-pad by mode_padding, then a plain 'valid' correlation: SciPy's output for `mode`
    if mode == "valid" and k > n:
        k = n
    rng = np.random.default_rng(seed)
    x, kernel = rng.standard_normal((1, n)), rng.standard_normal((1, k))
    before, after = mode_padding(k, mode, flipped=flipped)
    padded = np.pad(x[0], (before, after))
    taps = kernel[0, ::-1] if flipped else kernel[0]
    ours = np.array([padded[i:i + k] @ taps for i in range(len(padded) - k + 1)])
    scipy_fn = scipy.signal.convolve2d if flipped else scipy.signal.correlate2d
    want = scipy_fn(x, kernel, mode)[0]
    assert len(ours) == mode_output_length(n, k, mode) == want.size
    np.testing.assert_allclose(ours, want, rtol=1e-12, atol=1e-12)
    # the 1-D functions centre 'same' as convolve2d does (scipy.signal.correlate)
    before, after = mode_padding(k, mode, one_d=True)
    padded = np.pad(x[0], (before, after))
    ours = np.array([padded[i:i + k] @ kernel[0] for i in range(len(padded) - k + 1)])
    np.testing.assert_allclose(ours, scipy.signal.correlate(x[0], kernel[0], mode),
                               rtol=1e-12, atol=1e-12)


@given(n=st.integers(1, 30), span=st.integers(1, 12), stride=st.integers(1, 5),
       padding=st.integers(0, 4), ceil_mode=st.booleans())
def test_output_length_counts_the_windows_or_raises(n, span, stride, padding, ceil_mode):
    room = n + 2 * padding
    if span > room:
        with pytest.raises(ValueError, match=rf"^`window` spans {span} cells but "):
            output_length(n, span, stride, padding, ceil_mode)
        with pytest.raises(ValueError, match=r"^`size` spans .* along axis -1 .* `x` .*; fix"):
            output_length(n, span, stride, padding, ceil_mode, ("size", "x", "axis -1", "fix"))
    else:
        # a window starting at s (padded frame) is kept if it ends inside the padded input;
        # ceil mode also keeps the first one that hangs over the end, and (torch's rule)
        # drops any that starts in the right padding
        starts = range(0, room, stride)
        kept = [s for s in starts
                if (s + span <= room or (ceil_mode and s - stride + span < room))
                and (not ceil_mode or s < n + padding)]
        assert output_length(n, span, stride, padding, ceil_mode) == len(kept)


def test_check_window_fits_words():
    check_window_fits(3, 3, window="k", input="x", fix="f")  # fits exactly: no error
    check_window_fits(3, 5, 1, window="k", input="x", fix="f")
    with pytest.raises(ValueError, match=r"^`kernel` spans 4 cells along width but the padded "
                                         r"`image` has only 3 \(1 \+ 2 \* padding 1\); do this$"):
        check_window_fits(1, 4, 1, window="kernel", input="image", axis="width", fix="do this")


def test_boundary_names():
    assert BOUNDARY_NAMES == ("fill", "wrap", "symm", "circular", "symmetric")
    assert [canonical_boundary(b) for b in BOUNDARY_NAMES] == [
        "fill", "wrap", "symm", "wrap", "symm"]
    assert canonical_boundary(None) is None  # left for check_choice to reject
