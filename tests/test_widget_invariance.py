"""The learned-invariance widget (section 9.3, Figure 9.9): its claim, its numbers, its picture.

The claim: a max over three detectors tuned to a '5' at -45, 0 and 45 degrees answers the
'5' at any angle from -60 to 60 degrees about equally, while each detector alone answers
strongly only near its own angle. The numbers are checked against ``cb.conv2d`` and
``cb.channel_pool`` and against plain NumPy (a dot product of normalised arrays).
"""


import numpy as np
import pytest
from scipy import ndimage

import convbook as cb
from convbook.widgets.invariance import (ANGLE_RANGE, CURVE_ANGLES, TUNED, InvarianceDrawing,
                                         invariance_demo, invariance_figure, invariance_state,
                                         rendered_digit)
from widget_pictures import (assert_apart, assert_same_picture, assert_texts_readable, drawn_texts,
                             figure_pixels, full_render, pixels)


def fresh_render(state):
    """The picture drawn from scratch by a fresh drawing, with no blitting."""
    return full_render(InvarianceDrawing(state), state)


def normalized(a):
    a = a - a.mean()
    return a / np.linalg.norm(a)


# --------------------------------------------------------------------------- the claim
def test_the_max_is_far_more_invariant_to_rotation_than_any_detector():
    """Over -60..60 degrees (the tuned angles +-15), the spread (max - min) of the pooled
    unit's response is less than half the smallest spread of a single detector's. With
    the defaults: about 0.23 for the max against 0.74 (the 0-degree detector) and 0.92."""
    s = invariance_state()
    inside = (s["curve_angles"] >= -60) & (s["curve_angles"] <= 60)
    spread_max = np.ptp(s["curve_max"][inside])
    spreads = np.ptp(s["curves"][:, inside], axis=1)
    assert spread_max < 0.5 * spreads.min(), (spread_max, spreads)
    # and the max stays high throughout, while each detector falls low somewhere in range
    assert s["curve_max"][inside].min() > 0.7
    assert np.all(s["curves"][:, inside].min(axis=1) < 0.3)


def test_each_detector_answers_best_at_its_own_angle():
    s = invariance_state()
    for k, angle in enumerate(TUNED):
        assert CURVE_ANGLES[np.argmax(s["curves"][k])] == angle
        at = invariance_state(angle)
        assert at["responses"][k] == pytest.approx(1.0, abs=1e-12)
        assert at["winner"] == k and at["pooled"] == pytest.approx(1.0, abs=1e-12)
    assert np.all(s["curves"] <= 1 + 1e-12)  # a correlation of unit vectors


# --------------------------------------------------------------------------- the numbers
@pytest.mark.parametrize("angle", [-90, -60, -25, 0, 10, 30, 45, 90, 17.5])
def test_responses_are_conv2d_and_the_pooled_unit_is_channel_pool(angle):
    s = invariance_state(angle)
    x = normalized(s["image"])
    by_conv = cb.conv2d(x[None, None], s["templates"][:, None], padding="valid")
    assert by_conv.shape == (1, 3, 1, 1)
    np.testing.assert_array_equal(s["responses"], by_conv[0, :, 0, 0])
    np.testing.assert_allclose(s["responses"], [np.sum(t * x) for t in s["templates"]],
                               rtol=0, atol=1e-12)
    assert s["pooled"] == s["responses"].max() == cb.channel_pool(by_conv, 3)[0, 0, 0, 0]
    assert s["winner"] == int(np.argmax(s["responses"]))


def test_templates_and_curves_from_their_definitions():
    s = invariance_state(20, tuned=(-30, 10, 70), size=32)
    assert s["tuned"] == (-30.0, 10.0, 70.0) and s["size"] == 32
    for k, angle in enumerate(s["tuned"]):
        t = s["templates"][k]
        assert abs(t.mean()) < 1e-12 and np.linalg.norm(t) == pytest.approx(1.0)
        np.testing.assert_allclose(t, normalized(rendered_digit("5", 32, angle)), atol=1e-12)
    np.testing.assert_array_equal(s["curve_angles"], np.arange(-90, 91, 5))
    assert s["curves"].shape == (3, 37) and s["curve_max"].shape == (37,)
    np.testing.assert_array_equal(s["curve_max"], s["curves"].max(axis=0))
    for i in (0, 11, 22, 36):
        at = invariance_state(CURVE_ANGLES[i], tuned=(-30, 10, 70), size=32)
        np.testing.assert_allclose(s["curves"][:, i], at["responses"], atol=1e-12)


def test_rendered_digit_is_deterministic_non_empty_and_rotated_by_scipy():
    a, b = rendered_digit(), rendered_digit("5", 28, 0)
    assert a.shape == (28, 28) and a.dtype == np.float64
    np.testing.assert_array_equal(a, b)
    assert a.max() == 1.0 and a.min() == 0.0 and a.sum() > 50
    assert np.all(a[:2] == 0) and np.all(a[-2:] == 0)  # margins: room to turn
    a[0, 0] = 7.0  # a copy: the cached picture is unchanged
    assert rendered_digit()[0, 0] == 0.0
    turned = rendered_digit("5", 28, 30)
    np.testing.assert_array_equal(turned, rendered_digit("5", 28, 30))
    np.testing.assert_allclose(turned, np.clip(ndimage.rotate(rendered_digit(), 30, order=1,
                                                              reshape=False), 0, 1))
    assert not np.array_equal(rendered_digit("3"), rendered_digit("5"))
    assert rendered_digit("5", 56).sum() > 3 * rendered_digit("5", 28).sum()


