"""The equivariance widget (section 9.2): the claims it makes, its controls, its picture.

Shifts commute with correlation exactly away from the border (and everywhere for a
circular correlation); rotations and scalings do not, except quarter turns with a kernel
that quarter turns leave unchanged. The references here are written from the
definitions (np.roll, slicing, np.rot90, SciPy), not from the widget's helpers.
"""


import numpy as np
import pytest
from scipy import ndimage

import convbook as cb
from convbook.widgets.equivariance import (ANGLES, DEFAULT_KERNEL, KERNELS, LAPLACIAN, SCALES, SHIFTS,
                                           EquivarianceDrawing, default_image,
                                           equivariance_demo, equivariance_figure,
                                           equivariance_state)
from widget_pictures import (assert_apart, assert_same_picture, assert_texts_readable, drawn_texts,
                             figure_pixels, full_render, pixels)

MODES = ("valid", "same", "full")
BOUNDARIES = ("fill", "wrap")
PAIRS = [(0, 0), (2, -3), (-5, 6), (7, 7), (-8, -1)]


def fresh_render(state):
    return full_render(EquivarianceDrawing(state), state)


def shifted(array, dy, dx, boundary):
    """g from its definition: g(I)(y, x) = I(y - dy, x - dx), zeros or wrap from outside."""
    if boundary == "wrap":
        return np.roll(array, (dy, dx), axis=(0, 1))
    h, w = array.shape
    out = np.zeros_like(array)
    for y in range(h):
        for x in range(w):
            if 0 <= y - dy < h and 0 <= x - dx < w:
                out[y, x] = array[y - dy, x - dx]
    return out


