"""The learned-invariance widget: three rotated detectors and a max over them (Figure 9.9).

Book section 9.3 ("Pooling"), Figure 9.9. A max over the *positions* of one detector
(spatial pooling) gives invariance to small shifts for free; invariance to other
transforms has to be learned. Here three detector units are each tuned to a '5' (a slanted
font's, standing in for the book's handwritten one) at one angle (by default -45, 0 and 45
degrees), and a pooling unit takes the max over those three channels, as a maxout unit
does (:func:`convbook.channel_pool`). Each detector answers strongly only near its own
angle; the max answers strongly to the '5' at any angle from the first to the last, which
is the learned invariance.

What is computed, exactly:

- the input x is :func:`rendered_digit` ('5', from the DejaVu Sans Bold Oblique font that
  ships with matplotlib, drawn by Agg, no download) turned ``angle`` degrees anticlockwise
  with ``scipy.ndimage.rotate(order=1, reshape=False)``;
- detector k's template T_k is the same digit turned ``tuned[k]`` degrees, with its mean
  taken off and scaled to unit norm;
- detector k's response is the correlation of the input with T_k: the input, too, is
  taken to zero mean and unit norm, and ``r_k = sum(T_k * x_hat)``, one cross-correlation
  with a kernel as large as the image (:func:`convbook.conv2d`, 'valid', a 1x1 output). It
  is 1 when the input is the template's picture and at most 1 otherwise;
- the pooled unit is ``max_k r_k`` (:func:`convbook.channel_pool`, kind 'max', over the
  three channels);
- the tuning curves are the same responses for the input at every angle from -90 to 90
  degrees in steps of 5 (:data:`CURVE_ANGLES`), computed once per (tuned, size) and kept.
"""

import functools
import os

import numpy as np

from .. import layers as _layers
from .. import pooling as _pooling
from .._validate import _describe, as_int
from ._app import App, Drawing, new_figure

__all__ = ["invariance_state", "invariance_figure", "invariance_demo", "rendered_digit",
           "InvarianceDrawing", "CURVE_ANGLES", "ANGLE_RANGE", "TUNED", "FONT"]

#: The tuning curves' angles, degrees: -90..90 in steps of 5 (also the demo's slider).
CURVE_ANGLES = np.arange(-90, 91, 5)
#: The demo's angle slider: (min, max, step), degrees.
ANGLE_RANGE = (-90, 90, 5)
#: The default detectors' angles, degrees (Figure 9.9 draws three).
TUNED = (-45, 0, 45)
#: The font the digit is drawn from: shipped with matplotlib (mpl-data/fonts).
FONT = "DejaVuSans-BoldOblique.ttf"
#: Templates: blue negative, white zero, orange positive (Okabe-Ito, as in the chapters).
_TEMPLATE_COLOURS = ("#0072B2", "white", "#E69F00")
#: Okabe-Ito colours of the three detectors; the pooled unit is black.
COLORS = ("#0072B2", "#009E73", "#D55E00")
_OVERSAMPLE = 4  # the digit is drawn 4x larger, then averaged over 4x4 blocks (anti-aliasing)
_HEIGHT_FRACTION = 0.64  # the glyph's height, of the image's: room to turn it without clipping


def _check_angle(value, name):
    if isinstance(value, (bool, np.bool_)) or not isinstance(
            value, (int, float, np.integer, np.floating)):
        raise TypeError(f"`{name}` must be a number of degrees, got {_describe(value)} of type "
                        f"{type(value).__name__}; e.g. {name}=30")
    if not np.isfinite(value):
        raise ValueError(f"`{name}` must be finite (degrees), got {value}")
    return float(value)


def _check_size(size):
    size = as_int(size, "size")
    if not 12 <= size <= 256:
        raise ValueError(f"`size` must be between 12 and 256 pixels, got {size}; "
                         f"MNIST's is 28")
    return size


