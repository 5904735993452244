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

from .. import signal as _signal
from .._geometry import MODES, check_window_fits, mode_output_length, mode_padding
from .._validate import _describe, as_float_array, check_choice
from ._app import DPI, App, Drawing, format_number, inch_axes, new_figure
from .grid import NumberGrid, fit_fontsize, text_width

__all__ = ["flip_figure", "flip_demo", "flip_state", "products_text", "FlipDrawing",
           "DEFAULT_IMAGE", "DEFAULT_KERNEL"]

#: The default input: a small integer image, 4 rows by 5 columns.
DEFAULT_IMAGE = np.array([[1, 2, 0, 3, 1], [0, 1, 2, 1, 4], [3, 1, 0, 2, 2], [2, 0, 1, 3, 0]])
#: The default kernel: no symmetry at all, so its 180-degree flip is plain to see.
DEFAULT_KERNEL = np.array([[1, 2, 0], [0, 1, 0], [-1, 0, 3]])
OPERATIONS = ("convolution", "cross-correlation")

# Fixed sizes, inches. A picture is as large as its grids; the limit on the input and
# kernel is that 'full' mode fits MAX_WIDTH x MAX_HEIGHT (checked by FlipDrawing).
CELL, OUT_CELL = 0.47, 0.36  # input and kernel cells; output cells (wider for long numbers)
SIDE, GAP, INDEX_W, K_GAP, TOP = 0.12, 0.32, 0.24, 0.42, 0.72  # TOP: two title lines
K_MIN, IN_MIN, OUT_TITLE_W = 1.55, 1.45, 3.0  # column widths that hold the titles
OUT_TITLE_X = INDEX_W + 0.3  # the output's title starts left of it, over the gap
MAX_WIDTH, MAX_HEIGHT = 9.5, 7.0
CAPTION_PT, MONO_EM = 11, 0.602 * 1.04  # the caption is monospace: width = characters
_K_USED_TITLES = {"convolution": "K flipped 180\u00b0 (used)",
                  "cross-correlation": "K as is (used)"}
_BLUE, _ORANGE_TEXT = "#1f5fa8", "#b3470a"


def _first_corner(kernel_shape, mode, operation):
    """Input coordinates of the window's top-left corner for output (0, 0); < 0: padding."""
    return tuple(-mode_padding(k, mode, flipped=operation == "convolution")[0]
                 for k in kernel_shape)


def _used_span(n, k, mode):
    """First and last cell of the 'full'-padded input (k - 1 zeros each side) that ``mode``
    uses, for either operation (they differ for even kernels in 'same')."""
    pads = [mode_padding(k, mode, flipped=f) for f in (True, False)]
    return k - 1 - max(p[0] for p in pads), k - 2 + n + max(p[1] for p in pads)


def _cells(image, kernel):
    """Cell sides (input and kernel, output), inches: CELL and OUT_CELL, or as wide as the
    longest number needs at 11 pt (9 pt bold for the kernel value beside it)."""
    outputs = np.concatenate([f(image, kernel, "full").ravel()
                              for f in (_signal.convolve2d, _signal.correlate2d)])
    numbers = [format_number(v) for v in (*image.ravel(), *kernel.ravel())]
    factors = ["\u00d7" + format_number(v) for v in kernel.ravel()]
    cell = max(CELL, text_width(numbers, 11) / 0.9, text_width(factors, 9, "bold") / 0.95)
    out_cell = max(OUT_CELL, text_width([format_number(v) for v in outputs], 11) + 0.03)
    return float(np.ceil(cell * 100) / 100), float(np.ceil(out_cell * 100) / 100)


def _columns(image_shape, kernel_shape, mode, cell, out_cell):
    """x of the input, kernel and output grids, and their output shape, inches."""
    (h, w), (kh, kw) = image_shape, kernel_shape
    c_lo, c_hi = _used_span(w, kw, mode)
    in_w = max((c_hi - c_lo + 1) * cell, IN_MIN)
    x_k = SIDE + in_w + GAP
    x_out = x_k + max(kw * cell, K_MIN) + GAP + INDEX_W
    out_shape = (mode_output_length(h, kh, mode), mode_output_length(w, kw, mode))
    right = x_out + max(out_shape[1] * out_cell, OUT_TITLE_W - OUT_TITLE_X)
    return dict(in_mid=SIDE + in_w / 2, x_k=x_k, x_out=x_out, right=right, out_shape=out_shape)


