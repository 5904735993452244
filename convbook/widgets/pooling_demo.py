"""The pooling widget: invariance to small translations (section 9.3, Figures 9.8, 9.10).

A row of detector values (the detector stage of a convolutional layer) is pooled, then
the row is shifted right by ``shift`` cells, new values entering at the left from a fixed
context ``LEFT_CONTEXT`` (as if the input moved under the layer), and pooled again.
Book Figure 9.8: with max pooling of width 3 and stride 1 every detector value changes
but only about half of the pooled values do. Figure 9.10: width 3, stride 2 and
``ceil_mode`` keep a last, shorter window so that no detector unit is ignored.

``dims=2`` does the same with a small 2-D detector map shifted right by ``shift`` columns.

The pooled values are :func:`convbook.pool1d` / :func:`convbook.pool2d`; a pooled output
counts as changed when it differs from the output at the same position by more than
``TOL``. Every output position is compared (both rows have the same length).
"""

import numpy as np

from .. import pooling as _pooling
from .._validate import as_float_array, as_int, check_choice, check_flag
from ._app import App, Drawing, inch_axes, new_figure
from .grid import NumberGrid, NumberStamps

__all__ = ["pooling_state", "pooling_figure", "pooling_demo", "Pooling1DDrawing",
           "Pooling2DDrawing", "DETECTOR_1D", "DETECTOR_2D", "LEFT_CONTEXT", "KINDS", "TOL"]

KINDS = ("max", "avg", "l2", "weighted")
KIND_WORDS = {"max": "Max", "avg": "Average", "l2": "L2-norm",
              "weighted": "Centre-weighted average"}
WIDTHS, STRIDES, SHIFTS = (1, 5), (1, 3), (0, 3)
TOL = 1e-9
#: The words of the two counts, in the state's summary and in the picture.
SUMMARY_WORDS = ("detector values changed:", "pooled outputs changed:")

#: The default detector row: no two neighbours equal (so a shift by one changes every
#: value), a few peaks as after a ReLU. Max pooling of width 3, stride 1 keeps 6 of its
#: 10 pooled values under a shift by one (book Figure 9.8: about half).
DETECTOR_1D = np.array([0.1, 1.0, 0.2, 0.1, 0.3, 0.9, 0.4, 0.0, 0.2, 0.8, 0.1, 0.3])
#: The values just left of the row, nearest last: a shift by s brings in the last s.
LEFT_CONTEXT = np.array([0.2, 0.5, 0.3])
N_1D, SHAPE_2D = (4, 12), (8, 8)


def _default_2d():
    rng = np.random.default_rng(93)
    full = np.round(np.maximum(rng.normal(0.2, 0.45, (8, 11)), 0), 1)
    return full[:, 3:].copy(), full[:, :3].copy()


#: The default 2-D detector map (8 x 8, a ReLU of seeded noise) and the three columns
#: just left of it, which enter under a shift.
DETECTOR_2D, LEFT_CONTEXT_2D = _default_2d()


def _check(kind, width, stride, padding, ceil_mode, shift, dims, values):
    kind = check_choice(kind, "kind", KINDS)
    width = as_int(width, "width")
    if not WIDTHS[0] <= width <= WIDTHS[1]:
        raise ValueError(f"`width` must be from {WIDTHS[0]} to {WIDTHS[1]}, got {width}")
    stride = as_int(stride, "stride")
    if not STRIDES[0] <= stride <= STRIDES[1]:
        raise ValueError(f"`stride` must be from {STRIDES[0]} to {STRIDES[1]}, got {stride}")
    padding = as_int(padding, "padding")
    if not 0 <= padding <= width // 2:
        raise ValueError(f"`padding` must be from 0 to width // 2 = {width // 2} for width "
                         f"{width}, got {padding}")
    ceil_mode = check_flag(ceil_mode, "ceil_mode")
    shift = as_int(shift, "shift")
    if not SHIFTS[0] <= shift <= SHIFTS[1]:
        raise ValueError(f"`shift` must be from {SHIFTS[0]} to {SHIFTS[1]}, got {shift}")
    dims = as_int(dims, "dims")
    if dims not in (1, 2):
        raise ValueError(f"`dims` must be 1 (a row, Figures 9.8 and 9.10) or 2 (a map), "
                         f"got {dims}")
    if values is None:
        values = DETECTOR_1D if dims == 1 else DETECTOR_2D
    else:
        values = as_float_array(values, "values", ndim=dims)
        if not np.isfinite(values).all():
            raise ValueError("`values` must be finite numbers")
        low, high = N_1D if dims == 1 else (3, SHAPE_2D[0])
        if not all(low <= n <= high for n in values.shape):
            raise ValueError(f"`values` must have {low} to {high} cells per axis for dims="
                             f"{dims} (to be drawn readably), got shape {values.shape}")
    return kind, width, stride, padding, ceil_mode, shift, dims, np.array(values, float)


