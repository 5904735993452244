"""convbook.nn: gradients by centred finite differences (float64), the Sequential chain,
optimizers against hand-computed steps, the loss against its formula, TiedLinear against
Conv2d, deterministic training, and a clear error for each kind of bad input."""

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import convbook as cb
from convbook import nn
from naive.gradients import numerical_gradient

F64 = np.float64


def away_from_kinks(x, rng):
    """Random values at least 1e-3 from 0 and from each other (ReLU and max kinks)."""
    flat = rng.permutation(x.size)  # distinct ranks: ties are at least 1e-3 apart
    values = (flat - x.size / 2 + 0.5) * (6.0 / x.size)
    values = np.where(np.abs(values) < 1e-3, 1e-3, values)
    return values.reshape(x.shape)


LAYERS = {  # name: (factory of a float64 layer, input shape)
    "conv": (lambda rng: nn.Conv2d(2, 3, 3, padding=1, rng=rng, dtype=F64), (2, 2, 5, 6)),
    "conv strided": (lambda rng: nn.Conv2d(2, 3, (2, 3), stride=2, padding=(1, 0), rng=rng,
                                           dtype=F64), (2, 2, 5, 7)),
    "conv same nobias": (lambda rng: nn.Conv2d(1, 2, 4, padding="same", bias=False, rng=rng,
                                               dtype=F64), (2, 1, 5, 5)),
    "conv dilated": (lambda rng: nn.Conv2d(2, 2, 2, dilation=2, rng=rng, dtype=F64),
                     (1, 2, 5, 5)),
    "linear": (lambda rng: nn.Linear(5, 4, rng=rng, dtype=F64), (3, 5)),
    "linear nobias": (lambda rng: nn.Linear(5, 4, bias=False, rng=rng, dtype=F64), (3, 5)),
    "relu": (lambda rng: nn.ReLU(), (2, 3, 4)),
    "maxpool": (lambda rng: nn.MaxPool2d(2), (2, 2, 4, 6)),
    "maxpool padded": (lambda rng: nn.MaxPool2d(3, stride=2, padding=1), (2, 2, 5, 6)),
    "maxpool ceil": (lambda rng: nn.MaxPool2d(2, ceil_mode=True), (1, 2, 5, 5)),
    "avgpool padded": (lambda rng: nn.AvgPool2d(3, 2, padding=1), (2, 2, 5, 6)),
    "avgpool ceil": (lambda rng: nn.AvgPool2d(2, ceil_mode=True), (1, 2, 5, 5)),
    "adaptive 1": (lambda rng: nn.AdaptiveAvgPool2d(1), (2, 3, 4, 5)),
    "adaptive 2x3": (lambda rng: nn.AdaptiveAvgPool2d((2, 3)), (2, 2, 5, 7)),
    "adaptive larger": (lambda rng: nn.AdaptiveAvgPool2d(4), (1, 2, 3, 3)),
    "partial pool": (lambda rng: nn.PartialGlobalAvgPool2d(2), (2, 3, 3, 4)),
    "flatten": (lambda rng: nn.Flatten(), (2, 3, 2, 2)),
    "tied": (lambda rng: nn.TiedLinear([[0, 1, -1, 2], [2, -1, 0, 0], [-1, -1, 1, 3]],
                                       [0, 1, 0], rng=rng, dtype=F64), (4, 4)),
    "tied from conv": (lambda rng: nn.TiedLinear.from_conv2d(
        nn.Conv2d(2, 2, 3, stride=2, padding=1, rng=rng, dtype=F64), (5, 4)), (3, 40)),
}


