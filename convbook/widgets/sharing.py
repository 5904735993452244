"""The sharing widget: parameter sharing, seen in the weight matrix W (section 9.2).

Book Figure 9.5, and the study note's 1000x1000 example. A layer maps a ``size`` x
``size`` image to ``filters`` feature maps. Written as ``y = W @ x.ravel()``, W has one
row per output unit (filter, position) and one column per input pixel. Each entry is
coloured by the parameter it holds:

- dense: every entry is a parameter of its own;
- locally connected (unshared, :func:`convbook.local2d`): a band of non-zeros, each a
  parameter of its own: sparse interactions without sharing;
- convolution (:func:`convbook.conv2d`): the same band, with tied entries: an entry holds
  kernel tap (m, n) of its filter, the same in every row of that filter.

The counts are read off matrices actually built (:func:`convbook.conv_matrix` for the
convolution, unit impulses through :func:`convbook.local2d` for the local layer), and
:func:`sharing_counts` gives the same numbers by arithmetic, for images of any size.

Biases follow :mod:`convbook.arithmetic`: one per filter for a convolution, one per
output unit for a local or a dense layer.
"""

import numpy as np

from .. import layers as _layers
from .. import matrices as _matrices
from .._geometry import output_length, same_padding
from .._validate import as_int, as_int_pair, as_positive_int, check_choice
from ._app import App, Drawing, encode_png, inch_axes, new_figure
from .grid import NumberStamps, text_width
from .tied import DISTINCT_COLOURS, ParameterMatrix

__all__ = ["sharing_state", "sharing_figure", "sharing_demo", "sharing_counts",
           "SharingDrawing", "KINDS", "NOTE_PRESET"]

KINDS = ("dense", "local", "conv")
SIZES, KERNELS, FILTERS, STRIDES = (3, 6), (1, 3), (1, 3), (1, 2)
_KIND_WORDS = {"dense": "dense layer", "local": "locally connected layer (unshared)",
               "conv": "convolutional layer (shared)"}

#: The study note's 1000x1000 example, as keyword sets for :func:`sharing_counts`.
NOTE_PRESET = {
    "dense, 10^6 hidden units": dict(kind="dense", padding="same"),
    "local 10x10 fields": dict(kind="local", padding="same"),
    "shared 10x10 kernel": dict(kind="conv", padding="same"),
    "100 shared kernels": dict(kind="conv", filters=100, padding="same"),
    "100 kernels, 'valid'": dict(kind="conv", filters=100),
    "stride 10, 'valid'": dict(kind="conv", stride=10),
    "stride 8, 'valid'": dict(kind="conv", stride=8),
}


def _pads(n, k, s, padding, axis):
    """(before, after) zeros along one axis."""
    if padding == "valid":
        return 0, 0
    if padding == "same":
        if s != 1:
            raise ValueError(f"`padding`='same' needs stride 1 (as in cb.conv2d and torch), got "
                             f"stride {s}; use padding='valid' or an int")
        return same_padding(k)  # torch's: the extra zero goes after
    return padding[axis], padding[axis]


