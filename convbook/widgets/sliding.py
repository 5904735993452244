"""The sliding widget: the spaceship sensor of section 9.1 (Eqs. 9.1-9.3).

A laser sensor gives noisy readings x(τ) of a spaceship's position (km), one a second,
at times τ (s). A smoothed estimate at time t weights each reading by its age a = t - τ,

    s(t) = sum_τ x(τ) w(t - τ)        (Eq. 9.3, the discrete form of Eq. 9.1),

which is the convolution s = x * w (Eq. 9.2). (The book writes a for both the time of a
reading and, in w(a), its age; here τ is the time and a = t - τ the age.) w is an
exponential decay over ages, truncated to ``width`` ages and normalised: a probability
distribution (w >= 0, sum 1) that is zero for negative ages, so the estimate never looks
into the future. Readings before τ = 0 do not exist and count as zero, so s(t) starts
low while the sum still misses part of its weights.
"""

import numpy as np

from .. import signal as _signal
from .._validate import _describe, as_nonnegative_int, as_positive_int
from ._app import App, Drawing, new_figure

__all__ = ["sliding_figure", "sliding_demo", "sliding_state", "sensor_readings",
           "age_weights", "DECAYS", "DECAY_NOTE"]

#: The choices of the widget's decay slider.
DECAYS = (0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95)
#: What the decay slider means, shown beside it.
DECAY_NOTE = "decay: weight ratio of a reading to one a second younger"

_ORANGE, _BLUE, _GREEN = "#e8710a", "#1f5fa8", "#2a9d5c"


def sensor_readings(n=60, noise=2.0, seed=0):
    """Noisy readings x(τ) in km, one a second (τ = 0..n-1), of a ship drifting at 0.25 km/s.

    Examples
    --------
    >>> x = sensor_readings(40, noise=0.0)  # the noise-free path
    >>> round(float(x[0]), 9), round(float(x[20]), 9)
    (10.0, 15.0)
    """
    tau = np.arange(n)
    rng = np.random.default_rng(seed)
    return 10.0 + 0.25 * tau + 3.0 * np.sin(2 * np.pi * tau / 40) + noise * rng.standard_normal(n)


def age_weights(decay=0.8, width=60):
    """w(a) proportional to decay**a for ages a = 0..width-1, normalised to sum to 1.

    Truncation costs the tail beyond ``width``, ``decay**width`` of the untruncated
    weights' sum: normalising shares it out, raising every weight by the factor
    ``1 / (1 - decay**width)`` (at width 60: 4.8% for decay 0.95, 0.2% for 0.9).

    Examples
    --------
    >>> age_weights(0.5, 3)
    array([0.57142857, 0.28571429, 0.14285714])
    """
    w = decay ** np.arange(width, dtype=float)
    return w / w.sum()


def _is_real(value):
    return isinstance(value, (int, float, np.floating)) and not isinstance(value, bool)


def _check(t, decay, width, n, noise, seed):
    n = as_positive_int(n, "n")
    if n < 2 or n > 400:
        raise ValueError(f"`n` must be between 2 and 400 samples to draw, got {n}")
    width = n if width is None else as_positive_int(width, "width")
    if width > n:
        raise ValueError(f"`width` ({width}) must not exceed `n` ({n}); pass a shorter kernel")
    t = as_nonnegative_int(t, "t")
    if t >= n:
        raise ValueError(f"`t` must be a time from 0 to n - 1 = {n - 1}, got {t}")
    if not _is_real(decay) or not 0 < decay < 1:
        raise ValueError(f"`decay` must be a number strictly between 0 and 1, got "
                         f"{_describe(decay)}; e.g. decay=0.8 halves a weight about every 3 s")
    if not _is_real(noise) or not 0 <= noise < np.inf:
        raise ValueError(f"`noise` must be a finite number >= 0, got {_describe(noise)}")
    return t, float(decay), width, n, float(noise), as_nonnegative_int(seed, "seed")


