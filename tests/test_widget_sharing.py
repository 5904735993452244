"""The sharing widget (section 9.2, Figure 9.5, the note's 1000x1000 example).

The counts the widget shows are read off matrices it built; here they must equal the
arithmetic of ``sharing_counts`` and of ``cb.*_layer_cost`` at every setting, the
matrices must compute what ``cb.conv2d`` and ``cb.local2d`` compute, and the note's
numbers are recounted with loops.
"""

import itertools

import numpy as np
import pytest

import convbook as cb
from convbook.widgets.sharing import (KINDS, sharing_counts, sharing_demo, sharing_figure,
                                      sharing_state)
from widget_pictures import (assert_same_picture, assert_texts_readable, drawn_texts,
                             figure_pixels, pixels)

SETTINGS = list(itertools.product(KINDS, range(3, 7), range(1, 4), range(1, 4), range(1, 3)))


@pytest.mark.parametrize("kind", KINDS)
def test_every_setting_counts_equal_the_arithmetic(kind):
    rng = np.random.default_rng(0)
    for _, size, k, f, stride in (s for s in SETTINGS if s[0] == kind):
        s = sharing_state(kind, size, k, f, stride)
        o = (size - k) // stride + 1
        units = f * o * o
        assert s["ids"].shape == s["values"].shape == (units, size * size)
        counts = sharing_counts(kind, (size, size), (k, k), filters=f, stride=stride)
        for key in ("entries", "nonzeros", "params", "biases", "params_with_bias", "mult_adds"):
            assert s[key] == counts[key], (key, size, k, f, stride)
        assert counts["hidden_units"] == units and counts["out_shape"] == s["out_shape"]
        cost = {"conv": cb.conv_layer_cost((size, size), (k, k), out_channels=f, stride=stride),
                "local": cb.local_layer_cost((size, size), (k, k), out_channels=f,
                                             stride=stride),
                "dense": cb.dense_layer_cost(size * size, units)}[kind]
        assert s["params_with_bias"] == cost.params
        # arithmetic.py counts k products as k multiplications and k - 1 additions,
        # plus one for the bias: one multiply-add per non-zero, and one add per output.
        assert cost.flops == 2 * s["mult_adds"]
        # The matrix computes the layer it stands for.
        x = rng.standard_normal((1, 1, size, size))
        w = s["values"]
        if kind == "conv":
            kernels = (np.arange(f * k * k, dtype=float) + 1).reshape(f, 1, k, k)
            expected = cb.conv2d(x, kernels, stride=stride).ravel()
        elif kind == "local":
            ids = (np.arange(f * o * o * k * k, dtype=float) + 1).reshape(f, o, o, 1, k, k)
            expected = cb.local2d(x, ids.transpose(1, 2, 0, 3, 4, 5), stride=stride).ravel()
        else:
            expected = w @ x.ravel()
        np.testing.assert_allclose(w @ x.ravel(), expected, rtol=1e-12)
        # Ids: tied entries in conv only; structural zeros where the windows miss.
        held = s["ids"][s["ids"] >= 0]
        if kind == "conv":
            assert s["params"] == f * k * k and held.size == units * k * k
        else:
            assert np.unique(held).size == held.size


def test_conv_ids_are_taps_of_one_filter():
    s = sharing_state("conv", size=5, kernel=3, filters=2, stride=2)
    ids, (o, _) = s["ids"], s["out_shape"]
    for row in range(ids.shape[0]):
        f, position = divmod(row, o * o)
        r, c = divmod(position, o)
        for m, n in itertools.product(range(3), range(3)):
            pixel = (2 * r + m) * 5 + (2 * c + n)
            assert ids[row, pixel] == f * 9 + m * 3 + n


def windows(n, k, stride, before, after):
    """Output positions along one axis, by walking the window over the padded input."""
    count, start = 0, 0
    while start + k <= n + before + after:
        count, start = count + 1, start + stride
    return count


