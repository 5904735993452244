"""The equivariance widget: does correlating commute with shifting, rotating, scaling?

Book section 9.2 ("equivariant representations"). A function f is equivariant to a
transform g when f(g(I)) = g(f(I)). Here f is the cross-correlation of Eq. 9.6 with a
kernel K (:func:`convbook.correlate2d`, in any of its modes and with a 'fill' or 'wrap'
border), and g is one of

- ``"shift"``: move the picture ``amount`` pixels (right and down for positive values),
  g(I)(y, x) = I(y - dy, x - dx), the book's I'(x, y) = I(x - 1, y) for a shift of 1.
  With ``boundary="fill"`` zeros enter where pixels leave; with ``boundary="wrap"`` the
  pixels that leave come back on the other side (``np.roll``);
- ``"rotate"``: turn the picture ``amount`` degrees anticlockwise about its centre:
  ``np.rot90`` for multiples of 90 degrees (exact), otherwise
  ``scipy.ndimage.rotate(order=1, reshape=False)`` (bilinear, zeros outside);
- ``"scale"``: magnify the picture ``amount`` times about its centre, bilinear, with
  zeros outside, keeping its shape. This is ``scipy.ndimage.zoom(order=1)`` cropped or
  padded back to the shape, except that zoom maps corner to corner, so its factor
  ``(n_out - 1)/(n_in - 1)`` would depend on the size of the array (a 'valid' map and the
  image would be scaled by different factors); ``scipy.ndimage.affine_transform`` with
  the exact factor does the same job with one factor for both.

The same g acts on the input I and on the output map f(I): an output cell sits at the
centre of its window, so every mode's map is centred on the image (for even kernels in
'same' mode it sits half a pixel off, and the picture shows it there).

What "exact" means. The *interior* is the set of output cells where both sides are
computed from real pixels only: in f(g(I)) the window lies inside the image and reads no
pixel that g brought in from outside (a zero that entered, a pixel that wrapped round, a
corner outside a rotated picture), and g(f(I)) there reads only cells of f(I) whose own
windows lie inside the image. Everywhere else is the *border band*. For shifts the two
sides are then the same products summed in the same order, so they are equal to the last
bit (``max_error_interior == 0.0``), for any image; with ``boundary="wrap"`` and
``mode="same"`` the correlation is circular and they are equal everywhere. For 90-degree
turns with a kernel that 90-degree turns leave unchanged (:data:`LAPLACIAN`) the sums
hold the same products in another order: exact for integer images such as the default
(grey levels 0-255), within rounding for others.
"""

import numpy as np

from .. import signal as _signal
from .._geometry import MODES, check_window_fits
from .._validate import _describe, as_float_array, as_int, as_int_tuple, check_choice
from ._app import App, Drawing, new_figure

__all__ = ["equivariance_state", "equivariance_figure", "equivariance_demo", "default_image",
           "EquivarianceDrawing", "TRANSFORMS", "BOUNDARIES", "DEFAULT_KERNEL", "LAPLACIAN",
           "IDENTITY", "KERNELS", "SHIFTS", "ANGLES", "SCALES", "DIFFERENCE_CMAP"]

TRANSFORMS = ("shift", "rotate", "scale")
#: Border rules of both f and (for shifts) g: 'fill' lets zeros in, 'wrap' is periodic.
BOUNDARIES = ("fill", "wrap")
#: The default kernel: a Sobel vertical-edge detector (it answers a dark-to-bright step
#: from left to right). A 90-degree turn makes it a horizontal-edge detector, a 180-degree
#: turn negates it: f is not rotation-equivariant with it.
DEFAULT_KERNEL = np.array([[-1.0, 0.0, 1.0], [-2.0, 0.0, 2.0], [-1.0, 0.0, 1.0]])
#: A kernel that 90-degree turns leave unchanged: with it, f commutes with np.rot90.
LAPLACIAN = np.array([[0.0, 1.0, 0.0], [1.0, -4.0, 1.0], [0.0, 1.0, 0.0]])
#: The 1x1 identity: f(I) = I, equivariant to every g away from the border.
IDENTITY = np.array([[1.0]])
#: The kernels of the widget's ``kernel`` buttons, by name, and how the picture names them.
KERNELS = {"Sobel": DEFAULT_KERNEL, "Laplacian": LAPLACIAN, "1\u00d71 identity": IDENTITY}
_KERNEL_WORDS = {"Sobel": "Sobel, vertical edges", "Laplacian": "Laplacian, same after "
                 "a quarter turn", "1\u00d71 identity": "1\u00d71 identity, f(I) = I",
                 "custom": "custom"}
#: The difference's colours: Okabe-Ito blue (negative), white (0), orange (positive), as
#: in the book's other signed maps.
DIFFERENCE_CMAP = "okabe_ito_blue_orange"
#: The widget's slider values for each transform: pixels, degrees, factors.
SHIFTS = tuple(range(-8, 9))
ANGLES = tuple(range(0, 361, 15))
SCALES = (0.5, 0.6, 0.75, 0.8, 0.9, 1.0, 1.1, 1.25, 1.5, 2.0)
_DEMO_START = {"shift": 3, "rotate": 30, "scale": 1.5}  # a transform's first value in the demo