def _shifted(values, shift, dims):
    """``values`` shifted right by ``shift`` cells, the left context entering."""
    if shift == 0:
        return values.copy()
    if dims == 1:
        return np.concatenate([LEFT_CONTEXT[len(LEFT_CONTEXT) - shift:], values[:-shift]])
    h = values.shape[0]
    context = np.resize(LEFT_CONTEXT_2D, (h, LEFT_CONTEXT_2D.shape[1]))
    return np.concatenate([context[:, context.shape[1] - shift:], values[:, :-shift]], axis=1)


def _percent(part, whole):
    return f"{part} of {whole} ({100 * part / whole:.0f}%)"


def pooling_state(kind="max", width=3, stride=1, padding=0, ceil_mode=False, shift=1, dims=1,
                  values=None):
    """Every number the pooling widget shows (book Figures 9.8 and 9.10).

    Parameters
    ----------
    kind : {'max', 'avg', 'l2', 'weighted'}
        The pooling function (:func:`convbook.pool1d`).
    width : int
        Pooling width, 1 to 5 (a width x width window when ``dims=2``).
    stride : int
        1 to 3.
    padding : int
        0 to ``width // 2``; padded cells never take part.
    ceil_mode : bool
        Keep a last, shorter window (Figure 9.10).
    shift : int
        0 to 3: how far the detector row (map: its columns) moves right.
    dims : {1, 2}
        A row (default :data:`DETECTOR_1D`) or a map (default :data:`DETECTOR_2D`).
    values : array_like, optional
        Another detector row (4 to 12 values) or map (3 to 8 cells per axis).

    Returns
    -------
    dict
        ``detector``, ``shifted`` (same shape), ``pooled``, ``pooled_shifted``,
        ``changed`` (bool, shape of ``pooled``: the pooled outputs that changed by more
        than :data:`TOL`), ``n_changed``, ``n_compared``, ``unchanged_fraction``,
        ``detector_changed`` (bool, shape of ``detector``), ``detector_changed_fraction``,
        ``windows`` (per output along the shifted axis: ``(start, stop)`` of its in-bounds
        cells), ``nominal_windows`` (the same before clipping to the row: padding and a
        ceil-mode window may hang over the edges), ``out_len`` (outputs along that axis),
        ``title``, ``summary`` and the settings.

    Examples
    --------
    >>> s = pooling_state()                       # Figure 9.8
    >>> s["detector_changed_fraction"], s["unchanged_fraction"]
    (1.0, 0.6)
    >>> pooling_state(stride=2, ceil_mode=True)["windows"][-1]   # Figure 9.10
    (10, 12)
    """
    kind, width, stride, padding, ceil_mode, shift, dims, detector = _check(
        kind, width, stride, padding, ceil_mode, shift, dims, values)
    shifted = _shifted(detector, shift, dims)
    pool = _pooling.pool1d if dims == 1 else _pooling.pool2d
    args = dict(kind=kind, padding=padding, ceil_mode=ceil_mode)
    pooled = pool(detector, width, stride, **args)
    pooled_shifted = pool(shifted, width, stride, **args)
    changed = np.abs(pooled - pooled_shifted) > TOL
    detector_changed = np.abs(detector - shifted) > TOL
    n = detector.shape[-1]
    out_len = pooled.shape[-1]
    nominal = [(j * stride - padding, j * stride - padding + width) for j in range(out_len)]
    windows = [(max(a, 0), min(b, n)) for a, b in nominal]
    n_changed, n_compared = int(changed.sum()), changed.size
    unchanged_fraction = (n_compared - n_changed) / n_compared
    figure = ""
    if dims == 1 and width == 3:
        if stride == 1 and kind == "max" and padding == 0:
            figure = " (book Figure 9.8)"
        elif stride == 2:
            figure = " (book Figure 9.10)"
    what = "row" if dims == 1 else "map"
    title = (f"{KIND_WORDS[kind]} pooling, width {width}, stride {stride}, padding {padding}"
             f"{', ceil mode' if ceil_mode else ''}{figure}\n"
             f"below: the same detector {what} shifted right by {shift}; new values enter "
             f"at the left")
    summary = (f"{SUMMARY_WORDS[0]} {_percent(int(detector_changed.sum()), detector.size)}\n"
               f"{SUMMARY_WORDS[1]} {_percent(n_changed, n_compared)}")
    return {"kind": kind, "width": width, "stride": stride, "padding": padding,
            "ceil_mode": ceil_mode, "shift": shift, "dims": dims, "detector": detector,
            "shifted": shifted, "pooled": pooled, "pooled_shifted": pooled_shifted,
            "changed": changed, "n_changed": n_changed, "n_compared": n_compared,
            "unchanged_fraction": unchanged_fraction, "detector_changed": detector_changed,
            "detector_changed_fraction": float(detector_changed.mean()),
            "windows": windows, "nominal_windows": nominal, "out_len": out_len,
            "title": title, "summary": summary}


