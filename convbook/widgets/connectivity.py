"""The connectivity widget: sparse interactions and receptive fields (section 9.2).

Book Figures 9.2-9.4. A row of inputs x feeds one to three convolutional layers, each
with a kernel of ``width`` units, a ``stride`` and zero padding ``width // 2`` (so that
stride 1 keeps the layer's length, as in the book's figures), optionally followed by max
pooling of width and stride ``pool``. Pick a unit:

- an input (``layer=0``): "looking up", Figure 9.2: the units of every higher layer that
  it affects;
- any other unit: "looking down", Figures 9.3 and 9.4: its receptive field in every lower
  layer. Deeper units see more of the input, and strides and pooling make the field grow
  faster.

``dense=True`` replaces each convolution by a dense layer of the same size: every unit
then affects (and sees) everything.

The highlighted sets are found by walking the layers' connection matrices, not from the
receptive-field formula (:func:`convbook.receptive_field`), so that the two can be
compared: away from the borders they agree.

Pooling uses ``ceil_mode`` (the book's Figure 9.10): a last, shorter window takes the
units left over, so that no unit is ignored.
"""

import itertools

import numpy as np

from .. import arithmetic as _arithmetic
from .._geometry import output_length
from .._validate import as_int, check_flag
from ._app import App, Drawing, new_figure, inch_axes
from .network import LayeredNetwork

__all__ = ["connectivity_state", "connectivity_figure", "connectivity_demo",
           "ConnectivityDrawing", "WIDTHS", "STRIDES", "POOLS", "DEPTHS"]

WIDTHS, STRIDES, POOLS, DEPTHS = (1, 3, 5, 7), (1, 2, 3), (0, 2, 3), (1, 2, 3)
N_RANGE = (3, 11)  # inputs per row that the 9.5-inch figure draws readably
N_SLIDER = (5, 11)  # the widget's n slider (from a smaller n when the demo is given one)
#: Names of the convolutional rows by depth (the book's s for one layer, h and g for two),
#: and of the pooling row after each.
CONV_NAMES = {1: ("s",), 2: ("h", "g"), 3: ("h", "g", "f")}
POOL_NAMES = ("p", "q", "r")


def _choice(value, name, choices):
    value = as_int(value, name)
    if value not in choices:
        raise ValueError(f"`{name}` must be one of {', '.join(map(str, choices))}; got {value}")
    return value


