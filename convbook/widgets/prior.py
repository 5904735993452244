"""The prior-strength widget: a MAP estimate under a Gaussian prior of any width (section 9.4).

Book section 9.4 ("Convolution and pooling as an infinitely strong prior") starts from the
prior of section 5.2: a weak prior (a wide Gaussian, high entropy) lets the data move the
parameters freely, a strong one (a narrow Gaussian) holds them near its mean, and an
infinitely strong one gives some values zero probability, so no data can move the
parameter there. This widget shows the three on the smallest model there is.

The model, exactly:

- data: ``n`` points (x_i, y_i), the first ``n`` of :data:`N_MAX` fixed ones drawn from
  ``y = 1.5 x + noise`` (noise N(0, 1), seeded; x uniform in [-2, 2]);
- the model ``y = theta * x + e``, e ~ N(0, sigma^2), one parameter ``theta``;
- the prior ``theta ~ N(prior_mean, tau^2)``; ``tau = inf`` is the flat (improper) prior,
  ``tau = 0`` the point mass at ``prior_mean``: the infinitely strong prior.

With ``s_xx = sum x_i^2`` (not ``S``: the chapters keep ``S`` for the feature map) and the
least-squares (maximum likelihood, ML) estimate ``theta_ML = sum x_i y_i / s_xx``, the
posterior is Gaussian, and its mode, the maximum a posteriori (MAP) estimate, is a weighted
mean of the two:

    theta_MAP = w * theta_ML + (1 - w) * prior_mean,
    w = (s_xx / sigma^2) / (s_xx / sigma^2 + 1 / tau^2)

with posterior standard deviation ``1 / sqrt(s_xx / sigma^2 + 1 / tau^2)``. It is computed
as ``theta_ML + (1 - w) * (prior_mean - theta_ML)``, equal in exact arithmetic: a flat prior
(w = 1) then gives ``theta_ML`` exactly, and once ``w`` is below a quarter of machine
epsilon, ``1 - w`` rounds to 1 and the estimate is ``prior_mean`` up to one rounding (exactly,
when ``prior_mean = 0``), where the first form would still give ``w * theta_ML``. ``w`` is the
weight on the data: 1 for the flat prior, 0 for ``tau = 0`` (then ``theta_MAP`` *is*
``prior_mean``, bit for bit, whatever the data). The same estimate minimises the squared
error plus the L2 penalty ``lambda * (theta - prior_mean)^2`` with ``lambda = sigma^2 /
tau^2``: a Gaussian prior is weight decay (权重衰减).

The picture: left, the data and the three lines (prior mean, ML, MAP); right, the prior,
the likelihood and the posterior over ``theta``, each scaled to a peak of 1, with the ML
and MAP estimates marked.
"""

import functools

import numpy as np

from .._validate import _describe, as_int
from ._app import App, Drawing, new_figure

__all__ = ["prior_state", "prior_figure", "prior_demo", "PriorDrawing", "TAUS", "N_MAX",
           "TRUE_SLOPE", "tau_label"]

#: The widget's prior widths tau: 0 (infinitely strong) ... inf (flat, no prior).
TAUS = (0.0, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, np.inf)
#: The most data points the widget offers (the n slider runs 1..N_MAX).
N_MAX = 40
#: The slope the data are drawn from.
TRUE_SLOPE = 1.5
#: Okabe-Ito: prior blue, likelihood orange, posterior bluish green, MAP vermilion.
COLORS = {"prior": "#0072B2", "likelihood": "#E69F00", "posterior": "#009E73",
          "map": "#D55E00"}
_GRID = 401  # points of the uniform theta grid of the curves


def tau_label(tau):
    """'0 (infinitely strong)', '0.5', '∞ (flat)': the slider's words for a width."""
    if tau == 0:
        return "0 (infinitely strong)"
    if np.isinf(tau):
        return "\u221e (flat)"
    return f"{tau:g}"


