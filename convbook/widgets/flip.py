"""The flip widget: 2-D convolution vs cross-correlation, one output cell at a time.

Book section 9.1, Eqs. 9.4-9.6 and Figure 9.1. Convolution (Eq. 9.5),

    S(i, j) = sum_m sum_n I(i - m, j - n) K(m, n),

is a cross-correlation (Eq. 9.6), ``S(i, j) = sum_m sum_n I(i + m, j + n) K(m, n)``,
with the kernel rotated by 180 degrees. The picture shows the window of the input under
the kernel, the kernel values actually multiplied (flipped or not), the products and
their sum, and where that sum lands in the output. In ``same`` and ``full`` modes the
input is padded with zeros, drawn grey.
"""

import numpy as np
from matplotlib.patches import Rectangle

from .. import signal as _signal
from .._validate import as_float_array, check_choice, _describe
from ._app import DPI, App, Drawing, format_number, new_figure

__all__ = ["flip_figure", "flip_demo", "flip_state", "FlipDrawing", "DEFAULT_IMAGE",
           "DEFAULT_KERNEL"]

#: The default input: a small integer image, 4 rows by 5 columns.
DEFAULT_IMAGE = np.array([[1, 2, 0, 3, 1],
                          [0, 1, 2, 1, 4],
                          [3, 1, 0, 2, 2],
                          [2, 0, 1, 3, 0]])
#: The default kernel: no symmetry at all, so its 180-degree flip is plain to see.
DEFAULT_KERNEL = np.array([[1, 2, 0],
                           [0, 1, 0],
                           [-1, 0, 3]])

OPERATIONS = ("convolution", "cross-correlation")
MODES = ("valid", "same", "full")
_MAX_COLUMNS = 26  # input (padded) + kernel + output cells across the figure
_MAX_ROWS = 14

_K_USED_TITLES = ("K flipped 180\u00b0 (used)", "K as is (used)")  # convolution, correlation
_ORANGE = "#e8710a"
_BLUE = "#1f5fa8"
_PAD_FACE = "#d9d9d9"
_PAD_TEXT = "#6e6e6e"


def _check_inputs(image, kernel):
    image = as_float_array(image, "image", ndim=2)
    kernel = as_float_array(kernel, "kernel", ndim=2)
    if kernel.shape[0] > image.shape[0] or kernel.shape[1] > image.shape[1]:
        raise ValueError(
            f"`kernel` has shape {kernel.shape}, larger than `image` {image.shape}; the flip "
            f"demo shows every mode including 'valid', so pass a kernel no larger than the image"
        )
    if not (np.all(np.isfinite(image)) and np.all(np.isfinite(kernel))):
        raise ValueError("`image` and `kernel` must be finite to be written out; "
                         "replace NaN and inf values")
    (h, w), (kh, kw) = image.shape, kernel.shape
    columns = (w + 2 * (kw - 1)) + kw + (w + kw - 1)
    rows = max(h + 2 * (kh - 1), 2 * kh + 1)
    if columns > _MAX_COLUMNS or rows > _MAX_ROWS:
        raise ValueError(
            f"`image` {image.shape} with `kernel` {kernel.shape} is too large to draw readably "
            f"(the padded input, kernel and output need {columns} cells across, at most "
            f"{_MAX_COLUMNS}, and {rows} down, at most {_MAX_ROWS}); use a smaller image, "
            f"e.g. 4x5 with a 3x3 kernel"
        )
    return image, kernel


def _output_shape(image_shape, kernel_shape, mode):
    (h, w), (kh, kw) = image_shape, kernel_shape
    if mode == "valid":
        return (h - kh + 1, w - kw + 1)
    if mode == "same":
        return (h, w)
    return (h + kh - 1, w + kw - 1)


def _first_origin(kernel_shape, mode, operation):
    """Input coordinates of the window's top-left corner for output cell (0, 0).

    Negative means the window starts in the zero padding. For an even-sized kernel in
    'same' mode SciPy centres convolution and correlation differently; this follows SciPy.
    """
    def one(k):
        if mode == "valid":
            return 0
        if mode == "full":
            return -(k - 1)
        shift = (k - 1) // 2 if operation == "convolution" else k // 2
        return shift - (k - 1)

    return tuple(one(k) for k in kernel_shape)