@pytest.mark.parametrize("name", sorted(LAYERS))
def test_gradients_match_finite_differences(name):
    rng = np.random.default_rng(1)
    make, shape = LAYERS[name]
    layer = make(rng)
    x = away_from_kinks(np.empty(shape), rng)
    weights = rng.standard_normal(layer(x).shape)  # L = sum(layer(x) * weights)

    def loss():
        return float((layer(x) * weights).sum())

    layer(x)
    dx = layer.backward(weights)
    grads = dict(layer.grads)
    np.testing.assert_allclose(dx, numerical_gradient(loss, x), rtol=1e-6, atol=1e-8)
    assert set(grads) == {n for _, n in layer.parameters()}
    for _, pname in layer.parameters():
        np.testing.assert_allclose(grads[pname], numerical_gradient(loss, getattr(layer, pname)),
                                   rtol=1e-6, atol=1e-8, err_msg=pname)
    # the parameters' gradients alone (a first layer's backward) are the same
    layer(x)
    assert layer.backward(weights, input_grad=False) is None
    assert set(layer.grads) == set(grads)
    for pname in grads:
        np.testing.assert_allclose(layer.grads[pname], grads[pname], rtol=1e-12, atol=1e-14)


def small_cnn(rng, dtype=F64):
    return nn.Sequential(
        nn.Conv2d(1, 3, 3, padding=1, rng=rng, dtype=dtype), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(3, 4, 3, padding=1, rng=rng, dtype=dtype), nn.ReLU(),
        nn.AdaptiveAvgPool2d(2), nn.Flatten(), nn.Linear(16, 5, rng=rng, dtype=dtype))


def test_sequential_chain_gradients_of_the_loss():
    rng = np.random.default_rng(2)
    model = small_cnn(rng)
    x = rng.random((3, 1, 6, 6))
    y = np.array([0, 4, 2])
    loss, dlogits = nn.cross_entropy(model(x), y)
    dx = model.backward(dlogits)

    def f():
        return nn.cross_entropy(model(x), y)[0]

    np.testing.assert_allclose(dx, numerical_gradient(f, x), rtol=1e-5, atol=1e-9)
    assert len(model.parameters()) == 6
    for layer, name in model.parameters():
        np.testing.assert_allclose(layer.grads[name], numerical_gradient(f, getattr(layer, name)),
                                   rtol=1e-5, atol=1e-9, err_msg=f"{layer!r}.{name}")
    full = [layer.grads[name] for layer, name in model.parameters()]
    model(x)
    assert model.backward(dlogits, input_grad=False) is None
    for (layer, name), g in zip(model.parameters(), full):
        np.testing.assert_allclose(layer.grads[name], g, rtol=1e-12, atol=1e-15)


def test_backward_overwrites_grads():
    layer = nn.Conv2d(1, 2, 3, dtype=F64)
    x = np.random.default_rng(0).random((2, 1, 5, 5))
    dy = np.ones_like(layer(x))
    layer.backward(dy)
    first = {k: v.copy() for k, v in layer.grads.items()}
    layer.backward(dy)
    for k in first:
        np.testing.assert_array_equal(layer.grads[k], first[k])
    layer(x[:1])
    layer.backward(dy[:1])  # a new forward and backward: the grads of that batch only
    assert not np.allclose(layer.grads["weight"], first["weight"])


def test_float32_layers_compute_in_float32():
    model = small_cnn(np.random.default_rng(0), dtype=np.float32)
    x = np.random.default_rng(1).random((2, 1, 6, 6), dtype=np.float32)
    out = model(x)
    assert out.dtype == np.float32
    assert model.backward(np.ones_like(out)).dtype == np.float32
    assert all(layer.grads[n].dtype == np.float32 for layer, n in model.parameters())
    model.to(np.float64)
    assert model.dtype == np.float64 and model(x.astype(F64)).dtype == np.float64


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("kwargs", [dict(padding=1), dict(stride=2, padding="valid"),
                                    dict(padding="same", dilation=2)])
