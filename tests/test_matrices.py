"""conv_matrix: M @ x equals the correlation, and M has the structure the book names."""

import numpy as np
import pytest
import scipy.signal
import scipy.sparse
from hypothesis import given
from hypothesis import strategies as st

import convbook as cb
from naive import signal as naive

MODES = ("valid", "same", "full")
BOUNDARIES = ("fill", "wrap", "symm")


@given(seed=st.integers(0, 2**32 - 1), h=st.integers(1, 7), w=st.integers(1, 7),
       kh=st.integers(1, 8), kw=st.integers(1, 8), mode=st.sampled_from(MODES),
       boundary=st.sampled_from(BOUNDARIES))
def test_2d_matrix_times_x_is_correlate2d(seed, h, w, kh, kw, mode, boundary):
    if mode == "valid":
        kh, kw = min(kh, h), min(kw, w)
    rng = np.random.default_rng(seed)
    x, kernel = rng.standard_normal((h, w)), rng.standard_normal((kh, kw))
    dense = cb.conv_matrix(kernel, (h, w), mode, boundary=boundary)
    sparse = cb.conv_matrix(kernel, (h, w), mode, boundary=boundary, sparse=True)
    # SciPy, not cb.correlate2d: the two share convbook's mode padding
    want = scipy.signal.correlate2d(x, kernel, mode, boundary)
    assert dense.shape == (want.size, h * w)
    np.testing.assert_allclose(dense @ x.ravel(), want.ravel(), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(sparse @ x.ravel(), want.ravel(), rtol=1e-12, atol=1e-12)
    assert isinstance(sparse, scipy.sparse.csr_array)
    if boundary == "fill":
        np.testing.assert_array_equal(sparse.toarray(), dense)
    else:  # taps summed onto one pixel may round in another order
        np.testing.assert_allclose(sparse.toarray(), dense, rtol=1e-14, atol=1e-14)


@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 12), m=st.integers(1, 8),
       mode=st.sampled_from(MODES), boundary=st.sampled_from(BOUNDARIES),
       as_tuple=st.booleans())
def test_1d_matrix_times_x_is_correlate1d(seed, n, m, mode, boundary, as_tuple):
    if mode == "valid":
        m = min(m, n)
    rng = np.random.default_rng(seed)
    x, k = rng.standard_normal(n), rng.standard_normal(m)
    matrix = cb.conv_matrix(k, (n,) if as_tuple else n, mode, boundary=boundary)
    want = naive.correlate1d(x, k, mode, boundary)
    np.testing.assert_allclose(matrix @ x, want, rtol=1e-12, atol=1e-12)
    if boundary == "fill":
        np.testing.assert_allclose(matrix @ x, scipy.signal.correlate(x, k, mode, "direct"),
                                   rtol=1e-12, atol=1e-12)


def is_toeplitz(a):
    """Every diagonal is constant: a[i, j] == a[i + 1, j + 1]."""
    return np.array_equal(a[1:, 1:], a[:-1, :-1])


def is_circulant(a):
    """Square, and each row is the previous one rotated right by one."""
    return a.shape[0] == a.shape[1] and all(
        np.array_equal(a[i + 1], np.roll(a[i], 1)) for i in range(a.shape[0] - 1))


def blocks(matrix, out_shape, in_shape):
    """The (oH, H) grid of (oW, W) blocks: block (i, r) maps input row r to output row i."""
    (oh, ow), (h, w) = out_shape, in_shape
    return matrix.reshape(oh, ow, h, w).transpose(0, 2, 1, 3)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("m", [1, 2, 3, 4])
def test_1d_fill_is_toeplitz(mode, m):
    k = np.arange(1.0, m + 1)
    matrix = cb.conv_matrix(k, 7, mode)
    assert is_toeplitz(matrix)
    # the kernel is tied along the diagonals: row i holds k shifted by i
    if mode == "valid":
        np.testing.assert_array_equal(matrix[0, :m], k)
        assert np.count_nonzero(matrix) == m * (7 - m + 1)