@functools.lru_cache(maxsize=8)
def _data(seed):
    """The N_MAX fixed points (x, y), read-only."""
    rng = np.random.default_rng(seed)
    x = rng.uniform(-2.0, 2.0, N_MAX)
    y = TRUE_SLOPE * x + rng.standard_normal(N_MAX)
    for array in (x, y):
        array.flags.writeable = False
    return x, y


def _number(value, name, *, low=-np.inf, allow_inf=False, strict=False):
    if isinstance(value, (bool, np.bool_)) or not isinstance(
            value, (int, float, np.integer, np.floating)):
        raise TypeError(f"`{name}` must be a number, got {_describe(value)} of type "
                        f"{type(value).__name__}")
    value = float(value)
    if np.isnan(value) or (np.isinf(value) and not (allow_inf and value > 0)):
        raise ValueError(f"`{name}` must be " + ("a number or np.inf" if allow_inf else
                                                 "finite") + f", got {value}")
    if value < low or (strict and value == low):
        raise ValueError(f"`{name}` must be {'>' if strict else '>='} {low:g}, got {value:g}"
                         + ("; tau = 0 is the infinitely strong prior, np.inf the flat one"
                            if name == "tau" else ""))
    return value


def _check(tau, n, sigma, prior_mean, seed):
    tau = _number(tau, "tau", low=0.0, allow_inf=True)
    n = as_int(n, "n")
    if not 1 <= n <= N_MAX:
        raise ValueError(f"`n` must be between 1 and {N_MAX} data points, got {n}")
    sigma = _number(sigma, "sigma", low=0.0, strict=True)
    prior_mean = _number(prior_mean, "prior_mean")
    seed = as_int(seed, "seed")
    if seed < 0:
        raise ValueError(f"`seed` must be >= 0, got {seed}")
    return tau, n, sigma, prior_mean, seed


def _bell(theta, mean, sd):
    """exp(-(theta - mean)^2 / (2 sd^2)): a Gaussian scaled to a peak of 1; a spike
    (1 at the mean, 0 elsewhere) for sd = 0, and 1 everywhere for sd = inf."""
    if sd == 0:
        return (theta == mean).astype(float)
    if np.isinf(sd):
        return np.ones_like(theta)
    return np.exp(-0.5 * ((theta - mean) / sd) ** 2)


def _limits(prior_mean, sigma, seed):
    """The theta axis: every ML estimate (n = 1..N_MAX) and the prior mean, with a margin."""
    x, y = _data(seed)
    ml = np.cumsum(x * y) / np.cumsum(x * x)
    low, high = min(ml.min(), prior_mean, TRUE_SLOPE), max(ml.max(), prior_mean, TRUE_SLOPE)
    margin = 0.15 * (high - low) + 0.3
    return float(low - margin), float(high + margin)