# --------------------------------------------------------------------------- arguments
@pytest.mark.parametrize("kwargs, error, words", [
    (dict(angle="30"), TypeError, "`angle` must be a number"),
    (dict(angle=True), TypeError, "`angle` must be a number"),
    (dict(angle=np.nan), ValueError, "`angle` must be finite"),
    (dict(tuned=(0, 45)), ValueError, "`tuned` must hold three angles"),
    (dict(tuned=5), TypeError, "`tuned` must be three angles"),
    (dict(tuned=(0, 0, 45)), ValueError, "`tuned` must hold three different"),
    (dict(tuned=(0, "a", 45)), TypeError, "`tuned` must be a number"),
    (dict(size=28.0), TypeError, "`size` must be an integer"),
    (dict(size=4), ValueError, "`size` must be between 12 and 256"),
])
def test_bad_arguments_raise_naming_the_argument(kwargs, error, words):
    for build in (invariance_state, invariance_figure, invariance_demo):
        with pytest.raises(error, match=words):
            build(**kwargs)


def test_rendered_digit_bad_arguments():
    for kwargs, error, words in [(dict(digit="a"), ValueError, "`digit` must be one of"),
                                 (dict(digit=5), ValueError, "`digit`"),
                                 (dict(size=1000), ValueError, "`size`"),
                                 (dict(angle=None), TypeError, "`angle`")]:
        with pytest.raises(error, match=words):
            rendered_digit(**kwargs)


def test_demo_refuses_an_angle_off_its_slider():
    with pytest.raises(ValueError, match="`angle` 12 is not on the demo's slider"):
        invariance_demo(12)


# --------------------------------------------------------------------------- the app
def check_picture(app):
    s, d = app.state, app.drawing
    np.testing.assert_array_equal(d.im_in.get_array(), s["image"])
    for k in range(3):
        assert d.bars[k].get_width() == pytest.approx(np.clip(s["responses"][k], -0.25, 1))
        assert d.bar_texts[k].get_text() == f"{s['responses'][k]:+.2f}".replace("-", "\u2212")
        assert (d.arrows[k].get_linewidth() > 2) == (k == s["winner"])
    assert d.pool_bar.get_width() == pytest.approx(s["pooled"])
    assert d.marker.get_xdata()[0] == s["angle"]
    dots = d.dots.get_offsets()
    i = list(CURVE_ANGLES).index(s["angle"])
    np.testing.assert_allclose(dots[:, 1], [*s["curves"][:, i], s["curve_max"][i]])
    np.testing.assert_allclose(dots[:3, 1], s["responses"], atol=1e-12)


def test_the_angle_slider_over_its_whole_range():
    app = invariance_demo()
    slider = app.controls["angle"]
    low, high, step = ANGLE_RANGE
    assert (slider.min, slider.max, slider.step, slider.value) == (-90, 90, 5, 0)
    pictures = set()
    for angle in range(low, high + 1, step):
        slider.value = angle
        assert app.state["angle"] == angle
        np.testing.assert_array_equal(app.state["responses"], invariance_state(angle)["responses"])
        check_picture(app)
        pictures.add(app.png)
    assert len(pictures) == len(CURVE_ANGLES)
    # the curves are computed once for the demo: every state shares the same arrays
    curves = app.state["curves"]
    slider.value = 0
    assert app.state["curves"] is curves and not curves.flags.writeable


def test_blitted_picture_equals_a_full_redraw():
    app = invariance_demo()
    for angle in (-90, -60, -45, -20, 0, 5, 30, 45, 75, 90):
        app.controls["angle"].value = angle
        shown = pixels(app.png)
        assert shown.shape == (324, 855, 3)
        assert_same_picture(shown, fresh_render(app.state), f"angle={angle}")


def test_static_figure_is_the_widget_picture():
    fig = invariance_figure(30)
    app = invariance_demo(30)
    assert_same_picture(pixels(app.png), figure_pixels(fig))


@pytest.mark.parametrize("angle", [-60, 0, 30, 90])
def test_layout_is_readable(angle):
    """Every text inside the figure, at least 9 pt; the axes do not overlap."""
    fig = invariance_figure(angle)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    texts = drawn_texts(fig)
    assert len(texts) > 12
    assert_texts_readable(fig, texts)
    boxes = [ax.get_tightbbox(renderer) for ax in fig.axes]
    assert_apart(boxes)
    # the numbers beside the bars clear the lines to the pooled unit
    d_texts = [t for t in fig.texts if t.get_text().startswith(("+", "\u2212"))]
    assert len(d_texts) == 3
    for t in d_texts:
        assert t.get_window_extent(renderer).x1 < 5.07 * fig.dpi