@pytest.mark.parametrize("m", [1, 2, 3, 4, 9])
def test_1d_wrap_same_is_circulant(m):
    matrix = cb.conv_matrix(np.arange(1.0, m + 1), 6, "same", boundary="wrap")
    assert is_circulant(matrix)
    assert not is_circulant(cb.conv_matrix(np.arange(1.0, m + 1), 6, "same")) or m == 1


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("kshape", [(2, 2), (3, 2), (2, 3), (3, 3)])
def test_2d_fill_is_doubly_block_toeplitz(mode, kshape):
    kernel = np.arange(1.0, 1 + np.prod(kshape)).reshape(kshape)
    in_shape = (5, 6)
    out_shape = scipy.signal.correlate2d(np.zeros(in_shape), kernel, mode).shape
    b = blocks(cb.conv_matrix(kernel, in_shape, mode), out_shape, in_shape)
    # the block pattern is Toeplitz: block (i, r) depends on r - i only
    np.testing.assert_array_equal(b[1:, 1:], b[:-1, :-1])
    # and every block is itself Toeplitz: it holds one kernel row, or zeros
    for i in range(out_shape[0]):
        for r in range(in_shape[0]):
            assert is_toeplitz(b[i, r])
    nonzero_blocks = sum(bool(b[i, r].any()) for i in range(out_shape[0])
                         for r in range(in_shape[0]))
    assert nonzero_blocks <= out_shape[0] * kshape[0]


@pytest.mark.parametrize("kshape", [(2, 2), (3, 2), (3, 3), (4, 5)])
def test_2d_wrap_same_is_doubly_block_circulant(kshape):
    kernel = np.arange(1.0, 1 + np.prod(kshape)).reshape(kshape)
    in_shape = (5, 6)
    matrix = cb.conv_matrix(kernel, in_shape, "same", boundary="wrap")
    b = blocks(matrix, in_shape, in_shape)
    h = in_shape[0]
    for i in range(h):  # block pattern circulant: block (i, r) depends on (r - i) mod H
        for r in range(h):
            np.testing.assert_array_equal(b[i, r], b[(i + 1) % h, (r + 1) % h])
            assert is_circulant(b[i, r])  # and each block circulant
    # the zero-padded matrix is not circulant: the book's "doubly block circulant" needs wrap
    fill = blocks(cb.conv_matrix(kernel, in_shape, "same"), in_shape, in_shape)
    assert not all(is_circulant(fill[i, r]) for i in range(h) for r in range(h))


def test_symm_matches_correlate2d_fixed():
    rng = np.random.default_rng(5)
    x, kernel = rng.standard_normal((4, 5)), rng.standard_normal((3, 4))
    for mode in MODES:
        matrix = cb.conv_matrix(kernel, x.shape, mode, boundary="symm")
        np.testing.assert_allclose(matrix @ x.ravel(),
                                   scipy.signal.correlate2d(x, kernel, mode, "symm").ravel(),
                                   rtol=1e-12)


@pytest.mark.parametrize("long_name", ["circular", "symmetric"])
@pytest.mark.parametrize("mode", MODES)
def test_scipy_long_boundary_names(long_name, mode):
    rng = np.random.default_rng(8)
    x, kernel = rng.standard_normal((4, 5)), rng.standard_normal((3, 2))
    for sparse in (False, True):
        matrix = cb.conv_matrix(kernel, x.shape, mode, boundary=long_name, sparse=sparse)
        want = scipy.signal.correlate2d(x, kernel, mode, long_name)
        np.testing.assert_allclose(matrix @ x.ravel(), want.ravel(), rtol=1e-12, atol=1e-12)
    k1 = kernel[:, 0]  # odd length: 1-D 'same' centres as correlate2d does on one row
    np.testing.assert_allclose(cb.conv_matrix(k1, 5, mode, boundary=long_name) @ x[0],
                               scipy.signal.correlate2d(x[:1], k1[None], mode, long_name)[0],
                               rtol=1e-12, atol=1e-12)


