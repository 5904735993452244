"""conv2d, conv2d_backward, local2d, local2d_backward: loop twins, finite differences, errors."""

import numpy as np
import pytest
import scipy.signal
from hypothesis import assume, given
from hypothesis import strategies as st

import convbook as cb
from naive import layers as naive
from naive.gradients import numerical_gradient

TOL = {np.float64: dict(rtol=1e-12, atol=1e-12), np.float32: dict(rtol=1e-4, atol=1e-4)}


def _hyper_value(low, high):
    """An int or a (height, width) pair, as the API accepts both."""
    one = st.integers(low, high)
    return st.one_of(one, st.tuples(one, one))


def _pair(v):
    return v if isinstance(v, tuple) else (v, v)


@st.composite
def layer_case(draw, max_side=9):
    """Random shapes and hyper-parameters whose dilated kernel fits the padded input."""
    n, c, f = draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    h, w = draw(st.integers(1, max_side)), draw(st.integers(1, max_side))
    kh, kw = draw(st.integers(1, 4)), draw(st.integers(1, 4))
    stride, padding, dilation = draw(_hyper_value(1, 3)), draw(_hyper_value(0, 2)), draw(_hyper_value(1, 3))
    for size, k, p, d in zip((h, w), (kh, kw), _pair(padding), _pair(dilation)):
        assume(d * (k - 1) + 1 <= size + 2 * p)
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    seed = draw(st.integers(0, 2**32 - 1))
    return dict(shape=(n, c, h, w), f=f, k=(kh, kw), stride=stride, padding=padding,
                dilation=dilation, dtype=dtype, seed=seed, bias=draw(st.booleans()))


def _out_hw(case):
    (_, _, h, w) = case["shape"]
    return tuple((size + 2 * p - d * (k - 1) - 1) // s + 1 for size, k, s, p, d in zip(
        (h, w), case["k"], _pair(case["stride"]), _pair(case["padding"]), _pair(case["dilation"])))


def _conv_arrays(case):
    rng = np.random.default_rng(case["seed"])
    n, c, _, _ = case["shape"]
    dtype = case["dtype"]
    x = rng.standard_normal(case["shape"]).astype(dtype)
    w = rng.standard_normal((case["f"], c) + case["k"]).astype(dtype)
    b = rng.standard_normal(case["f"]).astype(dtype) if case["bias"] else None
    dout = rng.standard_normal((n, case["f"]) + _out_hw(case)).astype(dtype)
    return x, w, b, dout


def _local_arrays(case):
    rng = np.random.default_rng(case["seed"])
    n, c, _, _ = case["shape"]
    oh, ow = _out_hw(case)
    dtype = case["dtype"]
    x = rng.standard_normal(case["shape"]).astype(dtype)
    w = rng.standard_normal((oh, ow, case["f"], c) + case["k"]).astype(dtype)
    b = rng.standard_normal((case["f"], oh, ow)).astype(dtype) if case["bias"] else None
    dout = rng.standard_normal((n, case["f"], oh, ow)).astype(dtype)
    return x, w, b, dout


def _hp(case):
    return dict(stride=case["stride"], padding=case["padding"], dilation=case["dilation"])


# --- agreement with the loop twins -------------------------------------------------------------

@given(layer_case())
def test_conv2d_matches_naive(case):
    x, w, b, _ = _conv_arrays(case)
    out = cb.conv2d(x, w, b, **_hp(case))
    assert out.dtype == case["dtype"]
    np.testing.assert_allclose(out, naive.conv2d(x, w, b, **_hp(case)), **TOL[case["dtype"]])


@given(layer_case())
def test_conv2d_backward_matches_naive(case):
    x, w, _, dout = _conv_arrays(case)
    got = cb.conv2d_backward(dout, x, w, **_hp(case))
    want = naive.conv2d_backward(dout, x, w, **_hp(case))
    for name, g, e, shape in zip(("dx", "dw", "db"), got, want, (x.shape, w.shape, (w.shape[0],))):
        assert g.shape == shape and g.dtype == case["dtype"], name
        np.testing.assert_allclose(g, e, **TOL[case["dtype"]], err_msg=name)


@given(layer_case(max_side=7))
def test_local2d_matches_naive(case):
    x, w, b, _ = _local_arrays(case)
    out = cb.local2d(x, w, b, **_hp(case))
    assert out.dtype == case["dtype"]
    np.testing.assert_allclose(out, naive.local2d(x, w, b, **_hp(case)), **TOL[case["dtype"]])