@functools.lru_cache(maxsize=32)
def _upright(digit, size):
    """The digit drawn upright in a size x size array, ink 1 on 0 (read-only)."""
    import matplotlib
    from matplotlib.font_manager import FontProperties
    from matplotlib.patches import PathPatch
    from matplotlib.textpath import TextPath
    from matplotlib.transforms import Affine2D

    font = FontProperties(fname=os.path.join(matplotlib.get_data_path(), "fonts", "ttf", FONT))
    path = TextPath((0, 0), digit, size=1, prop=font)
    (x0, y0), (x1, y1) = path.get_extents().get_points()
    n = size * _OVERSAMPLE
    figure = new_figure(n / 100, n / 100, dpi=100)
    ax = figure.add_axes([0, 0, 1, 1])
    ax.set_axis_off()
    ax.set_xlim(0, size)
    ax.set_ylim(0, size)
    scale = _HEIGHT_FRACTION * size / (y1 - y0)
    place = Affine2D().translate(-(x0 + x1) / 2, -(y0 + y1) / 2).scale(scale).translate(
        size / 2, size / 2)
    ax.add_patch(PathPatch(place.transform_path(path), facecolor="black", edgecolor="none"))
    figure.canvas.draw()
    ink = 1.0 - np.asarray(figure.canvas.buffer_rgba())[..., 0].astype(float) / 255.0
    ink = ink[:n, :n].reshape(size, _OVERSAMPLE, size, _OVERSAMPLE).mean(axis=(1, 3))
    ink.flags.writeable = False
    return ink


def rendered_digit(digit="5", size=28, angle=0):
    """A handwritten-style digit, ``size`` x ``size``, turned ``angle`` degrees anticlockwise.

    Drawn from :data:`FONT` (shipped with matplotlib) by the Agg renderer at 4x the size,
    averaged down, ink 1 on a background of 0, the glyph 0.64 of the height, centred; then
    turned with ``scipy.ndimage.rotate(order=1, reshape=False)`` (bilinear, zeros
    outside). Deterministic: the same arguments give the same array, bit for bit.

    Parameters
    ----------
    digit : str
        One of '0'..'9'.
    size : int
        Pixels per side, 12..256 (MNIST's 28 by default).
    angle : float
        Degrees anticlockwise.

    Returns
    -------
    ndarray of shape (size, size), float64, values in [0, 1]

    Examples
    --------
    >>> image = rendered_digit("5")
    >>> image.shape, float(image.max()), bool(image[0].sum() == 0)
    ((28, 28), 1.0, True)
    """
    if not isinstance(digit, str) or len(digit) != 1 or digit not in "0123456789":
        raise ValueError(f"`digit` must be one of '0'..'9' (a str), got {_describe(digit)}")
    size = _check_size(size)
    angle = _check_angle(angle, "angle")
    image = np.array(_upright(digit, size))
    if angle == 0:
        return image
    from scipy import ndimage

    return np.clip(ndimage.rotate(image, angle, reshape=False, order=1, mode="constant",
                                  cval=0.0), 0.0, 1.0)


def _normalized(image):
    """``image`` less its mean, over its norm (zero mean, unit norm)."""
    centred = image - image.mean()
    return centred / np.linalg.norm(centred)


def _responses(images, templates):
    """r[n, k] = correlation of image n with template k: ``cb.conv2d``, a full-size kernel,
    'valid', one output per (image, template)."""
    x = np.stack([_normalized(image) for image in images])[:, None]
    return _layers.conv2d(x, templates[:, None], padding="valid")[:, :, 0, 0]


@functools.lru_cache(maxsize=16)
def _detectors(tuned, size):
    """(templates (3, size, size), curves (3, A)): computed once per setting, read-only."""
    templates = np.stack([_normalized(rendered_digit("5", size, a)) for a in tuned])
    images = [rendered_digit("5", size, a) for a in CURVE_ANGLES]
    curves = _responses(images, templates).T.copy()
    for array in (templates, curves):
        array.flags.writeable = False
    return templates, curves


def _check_tuned(tuned):
    try:
        values = tuple(tuned)
    except TypeError:
        raise TypeError(f"`tuned` must be three angles in degrees, got {_describe(tuned)}; "
                        f"e.g. tuned=(-45, 0, 45)") from None
    if len(values) != 3:
        raise ValueError(f"`tuned` must hold three angles (one per detector), got "
                         f"{len(values)}: {_describe(tuned)}; e.g. tuned=(-45, 0, 45)")
    values = tuple(_check_angle(a, "tuned") for a in values)
    if len(set(values)) != 3:
        raise ValueError(f"`tuned` must hold three different angles, got {values}")
    return values


