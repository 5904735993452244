"""The connectivity widget (section 9.2, Figures 9.2-9.4): every setting against probes.

The widget walks its connection matrices; here an impulse is pushed through
``cb.conv2d`` (a kernel of ones), ``cb.pool2d`` (max, ceil mode) or a dense matrix of
ones, and the nonzero outputs are read: the two must agree at every control value.
"""

import io
import itertools

import numpy as np
import pytest

import convbook as cb
from convbook.widgets.connectivity import (DEPTHS, POOLS, STRIDES, WIDTHS, ConnectivityDrawing,
                                           connectivity_demo, connectivity_figure,
                                           connectivity_state, max_depth)
from widget_pictures import (assert_same_picture, assert_texts_readable, drawn_texts, full_render,
                             pixels)

N = 7


def structures(n=N):
    """Every (width, depth, stride, pool, dense) whose pooling windows fit."""
    for width, depth, stride, pool, dense in itertools.product(WIDTHS, DEPTHS, STRIDES, POOLS,
                                                               (False, True)):
        if depth <= max_depth(n, width, stride, pool):
            yield width, depth, stride, pool, dense


def forward(x, width, depth, stride, pool, dense, start):
    """Push row ``start``'s activity ``x`` (1-D, nonnegative) up through the layers with
    the library; returns every row from ``start`` up (row ``start`` included)."""
    kinds = []
    for _ in range(depth):
        kinds.append("dense" if dense else "conv")
        if pool:
            kinds.append("pool")
    rows = [np.asarray(x, float)]
    for kind in kinds[start:]:
        v = rows[-1]
        if kind == "dense":  # a dense layer as long as the conv it replaces
            out = cb.conv_output_size(len(v), width, stride=stride, padding=width // 2)
            v = np.ones((out, len(v))) @ v
        elif kind == "conv":
            v = cb.conv2d(v.reshape(1, 1, 1, -1), np.ones((1, 1, 1, width)),
                          stride=(1, stride), padding=(0, width // 2)).ravel()
        else:
            v = cb.pool2d(v.reshape(1, 1, 1, -1), (1, pool), (1, pool), ceil_mode=True).ravel()
        rows.append(v)
    return rows


def probe(width, depth, stride, pool, dense, n=N):
    """reach[l][i][m]: the units of row m (m >= l) that unit i of row l affects."""
    sizes = [len(v) for v in forward(np.ones(n), width, depth, stride, pool, dense, 0)]
    reach = []
    for l, size in enumerate(sizes):
        reach.append([[np.flatnonzero(v).tolist() for v in
                       forward(np.eye(size)[i], width, depth, stride, pool, dense, l)]
                      for i in range(size)])
    return sizes, reach


def expected_highlight(sizes, reach, layer, unit):
    if layer == 0:  # looking up
        return {m: reach[0][unit][m] for m in range(len(sizes))}
    # Looking down: the units below whose impulse reaches the chosen unit.
    found = {l: [i for i in range(sizes[l]) if unit in reach[l][i][layer - l]]
             for l in range(layer)}
    return {**found, layer: [unit]}


def layer_stack(state):
    """(kernel, stride) of every row from the input up to the chosen one."""
    return [(r["k"], r["s"]) for r in state["rows"][1:state["layer"] + 1]]


# --------------------------------------------------------------------------- the state
def test_every_setting_matches_impulse_probes_and_the_formula():
    count = 0
    for width, depth, stride, pool, dense in structures():
        sizes, reach = probe(width, depth, stride, pool, dense)
        for layer, size in enumerate(sizes):
            for unit in range(size):
                s = connectivity_state(N, width, depth, stride, pool, dense, layer, unit)
                assert s["sizes"] == sizes
                assert s["highlight"] == expected_highlight(sizes, reach, layer, unit)
                top = len(sizes) - 1
                assert s["field"] == s["highlight"][0 if layer else top]
                assert s["field_size"] == len(s["field"])
                # The edges drawn are the library's connections between highlighted units.
                for l, i, j in s["edges"]:
                    assert j in reach[l][i][1] and i in s["highlight"][l]
                assert s["n_edges"] == sum(len(reach[l][i][1]) for l in range(top)
                                           for i in range(sizes[l]))
                if dense:  # everything is connected
                    if layer == 0:
                        assert all(v == list(range(sizes[m])) for m, v in s["highlight"].items()
                                   if m > 0)
                    else:
                        assert s["field"] == list(range(N)) and s["receptive_field"] == N
                    continue
                formula = cb.receptive_field(layer_stack(s)) if layer else 1
                assert s["receptive_field"] == formula
                if layer and not s["clipped"]:
                    count += 1
                    # Away from the border the walked field spans exactly the formula,
                    assert s["field_span"] == formula
                    # and fills it unless a stride larger than a kernel leaves holes.
                    if not any(k < st for k, st in layer_stack(s)[:-1]):
                        assert s["field_size"] == formula
    assert count > 200  # the comparison ran often enough to mean something


def test_book_figures():
    s = connectivity_state(n=5, width=3, layer=0, unit=2)  # Figure 9.2
    assert s["highlight"] == {0: [2], 1: [1, 2, 3]}
    assert "x3 affects s2, s3, s4: 3 of 5 outputs (a dense layer: all 5)" in s["title"]
    s = connectivity_state(n=5, width=3, dense=True, layer=0, unit=2)
    assert s["highlight"][1] == [0, 1, 2, 3, 4] and s["n_edges"] == 25
    s = connectivity_state(n=5, width=3, layer=1, unit=2)  # Figure 9.3
    assert s["field"] == [1, 2, 3] and "s3 sees x2, x3, x4: 3 of 5 inputs" in s["title"]
    s = connectivity_state(n=5, width=3, depth=2, layer=2, unit=2)  # Figure 9.4
    assert s["names"] == ["x", "h", "g"] and s["highlight"][1] == [1, 2, 3]
    assert s["field"] == [0, 1, 2, 3, 4] and s["receptive_field"] == 5
    # Strides and pooling make the field grow faster.
    plain = connectivity_state(n=9, depth=2, layer=2, unit=4)["field_size"]
    strided = connectivity_state(n=9, depth=2, stride=2, layer=2, unit=1)["receptive_field"]
    pooled = connectivity_state(n=9, depth=2, pool=2, layer=3, unit=1)["receptive_field"]
    assert plain == 5 and strided == 7 and pooled == 8  # g after p: 1 + 2 + 1 + 2*2


def test_holes_when_a_stride_outruns_the_kernel():
    s = connectivity_state(width=1, stride=2, pool=2, layer=2, unit=1)
    assert s["field"] == [4, 6] and s["field_span"] == s["receptive_field"] == 3
    assert "with holes" in s["title"]


@pytest.mark.parametrize("kwargs, error, words", [
    (dict(width=2), ValueError, "`width` must be one of 1, 3, 5, 7"),
    (dict(width=3.0), TypeError, "`width` must be an integer"),
    (dict(depth=4), ValueError, "`depth` must be one of"),
    (dict(stride=0), ValueError, "`stride` must be one of"),
    (dict(pool=1), ValueError, "`pool` must be one of 0, 2, 3"),
    (dict(dense=1), TypeError, "`dense` must be True or False"),
    (dict(n=2), ValueError, "`n` must be from 3 to 11"),
    (dict(n=12), ValueError, "`n` must be from 3 to 11"),
    (dict(n=9.0), TypeError, "`n` must be an integer"),
    (dict(layer=2), ValueError, "`layer` must be from 0"),
    (dict(layer=-1), ValueError, "`layer` must be from 0"),
    (dict(unit=7), ValueError, "`unit` must be from 0 to 6"),
    (dict(stride=3, layer=1, unit=3), ValueError, "`unit` must be from 0 to 2"),
    (dict(unit="3"), TypeError, "`unit` must be an integer"),
    (dict(depth=3, stride=2, pool=2), ValueError, "`depth` 3 is too deep"),
])
def test_bad_settings_raise_clearly(kwargs, error, words):
    with pytest.raises(error, match=words.replace("(", r"\(").replace(")", r"\)")):
        connectivity_state(**kwargs)
    with pytest.raises(error):
        connectivity_figure(**kwargs)


# --------------------------------------------------------------------------- the App
def check_picture(app):
    state, net = app.state, app.drawing.net
    units = sorted((l, i) for l, v in state["highlight"].items() for i in v)
    assert net.highlighted == (units, state["edges"])
    assert net.sizes == state["sizes"]
    assert sum(len(e) for e in net.edges.values()) == state["n_edges"]
    shown = [t.get_text() for t in app.drawing.row_texts[:len(state["sizes"])]]
    assert shown == state["row_text"]
    assert app.drawing.title.get_text() == state["title"]


def set_control(app, name, value):
    app.controls[name].value = value
    assert app.state[name] == value
    check_picture(app)


def test_every_control_over_its_range_keeps_the_others_in_range():
    app = connectivity_demo()
    for name, values in [("width", WIDTHS), ("stride", STRIDES), ("pool", POOLS),
                         ("dense", (True, False))]:
        for value in [*values, values[0]]:
            set_control(app, name, value)
    for pool in POOLS:
        for stride in STRIDES:
            with app.hold():
                app.controls["pool"].value = pool
                app.controls["stride"].value = stride
            depth = app.controls["depth"]
            assert depth.max == max_depth(N, app.state["width"], stride, pool)
            for d in range(1, depth.max + 1):
                set_control(app, "depth", d)
                assert app.controls["layer"].max == len(app.state["sizes"]) - 1
                for layer in range(app.controls["layer"].max + 1):
                    set_control(app, "layer", layer)
                    unit = app.controls["unit"]
                    assert (unit.min, unit.max) == (0, app.state["sizes"][layer] - 1)
                    for u in range(unit.max + 1):
                        set_control(app, "unit", u)


def test_dependent_sliders_are_new_so_end_reaches_the_new_limit():
    app = connectivity_demo(depth=3)
    old_layer, old_unit = app.controls["layer"], app.controls["unit"]
    app.controls["pool"].value = 3  # 7, 7, 3, 3, 1: no room for a third layer
    assert app.controls["depth"].max == 2 and app.state["depth"] == 2
    assert app.controls["layer"] is not old_layer and app.controls["layer"].max == 4
    tree = [c for box in app.widget.children[:-1] for c in box.children]
    assert app.controls["layer"] in tree and old_layer not in tree
    app.controls["layer"].value = app.controls["layer"].max  # End
    assert app.state["chosen"] == "q1" and app.controls["unit"] is not old_unit
    app.controls["layer"].value = 2
    app.controls["unit"].value = app.controls["unit"].max
    assert app.state["chosen"] == "p3"


def test_a_unit_keeps_its_place_when_its_row_changes_length():
    app = connectivity_demo(layer=1, unit=5)  # s6 of 7
    app.controls["stride"].value = 2  # s has 4 units now: s4 (x6, x7) sits over x6
    assert app.state["chosen"] == "s4"
    app.controls["layer"].value = 0  # s4's centre
    assert app.state["chosen"] == "x7"


def test_blitted_picture_equals_a_full_redraw():
    app = connectivity_demo()
    steps = [("unit", 5), ("width", 5), ("depth", 2), ("layer", 2), ("pool", 2), ("unit", 0),
             ("dense", True), ("stride", 2), ("width", 3), ("dense", False), ("depth", 1),
             ("pool", 0), ("width", 5), ("n", 11), ("unit", 10), ("n", 5), ("pool", 3),
             ("stride", 3), ("n", 7)]  # some revisit cached backgrounds
    for name, value in steps:
        app.controls[name].value = value
        fresh = ConnectivityDrawing(len(app.state["sizes"]))
        assert_same_picture(pixels(app.png), full_render(fresh, app.state), f"{name}={value}")


@pytest.mark.parametrize("kwargs", [dict(), dict(depth=3, pool=2, layer=6, unit=0),
                                    dict(width=7, depth=3, dense=True, layer=0, unit=6),
                                    dict(width=7, stride=3, depth=3, layer=3, unit=0),
                                    dict(n=9, depth=2, pool=3, layer=4, unit=0),
                                    dict(n=3, width=1, layer=1, unit=2),
                                    dict(n=11, width=7, depth=3, dense=True, layer=0, unit=10),
                                    dict(n=11, width=1, stride=2, pool=3, layer=2, unit=0),
                                    dict(n=7, stride=3, pool=3, layer=2, unit=0),
                                    dict(n=10, depth=2, stride=2, pool=2, layer=4, unit=0)])
def test_layout_is_readable(kwargs):
    """Texts inside the figure, at least 9 pt, not overlapping one another or a unit."""
    figure = connectivity_figure(**kwargs)
    assert tuple(figure.get_size_inches())[0] == 9.5 and figure.get_size_inches()[1] <= 7
    figure.canvas.draw()
    ax = figure.axes[0]
    texts = drawn_texts(figure, axes_texts_only=True)
    extents = assert_texts_readable(figure, texts)
    # Not the unit labels (x₁, ...): those sit inside their circles.
    labels = [k for k, t in enumerate(texts) if len(t.get_text()) > 3]
    for a, b in itertools.combinations(labels, 2):
        assert not extents[a].overlaps(extents[b]), (texts[a].get_text(), texts[b].get_text())
    # The row labels and the texts beside the rows stay clear of the units.
    circles = ax.collections[0].get_offsets()
    centres = ax.transData.transform(circles)
    radius = (ax.collections[0].get_sizes()[0] ** 0.5 / 2) / 72 * figure.dpi
    assert radius >= 0.15 * figure.dpi  # units stay large enough for their labels
    for y in np.unique(centres[:, 1].round(3)):  # circles of a row do not touch
        row = np.sort(centres[centres[:, 1].round(3) == y, 0])
        assert len(row) < 2 or np.diff(row).min() > 2 * radius
    for k in labels:
        e = extents[k]
        inside = ((centres[:, 0] > e.x0 - radius) & (centres[:, 0] < e.x1 + radius)
                  & (centres[:, 1] > e.y0 - radius) & (centres[:, 1] < e.y1 + radius))
        assert not inside.any(), texts[k].get_text()


def test_static_figure_is_the_widget_picture():
    app = connectivity_demo(depth=2, layer=2, unit=2)
    figure = connectivity_figure(depth=2, layer=2, unit=2)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=figure.dpi)
    assert_same_picture(pixels(app.png), pixels(buffer.getvalue()))


# --------------------------------------------------------------------------- review fixes
def test_n_control_grows_the_row_and_keeps_the_others_in_range():
    app = connectivity_demo()
    n = app.controls["n"]
    assert (n.min, n.max, n.value) == (5, 11, 7)
    for value in range(5, 12):
        set_control(app, "n", value)
        assert app.state["sizes"][0] == value
        assert app.controls["unit"].max == value - 1 and app.state["unit"] <= value - 1
    # Pooling shows an unclipped field of 10 with 11 inputs; with 7 every field is clipped.
    with app.hold():
        app.controls["n"].value = 11
        app.controls["pool"].value = 2
        app.controls["depth"].value = 2
        app.controls["layer"].value = 4
    assert app.controls["unit"].max == app.state["sizes"][4] - 1
    app.controls["unit"].value = 1
    assert not app.state["clipped"] and app.state["field_size"] == 10 == app.state["receptive_field"]
    app.controls["n"].value = 7
    assert all(connectivity_state(7, 3, 2, 1, 2, False, 4, u)["clipped"]
               for u in range(app.state["sizes"][4]))
    # Stride 3 and pool 3 need 7 inputs for one block: n is raised, End/Home follow.
    with app.hold():
        app.controls["n"].value = 5
        app.controls["stride"].value = 1
        app.controls["pool"].value = 0
    app.controls["stride"].value = 3
    app.controls["pool"].value = 3
    assert app.state["n"] == 7 and app.controls["n"].min == 7
    tree = [c for box in app.widget.children[:-1] for c in box.children]
    assert app.controls["n"] in tree
    check_picture(app)
    app.controls["pool"].value = 0
    assert app.controls["n"].min == 5


@pytest.mark.parametrize("n", range(5, 12))
def test_every_structure_at_every_n_draws_and_agrees(n):
    app = connectivity_demo(n=n)
    for width, depth, stride, pool, dense in structures(n):
        with app.hold():
            for name, value in (("width", width), ("stride", stride), ("pool", pool),
                                ("dense", dense), ("n", n), ("depth", depth)):
                app.controls[name].value = value
        assert app.state["depth"] == depth and app.state["n"] == n
        layer = len(app.state["sizes"]) - 1
        app.controls["layer"].value = layer
        check_picture(app)
        assert app.controls["depth"].max == app.state["max_depth"] == max_depth(n, width, stride, pool)


def test_depth_note_says_why_the_depth_stops():
    s = connectivity_state(n=7, stride=3, pool=3)
    assert s["max_depth"] == 1
    assert s["depth_note"].startswith("depth limited to 1: with 7 inputs, block 2's conv would "
                                      "leave 1 unit, fewer than its pool's width 3")
    assert connectivity_state(n=7)["depth_note"] == ""
    for n, width, stride, pool in itertools.product(range(5, 12), WIDTHS, STRIDES, POOLS):
        deepest = max_depth(n, width, stride, pool)
        if deepest:
            note = connectivity_state(n, width, 1, stride, pool)["depth_note"]
            assert (note != "") == (deepest < 3)
            if note:
                assert f"depth limited to {deepest}" in note
    figure = connectivity_figure(n=7, stride=3, pool=3, layer=2, unit=0)
    words = "\n".join(t.get_text() for t in figure.axes[0].texts)
    assert "Depth limited to 1: with 7 inputs" in words
    assert "block: one conv (or dense) layer and the max pool after it" in words


def test_row_labels_name_the_block():
    figure = connectivity_figure(n=9, depth=2, pool=2, layer=4, unit=1)
    words = [t.get_text() for t in figure.axes[0].texts]
    for label in ["h \u00b7 block 1: conv", "p \u00b7 block 1: max pool", "g \u00b7 block 2: conv",
                  "q \u00b7 block 2: max pool"]:
        assert any(w.startswith(label) for w in words), label