def test_book_edge_detector_280x320_sparse():
    # Figure 9.6: a 280 x 320 input and the kernel [-1, 1] in 'valid' mode
    kernel = np.array([[-1.0, 1.0]])
    matrix = cb.conv_matrix(kernel, (280, 320), sparse=True)
    assert matrix.shape == (280 * 319, 280 * 320)
    assert matrix.nnz == 2 * 319 * 280 == 178_640
    x = np.random.default_rng(6).standard_normal((280, 320))
    # the kernel [-1, 1] takes the difference of horizontal neighbours
    np.testing.assert_allclose(matrix @ x.ravel(), np.diff(x, axis=1).ravel(),
                               rtol=1e-12, atol=1e-12)
    # the dense version would need 320*280*319*280 = 8,003,072,000 entries
    with pytest.raises(ValueError, match=r"89320 x 89600.*GiB.*sparse=True"):
        cb.conv_matrix(kernel, (280, 320))


def test_dtypes_and_explicit_zeros():
    assert cb.conv_matrix(np.ones((2, 2), np.float32), (3, 3)).dtype == np.float32
    assert cb.conv_matrix(np.ones((2, 2), int), (3, 3)).dtype == np.float64
    sparse = cb.conv_matrix([[1.0, 0.0]], (2, 3), sparse=True)
    assert sparse.nnz == 2 * 2 * 2  # the zero weight is a stored (tied) entry
    assert sparse.dtype == np.float64


def test_bad_input():
    with pytest.raises(ValueError, match=r"`input_shape` must be a pair \(H, W\)"):
        cb.conv_matrix(np.ones((2, 2)), 5)
    with pytest.raises(ValueError, match=r"`input_shape` must be an int or a 1-tuple"):
        cb.conv_matrix(np.ones(2), (5, 5))
    with pytest.raises(ValueError, match=r"`input_shape` must be a positive integer"):
        cb.conv_matrix(np.ones((2, 2)), (0, 5))
    with pytest.raises(TypeError, match=r"`input_shape` must be an integer"):
        cb.conv_matrix(np.ones((2, 2)), (4.5, 5))
    with pytest.raises(ValueError, match=r"`kernel` must be 1-D or 2-D"):
        cb.conv_matrix(np.ones((2, 2, 2)), (4, 4))
    with pytest.raises(ValueError, match=r"`kernel` is empty"):
        cb.conv_matrix(np.ones((0, 2)), (4, 4))
    with pytest.raises(TypeError, match=r"`kernel` is complex"):
        cb.conv_matrix(np.ones((2, 2)) * 1j, (4, 4))
    with pytest.raises(ValueError, match=r"^`kernel` spans 3 cells along height but "
                                         r"`input_shape` has only 2; .*mode='full'"):
        cb.conv_matrix(np.ones((3, 3)), (2, 4))
    with pytest.raises(ValueError, match=r"^`kernel` spans 4 cells but `input_shape` has "
                                         r"only 3; .*mode='full'"):
        cb.conv_matrix(np.ones(4), 3)
    with pytest.raises(ValueError, match=r"`mode` must be one of"):
        cb.conv_matrix(np.ones((2, 2)), (4, 4), "circular")
    with pytest.raises(ValueError, match=r"`boundary` must be one of 'fill', 'wrap', 'symm', "
                                         r"'circular', 'symmetric'; got 'zero'"):
        cb.conv_matrix(np.ones((2, 2)), (4, 4), boundary="zero")
    with pytest.raises(TypeError, match=r"`sparse` must be True or False"):
        cb.conv_matrix(np.ones((2, 2)), (4, 4), sparse="yes")


def test_wrapped_taps_on_one_pixel_are_summed():
    # a 5x5 kernel on a 3x3 input with wrap-around: 25 taps land on 9 pixels
    sparse = cb.conv_matrix(np.ones((5, 5)), (3, 3), "same", boundary="wrap", sparse=True)
    assert sparse.has_canonical_format and sparse.nnz == 9 * 9
    np.testing.assert_array_equal(sparse.sum(axis=1), np.full(9, 25.0))
    # per axis, offsets -2..2 from output o wrap onto 3 pixels: o once, o+1 and o+2 twice
    # each; in 2-D the weight is the product of the two axes' counts
    per_axis = np.full((3, 3), 2.0) - np.eye(3)
    dense = cb.conv_matrix(np.ones((5, 5)), (3, 3), "same", boundary="wrap")
    np.testing.assert_array_equal(dense, np.kron(per_axis, per_axis))
    np.testing.assert_array_equal(sparse.toarray(), np.kron(per_axis, per_axis))
