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
from ._app import App, Drawing, format_number, new_figure

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
    position : int or (int, int)
        The output cell: a flat (row-major) index into the output, or ``(row, col)``.

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
    S[0, 0] = 1·1 + 2·0
            + 4·0 + 5·(−2)  = −9
    """
    window, used = state["window"], state["kernel_used"]
    row, col = state["position"]
    lead = f"S[{row}, {col}] = "
    lines = []
    for r in range(window.shape[0]):
        terms = " + ".join(_term(a, b) for a, b in zip(window[r], used[r]))
        lines.append((lead if r == 0 else " " * (len(lead) - 2) + "+ ") + terms)
    width = max(len(line) for line in lines)
    lines[-1] = lines[-1].ljust(width) + f"  = {format_number(state['output'])}"
    return "\n".join(lines)


class FlipDrawing(Drawing):
    """The flip picture: padded input with the window, the kernel, the output, the sum.

    Artists are made once for the largest ('full') layout; ``update`` shows, hides, moves
    and relabels them. The window, the kernel values over it, the output highlight and
    the caption change on every tick (``dynamic``); the rest is redrawn only when the
    mode or the operation changes.
    """

    def __init__(self, state):
        image, kernel = state["image"], state["kernel"]
        (h, w), (kh, kw) = image.shape, kernel.shape
        self.shape, self.kshape = (h, w), (kh, kw)
        hp, wp = h + 2 * (kh - 1), w + 2 * (kw - 1)  # padded input, 'full' layout
        ho, wo = h + kh - 1, w + kw - 1  # 'full' output
        k_rows = 2 * kh + 1.6
        rows = max(hp, ho, k_rows)
        columns = wp + kw + wo
        gap, side, top = 0.55, 0.2, 0.5  # inches
        cell = min(0.42, (9.6 - 2 * side - 2 * gap) / columns)
        caption = 0.24 * kh + 0.35  # one caption line per kernel row
        width = 2 * side + 2 * gap + columns * cell
        height = top + rows * cell + caption
        figure = new_figure(width, height)
        super().__init__(figure)

        def axes(x0, n_cols, n_rows):
            y0 = caption + (rows - n_rows) * cell / 2
            ax = figure.add_axes([x0 / width, y0 / height, n_cols * cell / width,
                                  n_rows * cell / height])
            # A little margin so the outer cell borders are not clipped.
            ax.set_xlim(-0.53, n_cols - 0.47)
            ax.set_ylim(n_rows - 0.47, -0.53)
            ax.set_axis_off()
            return ax

        self.ax_in = axes(side, wp, hp)
        self.ax_k = axes(side + gap + wp * cell, kw, k_rows)
        self.ax_out = axes(side + 2 * gap + (wp + kw) * cell, wo, ho)
        fs = 11 if cell >= 0.38 else 10 if cell >= 0.34 else 9  # 3-digit numbers must fit

        def cell_patch(ax, x, y, **kw_):
            return ax.add_patch(Rectangle((x - 0.5, y - 0.5), 1, 1, lw=0.8, **kw_))

        # Input: every cell of the 'full' padded grid, padding shown per mode.
        self.in_cells, self.in_texts = {}, {}
        for r in range(hp):
            for c in range(wp):
                inside = kh - 1 <= r < kh - 1 + h and kw - 1 <= c < kw - 1 + w
                value = image[r - kh + 1, c - kw + 1] if inside else 0.0
                self.in_cells[r, c] = cell_patch(
                    self.ax_in, c, r, facecolor="white" if inside else _PAD_FACE,
                    edgecolor="black" if inside else "#9a9a9a")
                self.in_texts[r, c] = self.ax_in.text(
                    c - 0.12, r - 0.1, format_number(value), ha="center", va="center",
                    fontsize=fs, color="black" if inside else _PAD_TEXT)
        # Titles sit just above the grid that is shown, which moves with the mode.
        self.in_title = self.ax_in.text((wp - 1) / 2, -0.6, "", ha="center", va="bottom",
                                        fontsize=11)
        # The window and the kernel values written over it (dynamic).
        self.window = self.ax_in.add_patch(Rectangle(
            (0, 0), kw, kh, facecolor=_ORANGE, alpha=0.22, edgecolor="none", zorder=5))
        self.window_edge = self.ax_in.add_patch(Rectangle(
            (0, 0), kw, kh, facecolor="none", edgecolor=_ORANGE, lw=2.5, zorder=6))
        self.overlay = [[self.ax_in.text(0, 0, "", ha="right", va="bottom", fontsize=9,
                                         color="#b3470a", fontweight="bold", zorder=7)
                         for _ in range(kw)] for _ in range(kh)]

        # Kernel panel: K above, the kernel actually used below.
        self.k_used = []
        used_y0 = kh + 1.6
        for r in range(kh):
            for c in range(kw):
                cell_patch(self.ax_k, c, r, facecolor="#e3ecf7", edgecolor="black")
                self.ax_k.text(c, r, format_number(kernel[r, c]), ha="center", va="center",
                               fontsize=fs, color=_BLUE)
                cell_patch(self.ax_k, c, used_y0 + r, facecolor="#fde3cf", edgecolor="black")
                self.k_used.append(self.ax_k.text(c, used_y0 + r, "", ha="center",
                                                  va="center", fontsize=fs, color="#b3470a"))
        self.ax_k.set_title("kernel K", fontsize=11, pad=6)
        self.k_used_title = self.ax_k.text((kw - 1) / 2, used_y0 - 0.62, "", ha="center",
                                           va="bottom", fontsize=10)

        # Output: cells for the 'full' output; each mode shows a centred sub-grid.
        self.out_cells, self.out_texts = {}, {}
        for r in range(ho):
            for c in range(wo):
                self.out_cells[r, c] = cell_patch(self.ax_out, c, r, facecolor="white",
                                                  edgecolor="black")
                self.out_texts[r, c] = self.ax_out.text(c, r, "", ha="center", va="center",
                                                        fontsize=fs)
        self.out_title = self.ax_out.text((wo - 1) / 2, -0.6, "", ha="center", va="bottom",
                                          fontsize=11, linespacing=1.3)
        self.out_mark = self.ax_out.add_patch(Rectangle(
            (0, 0), 1, 1, facecolor=_ORANGE, alpha=0.3, edgecolor=_ORANGE, lw=2.5, zorder=5))
        self.caption = figure.text(side / width, (caption - 0.18) / height, "", ha="left",
                                   va="top", fontsize=11, family="monospace")
        self.dynamic = [self.window, self.window_edge, *sum(self.overlay, []),
                        self.out_mark, self.caption]
        self._key = None

    def background_key(self, state):
        return (state["mode"], state["operation"])

    def _update_background(self, state):
        (h, w), (kh, kw) = self.shape, self.kshape
        mode, operation = state["mode"], state["operation"]
        out_h, out_w = state["output_shape"]
        top, left = _first_origin(self.kshape, mode, operation)
        # Padding cells that some window of this mode touches; others are hidden.
        r_lo, r_hi = top + kh - 1, top + out_h - 1 + 2 * (kh - 1)
        c_lo, c_hi = left + kw - 1, left + out_w - 1 + 2 * (kw - 1)
        for (r, c), patch in self.in_cells.items():
            shown = r_lo <= r <= r_hi and c_lo <= c <= c_hi
            patch.set_visible(shown)
            self.in_texts[r, c].set_visible(shown)
        padded = "" if mode == "valid" else ", zero padding grey"
        self.in_title.set_text(f"input I ({h}\u00d7{w}){padded}")
        self.in_title.set_y(r_lo - 0.6)
        flip = operation == "convolution"
        for text, value in zip(self.k_used, state["kernel_used"].ravel()):
            text.set_text(format_number(value))
        self.k_used_title.set_text("K flipped 180\u00b0 (used)" if flip else "K as is (used)")
        ho, wo = h + kh - 1, w + kw - 1
        dr, dc = (ho - out_h) / 2, (wo - out_w) / 2
        self._out_offset = (dr, dc)
        output = state["output_map"]
        for (r, c), patch in self.out_cells.items():
            patch.set_visible(False)
            self.out_texts[r, c].set_visible(False)
        # Centring the grid may need half-cell shifts ('same' with an even kernel).
        for i in range(out_h):
            for j in range(out_w):
                r, c = i + dr, j + dc
                key = (int(np.floor(r)), int(np.floor(c)))
                patch, text = self.out_cells[key], self.out_texts[key]
                patch.set_xy((c - 0.5, r - 0.5))
                patch.set_visible(True)
                text.set_position((c, r))
                text.set_text(format_number(output[i, j]))
                text.set_visible(True)
        symbol = "I \u2217 K" if flip else "I \u22c6 K"
        name = "convolution" if flip else "cross-correlation"
        self.out_title.set_text(f"{name} S = {symbol}\n'{mode}' mode ({out_h}\u00d7{out_w})")
        self.out_title.set_y(dr - 0.6)

    def update(self, state):
        key = self.background_key(state)
        if key != self._key:
            self._update_background(state)
            self._key = key
        (kh, kw) = self.kshape
        r0, c0 = state["window_origin"][0] + kh - 1, state["window_origin"][1] + kw - 1
        self.window.set_xy((c0 - 0.5, r0 - 0.5))
        self.window_edge.set_xy((c0 - 0.5, r0 - 0.5))
        for r in range(kh):
            for c in range(kw):
                text = self.overlay[r][c]
                text.set_position((c0 + c + 0.45, r0 + r + 0.45))
                text.set_text("\u00d7" + format_number(state["kernel_used"][r, c]))
        i, j = state["position"]
        dr, dc = self._out_offset
        self.out_mark.set_xy((j + dc - 0.5, i + dr - 0.5))
        self.caption.set_text(products_text(state))


def flip_figure(image=None, kernel=None, operation="convolution", mode="valid", position=0):
    """The flip picture at one setting, as a static ``Figure`` (what the widget shows).

    Parameters are those of :func:`flip_state`.

    Returns
    -------
    matplotlib.figure.Figure
        An Agg figure, about 9.5 in wide; display it, or ``savefig`` it.

    Examples
    --------
    >>> fig = flip_figure(mode="full", position=(0, 0))
    >>> fig.texts[0].get_text().splitlines()[0]
    'S[0, 0] = 0·3 + 0·0 + 0·(−1)'
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
        out_h, out_w = state["output_shape"]
        controls = {
            "operation": ipywidgets.ToggleButtons(options=list(OPERATIONS), value=operation,
                                                  description="operation"),
            "mode": ipywidgets.ToggleButtons(options=list(MODES), value=mode, description="mode",
                                             style={"button_width": "70px"}),
            "position": ipywidgets.IntSlider(value=state["index"], min=0, max=out_h * out_w - 1,
                                             description="position"),
        }
        # Draw the six (operation, mode) backgrounds now (~0.3 s) so that every later
        # update is a blit (~20 ms) rather than a full redraw (~60 ms).
        ahead = [self._state_for(o, m, 0) for o in OPERATIONS for m in MODES
                 if (o, m) != (operation, mode)]
        super().__init__(controls, self._state_for, FlipDrawing(state), prerender=ahead)

    def _state_for(self, operation, mode, position):
        return flip_state(self._image, self._kernel, operation, mode, position)

    def _settle(self, change):
        """After a mode change, keep the window where it was (clamped) and fix the range."""
        if change["owner"] is not self.controls["mode"]:
            return
        operation = self.controls["operation"].value
        old_h, old_w = _output_shape(self._image.shape, self._kernel.shape, change["old"])
        row, col = divmod(min(self.controls["position"].value, old_h * old_w - 1), old_w)
        old_top, old_left = _first_origin(self._kernel.shape, change["old"], operation)
        mode = change["new"]
        out_h, out_w = _output_shape(self._image.shape, self._kernel.shape, mode)
        top, left = _first_origin(self._kernel.shape, mode, operation)
        row = min(max(old_top + row - top, 0), out_h - 1)
        col = min(max(old_left + col - left, 0), out_w - 1)
        slider = self.controls["position"]
        slider.max = max(slider.max, out_h * out_w - 1)
        slider.value = row * out_w + col
        slider.max = out_h * out_w - 1


def flip_demo(image=None, kernel=None, operation="convolution", mode="valid", position=0):
    """The flip widget (section 9.1, Eqs. 9.4-9.6): move the window, flip the kernel.

    Parameters are those of :func:`flip_state`; they set the starting controls.

    Returns
    -------
    App
        ``app.widget`` is what to display (the App also displays itself);
        ``app.controls`` holds ``"operation"``, ``"mode"`` and ``"position"`` (a flat
        index into the output; its range follows the mode); ``app.state`` is
        :func:`flip_state` at the current controls.

    Examples
    --------
    >>> app = flip_demo()
    >>> app.controls["position"].value = 5
    >>> app.state["position"], app.state["output"] == float(app.state["output_map"][1, 2])
    ((1, 2), True)
    """
    return FlipApp(image, kernel, operation, mode, position)
