"""The sliding widget: the spaceship sensor of section 9.1 (Eqs. 9.1-9.3).

A laser sensor gives noisy readings x(a) of a spaceship's position (km), one a second,
at times a (s). A smoothed estimate weights each reading by its age t - a,

    s(t) = sum_a x(a) w(t - a)        (Eq. 9.3, the discrete form of Eq. 9.1),

which is the convolution s = x * w (Eq. 9.2). Here w is a truncated exponential decay:
a probability distribution over ages (w >= 0, sum 1) that is zero for negative ages, so
the estimate never looks into the future. Readings before a = 0 do not exist and count
as zero, so s(t) starts low while the sum still misses part of its weights.
"""

import numpy as np

from .. import signal as _signal
from .._validate import as_nonnegative_int, as_positive_int, _describe
from ._app import App, Drawing, new_figure

__all__ = ["sliding_figure", "sliding_demo", "sliding_state", "sensor_readings",
           "age_weights", "DECAYS"]

#: The choices of the widget's decay slider.
DECAYS = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95)

_ORANGE = "#e8710a"
_BLUE = "#1f5fa8"
_GREEN = "#2a9d5c"


def sensor_readings(n=60, noise=2.0, seed=0):
    """Noisy readings x(a) in km, one a second (a = 0..n-1), of a ship drifting at 0.25 km/s.

    Examples
    --------
    >>> x = sensor_readings(40, noise=0.0)  # the noise-free path
    >>> round(float(x[0]), 9), round(float(x[20]), 9)
    (10.0, 15.0)
    """
    a = np.arange(n)
    rng = np.random.default_rng(seed)
    return 10.0 + 0.25 * a + 3.0 * np.sin(2 * np.pi * a / 40) + noise * rng.standard_normal(n)


def age_weights(decay=0.8, width=15):
    """w(age) = (1 - decay) decay**age for age = 0..width-1, normalised to sum to 1.

    Examples
    --------
    >>> age_weights(0.5, 3)
    array([0.57142857, 0.28571429, 0.14285714])
    """
    w = decay ** np.arange(width, dtype=float)
    return w / w.sum()


def _check(t, decay, width, n, noise, seed):
    n = as_positive_int(n, "n")
    width = as_positive_int(width, "width")
    if n < 2 or n > 400:
        raise ValueError(f"`n` must be between 2 and 400 samples to draw, got {n}")
    if width > n:
        raise ValueError(f"`width` ({width}) must not exceed `n` ({n}); pass a shorter kernel")
    t = as_nonnegative_int(t, "t")
    if t >= n:
        raise ValueError(f"`t` must be a time from 0 to n - 1 = {n - 1}, got {t}")
    if isinstance(decay, bool) or not isinstance(decay, (int, float, np.floating)) \
            or not 0 < decay < 1:
        raise ValueError(f"`decay` must be a number strictly between 0 and 1, got {_describe(decay)}; "
                         f"e.g. decay=0.8 halves a weight about every 3 seconds")
    if isinstance(noise, bool) or not isinstance(noise, (int, float, np.floating)) \
            or not 0 <= noise < np.inf:
        raise ValueError(f"`noise` must be a finite number >= 0, got {_describe(noise)}")
    seed = as_nonnegative_int(seed, "seed")
    return t, float(decay), width, n, float(noise), seed


