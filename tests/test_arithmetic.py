"""Output sizes, receptive fields and costs, each against an independent count."""

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

import convbook as cb


def count_windows(n, k, stride, padding, dilation, ceil_mode):
    """Brute force: walk the window starts over the padded axis and count the kept ones."""
    span = dilation * (k - 1) + 1
    count, start = 0, 0
    while True:
        full = start + span <= n + 2 * padding
        # ceil mode also keeps a partial last window if the previous one did not reach the
        # end, and (torch's rule) drops any window that starts in the right padding.
        partial = ceil_mode and start - stride + span < n + 2 * padding
        in_reach = not ceil_mode or start < n + padding
        if not ((full or partial) and in_reach):
            return count
        count += 1
        start += stride


@given(n=st.integers(1, 40), k=st.integers(1, 7), stride=st.integers(1, 5),
       padding=st.integers(0, 3), dilation=st.integers(1, 3), ceil_mode=st.booleans())
def test_conv_output_size_matches_a_walk_over_the_windows(n, k, stride, padding, dilation, ceil_mode):
    span = dilation * (k - 1) + 1
    if span > n + 2 * padding:
        with pytest.raises(ValueError, match=rf"`k` spans {span} cells but .*`n` has only "
                                             rf"{n + 2 * padding}.*use a smaller k or dilation"):
            cb.conv_output_size(n, k, stride=stride, padding=padding, dilation=dilation)
    else:
        got = cb.conv_output_size(n, k, stride=stride, padding=padding, dilation=dilation,
                                  ceil_mode=ceil_mode)
        assert got == count_windows(n, k, stride, padding, dilation, ceil_mode)


@given(n=st.integers(1, 30), k=st.integers(1, 5), stride=st.integers(1, 4),
       ceil_mode=st.booleans(), data=st.data())
