"""Issue 7, an adversarial review: one section per class of problem it found.

Every test here failed on the code before the fix; the expected values come from SciPy,
NumPy, torch, the loop twins in tests/naive/, or are written out by hand.
"""

import os
import pathlib
import re
import shutil
import subprocess
import sys
import tracemalloc

import numpy as np
import pytest
import scipy.signal
from hypothesis import given
from hypothesis import strategies as st

import convbook as cb
from naive import layers as naive_layers
from naive import pooling as naive_pooling
from naive import signal as naive_signal

MODES = ("valid", "same", "full")
BOUNDARIES = ("fill", "wrap", "symm")
NON_FINITE = (np.nan, np.inf, -np.inf)


def sprinkle(rng, array, share):
    """A copy of ``array`` with about ``share`` of its cells set to NaN, inf or -inf."""
    array = array.copy()
    hit = rng.random(array.shape) < share
    array[hit] = rng.choice(NON_FINITE, size=int(hit.sum()))
    return array


def assert_same_numbers(got, want, rtol=1e-10):
    """Equal shapes, NaN where want is NaN, the same infinities, finite values close."""
    assert got.shape == want.shape
    np.testing.assert_array_equal(np.isnan(got), np.isnan(want))
    np.testing.assert_array_equal(np.where(np.isinf(want), want, 0), np.where(np.isinf(got), got, 0))
    finite = np.isfinite(want)
    scale = np.max(np.abs(want[finite]), initial=1.0)
    np.testing.assert_allclose(got[finite], want[finite], rtol=rtol, atol=rtol * scale)


# -- 2. NaN and inf in kernels and inputs ------------------------------------------------


def test_1d_cells_outside_the_signal_are_not_multiplied():
    # the review's example; SciPy, NumPy and conv_matrix all give a finite last value
    np.testing.assert_array_equal(cb.correlate1d([1., 2., 3.], [1., np.inf], "full"),
                                  [np.inf, np.inf, np.inf, 3.])
    np.testing.assert_array_equal(np.correlate([1., 2., 3.], [1., np.inf], "full"),
                                  [np.inf, np.inf, np.inf, 3.])
    np.testing.assert_array_equal(cb.convolve1d([1., 2., 3.], [np.inf, 1.], "full"),
                                  [np.inf, np.inf, np.inf, 3.])
    # s(0) = x(-1) NaN + x(0) 1 + x(1) 2: x(-1) does not exist, so s(0) = 1 + 4
    np.testing.assert_array_equal(cb.correlate1d([1., 2., 3.], [np.nan, 1., 2.], "same"),
                                  [5., np.nan, np.nan])


@st.composite
def nonfinite_1d(draw, max_n=30, max_k=40):
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n, m = draw(st.integers(1, max_n)), draw(st.integers(1, max_k))
    mode = draw(st.sampled_from(MODES))
    if mode == "valid":
        m = min(m, n)
    x = sprinkle(rng, rng.standard_normal(n), draw(st.sampled_from([0.0, 0.1, 0.3])))
    k = sprinkle(rng, rng.standard_normal(m), draw(st.sampled_from([0.0, 0.1, 0.3])))
    return x, k, mode


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the twins meet inf - inf
@pytest.mark.parametrize("op", ["correlate", "convolve"])
@given(case=nonfinite_1d())
def test_1d_non_finite_matches_scipy_direct_and_the_loop_twin(op, case):
    x, k, mode = case
    ours = {"correlate": cb.correlate1d, "convolve": cb.convolve1d}[op]
    scipy_fn = {"correlate": scipy.signal.correlate, "convolve": scipy.signal.convolve}[op]
    twin = {"correlate": naive_signal.correlate1d, "convolve": naive_signal.convolve1d}[op]
    got = ours(x, k, mode)
    if mode == "same" and k.size > x.size:
        # SciPy's own 'same' breaks its rule here: with the kernel longer than the signal
        # it correlates a zero-padded copy, multiplying the zeros (0 * inf is NaN). 'same'
        # is documented as the centred window of 'full': compare with that window.
        start = (k.size - 1) // 2
        want = scipy_fn(x, k, "full", method="direct")[start:start + x.size]
    else:
        want = scipy_fn(x, k, mode, method="direct")
    assert_same_numbers(got, want)
    assert_same_numbers(got, twin(x, k, mode))