@given(layer_case(max_side=7))
def test_local2d_backward_matches_naive(case):
    x, w, _, dout = _local_arrays(case)
    got = cb.local2d_backward(dout, x, w, **_hp(case))
    want = naive.local2d_backward(dout, x, w, **_hp(case))
    shapes = (x.shape, w.shape, (w.shape[2],) + w.shape[:2])
    for name, g, e, shape in zip(("dx", "dw", "db"), got, want, shapes):
        assert g.shape == shape and g.dtype == case["dtype"], name
        np.testing.assert_allclose(g, e, **TOL[case["dtype"]], err_msg=name)


def test_naive_conv2d_matches_hand_computed_example():
    # The twin itself, on numbers worked by hand: a 3x3 ramp, a 2x2 kernel [[1, 2], [3, 4]].
    x = np.arange(9.0).reshape(1, 1, 3, 3)
    w = np.array([[[[1.0, 2.0], [3.0, 4.0]]]])
    # top-left: 0*1 + 1*2 + 3*3 + 4*4 = 27; each step right adds 1+2+3+4 = 10, down adds 30.
    expected = np.array([[[[27.0, 37.0], [57.0, 67.0]]]])
    np.testing.assert_array_equal(naive.conv2d(x, w), expected)
    np.testing.assert_array_equal(cb.conv2d(x, w), expected)


def test_naive_local2d_and_backward_match_hand_computed_example():
    # 2x2 windows of the 3x3 ramp sum to 8, 12, 20, 24; the top-left unit's kernel is zero.
    x = np.arange(9.0).reshape(1, 1, 3, 3)
    w = np.ones((2, 2, 1, 1, 2, 2))
    w[0, 0] = 0.0
    b = np.array([[[0.0, 0.5], [0.0, 0.0]]])
    expected = np.array([[[[0.0, 12.5], [20.0, 24.0]]]])
    np.testing.assert_array_equal(naive.local2d(x, w, b), expected)
    np.testing.assert_array_equal(cb.local2d(x, w, b), expected)
    # dout = ones: dx counts the windows (with a non-zero kernel) over each cell,
    # dw[r, s] is the window of unit (r, s), db is dout itself.
    dx_want = np.array([[[[0.0, 1.0, 1.0], [1.0, 3.0, 2.0], [1.0, 2.0, 1.0]]]])
    dw_want = np.array([[[[[[0.0, 1.0], [3.0, 4.0]]]], [[[[1.0, 2.0], [4.0, 5.0]]]]],
                        [[[[[3.0, 4.0], [6.0, 7.0]]]], [[[[4.0, 5.0], [7.0, 8.0]]]]]])
    for impl in (naive.local2d_backward, cb.local2d_backward):
        dx, dw, db = impl(np.ones((1, 1, 2, 2)), x, w)
        np.testing.assert_array_equal(dx, dx_want)
        np.testing.assert_array_equal(dw, dw_want)
        np.testing.assert_array_equal(db, np.ones((1, 2, 2)))


# --- finite differences ------------------------------------------------------------------------

FD_CASES = [
    dict(shape=(2, 2, 6, 5), f=3, k=(3, 2), stride=1, padding=0, dilation=1),
    dict(shape=(2, 2, 6, 7), f=2, k=(2, 3), stride=(2, 1), padding=(1, 2), dilation=(1, 2)),
    dict(shape=(1, 3, 7, 7), f=2, k=(3, 3), stride=2, padding=1, dilation=2),
]


@pytest.mark.parametrize("layer, arrays, seed", [("conv2d", _conv_arrays, 1),
                                                 ("local2d", _local_arrays, 2)],
                         ids=["conv2d", "local2d"])
@pytest.mark.parametrize("case", FD_CASES)
def test_backward_finite_differences(layer, arrays, seed, case):
    forward, backward = getattr(cb, layer), getattr(cb, layer + "_backward")
    case = dict(case, dtype=np.float64, seed=seed, bias=True)
    x, w, b, dout = arrays(case)

    def loss():
        return np.sum(forward(x, w, b, **_hp(case)) * dout)

    dx, dw, db = backward(dout, x, w, **_hp(case))
    for name, got, array in (("dx", dx, x), ("dw", dw, w), ("db", db, b)):
        np.testing.assert_allclose(got, numerical_gradient(loss, array), rtol=1e-6, atol=1e-7, err_msg=name)