def _as_position(position, shape):
    """Flat index or (row, col) -> (row, col), checked against the output shape."""
    size = shape[0] * shape[1]
    if isinstance(position, (tuple, list, np.ndarray)):
        if len(position) != 2:
            raise ValueError(f"`position` must be an int or a pair (row, col), got {_describe(position)}")
        row, col = (int(p) for p in position)
        if not (0 <= row < shape[0] and 0 <= col < shape[1]):
            raise ValueError(
                f"`position` {tuple(position)} is outside the output of shape {shape}; "
                f"rows go from 0 to {shape[0] - 1}, columns from 0 to {shape[1] - 1}"
            )
        return row, col
    if isinstance(position, (bool, np.bool_)) or not isinstance(position, (int, np.integer)):
        raise TypeError(f"`position` must be an int (a flat index) or a pair (row, col), "
                        f"got {_describe(position)}")
    if not 0 <= position < size:
        raise ValueError(
            f"`position` {int(position)} is outside the output of shape {shape}; "
            f"use a flat index from 0 to {size - 1}, or a pair (row, col)"
        )
    return divmod(int(position), shape[1])


def flip_state(image=None, kernel=None, operation="convolution", mode="valid", position=0):
    """Every number the flip widget shows, for one output position.

    Parameters
    ----------
    image : array_like of shape (H, W), optional
        The input ``I``; default :data:`DEFAULT_IMAGE` (4x5).
    kernel : array_like of shape (kH, kW), optional
        The kernel ``K``, no larger than ``image``; default :data:`DEFAULT_KERNEL` (3x3).
    operation : {"convolution", "cross-correlation"}
        Convolution flips the kernel (Eq. 9.5); cross-correlation does not (Eq. 9.6).
    mode : {"valid", "same", "full"}
        As in :func:`convbook.correlate2d`; 'same' and 'full' pad with zeros.
    position : (int, int) or int
        The output cell S(i, j) as ``(row, col)`` = ``(i, j)``, or a flat (row-major)
        index into the output.

    Returns
    -------
    dict
        ``operation``, ``mode``, ``position`` ``(row, col)``, ``index`` (flat),
        ``image``, ``kernel``, ``kernel_used`` (flipped when convolving),
        ``window_origin`` (input coordinates of the window's top-left cell; negative in
        the padding), ``window`` (input values under the kernel, 0 for padding),
        ``products`` (``window * kernel_used``), ``output`` (their sum),
        ``output_map`` (the whole output, from :func:`convbook.convolve2d` or
        :func:`convbook.correlate2d`) and ``output_shape``.

    Examples
    --------
    >>> s = flip_state([[1, 2, 3], [4, 5, 6]], [[1, 0], [0, 2]], "convolution", "valid", 1)
    >>> s["kernel_used"]
    array([[2., 0.],
           [0., 1.]])
    >>> s["products"]
    array([[4., 0.],
           [0., 6.]])
    >>> s["output"], float(s["output_map"][s["position"]])
    (10.0, 10.0)
    """
    image = DEFAULT_IMAGE if image is None else image
    kernel = DEFAULT_KERNEL if kernel is None else kernel
    image, kernel = _check_inputs(image, kernel)
    check_choice(operation, "operation", OPERATIONS)
    check_choice(mode, "mode", MODES)
    shape = _output_shape(image.shape, kernel.shape, mode)
    row, col = _as_position(position, shape)
    if operation == "convolution":
        kernel_used = np.ascontiguousarray(kernel[::-1, ::-1])
        output_map = _signal.convolve2d(image, kernel, mode=mode)
    else:
        kernel_used = kernel.copy()
        output_map = _signal.correlate2d(image, kernel, mode=mode)
    kh, kw = kernel.shape
    top, left = _first_origin(kernel.shape, mode, operation)
    origin = (top + row, left + col)
    padded = np.pad(image, ((kh - 1, kh - 1), (kw - 1, kw - 1)))
    r0, c0 = origin[0] + kh - 1, origin[1] + kw - 1
    window = padded[r0:r0 + kh, c0:c0 + kw].copy()
    products = window * kernel_used
    return {
        "operation": operation,
        "mode": mode,
        "position": (row, col),
        "index": row * shape[1] + col,
        "image": image,
        "kernel": kernel,
        "kernel_used": kernel_used,
        "window_origin": origin,
        "window": window,
        "products": products,
        "output": float(products.sum()),
        "output_map": np.asarray(output_map),
        "output_shape": shape,
    }