def sliding_state(t=30, decay=0.8, width=15, n=60, noise=2.0, seed=0):
    """Every number the sliding widget shows at time ``t``.

    Parameters
    ----------
    t : int
        The time of the estimate, 0 <= t < n.
    decay : float
        Weight ratio between a reading and one a second younger, in (0, 1).
    width : int
        Number of ages with nonzero weight (the kernel length).
    n : int
        Number of readings.
    noise : float
        Standard deviation of the sensor noise.
    seed : int
        Seed of the noise (the readings are deterministic).

    Returns
    -------
    dict
        ``t``, ``decay``, ``a`` (the times 0..n-1), ``x`` (readings), ``w`` (weights by
        age, shape (width,)), ``weights`` (w(t - a) on the grid a, zero for a > t and for
        ages >= width), ``products`` (x(a) w(t - a)), ``s_t`` (their sum),
        ``s`` (s on 0..n-1, from :func:`convbook.convolve1d`, mode 'full'),
        ``s_so_far`` (``s[:t + 1]``) and ``weight_before_0`` (the weight that falls on
        the missing readings before a = 0, ages above t: why s(t) starts low).

    Examples
    --------
    >>> st = sliding_state(t=2, decay=0.5, width=3, n=4, noise=0.0)
    >>> st["weights"].round(3)
    array([0.143, 0.286, 0.571, 0.   ])
    >>> bool(np.isclose(st["s_t"], st["products"].sum()))
    True
    """
    t, decay, width, n, noise, seed = _check(t, decay, width, n, noise, seed)
    x = sensor_readings(n, noise, seed)
    w = age_weights(decay, width)
    s = np.asarray(_signal.convolve1d(x, w, mode="full"))[:n]
    ages = t - np.arange(n)
    inside = (ages >= 0) & (ages < width)
    weights = np.zeros(n)
    weights[inside] = w[ages[inside]]
    products = x * weights
    return {
        "t": t,
        "decay": decay,
        "a": np.arange(n),
        "x": x,
        "w": w,
        "weights": weights,
        "products": products,
        "s_t": float(s[t]),
        "s": s,
        "s_so_far": s[:t + 1],
        "weight_before_0": float(w[t + 1:].sum()),
    }