# --- parameter sharing: local2d with tied kernels is conv2d ------------------------------------

@given(layer_case(max_side=7))
def test_tied_local2d_is_conv2d_and_shared_gradient_is_sum_of_tied_copies(case):
    x, w, b, dout = _conv_arrays(case)
    oh, ow = _out_hw(case)
    tied = naive.tile(w, oh, ow).astype(case["dtype"])
    tied_b = None if b is None else np.broadcast_to(b[:, None, None], (w.shape[0], oh, ow))
    tol = TOL[case["dtype"]]
    np.testing.assert_allclose(cb.local2d(x, tied, tied_b, **_hp(case)),
                               cb.conv2d(x, w, b, **_hp(case)), **tol)

    dx_local, dw_local, db_local = cb.local2d_backward(dout, x, tied, **_hp(case))
    dx_conv, dw_conv, db_conv = cb.conv2d_backward(dout, x, w, **_hp(case))
    np.testing.assert_allclose(dx_local, dx_conv, **tol)
    # Section 9.2: the gradient of a shared weight is the sum of its tied copies' gradients.
    np.testing.assert_allclose(dw_local.sum(axis=(0, 1)), dw_conv, **tol)
    np.testing.assert_allclose(db_local.sum(axis=(1, 2)), db_conv, **tol)


def test_untied_local2d_differs_from_conv2d():
    # The sharing test above must be able to fail: change one position's kernel.
    rng = np.random.default_rng(3)
    x, w = rng.standard_normal((1, 2, 5, 5)), rng.standard_normal((2, 2, 3, 3))
    tied = naive.tile(w, 3, 3)
    tied[1, 2, 0, 1, 2, 0] += 1.0
    diff = cb.local2d(x, tied) - cb.conv2d(x, w)
    changed = np.argwhere(np.abs(diff) > 1e-9)   # elsewhere only rounding differs
    np.testing.assert_array_equal(changed, [[0, 0, 1, 2]])


# --- dtypes, inputs that are not float arrays ---------------------------------------------------

@pytest.mark.parametrize("fn", ["conv2d", "local2d"])
def test_dtype_rules(fn):
    x = np.arange(2 * 1 * 4 * 4).reshape(2, 1, 4, 4)
    w = np.ones((2, 1, 2, 2)) if fn == "conv2d" else np.ones((3, 3, 2, 1, 2, 2))
    forward, backward = getattr(cb, fn), getattr(cb, fn + "_backward")
    dout = np.ones((2, 2, 3, 3))
    f32 = np.float32
    assert forward(x.astype(f32), w.astype(f32)).dtype == f32
    assert forward(x, w.astype(np.int64)).dtype == np.float64                 # ints -> float64
    assert forward(x.astype(bool), w.astype(bool)).dtype == np.float64        # bool -> float64
    assert forward(x.astype(f32), w).dtype == np.float64                      # mixed -> float64
    assert all(g.dtype == f32 for g in backward(dout.astype(f32), x.astype(f32), w.astype(f32)))
    assert all(g.dtype == np.float64 for g in backward(dout.astype(f32), x.astype(f32), w))
    # ints, nested lists and Fortran-ordered views read the same numbers as the loop twin
    twin = getattr(naive, fn)(x, w)
    np.testing.assert_array_equal(forward(x, w), twin)
    np.testing.assert_array_equal(forward(x.tolist(), w.tolist()), twin)
    np.testing.assert_array_equal(forward(np.asfortranarray(x.astype(float)), w), twin)


def test_conv2d_float32_bias_keeps_float32_and_float64_bias_promotes():
    x, w = np.ones((1, 1, 3, 3), np.float32), np.ones((2, 1, 2, 2), np.float32)
    assert cb.conv2d(x, w, np.ones(2, np.float32)).dtype == np.float32
    assert cb.conv2d(x, w, np.ones(2)).dtype == np.float64