def _term(a, b):
    text_b = format_number(b)
    if b < 0:
        text_b = f"({text_b})"
    return f"{format_number(a)}\u00b7{text_b}"


def products_text(state):
    """The products and their sum, one kernel row per line (the widget's caption).

    Examples
    --------
    >>> s = flip_state([[1, 2, 3], [4, 5, 6]], [[1, 0], [0, -2]], "cross-correlation", "valid", 0)
    >>> print(products_text(s))
    S(0, 0) = 1·1 + 2·0
            + 4·0 + 5·(−2)  = −9
    """
    window, used = state["window"], state["kernel_used"]
    row, col = state["position"]
    lead = f"S({row}, {col}) = "
    lines = []
    for r in range(window.shape[0]):
        terms = " + ".join(_term(a, b) for a, b in zip(window[r], used[r]))
        lines.append((lead if r == 0 else " " * (len(lead) - 2) + "+ ") + terms)
    width = max(len(line) for line in lines)
    lines[-1] = lines[-1].ljust(width) + f"  = {format_number(state['output'])}"
    return "\n".join(lines)


def _output_title(operation, mode, shape):
    name = ("S = I \u2217 K  (convolution)" if operation == "convolution"
            else "S = cross-correlation of I and K")
    return f"{name}\n'{mode}' mode, {shape[0]}\u00d7{shape[1]}: rows i, columns j"


def _input_title(shape, kernel_shape, mode):
    padded = "" if mode == "valid" or kernel_shape == (1, 1) else ", zero padding grey"
    return f"input I ({shape[0]}\u00d7{shape[1]}){padded}"


def _term_factor(value):
    return "\u00d7" + format_number(value)


def _text_width(text, size, family="sans-serif", weight="normal"):
    """Width in inches of the widest line of ``text`` (no renderer needed).

    Agg's hinting draws text up to ~3% wider than the outlines measured here: add 4%.
    """
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    prop = FontProperties(size=size, family=family, weight=weight)
    measure = TextToPath().get_text_width_height_descent
    return 1.04 * max(measure(line, prop, ismath=False)[0] for line in text.splitlines()) / 72


def _visible_rows_cols(image_shape, kernel_shape, mode, operation):
    """Rows and columns of the 'full' zero-padded input that some window of ``mode`` touches."""
    kh, kw = kernel_shape
    out_h, out_w = _output_shape(image_shape, kernel_shape, mode)
    top, left = _first_origin(kernel_shape, mode, operation)
    return ((top + kh - 1, top + out_h - 1 + 2 * (kh - 1)),
            (left + kw - 1, left + out_w - 1 + 2 * (kw - 1)))