# --------------------------------------------------------------------------- drawing
FIG_W, LEFT = 9.5, 1.5
BLUE, ORANGE_FILL, PAD_FILL = "#cfe3f7", "#fbc99a", "0.92"
LABEL = dict(fontsize=10, ha="left", va="center", linespacing=1.2)
LEGEND = ("blue: a detector value that changed;  orange: a pooled output that changed;  "
          "grey: padding")


def _short(value):
    """Two decimals at most: ``0.433`` is written ``0.43``."""
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text.replace("-", "\u2212")


def _compact(value):
    """:func:`_short` without a leading zero (``.43``), for the small 2-D cells; one
    decimal from 1 up (``1.46`` is written ``1.5``)."""
    if abs(value) >= 1:
        text = f"{value:.1f}".rstrip("0").rstrip(".").replace("-", "\u2212")
        return text
    text = _short(value)
    return text[1:] if text.startswith("0.") else text.replace("\u22120.", "\u2212.")


class _PoolingDrawing(Drawing):
    """Shared bookkeeping: static artists rebuilt per geometry; the numbers as two
    stamps images (:class:`NumberStamps`, far cheaper to draw than one ``Text`` per
    cell): a static one for the detector values, a dynamic one for the numbers that
    change (shifted values, pooled values)."""

    fontsize = 11

    @staticmethod
    def format(value):
        return _short(value)

    def __init__(self, height):
        super().__init__(new_figure(FIG_W, height))
        self.ax = inch_axes(self.figure)
        # Only what changes is dynamic (text is the costly part of a blit): the title's
        # first line, the shift, the two counts.
        self.title = self.ax.text(0.12, 0.1, "", ha="left", va="top", fontsize=11)
        self.ax.text(0.12, 0.36, f"below: the same detector {self.what} shifted right; new "
                     f"values enter at the left", ha="left", va="top", fontsize=11)
        self.counts, self.words = [], []
        self.stamps = NumberStamps(self.ax, zorder=3)
        self.static_stamps = NumberStamps(self.ax, zorder=3)
        self.built, self.moving = [], []

    def _grid(self, values, xy, cell, *, dynamic=False, shape=None, **kwargs):
        """A grid of cells; ``values`` are written with the static stamps."""
        shape = np.atleast_2d(values).shape if values is not None else shape
        grid = NumberGrid(self.ax, None, xy, cell, shape=shape, numbers=False, **kwargs)
        if values is not None:
            self.static_stamps.set(self._numbers(grid, values, self.format), self.fontsize)
        self.built.append(grid.cells)
        if dynamic:
            self.moving.append(grid.cells)
        return grid

    def background_key(self, state):
        """The windows' layout: what the row or map is, and how it is cut."""
        return (state["detector"].tobytes(), state["width"], state["stride"],
                state["padding"], state["ceil_mode"])

    def _clear(self):
        for artist in self.built:
            artist.remove()
        self.built, self.moving = [], []

    def _static_text(self, *args, **kwargs):
        text = self.ax.text(*args, **kwargs)
        self.built.append(text)
        return text

    def _summary(self, x, ys, dx, dy):
        """The two counts: static words at ``(x, y)``, numbers at ``(x + dx, y + dy)``."""
        for y, words in zip(ys, SUMMARY_WORDS):
            self.words.append(self.ax.text(x, y, words, ha="left", va="center", fontsize=10.5))
            self.counts.append(self.ax.text(x + dx, y + dy, "", ha="left", va="center",
                                            fontsize=10.5))

    def _finish(self, extra=()):
        self.dynamic = [self.title, *self.counts, *extra, self.stamps.image, *self.moving]

    def draw_dynamic(self, state):
        """The changed detector values in blue, the changed pooled outputs in orange, and
        every number (a 1-D row is a one-row grid)."""
        g = self.grids
        g["shifted"].set_facecolors(np.where(np.atleast_2d(state["detector_changed"]), BLUE,
                                             "white"))
        face = np.where(np.atleast_2d(state["changed"]), ORANGE_FILL, "white")
        g["pooled"].set_facecolors(face)
        g["pooled_shifted"].set_facecolors(face)
        numbers = (self._numbers(g["shifted"], state["shifted"], self.format)
                   + self._numbers(g["pooled"], state["pooled"], self.format)
                   + self._numbers(g["pooled_shifted"], state["pooled_shifted"], self.format))
        self.stamps.set(numbers, self.fontsize)
        self._show_texts(state)
        self.shift_label.set_text(f"shifted right by {state['shift']}")

    def _show_texts(self, state):
        self.title.set_text(state["title"].splitlines()[0])
        for text, line in zip(self.counts, state["summary"].splitlines()):
            text.set_text(line.split(": ")[1])

    @staticmethod
    def _numbers(grid, values, fmt):
        values = np.atleast_2d(values)
        out = []
        for (i, j), v in np.ndenumerate(values):
            x, y = grid.cell_xy(i, j)
            out.append((x + grid.cell / 2, y + grid.cell / 2, fmt(v)))
        return out