def prior_state(tau=0.5, n=5, sigma=1.0, prior_mean=0.0, seed=0):
    """Every number the prior-strength widget shows (see the module docstring).

    Parameters
    ----------
    tau : float
        The prior's standard deviation, >= 0; 0 is the infinitely strong prior (a point
        mass at ``prior_mean``), ``np.inf`` the flat prior.
    n : int
        How many of the fixed data points are used, 1..:data:`N_MAX`.
    sigma : float
        The noise's standard deviation, > 0 (the data are drawn with 1).
    prior_mean : float
        The prior's mean.
    seed : int
        Seed of the fixed data.

    Returns
    -------
    dict
        ``tau, n, sigma, prior_mean``; ``x, y`` (the n points used), ``x_all, y_all`` (all
        N_MAX); ``sum_xx`` (s_xx), ``theta_ml``, ``likelihood_sd`` (sigma / sqrt(s_xx)),
        ``data_weight`` (w), ``theta_map``, ``posterior_sd``, ``penalty`` (lambda =
        sigma^2 / tau^2: 0 for the flat prior, inf for tau = 0); ``theta`` (the grid of
        the curves), ``prior_curve``, ``likelihood_curve``, ``posterior_curve`` (each
        scaled to a peak of 1); ``theta_limits``.

    Examples
    --------
    >>> s = prior_state(tau=0.0)
    >>> s["theta_map"] == s["prior_mean"], s["data_weight"]
    (True, 0.0)
    >>> s = prior_state(tau=np.inf)
    >>> bool(s["theta_map"] == s["theta_ml"])
    True
    """
    tau, n, sigma, prior_mean, seed = _check(tau, n, sigma, prior_mean, seed)
    x_all, y_all = _data(seed)
    x, y = x_all[:n], y_all[:n]
    sum_xx = float(np.dot(x, x))
    theta_ml = float(np.dot(x, y)) / sum_xx
    data_precision = sum_xx / sigma ** 2
    prior_precision = np.inf if tau == 0 else 1.0 / tau ** 2
    if tau == 0:  # the point mass: nothing the data say can move theta
        data_weight, theta_map, posterior_sd = 0.0, prior_mean, 0.0
    else:
        data_weight = data_precision / (data_precision + prior_precision)
        # w * ML + (1 - w) * mean, written so that w = 1 (flat prior) gives ML exactly
        theta_map = theta_ml + (1.0 - data_weight) * (prior_mean - theta_ml)
        posterior_sd = 1.0 / np.sqrt(data_precision + prior_precision)
    likelihood_sd = sigma / np.sqrt(sum_xx)
    limits = _limits(prior_mean, sigma, seed)
    # A uniform grid, plus the exact peaks and a fine grid around each narrow curve, so
    # that even a posterior far narrower than the grid's step is drawn with its peak.
    parts = [np.linspace(*limits, _GRID), [prior_mean, theta_ml, theta_map]]
    for mean, sd in ((prior_mean, tau), (theta_ml, likelihood_sd), (theta_map, posterior_sd)):
        if 0 < sd < np.inf:
            parts.append(mean + sd * np.linspace(-6, 6, 49))
    theta = np.unique(np.concatenate(parts))
    theta = theta[(theta >= limits[0]) & (theta <= limits[1])]
    return {"tau": tau, "n": n, "sigma": sigma, "prior_mean": prior_mean,
            "x": x, "y": y, "x_all": x_all, "y_all": y_all, "sum_xx": sum_xx,
            "theta_ml": theta_ml, "likelihood_sd": float(likelihood_sd),
            "data_weight": float(data_weight), "theta_map": float(theta_map),
            "posterior_sd": float(posterior_sd),
            "penalty": float(sigma ** 2 * prior_precision) if tau != 0 else np.inf,
            "theta": theta, "prior_curve": _bell(theta, prior_mean, tau),
            "likelihood_curve": _bell(theta, theta_ml, likelihood_sd),
            "posterior_curve": _bell(theta, theta_map, posterior_sd),
            "theta_limits": limits}


# --------------------------------------------------------------------------- drawing
_WIDTH, _HEIGHT = 9.5, 3.9


def _fmt(value, digits=3):
    if np.isinf(value):
        return "\u221e"
    return f"{value:.{digits}f}".replace("-", "\u2212")


