"""The pooling widget (section 9.3, Figures 9.8 and 9.10): every setting against a loop.

The widget pools with ``cb.pool1d``/``cb.pool2d``; here the same numbers come from a plain
loop over the windows written below, on a shifted row built here too, and the fractions
are counted again from those.
"""

import io
import itertools

import numpy as np
import pytest

import convbook as cb
from convbook.widgets.pooling_demo import (DETECTOR_1D, DETECTOR_2D, KINDS, LEFT_CONTEXT,
                                           LEFT_CONTEXT_2D, Pooling1DDrawing,
                                           Pooling2DDrawing, _compact, _short, pooling_demo,
                                           pooling_figure, pooling_state)
from widget_pictures import (assert_same_picture, assert_texts_readable, drawn_texts, full_render,
                             pixels)

WIDTHS, STRIDES, SHIFTS = range(1, 6), range(1, 4), range(0, 4)


def settings():
    """Every control value: kind, width, stride, padding (0..width // 2), ceil_mode."""
    for kind, width, stride, ceil_mode in itertools.product(KINDS, WIDTHS, STRIDES,
                                                            (False, True)):
        for padding in range(width // 2 + 1):
            yield kind, width, stride, padding, ceil_mode


# --------------------------------------------------------------------------- a plain loop
def windows(n, width, stride, padding, ceil_mode):
    """(nominal start, in-bounds start, in-bounds stop) of every window along an axis."""
    span = n + 2 * padding - width
    out = (-(-span // stride) if ceil_mode else span // stride) + 1
    if ceil_mode and (out - 1) * stride >= n + padding:  # would start in the right padding
        out -= 1
    return [(j * stride - padding, max(j * stride - padding, 0),
             min(j * stride - padding + width, n)) for j in range(out)]


def weight(d, width):
    return 1 - abs(d - (width - 1) / 2) / ((width + 1) / 2)


def pool_loop(x, kind, width, stride, padding, ceil_mode):
    """Pooling of a row (1-D) or a map (2-D), one window and one cell at a time."""
    x = np.atleast_2d(np.asarray(x, float))
    rows = windows(x.shape[0], width, stride, padding, ceil_mode) if x.shape[0] > 1 \
        else [(0, 0, 1)]
    cols = windows(x.shape[1], width, stride, padding, ceil_mode)
    out = np.zeros((len(rows), len(cols)))
    for i, (r_nom, r0, r1) in enumerate(rows):
        for j, (c_nom, c0, c1) in enumerate(cols):
            best, total, squares, weighted, weights = -np.inf, 0.0, 0.0, 0.0, 0.0
            for r in range(r0, r1):
                for c in range(c0, c1):
                    value = x[r, c]
                    best = max(best, value)
                    total += value
                    squares += value * value
                    t = weight(c - c_nom, width) * (weight(r - r_nom, width)
                                                    if x.shape[0] > 1 else 1.0)
                    weighted += t * value
                    weights += t
            count = (r1 - r0) * (c1 - c0)
            out[i, j] = {"max": best, "avg": total / count, "l2": np.sqrt(squares),
                         "weighted": weighted / weights}[kind]
    return out if x.shape[0] > 1 else out[0]


def shift_loop(x, shift):
    """``x`` moved right by ``shift`` cells, its left context coming in."""
    x = np.asarray(x, float)
    y = np.empty_like(x)
    if x.ndim == 1:
        for i in range(x.size):
            y[i] = x[i - shift] if i >= shift else LEFT_CONTEXT[LEFT_CONTEXT.size - shift + i]
        return y
    for r, c in np.ndindex(x.shape):
        y[r, c] = x[r, c - shift] if c >= shift else LEFT_CONTEXT_2D[r, 3 - shift + c]
    return y


def test_every_setting_matches_the_library_and_a_loop():
    count = 0
    for kind, width, stride, padding, ceil_mode in settings():
        for dims, detector in ((1, DETECTOR_1D), (2, DETECTOR_2D)):
            expected = pool_loop(detector, kind, width, stride, padding, ceil_mode)
            library = cb.pool1d if dims == 1 else cb.pool2d
            for shift in SHIFTS:
                s = pooling_state(kind, width, stride, padding, ceil_mode, shift, dims)
                shifted = shift_loop(detector, shift)
                np.testing.assert_array_equal(s["detector"], detector)
                np.testing.assert_array_equal(s["shifted"], shifted)
                args = dict(kind=kind, padding=padding, ceil_mode=ceil_mode)
                np.testing.assert_array_equal(s["pooled"], library(detector, width, stride,
                                                                   **args))
                np.testing.assert_array_equal(s["pooled_shifted"],
                                              library(shifted, width, stride, **args))
                loop_shifted = pool_loop(shifted, kind, width, stride, padding, ceil_mode)
                np.testing.assert_allclose(s["pooled"], expected, rtol=1e-12, atol=1e-14)
                np.testing.assert_allclose(s["pooled_shifted"], loop_shifted, rtol=1e-12,
                                           atol=1e-14)
                # The fractions, counted again from the loop's outputs.
                same = [abs(a - b) <= 1e-9 for a, b in zip(np.ravel(expected),
                                                           np.ravel(loop_shifted))]
                assert s["unchanged_fraction"] == pytest.approx(sum(same) / len(same))
                assert s["changed"].shape == np.shape(expected)
                assert list(~s["changed"].ravel()) == same
                moved = [a != b for a, b in zip(detector.ravel(), shifted.ravel())]
                assert s["detector_changed_fraction"] == pytest.approx(sum(moved) / len(moved))
                nominal = windows(detector.shape[-1], width, stride, padding, ceil_mode)
                assert s["windows"] == [(a, b) for _, a, b in nominal]
                assert s["out_len"] == len(nominal) == np.shape(expected)[-1]
                if shift == 0:
                    assert s["unchanged_fraction"] == 1 and s["detector_changed_fraction"] == 0
                count += 1
    assert count == 4 * 11 * 3 * 2 * 2 * 4


def test_figure_9_8_every_detector_value_changes_about_half_the_pooled_do():
    """Max pooling, width 3, stride 1, a shift by one: the default row has no two equal
    neighbours, so all 12 detector values change; each pooled value is the max of three
    neighbours, which stays put wherever the same peak wins before and after the shift.
    Here 6 of the 10 pooled values stay (the book's picture: half)."""
    s = pooling_state()
    assert (s["kind"], s["width"], s["stride"], s["shift"]) == ("max", 3, 1, 1)
    assert s["detector_changed_fraction"] == 1.0 and s["detector_changed"].all()
    assert 0.3 <= s["unchanged_fraction"] <= 0.7
    assert s["unchanged_fraction"] == 0.6 and s["n_compared"] == 10
    assert "book Figure 9.8" in s["title"]
    assert "detector values changed: 12 of 12 (100%)" in s["summary"]
    assert "pooled outputs changed: 4 of 10 (40%)" in s["summary"]
    # Averaging keeps far less: nearly every window sees a new value.
    assert pooling_state(kind="avg")["unchanged_fraction"] < 0.3


def test_figure_9_10_ceil_mode_keeps_a_shorter_last_pool():
    s = pooling_state(width=3, stride=2, ceil_mode=True)
    assert "book Figure 9.10" in s["title"]
    assert s["out_len"] == 6
    (a, b) = s["windows"][-1]
    assert b - a == 2 < 3 and b == len(DETECTOR_1D)  # the smaller last region is kept
    assert all(stop - start == 3 for start, stop in s["windows"][:-1])
    covered = set().union(*(range(a, b) for a, b in s["windows"]))
    assert covered == set(range(len(DETECTOR_1D)))  # no detector unit is ignored
    floor = pooling_state(width=3, stride=2, ceil_mode=False)
    assert floor["out_len"] == 5 and floor["windows"][-1] == (8, 11)  # the last cell dropped
    assert s["pooled"][-1] == max(DETECTOR_1D[10:])


@pytest.mark.parametrize("kwargs, error, words", [
    (dict(kind="min"), ValueError, "`kind` must be one of"),
    (dict(width=0), ValueError, "`width` must be from 1 to 5"),
    (dict(width=6), ValueError, "`width` must be from 1 to 5"),
    (dict(width=2.0), TypeError, "`width` must be an integer"),
    (dict(stride=4), ValueError, "`stride` must be from 1 to 3"),
    (dict(stride=0), ValueError, "`stride` must be from 1 to 3"),
    (dict(padding=2), ValueError, "`padding` must be from 0 to width // 2 = 1"),
    (dict(padding=-1), ValueError, "`padding` must be from 0"),
    (dict(ceil_mode="yes"), TypeError, "`ceil_mode` must be True or False"),
    (dict(shift=4), ValueError, "`shift` must be from 0 to 3"),
    (dict(shift=-1), ValueError, "`shift` must be from 0 to 3"),
    (dict(dims=3), ValueError, "`dims` must be 1"),
    (dict(values=[1, 2, 3]), ValueError, "`values` must have 4 to 12"),
    (dict(values=np.ones((3, 3))), ValueError, "`values`"),
    (dict(values=[1, 2, np.nan, 4]), ValueError, "`values` must be finite"),
    (dict(dims=2, values=np.ones((9, 9))), ValueError, "`values` must have 3 to 8"),
])
def test_bad_arguments_raise_naming_the_argument(kwargs, error, words):
    with pytest.raises(error, match=words.replace("(", r"\(").replace(")", r"\)")):
        pooling_state(**kwargs)
    with pytest.raises(error):
        pooling_figure(**kwargs)
    with pytest.raises(error):
        pooling_demo(**kwargs)


def test_own_values():
    row = [0.0, 2.0, 0.0, 0.0, 3.0, 1.0]
    s = pooling_state(values=row, width=2, stride=2)
    np.testing.assert_array_equal(s["pooled"], [2, 0, 3])
    app = pooling_demo(values=row)
    np.testing.assert_array_equal(app.state["detector"], row)
    app.controls["dims"].value = 2  # the other dims shows its default map
    np.testing.assert_array_equal(app.state["detector"], DETECTOR_2D)
    app.controls["dims"].value = 1
    np.testing.assert_array_equal(app.state["detector"], row)


# --------------------------------------------------------------------------- the App
def check_picture(app):
    state, drawing = app.state, app.drawing
    assert isinstance(drawing, Pooling1DDrawing if state["dims"] == 1 else Pooling2DDrawing)
    fmt = _short if state["dims"] == 1 else _compact
    expected = [fmt(v) for name in ("shifted", "pooled", "pooled_shifted")
                for v in np.ravel(state[name])]
    assert drawing.stamps.texts == expected
    grid = drawing.grids["pooled_shifted"]
    assert grid.shape == np.atleast_2d(state["pooled"]).shape
    orange = np.all(np.isclose(grid.cells.get_facecolors()[:, :3],
                               [0xfb / 255, 0xc9 / 255, 0x9a / 255]), axis=1)
    assert list(orange) == list(np.ravel(state["changed"]))
    assert drawing.title.get_text() == state["title"].splitlines()[0]
    drawn = [f"{w.get_text()} {c.get_text()}" for w, c in zip(drawing.words, drawing.counts)]
    assert drawn == state["summary"].splitlines()   # words and numbers, as the state says
    assert drawing.shift_label.get_text() == f"shifted right by {state['shift']}"


def test_every_control_over_its_range():
    app = pooling_demo()
    sweeps = [("kind", KINDS), ("width", WIDTHS), ("stride", STRIDES), ("shift", SHIFTS),
              ("ceil_mode", (True, False)), ("dims", (2, 1))]
    for dims in (1, 2):
        app.controls["dims"].value = dims
        for name, values in sweeps:
            for value in [*values, values[0]]:
                app.controls[name].value = value
                assert app.state[name] == value
                check_picture(app)
                padding = app.controls["padding"]
                assert (padding.min, padding.max) == (0, app.state["width"] // 2)
                for p in range(padding.max + 1):
                    padding.value = p
                    assert app.state["padding"] == p
                    expected = pooling_state(**{k: app.state[k] for k in (
                        "kind", "width", "stride", "padding", "ceil_mode", "shift", "dims")})
                    np.testing.assert_array_equal(app.state["pooled_shifted"],
                                                  expected["pooled_shifted"])
                    check_picture(app)


def test_padding_range_follows_the_width_so_end_reaches_the_new_max():
    app = pooling_demo(width=3, padding=1)
    old = app.controls["padding"]
    app.controls["width"].value = 5
    new = app.controls["padding"]
    assert new is not old and (new.min, new.max) == (0, 2)
    tree = [c for box in app.widget.children[:-1] for c in box.children]
    assert new in tree and old not in tree
    new.value = new.max  # End
    assert app.state["padding"] == 2
    app.controls["width"].value = 1  # padding clamped to 0
    assert app.controls["padding"].max == 0 and app.state["padding"] == 0
    app.controls["width"].value = 4
    app.controls["padding"].value = app.controls["padding"].max
    assert app.state["padding"] == 2
    app.controls["width"].value = 3
    assert app.state["padding"] == 1 == app.controls["padding"].max


def fresh_render(state):
    drawing = (Pooling1DDrawing if state["dims"] == 1 else Pooling2DDrawing)(state)
    return full_render(drawing, state)


def test_blitted_picture_equals_a_full_redraw():
    app = pooling_demo()
    steps = [("shift", 2), ("kind", "avg"), ("width", 5), ("padding", 2), ("stride", 2),
             ("ceil_mode", True), ("shift", 0), ("dims", 2), ("shift", 3), ("kind", "l2"),
             ("width", 2), ("padding", 1), ("stride", 3), ("dims", 1), ("kind", "max"),
             ("width", 3), ("stride", 1), ("ceil_mode", False), ("shift", 1),
             ("kind", "weighted"), ("dims", 2)]  # some revisit cached backgrounds
    for name, value in steps:
        app.controls[name].value = value
        assert_same_picture(pixels(app.png), fresh_render(app.state), f"{name}={value}")


def test_static_figure_is_the_widget_picture():
    for kwargs in (dict(), dict(stride=2, ceil_mode=True), dict(dims=2, kind="avg")):
        figure = pooling_figure(**kwargs)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=figure.dpi)
        assert_same_picture(pixels(pooling_demo(**kwargs).png), pixels(buffer.getvalue()))


@pytest.mark.parametrize("kwargs", [dict(), dict(stride=2, ceil_mode=True),
                                    dict(width=5, padding=2, kind="avg", shift=3),
                                    dict(width=4, padding=2, kind="weighted"),
                                    dict(dims=2), dict(dims=2, width=2, padding=1, kind="avg"),
                                    dict(dims=2, width=5, padding=2, stride=3, ceil_mode=True,
                                         kind="l2", shift=3)])
def test_layout_is_readable(kwargs):
    """Texts inside the figure, at least 9 pt, not overlapping; numbers inside their cells."""
    figure = pooling_figure(**kwargs)
    assert figure.get_size_inches()[0] == 9.5 and figure.get_size_inches()[1] <= 7
    figure.canvas.draw()
    texts = drawn_texts(figure, axes_texts_only=True)
    extents = assert_texts_readable(figure, texts)
    long = [k for k, t in enumerate(texts) if len(t.get_text()) > 4]
    for a, b in itertools.combinations(long, 2):
        assert not extents[a].overlaps(extents[b]), (texts[a].get_text(), texts[b].get_text())
    # The stamped numbers (9 pt and up) fit inside their cells with a margin.
    drawing_cls = Pooling1DDrawing if kwargs.get("dims", 1) == 1 else Pooling2DDrawing
    state = pooling_state(**kwargs)
    drawing = drawing_cls(state)
    drawing.update(state)
    stamps = drawing.stamps
    assert stamps.fontsize >= 9
    cell = drawing.grids["pooled"].cell
    for text in stamps.texts:
        assert stamps.width(text, stamps.fontsize) < 0.92 * cell, text