def _check_size(image, kernel, cell, out_cell):
    """Raise unless 'full' mode (the largest) fits MAX_WIDTH x MAX_HEIGHT."""
    h, kh = image.shape[0], kernel.shape[0]
    width = _columns(image.shape, kernel.shape, "full", cell, out_cell)["right"] + SIDE
    height = TOP + max(h + 2 * kh - 2, 2 * kh + 1) * cell
    if width > MAX_WIDTH or height > MAX_HEIGHT:
        raise ValueError(
            f"`image` {image.shape} with `kernel` {kernel.shape} is too large to draw readably "
            f"with {cell:.2f}-inch cells: 'full' mode needs {width:.1f} x {height:.1f} in, at "
            f"most {MAX_WIDTH} x {MAX_HEIGHT}; use a smaller image, e.g. 4x5 with a 3x3 kernel"
            + ("" if cell == CELL else ", or shorter numbers"))


def _check_inputs(image, kernel):
    image = as_float_array(image, "image", ndim=2)
    kernel = as_float_array(kernel, "kernel", ndim=2)
    for axis, name in enumerate(("height", "width")):
        check_window_fits(image.shape[axis], kernel.shape[axis], window="kernel", input="image",
                          axis=name, fix="the flip demo shows every mode including 'valid', "
                                         "so pass a kernel no larger than the image")
    if not (np.all(np.isfinite(image)) and np.all(np.isfinite(kernel))):
        raise ValueError("`image` and `kernel` must be finite to be written out; "
                         "replace NaN and inf values")
    return image, kernel


def _as_position(position, shape):
    """Flat index or (row, col) -> (row, col), checked against the output shape."""
    (h, w), text = shape, _describe(position)
    if isinstance(position, (tuple, list, np.ndarray)):
        if len(position) != 2:
            raise ValueError(f"`position` must be an int or a pair (row, col), got {text}")
        row, col = (int(p) for p in position)
    elif isinstance(position, (int, np.integer)) and not isinstance(position, (bool, np.bool_)):
        row, col = divmod(int(position), w) if 0 <= position < h * w else (-1, -1)
    else:
        raise TypeError(f"`position` must be an int (a flat index) or a pair (row, col), got {text}")
    if not (0 <= row < h and 0 <= col < w):
        raise ValueError(f"`position` {text} is outside the output of shape {shape}; use (row, col) "
                         f"with rows 0 to {h - 1} and columns 0 to {w - 1}, or a flat index from "
                         f"0 to {h * w - 1}")
    return row, col