class PriorDrawing(Drawing):
    """Left, the data and three fitted lines; right, prior, likelihood and posterior over
    theta; far right, the legend and the numbers.

    The axes, the faint points of all N_MAX data and the prior mean's marks are the
    background (they depend on the fixed data and the prior mean only); the used points,
    the lines, the curves, the estimates' marks and the numbers move.
    """

    def __init__(self, state):
        super().__init__(new_figure(_WIDTH, _HEIGHT))
        figure = self.figure
        figure.text(0.01, 0.975, "Prior strength: the MAP estimate of one slope \u03b8 "
                    "under a Gaussian prior N(\u03bc\u2080, \u03c4\u00b2) (section 9.4)",
                    fontsize=11, va="top")
        self.header = figure.text(0.01, 0.895, "", fontsize=10, va="top", weight="bold")

        # Left: the data and the lines y = theta x.
        self.ax_data = ax = figure.add_axes([0.065, 0.14, 0.29, 0.6])
        x_all, y_all = state["x_all"], state["y_all"]
        ax.set_xlim(-2.2, 2.2)
        pad = 0.1 * np.ptp(y_all)
        ax.set_ylim(y_all.min() - pad, y_all.max() + pad)
        ax.set_xlabel("x", fontsize=10, labelpad=1)
        ax.set_ylabel("y", fontsize=10, labelpad=1)
        ax.set_title("data and the lines y = \u03b8x", fontsize=10)
        ax.tick_params(labelsize=9)
        ax.plot(x_all, y_all, "o", ms=3, color="0.8", zorder=1)
        line_x = np.array([-2.2, 2.2])
        self._line_x = line_x
        (self.prior_line,) = ax.plot(line_x, state["prior_mean"] * line_x, ":", lw=1.8,
                                     color=COLORS["prior"], zorder=2)
        (self.points,) = ax.plot([], [], "o", ms=4.5, color="black", zorder=3)
        (self.ml_line,) = ax.plot([], [], "--", lw=1.8, color=COLORS["likelihood"], zorder=4)
        (self.map_line,) = ax.plot([], [], "-", lw=2.2, color=COLORS["map"], zorder=5)

        # Right: the three curves over theta.
        self.ax_theta = ax = figure.add_axes([0.42, 0.14, 0.33, 0.6])
        ax.set_xlim(*state["theta_limits"])
        ax.set_ylim(0, 1.12)
        ax.set_yticks([0, 0.5, 1])
        ax.set_xlabel("slope \u03b8", fontsize=10, labelpad=1)
        ax.set_ylabel("density, scaled to a peak of 1", fontsize=9, labelpad=1)
        ax.set_title("prior \u00d7 likelihood \u221d posterior", fontsize=10)
        ax.tick_params(labelsize=9)
        ax.axvline(state["prior_mean"], color=COLORS["prior"], lw=0.8, ls=":", zorder=1)
        (self.prior_curve,) = ax.plot([], [], lw=1.6, color=COLORS["prior"], zorder=2)
        (self.like_curve,) = ax.plot([], [], lw=1.6, ls="--", color=COLORS["likelihood"],
                                     zorder=3)
        (self.post_curve,) = ax.plot([], [], lw=2.4, color=COLORS["posterior"], zorder=4)
        self.ml_mark = ax.axvline(0, color=COLORS["likelihood"], lw=1, ls="--", zorder=5,
                                  ymax=1 / 1.12)
        (self.map_dot,) = ax.plot([], [], "v", ms=9, color=COLORS["map"], mec="black",
                                  mew=0.6, zorder=6, clip_on=False)

        # Far right: the legend (static) and the numbers (labels static, values dynamic).
        handles = [
            ax.plot([], [], ":", lw=1.8, color=COLORS["prior"])[0],
            ax.plot([], [], lw=1.6, color=COLORS["prior"])[0],
            ax.plot([], [], "--", lw=1.8, color=COLORS["likelihood"])[0],
            ax.plot([], [], lw=2.4, color=COLORS["posterior"])[0],
            ax.plot([], [], "-v", lw=2.2, ms=8, color=COLORS["map"], mec="black", mew=0.6)[0],
            ax.plot([], [], "o", ms=4.5, color="black")[0],
        ]
        figure.legend(handles, ["prior mean \u03bc\u2080", "prior N(\u03bc\u2080, \u03c4\u00b2)",
                                "likelihood; ML \u03b8", "posterior", "MAP \u03b8",
                                "data used"],
                      loc="upper left", bbox_to_anchor=(0.765, 0.79), fontsize=9,
                      frameon=False, handlelength=2.2, borderaxespad=0)
        numbers = dict(va="top", fontsize=9.5, linespacing=1.45)
        figure.text(0.775, 0.33, "\u03b8 ML\n\u03b8 MAP\nweight on data w\nposterior sd\n"
                    "penalty \u03bb = \u03c3\u00b2/\u03c4\u00b2", ha="left", **numbers)
        self.values = figure.text(0.99, 0.33, "", ha="right", **numbers)
        self.add_dynamic(self.header, self.points, self.ml_line, self.map_line,
                         self.prior_curve, self.like_curve, self.post_curve, self.ml_mark,
                         self.map_dot, self.values)
        # the curves lie on the bottom spine: redraw the spines in z-order with them
        self.add_dynamic_spines(self.ax_data, self.ax_theta)

    def draw_dynamic(self, state):
        tau, ml, mapped = state["tau"], state["theta_ml"], state["theta_map"]
        strength = ("infinitely strong: \u03b8 is pinned to \u03bc\u2080" if tau == 0 else
                    "flat: MAP = ML" if np.isinf(tau) else
                    f"MAP = {_fmt(state['data_weight'], 2)}\u00b7ML + "
                    f"{_fmt(1 - state['data_weight'], 2)}\u00b7\u03bc\u2080")
        self.header.set_text(f"\u03c4 = {tau_label(tau)}, n = {state['n']} points:  "
                             f"{strength}")
        self.points.set_data(state["x"], state["y"])
        self.ml_line.set_data(self._line_x, ml * self._line_x)
        self.map_line.set_data(self._line_x, mapped * self._line_x)
        theta = state["theta"]
        self.prior_curve.set_data(theta, state["prior_curve"])
        self.like_curve.set_data(theta, state["likelihood_curve"])
        self.post_curve.set_data(theta, state["posterior_curve"])
        self.ml_mark.set_xdata([ml, ml])
        self.map_dot.set_data([mapped], [1.07])
        self.values.set_text(f"{_fmt(ml)}\n{_fmt(mapped)}\n{_fmt(state['data_weight'])}\n"
                             f"{_fmt(state['posterior_sd'])}\n{_fmt(state['penalty'], 1)}")


