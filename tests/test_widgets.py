"""Headless tests of the widgets: drive every control, check the state and the picture.

No Jupyter kernel is needed: setting ``app.controls[name].value`` fires the observers,
which recompute ``app.state`` and re-render ``app.png``.
"""


import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from scipy import signal as sp_signal

import convbook as cb
from convbook.widgets import _app
from widget_pictures import assert_same_picture, figure_pixels, full_render, pixels
from convbook.widgets.flip import (CELL, DEFAULT_IMAGE, DEFAULT_KERNEL, FlipDrawing, flip_demo,
                                   flip_figure, flip_state, products_text)
from convbook.widgets.sliding import (DECAY_NOTE, DECAYS, SlidingDrawing, age_weights, sensor_readings,
                                      sliding_demo, sliding_figure, sliding_state)

OPERATIONS = ("convolution", "cross-correlation")
MODES = ("valid", "same", "full")


def naive_flip_output(image, kernel, operation, mode, row, col):
    """Eq. 9.5 / 9.6 by loops over the kernel, with the output offset SciPy uses."""
    image, kernel = np.asarray(image, float), np.asarray(kernel, float)
    (h, w), (kh, kw) = image.shape, kernel.shape

    def first(k):
        if mode == "valid":
            return k - 1
        if mode == "full":
            return 0
        return (k - 1) // 2 if operation == "convolution" else k // 2

    # i, j: index into the 'full' output, whose entry (i, j) sums I(i - m, j - n) K(m, n)
    # for convolution and I(i - (kh-1) + m, j - (kw-1) + n) K(m, n) for correlation.
    i, j = row + first(kh), col + first(kw)
    total = 0.0
    for m in range(kh):
        for n in range(kw):
            if operation == "convolution":
                r, c = i - m, j - n
            else:
                r, c = i - (kh - 1) + m, j - (kw - 1) + n
            if 0 <= r < h and 0 <= c < w:
                total += image[r, c] * kernel[m, n]
    return total


# --------------------------------------------------------------------------- machinery
def test_encode_png_round_trips_exactly():
    rng = np.random.default_rng(0)
    rgba = rng.integers(0, 256, size=(17, 23, 4), dtype=np.uint8)
    decoded = pixels(_app.encode_png(rgba))
    np.testing.assert_array_equal(decoded, rgba[..., :3])


@pytest.mark.parametrize("value, text", [(3.0, "3"), (-2.0, "\u22122"), (-0.0, "0"),
                                         (0.5, "0.5"), (1 / 3, "0.333")])
def test_format_number(value, text):
    assert _app.format_number(value) == text


def test_figures_are_agg_and_not_pyplot():
    import matplotlib.pyplot as plt
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    before = plt.get_fignums()
    for fig in (flip_figure(), sliding_figure()):
        assert isinstance(fig.canvas, FigureCanvasAgg)
        width, height = fig.get_size_inches()
        assert width <= 10.0 and height <= 7.0
        assert min(t.get_fontsize() for t in fig.findobj(lambda a: hasattr(a, "get_fontsize"))) >= 9
        # Jupyter shows it as an image even before pyplot's inline hook is registered.
        assert pixels(fig._repr_png_()).shape[1] == round(width * fig.dpi)
    assert plt.get_fignums() == before


def test_app_displays_itself_as_its_widget():
    app = flip_demo()
    bundle = app._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in bundle
    assert bundle["application/vnd.jupyter.widget-view+json"]["model_id"] == app.widget.model_id
    assert app.image.value == app.png and app.png.startswith(b"\x89PNG")


def test_hold_batches_changes_into_one_update(monkeypatch):
    app = flip_demo()
    calls = []
    original = app.update
    monkeypatch.setattr(app, "update", lambda: calls.append(1) or original())
    with app.hold():
        app.controls["operation"].value = "cross-correlation"
        app.controls["mode"].value = "full"
        app.controls["row"].value = 5
        app.controls["col"].value = 6
    assert len(calls) == 1
    assert app.state["operation"] == "cross-correlation" and app.state["mode"] == "full"
    assert app.state["position"] == (5, 6)


# --------------------------------------------------------------------------- flip
def check_flip_state(state, image=DEFAULT_IMAGE, kernel=DEFAULT_KERNEL):
    operation, mode, (row, col) = state["operation"], state["mode"], state["position"]
    ours = cb.convolve2d if operation == "convolution" else cb.correlate2d
    theirs = sp_signal.convolve2d if operation == "convolution" else sp_signal.correlate2d
    expected_map = ours(np.asarray(image, float), np.asarray(kernel, float), mode=mode)
    scipy_map = theirs(np.asarray(image, float), np.asarray(kernel, float), mode=mode)
    np.testing.assert_allclose(expected_map, scipy_map, rtol=1e-12, atol=1e-12)
    np.testing.assert_array_equal(state["output_map"], expected_map)
    assert state["output_shape"] == expected_map.shape
    assert state["output"] == pytest.approx(state["products"].sum(), abs=1e-12)
    assert state["output"] == pytest.approx(expected_map[row, col], rel=1e-12, abs=1e-12)
    assert state["output"] == pytest.approx(
        naive_flip_output(image, kernel, operation, mode, row, col), rel=1e-12, abs=1e-12)
    k = np.asarray(kernel, float)
    np.testing.assert_array_equal(state["kernel_used"],
                                  k[::-1, ::-1] if operation == "convolution" else k)
    np.testing.assert_array_equal(state["products"], state["window"] * state["kernel_used"])
    # The window holds the input under the kernel, and zeros in the padding.
    r0, c0 = state["window_origin"]
    img = np.asarray(image, float)
    for m in range(k.shape[0]):
        for n in range(k.shape[1]):
            r, c = r0 + m, c0 + n
            inside = 0 <= r < img.shape[0] and 0 <= c < img.shape[1]
            assert state["window"][m, n] == (img[r, c] if inside else 0.0)