def test_nan_propagates_only_to_the_windows_that_see_it():
    x = np.ones((1, 1, 6, 6))
    x[0, 0, 2, 3] = np.nan
    w = np.ones((1, 1, 2, 2))
    hp = dict(stride=2, padding=1)
    out = cb.conv2d(x, w, **hp)
    assert np.isnan(out).sum() == 1          # stride 2: only one window covers (2, 3)
    np.testing.assert_array_equal(np.isnan(out), np.isnan(naive.conv2d(x, w, **hp)))
    local = cb.local2d(x, naive.tile(w, *out.shape[2:]), **hp)
    np.testing.assert_array_equal(np.isnan(local), np.isnan(out))
    dx, dw, db = cb.conv2d_backward(np.ones_like(out), x, w, **hp)
    # (2, 3) in x is (3, 4) padded: with stride 2 only the tap w[.., 1, 0] of one window meets it
    np.testing.assert_array_equal(np.isnan(dw), [[[[False, False], [True, False]]]])
    assert not np.isnan(dx).any() and not np.isnan(db).any()
    for got, want in zip((dx, dw, db), naive.conv2d_backward(np.ones_like(out), x, w, **hp)):
        np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    dx, dw, db = cb.conv2d_backward(np.ones_like(out), np.ones_like(x), np.full_like(w, np.nan), **hp)
    assert np.isnan(dx).any() and not np.isnan(dw).any()


# --- bad input ---------------------------------------------------------------------------------

X = np.ones((2, 3, 5, 5))
W = np.ones((4, 3, 3, 3))
WL = np.ones((3, 3, 4, 3, 3, 3))     # local2d weight for X with a 3x3 kernel
DOUT = np.ones((2, 4, 3, 3))

BAD_CONV = [
    # one (C, H, W) image needs one leading axis, x[None], not x[None, None]
    ("x 3-D", lambda: cb.conv2d(np.ones((3, 5, 5)), W), ValueError, r"`x` must be 4-D.*x\[None\]$"),
    ("x 2-D", lambda: cb.conv2d(np.ones((5, 5)), W), ValueError, r"`x` must be 4-D.*x\[None, None\]$"),
    ("w 3-D", lambda: cb.conv2d(X, np.ones((3, 3, 3))), ValueError, r"`w` must be 4-D"),
    ("empty x", lambda: cb.conv2d(np.ones((0, 3, 5, 5)), W), ValueError, r"`x` is empty"),
    ("empty w", lambda: cb.conv2d(X, np.ones((0, 3, 3, 3))), ValueError, r"`w` is empty"),
    ("channels", lambda: cb.conv2d(X, np.ones((4, 2, 3, 3))), ValueError,
     r"`w` has 2 input channels.*`x` has 3"),
    ("bias shape", lambda: cb.conv2d(X, W, np.ones(3)), ValueError, r"`b` has shape \(3,\), expected \(4,\)"),
    ("bias ndim", lambda: cb.conv2d(X, W, np.ones((4, 1))), ValueError, r"`b` must be 1-D"),
    ("stride 0", lambda: cb.conv2d(X, W, stride=0), ValueError, r"`stride` must be positive"),
    ("stride neg pair", lambda: cb.conv2d(X, W, stride=(1, -2)), ValueError, r"`stride` must be positive"),
    ("dilation 0", lambda: cb.conv2d(X, W, dilation=0), ValueError, r"`dilation` must be positive"),
    ("padding neg", lambda: cb.conv2d(X, W, padding=-1), ValueError, r"`padding` must be >= 0"),
    ("stride float", lambda: cb.conv2d(X, W, stride=1.5), TypeError, r"`stride` must be an integer"),
    ("stride bool", lambda: cb.conv2d(X, W, stride=True), TypeError, r"`stride` must be an integer"),
    ("stride triple", lambda: cb.conv2d(X, W, stride=(1, 1, 1)), ValueError, r"`stride` must be an int or a pair"),
    ("kernel too big", lambda: cb.conv2d(X, np.ones((4, 3, 6, 3))), ValueError,
     r"^`w` spans 6 cells along height but `x` has only 5; .*more padding"),
    ("dilated too big", lambda: cb.conv2d(X, W, dilation=(1, 3)), ValueError,
     r"^`w` spans 7 cells along width but `x` has only 5; .*dilation"),
    ("padded too big", lambda: cb.conv2d(X, np.ones((4, 3, 3, 8)), padding=1), ValueError,
     r"^`w` spans 8 cells along width but the padded `x` has only 7 \(5 \+ 2 \* padding 1\)"),
    ("complex x", lambda: cb.conv2d(X + 1j, W), TypeError, r"`x` is complex"),
    ("complex w", lambda: cb.conv2d(X, W * 1j), TypeError, r"`w` is complex"),
    ("ragged", lambda: cb.conv2d([[[[1, 2], [3]]]], W), ValueError, r"`x` is a ragged"),
    ("strings", lambda: cb.conv2d(X.astype(str), W), TypeError, r"`x` must hold real numbers"),
]