def flip_state(image=None, kernel=None, operation="convolution", mode="valid", position=0):
    """Every number the flip widget shows, for one output position.

    Parameters
    ----------
    image : array_like of shape (H, W), optional
        The input ``I``; default :data:`DEFAULT_IMAGE` (4x5).
    kernel : array_like of shape (kH, kW), optional
        The kernel ``K``, no larger than ``image``; default :data:`DEFAULT_KERNEL` (3x3).
        To be drawn (:func:`flip_figure`, :func:`flip_demo`), 'full' mode must fit
        9.5 x 7 in with 0.47-inch cells: a 3x3 kernel on an image up to 5 columns wide,
        2x2 up to 6, 1x1 up to 8 (fewer if numbers wider than two digits and a sign
        widen the cells).
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
    image, kernel = _check_inputs(DEFAULT_IMAGE if image is None else image,
                                  DEFAULT_KERNEL if kernel is None else kernel)
    check_choice(operation, "operation", OPERATIONS)
    check_choice(mode, "mode", MODES)
    (h, w), (kh, kw) = image.shape, kernel.shape
    shape = (mode_output_length(h, kh, mode), mode_output_length(w, kw, mode))
    row, col = _as_position(position, shape)
    convolve = operation == "convolution"
    kernel_used = np.ascontiguousarray(kernel[::-1, ::-1]) if convolve else kernel.copy()
    output_map = (_signal.convolve2d if convolve else _signal.correlate2d)(image, kernel, mode)
    top, left = _first_corner(kernel.shape, mode, operation)
    origin = (top + row, left + col)
    padded = np.pad(image, ((kh - 1, kh - 1), (kw - 1, kw - 1)))
    r0, c0 = origin[0] + kh - 1, origin[1] + kw - 1
    window = padded[r0:r0 + kh, c0:c0 + kw].copy()
    products = window * kernel_used
    return {"operation": operation, "mode": mode, "position": (row, col),
            "index": row * shape[1] + col, "image": image, "kernel": kernel,
            "kernel_used": kernel_used, "window_origin": origin, "window": window,
            "products": products, "output": float(products.sum()),
            "output_map": np.asarray(output_map), "output_shape": shape}


def _term(a, b):
    text_b = format_number(b)
    return f"{format_number(a)}\u00b7{f'({text_b})' if b < 0 else text_b}"


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
    lead = "S({}, {}) = ".format(*state["position"])
    lines = [(lead if r == 0 else " " * (len(lead) - 2) + "+ ")
             + " + ".join(_term(a, b) for a, b in zip(window[r], used[r]))
             for r in range(window.shape[0])]
    width = max(len(line) for line in lines)
    lines[-1] = lines[-1].ljust(width) + f"  = {format_number(state['output'])}"
    return "\n".join(lines)


class FlipDrawing(Drawing):
    """The flip picture of one mode: input with the window, the kernel, the output, the sum.

    Each mode has its own figure, as large as its grids at fixed cell sizes (wider only
    for numbers that need it, see ``_cells``): the part of
    the zero-padded input the mode uses, the kernel K above the kernel used, and the
    output. The products are written under the kernel and the output (under everything
    when they are too wide). The window, the kernel values over it, the output mark and
    the caption are dynamic; the background changes with the operation.
    """

    def __init__(self, state):
        image, kernel, self.mode = state["image"], state["kernel"], state["mode"]
        (h, w), (kh, kw) = image.shape, kernel.shape
        self.kshape = (kh, kw)
        cell, out_cell = _cells(image, kernel)
        _check_size(image, kernel, cell, out_cell)
        col = _columns(image.shape, kernel.shape, self.mode, cell, out_cell)
        (self.r_lo, r_hi), (self.c_lo, c_hi) = _used_span(h, kh, self.mode), _used_span(w, kw, self.mode)
        out_h, out_w = col["out_shape"]
        k_bottom = TOP + 2 * kh * cell + K_GAP
        longest = max(len(line) for o in OPERATIONS for i in range(out_h * out_w)
                      for line in products_text(flip_state(image, kernel, o, self.mode, i)).splitlines())
        caption_w, line_h = longest * MONO_EM * CAPTION_PT / 72, CAPTION_PT * 1.2 / 72
        bottoms = [TOP + (r_hi - self.r_lo + 1) * cell, k_bottom, TOP + out_h * out_cell]
        if col["x_k"] + caption_w + SIDE <= MAX_WIDTH:  # under the kernel and the output
            caption_xy = (col["x_k"], max(bottoms[1:]) + 0.16)
        else:
            caption_xy = (SIDE, max(bottoms) + 0.16)
        # Whole pixels, so that the PNG is exactly width x height inches at DPI.
        width = np.ceil((max(col["right"], caption_xy[0] + caption_w) + SIDE) * DPI) / DPI
        height = np.ceil((max(*bottoms, caption_xy[1] + kh * line_h) + 0.1) * DPI) / DPI
        super().__init__(new_figure(width, height))
        ax = self.ax = inch_axes(self.figure)

        # Input: the cells of the 'full'-padded input that this mode uses, padding grey.
        padded = np.pad(image, ((kh - 1, kh - 1), (kw - 1, kw - 1)))
        inside = np.pad(np.ones((h, w), bool), ((kh - 1, kh - 1), (kw - 1, kw - 1)))
        part = np.s_[self.r_lo:r_hi + 1, self.c_lo:c_hi + 1]
        in_x = col["in_mid"] - (c_hi - self.c_lo + 1) * cell / 2
        self.input = NumberGrid(
            ax, padded[part], (in_x, TOP), cell, number_at=(0.5, 0.31),
            facecolor=np.where(inside[part], "white", "#d9d9d9"),
            edgecolor=np.where(inside[part], "black", "#9a9a9a"),
            color=np.where(inside[part], "black", "#6e6e6e"))
        padding = "" if self.mode == "valid" or (kh, kw) == (1, 1) else "\nzero padding grey"
        self.in_title = self.input.add_title(f"input I ({h}\u00d7{w}){padding}")
        factors = ["\u00d7" + format_number(v) for v in kernel.ravel()]
        self.window = self.input.add_window((kh, kw), overlay=True,
                                            overlay_fontsize=fit_fontsize(factors, 0.95 * cell))

        # Kernel: K above, the kernel used below.
        k_x = col["x_k"] + (max(kw * cell, K_MIN) - kw * cell) / 2
        NumberGrid(ax, kernel, (k_x, TOP), cell, facecolor="#e3ecf7", color=_BLUE).add_title("kernel K")
        self.k_used = NumberGrid(ax, None, (k_x, TOP + kh * cell + K_GAP), cell, shape=(kh, kw),
                                 facecolor="#fde3cf", color=_ORANGE_TEXT)
        self.k_used_title = self.k_used.add_title("", fontsize=10)

        # Output, with its indices i (rows) and j (columns), and the mark on S(i, j).
        x_out = col["x_out"]
        self.output = NumberGrid(ax, None, (x_out, TOP), out_cell, shape=(out_h, out_w))
        self.output.add_indices()
        self.out_title = ax.text(x_out - OUT_TITLE_X, TOP - 0.26, "", ha="left", va="bottom",
                                 fontsize=11, linespacing=1.25)
        self.out_mark = self.output.add_window((1, 1), alpha=0.3)
        self.caption = ax.text(*caption_xy, "", ha="left", va="top", fontsize=CAPTION_PT,
                               family="monospace", linespacing=1.2)
        self.add_dynamic(*self.window.artists, *self.out_mark.artists, self.caption)

    def background_key(self, state):
        if state["mode"] != self.mode:
            raise ValueError(f"this drawing shows mode {self.mode!r}, not {state['mode']!r}; "
                             f"make a FlipDrawing for each mode")
        return state["operation"]

    def draw_background(self, state):
        operation = state["operation"]
        kh, kw = self.kshape
        # An even-sized kernel in 'same' mode: the two operations pad differently.
        rows, cols = np.indices(self.input.shape)
        (top, left), (out_h, out_w) = _first_corner(self.kshape, self.mode, operation), state["output_shape"]
        rows, cols = rows + self.r_lo - (kh - 1) - top, cols + self.c_lo - (kw - 1) - left
        self.input.set_shown((rows >= 0) & (rows < out_h + kh - 1)
                             & (cols >= 0) & (cols < out_w + kw - 1))
        self.k_used.set_values(state["kernel_used"])
        self.k_used_title.set_text(_K_USED_TITLES[operation])
        self.output.set_values(state["output_map"])
        name = ("S = I \u2217 K  (convolution)" if operation == "convolution"
                else "S = cross-correlation of I and K")
        self.out_title.set_text(f"{name}\n'{self.mode}' mode, {out_h}\u00d7{out_w}: "
                                f"rows i, columns j")

    def draw_dynamic(self, state):
        (kh, kw), (r0, c0) = self.kshape, state["window_origin"]
        self.window.move_to(r0 + kh - 1 - self.r_lo, c0 + kw - 1 - self.c_lo,
                            overlay=state["kernel_used"])
        self.out_mark.move_to(*state["position"])
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
    return FlipDrawing(state).figure_at(state)


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
            "col": ipywidgets.IntSlider(value=col, min=0, max=out_w - 1, description="col j")}
        # One drawing per mode (each sized to its grids). Draw the six (operation, mode)
        # backgrounds now so that every later update is a blit, not a full redraw.
        self._drawings = {m: FlipDrawing(state if m == mode else self._state_for(operation, m, 0, 0))
                          for m in MODES}
        ahead = [self._state_for(o, m, 0, 0) for o in OPERATIONS for m in MODES
                 if (o, m) != (operation, mode)]
        super().__init__(controls, self._state_for, self._drawings[mode], prerender=ahead,
                         rows=[["operation", "mode"], ["row", "col"]])

    def _state_for(self, operation, mode, row, col):
        return flip_state(self._image, self._kernel, operation, mode, (row, col))

    def _drawing_for(self, state):
        return self._drawings[state["mode"]]

    def _settle(self, change):
        """After a mode change, keep the window where it was (clamped), in new ranges."""
        if change["owner"] is not self.controls["mode"]:
            return
        operation = self.controls["operation"].value
        old, new = (_first_corner(self._kernel.shape, m, operation)
                    for m in (change["old"], change["new"]))
        for axis, name in enumerate(("row", "col")):
            size = mode_output_length(self._image.shape[axis], self._kernel.shape[axis],
                                      change["new"])
            value = old[axis] + self.controls[name].value - new[axis]
            self.set_range(name, 0, size - 1, min(max(value, 0), size - 1))


def flip_demo(image=None, kernel=None, operation="convolution", mode="valid", position=0):
    """The flip widget (section 9.1, Eqs. 9.4-9.6): move the window, flip the kernel.

    Parameters are those of :func:`flip_state`; they set the starting controls.

    Returns
    -------
    App
        ``app.widget`` is what to display (the App also displays itself);
        ``app.controls`` holds ``"operation"``, ``"mode"``, ``"row"`` and ``"col"`` (the
        output cell S(i, j): i = row, j = col). A mode change that changes the output's
        shape replaces the row and col sliders by new ones with the new range: look them
        up in ``app.controls`` after it. ``app.state`` is :func:`flip_state` at the
        current controls, with ``app.state["position"] == (row, col)``.

    Examples
    --------
    >>> app = flip_demo()
    >>> app.controls["row"].value, app.controls["col"].value = 1, 2
    >>> app.state["position"], app.state["output"] == float(app.state["output_map"][1, 2])
    ((1, 2), True)
    """
    return FlipApp(image, kernel, operation, mode, position)