class _Layout:
    """Sizes in inches of the flip picture of one mode (the modes share the cell sizes).

    Three columns, their grids top-aligned: the (zero-padded) input; the kernel K above
    the kernel used; the output with its indices i, j. The products are written out under
    the output, or, where that would make the figure too wide ('full' mode), under the
    kernel and the output. The figure is as wide as that needs, at most 9.5 in.
    """

    side, gap, index_w, top, bottom = 0.1, 0.32, 0.24, 0.08, 0.1
    max_width, max_cell = 9.5, 0.5
    caption_size = 11
    line_h = caption_size * 1.2 / 72  # monospace caption, one line per kernel row

    def __init__(self, image, kernel, mode):
        w, (kh, kw) = image.shape[1], kernel.shape
        out_h, out_w = _output_shape(image.shape, kernel.shape, mode)
        title_w, caption_w = 0.0, 0.0
        for operation in OPERATIONS:
            title_w = max(title_w, _text_width(_output_title(operation, mode, (out_h, out_w)), 11))
            longest = ""
            for index in range(out_h * out_w):
                text = products_text(flip_state(image, kernel, operation, mode, index))
                longest = max(longest, *text.splitlines(), key=len)
            caption_w = max(caption_w, _text_width(longest, self.caption_size, "monospace"))
        # The kernel column is about as wide as its titles (which may reach half-way into
        # the gaps on either side): a 1x1 kernel is one cell. The input column is
        # as wide as its title.
        k_titles = max(_text_width("kernel K", 11), _text_width(_K_USED_TITLES[0], 10),
                       _text_width(_K_USED_TITLES[1], 10)) - self.gap
        in_titles = {m: _text_width(_input_title(image.shape, kernel.shape, m), 11) for m in MODES}
        # The same cells in every mode: the largest that let 'full' fit in max_width, the
        # output's a little smaller if need be (its cells hold one number each).
        wp, wo = w + 2 * (kw - 1), w + kw - 1
        room = self.max_width - 2 * self.side - 2 * self.gap - self.index_w

        def columns(cell):  # widths of the input and kernel columns in 'full' mode
            return max(wp * cell, in_titles["full"]), max(kw * cell, k_titles)

        cell = self.max_cell
        while cell > 0.2 and sum(columns(cell)) + 0.75 * wo * cell > room:
            cell -= 0.002
        out_cell = min(cell, (room - sum(columns(cell))) / wo)
        self.cell, self.out_cell = cell, out_cell
        self.fs = 11 if cell >= 0.38 else 10 if cell >= 0.33 else 9  # 3-digit numbers fit
        self.out_fs = 11 if out_cell >= 0.35 else 10 if out_cell >= 0.31 else 9
        # The kernel values written over the window: as large as fits in a cell.
        widest = max((_term_factor(v) for v in kernel.ravel()), key=len)
        self.times_fs = next((size for size in (13, 12, 11, 10)
                              if _text_width(widest, size, weight="bold") <= 0.93 * cell), 9)

        rows, cols = zip(*(_visible_rows_cols(image.shape, kernel.shape, mode, o)
                           for o in OPERATIONS))
        self.r_lo, self.r_hi = min(r[0] for r in rows), max(r[1] for r in rows)
        self.c_lo, self.c_hi = min(c[0] for c in cols), max(c[1] for c in cols)
        n_rows, n_cols = self.r_hi - self.r_lo + 1, self.c_hi - self.c_lo + 1

        title_h = 2 * 11 * 1.25 / 72 + 0.2  # two lines of output title, then the j indices
        self.grid_top = self.top + title_h + 0.06
        in_width = max(n_cols * cell, in_titles[mode])
        self.x_in = self.side + (in_width - n_cols * cell) / 2
        self.in_mid = self.side + in_width / 2
        self.x_k = self.side + in_width + self.gap
        k_width = max(kw * cell, k_titles)
        self.x_k_grid = self.x_k + (k_width - kw * cell) / 2
        self.k_gap = 0.42  # between K and the kernel used, for the second title
        self.x_out = self.x_k + k_width + self.gap + self.index_w
        k_bottom = self.grid_top + 2 * kh * cell + self.k_gap
        out_bottom = self.grid_top + out_h * out_cell
        right = max(out_w * out_cell, title_w - self.index_w)
        if self.x_out + max(right, caption_w - self.index_w) + self.side <= self.max_width:
            self.caption_xy = (self.x_out - self.index_w, out_bottom + 0.16)
            right = max(right, caption_w - self.index_w)
        else:  # under the kernel and the output
            self.caption_xy = (self.x_k, max(k_bottom, out_bottom) + 0.16)
            right = max(right, self.x_k + caption_w - self.x_out)
        # Whole pixels, so that the PNG is exactly width x height inches at DPI.
        self.width = np.ceil((self.x_out + right + self.side) * DPI - 1e-6) / DPI
        self.height = np.ceil((max(self.grid_top + n_rows * cell, k_bottom,
                                   self.caption_xy[1] + kh * self.line_h) + self.bottom)
                              * DPI) / DPI