def invariance_state(angle=0, tuned=TUNED, size=28):
    """Every number the learned-invariance widget shows (see the module docstring).

    Parameters
    ----------
    angle : float
        The input '5' is turned this many degrees anticlockwise.
    tuned : three floats
        The angles, degrees, that the three detectors are tuned to.
    size : int
        The image's side, pixels (12..256).

    Returns
    -------
    dict
        ``angle``, ``tuned`` (floats), ``size``; ``image`` (the input, (size, size));
        ``templates`` ((3, size, size), zero mean, unit norm); ``responses`` ((3,), the
        correlations); ``pooled`` (their max, via ``cb.channel_pool``); ``winner`` (the
        index of the detector that gives it); ``curve_angles`` ((A,), -90..90 step 5),
        ``curves`` ((3, A), each detector's response to the digit at each angle) and
        ``curve_max`` ((A,), their max).

    Examples
    --------
    >>> s = invariance_state(45)
    >>> round(float(s["responses"][2]), 6), bool(s["pooled"] == s["responses"].max())
    (1.0, True)
    """
    angle = _check_angle(angle, "angle")
    tuned = _check_tuned(tuned)
    size = _check_size(size)
    templates, curves = _detectors(tuned, size)
    image = rendered_digit("5", size, angle)
    responses = _responses([image], templates)  # (1, 3): one 1x1 map per detector channel
    pooled = _pooling.channel_pool(responses, 3, kind="max", axis=1)[0, 0]
    responses = responses[0]
    return {"angle": angle, "tuned": tuned, "size": size, "image": image,
            "templates": templates, "responses": responses, "pooled": float(pooled),
            "winner": int(np.argmax(responses)), "curve_angles": CURVE_ANGLES.copy(),
            "curves": curves, "curve_max": curves.max(axis=0)}


# --------------------------------------------------------------------------- drawing
# Layout, inches (9.5 x 3.6, 855 x 324 px): the header; the input; a column of the three
# templates with their response bars; the pooled unit's bar; the tuning curves.
_WIDTH, _HEIGHT = 9.5, 3.6
_TOP = 0.62  # below the header
_ROW = 0.92  # one detector's row
_TEMPLATE = 0.8
_BAR_LIMITS = (-0.25, 1.0)


def _fmt(value):
    return f"{value:+.2f}".replace("-", "\u2212")


def _deg(value):
    return f"{value:g}\u00b0".replace("-", "\u2212")