def cells(app):
    """Every output cell (row, col) of the app's current mode, row by row."""
    out_h, out_w = app.state["output_shape"]
    return [(i, j) for i in range(out_h) for j in range(out_w)]


def move_to(app, row, col):
    """Set the row and col sliders: one update, or none if nothing changes."""
    with app.hold():
        app.controls["row"].value = row
        app.controls["col"].value = col


def check_flip_picture(app):
    """The artists show app.state: window, kernel values over it, output mark, caption."""
    state, drawing = app.state, app.drawing
    (kh, kw), (r0, c0), (i, j) = state["kernel"].shape, state["window_origin"], state["position"]
    assert drawing.mode == state["mode"]
    # The window covers the input cells under the kernel, all shown (grid coordinates:
    # the grid starts at row r_lo, column c_lo of the 'full'-padded input).
    grid, window = drawing.input, drawing.window
    r, c = r0 + kh - 1 - drawing.r_lo, c0 + kw - 1 - drawing.c_lo
    assert r >= 0 and c >= 0 and grid.shown[r:r + kh, c:c + kw].shape == (kh, kw)
    assert grid.shown[r:r + kh, c:c + kw].all()
    assert window.fill.get_xy() == grid.cell_xy(r, c) == window.edge.get_xy()
    for m in range(kh):
        for n in range(kw):
            assert grid.texts[r + m, c + n].get_text() == _app.format_number(state["window"][m, n])
            assert window.overlay[m, n].get_text() == (
                "\u00d7" + _app.format_number(state["kernel_used"][m, n]))
    # The output mark sits on cell (i, j), and every output cell shows the library's value.
    assert drawing.out_mark.fill.get_xy() == drawing.output.cell_xy(i, j)
    assert drawing.output.shape == state["output_shape"]
    for (a, b), text in np.ndenumerate(drawing.output.texts):
        assert text.get_text() == _app.format_number(state["output_map"][a, b])
    assert drawing.caption.get_text() == products_text(state)
    assert drawing.caption.get_text().startswith(f"S({i}, {j}) = ")
    assert drawing.caption.get_text().endswith("= " + _app.format_number(state["output"]))


@pytest.mark.parametrize("operation", OPERATIONS)
@pytest.mark.parametrize("mode", MODES)
def test_flip_every_row_and_col_of_every_mode(operation, mode):
    app = flip_demo()
    with app.hold():
        app.controls["operation"].value = operation
        app.controls["mode"].value = mode
    out_h, out_w = app.state["output_shape"]
    rows, cols = app.controls["row"], app.controls["col"]
    assert (rows.min, rows.max, cols.min, cols.max) == (0, out_h - 1, 0, out_w - 1)
    previous = None
    for row, col in [*cells(app), (0, 0)]:
        move_to(app, row, col)
        state = app.state
        assert state["position"] == (row, col) and state["index"] == row * out_w + col
        assert (state["operation"], state["mode"]) == (operation, mode)
        check_flip_state(state)
        check_flip_picture(app)
        xy = app.drawing.window.fill.get_xy()
        if previous is not None and previous[0] != (row, col):
            assert app.png != previous[1], "the picture did not change"
            assert xy != previous[2], "the window did not move"
        previous = ((row, col), app.png, xy)


def test_flip_each_slider_alone_moves_the_window_one_cell():
    app = flip_demo(mode="full")
    cell = app.drawing.input.cell
    assert cell == CELL
    x0, y0 = app.drawing.window.fill.get_xy()
    app.controls["col"].value = 1
    assert app.state["position"] == (0, 1)
    x1, y1 = app.drawing.window.fill.get_xy()
    assert (x1 - x0, y1 - y0) == pytest.approx((cell, 0))
    app.controls["row"].value = 1
    assert app.state["position"] == (1, 1)
    x2, y2 = app.drawing.window.fill.get_xy()
    assert (x2 - x1, y2 - y1) == pytest.approx((0, cell))


def test_flip_blitted_picture_equals_a_full_redraw():
    app = flip_demo()
    # The last two revisit cached backgrounds.
    for mode, (row, col) in [("full", (0, 0)), ("same", (3, 4)), ("valid", (1, 1)),
                             ("full", (5, 6)), ("same", (0, 0))]:
        with app.hold():
            app.controls["mode"].value = mode
            app.controls["row"].value = row
            app.controls["col"].value = col
        app.controls["operation"].value = "cross-correlation"
        app.controls["col"].value = 1
        app.controls["operation"].value = "convolution"
        assert_same_picture(pixels(app.png), full_render(FlipDrawing(app.state), app.state), mode)


@pytest.mark.parametrize("image_shape, kernel_shape", [((3, 4), (2, 2)), ((5, 3), (2, 3)),
                                                       ((1, 5), (1, 3)), ((6, 5), (3, 3))])