def test_conv2d_layer_is_the_core_conv2d(dtype, kwargs):
    rng = np.random.default_rng(4)
    conv = nn.Conv2d(3, 4, 3, rng=rng, dtype=dtype, **kwargs)
    core = kwargs  # the same arguments for the core functions
    for shape in [(2, 3, 7, 6), (5, 3, 9, 9), (2, 3, 7, 6)]:  # a new shape, then an old one
        x = rng.standard_normal(shape).astype(dtype)
        y = conv(x)
        np.testing.assert_array_equal(y, cb.conv2d(x, conv.weight, conv.bias, **core))
        dy = rng.standard_normal(y.shape).astype(dtype)
        dx, dw, db = cb.conv2d_backward(dy, x, conv.weight, **core)
        np.testing.assert_array_equal(conv.backward(dy), dx)
        np.testing.assert_array_equal(conv.grads["weight"], dw)
        tol = 1e-5 if dtype == np.float32 else 1e-12
        np.testing.assert_allclose(conv.grads["bias"], db, rtol=tol, atol=tol)
        assert y.dtype == dx.dtype == conv.grads["bias"].dtype == dtype


def test_torch_default_initialisation_range_and_determinism():
    conv = nn.Conv2d(4, 50, 3)
    bound = 1 / np.sqrt(4 * 9)
    assert np.abs(conv.weight).max() <= bound and np.abs(conv.bias).max() <= bound
    assert abs(conv.weight.std() - bound / np.sqrt(3)) < 0.05 * bound  # uniform's std
    np.testing.assert_array_equal(conv.weight, nn.Conv2d(4, 50, 3).weight)  # rng=None: seed 0
    rng = np.random.default_rng(5)
    a, b = nn.Linear(3, 3, rng=rng), nn.Linear(3, 3, rng=rng)
    assert not np.array_equal(a.weight, b.weight)  # one generator: independent draws
    assert conv.weight.dtype == np.float32


def test_assigning_parameters_copies_and_casts():
    layer = nn.Linear(2, 2)
    w = np.array([[1.0, 2.0], [3.0, 4.0]])
    layer.weight = w
    w[0, 0] = 100.0
    assert layer.weight[0, 0] == 1.0 and layer.weight.dtype == np.float32
    layer.bias = None
    assert [n for _, n in layer.parameters()] == ["weight"]
    y = layer(np.ones((1, 2), np.float32))
    np.testing.assert_array_equal(y, [[3.0, 7.0]])
    layer.backward(np.ones_like(y))
    assert set(layer.grads) == {"weight"}


def test_cross_entropy_matches_the_direct_formula():
    rng = np.random.default_rng(3)
    logits, targets = rng.standard_normal((6, 4)), rng.integers(0, 4, 6)
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    loss, dlogits = nn.cross_entropy(logits, targets)
    assert loss == pytest.approx(-np.mean(np.log(p[np.arange(6), targets])), rel=1e-12)
    np.testing.assert_allclose(dlogits, numerical_gradient(
        lambda: nn.cross_entropy(logits, targets)[0], logits), rtol=1e-6, atol=1e-10)
    big_loss, big_grad = nn.cross_entropy(logits + 1000.0, targets)  # log-sum-exp: no overflow
    assert big_loss == pytest.approx(loss, rel=1e-9) and np.isfinite(big_grad).all()


def test_sgd_momentum_and_weight_decay_by_hand():
    layer = nn.Linear(2, 1, dtype=F64)
    p0 = np.array([[1.0, -2.0]])
    layer.weight, layer.bias = p0, [0.5]
    g1, g2 = np.array([[0.3, 0.1]]), np.array([[-0.2, 0.4]])
    lr, mu, wd = 0.1, 0.9, 0.01
    opt = nn.SGD(layer, lr, momentum=mu, weight_decay=wd)
    layer.grads = {"weight": g1, "bias": np.array([1.0])}
    opt.step()
    v1 = g1 + wd * p0
    p1 = p0 - lr * v1
    np.testing.assert_allclose(layer.weight, p1, rtol=1e-15)
    assert layer.bias[0] == pytest.approx(0.5 - lr * (1.0 + wd * 0.5), rel=1e-15)
    layer.grads = {"weight": g2, "bias": np.array([1.0])}
    opt.step()
    v2 = mu * v1 + g2 + wd * p1
    np.testing.assert_allclose(layer.weight, p1 - lr * v2, rtol=1e-15)


