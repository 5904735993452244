"""convbook.pooling against loop twins, finite differences and numbers worked by hand."""

import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import convbook as cb
from naive import pooling as naive

KINDS = ["max", "avg", "l2", "weighted"]


def tol(dtype):
    return dict(rtol=1e-5, atol=1e-5) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-12)


@st.composite
def pool2d_case(draw):
    lead = tuple(draw(st.lists(st.integers(1, 3), min_size=0, max_size=2)))
    H, W = draw(st.integers(1, 9)), draw(st.integers(1, 9))
    size = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    stride = (draw(st.integers(1, 4)), draw(st.integers(1, 4)))
    padding = (draw(st.integers(0, size[0] // 2)), draw(st.integers(0, size[1] // 2)))
    assume(H + 2 * padding[0] >= size[0] and W + 2 * padding[1] >= size[1])
    dtype = draw(st.sampled_from([np.float32, np.float64]))
    seed = draw(st.integers(0, 2**31))
    x = np.random.default_rng(seed).standard_normal(lead + (H, W)).astype(dtype)
    if draw(st.booleans()):  # small integers: plenty of ties for the max
        x = np.round(x * 2).astype(dtype)
    return x, size, stride, padding, draw(st.booleans()), draw(st.sampled_from(KINDS))


@given(pool2d_case())
def test_pool2d_matches_naive(case):
    x, size, stride, padding, ceil_mode, kind = case
    got = cb.pool2d(x, size, stride, kind=kind, padding=padding, ceil_mode=ceil_mode)
    want, arg = naive.pool2d(x, size, stride, kind, padding, ceil_mode)
    assert got.dtype == x.dtype and got.shape == want.shape
    np.testing.assert_allclose(got, want, **tol(x.dtype))
    if kind == "max":
        out, idx = cb.pool2d(x, size, stride, padding=padding, ceil_mode=ceil_mode,
                             return_indices=True)
        np.testing.assert_array_equal(out, want.astype(x.dtype))
        np.testing.assert_array_equal(idx, arg)


@given(pool2d_case())
def test_pool2d_backward_matches_naive(case):
    x, size, stride, padding, ceil_mode, kind = case
    args = dict(kind=kind, padding=padding, ceil_mode=ceil_mode)
    out = cb.pool2d(x, size, stride, **args)
    dout = np.random.default_rng(1).standard_normal(out.shape).astype(x.dtype)
    got = cb.pool2d_backward(dout, x, size, stride, **args)
    want = naive.pool2d_backward(dout, x, size, stride, kind, padding, ceil_mode)
    assert got.dtype == x.dtype and got.shape == x.shape
    np.testing.assert_allclose(got, want, **tol(x.dtype))
    if kind == "max":  # the saved-indices kernel, against the twin too
        _, idx = cb.pool2d(x, size, stride, return_indices=True, **args)
        np.testing.assert_allclose(
            cb.pool2d_backward(dout, x, size, stride, indices=idx, **args), want,
            **tol(x.dtype))


@given(st.integers(1, 12), st.integers(1, 5), st.integers(1, 5), st.data())
def test_pool1d_and_backward_match_naive(n, size, stride, data):
    padding = data.draw(st.integers(0, size // 2))
    assume(n + 2 * padding >= size)
    kind = data.draw(st.sampled_from(KINDS))
    ceil_mode = data.draw(st.booleans())
    dtype = data.draw(st.sampled_from([np.float32, np.float64]))
    lead = tuple(data.draw(st.lists(st.integers(1, 3), max_size=2)))
    x = np.random.default_rng(n * 100 + size).standard_normal(lead + (n,)).astype(dtype)
    args = dict(kind=kind, padding=padding, ceil_mode=ceil_mode)
    got = cb.pool1d(x, size, stride, **args)
    want, arg = naive.pool1d(x, size, stride, kind, padding, ceil_mode)
    np.testing.assert_allclose(got, want, **tol(dtype))
    assert got.dtype == dtype
    dout = np.ones_like(got)
    np.testing.assert_allclose(cb.pool1d_backward(dout, x, size, stride, **args),
                               naive.pool1d_backward(dout, x, size, stride, kind, padding,
                                                     ceil_mode), **tol(dtype))
    if kind == "max":
        _, idx = cb.pool1d(x, size, stride, return_indices=True, **args)
        np.testing.assert_array_equal(idx, arg)


# --- gradients by centred finite differences ----------------------------------------

def numeric_grad(f, x, eps=1e-6):
    grad = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        old = x[i]
        x[i] = old + eps
        up = f(x)
        x[i] = old - eps
        down = f(x)
        x[i] = old
        grad[i] = (up - down) / (2 * eps)
    return grad


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("size,stride,padding,ceil_mode", [
    (3, 2, 1, False), (3, 2, 1, True), (2, 1, 1, False), ((3, 2), (1, 2), (1, 1), True),
    (4, 3, 2, True),
])
def test_pool2d_backward_finite_differences(kind, size, stride, padding, ceil_mode):
    rng = np.random.default_rng(7)
    # distinct values, gaps >> eps: no ties or near-ties for max; l2 stays away from 0
    x = (rng.permutation(2 * 7 * 6) * 0.1 + 0.5).reshape(2, 7, 6)
    if kind != "l2":
        x -= 4.0  # negatives too, so a padded zero would win a max if padding counted
    args = dict(kind=kind, padding=padding, ceil_mode=ceil_mode)
    out = cb.pool2d(x, size, stride, **args)
    dout = rng.standard_normal(out.shape)
    analytic = cb.pool2d_backward(dout, x, size, stride, **args)
    numeric = numeric_grad(lambda z: np.sum(cb.pool2d(z, size, stride, **args) * dout), x)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("kind", KINDS)
def test_pool1d_backward_finite_differences_with_padding(kind):
    rng = np.random.default_rng(3)
    x = rng.permutation(11) * 0.3 - 2.0 + (3.0 if kind == "l2" else 0.0)
    args = dict(kind=kind, padding=1, ceil_mode=True)
    dout = rng.standard_normal(cb.pool1d(x, 3, 2, **args).shape)
    analytic = cb.pool1d_backward(dout, x, 3, 2, **args)
    numeric = numeric_grad(lambda z: np.sum(cb.pool1d(z, 3, 2, **args) * dout), x)
    np.testing.assert_allclose(analytic, numeric, rtol=1e-6, atol=1e-7)


# --- numbers worked by hand (torch semantics) --------------------------------------

def test_figure_9_10_ceil_mode_keeps_the_short_last_window():
    row = np.array([0.1, 1.0, 0.2, 0.1, 0.0, 0.3])
    # windows [0:3], [2:5] and, in ceil mode only, the 2-cell [4:6]
    np.testing.assert_array_equal(cb.pool1d(row, 3, 2), [1.0, 0.2])
    np.testing.assert_array_equal(cb.pool1d(row, 3, 2, ceil_mode=True), [1.0, 0.2, 0.3])
    np.testing.assert_allclose(cb.pool1d(row, 3, 2, kind="avg", ceil_mode=True),
                               [1.3 / 3, 0.3 / 3, 0.3 / 2])


def test_ceil_mode_drops_a_window_that_starts_in_the_right_padding():
    # n=5, size 3, stride 3, padding 1: ceil((5+2-3)/3)+1 = 3, but window 2 would start at
    # 2*3-1 = 5 >= n, inside the right padding: torch keeps 2 windows.
    x = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    np.testing.assert_array_equal(cb.pool1d(x, 3, 3, padding=1, ceil_mode=True), [2.0, 5.0])
    assert cb.pool1d(x, 2, 2, ceil_mode=True).tolist() == [2.0, 4.0, 5.0]
    assert cb.pool1d(x, 2, 2).tolist() == [2.0, 4.0]


def test_padding_never_wins_or_counts():
    x = -np.array([4.0, 3.0, 2.0, 1.0])
    np.testing.assert_array_equal(cb.pool1d(x, 3, 1, padding=1), [-3.0, -2.0, -1.0, -1.0])
    # count_include_pad=False: edge windows average their 2 real cells
    np.testing.assert_allclose(cb.pool1d(-x, 3, 1, padding=1, kind="avg"),
                               [3.5, 3.0, 2.0, 1.5])
    np.testing.assert_allclose(cb.pool1d(-x, 3, 1, padding=1, kind="l2"),
                               [5.0, math.sqrt(29), math.sqrt(14), math.sqrt(5)])
    # an all -inf plane padded: the pad must not turn into a finite winner
    assert np.all(cb.pool2d(np.full((3, 3), -np.inf), 3, 1, padding=1) == -np.inf)


def test_max_backward_with_padding_routes_to_real_cells():
    # numpy-ml's bug: with padding the argmax was mapped into the padded frame
    x = np.array([[-1.0, -5.0, -2.0], [-6.0, -7.0, -8.0], [-9.0, -3.0, -4.0]])
    dx = cb.pool2d_backward(np.ones((2, 2)), x, 3, 2, padding=1)
    # windows rows/cols [-1:2] x [-1:2], [-1:2] x [1:4], [1:4] x [-1:2], [1:4] x [1:4]
    want = np.zeros((3, 3))
    want[0, 0] += 1  # -1
    want[0, 2] += 1  # -2
    want[2, 1] += 1  # max of [-6,-7,-9,-3] is -3
    want[2, 1] += 1  # max of [-7,-8,-3,-4] is -3 too
    np.testing.assert_array_equal(dx, want)


def test_weighted_kind_worked_by_hand():
    # size 3: weights 1/2, 1, 1/2 around the centre; a clipped window keeps its weights
    x = np.array([1.0, 2.0, 3.0])
    np.testing.assert_allclose(cb.pool1d(x, 3, 1, padding=1, kind="weighted"),
                               [(1 + 0.5 * 2) / 1.5, (0.5 + 2 + 1.5) / 2, (1 + 3) / 1.5])
    # separable in 2-D: corner weight 1/4, edge 1/2, centre 1; total 4
    img = np.arange(9.0).reshape(3, 3)
    want = (0.25 * (0 + 2 + 6 + 8) + 0.5 * (1 + 3 + 5 + 7) + 4) / 4
    assert cb.pool2d(img, 3, kind="weighted")[0, 0] == pytest.approx(want, rel=1e-14)
    # size 2 weights are equal: weighted is the plain mean of each 2x2 block
    y = np.random.default_rng(0).standard_normal((4, 6))
    np.testing.assert_allclose(cb.pool2d(y, 2, kind="weighted"),
                               y.reshape(2, 2, 3, 2).mean(axis=(1, 3)), rtol=1e-14)


def test_pool2d_on_a_row_and_pool1d_both_match_the_1d_twin():
    # pool1d is pool2d on a one-row plane inside convbook: compare each with the twin,
    # not with each other
    x = np.random.default_rng(2).standard_normal((2, 1, 10))
    for kind in KINDS:
        want = naive.pool1d(x, 3, 2, kind, 1, True)[0]
        np.testing.assert_allclose(
            cb.pool2d(x, (1, 3), (1, 2), kind=kind, padding=(0, 1), ceil_mode=True), want,
            rtol=1e-14)
        np.testing.assert_allclose(cb.pool1d(x, 3, 2, kind=kind, padding=1, ceil_mode=True),
                                   want, rtol=1e-14)


@pytest.mark.parametrize("H,W", [(4, 6), (5, 6), (6, 5), (5, 7), (1, 3), (2, 2)])
@pytest.mark.parametrize("ceil_mode", [False, True])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_unrolled_2x2_path_matches_naive(H, W, ceil_mode, dtype):
    # size 2 stride 2 is the everyday pool and has its own kernels; odd sizes in ceil
    # mode must fall back to the general path (the last window hangs over the edge)
    x = np.round(np.random.default_rng(H * W).standard_normal((3, H, W)) * 2).astype(dtype)
    if H * W > 4:
        x[1, 0, 1] = np.nan
    if (H < 2 or W < 2):
        with pytest.raises(ValueError, match="size"):
            cb.pool2d(x, 2, ceil_mode=ceil_mode)
        return
    want, arg = naive.pool2d(x, 2, None, "max", 0, ceil_mode)
    np.testing.assert_array_equal(cb.pool2d(x, 2, ceil_mode=ceil_mode), want)
    out, idx = cb.pool2d(x, 2, ceil_mode=ceil_mode, return_indices=True)
    np.testing.assert_array_equal(out, want)
    np.testing.assert_array_equal(idx, arg)
    dout = np.arange(want.size, dtype=dtype).reshape(want.shape)
    dx_want = naive.pool2d_backward(dout, x, 2, None, "max", 0, ceil_mode)
    np.testing.assert_array_equal(cb.pool2d_backward(dout, x, 2, ceil_mode=ceil_mode), dx_want)
    np.testing.assert_array_equal(cb.pool2d_backward(dout, x, 2, ceil_mode=ceil_mode,
                                                     indices=idx), dx_want)


def test_leading_axes_and_noncontiguous_input():
    x = np.random.default_rng(4).standard_normal((2, 3, 4, 6, 5))
    out = cb.pool2d(x, 2, ceil_mode=True)
    assert out.shape == (2, 3, 4, 3, 3)
    np.testing.assert_array_equal(out, naive.pool2d(x, 2, ceil_mode=True)[0])
    xt = np.swapaxes(x, -1, -2)  # a view, not C-contiguous
    np.testing.assert_array_equal(cb.pool2d(xt, 2), naive.pool2d(xt, 2)[0])
    assert cb.pool2d(x[0, 0, 0], 2).shape == (3, 2)  # no batch axes at all


# --- NaN and dtypes -----------------------------------------------------------------

@pytest.mark.parametrize("size,stride,padding", [(2, 2, 0), (3, 2, 1)])
def test_nan_propagates_through_max(size, stride, padding):
    x = np.arange(36.0).reshape(1, 6, 6)
    x[0, 1, 1] = np.nan
    out = cb.pool2d(x, size, stride, padding=padding)
    out_i, idx = cb.pool2d(x, size, stride, padding=padding, return_indices=True)
    want, arg = naive.pool2d(x, size, stride, "max", padding)
    np.testing.assert_array_equal(out, want)  # NaN == NaN for assert_array_equal
    np.testing.assert_array_equal(out_i, want)
    assert np.isnan(out[0, 0, 0]) and np.isfinite(out[0, -1, -1])
    assert idx[0, 0, 0] == 1 * 6 + 1
    assert np.isnan(cb.adaptive_pool2d(x, 2)[0, 0, 0])
    assert np.isnan(cb.channel_pool(np.array([[1.0], [np.nan]]), 2, axis=0)[0, 0])
    for kind in ("avg", "l2", "weighted"):
        assert np.isnan(cb.pool2d(x, size, stride, kind=kind, padding=padding)[0, 0, 0])
        dx = cb.pool2d_backward(np.ones(out.shape), x, size, stride, kind=kind,
                                padding=padding)
        assert np.isnan(dx[0, 1, 1]) == (kind == "l2")  # l2 divides by a NaN norm
        assert np.isfinite(dx[0, -1, -1])


def test_l2_backward_at_zero_norm_is_zero():
    x = np.zeros((4, 4))
    x[3, 3] = 2.0
    dx = cb.pool2d_backward(np.ones((2, 2)), x, 2, kind="l2")
    want = np.zeros((4, 4))
    want[3, 3] = 1.0  # d|x|/dx = x/|x| = 1 in the only non-zero window
    np.testing.assert_array_equal(dx, want)


@pytest.mark.parametrize("kind", KINDS)
def test_dtypes(kind):
    x32 = np.arange(16, dtype=np.float32).reshape(4, 4)
    assert cb.pool2d(x32, 2, kind=kind).dtype == np.float32
    # a backward returns the common float type of its arrays, as conv2d_backward does
    ones32 = np.ones((2, 2), np.float32)
    assert cb.pool2d_backward(ones32, x32, 2, kind=kind).dtype == np.float32
    assert cb.pool2d_backward(np.ones((2, 2)), x32, 2, kind=kind).dtype == np.float64
    assert cb.pool1d_backward(ones32[0], x32[0], 2, kind=kind).dtype == np.float32
    assert cb.pool1d_backward(np.ones(2), x32[0], 2, kind=kind).dtype == np.float64
    assert cb.pool1d_backward(ones32[0], x32[0].astype(int), 2, kind=kind).dtype == np.float64
    assert cb.pool1d(x32[0], 2, kind=kind).dtype == np.float32
    for x in (np.arange(16).reshape(4, 4), np.eye(4, dtype=bool), [[1, 2], [3, 4]]):
        out = cb.pool2d(x, 2, kind=kind)
        assert out.dtype == np.float64
        np.testing.assert_allclose(out, naive.pool2d(np.asarray(x, float), 2, None, kind)[0])
    assert cb.channel_pool(x32[None], 2, kind=kind).dtype == np.float32
    assert cb.adaptive_pool2d(x32, 3, kind=kind).dtype == np.float32


# --- channel_pool and adaptive_pool2d -------------------------------------------------

@given(st.integers(1, 3), st.integers(1, 4), st.integers(1, 3), st.sampled_from(KINDS),
       st.integers(-3, 2), st.integers(0, 1000))
def test_channel_pool_matches_naive(groups, group, rest, kind, axis, seed):
    shape = [2, 3, 2]
    axis_pos = axis % 3
    shape[axis_pos] = groups * group
    shape[(axis_pos + 1) % 3] = rest
    x = np.random.default_rng(seed).standard_normal(shape)
    got = cb.channel_pool(x, group, kind=kind, axis=axis)
    np.testing.assert_allclose(got, naive.channel_pool(x, group, kind, axis_pos), rtol=1e-12)


def test_channel_pool_is_maxout():
    # Figure 9.9: three detectors, one max unit: the strongest response wins
    responses = np.array([[0.2, 0.9, 0.1], [0.7, 0.3, 0.4]])[:, :, None]  # (N, C, 1)
    np.testing.assert_array_equal(cb.channel_pool(responses, 3)[:, 0, 0], [0.9, 0.7])


@given(st.integers(1, 9), st.integers(1, 9), st.integers(1, 12), st.integers(1, 12),
       st.sampled_from(KINDS), st.sampled_from([np.float32, np.float64]))
def test_adaptive_pool2d_matches_naive(H, W, oh, ow, kind, dtype):
    x = np.random.default_rng(H * 31 + W).standard_normal((2, H, W)).astype(dtype)
    got = cb.adaptive_pool2d(x, (oh, ow), kind=kind)
    assert got.shape == (2, oh, ow) and got.dtype == dtype
    np.testing.assert_allclose(got, naive.adaptive_pool2d(x, (oh, ow), kind), **tol(dtype))


def test_adaptive_regions_worked_by_hand():
    x = np.array([[1.0, 5.0, 2.0, 4.0, 3.0]])
    # 5 -> 3 regions: [0,2), [1,4), [3,5)
    np.testing.assert_array_equal(cb.adaptive_pool2d(x, (1, 3)), [[5.0, 5.0, 4.0]])
    np.testing.assert_allclose(cb.adaptive_pool2d(x, (1, 3), kind="avg"),
                               [[3.0, 11 / 3, 3.5]])
    # output larger than input: 2 -> 3 regions [0,1), [0,2), [1,2)
    np.testing.assert_array_equal(cb.adaptive_pool2d([[1.0, 2.0]], (1, 3)), [[1.0, 2.0, 2.0]])
    # Figure 9.11: any input size gives the same 3 x 3 grid
    for H, W in [(7, 7), (12, 9), (3, 3), (32, 20)]:
        assert cb.adaptive_pool2d(np.ones((64, H, W)), 3).shape == (64, 3, 3)


# --- bad input ----------------------------------------------------------------------

@pytest.mark.parametrize("call,error,match", [
    (lambda: cb.pool2d(np.ones((4, 4)), 0), ValueError, "size.*positive"),
    (lambda: cb.pool2d(np.ones((4, 4)), -2), ValueError, "size.*positive"),
    (lambda: cb.pool1d(np.ones(4), 0), ValueError, "size.*positive"),
    (lambda: cb.pool2d(np.ones((4, 4)), 2, 0), ValueError, "stride.*positive"),
    (lambda: cb.pool1d(np.ones(4), 2, -1), ValueError, "stride.*positive"),
    (lambda: cb.pool2d(np.ones((4, 4)), 2.5), TypeError, "size.*integer"),
    (lambda: cb.pool1d(np.ones(4), "2"), TypeError, "size.*integer"),
    (lambda: cb.pool2d(np.ones((4, 4)), (2, 2, 2)), ValueError, "size.*pair"),
    (lambda: cb.pool2d(np.ones((4, 4)), 3, padding=2), ValueError, "padding.*size // 2"),
    (lambda: cb.pool1d(np.ones(4), 2, padding=2), ValueError, "padding.*size // 2"),
    (lambda: cb.pool2d(np.ones((4, 4)), 2, padding=-1), ValueError, "padding"),
    (lambda: cb.pool1d(np.ones(4), 2, padding=-1), ValueError, "padding"),
    (lambda: cb.pool2d(np.ones((4, 4)), 2, kind="min"), ValueError, "kind.*'max'"),
    (lambda: cb.pool1d(np.ones(4), 2, kind=None), ValueError, "kind"),
    (lambda: cb.pool2d(np.ones(4), 2), ValueError, "x.*at least 2"),
    (lambda: cb.pool1d(np.float64(3.0), 1), ValueError, "x.*at least 1"),
    (lambda: cb.pool2d(np.ones((2, 0, 4)), 1), ValueError, "x.*empty"),
    (lambda: cb.pool1d([], 1), ValueError, "x.*empty"),
    (lambda: cb.pool2d(np.ones((4, 4), complex), 2), TypeError, "x.*complex"),
    (lambda: cb.pool2d([[1.0, 2.0], [3.0]], 1), ValueError, "x.*ragged"),
    (lambda: cb.pool2d(np.array([["a", "b"]]), 1), TypeError, "x.*real numbers"),
    (lambda: cb.pool2d(np.ones((3, 3)), 4), ValueError,
     r"^`size` spans 4 cells along axis -2 but `x` has only 3; use a smaller size"),
    (lambda: cb.pool2d(np.ones((5, 3)), (2, 4)), ValueError,
     r"^`size` spans 4 cells along axis -1 but `x` has only 3"),
    (lambda: cb.pool1d(np.ones(3), 6, padding=1), ValueError,
     r"^`size` spans 6 cells along axis -1 but the padded `x` has only 5 "
     r"\(3 \+ 2 \* padding 1\); .*pad more"),
    (lambda: cb.pool2d(np.ones((4, 4)), 2, ceil_mode="yes"), TypeError, "ceil_mode"),
    (lambda: cb.pool2d(np.ones((4, 4)), 2, kind="avg", return_indices=True),
     ValueError, "return_indices"),
    (lambda: cb.pool2d_backward(np.ones((3, 2)), np.ones((4, 4)), 2), ValueError,
     r"dout.*\(3, 2\).*\(2, 2\)"),
    (lambda: cb.pool1d_backward(np.ones(3), np.ones(4), 2), ValueError, "dout.*shape"),
    (lambda: cb.pool2d_backward(np.ones((2, 2)), np.ones((4, 4)), 2, kind="avg",
                                indices=np.zeros((2, 2), int)), ValueError, "indices.*max"),
    (lambda: cb.pool2d_backward(np.ones((2, 2)), np.ones((4, 4)), 2,
                                indices=np.zeros((2, 3), int)), ValueError, "indices.*shape"),
    (lambda: cb.pool2d_backward(np.ones((2, 2)), np.ones((5, 5)), 3, 2,
                                indices=np.full((2, 2), 25)), ValueError, r"indices.*\[0, 25\)"),
    (lambda: cb.pool2d_backward(np.ones((2, 2)), np.ones((4, 4)), 2,
                                indices=np.full((2, 2), 16)), ValueError, r"indices.*\[0, 16\)"),
    (lambda: cb.pool1d_backward(np.ones(2), np.ones(4), 2,
                                indices=np.array([0, -1])), ValueError, "indices.*outside"),
    (lambda: cb.pool2d_backward(np.ones((2, 2)), np.ones((4, 4)), 2,
                                indices=np.zeros((2, 2))), TypeError, "indices.*integer"),
    (lambda: cb.pool2d_backward(np.ones((2, 2), complex), np.ones((4, 4)), 2), TypeError,
     "dout.*complex"),
    (lambda: cb.channel_pool(np.ones((1, 5, 2)), 2), ValueError, "5 channels.*group"),
    (lambda: cb.channel_pool(np.ones((1, 4, 2)), 0), ValueError, "group.*positive"),
    (lambda: cb.channel_pool(np.ones((1, 4, 2)), 2, axis=3), ValueError, "axis.*range"),
    (lambda: cb.channel_pool(np.ones((1, 4, 2)), 2, axis=1.0), TypeError, "axis.*integer"),
    (lambda: cb.channel_pool(np.ones((1, 4, 2)), 2, kind="sum"), ValueError, "kind"),
    (lambda: cb.adaptive_pool2d(np.ones((4, 4)), 0), ValueError, "output_size.*positive"),
    (lambda: cb.adaptive_pool2d(np.ones(4), 2), ValueError, "x.*at least 2"),
    (lambda: cb.adaptive_pool2d(np.ones((4, 4)), 2, kind="mean"), ValueError, "kind"),
])
def test_bad_input_raises_with_a_clear_message(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_read_only_arrays_are_accepted():
    # read-only inputs reach the kernels with a different Numba type: no typing error
    x = np.arange(16.0).reshape(4, 4)
    x.flags.writeable = False
    out, idx = cb.pool2d(x, 2, return_indices=True)
    idx.flags.writeable = False
    dout = np.ones((2, 2))
    dout.flags.writeable = False
    np.testing.assert_array_equal(cb.pool2d_backward(dout, x, 2, indices=idx),
                                  naive.pool2d_backward(dout, x, 2))
    for kind in KINDS:
        np.testing.assert_allclose(cb.pool2d(x, 3, 1, kind=kind, padding=1),
                                   naive.pool2d(x, 3, 1, kind, 1)[0], rtol=1e-12)
        np.testing.assert_allclose(cb.adaptive_pool2d(x, 3, kind=kind),
                                   naive.adaptive_pool2d(x, 3, kind), rtol=1e-12)


@pytest.mark.parametrize("H,W", [(4, 4), (5, 4), (4, 5), (5, 7)])
def test_backward_kernels_write_every_cell_of_an_uninitialised_dx(H, W):
    # the wrappers hand np.empty to the kernels; fill it with NaN here so a cell a
    # kernel forgets to zero cannot pass as a zero
    from convbook._kernels import pooling as kernels
    x = np.random.default_rng(H * W).standard_normal((2, H, W))
    out, idx = cb.pool2d(x, 2, return_indices=True)
    dout = np.random.default_rng(0).standard_normal(out.shape)
    want = naive.pool2d_backward(dout, x, 2)
    dx = np.full((2, H * W), np.nan)
    assert kernels.max_backward(dout, idx, dx) == 0
    np.testing.assert_array_equal(dx.reshape(x.shape), want)
    dout3 = np.ones(cb.pool2d(x, (3, 2), 2, padding=(1, 0)).shape)  # overlapping rows
    dx = np.full((2, H * W), np.nan)
    assert kernels.max_backward_regular(dout3, x, 3, 2, 2, 2, 1, 0, dx) == 0
    np.testing.assert_array_equal(dx.reshape(x.shape),
                                  naive.pool2d_backward(dout3, x, (3, 2), 2, "max", (1, 0)))
    for kind in ("avg", "l2", "weighted"):
        dx = np.full(x.shape, np.nan)
        kernels.sum_backward_regular(dout, x, 2, 2, 2, 2, 0, 0, cb.pooling._CODE[kind], dx)
        np.testing.assert_allclose(dx, naive.pool2d_backward(dout, x, 2, None, kind),
                                   rtol=1e-12)
