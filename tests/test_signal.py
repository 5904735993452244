"""convbook.signal against SciPy and against the plain loops in tests/naive/signal.py."""

import numpy as np
import pytest
import scipy.signal
from hypothesis import given
from hypothesis import strategies as st

import convbook as cb
from naive import signal as naive

MODES = ("valid", "same", "full")
BOUNDARIES = ("fill", "wrap", "symm")
OPS_2D = {
    "correlate": (cb.correlate2d, scipy.signal.correlate2d, naive.correlate2d),
    "convolve": (cb.convolve2d, scipy.signal.convolve2d, naive.convolve2d),
}
OPS_1D = {
    "correlate": (cb.correlate1d, scipy.signal.correlate, naive.correlate1d),
    "convolve": (cb.convolve1d, scipy.signal.convolve, naive.convolve1d),
}


def assert_close(got, want, bound, rtol=1e-12):
    """|got - want| <= rtol * bound elementwise, where bound = |I| * |K| summed.

    The bound is the sum of absolute products, so the check is "1e-12 relative" even
    where the output itself cancels to nearly zero.
    """
    assert got.shape == want.shape
    err = np.abs(got.astype(np.float64) - want)
    limit = rtol * bound + 1e-300
    worst = np.argmax(err - limit)
    assert np.all(err <= limit), f"error {err.flat[worst]} exceeds {limit.flat[worst]}"


def abs_bound_2d(scipy_fn, image, kernel, mode, boundary, fillvalue):
    return scipy_fn(np.abs(image), np.abs(kernel), mode, boundary, abs(fillvalue))


@st.composite
def problems_2d(draw, max_side=9, max_kernel=11):
    seed = draw(st.integers(0, 2**32 - 1))
    h, w = draw(st.integers(1, max_side)), draw(st.integers(1, max_side))
    kh, kw = draw(st.integers(1, max_kernel)), draw(st.integers(1, max_kernel))
    mode = draw(st.sampled_from(MODES))
    if mode == "valid":
        kh, kw = min(kh, h), min(kw, w)
    boundary = draw(st.sampled_from(BOUNDARIES))
    fillvalue = draw(st.sampled_from([0.0, 1.5, -2.0]))
    rng = np.random.default_rng(seed)
    return rng.standard_normal((h, w)), rng.standard_normal((kh, kw)), mode, boundary, fillvalue


@st.composite
def problems_1d(draw, max_n=40, max_k=12):
    seed = draw(st.integers(0, 2**32 - 1))
    n, m = draw(st.integers(1, max_n)), draw(st.integers(1, max_k))
    mode = draw(st.sampled_from(MODES))
    if mode == "valid":
        m = min(m, n)
    rng = np.random.default_rng(seed)
    return rng.standard_normal(n), rng.standard_normal(m), mode


# -- equality with SciPy ---------------------------------------------------------------


@pytest.mark.parametrize("op", OPS_2D)
@given(problem=problems_2d(max_side=40, max_kernel=13))
def test_2d_matches_scipy_float64(op, problem):
    image, kernel, mode, boundary, fillvalue = problem
    ours, theirs, _ = OPS_2D[op]
    got = ours(image, kernel, mode, boundary, fillvalue)
    want = theirs(image, kernel, mode, boundary, fillvalue)
    assert got.dtype == np.float64
    assert_close(got, want, abs_bound_2d(theirs, image, kernel, mode, boundary, fillvalue))


DTYPE_PAIRS = [  # (image dtype, kernel dtype, result dtype)
    ("float32", "float32", "float32"),
    ("float32", "float64", "float64"),
    ("float64", "float32", "float64"),
    ("int64", "float32", "float64"),
    ("int32", "int64", "float64"),
    ("bool", "float64", "float64"),
    ("uint8", "bool", "float64"),
    ("float16", "float32", "float64"),
]


def _cast(values, dtype):
    if dtype == "bool":
        return values > 0
    if dtype.startswith(("int", "uint")):
        return np.round(np.abs(values) * 3 if dtype.startswith("u") else values * 3).astype(dtype)
    return values.astype(dtype)


