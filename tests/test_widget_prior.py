"""The prior-strength widget (section 9.4): every setting against a MAP computed here.

The widget writes the MAP estimate as a weighted mean of the ML estimate and the prior
mean. Here it is computed another way, independently: as the least-squares solution of
the data's equations stacked on one equation for the prior (the Gaussian prior is a ridge
penalty), with ``np.linalg.lstsq``; and, for the limits, by the definitions (tau = 0 pins
theta to the prior mean, a flat prior gives ordinary least squares).
"""

import numpy as np
import pytest

from convbook.widgets.prior import (N_MAX, TAUS, TRUE_SLOPE, PriorDrawing, prior_demo,
                                    prior_figure, prior_state, tau_label)
from widget_pictures import (assert_apart, assert_same_picture, assert_texts_readable, drawn_texts,
                             figure_pixels, full_render, pixels)


def fresh_render(state):
    return full_render(PriorDrawing(state), state)


def map_by_lstsq(x, y, tau, sigma, prior_mean):
    """argmin_theta |y - theta x|^2 / sigma^2 + (theta - prior_mean)^2 / tau^2, solved as
    one least-squares problem: the rows x_i / sigma, and one more row 1 / tau (ridge)."""
    rows = [x / sigma] + ([np.array([1.0 / tau])] if np.isfinite(tau) else [])
    targets = [y / sigma] + ([np.array([prior_mean / tau])] if np.isfinite(tau) else [])
    a, b = np.concatenate(rows)[:, None], np.concatenate(targets)
    return float(np.linalg.lstsq(a, b, rcond=None)[0][0])


def log_posterior(theta, x, y, tau, sigma, prior_mean):
    """Up to a constant; the flat prior adds nothing."""
    prior = 0.0 if np.isinf(tau) else -0.5 * (theta - prior_mean) ** 2 / tau ** 2
    return -0.5 * np.sum((y - theta * x) ** 2) / sigma ** 2 + prior


# --------------------------------------------------------------------------- the numbers
@pytest.mark.parametrize("tau", [t for t in TAUS if t > 0])
@pytest.mark.parametrize("n", [1, 2, 5, 17, N_MAX])
@pytest.mark.parametrize("sigma, prior_mean", [(1.0, 0.0), (0.4, -0.7), (2.5, 2.0)])
def test_map_equals_the_ridge_least_squares_solution(tau, n, sigma, prior_mean):
    s = prior_state(tau, n, sigma, prior_mean)
    x, y = s["x"], s["y"]
    assert len(x) == n and np.array_equal(x, s["x_all"][:n])
    expected = map_by_lstsq(x, y, tau, sigma, prior_mean)
    assert s["theta_map"] == pytest.approx(expected, rel=1e-12, abs=1e-12)
    # a maximum: the log posterior is lower a little to either side
    for step in (1e-4, -1e-4):
        assert log_posterior(s["theta_map"] + step, x, y, tau, sigma, prior_mean) < \
            log_posterior(s["theta_map"], x, y, tau, sigma, prior_mean)
    assert s["theta_ml"] == pytest.approx(map_by_lstsq(x, y, np.inf, sigma, 0.0), rel=1e-12)
    # the posterior's curvature: 1 / sd^2 = S / sigma^2 + 1 / tau^2
    curvature = np.sum(x * x) / sigma ** 2 + (0.0 if np.isinf(tau) else 1 / tau ** 2)
    assert s["posterior_sd"] == pytest.approx(curvature ** -0.5, rel=1e-12)
    assert s["likelihood_sd"] == pytest.approx(sigma / np.sqrt(np.sum(x * x)), rel=1e-12)
    assert s["penalty"] == pytest.approx(0.0 if np.isinf(tau) else sigma ** 2 / tau ** 2)
    w = s["data_weight"]
    assert 0 < w <= 1
    assert s["theta_map"] == pytest.approx(w * s["theta_ml"] + (1 - w) * prior_mean, abs=1e-12)


@pytest.mark.parametrize("n", range(1, N_MAX + 1))
def test_the_infinitely_strong_prior_pins_theta_whatever_the_data(n):
    for prior_mean in (0.0, 0.3, -1.25):
        s = prior_state(0.0, n, prior_mean=prior_mean)
        assert s["theta_map"] == prior_mean  # exactly: no data can move it
        assert s["data_weight"] == 0.0 and s["posterior_sd"] == 0.0 and s["penalty"] == np.inf
    flat = prior_state(np.inf, n)
    assert flat["theta_map"] == flat["theta_ml"] and flat["data_weight"] == 1.0