def test_adam_by_hand():
    layer = nn.Linear(3, 1, bias=False, dtype=F64)
    p0 = np.array([[0.5, -1.0, 2.0]])
    layer.weight = p0
    lr, (b1, b2), eps = 0.01, (0.9, 0.999), 1e-8
    opt = nn.Adam(layer, lr)
    g1, g2 = np.array([[0.3, -4.0, 1e-3]]), np.array([[-0.1, 2.0, 0.5]])
    layer.grads = {"weight": g1}
    opt.step()
    # the first step moves each parameter by lr against its gradient's sign (m/sqrt(v) = +-1)
    np.testing.assert_allclose(layer.weight, p0 - lr * g1 / (np.abs(g1) + eps), rtol=1e-14)
    layer.grads = {"weight": g2}
    opt.step()
    m = b1 * (1 - b1) * g1 + (1 - b1) * g2
    v = b2 * (1 - b2) * g1**2 + (1 - b2) * g2**2
    m_hat, v_hat = m / (1 - b1**2), v / (1 - b2**2)
    expected = p0 - lr * g1 / (np.abs(g1) + eps) - lr * m_hat / (np.sqrt(v_hat) + eps)
    np.testing.assert_allclose(layer.weight, expected, rtol=1e-13)


def test_fit_is_deterministic_under_a_seed_and_learns_digits():
    x, y = cb.data.digits()

    def run(seed):
        rng = np.random.default_rng(seed)
        model = nn.Sequential(nn.Flatten(), nn.Linear(64, 10, rng=rng))
        history = nn.fit(model, nn.SGD(model, 0.5, momentum=0.9), x, y, epochs=3,
                         batch_size=64, rng=rng)
        return model, history

    (m1, h1), (m2, h2), (_, h3) = run(0), run(0), run(1)
    assert h1 == h2
    np.testing.assert_array_equal(m1[1].weight, m2[1].weight)
    assert h3 != h1
    assert h1["loss"][-1] < h1["loss"][0] and h1["accuracy"][-1] > 0.9
    loss, accuracy = nn.evaluate(m1, x, y)
    assert accuracy > 0.9 and loss < 0.5


def test_fit_verbose_prints_one_coarse_line_per_epoch(capsys):
    x, y = cb.data.digits()
    model = nn.Sequential(nn.Flatten(), nn.Linear(64, 10))
    nn.fit(model, nn.SGD(model, 0.1), x[:100], y[:100], epochs=2, verbose=True)
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and lines[0].startswith("epoch 1/2: loss ") and lines[1].endswith("%")


def test_evaluate_leaves_parameters_alone():
    x, y = cb.data.digits()
    model = small_cnn(np.random.default_rng(0), dtype=np.float32)
    model.layers[-1] = nn.Linear(16, 10)
    before = [getattr(layer, n).copy() for layer, n in model.parameters()]
    nn.evaluate(model, x[:50], y[:50])
    for (layer, n), b in zip(model.parameters(), before):
        np.testing.assert_array_equal(getattr(layer, n), b)


# --- convolution = dense layer + mask + tying (section 9.4) -------------------------------

@given(c=st.integers(1, 2), f=st.integers(1, 3), kh=st.integers(1, 3), kw=st.integers(1, 3),
       h=st.integers(1, 6), w=st.integers(1, 6), stride=st.integers(1, 3),
       padding=st.integers(0, 2), dilation=st.integers(1, 2), bias=st.booleans())