@pytest.mark.parametrize("op", OPS_2D)
@given(problem=problems_2d(max_side=24, max_kernel=9), dtypes=st.sampled_from(DTYPE_PAIRS))
def test_2d_matches_scipy_dtypes(op, problem, dtypes):
    image, kernel, mode, boundary, fillvalue = problem
    image_dtype, kernel_dtype, result_dtype = dtypes
    ours, theirs, _ = OPS_2D[op]
    image, kernel = _cast(image, image_dtype), _cast(kernel, kernel_dtype)
    got = ours(image, kernel, mode, boundary, fillvalue)
    assert got.dtype == result_dtype
    # SciPy in float64 on the same values; float32 work fills with float32(fillvalue)
    fill = float(np.float32(fillvalue)) if result_dtype == "float32" else fillvalue
    image64, kernel64 = image.astype(float), kernel.astype(float)
    want = theirs(image64, kernel64, mode, boundary, fill)
    bound = abs_bound_2d(theirs, image64, kernel64, mode, boundary, fill)
    # float32 accumulation: a few units of 2**-24 per term
    rtol = kernel.size * 2e-7 + 1e-6 if result_dtype == "float32" else 1e-12
    assert_close(got, want, bound, rtol=rtol)


@pytest.mark.parametrize("op", OPS_1D)
@given(problem=problems_1d())
def test_1d_matches_scipy(op, problem):
    x, k, mode = problem
    ours, theirs, _ = OPS_1D[op]
    got = ours(x, k, mode)
    want = theirs(x, k, mode, method="direct")
    bound = theirs(np.abs(x), np.abs(k), mode, method="direct")
    assert_close(got, want, bound)


@pytest.mark.parametrize("op", OPS_2D)
@pytest.mark.parametrize("mode", ("same", "full"))
@pytest.mark.parametrize("boundary", BOUNDARIES)
@pytest.mark.parametrize("kshape", [(2, 2), (4, 2), (2, 5), (6, 6), (7, 4), (1, 8)])
def test_even_and_large_kernels_fixed(op, mode, boundary, kshape):
    # even kernels in 'same' (SciPy centres correlate2d and convolve2d differently) and
    # kernels larger than the 3x5 image, where wrap/symm repeat the extension
    rng = np.random.default_rng(7)
    image, kernel = rng.standard_normal((3, 5)), rng.standard_normal(kshape)
    ours, theirs, _ = OPS_2D[op]
    got = ours(image, kernel, mode, boundary, 0.25)
    want = theirs(image, kernel, mode, boundary, 0.25)
    assert_close(got, want, abs_bound_2d(theirs, image, kernel, mode, boundary, 0.25))


@pytest.mark.parametrize("op", OPS_2D)
@pytest.mark.parametrize("long_name, short_name", [("circular", "wrap"), ("symmetric", "symm")])
@pytest.mark.parametrize("mode", MODES)
def test_scipy_long_boundary_names(op, long_name, short_name, mode):
    # SciPy accepts 'circular' and 'symmetric' for 'wrap' and 'symm'; so does convbook.
    # An even kernel, larger than the image in 'same'/'full': the border is read many times.
    rng = np.random.default_rng(11)
    image = rng.standard_normal((4, 5))
    kernel = rng.standard_normal((2, 4) if mode == "valid" else (6, 4))
    ours, theirs, _ = OPS_2D[op]
    got = ours(image, kernel, mode, long_name)
    want = theirs(image, kernel, mode, long_name)
    assert_close(got, want, abs_bound_2d(theirs, image, kernel, mode, long_name, 0.0))
    np.testing.assert_array_equal(got, ours(image, kernel, mode, short_name))
    if mode != "valid":  # the border rule matters: it is not the zero fill
        assert not np.allclose(got, ours(image, kernel, mode, "fill"))


def test_large_image_matches_scipy():
    # exercises long rows (vector loops with remainders) and kernels wider than 5 taps
    rng = np.random.default_rng(3)
    image = rng.standard_normal((70, 131))
    for kshape in [(3, 3), (5, 5), (4, 7), (9, 11)]:
        kernel = rng.standard_normal(kshape)
        for mode in MODES:
            for boundary in BOUNDARIES:
                want = scipy.signal.correlate2d(image, kernel, mode, boundary, 0.5)
                bound = abs_bound_2d(scipy.signal.correlate2d, image, kernel, mode, boundary, 0.5)
                assert_close(cb.correlate2d(image, kernel, mode, boundary, 0.5), want, bound)


# -- the naive loops agree with both ---------------------------------------------------


@pytest.mark.parametrize("op", OPS_2D)
@given(problem=problems_2d(max_side=6, max_kernel=7))
def test_2d_naive_equals_convbook_and_scipy(op, problem):
    image, kernel, mode, boundary, fillvalue = problem
    ours, theirs, loops = OPS_2D[op]
    slow = loops(image, kernel, mode, boundary, fillvalue)
    bound = abs_bound_2d(theirs, image, kernel, mode, boundary, fillvalue)
    assert_close(ours(image, kernel, mode, boundary, fillvalue), slow, bound)
    assert_close(theirs(image, kernel, mode, boundary, fillvalue), slow, bound)