def test_the_map_approaches_the_prior_mean_as_tau_shrinks():
    """|MAP - mean| falls with tau, like tau^2 for small tau (w ~ S tau^2 / sigma^2), and
    reaches 0 at tau = 0; at tau = 1e-9 it is below 1e-15."""
    gaps = [abs(prior_state(t, 10, prior_mean=0.2)["theta_map"] - 0.2) for t in TAUS[::-1]]
    assert all(a > b for a, b in zip(gaps, gaps[1:]))  # tau from inf down to 0
    assert gaps[-1] == 0.0
    s = prior_state(1e-3, 10, prior_mean=0.2)
    ratio = abs(s["theta_map"] - 0.2) / (s["sum_xx"] * 1e-6 * abs(s["theta_ml"] - 0.2))
    assert ratio == pytest.approx(1.0, rel=1e-4)
    assert abs(prior_state(1e-9, 10, prior_mean=0.2)["theta_map"] - 0.2) < 1e-15


def test_more_data_move_a_finite_prior_toward_ml_but_never_a_point_mass():
    weights = [prior_state(0.5, n)["data_weight"] for n in range(1, N_MAX + 1)]
    assert all(a < b for a, b in zip(weights, weights[1:]))
    assert weights[-1] > 0.9
    assert abs(prior_state(0.5, N_MAX)["theta_ml"] - TRUE_SLOPE) < 0.3
    assert {prior_state(0.0, n)["data_weight"] for n in range(1, N_MAX + 1)} == {0.0}


def test_the_curves_are_the_three_gaussians_scaled_to_peak_1():
    for tau in TAUS:
        s = prior_state(tau, 7)
        theta = s["theta"]
        assert np.all(np.diff(theta) > 0)
        assert theta[0] == s["theta_limits"][0] and theta[-1] == s["theta_limits"][1]
        for key, mean, sd in (("prior_curve", 0.0, tau),
                              ("likelihood_curve", s["theta_ml"], s["likelihood_sd"]),
                              ("posterior_curve", s["theta_map"], s["posterior_sd"])):
            curve = s[key]
            if sd == 0:
                expected = np.where(theta == mean, 1.0, 0.0)
            elif np.isinf(sd):
                expected = np.ones_like(theta)
            else:
                expected = np.exp(-((theta - mean) ** 2) / (2 * sd * sd))
            np.testing.assert_allclose(curve, expected, rtol=1e-12, atol=1e-300)
            assert curve.max() == 1.0  # the peak is on the grid, however narrow the curve
        # posterior is proportional to prior x likelihood (for a proper, finite prior)
        if 0 < tau < np.inf:
            product = s["prior_curve"] * s["likelihood_curve"]
            inside = s["posterior_curve"] > 1e-8
            ratio = product[inside] / s["posterior_curve"][inside]
            np.testing.assert_allclose(ratio, ratio[0], rtol=1e-8)


def test_the_data_are_fixed_and_seeded():
    a, b = prior_state(), prior_state()
    np.testing.assert_array_equal(a["x_all"], b["x_all"])
    assert not a["x_all"].flags.writeable
    assert not np.array_equal(prior_state(seed=1)["y_all"], a["y_all"])
    assert a["x_all"].min() >= -2 and a["x_all"].max() <= 2 and len(a["x_all"]) == N_MAX


# --------------------------------------------------------------------------- arguments
@pytest.mark.parametrize("kwargs, error, words", [
    (dict(tau=-0.1), ValueError, "`tau` must be >= 0"),
    (dict(tau=np.nan), ValueError, "`tau` must be a number or np.inf"),
    (dict(tau=-np.inf), ValueError, "`tau`"),
    (dict(tau="1"), TypeError, "`tau` must be a number"),
    (dict(tau=True), TypeError, "`tau` must be a number"),
    (dict(n=0), ValueError, f"`n` must be between 1 and {N_MAX}"),
    (dict(n=N_MAX + 1), ValueError, "`n` must be between"),
    (dict(n=2.0), TypeError, "`n`"),
    (dict(sigma=0.0), ValueError, "`sigma` must be > 0"),
    (dict(sigma=np.inf), ValueError, "`sigma` must be finite"),
    (dict(prior_mean=np.inf), ValueError, "`prior_mean` must be finite"),
    (dict(prior_mean=None), TypeError, "`prior_mean` must be a number"),
    (dict(seed=-1), ValueError, "`seed` must be >= 0"),
    (dict(seed=1.5), TypeError, "`seed`"),
])
def test_bad_arguments_raise_naming_the_argument(kwargs, error, words):
    for build in (prior_state, prior_figure, prior_demo):
        with pytest.raises(error, match=words):
            build(**kwargs)