class Pooling1DDrawing(_PoolingDrawing):
    """Figure 9.8 and 9.10 as a widget: two sections (the row, the shifted row), each a
    detector row with its pooled row above and a line from each pooled output to the
    cells of its window."""

    HEIGHT, what = 5.0, "row"
    ROWS = {"pooled": 0.85, "detector": 1.8, "pooled_shifted": 2.6, "shifted": 3.55}

    def __init__(self, state=None):
        super().__init__(self.HEIGHT)
        ax = self.ax
        self._summary(0.12, (4.3, 4.55), 2.05, 0)
        self.shift_label = ax.text(0.12, self.ROWS["shifted"] + 0.34, "", **LABEL)
        ax.text(0.12, self.HEIGHT - 0.12, LEGEND, ha="left", va="bottom", fontsize=9.5,
                color="0.3")
        self.grids = {}

    def draw_background(self, state):
        self._clear()
        n, p, out = state["detector"].size, state["padding"], state["out_len"]
        cell = min(0.5, (FIG_W - 0.1 - LEFT) / (n + 4))
        x0 = LEFT + (FIG_W - 0.1 - LEFT - n * cell) / 2
        self.cell = cell
        centre = x0 + cell * np.mean([(a + b) / 2 for a, b in state["nominal_windows"]])
        px0 = centre - out * cell / 2
        rows = self.ROWS
        self.grids = {
            "detector": self._grid([state["detector"]], (x0, rows["detector"]), cell),
            "shifted": self._grid(None, (x0, rows["shifted"]), cell, dynamic=True,
                                  shape=(1, n)),
            "pooled": self._grid(None, (px0, rows["pooled"]), cell, dynamic=True,
                                 shape=(1, out)),
            "pooled_shifted": self._grid(None, (px0, rows["pooled_shifted"]), cell,
                                         dynamic=True, shape=(1, out))}
        from matplotlib.collections import LineCollection
        for below, above in (("detector", "pooled"), ("shifted", "pooled_shifted")):
            if p:
                for x in (x0 - p * cell, x0 + n * cell):
                    self._grid(None, (x, rows[below]), cell, shape=(1, p),
                               facecolor=PAD_FILL, edgecolor="0.6")
            top = rows[below]
            segments = [[(px0 + (j + 0.5) * cell, rows[above] + cell),
                         (x0 + (i + 0.5) * cell, top)]
                        for j, (a, b) in enumerate(state["windows"]) for i in range(a, b)]
            self.built.append(self.ax.add_collection(
                LineCollection(segments, colors="0.55", linewidths=0.9, zorder=0.5),
                autolim=False))
        labels = {"pooled": "pooling stage", "detector": "detector stage",
                  "pooled_shifted": "pooling stage", "shifted": "detector stage,"}
        for name, text in labels.items():
            self._static_text(0.12, rows[name] + (0.16 if name == "shifted" else cell / 2),
                              text, **LABEL)
        self._finish([self.shift_label])