@pytest.mark.parametrize("op", OPS_1D)
@given(problem=problems_1d(max_n=12, max_k=8))
def test_1d_naive_equals_convbook_and_scipy(op, problem):
    x, k, mode = problem
    ours, theirs, loops = OPS_1D[op]
    slow = loops(x, k, mode)
    bound = theirs(np.abs(x), np.abs(k), mode, method="direct")
    assert_close(ours(x, k, mode), slow, bound)
    assert_close(theirs(x, k, mode, method="direct"), slow, bound)


# -- worked examples -------------------------------------------------------------------


def test_figure_9_1_valid_output():
    # Figure 9.1: a 3x4 input, a 2x2 kernel, a 2x3 'valid' output; first entry aw+bx+ey+fz
    image = np.arange(12.0).reshape(3, 4)  # a..l = 0..11
    kernel = np.array([[1.0, 10.0], [100.0, 1000.0]])  # w, x, y, z
    out = cb.correlate2d(image, kernel)
    assert out.shape == (2, 3)
    assert out[0, 0] == 0 * 1 + 1 * 10 + 4 * 100 + 5 * 1000
    assert out[1, 2] == 6 * 1 + 7 * 10 + 10 * 100 + 11 * 1000


def test_study_note_filter2_equals_conv2_rot180():
    # MATLAB: filter2(b, a) == conv2(a, rot90(b, 2)); the note's a and b
    a = np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    b = np.array([[1.0, 2.0], [3.0, 4.0]])
    for mode in ("valid", "full"):  # 'same' centres an even kernel differently for the two
        np.testing.assert_array_equal(cb.correlate2d(a, b, mode),
                                      cb.convolve2d(a, np.rot90(b, 2), mode))
    # worked by hand: 1*1 + 2*2 + 3*3 + 4*4 and 3*1 + 4*2 + 5*3 + 6*4
    np.testing.assert_array_equal(cb.correlate2d(a, b), [[30.0], [50.0]])


def test_convolve_is_correlate_with_flipped_kernel_exactly():
    # one code path: bit-for-bit equal, not just close
    rng = np.random.default_rng(0)
    image = rng.standard_normal((17, 23))
    for kshape in [(3, 3), (2, 4), (5, 6)]:
        kernel = rng.standard_normal(kshape)
        for mode in ("valid", "full"):
            for boundary in BOUNDARIES:
                np.testing.assert_array_equal(
                    cb.convolve2d(image, kernel, mode, boundary),
                    cb.correlate2d(image, kernel[::-1, ::-1], mode, boundary),
                )
    kernel = rng.standard_normal((3, 5))  # odd: 'same' centres agree too
    np.testing.assert_array_equal(cb.convolve2d(image, kernel, "same"),
                                  cb.correlate2d(image, kernel[::-1, ::-1], "same"))


def test_convolution_commutes_correlation_does_not():
    rng = np.random.default_rng(1)
    a, b = rng.standard_normal((4, 6)), rng.standard_normal((3, 2))
    np.testing.assert_allclose(cb.convolve2d(a, b, "full"), cb.convolve2d(b, a, "full"),
                               rtol=1e-12, atol=1e-12)
    assert not np.allclose(cb.correlate2d(a, b, "full"), cb.correlate2d(b, a, "full"))


def test_symmetric_kernel_makes_them_agree():
    # the note: correlation and convolution agree when the kernel is even (symmetric)
    rng = np.random.default_rng(2)
    image = rng.standard_normal((6, 7))
    kernel = np.array([[1.0, 2.0, 1.0], [2.0, 4.0, 2.0], [1.0, 2.0, 1.0]])
    np.testing.assert_array_equal(cb.correlate2d(image, kernel), cb.convolve2d(image, kernel))


# -- dtypes ----------------------------------------------------------------------------


@pytest.mark.parametrize("fn", [cb.correlate2d, cb.convolve2d])
def test_dtype_rules_2d(fn):
    i64 = np.arange(12).reshape(3, 4)
    f32, f64 = i64.astype(np.float32), i64.astype(np.float64)
    k = np.ones((2, 2))
    assert fn(f32, k.astype(np.float32)).dtype == np.float32
    assert fn(f32, k).dtype == np.float64  # mixed float32/float64
    assert fn(f64, k.astype(np.float32)).dtype == np.float64
    assert fn(i64, k.astype(int)).dtype == np.float64
    assert fn(i64 > 5, k.astype(bool)).dtype == np.float64
    assert fn(f32, k.astype(int)).dtype == np.float64  # integers compute in float64
    theirs = scipy.signal.correlate2d if fn is cb.correlate2d else scipy.signal.convolve2d
    want = theirs(f64, k, "valid")  # small integers: exact whatever the order of sums
    np.testing.assert_array_equal(fn(i64, k.astype(int)), want)
    np.testing.assert_array_equal(fn(i64.tolist(), k.tolist()), want)