def test_pooling_and_conv2d_output_lengths_match_a_walk_over_the_windows(n, k, stride,
                                                                         ceil_mode, data):
    # the three share _geometry.output_length: each is checked against the walk instead
    padding = data.draw(st.integers(0, k // 2))
    assume(k <= n + 2 * padding)
    size = count_windows(n, k, stride, padding, 1, ceil_mode)
    assert cb.conv_output_size(n, k, stride=stride, padding=padding, ceil_mode=ceil_mode) == size
    pooled = cb.pool1d(np.zeros((1, n)), k, stride, padding=padding, ceil_mode=ceil_mode)
    assert pooled.shape[-1] == size
    if not ceil_mode:
        out = cb.conv2d(np.zeros((1, 1, 1, n)), np.zeros((1, 1, 1, k)), stride=(1, stride),
                        padding=(0, padding))
        assert out.shape[-1] == size


def test_book_numbers():
    assert cb.conv_output_size(320, 2) == 319                       # Figure 9.6
    assert cb.conv_output_size(6, 3, stride=2) == 2                  # Figure 9.10 drops ...
    assert cb.conv_output_size(6, 3, stride=2, ceil_mode=True) == 3  # ... or keeps the last
    assert cb.conv_output_size(96, 8) == 89                          # the note: 96 - 8 + 1
    assert cb.conv_output_size(1000, 10, stride=10) == 100           # the note: stride 10
    assert cb.conv_output_size(1000, 10, stride=8) == 124            # stride 8, left uncomputed


def probe_receptive_field(layers):
    """Brute force: send an impulse through each input pixel of a 1-D conv2d chain and
    return the extent (last minus first plus one) of the pixels that reach the first unit
    of the last layer. Dilation can leave holes inside that extent."""
    length = cb.receptive_field(layers) + 16
    reached = []
    for i in range(length):
        x = np.zeros((1, 1, 1, length))
        x[..., i] = 1.0
        for k, s, *d in layers:
            x = cb.conv2d(x, np.ones((1, 1, 1, k)), stride=(1, s), dilation=(1, d[0] if d else 1))
        if x[0, 0, 0, 0] > 0:
            reached.append(i)
    return reached[-1] - reached[0] + 1


@given(st.lists(st.tuples(st.integers(1, 4), st.integers(1, 3), st.integers(1, 2)),
                min_size=1, max_size=3))
def test_receptive_field_matches_an_impulse_probe(layers):
    assert cb.receptive_field(layers) == probe_receptive_field(layers)


def test_receptive_field_figure_9_4():
    assert cb.receptive_field([(3, 1), (3, 1)]) == 5          # g3 sees x1..x5
    assert cb.receptive_field([(3, 2), (3, 1)]) == 7          # a stride makes it grow faster
    assert probe_receptive_field([(3, 2), (3, 1)]) == 7


def costs_from_matrix(matrix, tied):
    """Parameters and operations read off a layer's matrix: one operation per product, one
    per addition; tied entries are one parameter, untied ones each their own."""
    dense = matrix.toarray() if hasattr(matrix, "toarray") else np.asarray(matrix)
    nonzero = dense[dense != 0]
    params = len(np.unique(nonzero)) if tied else nonzero.size
    per_row = np.count_nonzero(dense, axis=1)
    return params, int(np.sum(2 * per_row - 1))


@given(h=st.integers(2, 9), w=st.integers(2, 9), kh=st.integers(1, 3), kw=st.integers(1, 3))
def test_costs_match_counts_taken_from_built_matrices(h, w, kh, kw):
    assume(kh <= h and kw <= w)
    kernel = np.arange(1.0, kh * kw + 1).reshape(kh, kw)   # distinct values: ties visible
    matrix = cb.conv_matrix(kernel, (h, w))
    conv = cb.conv_layer_cost((h, w), (kh, kw), bias=False)
    local = cb.local_layer_cost((h, w), (kh, kw), bias=False)
    assert (conv.params, conv.flops) == costs_from_matrix(matrix, tied=True)
    assert (local.params, local.flops) == costs_from_matrix(matrix, tied=False)
    dense = cb.dense_layer_cost(h * w, matrix.shape[0], bias=False)
    assert (dense.params, dense.flops) == costs_from_matrix(np.ones(matrix.shape), tied=False)
    # A bias adds one parameter per filter (shared) or per unit (local), one addition per unit.
    units = matrix.shape[0]
    assert cb.conv_layer_cost((h, w), (kh, kw)).params == conv.params + 1
    assert cb.local_layer_cost((h, w), (kh, kw)).params == local.params + units
    assert cb.conv_layer_cost((h, w), (kh, kw)).flops == conv.flops + units


def test_figure_9_6_edge_detector_costs():
    conv = cb.conv_layer_cost((280, 320), (1, 2), bias=False)
    dense = cb.dense_layer_cost(280 * 320, 280 * 319, bias=False)
    assert conv.output_shape == (1, 280, 319)
    assert conv.flops == 319 * 280 * 3 == 267_960
    assert dense.params == 320 * 280 * 319 * 280 == 8_003_072_000
    assert 1.5e10 < dense.flops < 1.7e10                  # "about 1.6e10 operations"
    assert 55_000 < dense.flops / conv.flops < 65_000     # "about 60,000 times more"
    assert cb.conv_matrix(np.array([[-1.0, 1.0]]), (280, 320), sparse=True).nnz == 178_640


def test_the_notes_parameter_counts():
    assert cb.dense_layer_cost(1000 * 1000, 1000 * 1000, bias=False).params == 10**12
    # 10**6 units needs 'same' output; symmetric padding of an even kernel misses it by one.
    same = dict(padding=(5, 5))  # 1000 + 2*5 - 10 + 1 = 1001
    assert cb.local_layer_cost((1000, 1000), (10, 10), bias=False).params == 991**2 * 100
    assert cb.conv_layer_cost((1000, 1000), (10, 10), bias=False).params == 100
    assert cb.conv_layer_cost((1000, 1000), (10, 10), out_channels=100, bias=False).params == 10**4
    assert cb.conv_layer_cost((1000, 1000), (10, 10), out_channels=100).params == 10_100
    assert cb.conv_layer_cost((1000, 1000), (10, 10), **same).output_shape == (1, 1001, 1001)


def test_one_dimensional_layers():
    cost = cb.conv_layer_cost(10, 3, padding=1, stride=2)
    assert cost.output_shape == (1, 5)
    assert cost.params == 4


@pytest.mark.parametrize("call, match", [
    (lambda: cb.conv_output_size(5, 3, stride=0), "`stride` must be a positive integer"),
    (lambda: cb.conv_output_size(5, 0), "`k` must be a positive integer"),
    (lambda: cb.conv_output_size(5, 3, padding=-1), "`padding` must be zero or a positive"),
    (lambda: cb.conv_output_size(5, 3, stride=1.5), "`stride` must be an integer"),
    (lambda: cb.conv_output_size(5, 3, stride=True), "`stride` must be an integer"),
    (lambda: cb.conv_output_size(2, 5), r"^`k` spans 5 cells but `n` has only 2; use a smaller k"),
    (lambda: cb.conv_output_size(2, 3, dilation=2, padding=1),
     r"^`k` spans 5 cells but the padded `n` has only 4 \(2 \+ 2 \* padding 1\); use a smaller"),
    (lambda: cb.receptive_field([(3,)]), r"layers\[0\].*got \(3,\); e\.g\. \(3, 1\)"),
    (lambda: cb.receptive_field([(3, 0)]), r"layers\[0\] stride"),
    (lambda: cb.receptive_field(3), r"sequence of .*got 3; e\.g\."),
    (lambda: cb.conv_layer_cost((5, 5), (3, 3), stride=(1, 2, 3)), "pair"),
    (lambda: cb.dense_layer_cost(0, 3), "`n_in`"),
])
def test_bad_input_names_the_argument(call, match):
    with pytest.raises((ValueError, TypeError), match=match):
        call()