BAD_CONV_BACKWARD = [
    ("dout shape", lambda: cb.conv2d_backward(np.ones((2, 4, 4, 4)), X, W), ValueError,
     r"`dout` has shape \(2, 4, 4, 4\).*\(2, 4, 3, 3\)"),
    ("dout with stride", lambda: cb.conv2d_backward(DOUT, X, W, stride=2), ValueError,
     r"`dout` has shape \(2, 4, 3, 3\).*\(2, 4, 2, 2\)"),
    ("dout 3-D", lambda: cb.conv2d_backward(np.ones((4, 3, 3)), X, W), ValueError, r"`dout` must be 4-D"),
    ("dout complex", lambda: cb.conv2d_backward(DOUT * 1j, X, W), TypeError, r"`dout` is complex"),
    ("dout empty", lambda: cb.conv2d_backward(np.ones((2, 4, 0, 3)), X, W), ValueError, r"`dout` is empty"),
    ("channels", lambda: cb.conv2d_backward(DOUT, X, np.ones((4, 1, 3, 3))), ValueError, r"input channels"),
    ("padding neg", lambda: cb.conv2d_backward(DOUT, X, W, padding=(0, -1)), ValueError, r"`padding`"),
    ("kernel too big", lambda: cb.conv2d_backward(DOUT, X, W, dilation=4), ValueError,
     r"^`w` spans 9 cells along height but `x` has only 5"),
    ("dilation float", lambda: cb.conv2d_backward(DOUT, X, W, dilation=1.0), TypeError, r"`dilation` must be an integer"),
]

BAD_LOCAL = [
    ("x 5-D", lambda: cb.local2d(np.ones((1, 2, 3, 5, 5)), WL), ValueError, r"`x` must be 4-D"),
    ("w 4-D", lambda: cb.local2d(X, W), ValueError, r"`w` must be 6-D"),
    ("empty x", lambda: cb.local2d(np.ones((2, 3, 5, 0)), WL), ValueError, r"`x` is empty"),
    ("channels", lambda: cb.local2d(X, np.ones((3, 3, 4, 2, 3, 3))), ValueError,
     r"`w` has 2 input channels.*\(OH, OW, F, C, kH, kW\)"),
    ("positions", lambda: cb.local2d(X, np.ones((2, 3, 4, 3, 3, 3))), ValueError,
     r"output of 3 x 3.*shape \(3, 3, 4, 3, 3, 3\)"),
    ("positions after stride", lambda: cb.local2d(X, WL, stride=2), ValueError,
     r"output of 2 x 2.*shape \(2, 2, 4, 3, 3, 3\)"),
    ("bias shape", lambda: cb.local2d(X, WL, np.ones(4)), ValueError, r"`b` must be 3-D"),
    ("bias positions", lambda: cb.local2d(X, WL, np.ones((4, 2, 3))), ValueError,
     r"`b` has shape \(4, 2, 3\), expected \(4, 3, 3\)"),
    ("stride 0", lambda: cb.local2d(X, WL, stride=(0, 1)), ValueError, r"`stride` must be positive"),
    ("dilation neg", lambda: cb.local2d(X, WL, dilation=-1), ValueError, r"`dilation` must be positive"),
    ("padding neg", lambda: cb.local2d(X, WL, padding=-2), ValueError, r"`padding`"),
    ("padding str", lambda: cb.local2d(X, WL, padding="half"), ValueError,
     r"`padding` must be one of 'valid', 'same'; got 'half'"),
    ("padding float", lambda: cb.local2d(X, WL, padding=1.0), TypeError, r"`padding` must be an integer"),
    ("kernel too big", lambda: cb.local2d(X, np.ones((1, 1, 4, 3, 6, 6))), ValueError,
     r"^`w` spans 6 cells along height but `x` has only 5"),
    ("complex", lambda: cb.local2d(X, WL * 1j), TypeError, r"`w` is complex"),
    ("ragged", lambda: cb.local2d(X, [[1, 2], [3]]), ValueError, r"`w` is a ragged"),
    ("dout shape", lambda: cb.local2d_backward(np.ones((2, 4, 3, 2)), X, WL), ValueError,
     r"`dout` has shape \(2, 4, 3, 2\).*\(2, 4, 3, 3\)"),
    ("dout complex", lambda: cb.local2d_backward(DOUT + 0j, X, WL), TypeError, r"`dout` is complex"),
    ("backward channels", lambda: cb.local2d_backward(DOUT, np.ones((2, 1, 5, 5)), WL), ValueError,
     r"input channels"),
]