def sharing_counts(kind, image=(1000, 1000), kernel=(10, 10), filters=1, stride=1,
                   padding="valid"):
    """What a dense, locally connected or convolutional layer stores and computes, by
    arithmetic (no matrix is built): usable for the note's 1000x1000 image.

    Parameters
    ----------
    kind : {"dense", "local", "conv"}
    image : int or (H, W)
    kernel : int or (kH, kW)
        The window of the local and conv layers; the dense layer takes it too, only to
        have as many outputs as the conv layer.
    filters : int
        Feature maps F.
    stride : int or (sH, sW)
    padding : "valid", "same" or int or (pH, pW)
        Zeros around the image; 'same' (stride 1 only) as in :func:`convbook.conv2d`.

    Returns
    -------
    dict
        ``out_shape`` (OH, OW), ``positions`` (OH * OW), ``hidden_units`` (F * OH * OW,
        the rows of W), ``inputs`` (H * W, its columns), ``entries`` (rows x columns),
        ``nonzeros`` (entries that hold a weight: taps landing on the image, not on the
        padding), ``params`` (distinct learned weights: dense one per entry; local one
        per tap of every unit's window, ``local_layer_cost``'s count, which includes taps
        on the padding; conv F * kH * kW), ``biases`` (conv F; local and dense one per
        unit), ``params_with_bias`` and ``mult_adds`` (one per non-zero of W), and the
        settings.

    Examples
    --------
    The note's numbers: a 1000x1000 image, 10x10 windows.

    >>> sharing_counts("dense", padding="same")["params"]        # 10^6 units x 10^6 pixels
    1000000000000
    >>> sharing_counts("local", padding="same")["params"]        # 10^6 units x 100
    100000000
    >>> sharing_counts("conv", filters=100)["params_with_bias"]  # 100 x (100 + 1)
    10100
    >>> [sharing_counts("conv", stride=s)["out_shape"] for s in (1, 10, 8)]
    [(991, 991), (100, 100), (124, 124)]
    """
    check_choice(kind, "kind", KINDS)
    h, w = as_int_pair(image, "image")
    kh, kw = as_int_pair(kernel, "kernel")
    filters = as_positive_int(filters, "filters")
    strides = as_int_pair(stride, "stride")
    if isinstance(padding, str):
        check_choice(padding, "padding", ("valid", "same"))
        pad = padding
    else:
        pad = as_int_pair(padding, "padding", minimum=0)
    out, in_bounds, pads = [], [], []
    for axis, (n, k, s) in enumerate(zip((h, w), (kh, kw), strides)):
        before, after = _pads(n, k, s, pad, axis)
        o = output_length(n + before + after, k, s, names=(
            "kernel", "image", ("height", "width")[axis], "use a smaller kernel or more padding"))
        start = np.arange(o, dtype=np.int64) * s - before
        in_bounds.append(int((np.clip(start + k, 0, n) - np.clip(start, 0, n)).sum()))
        out.append(o)
        pads.append((before, after))
    positions = out[0] * out[1]
    units, inputs = filters * positions, h * w
    sparse = filters * in_bounds[0] * in_bounds[1]
    nonzeros = units * inputs if kind == "dense" else sparse
    params = {"dense": units * inputs, "local": units * kh * kw, "conv": filters * kh * kw}[kind]
    biases = filters if kind == "conv" else units
    return {"kind": kind, "image": (h, w), "kernel": (kh, kw), "filters": filters,
            "stride": strides, "padding": tuple(pads), "out_shape": tuple(out),
            "positions": positions, "hidden_units": units, "inputs": inputs,
            "entries": units * inputs, "nonzeros": nonzeros, "params": params,
            "biases": biases, "params_with_bias": params + biases, "mult_adds": nonzeros}


def _in_range(value, name, bounds):
    value = as_int(value, name)
    if not bounds[0] <= value <= bounds[1]:
        raise ValueError(f"`{name}` must be from {bounds[0]} to {bounds[1]} (the widget's "
                         f"range), got {value}; use sharing_counts for larger layers")
    return value


def _conv_values(size, k, filters, stride):
    """W of the convolution, with tap (m, n) of filter f holding the value
    f * k * k + m * k + n + 1: the stride-1 matrix of each filter from
    :func:`convbook.conv_matrix`, every ``stride``-th output position kept, stacked."""
    full = size - k + 1
    keep = (np.arange(0, full, stride)[:, None] * full + np.arange(0, full, stride)).ravel()
    kernels = np.arange(filters * k * k, dtype=float).reshape(filters, k, k) + 1
    return np.vstack([_matrices.conv_matrix(kernel, (size, size))[keep] for kernel in kernels])