def test_tau_labels():
    assert tau_label(0.0) == "0 (infinitely strong)" and tau_label(np.inf) == "\u221e (flat)"
    assert tau_label(0.05) == "0.05" and tau_label(2.0) == "2"


# --------------------------------------------------------------------------- the app
def check_picture(app):
    s, d = app.state, app.drawing
    np.testing.assert_array_equal(d.points.get_xdata(), s["x"])
    np.testing.assert_array_equal(d.points.get_ydata(), s["y"])
    np.testing.assert_allclose(d.map_line.get_ydata(), s["theta_map"] * d.map_line.get_xdata())
    np.testing.assert_allclose(d.ml_line.get_ydata(), s["theta_ml"] * d.ml_line.get_xdata())
    for line, key in ((d.prior_curve, "prior_curve"), (d.like_curve, "likelihood_curve"),
                      (d.post_curve, "posterior_curve")):
        np.testing.assert_array_equal(line.get_xdata(), s["theta"])
        np.testing.assert_array_equal(line.get_ydata(), s[key])
    assert d.map_dot.get_xdata()[0] == s["theta_map"]
    assert d.ml_mark.get_xdata()[0] == s["theta_ml"]
    shown = d.values.get_text().replace("\u2212", "-").split("\n")
    assert float(shown[0]) == round(s["theta_ml"], 3)
    assert float(shown[1]) == round(s["theta_map"], 3)
    assert float(shown[2]) == round(s["data_weight"], 3)
    assert f"\u03c4 = {tau_label(s['tau'])}, n = {s['n']} points" in d.header.get_text()


def test_every_control_over_its_whole_range():
    app = prior_demo()
    tau, n = app.controls["tau"], app.controls["n"]
    assert [v for _, v in tau.options] == list(TAUS) and tau.value == 0.5
    assert (n.min, n.max, n.value) == (1, N_MAX, 5)
    pictures = set()
    for count in (1, 2, 11, N_MAX):
        n.value = count
        for t in TAUS:
            tau.value = t
            s = app.state
            assert (s["tau"], s["n"]) == (t, count)
            if t == 0:
                assert s["theta_map"] == s["prior_mean"]
            else:
                expected = map_by_lstsq(s["x"], s["y"], t, 1.0, 0.0)
                assert s["theta_map"] == pytest.approx(expected, rel=1e-12, abs=1e-12)
            check_picture(app)
            pictures.add(app.png)
    for count in range(1, N_MAX + 1):
        n.value = count
        assert app.state["n"] == count and len(app.state["x"]) == count
        check_picture(app)
    assert len(pictures) == 4 * len(TAUS)


def test_a_tau_off_the_slider_is_added_to_it():
    app = prior_demo(tau=0.3, n=9)
    assert 0.3 in [v for _, v in app.controls["tau"].options]
    assert app.state["tau"] == 0.3 and app.state["n"] == 9
    values = [v for _, v in app.controls["tau"].options]
    assert values == sorted(values)


def test_blitted_picture_equals_a_full_redraw():
    app = prior_demo()
    for tau, n in [(0.5, 5), (0.0, 5), (np.inf, 5), (0.01, 40), (2.0, 1), (0.1, 23),
                   (0.0, 40), (0.5, 5)]:
        with app.hold():
            app.controls["tau"].value = tau
            app.controls["n"].value = n
        shown = pixels(app.png)
        assert shown.shape == (351, 855, 3)
        assert_same_picture(shown, fresh_render(app.state), f"tau={tau}, n={n}")


def test_static_figure_is_the_widget_picture():
    fig = prior_figure(0.05, 12)
    app = prior_demo(0.05, 12)
    assert_same_picture(pixels(app.png), figure_pixels(fig))


@pytest.mark.parametrize("tau, n", [(0.5, 5), (0.0, 1), (np.inf, 40), (0.01, 40)])
def test_layout_is_readable(tau, n):
    """Every text inside the figure, at least 9 pt; the axes, the legend and the numbers
    do not overlap."""
    fig = prior_figure(tau, n)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    texts = drawn_texts(fig) + list(fig.legends[0].get_texts())
    assert len(texts) > 20
    extents = assert_texts_readable(fig, texts)
    boxes = [ax.get_tightbbox(renderer) for ax in fig.axes] + \
        [fig.legends[0].get_window_extent(renderer)]
    numbers = [e for t, e in zip(texts, extents) if t in fig.texts[2:]]
    boxes += numbers
    assert_apart(boxes)
    # the two header lines do not run into each other or into the axes' titles
    title, header = (t.get_window_extent(renderer) for t in fig.texts[:2])
    assert not title.overlaps(header)
    assert all(not header.overlaps(ax.get_tightbbox(renderer)) for ax in fig.axes)