def test_flip_other_shapes_draw_right(image_shape, kernel_shape):
    rng = np.random.default_rng(sum(image_shape + kernel_shape))
    image = rng.integers(-9, 10, image_shape)
    kernel = rng.integers(-3, 4, kernel_shape)
    app = flip_demo(image, kernel, mode="same")
    for operation in OPERATIONS:
        app.controls["operation"].value = operation
        last_row, last_col = app.controls["row"].max, app.controls["col"].max
        for row, col in [(0, 0), (last_row // 2, last_col), (last_row, last_col // 2),
                         (last_row, last_col)]:
            move_to(app, row, col)
            check_flip_state(app.state, image, kernel)
            check_flip_picture(app)
        check_flip_layout(app.drawing)
        # Even kernels shift 'same' windows by half a cell: the picture must still match.
        assert_same_picture(pixels(app.png), full_render(FlipDrawing(app.state), app.state))


def test_app_widget_holds_the_controls_and_the_image():
    app = flip_demo()
    *rows, image = app.widget.children
    assert image is app.image and image.format == "png"
    # Toggles on one line, the two sliders on their own line (they wrapped before).
    assert [list(row.children) for row in rows] == [
        [app.controls["operation"], app.controls["mode"]], [app.controls["row"], app.controls["col"]]]
    assert set(app.controls) == {"operation", "mode", "row", "col"}
    assert [app.controls[n].description for n in ("row", "col")] == ["row i", "col j"]
    sliding = sliding_demo()
    assert set(sliding.controls) == {"t", "decay"}
    assert sliding.controls["t"].description == "t (s)"
    *rows, _ = sliding.widget.children
    assert [list(row.children) for row in rows] == [
        [sliding.controls["t"]], [sliding.controls["decay"], sliding.note]]
    assert sliding.note.value == DECAY_NOTE and "second younger" in DECAY_NOTE


def test_flip_static_figure_is_the_widget_picture():
    fig = flip_figure(operation="cross-correlation", mode="same", position=(2, 3))
    app = flip_demo(operation="cross-correlation", mode="same", position=(2, 3))
    assert_same_picture(pixels(app.png), figure_pixels(fig))


def test_flip_mode_change_keeps_the_window_and_follows_the_output_shape():
    app = flip_demo(mode="valid", position=(1, 2))
    origin = app.state["window_origin"]
    app.controls["mode"].value = "full"
    rows, cols = app.controls["row"], app.controls["col"]
    assert (rows.max, cols.max) == (5, 6)
    assert app.state["window_origin"] == origin and app.state["position"] == (3, 4)
    assert (rows.value, cols.value) == (3, 4)
    app.controls["mode"].value = "same"
    rows, cols = app.controls["row"], app.controls["col"]
    assert (rows.max, cols.max) == (3, 4)
    assert app.state["window_origin"] == origin and app.state["position"] == (2, 3)
    # From a corner of 'full' back to 'valid' the window is clamped into range.
    with app.hold():
        app.controls["mode"].value = "full"
        app.controls["row"].value = 5
        app.controls["col"].value = 6
    app.controls["mode"].value = "valid"
    rows, cols = app.controls["row"], app.controls["col"]
    assert (rows.max, cols.max) == (1, 2) and app.state["position"] == (1, 2)
    assert (rows.value, cols.value) == (1, 2)
    app.controls["mode"].value = "full"
    move_to(app, 0, 0)
    app.controls["mode"].value = "valid"
    assert app.state["position"] == (0, 0)
    # Each axis is clamped on its own.
    app.controls["mode"].value = "full"
    move_to(app, 0, 6)
    app.controls["mode"].value = "valid"
    assert app.state["position"] == (0, 2)


def test_flip_padding_cells_follow_the_mode():
    app = flip_demo()
    visible, sizes = {}, {}
    for mode in MODES:
        app.controls["mode"].value = mode
        drawing = app.drawing
        visible[mode] = int(drawing.input.shown.sum())
        sizes[mode] = (drawing.output.texts.size, tuple(drawing.figure.get_size_inches()))
        assert ("zero padding" in drawing.in_title.get_text()) == (mode != "valid")
    assert visible == {"valid": 4 * 5, "same": 6 * 7, "full": 8 * 9}
    assert {mode: n for mode, (n, _) in sizes.items()} == {"valid": 6, "same": 20, "full": 42}
    # Each mode's figure is sized to its grids: 'valid' is the smallest.
    assert sizes["valid"][1][0] < sizes["same"][1][0] <= sizes["full"][1][0] <= 9.5
    app.controls["operation"].value = "cross-correlation"
    assert "cross-correlation" in app.drawing.out_title.get_text()
    assert "\u22c6" not in app.drawing.out_title.get_text()  # renders as a dot: spelled out
    assert app.drawing.k_used_title.get_text() == "K as is (used)"
    app.controls["operation"].value = "convolution"
    assert app.drawing.k_used_title.get_text() == "K flipped 180\u00b0 (used)"


def grid_box(grid, renderer):
    """The display-space bounding box of a NumberGrid's shown cells."""
    from matplotlib.transforms import Bbox

    rows, cols = np.nonzero(grid.shown)
    (x0, y0), (x1, y1) = grid.cell_xy(rows.min(), cols.min()), grid.cell_xy(rows.max() + 1, cols.max() + 1)
    return Bbox(grid.ax.transData.transform([(x0, y1), (x1, y0)]))


def check_flip_layout(drawing):
    """Nothing is cut off or overlaps: texts inside the figure, numbers inside their cells,
    the kernel values over the window legible and inside their cells, the caption clear."""
    figure = drawing.figure
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    box = figure.bbox
    texts = [t for t in drawing.ax.texts if t.get_visible() and t.get_text()]
    for text in texts:
        extent = text.get_window_extent(renderer)
        assert box.x0 - 0.5 <= extent.x0 and extent.x1 <= box.x1 + 0.5, text.get_text()
        assert box.y0 - 0.5 <= extent.y0 and extent.y1 <= box.y1 + 0.5, text.get_text()
        assert text.get_fontsize() >= 9
    grid, window = drawing.input, drawing.window
    (kh, kw), cell = drawing.kshape, grid.cell
    x0, y0 = window.fill.get_xy()
    assert window.overlay[0, 0].get_fontsize() >= 9
    for m in range(kh):
        for n in range(kw):
            extent = window.overlay[m, n].get_window_extent(renderer)
            corner = drawing.ax.transData.transform([(x0 + n * cell, y0 + (m + 1) * cell),
                                                     (x0 + (n + 1) * cell, y0 + m * cell)])
            (left, bottom), (right, top) = corner
            assert left < extent.x0 and extent.x1 < right, window.overlay[m, n].get_text()
            assert bottom <= extent.y0 and extent.y1 < top
            # The input's number stays clear of the kernel value in the same cell.
            row, col = window.position[0] + m, window.position[1] + n
            assert not extent.overlaps(grid.texts[row, col].get_window_extent(renderer))
    grids = [grid_box(g, renderer) for g in (grid, drawing.k_used, drawing.output)]
    for title in (drawing.caption, drawing.in_title, drawing.out_title, drawing.k_used_title):
        extent = title.get_window_extent(renderer)
        for other in grids:
            assert not extent.overlaps(other), title.get_text()
    for text in drawing.output.texts.flat:  # output numbers fit their cells
        extent = text.get_window_extent(renderer)
        assert extent.width < drawing.output.cell * figure.dpi


@pytest.mark.parametrize("mode", MODES)
def test_flip_layout_is_readable(mode):
    app = flip_demo(mode=mode)
    width, _ = app.figure.get_size_inches()
    assert width <= 9.5 + 1e-9
    # The kernel values over the window: 1.5 times the old 9 pt, where the cells allow.
    assert app.drawing.window.overlay[0, 0].get_fontsize() >= 13
    for operation in OPERATIONS:
        app.controls["operation"].value = operation
        for row, col in (0, 0), (app.controls["row"].max, app.controls["col"].max):
            move_to(app, row, col)
            check_flip_layout(app.drawing)


def test_flip_figure_takes_row_col_or_a_flat_index():
    # The old flat slider value 13 was S(1, 6) in 'full' mode.
    by_pair = flip_figure(mode="full", position=(1, 6))
    by_index = flip_figure(mode="full", position=13)
    caption = by_pair.axes[0].texts[-1].get_text()
    assert caption.startswith("S(1, 6) = ") and by_index.axes[0].texts[-1].get_text() == caption
    assert flip_demo(mode="full", position=13).state["position"] == (1, 6)


def test_flip_figure_9_1_letters_layout_runs():
    # The book's Figure 9.1 shape: a 3x4 input and a 2x2 kernel, every mode and position.
    image = np.arange(12).reshape(3, 4)
    kernel = np.array([[1, 2], [3, 4]])
    app = flip_demo(image, kernel)
    for operation in OPERATIONS:
        for mode in MODES:
            with app.hold():
                app.controls["operation"].value = operation
                app.controls["mode"].value = mode
            for row, col in cells(app):
                move_to(app, row, col)
                check_flip_state(app.state, image, kernel)
                check_flip_picture(app)


@settings(max_examples=40)
@given(data=st.data())
def test_flip_state_matches_scipy_for_random_shapes(data):
    kh, kw = data.draw(st.integers(1, 3)), data.draw(st.integers(1, 3))
    h, w = data.draw(st.integers(kh, 5)), data.draw(st.integers(kw, 5))
    ints = st.integers(-5, 5)
    image = np.array(data.draw(st.lists(ints, min_size=h * w, max_size=h * w))).reshape(h, w)
    kernel = np.array(data.draw(st.lists(ints, min_size=kh * kw, max_size=kh * kw))).reshape(kh, kw)
    operation = data.draw(st.sampled_from(OPERATIONS))
    mode = data.draw(st.sampled_from(MODES))
    size = {"valid": (h - kh + 1) * (w - kw + 1), "same": h * w,
            "full": (h + kh - 1) * (w + kw - 1)}[mode]
    index = data.draw(st.integers(0, size - 1))
    check_flip_state(flip_state(image, kernel, operation, mode, index), image, kernel)


def test_flip_extremes_draw_without_error():
    # A 1x1 kernel, and a kernel as large as the image (a single 'valid' output).
    for image, kernel in [(np.eye(3), [[2.0]]), (np.arange(6).reshape(2, 3), np.ones((2, 3)))]:
        app = flip_demo(image, kernel)
        for mode in MODES:
            app.controls["mode"].value = mode
            for row, col in cells(app):
                move_to(app, row, col)
                check_flip_state(app.state, image, kernel)
                check_flip_picture(app)
            check_flip_layout(app.drawing)
    app = flip_demo([[0.5, -1.25], [2.0, 1.0 / 3]], [[0.1]], position=3)
    assert app.drawing.caption.get_text() == "S(1, 1) = 0.333\u00b70.1  = 0.0333"
    # Numbers longer than the integers' widen the cells, so that they still fit.
    for image, kernel in [([[0.5, -1.25], [2.0, 1.0 / 3]], [[0.1]]),
                          ([[0.5, -1.25, 3], [2.0, 1 / 3, -7]], [[0.1, -0.25]])]:
        app = flip_demo(image, kernel)
        assert app.drawing.input.cell > CELL
        for mode in MODES:
            app.controls["mode"].value = mode
            move_to(app, app.controls["row"].max, app.controls["col"].max)
            check_flip_layout(app.drawing)


@pytest.mark.parametrize("kwargs, error, words", [
    (dict(image=np.ones((2, 2)), kernel=np.ones((3, 3))), ValueError, r"`kernel` spans 3 cells along height but `image` has only 2"),
    (dict(image=np.ones((4, 2)), kernel=np.ones((1, 3))), ValueError, r"`kernel` spans 3 cells along width but `image` has only 2"),
    (dict(mode="circular"), ValueError, "`mode` must be one of"),
    (dict(operation="convolve"), ValueError, "`operation` must be one of"),
    (dict(position=6), ValueError, "from 0 to 5"),
    (dict(position=-1), ValueError, "outside the output"),
    (dict(position=(2, 0)), ValueError, "outside the output"),
    (dict(position=(0, 1, 2)), ValueError, "pair (row, col)"),
    (dict(position=1.5), TypeError, "`position` must be an int"),
    (dict(image=np.ones(5)), ValueError, "`image` must be 2-D"),
    (dict(kernel=[[1, 2], [3]]), ValueError, "ragged"),
    (dict(image=np.ones((3, 3)) * 1j), TypeError, "complex"),
    (dict(image=[[1.0, np.nan], [0.0, 1.0]], kernel=[[1.0]]), ValueError, "finite"),
])
def test_flip_bad_settings_raise_clearly(kwargs, error, words):
    for build in (flip_demo, flip_figure, flip_state):
        with pytest.raises(error, match=words.replace("(", r"\(").replace(")", r"\)")):
            build(**kwargs)


def test_flip_too_large_to_draw_is_a_drawing_limit():
    # The state is plain arithmetic, for any size; the picture has a size limit.
    assert flip_state(np.ones((10, 12)), mode="full")["output_shape"] == (12, 14)
    for build in (flip_demo, flip_figure):
        with pytest.raises(ValueError, match="too large to draw readably with 0.47-inch cells"):
            build(np.ones((10, 12)))
    # Long numbers widen the cells, and the message says so.
    with pytest.raises(ValueError, match="or shorter numbers"):
        flip_figure(np.full((4, 5), -1 / 3), mode="full")


# --------------------------------------------------------------------------- sliding
def direct_sum(x, w, t):
    """Eq. 9.3 by a loop: s(t) = sum over a of x(a) w(t - a), w zero outside its support."""
    total = 0.0
    for a in range(len(x)):
        age = t - a
        if 0 <= age < len(w):
            total += x[a] * w[age]
    return total


def check_sliding_state(state):
    x, w, t = state["x"], state["w"], state["t"]
    expected = cb.convolve1d(x, w, mode="full")
    np.testing.assert_allclose(expected, sp_signal.convolve(x, w, mode="full"), rtol=1e-12)
    assert state["s_t"] == pytest.approx(expected[t], rel=1e-12)
    assert state["s_t"] == pytest.approx(direct_sum(x, w, t), rel=1e-12)
    assert state["s_t"] == pytest.approx(state["products"].sum(), rel=1e-12)
    np.testing.assert_allclose(state["s_so_far"], expected[:t + 1], rtol=1e-12)
    assert len(state["s_so_far"]) == t + 1
    tau = state["tau"]
    assert np.all(state["weights"][tau > t] == 0), "a future reading got weight"
    np.testing.assert_allclose(state["products"], x * state["weights"], rtol=0, atol=0)
    if t >= len(w) - 1:
        assert state["weights"].sum() == pytest.approx(1.0)


def check_sliding_flip_and_start(app):
    """The side panel shows w against age; the hatched bars, the weight before τ = 0."""
    state, drawing = app.state, app.drawing
    w, t = state["w"], state["t"]
    np.testing.assert_array_equal(drawing.age_steps.get_data().values, w)
    # The weights that fall on τ < 0 (ages t + 1, t + 2, ...), drawn hatched left of 0.
    edges = drawing.w_missing.get_data().edges
    tau = (edges[:-1] + 0.5).astype(int)
    assert np.all(tau < 0) and edges[-1] == -0.5
    expected = np.array([w[t - k] if t - k < len(w) else 0.0 for k in tau])
    np.testing.assert_array_equal(drawing.w_missing.get_data().values, expected)
    assert state["weight_before_0"] == pytest.approx(w[t + 1:].sum(), abs=1e-15)
    assert state["weights"].sum() + state["weight_before_0"] == pytest.approx(1.0)
    assert f"{state['weight_before_0']:.3f}" in drawing.s_text.get_text()


def test_sliding_every_t():
    app = sliding_demo()
    slider = app.controls["t"]
    assert (slider.min, slider.max) == (0, 59)
    previous = None
    for t in [*range(slider.min, slider.max + 1), 0]:
        slider.value = t
        state = app.state
        assert state["t"] == t
        check_sliding_state(state)
        drawing = app.drawing
        assert tuple(drawing.s_dot.get_data()[0]) == (t,)
        assert drawing.s_dot.get_data()[1][0] == state["s_t"]
        assert len(drawing.s_line.get_xdata()) == t + 1
        np.testing.assert_array_equal(drawing.w_steps.get_data().values, state["weights"])
        np.testing.assert_array_equal(drawing.p_steps.get_data().values, state["products"])
        check_sliding_flip_and_start(app)
        assert f"{state['s_t']:7.3f} km" in drawing.s_text.get_text()
        assert drawing.s_text.get_text().split() == [str(t), "s", f"{state['s_t']:.3f}", "km",
                                                     f"{state['weight_before_0']:.3f}"]
        if previous is not None and previous[0] != t:
            assert app.png != previous[1], "the picture did not change"
        previous = (t, app.png)


def test_sliding_every_decay():
    app = sliding_demo()
    assert tuple(app.controls["decay"].options) == DECAYS
    pictures = set()
    for decay in DECAYS:
        app.controls["decay"].value = decay
        for t in (0, 1, 14, 30, 59):
            app.controls["t"].value = t
            assert app.state["decay"] == decay
            check_sliding_state(app.state)
            np.testing.assert_allclose(app.state["w"], age_weights(decay, 60))
        pictures.add(app.png)
    assert len(pictures) == len(DECAYS)


def test_sliding_blitted_picture_equals_a_full_redraw():
    app = sliding_demo()
    for t, decay in [(59, 0.95), (0, 0.5), (17, 0.8), (40, 0.95)]:
        with app.hold():
            app.controls["decay"].value = decay
            app.controls["t"].value = t
        app.controls["t"].value = (t + 5) % 60
        app.controls["t"].value = t
        assert_same_picture(pixels(app.png), full_render(SlidingDrawing(app.state), app.state),
                            f"t={t}")


def test_sliding_weights_are_a_causal_density():
    w = age_weights(0.8, 15)
    assert np.all(w > 0) and w.sum() == pytest.approx(1.0)
    assert np.all(np.diff(w) < 0)
    x1, x2 = sensor_readings(), sensor_readings()
    np.testing.assert_array_equal(x1, x2)  # seeded, deterministic
    assert not np.array_equal(x1, sensor_readings(seed=1))
    # s(t) depends only on readings up to t: changing the future leaves it alone.
    state = sliding_state(t=20)
    future = state["x"].copy()
    future[21:] += 100.0
    assert cb.convolve1d(future, state["w"], mode="full")[20] == pytest.approx(state["s_t"])


def test_sliding_small_settings_and_figure():
    app = sliding_demo(t=0, n=2, width=1, noise=0.0)
    for t in (0, 1):
        app.controls["t"].value = t
        check_sliding_state(app.state)
        assert app.state["s_t"] == pytest.approx(app.state["x"][t])
    fig = sliding_figure(t=59)
    assert [ax.get_ylabel() for ax in fig.axes] == ["position (km)", "weight",
                                                    "x \u00b7 w (km)", ""]
    # τ is the time of a reading, a = t - τ its age (the chapter's notation).
    assert fig.axes[2].get_xlabel() == "time of reading \u03c4 (s)"
    assert fig.axes[3].get_xlabel() == "age a = t \u2212 \u03c4 (s)"
    assert "w(a)" in fig.axes[3].get_title()
    assert fig.axes[1].get_title(loc="left").startswith("w(t \u2212 \u03c4): w(a) flipped and shifted")
    assert "x(\u03c4)\u00b7w(t \u2212 \u03c4)" in fig.axes[2].get_title(loc="left")
    assert r"\Sigma_\tau" in fig.axes[0].get_title(loc="left")
    texts = [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]
    assert not any("\u2090" in text or "\u03a3_" in text for text in texts)  # no fake subscripts


def test_sliding_layout_is_readable():
    """The start-up is explained, and nothing sticks out of the figure."""
    for t in (0, 5, 30, 59):
        fig = sliding_figure(t=t)
        fig.canvas.draw()
        renderer = fig.canvas.get_renderer()
        texts = fig.findobj(lambda a: hasattr(a, "get_text") and a.get_visible()
                            and bool(a.get_text()) and a.figure is fig)
        assert any("no readings\nbefore \u03c4 = 0" in x.get_text() and "count" in x.get_text()
                   for x in texts)
        for text in texts:
            extent = text.get_window_extent(renderer)
            assert fig.bbox.x0 <= extent.x0 and extent.x1 <= fig.bbox.x1, text.get_text()
            assert fig.bbox.y0 <= extent.y0 and extent.y1 <= fig.bbox.y1, text.get_text()
        # The side panel and the numbers stay clear of the main panels and of each other.
        main = [ax.get_tightbbox(renderer) for ax in fig.axes[:3]]
        side = fig.axes[3].get_tightbbox(renderer)
        numbers = fig.texts[0].get_window_extent(renderer)
        assert fig.texts[1].get_window_extent(renderer).fully_overlaps(numbers)
        for box in main:
            assert not box.overlaps(side) and not box.overlaps(numbers)
        assert not side.overlaps(numbers)


@pytest.mark.parametrize("kwargs, error, words", [
    (dict(t=60), ValueError, "from 0 to n - 1 = 59"),
    (dict(t=-1), ValueError, "`t` must be zero or a positive"),
    (dict(t=2.5), TypeError, "`t` must be an integer"),
    (dict(decay=1.0), ValueError, "strictly between 0 and 1"),
    (dict(decay=0), ValueError, "strictly between 0 and 1"),
    (dict(decay="fast"), ValueError, "`decay`"),
    (dict(width=0), ValueError, "`width` must be a positive"),
    (dict(width=80), ValueError, "must not exceed `n`"),
    (dict(width=2.0), TypeError, "`width` must be an integer"),
    (dict(n=1, t=0, width=1), ValueError, "between 2 and 400"),
    (dict(noise=-1.0), ValueError, "`noise` must be a finite number"),
    (dict(seed=-3), ValueError, "`seed` must be zero or a positive"),
])
def test_sliding_bad_settings_raise_clearly(kwargs, error, words):
    for build in (sliding_demo, sliding_figure, sliding_state):
        with pytest.raises(error, match=words):
            build(**kwargs)


def test_sliding_weight_axes_are_the_same_for_every_decay():
    app = sliding_demo()
    limits = set()
    for decay in DECAYS:
        app.controls["decay"].value = decay
        drawing = app.drawing
        limits.add((drawing.ax_w.get_ylim(), drawing.ax_p.get_ylim(), drawing.ax_age.get_ylim()))
        # ... and they hold the tallest bar of every decay.
        assert drawing.ax_w.get_ylim()[1] > app.state["w"].max()
    assert len(limits) == 1


def test_sliding_kernel_reaches_the_whole_axis_and_the_last_bar_shows():
    state = sliding_state(t=59, decay=0.95)
    assert len(state["w"]) == 60  # width defaults to n: no reading on the axis is cut off
    for decay in DECAYS:  # the truncated tail, shared out by normalising, is under 5%
        assert decay ** 60 < 0.05 and age_weights(decay).sum() == pytest.approx(1.0)
    fig = sliding_figure(t=59)
    low, high = fig.axes[0].get_xlim()
    assert high >= 59.5 + 1  # the bar of t = 59 spans 58.5..59.5, with room after it


def test_flip_mode_change_gives_new_sliders_whose_end_is_the_new_limit():
    app = flip_demo(mode="valid")
    old_row, old_col = app.controls["row"], app.controls["col"]
    app.controls["mode"].value = "full"
    row, col = app.controls["row"], app.controls["col"]
    # A live slider whose max changes keeps the old range for End in the browser: the
    # row and col sliders are new ones, built with the new range, in the widget tree.
    assert row is not old_row and col is not old_col
    assert (row.max, col.max) == (5, 6) and (row.min, col.min) == (0, 0)
    tree = [c for box in app.widget.children[:-1] for c in box.children]
    assert row in tree and col in tree and old_row not in tree and old_col not in tree
    assert old_row.comm is None  # closed
    row.value = row.max  # what End does: the new slider drives the picture
    assert app.state["position"][0] == 5
    old_row.value = 0  # the old one no longer does
    assert app.state["position"][0] == 5
    # An operation change keeps the range, and the sliders.
    app.controls["operation"].value = "cross-correlation"
    assert app.controls["row"] is row


def test_drawing_redraws_the_background_only_when_its_key_changes():
    calls = []

    class Counting(FlipDrawing):
        def draw_background(self, state):
            calls.append(state["operation"])
            super().draw_background(state)

    state = flip_state(mode="same")
    drawing = Counting(state)
    for position in range(5):
        drawing.render_rgba(flip_state(mode="same", position=position))
    assert calls == ["convolution"]
    drawing.render_rgba(flip_state(operation="cross-correlation", mode="same"))
    drawing.render_rgba(flip_state(operation="cross-correlation", mode="same", position=3))
    assert calls == ["convolution", "cross-correlation"]


@pytest.mark.parametrize("shape", [(3, 5), (4, 6), (1, 8)])
def test_flip_size_limits_are_the_documented_ones(shape):
    """flip_state's docstring: a 3x3 kernel on up to 5 columns, 2x2 up to 6, 1x1 up to 8."""
    kernel = np.ones({(3, 5): (3, 3), (4, 6): (2, 2), (1, 8): (1, 1)}[shape])
    image = np.ones((max(shape[0], kernel.shape[0]), shape[1]))
    assert flip_figure(image, kernel, mode="full").get_size_inches()[0] <= 9.5
    with pytest.raises(ValueError, match="too large to draw"):
        flip_figure(np.ones((image.shape[0], shape[1] + 1)), kernel)


# --------------------------------------------------------------------------- the kit
from matplotlib.collections import LineCollection  # noqa: E402

from convbook.widgets import (Drawing, LayeredNetwork, NumberGrid, ParameterMatrix,  # noqa: E402
                              inch_axes, new_figure, parameter_colors)


class KitDemo(Drawing):
    """Every primitive in one drawing: a grid with a window, a network, a tied matrix."""

    def __init__(self, state=None):
        super().__init__(new_figure(8, 3.2))
        ax = inch_axes(self.figure)
        self.grid = NumberGrid(ax, np.arange(12).reshape(3, 4), (0.2, 0.3), 0.45,
                               number_at=(0.34, 0.36))
        self.window = self.grid.add_window((2, 2), overlay=True)
        self.net = LayeredNetwork(ax, [5, 5], names=("x", "s"), xy=(4.0, 2.6))
        self.band = np.abs(np.subtract.outer(range(5), range(5))) <= 1
        self.net.connect(0, self.band)
        self.matrix = ParameterMatrix(ax, [[0, 1, -1], [-1, 0, 1]], (6.2, 0.3), 0.45)
        self.add_dynamic(*self.window.artists, *self.net.artists)

    def background_key(self, state):
        return state["ids"]

    def draw_background(self, state):
        self.matrix.set_ids(np.array(state["ids"]).reshape(2, 3))

    def draw_dynamic(self, state):
        self.window.move_to(*state["corner"], overlay=[[1, -1], [0, 2]])
        self.net.highlight(self.net.affected(0, state["unit"]) | {(0, state["unit"])})


def test_kit_blitted_picture_equals_a_full_redraw():
    drawing = KitDemo()
    states = [dict(ids=ids, corner=corner, unit=unit)
              for ids, corner, unit in [((0, 1, -1, -1, 0, 1), (0, 0), 0),
                                        ((0, 1, 2, 3, 4, 5), (1, 2), 4),
                                        ((0, 1, -1, -1, 0, 1), (1, 1), 2)]]
    for state in states:
        shown = drawing.render_rgba(state)[..., :3].copy()
        assert_same_picture(shown, full_render(KitDemo(), state), str(state))


def test_number_grid_cells_numbers_window_and_shown():
    ax = inch_axes(new_figure(3, 2))
    grid = NumberGrid(ax, [[1.5, -2, 0], [3, 4, 5]], (0.25, 0.5), 0.4)
    assert [t.get_text() for t in grid.texts.flat] == ["1.5", "\u22122", "0", "3", "4", "5"]
    assert grid.cell_xy(1, 2) == (1.05, 0.9) and grid.extent == pytest.approx((0.25, 0.5, 1.45, 1.3))
    # Fixed cell size in inches, whatever the figure: 0.4 in is 36 px at 90 dpi.
    verts = grid.cells.get_paths()[0].vertices
    assert np.ptp(verts[:, 0]) == pytest.approx(0.4) and np.ptp(verts[:, 1]) == pytest.approx(0.4)
    window = grid.add_window((1, 2), overlay=True)
    window.move_to(1, 1, overlay=[[7, -1]])
    assert window.fill.get_xy() == grid.cell_xy(1, 1) and window.position == (1, 1)
    assert [t.get_text() for t in window.overlay.flat] == ["\u00d77", "\u00d7\u22121"]
    assert window.fill.get_width() == pytest.approx(0.8)
    grid.set_shown([[True, False, True], [True, True, False]])
    assert [t.get_visible() for t in grid.texts.flat] == [True, False, True, True, True, False]
    assert grid.cells.get_facecolors()[1, 3] == 0 and grid.cells.get_facecolors()[0, 3] == 1
    with pytest.raises(ValueError, match="one per cell"):
        NumberGrid(ax, np.ones((2, 2)), (0, 0), 0.4, facecolor=np.full((3, 3), "red"))


def test_network_highlights_exactly_what_was_asked():
    ax = inch_axes(new_figure(6, 3))
    net = LayeredNetwork(ax, [5, 5, 5], names=("x", "h", "g"), xy=(3, 2.8))
    band = np.abs(np.subtract.outer(range(5), range(5))) <= 1  # kernel width 3
    net.connect(0, band)
    net.connect(1, np.ones((5, 5), bool), color="0.8")  # a dense layer: every edge
    # One LineCollection per connect call (plus the highlight's), not one artist per edge.
    assert sum(isinstance(c, LineCollection) for c in ax.collections) == 3
    assert len(net.edges[0]) == 13 and len(net.edges[1]) == 25
    # Book Fig. 9.2: x3 affects s2, s3, s4; Fig. 9.3: s3's receptive field is x2, x3, x4.
    assert net.affected(0, 2) >= {(1, 1), (1, 2), (1, 3)}
    assert net.affected(0, 2) == {(1, 1), (1, 2), (1, 3), *[(2, j) for j in range(5)]}
    assert net.receptive_field(1, 2) == {(0, 1), (0, 2), (0, 3)}
    assert net.receptive_field(2, 0) == {(1, j) for j in range(5)} | {(0, i) for i in range(5)}
    units = {(0, 1), (0, 2), (0, 3), (1, 2)}
    net.highlight(units)
    assert set(net.highlighted[0]) == units
    assert net.highlighted[1] == [(0, 1, 2), (0, 2, 2), (0, 3, 2)]
    assert len(net.hi_edges.get_segments()) == 3
    np.testing.assert_allclose(net.hi_units.get_offsets(),
                               [net.centres[layer][i] for layer, i in sorted(units)])
    shown = [t.get_text() for t in net.hi_texts if t.get_visible()]
    assert shown == ["$x_{2}$", "$x_{3}$", "$x_{4}$", "$h_{3}$"]
    # Edges stop at the circles' rims.
    (a, b) = net.hi_edges.get_segments()[0]
    assert np.hypot(*(a - net.centres[0][1])) == pytest.approx(net.radius)
    net.highlight([(2, 4)], edges=[(1, 0, 4)])
    assert net.highlighted == ([(2, 4)], [(1, 0, 4)])
    assert sum(t.get_visible() for t in net.hi_texts) == 1


def test_parameter_matrix_colours_follow_the_ids():
    ax = inch_axes(new_figure(4, 3))
    ids = np.array([[0, 1, -1, 3], [-1, 0, 1, 2], [5, -1, 0, 1]])
    values = np.arange(12.0).reshape(3, 4)
    matrix = ParameterMatrix(ax, ids, (0.2, 0.2), 0.4, values=values)
    colors = matrix.colors.reshape(-1, 4)
    flat = ids.ravel()
    for a in range(flat.size):
        for b in range(flat.size):
            same = bool(np.all(colors[a] == colors[b]))
            assert same == (flat[a] == flat[b]), (flat[a], flat[b])
    assert np.all(colors[flat < 0] == 1.0)  # structural zeros white ...
    assert [t.get_text() for t in matrix.texts[ids < 0]] == ["", "", ""]  # ... and blank
    assert matrix.texts[0, 1].get_text() == "1" and matrix.texts[2, 0].get_text() == "8"
    np.testing.assert_array_equal(matrix.cells.get_facecolors(), colors)
    # Masked entries are structural zeros too; an id keeps its colour in every matrix.
    masked = ParameterMatrix(ax, np.ma.masked_equal([[0, 7], [3, 7]], 3), (2.2, 0.2), 0.4)
    assert np.all(masked.colors[1, 0] == 1.0)
    np.testing.assert_array_equal(masked.colors[0, 0], matrix.colors[0, 0])
    np.testing.assert_array_equal(masked.colors[0, 1], parameter_colors(8)[7])
    big = parameter_colors(300)
    assert len({tuple(c) for c in big.round(6)}) == 300


def test_number_grid_writes_strings_as_they_are_and_numbers_formatted():
    from convbook.widgets import NumberGrid, inch_axes, new_figure

    grid = NumberGrid(inch_axes(new_figure(3, 2)), np.array([["aw + bx", "c"], ["-1", "z"]]),
                      (0.1, 0.1), 0.5)
    assert [t.get_text() for t in grid.texts.flat] == ["aw + bx", "c", "-1", "z"]
    grid.set_values(np.array([[-1.0, 2.5], [0.0, 3.0]]))
    assert [t.get_text() for t in grid.texts.flat] == ["\u22121", "2.5", "0", "3"]


def test_number_grid_blocks_outline_every_block():
    from convbook.widgets import ParameterMatrix, inch_axes, new_figure

    grid = ParameterMatrix(inch_axes(new_figure(3, 3)), np.arange(24).reshape(4, 6), (0.2, 0.2), 0.4)
    lines = grid.add_blocks(2, 3).get_segments()
    ys = sorted({round(s[0][1], 9) for s in lines if s[0][1] == s[1][1]})
    xs = sorted({round(s[0][0], 9) for s in lines if s[0][0] == s[1][0]})
    assert ys == [0.2, 1.0, 1.8] and xs == [0.2, 1.4, 2.6]  # 2 block rows, 2 block columns