def _local_values(size, k, filters, stride):
    """W of the locally connected layer, read off :func:`convbook.local2d` with one unit
    impulse per pixel; every weight a distinct value, numbered along W's rows."""
    o = output_length(size, k, stride)
    ids = np.arange(filters * o * o * k * k, dtype=float).reshape(filters, o, o, 1, k, k) + 1
    w = ids.transpose(1, 2, 0, 3, 4, 5)  # (OH, OW, F, C, kH, kW)
    impulses = np.eye(size * size).reshape(size * size, 1, size, size)
    out = _layers.local2d(impulses, w, stride=stride)  # (pixels, F, OH, OW)
    return out.reshape(size * size, -1).T


def sharing_state(kind="conv", size=4, kernel=2, filters=1, stride=1):
    """Every number the sharing widget shows: W, its parameter ids, and the counts.

    Parameters
    ----------
    kind : {"dense", "local", "conv"}
    size : int
        The input is ``size`` x ``size`` pixels, 3 to 6.
    kernel : int
        ``kernel`` x ``kernel`` windows, 1 to 3 ('valid': no padding).
    filters : int
        Feature maps, 1 to 3.
    stride : int
        1 or 2.

    Returns
    -------
    dict
        ``values`` (W, shape (F * OH * OW, size * size), built as the module docstring
        says; for the dense layer, distinct values), ``ids`` (the parameter each entry
        holds, -1 for a structural zero), ``out_shape``, ``entries``, ``nonzeros``,
        ``params`` (distinct ids), ``biases``, ``params_with_bias``, ``mult_adds`` (one
        per non-zero), ``lines`` (the counts as the picture writes them), ``title`` (what
        the layer does, then ``legend``), the settings, and how the picture colours W:
        ``colouring`` ('id': by parameter, when there are at most
        :data:`~convbook.widgets.tied.DISTINCT_COLOURS` of them; 'tap': a conv layer's
        entries by kernel tap; 'tint': one tint for a dense or local W whose entries are
        all distinct), ``color_ids`` (the tap of each entry for 'tap', else None),
        ``legend`` (what the colours and numbers mean, true at this setting), ``cell``
        (a cell's side, inches), ``numbers_shown`` (the ids fit in the cells at
        ``number_size`` pt, at least :data:`MIN_NUMBER_PT`). The counts equal
        :func:`sharing_counts` (tested at every setting).

    Examples
    --------
    >>> s = sharing_state("conv", size=4, kernel=2)       # 9 outputs, 16 pixels
    >>> s["ids"].shape, s["nonzeros"], s["params"], s["params_with_bias"]
    ((9, 16), 36, 4, 5)
    >>> s["ids"][0, :6]                                 # taps a, b on row 0; c, d on row 1
    array([ 0,  1, -1, -1,  2,  3])
    >>> sharing_state("local", size=4, kernel=2)["params"]
    36
    """
    check_choice(kind, "kind", KINDS)
    size = _in_range(size, "size", SIZES)
    k = _in_range(kernel, "kernel", KERNELS)
    filters = _in_range(filters, "filters", FILTERS)
    stride = _in_range(stride, "stride", STRIDES)
    o = output_length(size, k, stride)
    rows, cols = filters * o * o, size * size
    if kind == "conv":
        values = _conv_values(size, k, filters, stride)
    elif kind == "local":
        values = _local_values(size, k, filters, stride)
    else:
        values = np.arange(rows * cols, dtype=float).reshape(rows, cols) + 1
    ids = np.where(values != 0, values - 1, -1).astype(int)
    held = ids[ids >= 0]
    params = int(np.unique(held).size)
    biases = filters if kind == "conv" else rows
    nonzeros = int(held.size)
    counts = {"entries": int(ids.size), "nonzeros": nonzeros, "params": params,
              "biases": biases, "params_with_bias": params + biases, "mult_adds": nonzeros}
    lines = [f"input          {size}\u00d7{size} = {cols} pixels",
             f"outputs        {filters} \u00d7 {o}\u00d7{o} = {rows}",
             f"entries of W   {rows} \u00d7 {cols} = {ids.size}",
             f"non-zeros      {nonzeros}",
             f"parameters     {params}",
             f"  with biases  {params + biases}",
             f"multiply-adds  {nonzeros}"]
    if kind == "conv":
        tied = (f"tied across all {o * o} positions" if o * o > 1
                else "at its only position (a 1\u00d71 output: nothing to tie)")
        share = f"one {k}\u00d7{k} kernel per filter, {tied}"
    else:
        share = {"dense": "every entry a parameter of its own",
                 "local": f"a {k}\u00d7{k} window per output, no weight shared"}[kind]
    layout = _number_layout(ids)
    colouring, color_ids, legend = _colouring(kind, ids, k, params, layout is not None)
    title = (f"W of a {_KIND_WORDS[kind]}: {share}\n{legend}")
    return {"kind": kind, "size": size, "kernel": k, "filters": filters, "stride": stride,
            "out_shape": (o, o), "values": values, "ids": ids, **counts, "lines": lines,
            "title": title, "colouring": colouring, "color_ids": color_ids, "legend": legend,
            "numbers_shown": layout is not None, "cell": _cell(*ids.shape),
            "number_size": layout}