def sliding_state(t=30, decay=0.8, width=None, n=60, noise=2.0, seed=0):
    """Every number the sliding widget shows at time ``t``.

    Parameters
    ----------
    t : int
        The time of the estimate (s), 0 <= t < n.
    decay : float
        Weight ratio of a reading to one a second younger, in (0, 1).
    width : int, optional
        Number of ages with nonzero weight (the kernel length), at most ``n``; default
        ``n``, so that no reading on the time axis is cut off (see :func:`age_weights`
        for what truncation costs).
    n : int
        Number of readings.
    noise : float
        Standard deviation of the sensor noise (km).
    seed : int
        Seed of the noise (the readings are deterministic).

    Returns
    -------
    dict
        ``t``, ``decay``, ``tau`` (the reading times 0..n-1), ``x`` (readings), ``w``
        (weights by age, shape (width,)), ``weights`` (w(t - τ) for each τ, zero for
        τ > t and for ages >= width), ``products`` (x(τ) w(t - τ)), ``s_t`` (their sum),
        ``s`` (s on 0..n-1, from :func:`convbook.convolve1d`, mode 'full'),
        ``s_so_far`` (``s[:t + 1]``) and ``weight_before_0`` (the weight that falls on
        the missing readings before τ = 0, ages above t: why s(t) starts low).

    Examples
    --------
    >>> st = sliding_state(t=2, decay=0.5, width=3, n=4, noise=0.0)
    >>> st["weights"].round(3)
    array([0.143, 0.286, 0.571, 0.   ])
    >>> bool(np.isclose(st["s_t"], st["products"].sum()))
    True
    """
    t, decay, width, n, noise, seed = _check(t, decay, width, n, noise, seed)
    x, w, tau = sensor_readings(n, noise, seed), age_weights(decay, width), np.arange(n)
    s = np.asarray(_signal.convolve1d(x, w, mode="full"))[:n]
    ages = t - tau
    inside = (ages >= 0) & (ages < width)
    weights = np.zeros(n)
    weights[inside] = w[ages[inside]]
    return {"t": t, "decay": decay, "tau": tau, "x": x, "w": w, "weights": weights,
            "products": x * weights, "s_t": float(s[t]), "s": s, "s_so_far": s[:t + 1],
            "weight_before_0": float(w[t + 1:].sum())}