class InvarianceDrawing(Drawing):
    """The input, three templates with their response bars, the max, and the tuning curves.

    The templates, their labels and the curves are the background (they depend on
    ``tuned`` and ``size`` only); the input, the bars, their numbers and the marker on
    the curves move with the angle.
    """

    def __init__(self, state):
        import matplotlib as mpl

        super().__init__(new_figure(_WIDTH, _HEIGHT))
        figure = self.figure

        def axes(x, y, w, h):
            return figure.add_axes([x / _WIDTH, 1 - (y + h) / _HEIGHT, w / _WIDTH, h / _HEIGHT])

        figure.text(0.1 / _WIDTH, 1 - 0.08 / _HEIGHT,
                    "Learned invariance (Figure 9.9): three detectors tuned to a '5' at three "
                    "angles, then a max over the three channels", fontsize=11, va="top")
        self.header = figure.text(0.1 / _WIDTH, 1 - 0.34 / _HEIGHT, "", fontsize=10, va="top",
                                  weight="bold")

        # The input.
        self.ax_in = axes(0.15, _TOP + 0.45, 1.9, 1.9)
        self.ax_in.set_axis_off()
        self.in_title = self.ax_in.set_title("", fontsize=10)
        self.im_in = self.ax_in.imshow(state["image"], cmap="gray_r", vmin=0, vmax=1,
                                       interpolation="nearest")

        # The detectors: template, then a bar of its response.
        template_cmap = mpl.colors.LinearSegmentedColormap.from_list("templates",
                                                                     _TEMPLATE_COLOURS)
        self.ax_templates, self.template_images, self.template_labels = [], [], []
        self.bars, self.bar_texts = [], []
        for k in range(3):
            y = _TOP + 0.05 + k * _ROW
            ax = axes(2.45, y, _TEMPLATE, _TEMPLATE)
            ax.set_xticks([])
            ax.set_yticks([])
            for spine in ax.spines.values():
                spine.set_edgecolor(COLORS[k])
                spine.set_linewidth(2)
            limit = float(np.abs(state["templates"]).max())
            self.template_images.append(ax.imshow(state["templates"][k], cmap=template_cmap,
                                                  vmin=-limit, vmax=limit,
                                                  interpolation="nearest"))
            self.ax_templates.append(ax)
            self.template_labels.append(figure.text(3.32 / _WIDTH, 1 - (y + 0.05) / _HEIGHT,
                                                    "", fontsize=9, va="top", color=COLORS[k]))
            bar_ax = self._bar_axes(axes(3.32, y + 0.32, 1.1, 0.3))
            (bar,) = bar_ax.barh([0], [0.0], height=0.8, color=COLORS[k], zorder=3)
            self.bars.append(bar)
            self.bar_texts.append(figure.text(4.47 / _WIDTH, 1 - (y + 0.47) / _HEIGHT, "",
                                              fontsize=10, va="center"))
        figure.text(2.45 / _WIDTH, 1 - (_TOP + 3 * _ROW + 0.02) / _HEIGHT,
                    "templates: blue < 0 < orange", fontsize=9, va="top")

        # The pooled unit: max over the three channels.
        y_pool = _TOP + _ROW + 0.05
        figure.text(5.28 / _WIDTH, 1 - (y_pool - 0.05) / _HEIGHT,
                    "pooled unit:\nmax over the\n3 channels\n(maxout)", fontsize=9, va="bottom")
        pool_ax = self._bar_axes(axes(5.28, y_pool + 0.32, 0.85, 0.3))
        (self.pool_bar,) = pool_ax.barh([0], [0.0], height=0.8, color="black", zorder=3)
        self.pool_text = figure.text(5.28 / _WIDTH, 1 - (y_pool + 0.75) / _HEIGHT, "",
                                     fontsize=10, va="top", weight="bold")
        self.arrows = []
        for k in range(3):  # detector -> pooled unit; the winner's is drawn thick
            y = _TOP + 0.05 + k * _ROW + 0.47
            line = mpl.lines.Line2D([5.07 / _WIDTH, 5.25 / _WIDTH],
                                    [1 - y / _HEIGHT, 1 - (y_pool + 0.47) / _HEIGHT],
                                    transform=figure.transFigure, color=COLORS[k], lw=1)
            self.arrows.append(figure.add_artist(line))

        # The tuning curves (static) and the current angle (dynamic).
        self.ax_curve = ax = axes(6.85, _TOP + 0.3, 2.55, 2.1)
        ax.set_xlim(-90, 90)
        ax.set_ylim(-0.1, 1.05)
        ax.set_xticks([-90, -45, 0, 45, 90])
        ax.tick_params(labelsize=9)
        ax.set_xlabel("angle of the input (\u00b0)", fontsize=9, labelpad=1)
        ax.set_ylabel("response", fontsize=9, labelpad=1)
        ax.set_title("tuning curves", fontsize=10)
        angles = state["curve_angles"]
        self.curve_lines = [ax.plot(angles, state["curves"][k], color=COLORS[k], lw=1.3)[0]
                            for k in range(3)]
        (self.max_line,) = ax.plot(angles, state["curve_max"], color="black", lw=2.4,
                                   alpha=0.85, label="max (pooled)")
        ax.legend(loc="lower center", fontsize=9, frameon=False, handlelength=1.5,
                  borderaxespad=0.2)
        self.marker = ax.axvline(0, color="0.35", lw=1, ls="--", zorder=5)
        self.dots = ax.scatter([0, 0, 0, 0], [0, 0, 0, 0], s=22, zorder=6,
                               c=[*COLORS, "black"], edgecolors="white", linewidths=0.6)
        self.add_dynamic(self.header, self.im_in, self.in_title, *self.bars, *self.bar_texts,
                         self.pool_bar, self.pool_text, *self.arrows, self.marker, self.dots)

    @staticmethod
    def _bar_axes(ax):
        """A one-bar axes from -0.25 to 1: a zero line and a dotted 1 (static, under the bar)."""
        ax.set_xlim(*_BAR_LIMITS)
        ax.set_ylim(-0.5, 0.5)
        ax.set_axis_off()
        ax.axvline(0, color="0.3", lw=0.8, zorder=1)
        ax.axvline(1, color="0.6", lw=0.8, ls=":", zorder=1)
        return ax

    def background_key(self, state):
        return state["tuned"], state["size"]

    def draw_background(self, state):
        limit = float(np.abs(state["templates"]).max())
        for k in range(3):
            self.template_images[k].set_data(state["templates"][k])
            self.template_images[k].set_clim(-limit, limit)
            self.template_labels[k].set_text(f"detector {k + 1}: '5' at "
                                             f"{_deg(state['tuned'][k])}")
            self.curve_lines[k].set_data(state["curve_angles"], state["curves"][k])
        self.max_line.set_data(state["curve_angles"], state["curve_max"])

    def draw_dynamic(self, state):
        angle, responses, winner = state["angle"], state["responses"], state["winner"]
        self.header.set_text(f"input at {_deg(angle)}: detector {winner + 1} "
                             f"({_deg(state['tuned'][winner])}) wins, pooled unit = "
                             f"{_fmt(state['pooled'])}")
        self.im_in.set_data(state["image"])
        self.in_title.set_text(f"input x: '5' turned {_deg(angle)}")
        low, high = _BAR_LIMITS
        for k in range(3):
            self.bars[k].set_width(float(np.clip(responses[k], low, high)))
            self.bar_texts[k].set_text(_fmt(responses[k]))
            self.bar_texts[k].set_weight("bold" if k == winner else "normal")
            self.arrows[k].set_linewidth(3.0 if k == winner else 0.8)
        self.pool_bar.set_width(float(np.clip(state["pooled"], low, high)))
        self.pool_text.set_text(f"max = {_fmt(state['pooled'])}")
        self.marker.set_xdata([angle, angle])
        shown = np.clip(angle, -90, 90)
        values = [np.interp(shown, state["curve_angles"], curve) for curve in state["curves"]]
        values.append(np.interp(shown, state["curve_angles"], state["curve_max"]))
        self.dots.set_offsets(np.column_stack([np.full(4, shown), values]))


