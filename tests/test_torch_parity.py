"""convbook against torch.nn.functional, in float64: conv2d and every pooling kind torch has.

Skipped when torch is not installed (CI runs without it). Each case runs the forward pass
and the backward pass (torch's through autograd) and compares values, argmax indices and
where each gradient goes. Inputs are small integers, so max windows hold ties and the
tie-breaking rule is tested, not just the values.
"""

import itertools

import numpy as np
import pytest

import convbook as cb

torch = pytest.importorskip("torch")
F = torch.nn.functional

TIGHT = dict(rtol=1e-12, atol=1e-12)


def _t(a, grad=False):
    return torch.tensor(np.asarray(a, dtype=np.float64), dtype=torch.float64, requires_grad=grad)


def _tied(rng, shape):
    """Small integers: every window of a few cells is likely to hold a repeated maximum."""
    return rng.integers(-2, 3, size=shape).astype(np.float64)


# --- conv2d ------------------------------------------------------------------------------

CONV_CASES = [  # (N, C, H, W), F, (kH, kW), stride, padding, dilation
    ((2, 3, 7, 6), 4, (3, 3), 1, 0, 1),
    ((2, 3, 7, 6), 4, (3, 2), 2, 1, 1),
    ((1, 2, 9, 8), 3, (3, 3), (2, 1), (1, 2), (2, 1)),
    ((2, 1, 6, 7), 2, (2, 3), 3, 2, (1, 2)),
    ((1, 2, 5, 5), 2, (1, 1), 2, 0, 1),
    ((3, 2, 8, 8), 5, (4, 4), (1, 3), (3, 0), 2),
]


@pytest.mark.parametrize("shape, filters, k, stride, padding, dilation", CONV_CASES)
def test_conv2d_forward_and_backward_match_torch(shape, filters, k, stride, padding, dilation):
    rng = np.random.default_rng(sum(shape) + filters)
    x = rng.standard_normal(shape)
    w = rng.standard_normal((filters, shape[1]) + k)
    b = rng.standard_normal(filters)
    hp = dict(stride=stride, padding=padding, dilation=dilation)
    xt, wt, bt = _t(x, True), _t(w, True), _t(b, True)
    out_t = F.conv2d(xt, wt, bt, **hp)
    out = cb.conv2d(x, w, b, **hp)
    assert out.shape == tuple(out_t.shape)
    np.testing.assert_allclose(out, out_t.detach().numpy(), **TIGHT)
    dout = rng.standard_normal(out.shape)
    out_t.backward(_t(dout))
    dx, dw, db = cb.conv2d_backward(dout, x, w, **hp)
    for name, ours, theirs in (("dx", dx, xt), ("dw", dw, wt), ("db", db, bt)):
        np.testing.assert_allclose(ours, theirs.grad.numpy(), **TIGHT, err_msg=name)


# --- pooling: the arguments torch accepts ------------------------------------------------