def test_tied_linear_from_conv2d_equals_conv2d(c, f, kh, kw, h, w, stride, padding, dilation,
                                                bias):
    assume(h + 2 * padding >= dilation * (kh - 1) + 1)
    assume(w + 2 * padding >= dilation * (kw - 1) + 1)
    rng = np.random.default_rng(0)
    conv = nn.Conv2d(c, f, (kh, kw), stride, padding, bias, dilation=dilation, rng=rng,
                     dtype=F64)
    dense = nn.TiedLinear.from_conv2d(conv, (h, w))
    x = rng.standard_normal((2, c, h, w))
    y = conv(x)
    np.testing.assert_allclose(dense(x.reshape(2, -1)), y.reshape(2, -1), atol=1e-12)
    dy = rng.standard_normal(y.shape)
    np.testing.assert_allclose(dense.backward(dy.reshape(2, -1)),
                               conv.backward(dy).reshape(2, -1), atol=1e-12)
    np.testing.assert_allclose(dense.grads["weight"], conv.grads["weight"].ravel(), atol=1e-12)
    if bias:
        np.testing.assert_allclose(dense.grads["bias"], conv.grads["bias"], atol=1e-12)
    # conv's weight gradient alone (input_grad=False) is computed another way: the same
    full = dict(conv.grads)
    assert conv.backward(dy, input_grad=False) is None
    for name in full:
        np.testing.assert_allclose(conv.grads[name], full[name], atol=1e-12)
    # the untied version (a locally connected layer) starts from the same function
    if (dense.ties >= 0).any():  # untied, a layer needs at least one weight
        local = nn.TiedLinear.from_conv2d(conv, (h, w), tied=False)
        np.testing.assert_allclose(local(x.reshape(2, -1)), y.reshape(2, -1), atol=1e-12)


def test_conv_ties_is_conv_matrix_pattern():
    # one channel, 'valid': the tie pattern is the doubly block Toeplitz matrix of 9.1
    ties, bias_ties = nn.conv_ties(1, 1, (2, 3), (4, 5))
    kernel = np.arange(1.0, 7.0).reshape(2, 3)
    dense = np.where(ties >= 0, kernel.ravel()[ties], 0)
    np.testing.assert_array_equal(dense, cb.conv_matrix(kernel, (4, 5)))
    assert (bias_ties == 0).all()
    untied, untied_bias = nn.conv_ties(1, 1, (2, 3), (4, 5), tied=False)
    assert ((untied >= 0) == (ties >= 0)).all()
    assert sorted(untied[untied >= 0]) == list(range((ties >= 0).sum()))
    np.testing.assert_array_equal(untied_bias, np.arange(ties.shape[0]))