def prior_figure(tau=0.5, n=5, sigma=1.0, prior_mean=0.0, seed=0):
    """The prior-strength picture at one setting, as a static ``Figure``.

    Parameters are those of :func:`prior_state`.

    Examples
    --------
    >>> fig = prior_figure()
    >>> [float(v) for v in fig.get_size_inches()]
    [9.5, 3.9]
    """
    state = prior_state(tau, n, sigma, prior_mean, seed)
    return PriorDrawing(state).figure_at(state)


def prior_demo(tau=0.5, n=5, sigma=1.0, prior_mean=0.0, seed=0):
    """The prior-strength widget: a prior-width slider (:data:`TAUS`, from 0, infinitely
    strong, to inf, flat) and a slider for the number of data points (1..:data:`N_MAX`).

    Parameters are those of :func:`prior_state`; ``tau`` and ``n`` set the starting
    controls (a ``tau`` not in :data:`TAUS` is added to the slider), the others are fixed.

    Returns
    -------
    App
        ``app.controls["tau"]`` (a SelectionSlider whose labels are :func:`tau_label`),
        ``app.controls["n"]``; ``app.state`` is :func:`prior_state` at the controls.

    Examples
    --------
    >>> app = prior_demo()
    >>> app.controls["tau"].value = 0.0
    >>> app.state["theta_map"] == app.state["prior_mean"]
    True
    """
    import ipywidgets

    state = prior_state(tau, n, sigma, prior_mean, seed)
    fixed = dict(sigma=state["sigma"], prior_mean=state["prior_mean"], seed=seed)
    taus = sorted(set(TAUS) | {state["tau"]})
    controls = {
        "tau": ipywidgets.SelectionSlider(options=[(tau_label(t), t) for t in taus],
                                          value=state["tau"], description="prior width \u03c4",
                                          style={"description_width": "initial"},
                                          continuous_update=True),
        "n": ipywidgets.IntSlider(value=state["n"], min=1, max=N_MAX, description="data n",
                                  continuous_update=True)}

    def compute(tau, n):
        return prior_state(tau, n, **fixed)

    return App(controls, compute, PriorDrawing(state))