def test_the_notes_1000_by_1000_numbers_recounted():
    kw = dict(image=(1000, 1000), kernel=(10, 10))
    dense = sharing_counts("dense", padding="same", **kw)
    assert dense["hidden_units"] == 10**6 and dense["params"] == 10**12
    assert sharing_counts("local", padding="same", **kw)["params"] == 10**8
    assert sharing_counts("conv", padding="same", **kw)["params"] == 100
    assert sharing_counts("conv", padding="same", filters=100, **kw)["params"] == 10**4
    valid = sharing_counts("conv", filters=100, **kw)
    assert valid["out_shape"] == (991, 991) and valid["params_with_bias"] == 10_100
    assert windows(1000, 10, 1, 0, 0) == 991 and windows(1000, 10, 1, 4, 5) == 1000
    for stride, side in ((10, 100), (8, 124)):
        counts = sharing_counts("conv", stride=stride, **kw)
        assert counts["out_shape"] == (side, side) == (windows(1000, 10, stride, 0, 0),) * 2
        assert counts["positions"] == side * side  # 10,000 and 15,376
    assert sharing_counts("conv", stride=8, **kw)["positions"] == 15_376
    assert cb.local_layer_cost((1000, 1000), (10, 10), bias=False).params == \
        sharing_counts("local", **kw)["params"] == 991**2 * 100


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("size, k", [(5, 2), (6, 3), (4, 1), (3, 3)])
def test_same_padding_nonzeros_match_the_library_matrix(kind, size, k):
    """With padding, taps on the zeros are no entries of W: conv_matrix stores none."""
    counts = sharing_counts(kind, (size, size), (k, k), filters=2, padding="same")
    assert counts["out_shape"] == (size, size)
    stored = np.count_nonzero(cb.conv_matrix(np.ones((k, k)), (size, size), "same"))
    assert counts["nonzeros"] == (2 * size**4 if kind == "dense" else 2 * stored)
    loops = sum(1 for i, j, m, n in itertools.product(range(size), range(size), range(k),
                                                      range(k))
                if 0 <= i - (k - 1) // 2 + m < size and 0 <= j - (k - 1) // 2 + n < size)
    assert kind == "dense" or counts["nonzeros"] == 2 * loops


@pytest.mark.parametrize("call, error, words", [
    (lambda: sharing_state(kind="shared"), ValueError, "`kind` must be one of"),
    (lambda: sharing_state(size=7), ValueError, "`size` must be from 3 to 6"),
    (lambda: sharing_state(size=2), ValueError, "`size` must be from 3 to 6"),
    (lambda: sharing_state(kernel=4), ValueError, "`kernel` must be from 1 to 3"),
    (lambda: sharing_state(filters=0), ValueError, "`filters` must be from 1 to 3"),
    (lambda: sharing_state(stride=3), ValueError, "`stride` must be from 1 to 2"),
    (lambda: sharing_state(size=4.0), TypeError, "`size` must be an integer"),
    (lambda: sharing_figure(kernel="2"), TypeError, "`kernel` must be an integer"),
    (lambda: sharing_counts("conv", stride=2, padding="same"), ValueError, "`padding`='same'"),
    (lambda: sharing_counts("conv", padding="full"), ValueError, "`padding` must be one of"),
    (lambda: sharing_counts("conv", image=(5, 5), kernel=(7, 7)), ValueError, "`kernel`"),
    (lambda: sharing_counts("conv", filters=0), ValueError, "`filters` must be a positive"),
    (lambda: sharing_counts("conv", image=(5, 5, 5)), ValueError, "`image`"),
    (lambda: sharing_counts("sparse"), ValueError, "`kind` must be one of"),
])
def test_bad_arguments_raise_clearly(call, error, words):
    with pytest.raises(error, match=words.replace("(", r"\(")):
        call()


# --------------------------------------------------------------------------- the App
def check_picture(app):
    drawing, state = app.drawing, app.state
    np.testing.assert_array_equal(drawing.matrix.ids, state["ids"])
    colors = drawing.matrix.colors
    ids = state["ids"]
    for a, b in [(0, 0)] + [tuple(np.argwhere(ids == ids.max())[-1])]:
        same = ids == ids[a, b]
        assert np.all(colors[same] == colors[a, b])  # tied entries share a colour
    check_legend(state, colors)
    numbers = drawing.numbers.texts
    if state["numbers_shown"]:
        assert sorted(int(t) for t in numbers) == sorted(ids[ids >= 0] + 1)
        assert drawing.numbers.fontsize >= 7 and drawing.numbers.image.get_visible()
    else:
        assert numbers == [] and not drawing.numbers.image.get_visible()
    assert drawing.values.get_text().splitlines()[3] == str(state["nonzeros"])
    assert drawing.legend.get_text().replace("\n", " ") == state["legend"]


def check_legend(state, colors):
    """What the legend says of the colours is true of the cells' colours."""
    ids, held = state["ids"], state["ids"] >= 0
    assert np.all(colors[~held] == 1.0)  # structural zeros white
    distinct = {tuple(c) for c in colors[held].round(6)}
    if state["colouring"] == "id":      # same colour <=> same parameter
        assert state["params"] <= 20 and "same colour = same parameter" in state["legend"]
        assert len(distinct) == state["params"]
        for i in np.unique(ids[held]):
            assert len({tuple(c) for c in colors[ids == i].round(6)}) == 1
    elif state["colouring"] == "tap":   # conv, more than 20 parameters: a colour per tap
        assert state["kind"] == "conv" and state["params"] > 20
        assert len(distinct) == state["kernel"] ** 2 and "kernel tap" in state["legend"]
    else:                               # every entry distinct, one tint, said so
        assert state["kind"] != "conv" and state["params"] > 20 and len(distinct) == 1
        assert f"{state['params']} distinct ids" in state["legend"]
    assert ("numbers" in state["legend"]) == state["numbers_shown"]


def test_legend_is_true_at_every_setting():
    from convbook.widgets._app import inch_axes, new_figure
    from convbook.widgets.tied import ParameterMatrix

    ax = inch_axes(new_figure(2, 2))
    shown = 0
    for setting in SETTINGS:
        s = sharing_state(*setting)
        tint = "#c9d7e8" if s["colouring"] == "tint" else None
        m = ParameterMatrix(ax, s["ids"], (0, 0), 0.01, numbers=False,
                            color_ids=s["color_ids"], tint=tint)
        check_legend(s, m.colors)
        m.cells.remove()
        if s["numbers_shown"]:
            shown += 1
            assert s["number_size"] >= 7
        assert "1 positions" not in s["title"]
    assert shown > len(SETTINGS) / 2
    assert "at its only position" in sharing_state("conv", size=3, kernel=3)["title"]


def test_every_control_over_its_range():
    app = sharing_demo()
    for name, values in [("kind", KINDS), ("size", range(3, 7)), ("kernel", range(1, 4)),
                         ("filters", range(1, 4)), ("stride", (1, 2))]:
        for value in [*values, app.controls[name].value]:
            app.controls[name].value = value
            assert app.state[name] == value
            check_picture(app)
    with app.hold():  # the largest W: 108 x 36, dense
        app.controls["kind"].value = "dense"
        app.controls["size"].value = 6
        app.controls["kernel"].value = 1
        app.controls["filters"].value = 3
    assert app.state["ids"].shape == (108, 36) and app.state["params"] == 3888
    check_picture(app)


def test_blitted_picture_equals_a_full_redraw():
    from convbook.widgets.sharing import content_height

    app = sharing_demo()
    for name, value in [("kind", "local"), ("size", 6), ("kernel", 3), ("kind", "dense"),
                        ("filters", 3), ("kind", "conv"), ("size", 4), ("kind", "local"),
                        ("stride", 2), ("kind", "dense"), ("size", 3)]:
        app.controls[name].value = value
        shown = pixels(app.png)
        # The PNG is the picture cropped to its content; sharing_figure is that tall.
        assert shown.shape[0] == round(content_height(app.state) * 90)
        fresh = sharing_figure(**{k: app.state[k] for k in
                                  ("kind", "size", "kernel", "filters", "stride")})
        assert_same_picture(shown, figure_pixels(fresh), f"{name}={value}")
        # Little of the picture is blank below its content.
        ink = np.flatnonzero((shown < 250).any(axis=(1, 2)))
        assert shown.shape[0] - ink.max() < 0.3 * 90


@pytest.mark.parametrize("kwargs", [dict(), dict(kind="local"), dict(kind="dense", size=3),
                                    dict(kind="dense"),
                                    dict(kind="dense", size=6, kernel=1, filters=3),
                                    dict(kind="conv", size=3, kernel=2, filters=3),
                                    dict(kind="conv", size=6, kernel=3, filters=3),
                                    dict(kind="local", size=6, kernel=3, filters=3, stride=2)])
def test_layout_is_readable(kwargs):
    figure = sharing_figure(**kwargs)
    figure.canvas.draw()
    box = figure.bbox
    texts = drawn_texts(figure, axes_texts_only=True)
    extents = assert_texts_readable(figure, texts)
    for a, b in itertools.combinations(range(len(texts)), 2):
        assert not extents[a].overlaps(extents[b]), (texts[a].get_text(), texts[b].get_text())
    # The matrix stays inside the figure, below the header, left of the counts.
    height = figure.get_size_inches()[1]
    corners = np.vstack([p.vertices for p in figure.axes[0].collections[0].get_paths()])
    assert corners[:, 0].min() > 0.2 and corners[:, 0].max() < 6.3  # inches
    header = [e for t, e in zip(texts, extents) if t.get_position()[0] < 1]  # left-aligned
    legend_bottom = max(box.y1 - e.y0 for e in header) / 90
    assert corners[:, 1].min() > legend_bottom and corners[:, 1].max() <= height - 0.1
    # The ids, one image, lie inside their cells' area.
    stamps = [im for im in figure.axes[0].images if im.get_visible()]
    for im in stamps:
        x0, x1, y1, y0 = im.get_extent()
        assert corners[:, 0].min() - 0.05 <= x0 and x1 <= corners[:, 0].max() + 0.05
        assert corners[:, 1].min() - 0.05 <= y0 and y1 <= corners[:, 1].max() + 0.05