class FlipDrawing(Drawing):
    """The flip picture of one mode: input with the window, the kernel, the output, the sum.

    Each mode has its own layout (its own figure), sized to the part of the zero-padded
    input that the mode uses. The window, the kernel values written over it, the output
    highlight and the caption change on every tick (``dynamic``); the rest is redrawn only
    when the operation changes. All coordinates are inches from the top-left corner.
    """

    def __init__(self, state):
        image, kernel = state["image"], state["kernel"]
        (h, w), (kh, kw) = image.shape, kernel.shape
        self.mode = state["mode"]
        self.shape, self.kshape = (h, w), (kh, kw)
        lay = self.layout = _Layout(image, kernel, self.mode)
        cell, fs = lay.cell, lay.fs
        figure = new_figure(lay.width, lay.height)
        super().__init__(figure)
        ax = self.ax = figure.add_axes([0, 0, 1, 1])
        ax.set_xlim(0, lay.width)
        ax.set_ylim(lay.height, 0)
        ax.set_axis_off()

        # add_artist, not add_patch: the limits are set, and updating them for each of
        # a few hundred cells would double the time it takes to build the widget.
        def cell_patch(x, y, **kw_):
            return ax.add_artist(Rectangle((x, y), cell, cell, lw=0.8, **kw_))

        # Input: the cells of the zero-padded input that this mode uses.
        self.in_cells, self.in_texts = {}, {}
        for r in range(lay.r_lo, lay.r_hi + 1):
            for c in range(lay.c_lo, lay.c_hi + 1):
                x, y = self._in_xy(r, c)
                inside = kh - 1 <= r < kh - 1 + h and kw - 1 <= c < kw - 1 + w
                value = image[r - kh + 1, c - kw + 1] if inside else 0.0
                self.in_cells[r, c] = cell_patch(
                    x, y, facecolor="white" if inside else _PAD_FACE,
                    edgecolor="black" if inside else "#9a9a9a")
                # Up and left of centre: the kernel value goes in the lower right corner.
                self.in_texts[r, c] = ax.text(
                    x + 0.34 * cell, y + 0.36 * cell, format_number(value), ha="center",
                    va="center", fontsize=fs, color="black" if inside else _PAD_TEXT)
        self.in_title = ax.text(lay.in_mid, lay.grid_top - 0.08,
                                _input_title((h, w), (kh, kw), self.mode),
                                ha="center", va="bottom", fontsize=11)
        # The window and the kernel values written over it (dynamic).
        self.window = ax.add_artist(Rectangle(
            (0, 0), kw * cell, kh * cell, facecolor=_ORANGE, alpha=0.22, edgecolor="none",
            zorder=5))
        self.window_edge = ax.add_artist(Rectangle(
            (0, 0), kw * cell, kh * cell, facecolor="none", edgecolor=_ORANGE, lw=2.5, zorder=6))
        self.overlay = [[ax.text(0, 0, "", ha="right", va="baseline", fontsize=lay.times_fs,
                                 color="#b3470a", fontweight="bold", zorder=7)
                         for _ in range(kw)] for _ in range(kh)]

        # Kernel: K above, the kernel actually used below.
        self.k_used = []
        used_top = lay.grid_top + kh * cell + lay.k_gap
        for r in range(kh):
            for c in range(kw):
                x = lay.x_k_grid + c * cell
                cell_patch(x, lay.grid_top + r * cell, facecolor="#e3ecf7", edgecolor="black")
                ax.text(x + cell / 2, lay.grid_top + (r + 0.5) * cell, format_number(kernel[r, c]),
                        ha="center", va="center", fontsize=fs, color=_BLUE)
                cell_patch(x, used_top + r * cell, facecolor="#fde3cf", edgecolor="black")
                self.k_used.append(ax.text(x + cell / 2, used_top + (r + 0.5) * cell, "",
                                           ha="center", va="center", fontsize=fs,
                                           color="#b3470a"))
        k_mid = lay.x_k_grid + kw * cell / 2
        ax.text(k_mid, lay.grid_top - 0.08, "kernel K", ha="center", va="bottom", fontsize=11)
        self.k_used_title = ax.text(k_mid, used_top - 0.08, "", ha="center", va="bottom",
                                    fontsize=10)

        # Output, with its indices i (rows) and j (columns).
        out_h, out_w = state["output_shape"]
        oc = lay.out_cell
        self.out_cells, self.out_texts = {}, {}
        for i in range(out_h):
            for j in range(out_w):
                x, y = lay.x_out + j * oc, lay.grid_top + i * oc
                self.out_cells[i, j] = ax.add_artist(Rectangle(
                    (x, y), oc, oc, lw=0.8, facecolor="white", edgecolor="black"))
                self.out_texts[i, j] = ax.text(x + oc / 2, y + oc / 2, "", ha="center",
                                               va="center", fontsize=lay.out_fs)
        for i in range(out_h):
            ax.text(lay.x_out - 0.06, lay.grid_top + (i + 0.5) * oc, str(i), ha="right",
                    va="center", fontsize=9, color="0.4")
        for j in range(out_w):
            ax.text(lay.x_out + (j + 0.5) * oc, lay.grid_top - 0.04, str(j), ha="center",
                    va="bottom", fontsize=9, color="0.4")
        self.out_title = ax.text(lay.x_out - lay.index_w, lay.grid_top - 0.26, "", ha="left",
                                 va="bottom", fontsize=11, linespacing=1.25)
        self.out_mark = ax.add_artist(Rectangle(
            (0, 0), oc, oc, facecolor=_ORANGE, alpha=0.3, edgecolor=_ORANGE, lw=2.5, zorder=5))
        self.caption = ax.text(*lay.caption_xy, "", ha="left", va="top",
                               fontsize=lay.caption_size, family="monospace", linespacing=1.2)
        self.dynamic = [self.window, self.window_edge, *sum(self.overlay, []),
                        self.out_mark, self.caption]
        self._key = None

    def _in_xy(self, r, c):
        """Top-left corner of cell (r, c) of the 'full' zero-padded input, in inches."""
        lay = self.layout
        return (lay.x_in + (c - lay.c_lo) * lay.cell, lay.grid_top + (r - lay.r_lo) * lay.cell)

    def background_key(self, state):
        return (state["mode"], state["operation"])

    def _update_background(self, state):
        operation = state["operation"]
        # An even-sized kernel in 'same' mode: the two operations use different padding.
        (r_lo, r_hi), (c_lo, c_hi) = _visible_rows_cols(self.shape, self.kshape, self.mode,
                                                        operation)
        for (r, c), patch in self.in_cells.items():
            shown = r_lo <= r <= r_hi and c_lo <= c <= c_hi
            patch.set_visible(shown)
            self.in_texts[r, c].set_visible(shown)
        for text, value in zip(self.k_used, state["kernel_used"].ravel()):
            text.set_text(format_number(value))
        self.k_used_title.set_text(_K_USED_TITLES[operation != "convolution"])
        for (i, j), text in self.out_texts.items():
            text.set_text(format_number(state["output_map"][i, j]))
        self.out_title.set_text(_output_title(operation, self.mode, state["output_shape"]))

    def update(self, state):
        if state["mode"] != self.mode:
            raise ValueError(f"this drawing shows mode {self.mode!r}, not {state['mode']!r}; "
                             f"make a FlipDrawing for each mode")
        key = self.background_key(state)
        if key != self._key:
            self._update_background(state)
            self._key = key
        (kh, kw), cell = self.kshape, self.layout.cell
        x0, y0 = self._in_xy(state["window_origin"][0] + kh - 1,
                             state["window_origin"][1] + kw - 1)
        self.window.set_xy((x0, y0))
        self.window_edge.set_xy((x0, y0))
        for r in range(kh):
            for c in range(kw):
                text = self.overlay[r][c]
                text.set_position((x0 + (c + 0.96) * cell, y0 + (r + 0.88) * cell))
                text.set_text(_term_factor(state["kernel_used"][r, c]))
        i, j = state["position"]
        lay = self.layout
        self.out_mark.set_xy((lay.x_out + j * lay.out_cell, lay.grid_top + i * lay.out_cell))
        self.caption.set_text(products_text(state))