@pytest.mark.parametrize("fn", [cb.correlate1d, cb.convolve1d])
def test_dtype_rules_1d(fn):
    x = np.arange(6)
    assert fn(x.astype(np.float32), np.ones(2, np.float32)).dtype == np.float32
    assert fn(x.astype(np.float32), np.ones(2)).dtype == np.float64
    assert fn(x, [1, 1]).dtype == np.float64
    assert fn(x > 2, [True, False]).dtype == np.float64
    np.testing.assert_array_equal(fn(x, [1, 2]), np.correlate(x, [1, 2]) if fn is cb.correlate1d
                                  else np.convolve(x, [1, 2], "valid"))


def test_odd_memory_layouts_and_readonly_inputs():
    rng = np.random.default_rng(4)
    base = rng.standard_normal((12, 10))
    kernel = rng.standard_normal((3, 2))
    want = scipy.signal.correlate2d(base.T, kernel, "same", "wrap")
    readonly = np.array(base.T)
    readonly.flags.writeable = False
    spaced = np.zeros((base.shape[1], 2 * base.shape[0]))
    spaced[:, ::2] = base.T  # spaced[:, ::2]: a strided view, neither C nor F contiguous
    for image in (base.T, np.asfortranarray(base.T), spaced[:, ::2], readonly,
                  base.T.astype(">f8")):
        np.testing.assert_allclose(cb.correlate2d(image, kernel, "same", "wrap"), want,
                                   rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(cb.correlate1d(base[::2, 0], [1.0, -1.0]),
                               np.diff(base[::2, 0]) * -1, rtol=1e-12, atol=1e-12)


def test_fillvalue_types():
    image = np.ones((2, 2))
    want = scipy.signal.correlate2d(image, np.ones((2, 2)), "full", fillvalue=3)
    for fill in (3, 3.0, np.float32(3), np.int64(3), np.array(3.0)):
        np.testing.assert_array_equal(
            cb.correlate2d(image, np.ones((2, 2)), "full", fillvalue=fill), want)


# -- NaN and inf -----------------------------------------------------------------------


@pytest.mark.parametrize("fn", [cb.correlate2d, cb.convolve2d])
@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("boundary", BOUNDARIES)
def test_nan_propagates_like_scipy(fn, mode, boundary):
    image = np.arange(30.0).reshape(5, 6)
    image[2, 3] = np.nan
    kernel = np.arange(1.0, 7.0).reshape(2, 3)
    theirs = scipy.signal.correlate2d if fn is cb.correlate2d else scipy.signal.convolve2d
    got = fn(image, kernel, mode, boundary)
    want = theirs(image, kernel, mode, boundary)
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    assert np.isnan(got).any()
    if boundary == "fill":
        assert not np.isnan(got).all()
    np.testing.assert_allclose(got[~np.isnan(got)], want[~np.isnan(want)], rtol=1e-12)


def test_nan_in_kernel_and_inf_in_image():
    image = np.ones((4, 4))
    kernel = np.array([[1.0, np.nan], [1.0, 1.0]])
    assert np.isnan(cb.correlate2d(image, kernel, "full")).all()
    assert np.isnan(scipy.signal.correlate2d(image, kernel, "full")).all()
    image[0, 0] = np.inf
    np.testing.assert_array_equal(cb.correlate2d(image, np.ones((2, 2)), "full"),
                                  scipy.signal.correlate2d(image, np.ones((2, 2)), "full"))
    nan1d = cb.correlate1d([1.0, np.nan, 2.0, 3.0], [1.0, 1.0])
    np.testing.assert_array_equal(np.isnan(nan1d), [True, True, False])


# -- bad input: every error names the argument and the fix ------------------------------


@pytest.mark.parametrize("fn", [cb.correlate2d, cb.convolve2d])
def test_kernel_larger_than_image_in_valid_mode(fn):
    with pytest.raises(ValueError, match=r"^`kernel` spans 5 cells along height but `image` "
                                         r"has only 3; .*use mode='full'.*SciPy swaps"):
        fn(np.ones((3, 3)), np.ones((5, 5)))
    with pytest.raises(ValueError, match=r"^`kernel` spans 4 cells along width but `image` "
                                         r"has only 3"):  # larger in one axis only
        fn(np.ones((3, 3)), np.ones((2, 4)))
    # scipy swaps instead; convbook gives an answer in the other modes
    assert fn(np.ones((3, 3)), np.ones((5, 5)), "full").shape == (7, 7)
    assert fn(np.ones((3, 3)), np.ones((5, 5)), "same", "wrap").shape == (3, 3)


@pytest.mark.parametrize("fn", [cb.correlate1d, cb.convolve1d])
def test_kernel_longer_than_x_in_valid_mode(fn):
    with pytest.raises(ValueError, match=r"^`k` spans 4 cells but `x` has only 3; "
                                         r".*use mode='full'.*SciPy swaps"):
        fn([1.0, 2.0, 3.0], [1.0, 1.0, 1.0, 1.0])


@pytest.mark.parametrize("fn", [cb.correlate2d, cb.convolve2d])
def test_bad_arrays_2d(fn):
    with pytest.raises(ValueError, match=r"`image` must be 2-D.*shape \(4,\)"):
        fn(np.ones(4), np.ones((2, 2)))
    with pytest.raises(ValueError, match=r"`kernel` must be 2-D.*shape \(1, 2, 2\)"):
        fn(np.ones((4, 4)), np.ones((1, 2, 2)))
    with pytest.raises(ValueError, match=r"`image` is empty"):
        fn(np.ones((0, 4)), np.ones((2, 2)))
    with pytest.raises(ValueError, match=r"`kernel` is empty"):
        fn(np.ones((4, 4)), np.ones((2, 0)))
    with pytest.raises(ValueError, match=r"`image` is a ragged"):
        fn([[1.0, 2.0], [3.0]], np.ones((2, 2)))
    with pytest.raises(TypeError, match=r"`image` is complex.*\.real"):
        fn(np.ones((4, 4), complex), np.ones((2, 2)))
    with pytest.raises(TypeError, match=r"`kernel` is complex"):
        fn(np.ones((4, 4)), np.ones((2, 2)) * 1j)
    with pytest.raises(TypeError, match=r"`image` must hold real numbers"):
        fn(np.array([["a", "b"], ["c", "d"]]), np.ones((2, 2)))


@pytest.mark.parametrize("fn", [cb.correlate1d, cb.convolve1d])
def test_bad_arrays_1d(fn):
    with pytest.raises(ValueError, match=r"`x` must be 1-D.*shape \(2, 2\)"):
        fn(np.ones((2, 2)), [1.0])
    with pytest.raises(ValueError, match=r"`k` must be 1-D"):
        fn(np.ones(4), [[1.0]])
    with pytest.raises(ValueError, match=r"`x` is empty"):
        fn([], [1.0])
    with pytest.raises(TypeError, match=r"`k` is complex"):
        fn([1.0, 2.0], [1j])
    with pytest.raises(ValueError, match=r"`mode` must be one of 'valid', 'same', 'full'"):
        fn([1.0, 2.0], [1.0], mode="circular")


@pytest.mark.parametrize("fn", [cb.correlate2d, cb.convolve2d])
def test_bad_options_2d(fn):
    image, kernel = np.ones((4, 4)), np.ones((2, 2))
    with pytest.raises(ValueError,
                       match=r"`mode` must be one of 'valid', 'same', 'full'; got 'Full'"):
        fn(image, kernel, mode="Full")
    with pytest.raises(ValueError, match=r"`boundary` must be one of 'fill', 'wrap', 'symm', "
                                         r"'circular', 'symmetric'; got 'reflect'"):
        fn(image, kernel, boundary="reflect")
    with pytest.raises(ValueError, match=r"`boundary`"):
        fn(image, kernel, boundary=None)
    with pytest.raises(ValueError, match=r"`fillvalue` must be finite, got nan"):
        fn(image, kernel, fillvalue=float("nan"))
    with pytest.raises(ValueError, match=r"`fillvalue` must be finite, got inf"):
        fn(image, kernel, fillvalue=np.inf)
    with pytest.raises(TypeError, match=r"`fillvalue` must be a real number.*complex"):
        fn(image, kernel, fillvalue=1 + 2j)
    with pytest.raises(TypeError, match=r"`fillvalue` must be a real number.*str"):
        fn(image, kernel, fillvalue="0")
    with pytest.raises(TypeError, match=r"`fillvalue` must be a real number"):
        fn(image, kernel, fillvalue=np.zeros(2))