def _cell(rows, cols):
    """Side of a cell of W in the picture, inches: as large as fits, at most CELL_MAX, in
    whole pixels (so that every cell edge falls on the same pixel in any figure height)."""
    return np.floor(min(CELL_MAX, M_W / cols, M_H / rows) * 90) / 90


def _number_layout(ids):
    """The font size (pt) at which every id fits in its cell, or None if none of 10 to
    :data:`MIN_NUMBER_PT` pt does (the ids are then not written)."""
    cell = _cell(*ids.shape)
    label = [str(ids.max() + 1)]
    return next((size for size in range(10, MIN_NUMBER_PT - 1, -1)
                 if text_width(label, size) + 0.05 <= cell and 1.25 * size / 72 <= cell),
                None)


def _colouring(kind, ids, k, params, numbered):
    """How the cells are coloured, honestly: ``("id", None, legend)`` when the ids are
    few enough to tell apart by colour (:data:`DISTINCT_COLOURS`); else a conv layer's
    entries by kernel tap (``"tap"``), and a dense or local layer's, whose entries are
    all distinct, in one tint (``"tint"``), with a legend that says so."""
    numbers = "; numbers = parameter ids" if numbered else ""
    zero = "white = structural zero (no weight)"
    if params <= DISTINCT_COLOURS:
        return "id", None, f"same colour = same parameter ({params} ids); {zero}{numbers}"
    if kind == "conv":
        taps = np.where(ids >= 0, ids % (k * k), -1)
        return "tap", taps, (f"{params} parameters, too many colours to tell apart: colour = "
                             f"kernel tap, which repeats in each filter's band of rows; "
                             f"{zero}" + ("; read the numbers" if numbered else ""))
    how = "numbers = the ids" if numbered else "cells too small to number"
    return "tint", None, (f"every entry its own parameter: {params} distinct ids, too many to "
                          f"tell apart by colour, so one tint; {how}; {zero}")


# Layout, inches: 9.5 in wide, the header on top, the matrix left, the counts right; the
# height follows the content (the matrix or the counts, whichever is taller).
FIG_W, FIG_H = 9.5, 6.0  # 855 x 540 px: the tallest content (whole pixels)
M_LEFT, M_TOP, M_W, M_H = 0.3, 1.4, 5.9, 4.4  # whole pixels at 90 dpi
CELL_MAX, COUNTS_X, VALUES_X = 0.42, 6.4, 7.65
COUNTS_H, BOTTOM = 2.15, 0.15
#: The smallest font (pt) the ids are written in; smaller cells are left without.
MIN_NUMBER_PT = 7
_TITLES = {"dense": "W of a dense layer: every entry is a parameter of its own",
           "local": "W of a locally connected layer: each output has a window of its own, "
                    "nothing is shared",
           "conv": "W of a convolutional layer: one kernel per filter, tied across all "
                   "positions"}