def _pool_cases(lengths, sizes, strides):
    """(n, size, stride, padding, ceil_mode) torch accepts: padding <= size // 2, and the
    window fits the padded input."""
    for n, k, s, ceil_mode in itertools.product(lengths, sizes, strides, (False, True)):
        for p in range(k // 2 + 1):
            if k <= n + 2 * p:
                yield n, k, s, p, ceil_mode


POOL1D = list(_pool_cases((1, 2, 5, 7, 8), (1, 2, 3, 4), (1, 2, 3)))
POOL2D = [((h, w), (kh, kw), (sh, sw), (ph, pw), c1)
          for (h, kh, sh, ph, c1), (w, kw, sw, pw, c2)
          in zip(_pool_cases((3, 5, 6), (2, 3, 4), (1, 2, 3)),
                 _pool_cases((4, 7, 5), (3, 2, 4), (2, 3, 1)))
          if c1 == c2]
POOL2D += [((6, 6), 2, 2, 0, False), ((7, 5), 2, 2, 0, True), ((4, 4), 2, 2, 1, True)]


def _ids(cases):
    return [str(c).replace(" ", "") for c in cases]


def _compare_pool(ours_fwd, ours_bwd, torch_fwd, x, dout_seed, **kw):
    """Forward values, and dx from convbook's backward against torch's autograd."""
    xt = _t(x, True)
    out_t = torch_fwd(xt)
    out = ours_fwd(x, **kw)
    assert out.shape == tuple(out_t.shape)
    np.testing.assert_allclose(out, out_t.detach().numpy(), **TIGHT)
    dout = np.random.default_rng(dout_seed).standard_normal(out.shape)
    out_t.backward(_t(dout))
    np.testing.assert_allclose(ours_bwd(dout, x, **kw), xt.grad.numpy(), **TIGHT)


# --- max: values, torch's indices, and where the gradient of a tie goes ------------------

def _check_max(nd, x, size, stride, padding, ceil_mode):
    """Values, torch's argmax indices, and dx from both backward paths (argmax recomputed,
    and the saved indices) against torch's autograd."""
    pool, backward, max_pool = ((cb.pool1d, cb.pool1d_backward, F.max_pool1d) if nd == 1
                                else (cb.pool2d, cb.pool2d_backward, F.max_pool2d))
    hp = dict(padding=padding, ceil_mode=ceil_mode)
    xt = _t(x, True)
    out_t, idx_t = max_pool(xt, size, stride, return_indices=True, **hp)
    out, idx = pool(x, size, stride, kind="max", return_indices=True, **hp)
    np.testing.assert_array_equal(out, out_t.detach().numpy())
    np.testing.assert_array_equal(idx, idx_t.numpy())
    dout = np.random.default_rng(nd).standard_normal(out.shape)
    out_t.backward(_t(dout))
    for indices in (None, idx):
        np.testing.assert_allclose(backward(dout, x, size, stride, indices=indices, **hp),
                                   xt.grad.numpy(), **TIGHT)


@pytest.mark.parametrize("n, size, stride, padding, ceil_mode", POOL1D, ids=_ids(POOL1D))
def test_max_pool1d_matches_torch(n, size, stride, padding, ceil_mode):
    x = _tied(np.random.default_rng(n * 97 + size * 7 + stride), (2, 3, n))
    _check_max(1, x, size, stride, padding, ceil_mode)


@pytest.mark.parametrize("hw, size, stride, padding, ceil_mode", POOL2D, ids=_ids(POOL2D))
def test_max_pool2d_matches_torch(hw, size, stride, padding, ceil_mode):
    x = _tied(np.random.default_rng(sum(hw) * 31), (2, 2) + hw)
    _check_max(2, x, size, stride, padding, ceil_mode)


def test_max_tie_gradient_goes_to_the_first_maximum_in_both():
    # One window, every cell equal: torch and convbook send the whole gradient to cell 0.
    x = np.full((1, 1, 3, 3), 2.0)
    xt = _t(x, True)
    F.max_pool2d(xt, 3).backward(_t(np.full((1, 1, 1, 1), 5.0)))
    want = np.zeros((1, 1, 3, 3))
    want[0, 0, 0, 0] = 5.0
    np.testing.assert_array_equal(xt.grad.numpy(), want)
    np.testing.assert_array_equal(cb.pool2d_backward(np.full((1, 1, 1, 1), 5.0), x, 3), want)


# --- avg with count_include_pad=False -----------------------------------------------------

@pytest.mark.parametrize("n, size, stride, padding, ceil_mode", POOL1D, ids=_ids(POOL1D))
def test_avg_pool1d_matches_torch_without_counting_padding(n, size, stride, padding, ceil_mode):
    x = np.random.default_rng(n + 10 * size).standard_normal((2, 3, n))
    _compare_pool(lambda z, **a: cb.pool1d(z, size, stride, **a),
                  lambda g, z, **a: cb.pool1d_backward(g, z, size, stride, **a),
                  lambda t: F.avg_pool1d(t, size, stride, padding, ceil_mode=ceil_mode,
                                         count_include_pad=False),
                  x, 2, kind="avg", padding=padding, ceil_mode=ceil_mode)


@pytest.mark.parametrize("hw, size, stride, padding, ceil_mode", POOL2D, ids=_ids(POOL2D))
def test_avg_pool2d_matches_torch_without_counting_padding(hw, size, stride, padding,
                                                           ceil_mode):
    x = np.random.default_rng(sum(hw)).standard_normal((2, 2) + hw)
    _compare_pool(lambda z, **a: cb.pool2d(z, size, stride, **a),
                  lambda g, z, **a: cb.pool2d_backward(g, z, size, stride, **a),
                  lambda t: F.avg_pool2d(t, size, stride, padding, ceil_mode=ceil_mode,
                                         count_include_pad=False),
                  x, 3, kind="avg", padding=padding, ceil_mode=ceil_mode)


def test_avg_ceil_mode_window_past_the_edge_divides_by_its_real_cells():
    # Figure 9.10's last window holds 2 of its 3 cells: both divide by 2, not 3.
    row = np.array([[[0.1, 1.0, 0.2, 0.1, 0.0, 0.3]]])
    want = F.avg_pool1d(_t(row), 3, 2, ceil_mode=True, count_include_pad=False).numpy()
    np.testing.assert_allclose(want[0, 0, -1], 0.3 / 2, rtol=1e-15)
    np.testing.assert_allclose(cb.pool1d(row, 3, 2, kind="avg", ceil_mode=True), want,
                               rtol=1e-15)


# --- l2 against lp_pool(norm_type=2), on whole windows -------------------------------------

L2_2D = [((h, w), k, s) for (h, w), k, s in itertools.product(
    ((4, 4), (5, 7), (6, 5)), (2, 3, (2, 3)), (1, 2, (1, 2), (3, 1)))]


@pytest.mark.parametrize("hw, size, stride", L2_2D, ids=_ids(L2_2D))
def test_l2_pool2d_matches_torch_lp_pool2d(hw, size, stride):
    # lp_pool2d has no padding, and its ceil-mode windows past the edge are scaled by
    # avg_pool's divisor; convbook's docstring promises equality on whole windows only.
    # Positive inputs away from 0: torch's gradient of the square root is inf at a zero
    # norm, where convbook documents 0.
    x = np.random.default_rng(sum(hw)).uniform(0.5, 2.0, (2, 2) + hw)
    x[0, 0] *= -1  # the sign does not matter to a norm; its gradient must keep it
    _compare_pool(lambda z, **a: cb.pool2d(z, size, stride, **a),
                  lambda g, z, **a: cb.pool2d_backward(g, z, size, stride, **a),
                  lambda t: F.lp_pool2d(t, 2, size, stride),
                  x, 4, kind="l2")


def test_l2_pool1d_matches_torch_lp_pool1d():
    x = np.random.default_rng(5).uniform(0.5, 2.0, (2, 3, 9))
    for size, stride in ((2, 2), (3, 1), (3, 2), (4, 3)):
        _compare_pool(lambda z, **a: cb.pool1d(z, size, stride, **a),
                      lambda g, z, **a: cb.pool1d_backward(g, z, size, stride, **a),
                      lambda t: F.lp_pool1d(t, 2, size, stride),
                      x, 5, kind="l2")


def test_l2_partial_window_is_where_torch_and_the_docstring_part():
    # Documented difference, not a bug: a ceil-mode window holding 2 of its 3 cells.
    # convbook gives the 2-cell norm (padding adds nothing, "as zeros would"); torch's
    # lp_pool scales that sum of squares by 3/2 (avg_pool's divisor, then times 3).
    row = np.array([[[3.0, 0.0, 0.0, 0.0, 3.0, 4.0]]])   # windows [0:3], [2:5], [4:6]
    ours = cb.pool1d(row, 3, 2, kind="l2", ceil_mode=True)
    theirs = F.lp_pool1d(_t(row), 2, 3, 2, ceil_mode=True).numpy()
    np.testing.assert_allclose(ours, [[[3.0, 3.0, 5.0]]], rtol=1e-15)
    np.testing.assert_allclose(theirs[..., :2], ours[..., :2], rtol=1e-15)
    np.testing.assert_allclose(theirs[..., 2], 5.0 * np.sqrt(3 / 2), rtol=1e-15)