class SlidingDrawing(Drawing):
    """Three stacked panels against the time τ of a reading, and a column beside them.

    Left, sharing the time axis: x(τ) with s up to t; w(t - τ); the products
    x(τ) w(t - τ). A grey band before τ = 0 marks the readings that do not exist (they
    count as zero), with the weights that fall on them hatched. Right: the legend, the
    kernel w(a) itself against age a (before it is flipped and shifted), and the numbers
    at t. The weight and product axes are the same for every decay in :data:`DECAYS`, so
    that two settings compare by eye; the background changes with the decay.
    """

    def __init__(self, state):
        super().__init__(new_figure(9.5, 6.4))
        figure, tau, x, w = self.figure, state["tau"], state["x"], state["w"]
        n, width = len(tau), len(w)
        edges = np.arange(n + 1) - 0.5
        # Some seconds before τ = 0 show where the missing readings would be: enough for
        # the weights that can fall there (up to a quarter of the axis) and for the note.
        before = max(min(width - 1, n // 4), -(-n // 6))
        self._before_edges = np.arange(-before, 1) - 0.5
        left, main_w, side_x, side_w = 0.075, 0.66, 0.805, 0.165
        self.ax_x = figure.add_axes([left, 0.615, main_w, 0.315])
        self.ax_w = figure.add_axes([left, 0.355, main_w, 0.185], sharex=self.ax_x)
        self.ax_p = figure.add_axes([left, 0.085, main_w, 0.19], sharex=self.ax_x)
        self.ax_age = figure.add_axes([side_x, 0.355, side_w, 0.185], sharey=self.ax_w)
        for ax in (self.ax_x, self.ax_w, self.ax_p, self.ax_age):
            ax.tick_params(labelsize=9)
        self.ax_x.grid(alpha=0.25)  # only here: no shaded span moves over this panel
        # One second of room after the last reading, so that its bars show whole.
        self.ax_x.set_xlim(-before - 0.5, n + 0.5)
        self.ax_x.tick_params(labelbottom=False)
        self.ax_w.tick_params(labelbottom=False)
        for ax in (self.ax_x, self.ax_w, self.ax_p):
            ax.axvspan(-before - 0.5, -0.5, facecolor="0.93", edgecolor="0.7", hatch="//",
                       lw=0, zorder=0)
        # Include 0: s(t) starts near 0, since readings before τ = 0 count as zero.
        low, high = min(0.0, x.min()), max(0.0, x.max())
        self.ax_x.set_ylim(low - 0.05 * (high - low), high + 0.08 * (high - low))
        self.ax_x.text(-before / 2 - 0.5, 0.5 * (low + high),
                       "no readings\nbefore \u03c4 = 0:\nthey count\nas zero", ha="center",
                       va="center", fontsize=9, color="0.25",
                       bbox=dict(facecolor="white", edgecolor="none", alpha=0.85, pad=2))
        self.ax_x.plot(tau, x, "o", ms=3.5, color=_BLUE, label="reading x(\u03c4)")
        (self.s_line,) = self.ax_x.plot([], [], "-", lw=2, color=_ORANGE,
                                        label="estimate s up to t")
        (self.s_dot,) = self.ax_x.plot([], [], "o", ms=8, color=_ORANGE, mec="black", zorder=5)
        self.ax_x.legend(loc="upper left", bbox_to_anchor=(1.02, 1.0), fontsize=9,
                         frameon=False, borderaxespad=0)
        self.ax_x.set_ylabel("position (km)", fontsize=10)
        self.ax_x.set_title(r"Readings x($\tau$), one per second, and their weighted average "
                            r"$s(t) = \Sigma_\tau\, x(\tau)\,w(t - \tau)$   (Eqs. 9.1$-$9.3)",
                            fontsize=11, loc="left")

        self.w_steps = self.ax_w.stairs(np.zeros(n), edges, fill=True, color=_GREEN, alpha=0.8)
        # The weights that fall before τ = 0: they multiply readings that count as zero.
        self.w_missing = self.ax_w.stairs(np.zeros(before), self._before_edges, fill=True,
                                          facecolor="none", edgecolor=_GREEN, hatch="xxx", lw=1)
        self.ax_w.set_ylabel("weight", fontsize=10)
        self.ax_w.set_title("w(t \u2212 \u03c4): w(a) flipped and shifted to end at t; "
                            "zero for the future, \u03c4 > t", fontsize=10, loc="left")
        self.p_steps = self.ax_p.stairs(np.zeros(n), edges, fill=True, color=_ORANGE, alpha=0.85)
        self.ax_p.set_ylabel("x \u00b7 w (km)", fontsize=10)
        self.ax_p.set_xlabel("time of reading \u03c4 (s)", fontsize=10)
        self.ax_p.set_title("products x(\u03c4)\u00b7w(t \u2212 \u03c4); their sum is s(t)",
                            fontsize=10, loc="left")
        # The same axes for every decay of the slider: the first weight is the largest.
        w_top = 1.12 * max(age_weights(d, width)[0] for d in (*DECAYS, state["decay"]))
        self.ax_w.set_ylim(0, w_top)
        self.ax_p.set_ylim(min(0.0, w_top * x.min()), w_top * max(x.max(), 1e-12))

        # The kernel as defined, against age: decreasing, before the flip and the shift.
        self.age_steps = self.ax_age.stairs(w, np.arange(width + 1) - 0.5, fill=True,
                                            color=_GREEN, alpha=0.8)
        self.ax_age.set_xlim(-0.5, width - 0.5)
        self.ax_age.set_xlabel("age a = t \u2212 \u03c4 (s)", fontsize=10)
        self.ax_age.set_title("w(a) against age a", fontsize=10)
        self.ax_age.tick_params(labelleft=False)

        self.t_lines = [ax.axvline(0, color="black", lw=1, ls="--")
                        for ax in (self.ax_x, self.ax_w, self.ax_p)]
        self.future = [ax.axvspan(0, n + 0.5, color="0.85", alpha=0.6, lw=0, zorder=0)
                       for ax in (self.ax_w, self.ax_p)]
        # The numbers at t: labels in the background, values dynamic (text is the costly
        # part of a blit). Same font and spacing, so that the two texts' lines coincide.
        numbers = dict(ha="left", va="top", fontsize=10, family="monospace", linespacing=1.35)
        figure.text(side_x, 0.275, "t =\ns(t) = \u03a3 x\u00b7w\n     =\n\n"
                    "weight on \u03c4 < 0\n(hatched; x = 0):\n", **numbers)
        self.s_text = figure.text(side_x, 0.275, "", **numbers)
        self._n = n
        self.add_dynamic(*self.future, self.w_steps, self.w_missing, self.p_steps,
                         self.s_line, self.s_dot, *self.t_lines, self.s_text)
        self.add_dynamic_spines(self.ax_w, self.ax_p)  # the 'future' span covers them

    def background_key(self, state):
        return state["decay"]

    def draw_background(self, state):
        self.age_steps.set_data(values=state["w"])

    def draw_dynamic(self, state):
        t, w = state["t"], state["w"]
        self.w_steps.set_data(values=state["weights"])
        # w(t - τ) for the τ < 0 shown: ages t - τ = t + before, ..., t + 1.
        ages = t - (self._before_edges[:-1] + 0.5).astype(int)
        self.w_missing.set_data(values=np.where(ages < len(w), w[np.minimum(ages, len(w) - 1)], 0))
        self.p_steps.set_data(values=state["products"])
        self.s_line.set_data(np.arange(t + 1), state["s_so_far"])
        self.s_dot.set_data([t], [state["s_t"]])
        for line in self.t_lines:
            line.set_xdata([t, t])
        for span in self.future:
            span.set_x(t + 0.5)
            span.set_width(self._n - t)
        self.s_text.set_text(f"    {t} s\n\n       {state['s_t']:7.3f} km\n\n\n\n"
                             f"       {state['weight_before_0']:.3f}")


def sliding_figure(t=30, decay=0.8, width=None, n=60, noise=2.0, seed=0):
    """The sliding picture at time ``t``, as a static ``Figure`` (what the widget shows).

    Parameters are those of :func:`sliding_state`.

    Returns
    -------
    matplotlib.figure.Figure
        An Agg figure, 9.5 in wide.

    Examples
    --------
    >>> fig = sliding_figure(t=0, noise=0.0)
    >>> len(fig.axes)  # x, w(t - τ), the products, and w(a) beside them
    4
    """
    state = sliding_state(t, decay, width, n, noise, seed)
    return SlidingDrawing(state).figure_at(state)


class SlidingApp(App):
    """The sliding widget; ``sliding_demo`` builds it."""

    def __init__(self, t=30, decay=0.8, width=None, n=60, noise=2.0, seed=0):
        import ipywidgets

        state = sliding_state(t, decay, width, n, noise, seed)
        self._fixed = dict(width=width, n=n, noise=noise, seed=seed)
        decays = sorted(set(DECAYS) | {state["decay"]})
        controls = {
            "t": ipywidgets.IntSlider(value=state["t"], min=0, max=n - 1, description="t (s)"),
            "decay": ipywidgets.SelectionSlider(options=decays, value=state["decay"],
                                                description="decay", continuous_update=False)}
        # Draw each decay's background now, so that moving either slider is a blit.
        ahead = [self._state_for(state["t"], d) for d in decays if d != state["decay"]]
        self.note = ipywidgets.HTML(DECAY_NOTE)
        super().__init__(controls, self._state_for, SlidingDrawing(state), prerender=ahead,
                         rows=[["t"], ["decay", self.note]])

    def _state_for(self, t, decay):
        return sliding_state(t, decay, **self._fixed)


def sliding_demo(t=30, decay=0.8, width=None, n=60, noise=2.0, seed=0):
    """The sliding widget (section 9.1, Eqs. 9.1-9.3): move t, watch w(t - τ) slide.

    Parameters are those of :func:`sliding_state`; ``t`` and ``decay`` set the starting
    controls, the others are fixed.

    Returns
    -------
    App
        ``app.controls`` holds ``"t"`` (0..n-1 s) and ``"decay"`` (:data:`DECAYS`, with
        :data:`DECAY_NOTE` beside it); ``app.state`` is :func:`sliding_state` at the
        current controls.

    Examples
    --------
    >>> app = sliding_demo()
    >>> app.controls["t"].value = 0
    >>> bool(np.isclose(app.state["s_t"], app.state["x"][0] * app.state["w"][0]))
    True
    """
    return SlidingApp(t, decay, width, n, noise, seed)