_LABELS = ["input", "outputs", "entries of W", "non-zeros", "parameters", "  with biases",
           "multiply-adds"]
_NOTES = {"conv": "biases: one per filter", "local": "biases: one per output",
          "dense": "biases: one per output"}


def content_height(state):
    """Height of the picture at ``state``, inches: the header, then the taller of W and
    the counts."""
    rows = state["ids"].shape[0]
    return float(np.ceil((M_TOP + max(rows * state["cell"], COUNTS_H) + BOTTOM) * 90) / 90)


def _values_text(state):
    """The right-hand column of the counts (the labels are static)."""
    size, (o, _), f = state["size"], state["out_shape"], state["filters"]
    rows, cols = state["ids"].shape
    return "\n".join([f"{size}\u00d7{size} = {cols}", f"{f} \u00d7 {o}\u00d7{o} = {rows}",
                      f"{rows} \u00d7 {cols} = {state['entries']}", str(state["nonzeros"]),
                      str(state["params"]), str(state["params_with_bias"]),
                      str(state["mult_adds"])])


class SharingDrawing(Drawing):
    """W coloured by parameter id (:class:`ParameterMatrix`) and the counts beside it.

    The words (the title, the counts' labels) are the background, one per kind; the
    legend, the matrix, its ids (:class:`NumberStamps`, one image) and the counts'
    values are dynamic, rebuilt when W's layout changes, so that a tick redraws little
    text (rule 5 of :class:`Drawing`). The figure is :data:`FIG_H` tall, room for the
    largest W; :meth:`render_png` crops the picture to :func:`content_height`, and
    :func:`sharing_figure` makes a figure of exactly that height.
    """

    def __init__(self, height=FIG_H):
        super().__init__(new_figure(FIG_W, height))
        ax = self.ax = inch_axes(self.figure)
        self.title = ax.text(0.12, 0.1, "", ha="left", va="top", fontsize=11)
        ax.text(0.12, 0.4, "rows: outputs (filter, then position); columns: input pixels, "
                "one image row after another;\nblack lines: between filters (rows) and "
                "between image rows (columns)", ha="left", va="top", fontsize=10,
                linespacing=1.3)
        self.legend = ax.text(0.12, 0.86, "", ha="left", va="top", fontsize=10,
                              color="#7a2e00", wrap=False, linespacing=1.3)
        text = dict(ha="left", va="top", fontsize=10, family="monospace", linespacing=1.5)
        self.labels = ax.text(COUNTS_X, M_TOP, "", **text)
        self.values = ax.text(VALUES_X, M_TOP, "", **text)
        self.notes = ax.text(COUNTS_X, M_TOP + 1.6, "", **text)
        self.numbers = NumberStamps(ax, zorder=1.2)
        self.matrix = self.blocks = self._layout = None

    def background_key(self, state):
        return state["kind"]

    def draw_background(self, state):
        self.title.set_text(_TITLES[state["kind"]])
        self.labels.set_text("\n".join(_LABELS))
        self.notes.set_text("\n".join([_NOTES[state["kind"]], "multiply-adds: one per",
                                       "  non-zero of W"]))

    def _rebuild(self, state):
        """A new matrix for a new W: its cells, block lines and ids."""
        if self.matrix is not None:
            self.matrix.cells.remove()
            self.blocks.remove()
        ids, cell = state["ids"], state["cell"]
        tint = "#c9d7e8" if state["colouring"] == "tint" else None
        self.matrix = ParameterMatrix(self.ax, ids, (M_LEFT, M_TOP), cell, numbers=False,
                                      color_ids=state["color_ids"], tint=tint,
                                      linewidth=0.5 if cell > 0.1 else 0.2)
        o = state["out_shape"][0]
        self.blocks = self.matrix.add_blocks(o * o, state["size"], linewidth=1.2)
        where = np.argwhere(ids >= 0) if state["numbers_shown"] else np.zeros((0, 2), int)
        self.numbers.set([(M_LEFT + (c + 0.5) * cell, M_TOP + (r + 0.5) * cell,
                           str(ids[r, c] + 1)) for r, c in where], state["number_size"])
        self.dynamic = [self.values, self.legend, self.matrix.cells, self.blocks,
                        self.numbers.image]

    def draw_dynamic(self, state):
        layout = tuple(state[k] for k in ("kind", "size", "kernel", "filters", "stride"))
        if layout != self._layout:
            self._rebuild(state)
            self._layout = layout
        self.values.set_text(_values_text(state))
        self.legend.set_text(_wrap(state["legend"]))

    def render_png(self, state):
        """PNG of the picture at ``state``, cropped to :func:`content_height`."""
        rows = int(round(content_height(state) * self.figure.dpi))
        return encode_png(self.render_rgba(state)[:rows])