def _layers(n, width, depth, stride, pool, dense):
    """The rows bottom-up, as dicts, and the boolean connection matrix between each pair.

    ``mats[l][i, j]`` is True when unit i of row l feeds unit j of row l + 1.
    """
    rows, mats, length = [dict(name="x", kind="input", size=n)], [], n
    pad = width // 2
    for d in range(depth):
        out = output_length(length, width, stride, pad)
        i, j = np.arange(length)[:, None], np.arange(out)[None, :]
        start = j * stride - pad  # the first input unit under output j's kernel
        mats.append(np.ones((length, out), bool) if dense
                    else (i >= start) & (i < start + width))
        rows.append(dict(name=CONV_NAMES[depth][d], kind="dense" if dense else "conv",
                         size=out, k=width, s=stride, pad=pad, block=d + 1))
        length = out
        if pool:
            if length < pool:
                raise ValueError(
                    f"`depth` {depth} is too deep for n={n}, stride {stride} and pool {pool}: "
                    f"after {d + 1} layer(s) only {length} unit(s) are left, fewer than the "
                    f"pooling width; use a smaller depth, stride or pool, or a larger n")
            out = output_length(length, pool, pool, ceil_mode=True)  # a last, shorter window
            i, j = np.arange(length)[:, None], np.arange(out)[None, :]
            mats.append(i // pool == j)
            rows.append(dict(name=POOL_NAMES[d], kind="pool", size=out, k=pool, s=pool, pad=0,
                             block=d + 1))
            length = out
    return rows, mats


def max_depth(n=7, width=3, stride=1, pool=0):
    """The deepest stack (at most 3 layers) whose pooling windows still fit their rows."""
    for depth in (3, 2, 1):
        try:
            _layers(n, width, depth, stride, pool, False)
            return depth
        except ValueError:
            continue
    return 0


def min_inputs(width=3, stride=1, pool=0, low=N_RANGE[0]):
    """The fewest inputs, from ``low`` up, that leave room for one block (its pool fits)."""
    return next(n for n in range(low, N_RANGE[1] + 1) if max_depth(n, width, stride, pool))


def depth_note(n, width, stride, pool):
    """Why the depth slider stops below 3, in a sentence (or '' if it does not).

    >>> for part in depth_note(7, 3, 3, 3).split(", "):
    ...     print(part)
    depth limited to 1: with 7 inputs
    block 2's conv would leave 1 unit
    fewer than its pool's width 3; more inputs (n) make room
    """
    deepest = max_depth(n, width, stride, pool)
    if deepest >= DEPTHS[-1] or deepest == 0:
        return ""
    rows, _ = _layers(n, width, deepest, stride, pool, False)
    length, pad = rows[-1]["size"], width // 2
    left = output_length(length, width, stride, pad)  # block deepest + 1's conv
    return (f"depth limited to {deepest}: with {n} inputs, block {deepest + 1}'s conv would "
            f"leave {left} unit{'s' if left != 1 else ''}, fewer than its pool's width {pool}; "
            f"more inputs (n) make room")


def _names(name, indices):
    """Book-style 1-based names: ``x2, x3, x4``; a run of four or more as ``x1–x5``."""
    parts, indices = [], list(indices)
    k = 0
    while k < len(indices):
        end = k
        while end + 1 < len(indices) and indices[end + 1] == indices[end] + 1:
            end += 1
        if end - k >= 3:
            parts.append(f"{name}{indices[k] + 1}\u2013{name}{indices[end] + 1}")
        else:
            parts.extend(f"{name}{i + 1}" for i in indices[k:end + 1])
        k = end + 1
    return ", ".join(parts) if parts else "none"


def _check(n, width, depth, stride, pool, dense):
    n = as_int(n, "n")
    if not N_RANGE[0] <= n <= N_RANGE[1]:
        raise ValueError(f"`n` must be from {N_RANGE[0]} to {N_RANGE[1]} inputs (a longer row "
                         f"is not drawn readably), got {n}")
    width = _choice(width, "width", WIDTHS)
    depth = _choice(depth, "depth", DEPTHS)
    stride = _choice(stride, "stride", STRIDES)
    pool = _choice(pool, "pool", POOLS)
    dense = check_flag(dense, "dense")
    return n, width, depth, stride, pool, dense


def connectivity_state(n=7, width=3, depth=1, stride=1, pool=0, dense=False, layer=0, unit=3):
    """Every number the connectivity widget shows (book Figures 9.2-9.4).

    Parameters
    ----------
    n : int
        Inputs x1..xn, from 3 to 11 (the widget's slider: 5 to 11).
    width : {1, 3, 5, 7}
        Kernel width of every convolutional layer; zero padding ``width // 2``.
    depth : {1, 2, 3}
        Convolutional layers: x -> s; x -> h -> g; x -> h -> g -> f.
    stride : {1, 2, 3}
        Stride of every convolutional layer.
    pool : {0, 2, 3}
        0: no pooling; else max pooling of this width and stride after every
        convolutional layer (rows p, q, r; ``ceil_mode``, so a last window may be shorter).
    dense : bool
        Dense layers (every edge) in place of the convolutions, with the same sizes.
    layer : int
        The chosen unit's row: 0 is the inputs (looking up, Figure 9.2); above 0 looking
        down at its receptive field (Figures 9.3, 9.4).
    unit : int
        The chosen unit's 0-based index in its row (``unit=2`` is x3).

    Returns
    -------
    dict
        ``sizes`` (units per row, bottom first), ``names`` (row names), ``kinds``
        ('input', 'conv', 'dense', 'pool'), ``mats`` (boolean connection matrices, row l
        to row l + 1), ``looking`` ('up' or 'down'), ``chosen`` (its name, e.g. 'x4'),
        ``highlight`` (row -> sorted unit indices reached, the chosen unit included),
        ``edges`` (highlighted (row, i, j) edges), ``field`` (the input indices in the
        receptive field when looking down; the affected units of the top row when looking
        up), ``field_size``, ``field_span`` (last - first + 1 of ``field``: larger than
        ``field_size`` only when the field has holes, a stride larger than a kernel below
        a wider window), ``receptive_field`` (:func:`convbook.receptive_field` of the
        layers from the input up to the chosen row: the unclipped span; 1 for an input;
        ``n`` when a dense layer is among them), ``clipped`` (the unclipped span runs
        past the border, so the field is smaller than ``receptive_field``),
        ``n_edges`` (drawn), ``dense_edges`` (if every layer were dense), ``row_text``
        (per row, what is highlighted there), ``title`` (two lines saying what is shown),
        ``max_depth`` (the deepest stack whose pools fit), ``depth_note`` (why the depth
        stops below 3, or '') and the settings. A *block* is one convolutional (or dense)
        layer and the max pooling after it, if any; ``depth`` counts blocks.

    Examples
    --------
    >>> s = connectivity_state(n=5, layer=0, unit=2)       # Figure 9.2: x3 from below
    >>> s["highlight"][1], s["title"].splitlines()[1]
    ([1, 2, 3], 'x3 affects s2, s3, s4: 3 of 5 outputs (a dense layer: all 5)')
    >>> s = connectivity_state(n=5, depth=2, layer=2, unit=2)  # Figure 9.4: g3 sees x1..x5
    >>> s["field"], s["receptive_field"]
    ([0, 1, 2, 3, 4], 5)
    """
    n, width, depth, stride, pool, dense = _check(n, width, depth, stride, pool, dense)
    rows, mats = _layers(n, width, depth, stride, pool, dense)
    sizes, names = [r["size"] for r in rows], [r["name"] for r in rows]
    layer = as_int(layer, "layer")
    if not 0 <= layer < len(rows):
        raise ValueError(f"`layer` must be from 0 (the inputs) to {len(rows) - 1} (the top row, "
                         f"{names[-1]}) for depth {depth}{' with pooling' if pool else ''}, "
                         f"got {layer}")
    unit = as_int(unit, "unit")
    if not 0 <= unit < sizes[layer]:
        raise ValueError(f"`unit` must be from 0 to {sizes[layer] - 1}: row {layer} "
                         f"({names[layer]}) has {sizes[layer]} units; got {unit}")

    # Walk the connection matrices from the chosen unit, up or down.
    reached = np.zeros(sizes[layer], bool)
    reached[unit] = True
    highlight = {layer: [unit]}
    if layer == 0:
        for above, mat in enumerate(mats, start=1):
            reached = mat[reached].any(axis=0)
            highlight[above] = np.flatnonzero(reached).tolist()
        field = highlight[len(rows) - 1]
    else:
        for below in range(layer - 1, -1, -1):
            reached = mats[below][:, reached].any(axis=1)
            highlight[below] = np.flatnonzero(reached).tolist()
        field = highlight[0]
    highlight = dict(sorted(highlight.items()))
    edges = sorted((l, int(i), int(j)) for l, mat in enumerate(mats)
                   if l in highlight and l + 1 in highlight
                   for i, j in np.argwhere(mat) if i in highlight[l] and j in highlight[l + 1])

    # The formula, for comparison, and the unclipped span of the field (looking down).
    below = rows[1:layer + 1]
    if any(r["kind"] == "dense" for r in below):
        receptive, clipped = n, False
    else:
        receptive = _arithmetic.receptive_field([(r["k"], r["s"]) for r in below])
        first = last = unit
        for r in reversed(below):
            first, last = first * r["s"] - r["pad"], last * r["s"] - r["pad"] + r["k"] - 1
        clipped = layer > 0 and (first < 0 or last > n - 1)
    field_span = field[-1] - field[0] + 1 if field else 0

    chosen = f"{names[layer]}{unit + 1}"
    row_text = [""] * len(rows)
    for l, units in highlight.items():
        if l != layer:
            row_text[l] = f"{_names(names[l], units)}: {len(units)} of {sizes[l]}"
    row_text[layer] = "looking up" if layer == 0 else "looking down"
    if layer == 0:
        top = len(rows) - 1
        outputs = "outputs" if top == 1 else f"units of the top row {names[top]}"
        dense_words = "dense layers: all" if top > 1 else "a dense layer: all"
        title = (f"Looking up from input {chosen} (book Figure 9.2): the units it affects\n"
                 f"{chosen} affects {_names(names[top], field)}: {len(field)} of {sizes[top]} "
                 f"{outputs}" + ("" if dense else f" ({dense_words} {sizes[top]})"))
    else:
        figure = "9.3" if layer == 1 else "9.4"
        detail = (f"; receptive_field = {receptive}" if not dense else "")
        if clipped:
            detail += ", clipped by the border"
        elif field_span != len(field):
            detail += f", a span of {field_span} with holes"
        title = (f"Looking down from {chosen} (book Figure {figure}): its receptive field\n"
                 f"{chosen} sees {_names('x', field)}: {len(field)} of {n} inputs{detail}")
    return {"n": n, "width": width, "depth": depth, "stride": stride, "pool": pool,
            "dense": dense, "layer": layer, "unit": unit, "sizes": sizes, "names": names,
            "kinds": [r["kind"] for r in rows], "rows": rows, "mats": mats,
            "looking": "up" if layer == 0 else "down", "chosen": chosen,
            "highlight": highlight, "edges": edges, "field": field, "field_size": len(field),
            "field_span": field_span, "receptive_field": receptive, "clipped": clipped,
            "n_edges": int(sum(m.sum() for m in mats)),
            "dense_edges": int(sum(a["size"] * b["size"] if b["kind"] != "pool" else m.sum()
                                   for a, b, m in zip(rows, rows[1:], mats))),
            "row_text": row_text, "title": title,
            "max_depth": max_depth(n, width, stride, pool),
            "depth_note": depth_note(n, width, stride, pool)}


# Layout, inches. The figure is 9.5 in wide; its height follows the number of rows.
FIG_W, LABEL_W, GAP_Y, TOP, BOTTOM = 9.5, 1.75, 0.82, 1.45, 0.32
SPACING, RADIUS, ROW_TEXT_W = 0.6, 0.2, 1.75
NET_LEFT = LABEL_W + 0.15
#: A line under the title: what a block is (the depth slider counts them).
BLOCK_WORDS = ("block: one conv (or dense) layer and the max pool after it, if any; "
               "depth = number of blocks")


def _spacing(n):
    """(spacing, radius) of the units, inches: 0.6 apart, closer for long rows so that the
    texts beside the rows (up to :data:`ROW_TEXT_W` wide) stay inside the figure."""
    room = FIG_W - 0.1 - ROW_TEXT_W - 0.3 - NET_LEFT  # for the row, circles included
    spacing = min(SPACING, (room - 2 * RADIUS) / max(n - 1, 1))
    return spacing, min(RADIUS, 0.36 * spacing)


def _row_label(row):
    name, kind = row["name"], row["kind"]
    units = f"{row['size']} unit{'s' if row['size'] > 1 else ''}"
    if kind == "input":
        return f"{name}: input, {units}"
    block = f"{name} \u00b7 block {row['block']}"
    if kind == "pool":
        return f"{block}: max pool\nwidth {row['k']}, stride {row['s']}\n{units}"
    if kind == "dense":
        return f"{block}: dense\n{units}"
    return f"{block}: conv\nwidth {row['k']}, stride {row['s']}, pad {row['pad']}\n{units}"


class ConnectivityDrawing(Drawing):
    """The layered diagram for one number of rows (the figure's height follows it).

    The network (units, edges, row labels), the line on blocks and the depth note are the
    background, rebuilt when the layers or ``n`` change; the highlight, the title and the
    text beside each row are dynamic. ``n`` is read from the state (the argument is kept
    for compatibility and ignored).
    """

    def __init__(self, n_rows, n=None):
        self.n_rows = n_rows
        height = np.ceil((TOP + (n_rows - 1) * GAP_Y + BOTTOM) * 90) / 90
        super().__init__(new_figure(FIG_W, height))
        ax = self.ax = inch_axes(self.figure)
        self.bottom_y = height - BOTTOM
        row_y = [self.bottom_y - r * GAP_Y for r in range(n_rows)]
        self.labels = [ax.text(0.12, y, "", ha="left", va="center", fontsize=10,
                               linespacing=1.15) for y in row_y]
        self.row_texts = [ax.text(0, y, "", ha="left", va="center", fontsize=10,
                                  color="#b3470a") for y in row_y]
        self.title = ax.text(0.12, 0.12, "", ha="left", va="top", fontsize=11, linespacing=1.4)
        self.blocks = ax.text(0.12, 0.6, "", ha="left", va="top", fontsize=10, color="0.3",
                              linespacing=1.3)
        self.net, self.text_x = None, 0.0

    def background_key(self, state):
        if len(state["sizes"]) != self.n_rows:
            raise ValueError(f"this drawing has {self.n_rows} rows; make one "
                             f"ConnectivityDrawing per number of rows")
        return tuple(state[k] for k in ("n", "width", "depth", "stride", "pool", "dense"))

    def draw_background(self, state):
        if self.net is not None:
            self.net.remove()
        n = state["n"]
        spacing, radius = _spacing(n)
        mid = NET_LEFT + radius + (n - 1) * spacing / 2
        self.text_x = NET_LEFT + 2 * radius + (n - 1) * spacing + 0.3
        self.net = LayeredNetwork(self.ax, state["sizes"], names=state["names"],
                                  xy=(mid, self.bottom_y), spacing=spacing,
                                  layer_gap=GAP_Y, radius=radius, fontsize=11, mathtext=False)
        for l, mat in enumerate(state["mats"]):
            self.net.connect(l, mat)
        for text, row in zip(self.labels, state["rows"]):
            text.set_text(_row_label(row))
        note = state["depth_note"]
        self.blocks.set_text(BLOCK_WORDS + (f"\n{note[0].upper()}{note[1:]}" if note else ""))
        self.dynamic = [self.title, *self.row_texts, *self.net.artists]

    def draw_dynamic(self, state):
        units = [(l, i) for l, indices in state["highlight"].items() for i in indices]
        self.net.highlight(units, state["edges"])
        for text, words in zip(self.row_texts, state["row_text"]):
            text.set_text(words)
            text.set_x(self.text_x)
        self.title.set_text(state["title"])


def connectivity_figure(n=7, width=3, depth=1, stride=1, pool=0, dense=False, layer=0, unit=3):
    """The connectivity picture at one setting, as a static Agg ``Figure``.

    Parameters are those of :func:`connectivity_state`.

    Examples
    --------
    >>> fig = connectivity_figure(n=5, layer=1, unit=2)   # Figure 9.3: s3 from above
    >>> titles = [t.get_text() for t in fig.axes[0].texts if t.get_text().startswith("Looking")]
    >>> print(titles[0])
    Looking down from s3 (book Figure 9.3): its receptive field
    s3 sees x2, x3, x4: 3 of 5 inputs; receptive_field = 3
    """
    state = connectivity_state(n, width, depth, stride, pool, dense, layer, unit)
    return ConnectivityDrawing(len(state["sizes"])).figure_at(state)


class ConnectivityApp(App):
    """The connectivity widget; :func:`connectivity_demo` builds it."""

    def __init__(self, n=7, width=3, depth=1, stride=1, pool=0, dense=False, layer=0, unit=3):
        import ipywidgets

        state = connectivity_state(n, width, depth, stride, pool, dense, layer, unit)
        self.n = state["n"]  # the first n (the control may change it)
        self._n_low = min(self.n, N_SLIDER[0])
        self._drawings = {}
        slider = dict(continuous_update=True)
        controls = {
            "n": ipywidgets.IntSlider(value=self.n, min=min_inputs(width, stride, pool,
                                                                   self._n_low),
                                      max=N_SLIDER[1], description="inputs n",
                                      continuous_update=False),  # a new network: ~30 ms
            "width": ipywidgets.IntSlider(value=width, min=1, max=7, step=2,
                                          description="width", **slider),
            "depth": ipywidgets.IntSlider(value=depth, min=1, max=max_depth(n, width, stride, pool),
                                          description="depth", **slider),
            "stride": ipywidgets.IntSlider(value=stride, min=1, max=3, description="stride",
                                           **slider),
            "pool": ipywidgets.ToggleButtons(options=[("no pool", 0), ("pool 2", 2),
                                                      ("pool 3", 3)], value=pool,
                                             description="pool",
                                             style={"button_width": "80px",
                                                    "description_width": "40px"}),
            "dense": ipywidgets.Checkbox(value=dense, description="dense layers"),
            "layer": ipywidgets.IntSlider(value=layer, min=0, max=len(state["sizes"]) - 1,
                                          description="layer", **slider),
            "unit": ipywidgets.IntSlider(value=unit, min=0, max=state["sizes"][layer] - 1,
                                         description="unit", **slider)}
        # One figure per number of rows (2, 3, 4, 5 or 7): make and draw each now, so
        # that a depth or pool change is not the first draw of a new figure.
        ahead = {}
        for d, p in itertools.product(DEPTHS, POOLS):
            if d <= max_depth(self.n, width, stride, p):
                other = connectivity_state(self.n, width, d, stride, p, dense, 0, 0)
                ahead.setdefault(len(other["sizes"]), other)
        ahead.pop(len(state["sizes"]), None)
        super().__init__(controls, connectivity_state, self._drawing_for(state),
                         prerender=list(ahead.values()),
                         rows=[["n", "width", "stride"], ["depth", "pool", "dense"],
                               ["layer", "unit"]])

    def _drawing_for(self, state):
        rows = len(state["sizes"])
        if rows not in self._drawings:
            self._drawings[rows] = ConnectivityDrawing(rows)
        return self._drawings[rows]

    def _settle(self, change):
        """Keep n, depth, layer and unit within what the new layers allow (End/Home too).

        ``n`` starts where one block fits (stride 3 and pool 3 need 7 inputs): a change
        that needs more inputs raises it.

        A unit keeps its place along the row: when its row changes length (a new stride,
        say) or the layer changes, it moves to the unit nearest the same position.
        """
        v = self.values()
        before = dict(v)
        name = next(k for k, c in self.controls.items() if c is change["owner"])
        before[name] = change["old"]
        fewest = min_inputs(v["width"], v["stride"], v["pool"], self._n_low)
        self.set_range("n", fewest, N_SLIDER[1], max(v["n"], fewest))
        v = self.values()
        deepest = max_depth(v["n"], v["width"], v["stride"], v["pool"])
        self.set_range("depth", 1, deepest, min(v["depth"], deepest))
        v = self.values()
        rows, _ = _layers(v["n"], v["width"], v["depth"], v["stride"], v["pool"], v["dense"])
        old_rows, _ = _layers(*(before[k] for k in
                                ("n", "width", "depth", "stride", "pool", "dense")))
        layer = min(v["layer"], len(rows) - 1)
        self.set_range("layer", 0, len(rows) - 1, layer)
        old_layer = min(before["layer"], len(old_rows) - 1)
        size, old_size = rows[layer]["size"], old_rows[old_layer]["size"]
        unit = v["unit"]
        if name != "unit" and (layer, size) != (old_layer, old_size):
            unit = int(np.floor((unit + 0.5) * size / old_size))
        self.set_range("unit", 0, size - 1, min(max(unit, 0), size - 1))


def connectivity_demo(n=7, width=3, depth=1, stride=1, pool=0, dense=False, layer=0, unit=3):
    """The connectivity widget (section 9.2, Figures 9.2-9.4): pick a unit, see its reach.

    Parameters are those of :func:`connectivity_state`; they set the starting controls.

    Returns
    -------
    App
        ``app.controls``: ``"n"`` (inputs, 5 to 11, or from a smaller ``n`` given),
        ``"width"``, ``"depth"``, ``"stride"``, ``"pool"``, ``"dense"``, ``"layer"`` and
        ``"unit"``. The ranges of ``n`` (one block must fit), ``depth`` (pooling windows
        must fit),
        ``layer`` (the rows) and ``unit`` (the row's units) follow the other controls:
        a new range gets a new slider, so look them up in ``app.controls`` after a change.
        ``app.state`` is :func:`connectivity_state` at the current controls.

    Examples
    --------
    >>> app = connectivity_demo(n=5, unit=2)
    >>> app.state["highlight"][1]
    [1, 2, 3]
    >>> app.controls["dense"].value = True
    >>> app.state["highlight"][1]
    [0, 1, 2, 3, 4]
    """
    return ConnectivityApp(n, width, depth, stride, pool, dense, layer, unit)