def flip_figure(image=None, kernel=None, operation="convolution", mode="valid", position=0):
    """The flip picture at one setting, as a static ``Figure`` (what the widget shows).

    Parameters are those of :func:`flip_state`; ``position`` is ``(row, col)``, i.e.
    ``(i, j)``, or a flat index.

    Returns
    -------
    matplotlib.figure.Figure
        An Agg figure, at most 9.5 in wide; display it, or ``savefig`` it.

    Examples
    --------
    >>> fig = flip_figure(mode="full", position=(0, 0))
    >>> fig.axes[0].texts[-1].get_text().splitlines()[0]
    'S(0, 0) = 0·3 + 0·0 + 0·(−1)'
    """
    state = flip_state(image, kernel, operation, mode, position)
    drawing = FlipDrawing(state)
    drawing.update(state)
    return drawing.figure


class FlipApp(App):
    """The flip widget; ``flip_demo`` builds it."""

    def __init__(self, image=None, kernel=None, operation="convolution", mode="valid", position=0):
        import ipywidgets

        state = flip_state(image, kernel, operation, mode, position)
        self._image, self._kernel = state["image"], state["kernel"]
        (out_h, out_w), (row, col) = state["output_shape"], state["position"]
        controls = {
            "operation": ipywidgets.ToggleButtons(options=list(OPERATIONS), value=operation,
                                                  description="operation"),
            "mode": ipywidgets.ToggleButtons(options=list(MODES), value=mode, description="mode",
                                             style={"button_width": "70px"}),
            "row": ipywidgets.IntSlider(value=row, min=0, max=out_h - 1, description="row i"),
            "col": ipywidgets.IntSlider(value=col, min=0, max=out_w - 1, description="col j"),
        }
        # One drawing per mode (each sized to its grids). Draw the six (operation, mode)
        # backgrounds now (~0.3 s) so that every later update is a blit, not a full redraw.
        self._drawings = {
            m: FlipDrawing(state if m == mode else self._state_for(operation, m, 0, 0))
            for m in MODES}
        ahead = [self._state_for(o, m, 0, 0) for o in OPERATIONS for m in MODES
                 if (o, m) != (operation, mode)]
        super().__init__(controls, self._state_for, self._drawings[mode], prerender=ahead)

    def _state_for(self, operation, mode, row, col):
        return flip_state(self._image, self._kernel, operation, mode, (row, col))

    def _drawing_for(self, state):
        return self._drawings[state["mode"]]

    def _settle(self, change):
        """After a mode change, keep the window where it was (clamped) and fix the ranges."""
        if change["owner"] is not self.controls["mode"]:
            return
        operation = self.controls["operation"].value
        old_h, old_w = _output_shape(self._image.shape, self._kernel.shape, change["old"])
        row = min(self.controls["row"].value, old_h - 1)
        col = min(self.controls["col"].value, old_w - 1)
        old_top, old_left = _first_origin(self._kernel.shape, change["old"], operation)
        mode = change["new"]
        out_h, out_w = _output_shape(self._image.shape, self._kernel.shape, mode)
        top, left = _first_origin(self._kernel.shape, mode, operation)
        for name, value, size in (("row", old_top + row - top, out_h),
                                  ("col", old_left + col - left, out_w)):
            slider = self.controls[name]
            slider.max = max(slider.max, size - 1)  # never below the value being set
            slider.value = min(max(value, 0), size - 1)
            slider.max = size - 1


def flip_demo(image=None, kernel=None, operation="convolution", mode="valid", position=0):
    """The flip widget (section 9.1, Eqs. 9.4-9.6): move the window, flip the kernel.

    Parameters are those of :func:`flip_state`; they set the starting controls.

    Returns
    -------
    App
        ``app.widget`` is what to display (the App also displays itself);
        ``app.controls`` holds ``"operation"``, ``"mode"``, ``"row"`` and ``"col"`` (the
        output cell S(i, j): i = row, j = col; their ranges follow the mode);
        ``app.state`` is :func:`flip_state` at the current controls, with
        ``app.state["position"] == (row, col)``.

    Examples
    --------
    >>> app = flip_demo()
    >>> app.controls["row"].value, app.controls["col"].value = 1, 2
    >>> app.state["position"], app.state["output"] == float(app.state["output_map"][1, 2])
    ((1, 2), True)
    """
    return FlipApp(image, kernel, operation, mode, position)