def invariance_figure(angle=0, tuned=TUNED, size=28):
    """The learned-invariance picture at one angle, as a static ``Figure``.

    Parameters are those of :func:`invariance_state`.

    Examples
    --------
    >>> fig = invariance_figure(30)
    >>> [float(v) for v in fig.get_size_inches()]
    [9.5, 3.6]
    """
    state = invariance_state(angle, tuned, size)
    return InvarianceDrawing(state).figure_at(state)


def invariance_demo(angle=0, tuned=TUNED, size=28):
    """The learned-invariance widget: an angle slider, -90..90 degrees in steps of 5.

    The templates and the tuning curves are computed once (they depend on ``tuned`` and
    ``size`` only); each slider change turns the input, correlates it with the three
    templates and takes the max.

    Returns
    -------
    App
        ``app.controls["angle"]``, ``app.state`` (see :func:`invariance_state`).
    """
    import ipywidgets

    state = invariance_state(angle, tuned, size)
    low, high, step = ANGLE_RANGE
    if state["angle"] not in range(low, high + 1, step):
        raise ValueError(f"`angle` {_describe(angle)} is not on the demo's slider; pick a "
                         f"multiple of {step} from {low} to {high}")
    tuned, size = state["tuned"], state["size"]
    control = ipywidgets.IntSlider(value=int(state["angle"]), min=low, max=high, step=step,
                                   description="angle (\u00b0)", continuous_update=True)

    def compute(angle):
        return invariance_state(angle, tuned, size)

    return App({"angle": control}, compute, InvarianceDrawing(state))