def default_image():
    """The default input: Grace Hopper's face, 48 x 48 grey levels 0-255 (integers as floats).

    A crop of :func:`convbook.data.photo` at 98 x 112. Integer values make every sum with an
    integer kernel exact in float64, whatever the order of its terms.

    >>> image = default_image()
    >>> image.shape, bool(np.all(image == np.round(image))), float(image.min()) >= 0
    ((48, 48), True, True)
    """
    from ..data import photo

    return np.round(photo((98, 112))[8:56, 33:81] * 255.0)


# --------------------------------------------------------------------------- transforms
def _shift(array, dy, dx, fill):
    """``array`` moved (dy, dx) cells, with ``fill`` entering (not wrapping)."""
    out = np.full_like(array, fill)
    h, w = array.shape
    if abs(dy) < h and abs(dx) < w:
        out[max(dy, 0):h + min(dy, 0), max(dx, 0):w + min(dx, 0)] = \
            array[max(-dy, 0):h - max(dy, 0), max(-dx, 0):w - max(dx, 0)]
    return out


def _rotate(array, angle, cval):
    """``array`` turned ``angle`` degrees anticlockwise about its centre (the shape kept
    unless a quarter turn of a non-square array)."""
    from scipy import ndimage

    if angle % 90 == 0:
        return np.rot90(array, int(angle // 90) % 4).copy()
    return ndimage.rotate(array, angle, reshape=False, order=1, mode="constant", cval=cval)


def _scale(array, factor, cval):
    """``array`` magnified ``factor`` times about its centre, shape kept: out(p) =
    array(c + (p - c) / factor), bilinear, ``cval`` outside."""
    from scipy import ndimage

    if factor == 1:
        return array.copy()
    centre = (np.array(array.shape) - 1) / 2
    return ndimage.affine_transform(array, np.full(2, 1 / factor), offset=centre - centre / factor,
                                    order=1, mode="constant", cval=cval)


def _transform(array, transform, amount, boundary):
    """g applied to an image or an output map."""
    if transform == "shift":
        if boundary == "wrap":
            return np.roll(array, amount, axis=(0, 1))
        return _shift(array, *amount, 0.0)
    return (_rotate if transform == "rotate" else _scale)(array, amount, 0.0)


def _taint(dirty, transform, amount):
    """Where g's output depends on a dirty cell of its input, or on anything from outside
    the array (a pixel that entered, wrapped round, or lies beyond a rotated corner)."""
    if transform == "shift":
        moved = _shift(dirty, *amount, 1.0)  # wrapped pixels count as entering
    else:
        moved = (_rotate if transform == "rotate" else _scale)(dirty, amount, 1.0)
    return moved != 0  # any weight on a dirty cell, however small, taints


def _inside_windows(clean, kernel_shape, mode):
    """Output cells of ``mode`` whose window covers only True cells of ``clean``."""
    counts = _signal.correlate2d(clean.astype(float), np.ones(kernel_shape), mode)
    return counts == kernel_shape[0] * kernel_shape[1]  # sums of ones: exact


def _interior(transform, amount, image_shape, kernel_shape, mode):
    """The interior (see the module docstring), and the cells of f(I) whose window lies
    inside the image. Whether the interior is empty depends on neither mode nor boundary."""
    clean_f = _inside_windows(np.ones(image_shape, bool), kernel_shape, mode)
    clean_g = ~_taint(np.zeros(image_shape), transform, amount)
    interior = (_inside_windows(clean_g, kernel_shape, mode)
                & ~_taint((~clean_f).astype(float), transform, amount))
    return interior, clean_f


# --------------------------------------------------------------------------- state
def _is_real(value):
    return (isinstance(value, (int, float, np.integer, np.floating))
            and not isinstance(value, (bool, np.bool_)))


def _check_amount(transform, amount, shape):
    if transform == "shift":
        pair = as_int_tuple(amount, "amount")
        if pair is None:
            pair = (0, as_int(amount, "amount"))
        elif len(pair) != 2:
            raise ValueError(f"`amount` for a shift must be an int (pixels to the right) or a "
                             f"pair (dy, dx), got {_describe(amount)}")
        if abs(pair[0]) >= shape[0] or abs(pair[1]) >= shape[1]:
            raise ValueError(f"`amount` {_describe(amount)} shifts the {shape[0]}x{shape[1]} "
                             f"image out of its frame; shift by less than its size")
        return pair, (pair[1] if isinstance(amount, (int, np.integer)) else pair)
    unit = "an angle in degrees" if transform == "rotate" else "a scale factor"
    if not _is_real(amount):
        raise TypeError(f"`amount` for {transform!r} must be a number ({unit}), got "
                        f"{_describe(amount)}; e.g. amount={_DEMO_START[transform]}")
    if not np.isfinite(amount):
        raise ValueError(f"`amount` for {transform!r} must be finite ({unit}), got {amount}")
    if transform == "scale" and amount <= 0:
        raise ValueError(f"`amount` for 'scale' must be a factor > 0, got {amount}; "
                         f"e.g. 0.5 halves the picture, 2 doubles it")
    return float(amount), float(amount)


def _kernel(kernel):
    """(name, array) of ``kernel``: None (Sobel), a name of :data:`KERNELS`, or an array
    (named if it equals one of them, else 'custom')."""
    if kernel is None:
        kernel = "Sobel"
    if isinstance(kernel, str):
        check_choice(kernel, "kernel", tuple(KERNELS))
        return kernel, KERNELS[kernel].copy()
    kernel = as_float_array(kernel, "kernel", ndim=2, dtype=np.float64)
    name = next((n for n, k in KERNELS.items()
                 if k.shape == kernel.shape and np.array_equal(k, kernel)), "custom")
    return name, kernel


def _check_inputs(transform, mode, boundary, image, kernel):
    check_choice(transform, "transform", TRANSFORMS)
    check_choice(mode, "mode", MODES)
    check_choice(boundary, "boundary", BOUNDARIES)
    image = as_float_array(default_image() if image is None else image, "image", ndim=2,
                           dtype=np.float64)
    _, kernel = _kernel(kernel)
    for name, array in (("image", image), ("kernel", kernel)):
        if not np.all(np.isfinite(array)):
            raise ValueError(f"`{name}` must be finite; replace its NaN and inf values")
    for axis, name in enumerate(("height", "width")):
        check_window_fits(image.shape[axis], kernel.shape[axis], window="kernel", input="image",
                          axis=name, fix="equivariance is measured away from the border, so "
                                         "pass a kernel smaller than the image")
    if transform == "rotate" and kernel.shape[0] != kernel.shape[1]:
        raise ValueError(f"`kernel` must be square to compare rotations, got shape "
                         f"{kernel.shape}: a quarter turn would change the output's shape")
    return image, kernel


def _number(value):
    """At most 6 characters, so that a colour-bar label fits: '291', '8020', '0.125',
    '9.81e5' (whole numbers from 100 to 99999, else 3 significant digits).

    >>> [_number(v) for v in (0.0, -0.125, 291.4, 8020.3, 981234.0, 1.5e-7)]
    ['0', '−0.125', '291', '8020', '9.81e5', '1.5e−7']
    """
    if 100 <= abs(value) < 1e5:
        text = f"{value:.0f}"
    else:
        mantissa, _, exponent = f"{value:.3g}".partition("e")
        text = mantissa + (f"e{int(exponent)}" if exponent else "")
    return text.replace("-", "\u2212")


def _verdict(state):
    inside, border = state["max_error_interior"], state["max_error_border"]
    if inside == 0 and border == 0:
        return "equal everywhere (max |difference| = 0)"
    if inside == 0:
        return (f"equal away from the border (max |difference| = 0); "
                f"up to {_number(border)} in the border band")
    return (f"not equal: max |difference| = {_number(inside)} away from the border "
            f"({100 * state['relative_error']:.3g}% of the largest |output|)")


def _note(state):
    """A second line for a special case: g(f(I)) = -f(g(I)) exactly (a 180-degree turn of
    an antisymmetric kernel such as Sobel), or '' ."""
    if not state["negated"]:
        return ""
    return ("g(f(I)) = \u2212f(g(I)) exactly away from the border: turning the picture "
            "turns the kernel, and this turn negates it")


def _amount_words(transform, amount):
    """How far g goes, in a few words: '3 px right', '30° anticlockwise', '×1.5'."""
    if transform == "shift":
        dy, dx = amount
        moves = [f"{abs(dx)} px {'right' if dx > 0 else 'left'}"] if dx else []
        moves += [f"{abs(dy)} px {'down' if dy > 0 else 'up'}"] if dy else []
        return " and ".join(moves) or "by 0 px"
    if transform == "rotate":
        return f"{amount:g}\u00b0 anticlockwise"
    return f"\u00d7{amount:g}"


def _describe_g(transform, amount, boundary):
    words = _amount_words(transform, amount)
    if transform == "shift":
        how = "pixels wrap round (np.roll)" if boundary == "wrap" else "zeros enter"
        return f"shift {words}, {how}"
    if transform == "rotate":
        how = "np.rot90, exact" if amount % 90 == 0 else "bilinear, zeros outside"
        return f"rotate {words} ({how})"
    return f"scale {words} about the centre (bilinear, zeros outside)"


def equivariance_state(transform="shift", amount=3, mode="same", boundary="fill", image=None,
                       kernel=None):
    """Every number the equivariance widget shows: f(g(I)), g(f(I)) and where they differ.

    Parameters
    ----------
    transform : {"shift", "rotate", "scale"}
        The transform g (see the module docstring for exactly what each does).
    amount : int, (int, int) or float
        For "shift", pixels to the right (an int) or ``(dy, dx)``, down and right; for
        "rotate", degrees anticlockwise (multiples of 90 use ``np.rot90``); for "scale",
        the factor (> 0).
    mode : {"valid", "same", "full"}
        The correlation's mode, as in :func:`convbook.correlate2d`.
    boundary : {"fill", "wrap"}
        The correlation's border (zeros, or periodic), and for a shift what enters: zeros
        ('fill') or the pixels that left on the other side ('wrap', ``np.roll``). Rotations
        and scalings always bring in zeros.
    image : array_like of shape (H, W), optional
        The input I; default :func:`default_image` (48 x 48).
    kernel : str or array_like of shape (kH, kW), optional
        The kernel K of f: a name of :data:`KERNELS` ("Sobel", "Laplacian",
        "1×1 identity") or an array, no larger than the image; square for "rotate".
        Default "Sobel" (:data:`DEFAULT_KERNEL`); :data:`LAPLACIAN` commutes with
        quarter turns.

    Returns
    -------
    dict
        ``transform``, ``amount`` (an int, a pair (dy, dx) or a float), ``mode``,
        ``boundary``, ``image``, ``kernel``; ``transformed`` (g(I)), ``f`` (f(I)),
        ``f_g`` (f(g(I))), ``g_f`` (g(f(I))), ``difference`` (``f_g - g_f``),
        ``interior`` (bool map: both sides from real pixels only, see the module
        docstring; the rest is the border band), ``max_error_interior`` and
        ``max_error_border`` (max |difference| in each part, 0.0 for an empty part),
        ``output_range`` (max |f(I)| over cells whose window lies inside the image, 1.0
        if that is 0; the difference's colour limit too), ``relative_error``
        (``max_error_interior / output_range``: a fraction of the largest |output|),
        ``negated`` (g(f(I)) = -f(g(I)) exactly in the interior, and not 0 there),
        ``kernel_name`` (a name of :data:`KERNELS`, or 'custom'), ``kernel_words`` (how
        the picture names it), ``g_text`` (what g did, in words), ``amount_text`` (how
        far, in a few words), ``verdict`` (one line) and ``note`` (a second line for a
        special case, such as ``negated``, else '').

    Examples
    --------
    >>> s = equivariance_state("shift", 3, mode="same", boundary="fill")
    >>> s["max_error_interior"], s["max_error_border"] > 0
    (0.0, True)
    >>> equivariance_state("shift", 3, mode="same", boundary="wrap")["verdict"]
    'equal everywhere (max |difference| = 0)'
    >>> equivariance_state("rotate", 90)["relative_error"] > 0.1
    True
    >>> equivariance_state("rotate", 90, kernel=LAPLACIAN)["max_error_interior"]
    0.0
    """
    kernel_name = _kernel(kernel)[0] if isinstance(kernel, str) or kernel is None else None
    image, kernel = _check_inputs(transform, mode, boundary, image, kernel)
    kernel_name = kernel_name or _kernel(kernel)[0]
    amount, shown_amount = _check_amount(transform, amount, image.shape)
    transformed = _transform(image, transform, amount, boundary)
    f = _signal.correlate2d(image, kernel, mode, boundary)
    f_g = _signal.correlate2d(transformed, kernel, mode, boundary)
    g_f = _transform(f, transform, amount, boundary)
    difference = f_g - g_f
    interior, clean_f = _interior(transform, amount, image.shape, kernel.shape, mode)
    if not interior.any():
        raise ValueError(f"`amount` {_describe(shown_amount)} leaves no output cell away from "
                         f"the border of the {image.shape[0]}x{image.shape[1]} image with a "
                         f"{kernel.shape[0]}x{kernel.shape[1]} kernel; use a smaller amount "
                         f"or a larger image")
    error = np.abs(difference)
    output_range = float(np.abs(f[clean_f]).max()) or 1.0
    state = {"transform": transform, "amount": shown_amount, "mode": mode, "boundary": boundary,
             "image": image, "kernel": kernel, "transformed": transformed, "f": f, "f_g": f_g,
             "g_f": g_f, "difference": difference, "interior": interior,
             "max_error_interior": float(error[interior].max()),
             "max_error_border": float(error[~interior].max()) if (~interior).any() else 0.0,
             "output_range": output_range, "g_text": _describe_g(transform, amount, boundary),
             "amount_text": _amount_words(transform, amount)}
    state["relative_error"] = state["max_error_interior"] / output_range
    state["negated"] = bool(state["max_error_interior"] > 0
                            and np.array_equal(f_g[interior], -g_f[interior]))
    state.update(kernel_name=kernel_name, kernel_words=_KERNEL_WORDS[kernel_name],
                 verdict=_verdict(state), note=_note(state))
    return state


# --------------------------------------------------------------------------- drawing
# Layout, inches: the header (verdict, note, what f and g are; the kernel's values at
# the right), then four square panels in a row, a colour bar after the maps and after the
# difference, and a note under the difference. Text sizes >= 9 pt.
_WIDTH, _HEIGHT, _PANEL, _TOP = 9.5, 3.8, 1.8, 1.6  # 855 x 342 px
_PANEL_X = (0.1, 2.2, 4.07, 6.82)
_BAR_W = 0.11  # colour-bar width
_K_RIGHT, _K_TOP, _K_BOX = 9.38, 0.27, 0.63  # the kernel's grid: right edge, top, largest side
_TITLES = {"shift": "g(I): I shifted", "rotate": "g(I): I rotated", "scale": "g(I): I scaled"}
# What g does, by transform (and for shifts, by boundary): the static part of the header.
_G_LINES = {"shift": "g: move the picture, g(I)(y, x) = I(y \u2212 dy, x \u2212 dx); "
                     "{enter}",
            "rotate": "g: turn the picture about its centre: np.rot90 for multiples of 90\u00b0, "
                      "else bilinear; zeros outside{whatever}",
            "scale": "g: magnify the picture about its centre, bilinear; zeros "
                     "outside{whatever}"}
_ENTER = {"fill": "zeros enter where pixels leave", "wrap": "pixels that leave come back on "
                                                             "the other side (np.roll)"}
# For rotate and scale, boundary is f's border only (g always brings in zeros), and in
# 'valid' mode f has none: the App disables the toggle then, and the header says so.
_WHATEVER = {"valid": " (boundary: no effect in 'valid' mode)",
             "same": " (boundary: f's border only)", "full": " (boundary: f's border only)"}


def _difference_cmap():
    """Okabe-Ito blue - white - orange (negative, 0, positive), registered once."""
    import matplotlib as mpl

    if DIFFERENCE_CMAP not in mpl.colormaps:
        mpl.colormaps.register(mpl.colors.LinearSegmentedColormap.from_list(
            DIFFERENCE_CMAP, ["#0072B2", "white", "#E69F00"]))
    return mpl.colormaps[DIFFERENCE_CMAP]


def _extent(shape, offset):
    """imshow extent of an array centred on the image centre (display origin), moved by
    ``offset`` (y, x) cells."""
    (rows, cols), (oy, ox) = shape, offset
    return (ox - cols / 2, ox + cols / 2, oy + rows / 2, oy - rows / 2)


def _outline(mask, extent):
    """Segments along the cell edges between True and False cells of ``mask`` (and the
    array's edge), in display coordinates."""
    left, _, _, top = extent
    padded = np.pad(mask, 1)
    rows, cols = np.nonzero(padded[1:-1, 1:] != padded[1:-1, :-1])  # edge left of cols
    vertical = np.stack([np.stack([left + cols, top + rows], -1),
                         np.stack([left + cols, top + rows + 1], -1)], 1)
    rows, cols = np.nonzero(padded[1:, 1:-1] != padded[:-1, 1:-1])  # edge above rows
    horizontal = np.stack([np.stack([left + cols, top + rows], -1),
                           np.stack([left + cols + 1, top + rows], -1)], 1)
    return np.concatenate([vertical, horizontal]).astype(float)


def _band_path(mask, extent):
    """A path of rectangles covering the False cells of ``mask`` (one per run of cells in
    a row), in display coordinates: what the hatching fills."""
    from matplotlib.path import Path

    left, _, _, top = extent
    padded = np.pad(~mask, ((0, 0), (1, 1))).astype(np.int8)
    rows, cols = np.nonzero(np.diff(padded, axis=1))  # run starts and ends, alternating
    starts, ends, rows = cols[0::2], cols[1::2], rows[0::2]
    x0, x1, y0, y1 = left + starts, left + ends, top + rows, top + rows + 1
    vertices = np.stack([np.stack([x0, y0], -1), np.stack([x1, y0], -1), np.stack([x1, y1], -1),
                         np.stack([x0, y1], -1), np.stack([x0, y0], -1)], 1).reshape(-1, 2)
    codes = np.tile([Path.MOVETO, Path.LINETO, Path.LINETO, Path.LINETO, Path.CLOSEPOLY],
                    len(rows)).astype(Path.code_type)
    return Path(vertices.astype(float), codes) if len(rows) else Path(np.zeros((0, 2)))


class EquivarianceDrawing(Drawing):
    """Four panels: g(I); f(g(I)) and g(f(I)) on one grey scale; their difference.

    Every array is drawn centred on the image's centre, one unit per pixel, in axes that
    hold the largest ('full') map, so a 'valid' map shows smaller than the image and a
    'full' one larger. The maps share a symmetric grey scale, +-``output_range`` (values
    beyond it are clipped, as the bar's arrows say). The difference has the same fixed
    limit, +-``output_range`` (max |f(I)|), so that two settings compare by colour; it is
    drawn blue (negative) - white - orange (positive), Okabe-Ito colours, with the border
    band hatched and the interior outlined. The image and kernel are fixed for a drawing
    (the App makes one per kernel); its values are shown at the top right. The background
    (the header's lines on f and g) changes with the transform, mode and boundary; the
    dynamic text is kept short (the verdict, a note, how far g goes).
    """

    max_backgrounds = len(TRANSFORMS) * len(MODES) * len(BOUNDARIES)

    def __init__(self, state):
        import matplotlib as mpl

        super().__init__(new_figure(_WIDTH, _HEIGHT))
        figure, image, kernel = self.figure, state["image"], state["kernel"]
        (h, w), (kh, kw) = image.shape, kernel.shape
        self.kernel_shape, self.image_shape = (kh, kw), (h, w)
        self.kernel = kernel.copy()
        reach = max(h + kh - 1, w + kw - 1) / 2 + 0.5

        def axes(x, title):
            ax = figure.add_axes([x / _WIDTH, 1 - (_TOP + _PANEL) / _HEIGHT,
                                  _PANEL / _WIDTH, _PANEL / _HEIGHT])
            ax.set_xlim(-reach, reach)
            ax.set_ylim(reach, -reach)
            ax.set_axis_off()
            return ax, ax.set_title(title, fontsize=10, linespacing=1.25)

        (self.ax_in, self.in_title), (self.ax_fg, _), (self.ax_gf, _), (self.ax_diff, _) = (
            axes(x, title) for x, title in zip(_PANEL_X, (
                "", "f(g(I))\ntransform, then correlate", "g(f(I))\ncorrelate, then transform",
                "f(g(I)) \u2212 g(f(I))\norange > 0, blue < 0")))
        low, high = min(0.0, float(image.min())), float(image.max())
        self.im_in = self.ax_in.imshow(image, cmap="gray", vmin=low, vmax=max(high, low + 1),
                                       interpolation="nearest")
        m = self.output_range = state["output_range"]
        self.im_fg, self.im_gf = (ax.imshow(state["f"], cmap="gray", vmin=-m, vmax=m,
                                            interpolation="nearest")
                                  for ax in (self.ax_fg, self.ax_gf))
        cmap = _difference_cmap()
        self.im_diff = self.ax_diff.imshow(state["difference"], cmap=cmap, vmin=-m, vmax=m,
                                           interpolation="nearest")
        self.band = self.ax_diff.add_patch(mpl.patches.PathPatch(
            _band_path(np.ones((1, 1), bool), (0, 1, 1, 0)), facecolor="none",
            edgecolor="0.25", hatch="////", linewidth=0))
        self.outline = self.ax_diff.add_collection(mpl.collections.LineCollection(
            [], colors="black", linewidths=1.0))

        # Both bars are real colour bars: their scales are fixed for the drawing.
        bar_y = 1 - (_TOP + _PANEL) / _HEIGHT
        for x, name in ((_PANEL_X[2] + _PANEL + 0.08, "gray"), (_PANEL_X[3] + _PANEL + 0.1, cmap)):
            cax = figure.add_axes([x / _WIDTH, bar_y, _BAR_W / _WIDTH, _PANEL / _HEIGHT])
            bar = figure.colorbar(mpl.cm.ScalarMappable(mpl.colors.Normalize(-m, m), name),
                                  cax=cax, extend="both")
            bar.ax.tick_params(labelsize=9)
            bar.ax.yaxis.set_major_locator(mpl.ticker.MaxNLocator(5, symmetric=True))
            bar.ax.yaxis.set_major_formatter(mpl.ticker.FuncFormatter(lambda v, _: _number(v)))
        self.verdict = figure.text(0.1 / _WIDTH, 1 - 0.1 / _HEIGHT, "", fontsize=12,
                                   weight="bold", va="top")
        self.note = figure.text(0.1 / _WIDTH, 1 - 0.42 / _HEIGHT, "", fontsize=10,
                                va="top", color="#7a2e00")
        self.f_line, self.g_line = (figure.text(0.1 / _WIDTH, 1 - y / _HEIGHT, "", fontsize=10,
                                                va="top") for y in (0.7, 0.93))
        figure.text((_PANEL_X[3] - 0.05) / _WIDTH, 1 - (_TOP + _PANEL + 0.06) / _HEIGHT,
                    f"hatched: the border band; colours fixed\nat \u00b1max |f(I)| = "
                    f"\u00b1{_number(m)}, clipped beyond",
                    fontsize=9, va="top", ha="left", linespacing=1.2)

        self._kernel_grid(state)
        self.add_dynamic(self.im_in, self.im_fg, self.im_gf, self.im_diff, self.band,
                         self.outline, self.verdict, self.note, self.in_title)

    def _kernel_grid(self, state):
        """The kernel's values, a small grid at the top right (if they fit at 9 pt)."""
        from .grid import text_width

        kh, kw = self.kernel_shape
        labels = [[_number(v) for v in row] for row in self.kernel]
        cell = min(0.21, _K_BOX / max(kh, kw))
        self.kernel_texts = []
        if text_width([t for row in labels for t in row], 9) + 0.015 > cell:
            self.kernel_texts.append(self.figure.text(
                _K_RIGHT / _WIDTH, 1 - 0.1 / _HEIGHT, f"K: {kh}\u00d7{kw}", fontsize=9,
                ha="right", va="top"))
            return
        ax = self.figure.add_axes([(_K_RIGHT - kw * cell) / _WIDTH,
                                   1 - (_K_TOP + kh * cell) / _HEIGHT,
                                   kw * cell / _WIDTH, kh * cell / _HEIGHT])
        ax.set_xlim(0, kw)
        ax.set_ylim(kh, 0)
        ax.set_xticks([])
        ax.set_yticks([])
        ax.imshow(np.zeros((kh, kw)), cmap="gray_r", vmin=0, vmax=1, extent=(0, kw, kh, 0))
        for i in range(1, kh):
            ax.axhline(i, color="0.6", lw=0.6)
        for j in range(1, kw):
            ax.axvline(j, color="0.6", lw=0.6)
        for (i, j), text in np.ndenumerate(np.array(labels, dtype=object)):
            self.kernel_texts.append(ax.text(j + 0.5, i + 0.5, text, ha="center",
                                             va="center", fontsize=9))
        self.kernel_texts.append(self.figure.text(
            _K_RIGHT / _WIDTH, 1 - 0.1 / _HEIGHT, f"K ({state['kernel_words'].split(',')[0]})",
            fontsize=9, ha="right", va="top"))
        self.ax_kernel = ax

    def background_key(self, state):
        if state["image"].shape != self.image_shape or not np.array_equal(state["kernel"],
                                                                           self.kernel):
            raise ValueError("this drawing was made for another image or kernel; "
                             "make an EquivarianceDrawing for each")

        return state["transform"], state["mode"], state["boundary"]

    def draw_background(self, state):
        h, w = self.image_shape
        self.f_line.set_text(f"f: cross-correlation of the {h}\u00d7{w} image I with "
                             f"K ({state['kernel_words']}), mode '{state['mode']}', "
                             f"boundary '{state['boundary']}'")
        self.g_line.set_text(_G_LINES[state["transform"]].format(
            enter=_ENTER[state["boundary"]], whatever=_WHATEVER[state["mode"]]))

    def _offset(self, mode):
        # 'same' keeps the output cell at the window's k // 2: half a cell off for even k.
        return tuple(0.5 if mode == "same" and k % 2 == 0 else 0.0 for k in self.kernel_shape)

    def draw_dynamic(self, state):
        offset = self._offset(state["mode"])
        self.im_in.set_data(state["transformed"])
        self.im_in.set_extent(_extent(state["transformed"].shape, (0.0, 0.0)))
        for im, key in ((self.im_fg, "f_g"), (self.im_gf, "g_f"), (self.im_diff, "difference")):
            im.set_data(state[key])
            im.set_extent(_extent(state[key].shape, offset))
        extent = _extent(state["difference"].shape, offset)
        self.band.set_path(_band_path(state["interior"], extent))
        self.outline.set_segments(_outline(state["interior"], extent))
        self.verdict.set_text(state["verdict"][0].upper() + state["verdict"][1:])
        self.note.set_text(state["note"])
        self.in_title.set_text(f"{_TITLES[state['transform']]}\n{state['amount_text']}")


def equivariance_figure(transform="shift", amount=3, mode="same", boundary="fill", image=None,
                        kernel=None):
    """The equivariance picture at one setting, as a static ``Figure`` (what the widget shows).

    Parameters are those of :func:`equivariance_state`.

    Returns
    -------
    matplotlib.figure.Figure
        An Agg figure, 9.5 x 3.8 in.

    Examples
    --------
    >>> fig = equivariance_figure("rotate", 90, kernel=LAPLACIAN)
    >>> fig.texts[0].get_text()
    'Equal everywhere (max |difference| = 0)'
    """
    state = equivariance_state(transform, amount, mode, boundary, image, kernel)
    return EquivarianceDrawing(state).figure_at(state)


# --------------------------------------------------------------------------- app
def _amount_control(transform, value):
    """A new slider for ``transform``'s amount: End and Home reach its own limits."""
    import ipywidgets

    if transform == "scale":
        return ipywidgets.SelectionSlider(options=list(SCALES), value=value,
                                          description="scale \u00d7", continuous_update=False)
    low, high, step, label = ((SHIFTS[0], SHIFTS[-1], 1, "shift (px)") if transform == "shift"
                              else (ANGLES[0], ANGLES[-1], ANGLES[1] - ANGLES[0], "angle (\u00b0)"))
    return ipywidgets.IntSlider(value=value, min=low, max=high, step=step, description=label,
                                continuous_update=False)


def _slider_values(transform):
    return {"shift": SHIFTS, "rotate": ANGLES, "scale": SCALES}[transform]


class EquivarianceApp(App):
    """The equivariance widget; ``equivariance_demo`` builds it."""

    def __init__(self, transform="shift", amount=3, mode="same", boundary="fill", image=None,
                 kernel=None):
        import ipywidgets

        state = equivariance_state(transform, amount, mode, boundary, image, kernel)
        if state["amount"] not in _slider_values(transform):
            raise ValueError(f"`amount` {_describe(amount)} is not on the {transform} slider; "
                             f"pick one of {list(_slider_values(transform))}")
        self._image = state["image"]
        # The kernel buttons: the three named kernels, and a custom kernel if one is given.
        self._kernels = {name: k for name, k in KERNELS.items()}
        if state["kernel_name"] == "custom":
            self._kernels["custom"] = state["kernel"]
        self._last = dict(_DEMO_START, **{transform: state["amount"]})
        # Every slider value must leave an interior (in every mode, if in one): check
        # them all now rather than fail mid-sweep.
        for name, k in self._kernels.items():
            for t in TRANSFORMS:
                if t == "rotate" and k.shape[0] != k.shape[1]:
                    continue
                for a in _slider_values(t):
                    a = (0, a) if t == "shift" else a
                    if abs(a[1] if t == "shift" else 0) >= self._image.shape[1] or not _interior(
                            t, a, self._image.shape, k.shape, "valid")[0].any():
                        raise ValueError(
                            f"`image` {self._image.shape} is too small for the demo's sliders "
                            f"with a {k.shape} kernel: {t} {a} leaves no output away "
                            f"from the border; use at least about 24x24 pixels")
        self._drawings = {state["kernel_name"]: EquivarianceDrawing(state)}
        controls = {
            "transform": ipywidgets.ToggleButtons(options=list(TRANSFORMS), value=transform,
                                                  description="g"),
            "amount": _amount_control(transform, state["amount"]),
            "kernel": ipywidgets.ToggleButtons(options=list(self._kernels),
                                               value=state["kernel_name"], description="kernel",
                                               style={"button_width": "120px"}),
            "mode": ipywidgets.ToggleButtons(options=list(MODES), value=mode, description="mode",
                                             style={"button_width": "70px"}),
            "boundary": ipywidgets.ToggleButtons(options=list(BOUNDARIES), value=boundary,
                                                 description="boundary",
                                                 style={"button_width": "70px"})}
        controls["boundary"].disabled = _boundary_idle(transform, mode)
        # Draw every (transform, mode, boundary) background of the first kernel now: every
        # later update with it blits. Each other kernel gets its drawing and the current
        # setting's background now (a kernel change blits); its other backgrounds are
        # drawn on first use (a full draw, about 45 ms, once each).
        ahead = [self._state_for(t, self._last[t], m, b, state["kernel_name"])
                 for t in TRANSFORMS for m in MODES for b in BOUNDARIES
                 if (t, m, b) != (transform, mode, boundary)]
        ahead += [self._state_for(transform, state["amount"], mode, boundary, name)
                  for name in self._kernels if name != state["kernel_name"]
                  and (transform != "rotate" or self._kernels[name].shape[0]
                       == self._kernels[name].shape[1])]
        super().__init__(controls, self._state_for, self._drawings[state["kernel_name"]],
                         prerender=ahead,
                         rows=[["transform", "amount"], ["kernel"], ["mode", "boundary"]])

    def _state_for(self, transform, amount, mode, boundary, kernel):
        return equivariance_state(transform, amount, mode, boundary, self._image,
                                  self._kernels[kernel])

    def _drawing_for(self, state):
        """One drawing per kernel (its values, output range and colour bars are fixed)."""
        name = state["kernel_name"]
        if name not in self._drawings:
            self._drawings[name] = EquivarianceDrawing(state)
        return self._drawings[name]

    def _settle(self, change):
        """A new transform gets its own slider (pixels, degrees or factors), at the value it
        had when the reader last left it; the boundary toggle is disabled where it does
        nothing (rotate or scale in 'valid' mode)."""
        if change["owner"] is self.controls["transform"]:
            self.replace_control("amount", _amount_control(change["new"],
                                                           self._last[change["new"]]))
        elif change["owner"] is self.controls["amount"]:
            self._last[self.controls["transform"].value] = change["new"]
        self.controls["boundary"].disabled = _boundary_idle(self.controls["transform"].value,
                                                            self.controls["mode"].value)


def _boundary_idle(transform, mode):
    """True where ``boundary`` changes nothing: rotations and scalings bring in zeros
    whatever it is, and a 'valid' correlation pads nothing."""
    return transform != "shift" and mode == "valid"


def equivariance_demo(transform="shift", amount=3, mode="same", boundary="fill", image=None,
                      kernel=None):
    """The equivariance widget (section 9.2): shift, rotate or scale, then compare.

    Parameters are those of :func:`equivariance_state`; ``image`` is fixed, the others set
    the starting controls, so ``amount`` must be a slider value (:data:`SHIFTS` pixels,
    :data:`ANGLES` degrees or :data:`SCALES`). ``kernel`` is a name of :data:`KERNELS`
    or an array; an array that is none of them becomes a fourth button, "custom".

    Returns
    -------
    App
        ``app.controls`` holds ``"transform"``, ``"amount"``, ``"kernel"`` (buttons:
        "Sobel", "Laplacian", "1×1 identity"), ``"mode"`` and ``"boundary"`` (disabled
        where it changes nothing: rotate or scale in 'valid' mode). A transform change
        replaces the amount slider by a new one with
        that transform's range (look it up in ``app.controls`` after it). ``app.state``
        is :func:`equivariance_state` at the current controls.

    Examples
    --------
    >>> app = equivariance_demo()
    >>> app.controls["amount"].value = -5
    >>> app.state["amount"], app.state["max_error_interior"]
    (-5, 0.0)
    >>> app.controls["transform"].value = "rotate"
    >>> app.controls["amount"].max, app.state["amount"]
    (360, 30.0)
    """
    return EquivarianceApp(transform, amount, mode, boundary, image, kernel)