class SlidingDrawing(Drawing):
    """Three stacked panels against the time a of a reading, and a column beside them.

    Left, sharing the time axis: x(a) with s up to t; w(t - a); the products
    x(a) w(t - a). A grey band before a = 0 marks the readings that do not exist (they
    count as zero), with the weights that fall on them hatched. Right: the legend, the
    kernel w(a) itself against age a (before it is flipped and shifted), and the numbers
    at t.
    """

    def __init__(self, state):
        figure = new_figure(9.5, 6.4)
        super().__init__(figure)
        a, x, w = state["a"], state["x"], state["w"]
        n, width = len(a), len(w)
        edges = np.arange(n + 1) - 0.5
        # Some seconds before a = 0 show where the missing readings would be: enough for
        # the weights that can fall there (up to a quarter of the axis) and for the note.
        before = max(min(width - 1, n // 4), -(-n // 6))
        self._before_edges = np.arange(-before, 1) - 0.5
        left, main_w = 0.075, 0.66
        side_x, side_w = 0.805, 0.165
        self.ax_x = figure.add_axes([left, 0.615, main_w, 0.315])
        self.ax_w = figure.add_axes([left, 0.355, main_w, 0.185], sharex=self.ax_x)
        self.ax_p = figure.add_axes([left, 0.085, main_w, 0.19], sharex=self.ax_x)
        self.ax_age = figure.add_axes([side_x, 0.355, side_w, 0.185], sharey=self.ax_w)
        for ax in (self.ax_x, self.ax_w, self.ax_p, self.ax_age):
            ax.tick_params(labelsize=9)
        # No grid under the moving bars: blitting draws them over the static background,
        # so anything static must lie below them in a full redraw too.
        self.ax_x.grid(alpha=0.25)
        self.ax_x.set_xlim(-before - 0.5, n - 0.5)
        self.ax_x.tick_params(labelbottom=False)
        self.ax_w.tick_params(labelbottom=False)

        # Readings before a = 0 do not exist: a hatched band, the same in every panel.
        for ax in (self.ax_x, self.ax_w, self.ax_p):
            ax.axvspan(-before - 0.5, -0.5, facecolor="0.93", edgecolor="0.7", hatch="//",
                       lw=0, zorder=0)
        # Include 0: s(t) starts near 0, since readings before a = 0 count as zero.
        low, high = min(0.0, x.min()), max(0.0, x.max())
        self.ax_x.set_ylim(low - 0.05 * (high - low), high + 0.08 * (high - low))
        self.ax_x.text(-before / 2 - 0.5, 0.5 * (low + high),
                       "no readings\nbefore a = 0:\nthey count\nas zero", ha="center",
                       va="center", fontsize=9, color="0.25",
                       bbox=dict(facecolor="white", edgecolor="none", alpha=0.85, pad=2))
        self.ax_x.plot(a, x, "o", ms=3.5, color=_BLUE, label="reading x(a)")
        (self.s_line,) = self.ax_x.plot([], [], "-", lw=2, color=_ORANGE,
                                        label="estimate s(\u03c4),\n\u03c4 \u2264 t")
        (self.s_dot,) = self.ax_x.plot([], [], "o", ms=8, color=_ORANGE, mec="black", zorder=5,
                                       clip_on=False)  # whole at t = n - 1 too
        self.ax_x.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=9,
                         frameon=False, borderaxespad=0)
        self.ax_x.set_ylabel("position (km)", fontsize=10)
        self.ax_x.set_title("Sensor readings x(a), one per second, and their weighted average "
                            "s(t) = \u03a3\u2090 x(a) w(t \u2212 a)   (Eqs. 9.1\u20139.3)",
                            fontsize=11, loc="left")

        self.w_steps = self.ax_w.stairs(np.zeros(n), edges, fill=True, color=_GREEN, alpha=0.8)
        # The weights that fall before a = 0: they multiply readings that count as zero.
        self.w_missing = self.ax_w.stairs(np.zeros(before), self._before_edges, fill=True,
                                          facecolor="none", edgecolor=_GREEN, hatch="xxx",
                                          lw=1)
        self.ax_w.set_ylabel("weight", fontsize=10)
        self.ax_w.set_title("w(t \u2212 a): w(a) flipped and shifted to end at t; "
                            "zero for the future, a > t", fontsize=10, loc="left")
        self.p_steps = self.ax_p.stairs(np.zeros(n), edges, fill=True, color=_ORANGE, alpha=0.85)
        self.ax_p.set_ylabel("x \u00b7 w (km)", fontsize=10)
        self.ax_p.set_xlabel("time a (s)", fontsize=10)
        self.ax_p.set_title("products x(a) w(t \u2212 a); their sum is s(t)", fontsize=10,
                            loc="left")

        # The kernel as defined, against age: decreasing, before the flip and the shift.
        self.age_steps = self.ax_age.stairs(w, np.arange(width + 1) - 0.5, fill=True,
                                            color=_GREEN, alpha=0.8)
        self.ax_age.set_xlim(-0.5, width - 0.5)
        self.ax_age.set_xlabel("age a (s)", fontsize=10)
        self.ax_age.set_title("w(a) against age a", fontsize=10)
        self.ax_age.tick_params(labelleft=False)

        self.t_lines = [ax.axvline(0, color="black", lw=1, ls="--") for ax in
                        (self.ax_x, self.ax_w, self.ax_p)]
        self.future = [ax.axvspan(0, n - 0.5, color="0.85", alpha=0.6, lw=0, zorder=0)
                       for ax in (self.ax_w, self.ax_p)]
        # The numbers at t, beside the products. Only the values are redrawn on each tick
        # (text is the costly part of a blit); their labels are in the background.
        # Same font and line spacing, so the two texts' lines coincide.
        numbers = dict(ha="left", va="top", fontsize=10, family="monospace", linespacing=1.35)
        figure.text(side_x, 0.275, "t =\ns(t) = \u03a3 x\u00b7w\n     =\n\n"
                    "weight on a < 0\n(hatched; x = 0):\n", **numbers)
        self.s_text = figure.text(side_x, 0.275, "", **numbers)
        # The spines are redrawn too: the grey 'future' span would otherwise cover them.
        spines = [spine for ax in (self.ax_w, self.ax_p) for spine in ax.spines.values()]
        self.dynamic = [*self.future, self.w_steps, self.w_missing, self.p_steps, self.s_line,
                        self.s_dot, *self.t_lines, self.s_text, *spines]
        self._key = None
        self._n = n

    def background_key(self, state):
        return state["decay"]

    def update(self, state):
        if state["decay"] != self._key:
            w_max = state["w"].max()
            self.ax_w.set_ylim(0, 1.15 * w_max)
            p_max = w_max * max(np.abs(state["x"]).max(), 1e-12)
            self.ax_p.set_ylim(min(0.0, 1.15 * w_max * state["x"].min()), 1.15 * p_max)
            self.age_steps.set_data(values=state["w"])
            self._key = state["decay"]
        t, w = state["t"], state["w"]
        self.w_steps.set_data(values=state["weights"])
        # w(t - a) for the a < 0 shown: ages t - a = t + before, ..., t + 1.
        ages = t - (self._before_edges[:-1] + 0.5).astype(int)
        self.w_missing.set_data(values=np.where(ages < len(w), w[np.minimum(ages, len(w) - 1)], 0))
        self.p_steps.set_data(values=state["products"])
        self.s_line.set_data(np.arange(t + 1), state["s_so_far"])
        self.s_dot.set_data([t], [state["s_t"]])
        for line in self.t_lines:
            line.set_xdata([t, t])
        for span in self.future:
            span.set_x(t + 0.5)
            span.set_width(self._n - 1 - t)
        self.s_text.set_text(f"    {t} s\n\n       {state['s_t']:7.3f} km\n\n\n\n"
                             f"       {state['weight_before_0']:.3f}")


def sliding_figure(t=30, decay=0.8, width=15, n=60, noise=2.0, seed=0):
    """The sliding picture at time ``t``, as a static ``Figure`` (what the widget shows).

    Parameters are those of :func:`sliding_state`.

    Returns
    -------
    matplotlib.figure.Figure
        An Agg figure, 9.5 in wide.

    Examples
    --------
    >>> fig = sliding_figure(t=0, noise=0.0)
    >>> len(fig.axes)  # x, w(t - a), the products, and w(a) beside them
    4
    """
    state = sliding_state(t, decay, width, n, noise, seed)
    drawing = SlidingDrawing(state)
    drawing.update(state)
    return drawing.figure


class SlidingApp(App):
    """The sliding widget; ``sliding_demo`` builds it."""

    def __init__(self, t=30, decay=0.8, width=15, n=60, noise=2.0, seed=0):
        import ipywidgets

        state = sliding_state(t, decay, width, n, noise, seed)
        self._fixed = dict(width=width, n=n, noise=noise, seed=seed)
        decays = sorted(set(DECAYS) | {state["decay"]})
        controls = {
            "t": ipywidgets.IntSlider(value=state["t"], min=0, max=len(state["a"]) - 1,
                                      description="t"),
            "decay": ipywidgets.SelectionSlider(options=decays, value=state["decay"],
                                                description="decay", continuous_update=False),
        }
        # Draw each decay's background now, so that moving either slider is a blit.
        ahead = [self._state_for(state["t"], d) for d in decays if d != state["decay"]]
        super().__init__(controls, self._state_for, SlidingDrawing(state), prerender=ahead)

    def _state_for(self, t, decay):
        return sliding_state(t, decay, **self._fixed)


def sliding_demo(t=30, decay=0.8, width=15, n=60, noise=2.0, seed=0):
    """The sliding widget (section 9.1, Eqs. 9.1-9.3): move t, watch w(t - a) slide.

    Parameters are those of :func:`sliding_state`; ``t`` and ``decay`` set the starting
    controls, the others are fixed.

    Returns
    -------
    App
        ``app.controls`` holds ``"t"`` (0..n-1) and ``"decay"`` (:data:`DECAYS`);
        ``app.state`` is :func:`sliding_state` at the current controls.

    Examples
    --------
    >>> app = sliding_demo()
    >>> app.controls["t"].value = 0
    >>> bool(np.isclose(app.state["s_t"], app.state["x"][0] * app.state["w"][0]))
    True
    """
    return SlidingApp(t, decay, width, n, noise, seed)