@pytest.mark.parametrize("label, call, error, pattern", BAD_CONV + BAD_CONV_BACKWARD + BAD_LOCAL,
                         ids=[case[0] for case in BAD_CONV + BAD_CONV_BACKWARD + BAD_LOCAL])
def test_bad_input_names_argument_and_fix(label, call, error, pattern):
    with pytest.raises(error, match=pattern):
        call()


def test_the_good_counterparts_of_bad_input_run():
    # The calls above fail only because of the one thing each changes.
    assert cb.conv2d(X, W, np.ones(4), stride=(1, 2), padding=1, dilation=(2, 1)).shape == (2, 4, 3, 3)
    assert cb.conv2d_backward(DOUT, X, W)[0].shape == X.shape
    assert cb.local2d(X, WL, np.ones((4, 3, 3))).shape == (2, 4, 3, 3)
    assert cb.local2d_backward(DOUT, X, WL)[1].shape == WL.shape


# --- larger batches, read-only input ----------------------------------------------------------------------

def _reference_conv_and_grads(x, w, dout):
    """Stride 1, no padding, float64, without convbook: the forward and dw as einsums over
    sliding windows, dx as SciPy's 'full' convolution of dout with each kernel."""
    windows = np.lib.stride_tricks.sliding_window_view(x, w.shape[2:], axis=(2, 3))
    out = np.einsum("ncrsij,fcij->nfrs", windows, w)
    dw = np.einsum("ncrsij,nfrs->fcij", windows, dout)
    dx = np.zeros(x.shape)
    for n, c, f in np.ndindex(x.shape[0], x.shape[1], w.shape[0]):
        dx[n, c] += scipy.signal.convolve2d(dout[n, f], w[f, c], "full")
    return out, (dx, dw, dout.sum(axis=(0, 2, 3)))


def test_larger_batch_matches_an_independent_reference():
    # Bigger than the hypothesis shapes: many images through the reused im2col buffer.
    rng = np.random.default_rng(5)
    x, w = rng.standard_normal((40, 3, 20, 20)), rng.standard_normal((8, 3, 5, 5))
    dout = rng.standard_normal((40, 8, 16, 16))
    want, grads = _reference_conv_and_grads(x, w, dout)
    np.testing.assert_allclose(cb.conv2d(x, w), want, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(cb.conv2d(x.astype(np.float32), w.astype(np.float32)), want,
                               rtol=1e-4, atol=1e-4)
    for name, g64, g32, ref in zip(("dx", "dw", "db"), cb.conv2d_backward(dout, x, w),
                                   cb.conv2d_backward(dout.astype(np.float32),
                                                      x.astype(np.float32),
                                                      w.astype(np.float32)), grads):
        np.testing.assert_allclose(g64, ref, rtol=1e-12, atol=1e-10, err_msg=name)
        np.testing.assert_allclose(g32, ref, rtol=1e-4, atol=1e-3 * np.abs(ref).max(),
                                   err_msg=name)


def test_read_only_inputs():
    rng = np.random.default_rng(6)
    arrays = [rng.standard_normal(s) for s in ((2, 2, 5, 5), (3, 2, 2, 2), (3,), (2, 3, 4, 4), (4, 4, 3, 2, 2, 2))]
    for a in arrays:
        a.setflags(write=False)
    x, w, b, dout, wl = arrays
    np.testing.assert_allclose(cb.conv2d(x, w, b), naive.conv2d(x, w, b), rtol=1e-12, atol=1e-12)
    for got, want in zip(cb.conv2d_backward(dout, x, w), naive.conv2d_backward(dout, x, w)):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(cb.local2d(x, wl), naive.local2d(x, wl), rtol=1e-12, atol=1e-12)
    for got, want in zip(cb.local2d_backward(dout, x, wl), naive.local2d_backward(dout, x, wl)):
        np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