def _wrap(text, width=118):
    """``text`` on lines of at most ``width`` characters (10 pt fits about 125 in 9.3 in)."""
    import textwrap

    return "\n".join(textwrap.wrap(text, width))


def sharing_figure(kind="conv", size=4, kernel=2, filters=1, stride=1):
    """The sharing picture at one setting, as a static Agg ``Figure``.

    Parameters are those of :func:`sharing_state`.

    Examples
    --------
    >>> fig = sharing_figure("local", size=3, kernel=2)   # as tall as its content
    >>> [float(v) for v in fig.get_size_inches()]
    [9.5, 3.7]
    """
    state = sharing_state(kind, size, kernel, filters, stride)
    return SharingDrawing(content_height(state)).figure_at(state)


class SharingApp(App):
    """The sharing widget; :func:`sharing_demo` builds it."""

    def __init__(self, kind="conv", size=4, kernel=2, filters=1, stride=1):
        import ipywidgets

        sharing_state(kind, size, kernel, filters, stride)  # validate before building
        controls = {
            "kind": ipywidgets.ToggleButtons(options=list(KINDS), value=kind,
                                             description="kind"),
            "size": ipywidgets.IntSlider(value=size, min=SIZES[0], max=SIZES[1],
                                         description="size"),
            "kernel": ipywidgets.IntSlider(value=kernel, min=KERNELS[0], max=KERNELS[1],
                                           description="kernel"),
            "filters": ipywidgets.IntSlider(value=filters, min=FILTERS[0], max=FILTERS[1],
                                            description="filters"),
            "stride": ipywidgets.IntSlider(value=stride, min=STRIDES[0], max=STRIDES[1],
                                           description="stride")}
        # The background of each kind drawn now: a kind change is then no full draw.
        ahead = [sharing_state(other, size, kernel, filters, stride)
                 for other in KINDS if other != kind]
        super().__init__(controls, sharing_state, SharingDrawing(), prerender=ahead,
                         rows=[["kind"], ["size", "kernel"], ["filters", "stride"]])


def sharing_demo(kind="conv", size=4, kernel=2, filters=1, stride=1):
    """The sharing widget (section 9.2, Figure 9.5): W of a dense, local or conv layer.

    Parameters are those of :func:`sharing_state`; they set the starting controls.

    Returns
    -------
    App
        ``app.controls``: ``"kind"``, ``"size"``, ``"kernel"``, ``"filters"``,
        ``"stride"``; ``app.state`` is :func:`sharing_state` at the current controls.

    Examples
    --------
    >>> app = sharing_demo()
    >>> app.controls["kind"].value = "local"
    >>> app.state["params"], app.state["nonzeros"]
    (36, 36)
    """
    return SharingApp(kind, size, kernel, filters, stride)