@st.composite
def nonfinite_2d(draw, max_side=7, max_kernel=8):
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    h, w = draw(st.integers(1, max_side)), draw(st.integers(1, max_side))
    kh, kw = draw(st.integers(1, max_kernel)), draw(st.integers(1, max_kernel))
    mode = draw(st.sampled_from(MODES))
    if mode == "valid":
        kh, kw = min(kh, h), min(kw, w)
    image = sprinkle(rng, rng.standard_normal((h, w)), draw(st.sampled_from([0.0, 0.1])))
    kernel = sprinkle(rng, rng.standard_normal((kh, kw)), draw(st.sampled_from([0.0, 0.1, 0.3])))
    return (image, kernel, mode, draw(st.sampled_from(BOUNDARIES)),
            draw(st.sampled_from([0.0, 1.5])))


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the twins meet inf - inf
@pytest.mark.parametrize("op", ["correlate", "convolve"])
@given(case=nonfinite_2d())
def test_2d_non_finite_matches_scipy(op, case):
    # scipy.signal.correlate2d multiplies the fill value: 0 * inf gives NaN at the border
    image, kernel, mode, boundary, fillvalue = case
    ours = {"correlate": cb.correlate2d, "convolve": cb.convolve2d}[op]
    scipy_fn = {"correlate": scipy.signal.correlate2d, "convolve": scipy.signal.convolve2d}[op]
    assert_same_numbers(ours(image, kernel, mode, boundary, fillvalue),
                        scipy_fn(image, kernel, mode, boundary, fillvalue))


def test_2d_fill_multiplies_the_fill_value_like_scipy():
    want = scipy.signal.correlate2d([[1., 2., 3.]], [[1., np.inf]], "full")
    np.testing.assert_array_equal(want, [[np.inf, np.inf, np.inf, np.nan]])
    np.testing.assert_array_equal(cb.correlate2d([[1., 2., 3.]], [[1., np.inf]], "full"), want)


def reference_matrix(kernel, shape, mode, boundary):
    """conv_matrix from SciPy alone: correlate each unit image with a kernel of tap ids
    2**t (their sum names the set of taps landing on that pixel), then add those taps'
    weights. Independent of convbook, and exact for inf and NaN weights."""
    kernel2 = np.atleast_2d(kernel)
    ids = (2.0 ** np.arange(kernel2.size)).reshape(kernel2.shape)
    h, w = (1,) + tuple(shape) if kernel.ndim == 1 else shape
    columns = []
    for p in range(h * w):
        unit = np.zeros(h * w)
        unit[p] = 1.0
        if kernel.ndim == 1:
            hit = scipy.signal.correlate(unit, ids[0], mode, method="direct") if boundary == "fill" \
                else naive_signal.correlate1d(unit, ids[0], mode, boundary)
        else:
            hit = scipy.signal.correlate2d(unit.reshape(h, w), ids, mode, boundary)
        columns.append(np.ravel(hit))
    hits = np.array(columns).T.astype(np.int64)
    out = np.zeros(hits.shape)
    for t, weight in enumerate(kernel2.ravel()):
        on = (hits >> t) & 1 == 1
        with np.errstate(invalid="ignore"):  # inf + -inf is NaN, as conv_matrix gives
            out[on] += weight
    return out, hits > 0


@given(seed=st.integers(0, 2**32 - 1), h=st.integers(1, 5), w=st.integers(1, 5),
       kh=st.integers(1, 4), kw=st.integers(1, 5), mode=st.sampled_from(MODES),
       boundary=st.sampled_from(BOUNDARIES), one_d=st.booleans())
def test_conv_matrix_with_non_finite_kernels_matches_scipy_taps(seed, h, w, kh, kw, mode,
                                                                boundary, one_d):
    if mode == "valid":
        kh, kw = min(kh, h), min(kw, w)
    rng = np.random.default_rng(seed)
    kernel = sprinkle(rng, rng.standard_normal((kh, kw)), 0.3)
    if one_d:
        kernel, shape = kernel[0], (w,)
    else:
        shape = (h, w)
    want, stored = reference_matrix(kernel, shape, mode, boundary)
    assert_same_numbers(cb.conv_matrix(kernel, shape, mode, boundary=boundary), want, 1e-12)
    sparse = cb.conv_matrix(kernel, shape, mode, boundary=boundary, sparse=True)
    assert_same_numbers(sparse.toarray(), want, 1e-12)
    assert sparse.nnz == stored.sum()  # each tap landing on the input is stored, no other


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the twins meet inf - inf
@given(seed=st.integers(0, 2**32 - 1), h=st.integers(1, 6), w=st.integers(1, 6),
       k=st.integers(1, 3), padding=st.integers(0, 2), stride=st.integers(1, 2),
       bias=st.booleans())