class Pooling2DDrawing(_PoolingDrawing):
    """The 2-D version: the map and its pooled map, the shifted map and its pooled map.

    Padding is named in the title but not drawn (padded cells never take part); the
    first and the last window are outlined on the detector map, clipped to it.
    """

    CELL, TOP, X0, PX0, TEXT_X = 0.3, 0.95, 0.3, 3.15, 6.2
    ROW2 = TOP + 9 * CELL + 0.45  # room for a 9 x 9 pooled map and a title
    HEIGHT = np.ceil((ROW2 + 9 * CELL + 0.12) * 90) / 90  # a whole number of pixels
    what = "map"
    fontsize = 10  # at 9 pt a decimal point is one pixel, and may be lost in the blit

    @staticmethod
    def format(value):
        return _compact(value)

    def __init__(self, state=None):
        super().__init__(self.HEIGHT)
        self._summary(self.TEXT_X, (self.TOP + 0.2, self.TOP + 0.75), 0, 0.22)
        self.shift_label = self.ax.text(self.X0 + 4 * self.CELL, self.ROW2 - 0.06, "",
                                        ha="center", va="bottom", fontsize=10)
        self.ax.text(self.TEXT_X, self.TOP + 1.5, LEGEND.split(";  grey")[0].replace(
            ";  ", ";\n") + ";\norange frame: the first window;\ndashed frame: the last "
            "window\n(its cells in the map)", ha="left", va="top", fontsize=9.5, color="0.3",
            linespacing=1.4)
        self.grids = {}

    def draw_background(self, state):
        from matplotlib.patches import Rectangle

        self._clear()
        cell, p = self.CELL, state["padding"]
        h, w = state["detector"].shape
        oh, ow = state["pooled"].shape
        y1, y2 = self.TOP, self.ROW2
        self.grids = {
            "detector": self._grid(state["detector"], (self.X0, y1), cell),
            "shifted": self._grid(None, (self.X0, y2), cell, dynamic=True, shape=(h, w)),
            "pooled": self._grid(None, (self.PX0, y1), cell, dynamic=True, shape=(oh, ow)),
            "pooled_shifted": self._grid(None, (self.PX0, y2), cell, dynamic=True,
                                         shape=(oh, ow))}
        for name, words in (("detector", "detector map"), ("pooled", "pooled"),
                            ("pooled_shifted", "pooled")):
            left, top, right, _ = self.grids[name].extent
            self._static_text((left + right) / 2, top - 0.06, words, ha="center",
                              va="bottom", fontsize=10)
        # The first and the last window on the detector map (the last may be clipped).
        grid, k, s = self.grids["detector"], state["width"], state["stride"]
        for j, style in ((0, "-"), (-1, "--")):
            a, b = state["windows"][j]
            r = (oh - 1 if j else 0) * s - p  # the window's rows, clipped to the map
            r0, r1 = max(r, 0), min(r + k, h)
            left, top = grid.cell_xy(r0, a)
            self.built.append(self.ax.add_patch(Rectangle(
                (left, top), (b - a) * cell, (r1 - r0) * cell, facecolor="none",
                edgecolor="#e8710a", lw=2.2, ls=style, zorder=2)))
        self.shift_label.set_x(sum(self.grids["shifted"].extent[::2]) / 2)
        self._finish([self.shift_label])