def expected_shift_interior(image_shape, kernel_shape, mode, shift):
    """Output cells whose window lies inside the image and inside the shifted image: rows
    i with [i - before, i - before + kh) within [max(0, dy), H + min(0, dy))."""
    axes = []
    for n, k, d in zip(image_shape, kernel_shape, shift):
        before = {"valid": 0, "same": k - 1 - k // 2, "full": k - 1}[mode]
        size = {"valid": n - k + 1, "same": n, "full": n + k - 1}[mode]
        start = np.arange(size) - before
        axes.append((start >= max(0, d)) & (start + k <= n + min(0, d)))
    return axes[0][:, None] & axes[1][None, :]


# --------------------------------------------------------------------------- shifts
@pytest.mark.parametrize("boundary", BOUNDARIES)
@pytest.mark.parametrize("mode", MODES)
def test_shift_is_exactly_equivariant_away_from_the_border(mode, boundary):
    image, kernel = default_image(), DEFAULT_KERNEL
    for amount in [*SHIFTS, *PAIRS]:
        s = equivariance_state("shift", amount, mode, boundary)
        dy, dx = (0, amount) if isinstance(amount, int) else amount
        moved = shifted(image, dy, dx, boundary)
        f = cb.correlate2d(image, kernel, mode, boundary)
        np.testing.assert_array_equal(s["transformed"], moved)
        np.testing.assert_array_equal(s["f_g"], cb.correlate2d(moved, kernel, mode, boundary))
        np.testing.assert_array_equal(s["g_f"], shifted(f, dy, dx, boundary))
        np.testing.assert_array_equal(s["difference"], s["f_g"] - s["g_f"])
        np.testing.assert_array_equal(s["interior"],
                                      expected_shift_interior(image.shape, kernel.shape, mode, (dy, dx)))
        assert s["max_error_interior"] == 0.0
        assert np.all(s["difference"][s["interior"]] == 0)
        assert s["relative_error"] == 0.0
        assert s["verdict"].startswith("equal")
        border = np.abs(s["difference"][~s["interior"]])
        assert s["max_error_border"] == (border.max() if border.size else 0.0)
        if (dy, dx) != (0, 0) and not (boundary == "wrap" and mode == "same"):
            # The band is not decoration: something there really differs.
            assert s["max_error_border"] > 0
            assert "in the border band" in s["verdict"]


@pytest.mark.parametrize("boundary", BOUNDARIES)
@pytest.mark.parametrize("mode", MODES)
def test_shift_exact_for_any_float_image_and_even_kernel(mode, boundary):
    rng = np.random.default_rng(7)
    image, kernel = rng.standard_normal((30, 37)), rng.standard_normal((4, 5))
    for amount in [(2, -3), (-5, 6), 7, -4]:
        s = equivariance_state("shift", amount, mode, boundary, image, kernel)
        dy, dx = (0, amount) if isinstance(amount, int) else amount
        np.testing.assert_array_equal(s["interior"],
                                      expected_shift_interior(image.shape, kernel.shape, mode, (dy, dx)))
        assert s["max_error_interior"] == 0.0


@pytest.mark.parametrize("amount", [*SHIFTS, *PAIRS])
def test_wrap_same_shift_is_equivariant_everywhere(amount):
    s = equivariance_state("shift", amount, "same", "wrap")
    assert np.all(s["difference"] == 0)
    assert s["max_error_border"] == 0.0 and s["max_error_interior"] == 0.0
    assert s["verdict"] == "equal everywhere (max |difference| = 0)"
    np.testing.assert_array_equal(s["g_f"], np.roll(s["f"], (0, amount) if isinstance(amount, int)
                                                    else amount, axis=(0, 1)))


# --------------------------------------------------------------------------- rotations
@pytest.mark.parametrize("boundary", BOUNDARIES)
@pytest.mark.parametrize("mode", MODES)
def test_quarter_turns_commute_with_a_quarter_turn_symmetric_kernel(mode, boundary):
    assert np.array_equal(np.rot90(LAPLACIAN), LAPLACIAN)
    for angle in (0, 90, 180, 270, 360, -90, 450):
        s = equivariance_state("rotate", angle, mode, boundary, kernel=LAPLACIAN)
        turns = (angle // 90) % 4
        np.testing.assert_array_equal(s["transformed"], np.rot90(default_image(), turns))
        np.testing.assert_array_equal(
            s["g_f"], np.rot90(cb.correlate2d(default_image(), LAPLACIAN, mode, boundary), turns))
        assert s["max_error_interior"] == 0.0
        assert np.all(s["difference"][s["interior"]] == 0)
        # A quarter turn brings nothing in from outside: the band is the kernel's margin only.
        assert s["interior"].sum() == 46 * 46


@pytest.mark.parametrize("mode", MODES)
def test_default_kernel_is_not_rotation_equivariant(mode):
    assert not np.array_equal(np.rot90(DEFAULT_KERNEL), DEFAULT_KERNEL)
    for angle in ANGLES:
        s = equivariance_state("rotate", angle, mode)
        if angle % 360 == 0:
            assert s["max_error_interior"] == 0.0
            continue
        assert s["relative_error"] > 0.2, angle
        assert s["max_error_interior"] == pytest.approx(s["relative_error"] * s["output_range"])
        assert s["verdict"].startswith("not equal: max |difference| = ")
    # 180 degrees negates the Sobel kernel: f(g(I)) = -g(f(I)) away from the border.
    s = equivariance_state("rotate", 180, mode)
    np.testing.assert_array_equal(s["f_g"][s["interior"]], -s["g_f"][s["interior"]])
    assert s["relative_error"] == pytest.approx(2.0)


def test_other_angles_fail_even_for_the_symmetric_kernel_and_use_scipy():
    for angle in (15, 30, 45, 60, 75):
        s = equivariance_state("rotate", angle, kernel=LAPLACIAN)
        assert s["relative_error"] > 0.05, angle
        expected = ndimage.rotate(default_image(), angle, reshape=False, order=1, cval=0.0)
        np.testing.assert_array_equal(s["transformed"], expected)
        # Corners outside the turned picture are zeros, and they are in the border band.
        assert s["transformed"][0, 0] == 0 and not s["interior"][0, 0]


def test_rotation_direction_is_anticlockwise_as_displayed():
    image = np.zeros((9, 9))
    image[4, 8] = 1.0  # right of centre
    for angle in (90, 89):  # np.rot90 and ndimage agree on the direction
        moved = equivariance_state("rotate", angle, "valid", image=image)["transformed"]
        assert np.unravel_index(np.argmax(moved), moved.shape) == (0, 4)  # top


# --------------------------------------------------------------------------- scaling
@pytest.mark.parametrize("mode", MODES)
def test_scaling_is_not_equivariant(mode):
    for factor in SCALES:
        s = equivariance_state("scale", factor, mode)
        if factor == 1:
            assert np.all(s["difference"] == 0)
        else:
            assert s["relative_error"] > 0.03, factor
            assert s["verdict"].startswith("not equal")


def test_scaling_is_about_the_centre_with_the_exact_factor():
    rng = np.random.default_rng(3)
    image = rng.standard_normal((49, 49))  # centre (24, 24)
    moved = equivariance_state("scale", 2.0, "same", image=image)["transformed"]
    for d, e in [(0, 0), (3, -5), (-11, 10)]:
        assert moved[24 + 2 * d, 24 + 2 * e] == pytest.approx(image[24 + d, 24 + e], abs=1e-12)
    half = equivariance_state("scale", 0.5, "same", image=image)["transformed"]
    assert half[24 + 5, 24 - 6] == pytest.approx(image[24 + 10, 24 - 12], abs=1e-12)
    assert half[0, 0] == 0 and half[24 + 13, 24] == 0  # zeros outside the shrunk picture


# --------------------------------------------------------------------------- the app
def check_picture(app):
    s, d = app.state, app.drawing
    np.testing.assert_array_equal(d.im_fg.get_array(), s["f_g"])
    np.testing.assert_array_equal(d.im_gf.get_array(), s["g_f"])
    np.testing.assert_array_equal(d.im_diff.get_array(), s["difference"])
    np.testing.assert_array_equal(d.im_in.get_array(), s["transformed"])
    assert d.verdict.get_text().lower() == s["verdict"].lower()
    assert d.in_title.get_text().endswith("\n" + s["amount_text"])
    assert f"mode '{s['mode']}', boundary '{s['boundary']}'" in d.f_line.get_text()
    assert d.g_line.get_text().startswith("g: ")
    assert ("np.roll" in d.g_line.get_text()) == (s["transform"] == "shift" and s["boundary"] == "wrap")
    low, high = d.im_diff.get_clim()
    assert low == -high == -s["output_range"]  # fixed for the kernel: settings compare
    assert d.note.get_text() == s["note"]
    assert d.im_diff.get_cmap().name == "okabe_ito_blue_orange"
    assert app.controls["boundary"].disabled == (s["transform"] != "shift"
                                                 and s["mode"] == "valid")
    # The hatched band covers exactly the cells outside the interior.
    vertices = d.band.get_path().vertices.reshape(-1, 5, 2)
    area = np.sum((vertices[:, 1, 0] - vertices[:, 0, 0]) * (vertices[:, 2, 1] - vertices[:, 1, 1]))
    assert area == (~s["interior"]).sum()
    assert len(d.outline.get_segments()) >= 4


@pytest.mark.parametrize("transform", ["shift", "rotate", "scale"])
def test_every_control_over_its_whole_range(transform):
    app = equivariance_demo()
    app.controls["transform"].value = transform
    values = {"shift": SHIFTS, "rotate": ANGLES, "scale": SCALES}[transform]
    assert tuple(app.controls["amount"].options if transform == "scale" else
                 range(app.controls["amount"].min, app.controls["amount"].max + 1,
                       app.controls["amount"].step)) == values
    pictures = set()
    for mode in MODES:
        for boundary in BOUNDARIES:
            with app.hold():
                app.controls["mode"].value = mode
                app.controls["boundary"].value = boundary
            for amount in values:
                app.controls["amount"].value = amount
                s = app.state
                assert (s["transform"], s["mode"], s["boundary"]) == (transform, mode, boundary)
                assert s["amount"] == amount
                expected = equivariance_state(transform, amount, mode, boundary)
                np.testing.assert_array_equal(s["difference"], expected["difference"])
                if transform == "shift":
                    assert s["max_error_interior"] == 0.0
                check_picture(app)
                pictures.add(app.png)
    assert len(pictures) > len(values) * 5  # the picture follows the controls


def test_transform_change_gives_a_new_slider_whose_end_is_the_new_limit():
    app = equivariance_demo()
    old = app.controls["amount"]
    assert (old.min, old.max, old.value) == (-8, 8, 3)
    app.controls["amount"].value = -6
    app.controls["transform"].value = "rotate"
    new = app.controls["amount"]
    assert new is not old and old.comm is None  # closed, replaced in the widget tree
    tree = [c for box in app.widget.children[:-1] for c in box.children]
    assert new in tree and old not in tree
    assert (new.min, new.max, new.step) == (0, 360, 15)
    new.value = new.max  # what End does
    assert app.state["transform"] == "rotate" and app.state["amount"] == 360.0
    old.value = 2  # the old slider no longer drives anything
    assert app.state["amount"] == 360.0
    app.controls["transform"].value = "scale"
    assert tuple(app.controls["amount"].options) == SCALES
    app.controls["transform"].value = "shift"  # back where the reader left it
    assert app.controls["amount"].value == -6 and app.state["amount"] == -6
    app.controls["mode"].value = "full"  # other controls keep the slider
    assert app.controls["amount"] is app.controls["amount"] and app.state["mode"] == "full"
    assert all(not c.continuous_update for name, c in app.controls.items() if name == "amount")


def test_blitted_picture_equals_a_full_redraw():
    app = equivariance_demo()
    steps = [("amount", -8), ("mode", "valid"), ("transform", "rotate"), ("amount", 45),
             ("boundary", "wrap"), ("transform", "scale"), ("amount", 0.5), ("mode", "full"),
             ("transform", "shift"), ("amount", 5), ("mode", "same")]
    for name, value in steps:
        app.controls[name].value = value
        assert_same_picture(pixels(app.png), fresh_render(app.state), f"{name}={value}")


def test_static_figure_is_the_widget_picture():
    fig = equivariance_figure("rotate", 30, "valid", "wrap")
    app = equivariance_demo("rotate", 30, "valid", "wrap")
    assert_same_picture(pixels(app.png), figure_pixels(fig))


@pytest.mark.parametrize("settings", [
    dict(transform="rotate", amount=75, mode="full"), dict(amount=-8),
    dict(transform="scale", amount=0.6, mode="valid", boundary="wrap"),
    dict(transform="rotate", amount=90, boundary="wrap"),
    # Long numbers (a difference of tens of thousands) and a non-square image.
    dict(amount=(3, -4), image=default_image()[:40] * 40, kernel=np.arange(20).reshape(4, 5))])
def test_layout_is_readable(settings):
    """Every text inside the figure, at least 9 pt; the panels side by side, no overlap."""
    fig = equivariance_figure(**settings)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    assert tuple(fig.get_size_inches()) == (9.5, 3.8)
    texts = drawn_texts(fig)
    assert len(texts) > 10
    assert_texts_readable(fig, texts)
    boxes = [ax.get_tightbbox(renderer) for ax in fig.axes]
    assert_apart(boxes)
    # The header's lines clear the kernel's grid and one another.
    header = [t.get_window_extent(renderer) for t in fig.texts if t.get_text()]
    for i, a in enumerate(header):
        for b in header[i + 1:] + boxes:
            assert not a.overlaps(b), [t.get_text() for t in fig.texts]
    assert fig.axes[3].get_images()[0].get_cmap().name == "okabe_ito_blue_orange"
    assert [ax.get_title().splitlines()[0] for ax in fig.axes[1:4]] == [
        "f(g(I))", "g(f(I))", "f(g(I)) \u2212 g(f(I))"]


def test_default_image_and_kernel():
    image = default_image()
    assert image.shape == (48, 48) and np.array_equal(image, np.round(image))
    np.testing.assert_array_equal(image, np.round(cb.data.photo((98, 112))[8:56, 33:81] * 255))
    s = equivariance_state()
    assert (s["transform"], s["amount"], s["mode"], s["boundary"]) == ("shift", 3, "same", "fill")
    np.testing.assert_array_equal(s["kernel"], DEFAULT_KERNEL)
    np.testing.assert_array_equal(s["image"], image)
    assert s["output_range"] == np.abs(cb.correlate2d(image, DEFAULT_KERNEL)).max()


@pytest.mark.parametrize("kwargs, error, words", [
    (dict(transform="flip"), ValueError, "`transform` must be one of"),
    (dict(mode="sam"), ValueError, "`mode` must be one of"),
    (dict(boundary="symm"), ValueError, "`boundary` must be one of 'fill', 'wrap'"),
    (dict(amount="3"), TypeError, "`amount` must be an integer"),
    (dict(amount=2.5), TypeError, "`amount` must be an integer"),
    (dict(amount=True), TypeError, "`amount` must be an integer"),
    (dict(amount=(1, 2, 3)), ValueError, "pair \\(dy, dx\\)"),
    (dict(amount=48), ValueError, "out of its frame"),
    (dict(amount=47), ValueError, "`amount` 47 leaves no output cell"),
    (dict(transform="rotate", amount="ninety"), TypeError, "`amount` for 'rotate' must be a number"),
    (dict(transform="rotate", amount=np.nan), ValueError, "`amount` for 'rotate' must be finite"),
    (dict(transform="scale", amount=0), ValueError, "`amount` for 'scale' must be a factor > 0"),
    (dict(transform="scale", amount=-2.0), ValueError, "factor > 0"),
    (dict(transform="scale", amount=0.04), ValueError, "`amount` 0.04 leaves no output cell"),
    (dict(image=np.ones(5)), ValueError, "`image` must be 2-D"),
    (dict(image=np.full((9, 9), np.nan)), ValueError, "`image` must be finite"),
    (dict(kernel=np.ones((50, 3))), ValueError, "kernel"),
    (dict(kernel=[[1, "a"]]), TypeError, "`kernel`"),
    (dict(transform="rotate", amount=90, kernel=np.ones((3, 2))), ValueError, "`kernel` must be square"),
])
def test_bad_arguments_raise_naming_the_argument(kwargs, error, words):
    for build in (equivariance_state, equivariance_figure):
        with pytest.raises(error, match=words):
            build(**kwargs)


@pytest.mark.parametrize("kwargs, words", [
    (dict(transform="rotate", amount=10), "`amount` 10 is not on the rotate slider"),
    (dict(amount=(1, 2)), "not on the shift slider"),
    (dict(amount=9), "not on the shift slider"),
    (dict(transform="scale", amount=3.0), "not on the scale slider"),
    (dict(image=np.ones((10, 10))), "`image` \\(10, 10\\) is too small"),
    (dict(image=np.ones((24, 9))), "`image` \\(24, 9\\) is too small"),
])
def test_demo_refuses_settings_its_sliders_cannot_show(kwargs, words):
    with pytest.raises(ValueError, match=words):
        equivariance_demo(**kwargs)


# --------------------------------------------------------------------------- review fixes
def test_kernel_by_name_or_array():
    for name, kernel in KERNELS.items():
        by_name = equivariance_state("rotate", 90, kernel=name)
        by_array = equivariance_state("rotate", 90, kernel=kernel.tolist())
        assert by_name["kernel_name"] == by_array["kernel_name"] == name
        np.testing.assert_array_equal(by_name["difference"], by_array["difference"])
    assert equivariance_state(kernel=np.ones((2, 2)))["kernel_name"] == "custom"
    assert equivariance_state()["kernel_words"] == "Sobel, vertical edges"
    with pytest.raises(ValueError, match="`kernel` must be one of"):
        equivariance_state(kernel="Gauss")
    # The identity commutes with every g away from the border; the Laplacian with 90 deg.
    for transform, amount in [("rotate", 30), ("scale", 1.5), ("rotate", 90)]:
        assert equivariance_state(transform, amount, kernel="1\u00d71 identity")[
            "max_error_interior"] == 0.0
    assert equivariance_state("rotate", 90, kernel="Laplacian")["max_error_interior"] == 0.0


def test_wording_of_the_verdict_and_the_negated_case():
    s = equivariance_state("rotate", 180)
    assert "200% of the largest |output|" in s["verdict"] and "range" not in s["verdict"]
    assert s["negated"] and "\u2212f(g(I)) exactly" in s["note"]
    for other in [equivariance_state("rotate", 90), equivariance_state("rotate", 180, kernel="Laplacian"),
                  equivariance_state("shift", 3)]:
        assert not other["negated"] and other["note"] == ""


def test_kernel_control_and_boundary_toggle():
    app = equivariance_demo()
    pictures = {}
    for name in ["Laplacian", "1\u00d71 identity", "Sobel"]:
        app.controls["kernel"].value = name
        assert app.state["kernel_name"] == name
        check_picture(app)
        labels = [t.get_text() for t in app.drawing.kernel_texts]
        assert labels[-1].startswith(f"K ({name.split(',')[0]}")
        assert labels[:-1] == [cb.widgets.equivariance._number(v) for v in KERNELS[name].flat]
        pictures[name] = app.png
    assert len(set(pictures.values())) == 3
    with app.hold():
        app.controls["kernel"].value = "Laplacian"
        app.controls["transform"].value = "rotate"
    app.controls["amount"].value = 90
    assert app.state["verdict"].startswith("equal")
    for mode in MODES:
        app.controls["mode"].value = mode
        assert app.controls["boundary"].disabled == (mode == "valid")
        check_picture(app)
    app.controls["transform"].value = "shift"
    assert not app.controls["boundary"].disabled
    # A custom kernel is a fourth button.
    custom = equivariance_demo(kernel=np.ones((3, 3)))
    assert list(custom.controls["kernel"].options)[-1] == "custom"
    custom.controls["kernel"].value = "Sobel"
    custom.controls["kernel"].value = "custom"
    np.testing.assert_array_equal(custom.state["kernel"], np.ones((3, 3)))


def test_blit_equals_full_redraw_across_kernels():
    app = equivariance_demo()
    for name, value in [("kernel", "Laplacian"), ("transform", "rotate"), ("amount", 90),
                        ("kernel", "1\u00d71 identity"), ("mode", "full"),
                        ("kernel", "Sobel"), ("amount", 180)]:
        app.controls[name].value = value
        assert_same_picture(pixels(app.png), fresh_render(app.state), f"{name}={value}")