def test_conv2d_with_non_finite_values_matches_the_loop_twin(seed, h, w, k, padding, stride,
                                                              bias):
    if k > min(h, w) + 2 * padding:
        return
    rng = np.random.default_rng(seed)
    x = sprinkle(rng, rng.standard_normal((2, 2, h, w)), 0.1)
    weights = sprinkle(rng, rng.standard_normal((3, 2, k, k)), 0.1)
    b = sprinkle(rng, rng.standard_normal(3), 0.2) if bias else None
    assert_same_numbers(cb.conv2d(x, weights, b, stride=stride, padding=padding),
                        naive_layers.conv2d(x, weights, b, stride, padding), 1e-12)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")  # the twins meet inf - inf
@given(seed=st.integers(0, 2**32 - 1), h=st.integers(1, 7), w=st.integers(1, 7),
       size=st.integers(1, 3), stride=st.integers(1, 3), ceil_mode=st.booleans(),
       kind=st.sampled_from(["max", "avg", "l2", "weighted"]), data=st.data())
def test_pooling_with_non_finite_values_matches_the_loop_twin(seed, h, w, size, stride,
                                                             ceil_mode, kind, data):
    padding = data.draw(st.integers(0, size // 2))
    if size > min(h, w) + 2 * padding:
        return
    rng = np.random.default_rng(seed)
    x = sprinkle(rng, rng.standard_normal((2, h, w)), 0.2)
    args = dict(kind=kind, padding=padding, ceil_mode=ceil_mode)
    assert_same_numbers(cb.pool2d(x, size, stride, **args),
                        naive_pooling.pool2d(x, size, stride, **args)[0], 1e-12)
    assert_same_numbers(cb.pool1d(x, size, stride, **args),
                        naive_pooling.pool1d(x, size, stride, **args)[0], 1e-12)
    assert_same_numbers(cb.adaptive_pool2d(x, (2, 3), kind=kind),
                        np.asarray(naive_pooling.adaptive_pool2d(x, (2, 3), kind)), 1e-12)
    if kind == "max":
        dout = rng.standard_normal(cb.pool2d(x, size, stride, **args).shape)
        assert_same_numbers(cb.pool2d_backward(dout, x, size, stride, **args),
                            naive_pooling.pool2d_backward(dout, x, size, stride, **args), 1e-12)


# -- 3. flags take True or False only ----------------------------------------------------

X4 = np.arange(16.).reshape(4, 4)
FLAG_CALLS = {
    "conv_output_size ceil_mode": lambda v: cb.conv_output_size(6, 3, stride=2, ceil_mode=v),
    "pool1d ceil_mode": lambda v: cb.pool1d(X4[0], 3, 2, ceil_mode=v),
    "pool2d ceil_mode": lambda v: cb.pool2d(X4, 3, 2, ceil_mode=v),
    "pool2d return_indices": lambda v: cb.pool2d(X4, 2, return_indices=v),
    "pool1d return_indices": lambda v: cb.pool1d(X4[0], 2, return_indices=v),
    "pool1d_backward ceil_mode": lambda v: cb.pool1d_backward(
        np.ones(2 if v is True or v is np.True_ else 1), X4[0], 3, 2, ceil_mode=v),
    "pool2d_backward ceil_mode": lambda v: cb.pool2d_backward(np.ones((1, 1)), X4[:3, :3], 3, 2,
                                                              ceil_mode=v),
    "conv_matrix sparse": lambda v: cb.conv_matrix([1., 2.], 3, sparse=v),
    "dense_layer_cost bias": lambda v: cb.dense_layer_cost(3, 2, bias=v),
    "conv_layer_cost bias": lambda v: cb.conv_layer_cost((4, 4), (2, 2), bias=v),
    "local_layer_cost bias": lambda v: cb.local_layer_cost((4, 4), (2, 2), bias=v),
}


@pytest.mark.parametrize("call", FLAG_CALLS)
@pytest.mark.parametrize("value", ["no", "yes", "", 1, 0, None, 1.0, [True]])
def test_flags_refuse_anything_but_a_bool(call, value):
    name = call.split()[1]
    with pytest.raises(TypeError, match=rf"`{name}` must be True or False"):
        FLAG_CALLS[call](value)


@pytest.mark.parametrize("call", FLAG_CALLS)
def test_flags_take_python_and_numpy_bools(call):
    for value in (False, True, np.False_, np.True_):
        FLAG_CALLS[call](value)
    assert cb.conv_output_size(6, 3, stride=2, ceil_mode=np.True_) == 3
    assert cb.conv_layer_cost((4, 4), (2, 2), bias=np.False_).params == 4


# -- 4. masked arrays are refused ------------------------------------------------------

def masked(shape):
    return np.ma.masked_array(np.ones(shape), mask=np.zeros(shape, bool))


W1 = np.ones((1, 1, 2, 2))
MASKED_CALLS = {
    ("correlate1d", "x"): lambda: cb.correlate1d(masked(4), [1., 2.]),
    ("convolve1d", "k"): lambda: cb.convolve1d([1., 2., 3.], masked(2)),
    ("correlate2d", "image"): lambda: cb.correlate2d(masked((3, 3)), np.ones((2, 2))),
    ("convolve2d", "kernel"): lambda: cb.convolve2d(np.ones((3, 3)), masked((2, 2))),
    ("conv2d", "x"): lambda: cb.conv2d(masked((1, 1, 3, 3)), W1),
    ("conv2d", "w"): lambda: cb.conv2d(np.ones((1, 1, 3, 3)), masked((1, 1, 2, 2))),
    ("conv2d", "b"): lambda: cb.conv2d(np.ones((1, 1, 3, 3)), W1, masked(1)),
    ("conv2d_backward", "dout"): lambda: cb.conv2d_backward(masked((1, 1, 2, 2)),
                                                            np.ones((1, 1, 3, 3)), W1),
    ("local2d", "w"): lambda: cb.local2d(np.ones((1, 1, 3, 3)), masked((2, 2, 1, 1, 2, 2))),
    ("local2d_backward", "x"): lambda: cb.local2d_backward(np.ones((1, 1, 2, 2)),
                                                           masked((1, 1, 3, 3)),
                                                           np.ones((2, 2, 1, 1, 2, 2))),
    ("pool1d", "x"): lambda: cb.pool1d(masked(4), 2),
    ("pool2d", "x"): lambda: cb.pool2d(masked((4, 4)), 2),
    ("pool1d_backward", "dout"): lambda: cb.pool1d_backward(masked(2), np.ones(4), 2),
    ("pool2d_backward", "indices"): lambda: cb.pool2d_backward(
        np.ones((2, 2)), X4, 2, indices=np.ma.masked_array(np.zeros((2, 2), int))),
    ("channel_pool", "x"): lambda: cb.channel_pool(masked((1, 4, 2)), 2),
    ("adaptive_pool2d", "x"): lambda: cb.adaptive_pool2d(masked((4, 4)), 2),
    ("conv_matrix", "kernel"): lambda: cb.conv_matrix(masked(2), 3),
}


@pytest.mark.parametrize("call", MASKED_CALLS, ids=[" ".join(c) for c in MASKED_CALLS])
def test_masked_arrays_are_refused_with_the_fix(call):
    function, name = call
    with pytest.raises(TypeError, match=rf"`{name}` is a masked array.*{name}\.filled\(0\)"
                                        rf".*np\.asarray\({name}\)"):
        MASKED_CALLS[call]()


# -- 5. import without a writable cache ---------------------------------------------------

def test_import_works_when_no_numba_cache_can_be_written(tmp_path):
    """A read-only copy of the package, a read-only HOME and NUMBA_CACHE_DIR. Root ignores
    file modes, so every cache location is also put under a regular file, which nobody
    can create a directory in (the package's own __pycache__ becomes a file)."""
    package = tmp_path / "site" / "convbook"
    shutil.copytree(pathlib.Path(cb.__file__).parent, package,
                    ignore=shutil.ignore_patterns("__pycache__", "widgets"))
    for directory in [package, *[p for p in package.rglob("*") if p.is_dir()]]:
        (directory / "__pycache__").write_text("not a directory")
    blocker = tmp_path / "blocker"
    blocker.write_text("a regular file")
    env = dict(os.environ, PYTHONPATH=str(package.parent), HOME=str(blocker / "home"),
               NUMBA_CACHE_DIR=str(blocker / "numba"), XDG_CACHE_HOME=str(blocker / "xdg"))
    subprocess.run(["chmod", "-R", "a-w", str(tmp_path)], check=True)
    try:
        run = subprocess.run(
            [sys.executable, "-W", "always", "-c",
             "import convbook; print(convbook.correlate1d([1., 2.], [1.]))"],
            capture_output=True, text=True, env=env, cwd=tmp_path, timeout=600)
    finally:
        subprocess.run(["chmod", "-R", "u+w", str(tmp_path)], check=True)
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "[1. 2.]"
    assert run.stderr.count("Warning") <= 1, run.stderr
    assert run.stderr.count("cannot write a cache") == 1, run.stderr


# -- 7. huge integers get convbook's own error --------------------------------------------

HUGE = (2**31, 2**63, 2**64, -2**63, np.uint64(2**64 - 1))
INT_CALLS = {
    "pool2d stride": lambda v: cb.pool2d(np.ones((4, 4)), 2, stride=v),
    "pool1d stride": lambda v: cb.pool1d(np.ones(4), 2, stride=v),
    "pool2d size": lambda v: cb.pool2d(np.ones((4, 4)), v),
    "pool1d padding": lambda v: cb.pool1d(np.ones(4), 2, padding=v),
    "conv2d stride": lambda v: cb.conv2d(np.ones((1, 1, 4, 4)), W1, stride=v),
    "conv2d padding": lambda v: cb.conv2d(np.ones((1, 1, 4, 4)), W1, padding=v),
    "conv2d dilation": lambda v: cb.conv2d(np.ones((1, 1, 4, 4)), W1, dilation=(1, v)),
    "local2d stride": lambda v: cb.local2d(np.ones((1, 1, 4, 4)), np.ones((3, 3, 1, 1, 2, 2)),
                                           stride=v),
    "adaptive_pool2d output_size": lambda v: cb.adaptive_pool2d(np.ones((4, 4)), v),
    "channel_pool group": lambda v: cb.channel_pool(np.ones((1, 4, 2)), v),
    "channel_pool axis": lambda v: cb.channel_pool(np.ones((1, 4, 2)), 2, axis=v),
    "conv_matrix input_shape": lambda v: cb.conv_matrix([1., 2.], v),
    "conv_output_size n": lambda v: cb.conv_output_size(v, 3),
    "conv_output_size stride": lambda v: cb.conv_output_size(6, 3, stride=v),
    "receptive_field layers[0] stride": lambda v: cb.receptive_field([(3, v)]),
    "dense_layer_cost n_in": lambda v: cb.dense_layer_cost(v, 2),
    "conv_layer_cost in_channels": lambda v: cb.conv_layer_cost((4, 4), 2, in_channels=v),
}


@pytest.mark.parametrize("call", INT_CALLS)
@pytest.mark.parametrize("value", HUGE, ids=["2**31", "2**63", "2**64", "-2**63", "uint64 max"])
def test_huge_integers_are_refused_by_name(call, value):
    name = re.escape(call.split(" ", 1)[1])
    with pytest.raises(ValueError, match=rf"`{name}`"):
        INT_CALLS[call](value)


@pytest.mark.parametrize("call, name", [
    (lambda: cb.conv2d(np.ones((1, 1, 4, 4)), W1, padding=2**31 - 1), "padding"),
    (lambda: cb.conv2d(np.ones((1, 1, 4, 4)), W1, padding=(2**20, 2**20)), "padding"),
    (lambda: cb.conv2d_backward(np.ones((1, 1, 2, 2)), np.ones((1, 1, 4, 4)), W1,
                                padding=2**30), "padding"),
    (lambda: cb.adaptive_pool2d(np.ones((4, 4)), 2**30), "output_size"),
    (lambda: cb.adaptive_pool2d(np.ones((4, 4)), (2**31 - 1, 2**20)), "output_size"),
])
def test_arrays_too_big_to_allocate_are_refused_before_allocating(call, name):
    with pytest.raises(ValueError, match=rf"`{name}` would make an array .* more than this "
                                         rf"machine's memory"):
        call()


def test_big_but_fine_integers_still_work():
    assert cb.conv_output_size(2**31 - 1, 3) == 2**31 - 3
    np.testing.assert_array_equal(cb.pool2d(X4, 2, stride=2**31 - 1), [[5.]])
    assert cb.dense_layer_cost(2**31 - 1, 1, bias=False).params == 2**31 - 1


# -- 8. conv_matrix memory ------------------------------------------------------------

def peak_bytes(fn):
    tracemalloc.start()
    try:
        result = fn()
    finally:
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return result, peak


def result_bytes(matrix):
    if isinstance(matrix, np.ndarray):
        return matrix.nbytes
    return matrix.data.nbytes + matrix.indices.nbytes + matrix.indptr.nbytes


@pytest.mark.parametrize("kernel, shape, mode, boundary", [
    (np.ones(6000), 10, "full", "fill"),            # 0.46 MiB, was 620 MiB at its peak
    (np.ones(50), 2000, "same", "wrap"),
    (np.ones((5, 5)), (40, 40), "full", "fill"),
    (np.ones((30, 30)), (12, 12), "same", "symm"),
    (np.ones((9, 9)), (30, 30), "same", "wrap"),
])
@pytest.mark.parametrize("sparse", [False, True])
def test_conv_matrix_peak_memory_is_a_small_factor_of_the_result(kernel, shape, mode,
                                                                 boundary, sparse):
    cb.conv_matrix([1., 2.], 3, sparse=sparse)  # lazy imports and caches first
    matrix, peak = peak_bytes(lambda: cb.conv_matrix(kernel, shape, mode, boundary=boundary,
                                                     sparse=sparse))
    assert peak <= 4 * result_bytes(matrix) + 2**20, (peak, result_bytes(matrix))


def test_conv_matrix_refuses_a_huge_dense_matrix_before_building_anything():
    with pytest.raises(ValueError, match=r"59999 x 30000 \(13\.4 GiB.*pass sparse=True"):
        _, peak = peak_bytes(lambda: cb.conv_matrix(np.ones(30000), 30000, "full"))
    _, peak = peak_bytes(lambda: pytest.raises(ValueError, cb.conv_matrix, np.ones(30000),
                                               30000, "full"))
    assert peak < 8 * 2**20


# -- 9. a kernel much longer than the signal ----------------------------------------------

@pytest.mark.parametrize("mode", ["same", "full"])
@pytest.mark.parametrize("n, m", [(1, 7), (3, 40), (5, 6), (10, 33), (2, 3)])
@pytest.mark.parametrize("op", ["correlate", "convolve"])
def test_long_kernels_match_scipy_and_the_loop_twin(op, n, m, mode):
    rng = np.random.default_rng(n * 100 + m)
    x, k = rng.standard_normal(n), rng.standard_normal(m)
    ours = {"correlate": cb.correlate1d, "convolve": cb.convolve1d}[op]
    scipy_fn = {"correlate": scipy.signal.correlate, "convolve": scipy.signal.convolve}[op]
    twin = {"correlate": naive_signal.correlate1d, "convolve": naive_signal.convolve1d}[op]
    got = ours(x, k, mode)
    np.testing.assert_allclose(got, scipy_fn(x, k, mode, method="direct"), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(got, twin(x, k, mode), rtol=1e-12, atol=1e-12)
    got32 = ours(x.astype(np.float32), k.astype(np.float32), mode)
    assert got32.dtype == np.float32
    np.testing.assert_allclose(got32, scipy_fn(x, k, mode, method="direct"), rtol=1e-4, atol=1e-4)


@pytest.mark.parametrize("mode", MODES)
def test_2d_wide_kernels_border_path_matches_scipy(mode):
    rng = np.random.default_rng(1)
    image, kernel = rng.standard_normal((6, 9)), rng.standard_normal((3, 9 if mode == "valid" else 25))
    for boundary, fillvalue in (("fill", 0.0), ("fill", 2.0), ("wrap", 0.0), ("symm", 0.0)):
        for ours, theirs in ((cb.correlate2d, scipy.signal.correlate2d),
                             (cb.convolve2d, scipy.signal.convolve2d)):
            np.testing.assert_allclose(ours(image, kernel, mode, boundary, fillvalue),
                                       theirs(image, kernel, mode, boundary, fillvalue),
                                       rtol=1e-12, atol=1e-12)


# -- 10. arrays where tuples are expected ------------------------------------------------

def test_integer_arrays_work_wherever_a_tuple_of_ints_does():
    assert cb.receptive_field(np.array([[3, 1], [3, 1]])) == 5          # Figure 9.4
    assert cb.receptive_field(np.array([[3, 1, 2], [2, 2, 1]])) == 6
    kernel = np.arange(1., 7.).reshape(2, 3)
    np.testing.assert_array_equal(cb.conv_matrix(kernel, np.array([3, 4])),
                                  cb.conv_matrix(kernel, (3, 4)))
    np.testing.assert_array_equal(cb.conv_matrix([1., 2.], np.array([3])), [[1., 2., 0.],
                                                                             [0., 1., 2.]])
    np.testing.assert_array_equal(cb.pool2d(X4, np.array([2, 2])), [[5., 7.], [13., 15.]])
    assert cb.conv_layer_cost(np.array([280, 320]), np.array([1, 2]), bias=False).flops == 267960


@pytest.mark.parametrize("call, name", [
    (lambda: cb.receptive_field(np.array([[3., 1.], [3., 1.]])), "layers[0]"),
    (lambda: cb.conv_matrix(np.ones((2, 2)), np.array([3., 4.])), "input_shape"),
    (lambda: cb.conv_matrix(np.ones((2, 2)), np.array([[3, 4]])), "input_shape"),
    (lambda: cb.pool2d(X4, np.array([[2, 2]])), "size"),
    (lambda: cb.conv2d(np.ones((1, 1, 4, 4)), W1, stride=np.array([1.5, 1.0])), "stride"),
])
def test_other_arrays_get_a_type_error_naming_the_argument(call, name):
    with pytest.raises(TypeError, match=rf"`{re.escape(name)}` must be"):
        call()


@pytest.mark.parametrize("indices", [[[0, 1], [2]], [[0, 1], [2, [3]]]])
def test_ragged_indices_get_convbooks_own_error(indices):
    with pytest.raises(ValueError, match=r"`indices` is a ragged nested sequence") as info:
        cb.pool2d_backward(np.ones((2, 2)), X4, 2, indices=indices)
    assert "inhomogeneous" not in str(info.value)


# -- 11. messages that mislead ----------------------------------------------------------

@pytest.mark.parametrize("call, name, pattern", [
    (lambda: cb.conv2d(np.ones((1, 1, 3, 3)), W1, 1.0), "b", r"one bias per filter.*\(F,\)"),
    (lambda: cb.correlate1d(5., 2.), "x", r"got a scalar.*sequence"),
    (lambda: cb.convolve1d([1., 2.], 2.), "k", r"got a scalar.*sequence"),
    (lambda: cb.correlate1d(np.ones((2, 2)), [1.]), "x", r"correlate2d/convolve2d"),
    (lambda: cb.correlate2d(np.ones(3), np.ones((1, 1))), "image", r"correlate1d/convolve1d"),
    (lambda: cb.correlate2d(np.ones((2, 2)), 1.), "kernel", r"got a scalar"),
    (lambda: cb.local2d(np.ones((1, 1, 3, 3)), np.ones((2, 2, 1, 1, 2, 2)), 1.), "b",
     r"must be 3-D, got a scalar"),
])
def test_wrong_dimension_hints_fit_the_function(call, name, pattern):
    with pytest.raises(ValueError, match=rf"^`{name}` must be \d-D") as info:
        call()
    message = str(info.value)
    assert re_search(pattern, message), message
    if "scalar" in message or name == "b":
        assert "1-D function" not in message


def re_search(pattern, text):
    return re.search(pattern, text) is not None


def test_huge_integers_in_a_list_are_called_too_large_not_ragged():
    with pytest.raises(ValueError, match=r"`x` holds an integer too large.*dtype=float") as info:
        cb.correlate1d([10**30, 1], [1.])
    assert "ragged" not in str(info.value)
    with pytest.raises(ValueError, match=r"`image` could not be read .*ragged"):
        cb.correlate2d([[1.0, "a"], [None, 2.0]], np.ones((1, 1)))


def test_indefinite_articles_before_numbers():
    with pytest.raises(ValueError) as info:
        cb.pool2d_backward(np.ones((4, 4)), np.ones((8, 8)), 2, indices=np.full((4, 4), 99))
    assert "an 8" not in str(info.value) and "a 8" not in str(info.value)
    with pytest.raises(ValueError) as info:
        cb.local2d(np.ones((1, 1, 9, 9)), np.ones((2, 2, 1, 1, 2, 2)))
    assert "a 8" not in str(info.value) and "an 8" not in str(info.value), str(info.value)


@pytest.mark.filterwarnings("ignore:Using padding='same'")  # torch's note on even kernels
@pytest.mark.parametrize("k, dilation", [((3, 3), 1), ((2, 2), 1), ((4, 3), 1), ((2, 4), 2),
                                         ((3, 4), (2, 1)), ((1, 1), 1)])
def test_padding_same_matches_torch(k, dilation):
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(sum(k))
    x, w, b = rng.standard_normal((2, 2, 6, 7)), rng.standard_normal((3, 2) + k), rng.standard_normal(3)
    want = torch.nn.functional.conv2d(torch.from_numpy(x), torch.from_numpy(w),
                                      torch.from_numpy(b), padding="same",
                                      dilation=dilation).numpy()
    got = cb.conv2d(x, w, b, padding="same", dilation=dilation)
    assert got.shape == x.shape[:1] + (3,) + x.shape[2:]
    np.testing.assert_allclose(got, want, rtol=1e-12, atol=1e-12)
    # the backward of the same layer, against torch's autograd
    xt = torch.from_numpy(x).requires_grad_()
    wt = torch.from_numpy(w).requires_grad_()
    dout = rng.standard_normal(want.shape)
    torch.nn.functional.conv2d(xt, wt, padding="same", dilation=dilation).backward(
        torch.from_numpy(dout))
    dx, dw, _ = cb.conv2d_backward(dout, x, w, padding="same", dilation=dilation)
    np.testing.assert_allclose(dx, xt.grad.numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(dw, wt.grad.numpy(), rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(cb.conv2d(x, w, padding="valid"),
                                  cb.conv2d(x, w, padding=0))


def test_padding_same_with_a_stride_says_how_to_pad():
    with pytest.raises(ValueError, match=r"`padding='same'` needs stride=1.*padding=\(1, 1\)"):
        cb.conv2d(np.ones((1, 1, 5, 5)), np.ones((1, 1, 3, 3)), padding="same", stride=2)
    with pytest.raises(ValueError, match=r"`padding` must be one of 'valid', 'same'"):
        cb.conv2d(np.ones((1, 1, 5, 5)), np.ones((1, 1, 3, 3)), padding="full")


# -- 12. dtypes ------------------------------------------------------------------------

@pytest.mark.parametrize("order", [">", "<"])
def test_float32_stays_float32_whatever_its_byte_order(order):
    x = np.arange(6, dtype=np.float32).astype(order + "f4")
    k = np.array([1., -2.], dtype=order + "f4")
    got = cb.correlate1d(x, k, "full")
    assert got.dtype == np.float32 and got.dtype.isnative
    np.testing.assert_array_equal(got, np.correlate(x.astype(np.float32), k.astype(np.float32),
                                                    "full"))
    pooled = cb.pool2d(x.reshape(2, 3), (1, 2), stride=1)
    assert pooled.dtype == np.float32
    np.testing.assert_array_equal(pooled, [[1., 2.], [4., 5.]])
    wide = cb.correlate1d(x.astype(order + "f8"), k.astype(order + "f8"))
    assert wide.dtype == np.float64 and wide.dtype.isnative
    np.testing.assert_array_equal(wide, [-2., -3., -4., -5., -6.])
    assert cb.conv2d(x.reshape(1, 1, 2, 3), k.reshape(1, 1, 1, 2)).dtype == np.float32


@pytest.mark.parametrize("dtypes, want", [
    ((np.float32, np.float32, np.float32), np.float32),
    ((np.float64, np.float32, np.float32), np.float64),
    ((np.float32, np.float64, np.float32), np.float64),
    ((np.float32, np.float32, np.float64), np.float64),
    ((np.float32, np.int64, np.float32), np.float64),
])
def test_every_backward_returns_the_common_float_type(dtypes, want):
    d_dtype, x_dtype, w_dtype = dtypes
    x = np.arange(16).reshape(1, 1, 4, 4).astype(x_dtype)
    w = np.ones((1, 1, 2, 2), w_dtype)
    for grad in cb.conv2d_backward(np.ones((1, 1, 3, 3), d_dtype), x, w):
        assert grad.dtype == want
    for grad in cb.local2d_backward(np.ones((1, 1, 3, 3), d_dtype), x,
                                    np.ones((3, 3, 1, 1, 2, 2), w_dtype)):
        assert grad.dtype == want
    pool_want = np.result_type(np.float32, d_dtype, x_dtype)
    pool_want = np.float32 if pool_want == np.float32 else np.float64
    for kind in ("max", "avg"):
        assert cb.pool2d_backward(np.ones((1, 1, 2, 2), d_dtype), x, 2, kind=kind).dtype == pool_want
        assert cb.pool1d_backward(np.ones((1, 1, 4, 2), d_dtype), x, 2, kind=kind).dtype == pool_want


# -- found by the extended fuzz ------------------------------------------------------

def test_a_scalar_is_not_silently_a_one_element_array():
    # np.ascontiguousarray turns a 0-d array into shape (1,): a scalar dout passed for an
    # output of one cell, and a scalar kernel was a 1-tap 1-D kernel
    with pytest.raises(ValueError, match=r"`dout` has shape \(\), but .* gives \(1,\)"):
        cb.pool1d_backward(5., [0.], 2, padding=1)
    with pytest.raises(ValueError, match=r"`kernel` must be 1-D or 2-D, got 0-D"):
        cb.conv_matrix(5., 3)


def test_masked_layers_are_refused():
    layers = np.ma.masked_array([[3, 1], [3, 1]], mask=[[0, 0], [0, 1]])
    with pytest.raises(TypeError, match=r"`layers` is a masked array"):
        cb.receptive_field(layers)