def _drawing_class(state):
    return Pooling1DDrawing if state["dims"] == 1 else Pooling2DDrawing


def pooling_figure(kind="max", width=3, stride=1, padding=0, ceil_mode=False, shift=1, dims=1,
                   values=None):
    """The pooling picture at one setting, as a static Agg ``Figure``.

    Parameters are those of :func:`pooling_state`.

    >>> fig = pooling_figure()
    >>> [t.get_text() for t in fig.axes[0].texts][0].splitlines()[0]
    'Max pooling, width 3, stride 1, padding 0 (book Figure 9.8)'
    """
    state = pooling_state(kind, width, stride, padding, ceil_mode, shift, dims, values)
    return _drawing_class(state)(state).figure_at(state)


class PoolingApp(App):
    """The pooling widget; :func:`pooling_demo` builds it."""

    def __init__(self, kind="max", width=3, stride=1, padding=0, ceil_mode=False, shift=1,
                 dims=1, values=None):
        import ipywidgets

        state = pooling_state(kind, width, stride, padding, ceil_mode, shift, dims, values)
        self._values = None if values is None else state["detector"]
        self._drawings = {}
        style = {"description_width": "60px"}
        controls = {
            "kind": ipywidgets.ToggleButtons(options=list(KINDS), value=kind,
                                             description="kind",
                                             style={"button_width": "86px", **style}),
            "dims": ipywidgets.ToggleButtons(options=[("1-D row", 1), ("2-D map", 2)],
                                             value=dims, description="input",
                                             style={"button_width": "80px", **style}),
            "width": ipywidgets.IntSlider(value=width, min=WIDTHS[0], max=WIDTHS[1],
                                          description="width", style=style),
            "stride": ipywidgets.IntSlider(value=stride, min=STRIDES[0], max=STRIDES[1],
                                           description="stride", style=style),
            "padding": ipywidgets.IntSlider(value=padding, min=0, max=width // 2,
                                            description="padding", style=style),
            "ceil_mode": ipywidgets.Checkbox(value=ceil_mode, description="ceil mode"),
            "shift": ipywidgets.IntSlider(value=shift, min=SHIFTS[0], max=SHIFTS[1],
                                          description="shift", style=style)}
        other = pooling_state(kind, width, stride, padding, ceil_mode, shift, 3 - dims,
                              None)
        super().__init__(controls, self._compute, self._drawing_for(state),
                         prerender=[] if values is not None else [other],
                         rows=[["kind", "dims"], ["width", "stride", "padding"],
                               ["shift", "ceil_mode"]])

    def _compute(self, **settings):
        values = self._values if self._values is not None and \
            np.ndim(self._values) == settings["dims"] else None
        return pooling_state(**settings, values=values)

    def _drawing_for(self, state):
        dims = state["dims"]
        if dims not in self._drawings:
            self._drawings[dims] = _drawing_class(state)(state)
        return self._drawings[dims]

    def _settle(self, change):
        """Padding runs from 0 to width // 2: a new slider when the width changes it."""
        width = self.controls["width"].value
        self.set_range("padding", 0, width // 2, min(self.controls["padding"].value,
                                                     width // 2))


def pooling_demo(kind="max", width=3, stride=1, padding=0, ceil_mode=False, shift=1, dims=1,
                 values=None):
    """The pooling widget (section 9.3, Figures 9.8 and 9.10): shift the input, see what
    the pooled outputs keep.

    Parameters are those of :func:`pooling_state`; they set the starting controls
    (``values`` stays as given; the other ``dims`` shows its default input).

    Returns
    -------
    App
        ``app.controls``: ``"kind"``, ``"dims"``, ``"width"`` (1-5), ``"stride"`` (1-3),
        ``"padding"`` (0 to width // 2), ``"ceil_mode"`` and ``"shift"`` (0-3);
        ``app.state`` is :func:`pooling_state` at their values.
    """
    return PoolingApp(kind, width, stride, padding, ceil_mode, shift, dims, values)