def test_training_the_tied_dense_layer_equals_training_conv2d():
    x, y = cb.data.digits(F64)
    x, y = x[:256], y[:256]
    rng = np.random.default_rng(0)
    conv = nn.Conv2d(1, 4, 3, stride=1, padding=1, rng=rng, dtype=F64)
    head = nn.Linear(4 * 64, 10, rng=rng, dtype=F64)
    tied = nn.TiedLinear.from_conv2d(conv, (8, 8))
    head_copy = nn.Linear(4 * 64, 10, dtype=F64)
    head_copy.weight, head_copy.bias = head.weight, head.bias
    conv_model = nn.Sequential(conv, nn.ReLU(), nn.Flatten(), head)
    dense_model = nn.Sequential(nn.Flatten(), tied, nn.ReLU(), head_copy)
    for model in (conv_model, dense_model):
        nn.fit(model, nn.SGD(model, 0.1, momentum=0.9), x, y, epochs=3, batch_size=32,
               rng=np.random.default_rng(7))
    assert not np.allclose(conv.weight.ravel(), nn.Conv2d(1, 4, 3, rng=np.random.default_rng(0),
                                                          dtype=F64).weight.ravel())  # it moved
    np.testing.assert_allclose(tied.weight, conv.weight.ravel(), rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(tied.bias, conv.bias, rtol=1e-10, atol=1e-13)
    np.testing.assert_allclose(head_copy.weight, head.weight, rtol=1e-10, atol=1e-13)


def test_untied_copies_drift_apart_when_trained():
    x, y = cb.data.digits(F64)
    rng = np.random.default_rng(0)
    conv = nn.Conv2d(1, 2, 3, padding=1, rng=rng, dtype=F64)
    local = nn.TiedLinear.from_conv2d(conv, (8, 8), tied=False)
    model = nn.Sequential(nn.Flatten(), local, nn.ReLU(), nn.Linear(128, 10, rng=rng, dtype=F64))
    nn.fit(model, nn.SGD(model, 0.1), x[:128], y[:128], rng=rng)
    w, conv_pattern = local.dense_weight(), nn.conv_ties(1, 2, 3, (8, 8), padding=1)[0]
    centre = w[conv_pattern == 4]  # filter 0's centre tap, at each of the 64 positions
    assert np.ptp(centre) > 1e-3  # no longer one shared value
    np.testing.assert_array_equal(w[conv_pattern < 0], 0)  # the mask still holds


def test_partial_pool_keeps_positions_of_unpooled_channels():
    x = np.zeros((2, 3, 4, 4))
    x[0, :, 0, 0] = 1.0
    x[1, :, 3, 3] = 1.0  # the same blob, moved
    out = nn.PartialGlobalAvgPool2d(1)(x)
    assert out.shape == (2, 1 + 2 * 16)
    assert out[0, 0] == out[1, 0] == 1 / 16  # the pooled channel cannot tell them apart
    assert not np.array_equal(out[0, 1:], out[1, 1:])  # the others can
    np.testing.assert_array_equal(nn.PartialGlobalAvgPool2d(3)(x)[:, :3],
                                  cb.adaptive_pool2d(x, 1, kind="avg")[:, :, 0, 0])


@given(h=st.integers(1, 9), w=st.integers(1, 9), oh=st.integers(1, 5), ow=st.integers(1, 5))
def test_adaptive_avg_backward_is_the_adjoint(h, w, oh, ow):
    rng = np.random.default_rng(h * 100 + w * 10 + oh)
    pool = nn.AdaptiveAvgPool2d((oh, ow))
    x, dy = rng.standard_normal((2, 3, h, w)), rng.standard_normal((2, 3, oh, ow))
    y = pool(x)
    np.testing.assert_allclose(y, cb.adaptive_pool2d(x, (oh, ow), kind="avg"), atol=1e-12)
    # <pool(x), dy> = <x, pool^T dy>, for a linear map: the backward is its transpose
    assert np.sum(y * dy) == pytest.approx(np.sum(x * pool.backward(dy)), rel=1e-10, abs=1e-12)


# --- bad input ------------------------------------------------------------------------------

def _conv():
    return nn.Conv2d(2, 3, 3)


BAD = [
    ("x ndim", lambda: _conv()(np.ones((2, 5, 5), np.float32)), ValueError, "`x` must be 4-D"),
    ("x channels", lambda: _conv()(np.ones((1, 3, 5, 5), np.float32)), ValueError,
     "`x` has 3 channels"),
    ("x dtype", lambda: _conv()(np.ones((1, 2, 5, 5))), TypeError, "`x` has dtype float64"),
    ("x int", lambda: nn.Linear(2, 2)(np.ones((1, 2), int)), TypeError, "`x` has dtype"),
    ("x too small", lambda: _conv()(np.ones((1, 2, 2, 2), np.float32)), ValueError, "`w`"),
    ("x masked", lambda: nn.Linear(2, 2)(np.ma.ones((1, 2), np.float32)), TypeError,
     "`x` is a masked array"),
    ("x empty", lambda: nn.Linear(2, 2)(np.ones((0, 2), np.float32)), ValueError,
     "`x` is empty"),
    ("x complex", lambda: nn.ReLU()(np.ones(2, complex)), TypeError, "`x`"),
    ("linear features", lambda: nn.Linear(4, 2)(np.ones((3, 5), np.float32)), ValueError,
     "`x` has 5 features"),
    ("linear images", lambda: nn.Linear(4, 2)(np.ones((3, 1, 2, 2), np.float32)), ValueError,
     "Flatten"),
    ("backward first", lambda: _conv().backward(np.ones((1, 3, 3, 3), np.float32)), ValueError,
     "`dy`.*before any forward"),
    ("input_grad flag", lambda: _ran(_conv(), (1, 2, 5, 5)).backward(
        np.ones((1, 3, 3, 3), np.float32), input_grad="no"), TypeError, "`input_grad`"),
    ("relu backward first", lambda: nn.ReLU().backward(np.ones(3)), ValueError,
     "before any forward"),
    ("sequential backward first", lambda: nn.Sequential(nn.ReLU()).backward(np.ones(3)),
     ValueError, "before any forward"),
    ("dy shape", lambda: _ran(_conv(), (1, 2, 5, 5)).backward(np.ones((1, 3, 2, 2), np.float32)),
     ValueError, r"`dy` has shape \(1, 3, 2, 2\).*\(1, 3, 3, 3\)"),
    ("dy dtype", lambda: _ran(_conv(), (1, 2, 5, 5)).backward(np.ones((1, 3, 3, 3))),
     TypeError, "`dy` has dtype float64"),
    ("pool dy shape", lambda: _ran(nn.MaxPool2d(2), (1, 2, 4, 4)).backward(
        np.ones((1, 2, 3, 3), np.float32)), ValueError, "`dy` has shape"),
    ("weight shape", lambda: setattr(_conv(), "weight", np.ones((3, 2, 2, 2))), ValueError,
     r"`Conv2d.weight` must have shape \(3, 2, 3, 3\)"),
    ("bias shape", lambda: setattr(nn.Linear(2, 3), "bias", np.ones(2)), ValueError,
     "`Linear.bias`"),
    ("weight complex", lambda: setattr(nn.Linear(2, 3), "weight", np.ones((3, 2), complex)),
     TypeError, "`Linear.weight`"),
    ("in_channels", lambda: nn.Conv2d(0, 3, 3), ValueError, "`in_channels`"),
    ("kernel_size", lambda: nn.Conv2d(1, 3, (3, 3, 3)), ValueError, "`kernel_size`"),
    ("padding string", lambda: nn.Conv2d(1, 3, 3, padding="full"), ValueError, "`padding`"),
    ("same strided", lambda: nn.Conv2d(1, 3, 3, stride=2, padding="same"), ValueError,
     "`padding='same'`"),
    ("bias flag", lambda: nn.Conv2d(1, 3, 3, bias="yes"), TypeError, "`bias`"),
    ("dtype", lambda: nn.Linear(2, 2, dtype=np.int32), TypeError, "`dtype`"),
    ("to dtype", lambda: nn.Linear(2, 2).to(np.float16), TypeError, "`dtype`"),
    ("rng", lambda: nn.Linear(2, 2, rng=0), TypeError, "`rng`"),
    ("pool padding", lambda: nn.MaxPool2d(2, padding=2), ValueError, "`padding`"),
    ("pool ceil flag", lambda: nn.AvgPool2d(2, ceil_mode=1), TypeError, "`ceil_mode`"),
    ("pool window", lambda: nn.MaxPool2d(3)(np.ones((1, 1, 2, 2))), ValueError, "`size`"),
    ("pool 3-D", lambda: nn.MaxPool2d(2)(np.ones((1, 4, 4))), ValueError, r"x\[None\]"),
    ("adaptive size", lambda: nn.AdaptiveAvgPool2d(0), ValueError, "`output_size`"),
    ("partial channels", lambda: nn.PartialGlobalAvgPool2d(4)(np.ones((1, 3, 2, 2))),
     ValueError, "pools 4"),
    ("flatten 1-D", lambda: nn.Flatten()(np.ones(3)), ValueError, "`x` must have a batch"),
    ("sequential empty", lambda: nn.Sequential(), ValueError, "`layers`"),
    ("sequential non-layer", lambda: nn.Sequential(nn.ReLU(), np.ones), TypeError,
     r"`layers\[1\]`"),
    ("ties float", lambda: nn.TiedLinear(np.ones((2, 2))), TypeError, "`ties`"),
    ("ties below -1", lambda: nn.TiedLinear([[0, -2]]), ValueError, "`ties`"),
    ("ties all masked", lambda: nn.TiedLinear([[-1, -1]]), ValueError, "`ties`"),
    ("bias_ties length", lambda: nn.TiedLinear([[0, 1]], [0, 0]), ValueError, "`bias_ties`"),
    ("num_weights", lambda: nn.TiedLinear([[0, 3]], num_weights=2), ValueError, "`num_weights`"),
    ("from_conv2d", lambda: nn.TiedLinear.from_conv2d(nn.Linear(2, 2), (3, 3)), TypeError,
     "`conv`"),
    ("untied all padding", lambda: nn.TiedLinear.from_conv2d(
        nn.Conv2d(1, 1, 1, stride=2, padding=1), (1, 1), tied=False), ValueError, "`padding`"),
    ("conv_ties too small", lambda: nn.conv_ties(1, 1, 5, (3, 3)), ValueError,
     "`kernel_size` spans 5"),
    ("tied features", lambda: nn.TiedLinear([[0, 1]])(np.ones((1, 3), np.float32)), ValueError,
     "`x` has 3 features"),
    ("logits 1-D", lambda: nn.cross_entropy(np.ones(3), [0]), ValueError, "`logits`"),
    ("targets float", lambda: nn.cross_entropy(np.ones((2, 3)), [0.0, 1.0]), ValueError,
     "`targets`"),
    ("targets range", lambda: nn.cross_entropy(np.ones((2, 3)), [0, 3]), ValueError,
     r"`targets`.*\[0, 3\)"),
    ("targets length", lambda: nn.cross_entropy(np.ones((2, 3)), [0]), ValueError, "`targets`"),
    ("optimizer model", lambda: nn.SGD([np.ones(2)], 0.1), TypeError, "`model`"),
    ("lr", lambda: nn.SGD(nn.Linear(2, 2), -1.0), ValueError, "`lr`"),
    ("lr type", lambda: nn.Adam(nn.Linear(2, 2), "fast"), TypeError, "`lr`"),
    ("momentum", lambda: nn.SGD(nn.Linear(2, 2), 0.1, momentum=float("nan")), ValueError,
     "`momentum`"),
    ("betas", lambda: nn.Adam(nn.Linear(2, 2), betas=(0.9, 1.0)), ValueError, "`betas`"),
    ("step first", lambda: nn.SGD(nn.Linear(2, 2), 0.1).step(), ValueError,
     "`model`.*no gradient"),
    ("fit labels", lambda: _fit(np.ones((4, 2), np.float32), [0, 1]), ValueError, "`y`"),
    ("fit batch", lambda: _fit(np.ones((2, 2), np.float32), [0, 1], batch_size=0), ValueError,
     "`batch_size`"),
    ("fit verbose", lambda: _fit(np.ones((2, 2), np.float32), [0, 1], verbose="no"),
     TypeError, "`verbose`"),
]


def _ran(layer, shape):
    layer(np.ones(shape, np.float32))
    return layer


def _fit(x, y, **kwargs):
    model = nn.Linear(2, 2)
    return nn.fit(model, nn.SGD(model, 0.1), x, y, **kwargs)


@pytest.mark.parametrize("name, call, error, match", BAD, ids=[b[0] for b in BAD])
def test_bad_input_gets_a_clear_error(name, call, error, match):
    with pytest.raises(error, match=match):
        call()
