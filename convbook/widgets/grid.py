"""The kit's grid of numbers: cells of a fixed size in inches, and windows that move over it.

Used by the flip demo (the input, the kernel, the output) and by
:class:`~convbook.widgets.tied.ParameterMatrix`; any picture of an array cell by cell
(an image under a kernel, a pooling window, a weight matrix) starts here.
"""

import numpy as np
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.colors import to_rgba_array
from matplotlib.patches import Rectangle

from ._app import format_number

__all__ = ["NumberGrid", "GridWindow", "NumberStamps", "text_width", "fit_fontsize",
           "ORANGE"]

ORANGE = "#e8710a"
_ORANGE_TEXT = "#b3470a"


def text_width(strings, fontsize, weight="normal"):
    """Width in inches of the widest of ``strings`` at ``fontsize`` pt (DejaVu Sans).

    Measured on the glyph outlines, plus 4% for Agg's hinting; no renderer needed.

    >>> round(text_width(["10", "8"], 10), 2)
    0.18
    """
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    prop, measure = FontProperties(size=fontsize, weight=weight), TextToPath()
    return max((1.04 * measure.get_text_width_height_descent(s, prop, ismath=False)[0] / 72
                for s in strings), default=0.0)


def fit_fontsize(strings, width, sizes=(13, 12, 11, 10, 9), weight="bold"):
    """The largest of ``sizes`` (pt) at which every one of ``strings`` is at most ``width``
    inches wide (:func:`text_width`); the smallest size if none is.

    >>> fit_fontsize(["\\u00d72", "\\u00d7\\u22121"], 0.45)
    13
    >>> fit_fontsize(["\\u00d70.333"], 0.44)
    9
    """
    return next((size for size in sizes if text_width(strings, size, weight) <= width),
                sizes[-1])


def _colours(colour, shape):
    """An ``(H*W, 4)`` RGBA array from one colour or an ``(H, W)`` array of colours."""
    if isinstance(colour, str) or np.ndim(colour) == 1 and len(colour) in (3, 4) \
            and not isinstance(colour[0], str):
        return np.repeat(to_rgba_array(colour), shape[0] * shape[1], axis=0)
    colour = np.asarray(colour)
    if colour.shape[:2] != tuple(shape):
        raise ValueError(f"colours of shape {colour.shape} for a grid of shape {tuple(shape)}; "
                         f"pass one colour or one per cell")
    return to_rgba_array(colour.reshape(shape[0] * shape[1], *colour.shape[2:]))


class NumberGrid:
    """A grid of numbers on inch axes (:func:`~convbook.widgets._app.inch_axes`).

    The cells are one ``PolyCollection`` and the numbers one ``Text`` each, all static
    (they go into the drawing's background); :meth:`add_window` adds what moves.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes whose data units are inches, y pointing down.
    values : array_like of shape (H, W), or None
        The numbers written in the cells (:func:`format_number`); ``None``: blank cells,
        with ``shape`` given instead.
    xy : (float, float)
        Top-left corner of the grid, inches.
    cell : float
        Side of a cell, inches (fixed: the figure is sized to the grid, not the reverse).
    fontsize : float
        Size of the numbers, pt.
    color, facecolor, edgecolor : colour, or array of shape (H, W) of colours
        Of the numbers, the cells' fill and the cells' borders.
    number_at : (float, float)
        Where a number sits in its cell, as fractions of the cell from its top-left:
        ``(0.5, 0.5)`` is the centre; ``(0.34, 0.36)`` leaves the lower right corner
        free for a window's overlay.
    shape : (int, int), optional
        The grid's shape when ``values`` is None.
    numbers : bool
        False: no ``Text`` per cell (``texts`` is empty), for a grid too fine to write
        in, such as a large weight matrix drawn by colour only; creating thousands of
        unused texts would cost more than drawing the cells.

    Attributes
    ----------
    cells : PolyCollection
    texts : ndarray of Text, shape (H, W)
    shape, xy, cell

    Examples
    --------
    >>> from convbook.widgets._app import inch_axes, new_figure
    >>> ax = inch_axes(new_figure(3, 2))
    >>> grid = NumberGrid(ax, np.arange(6).reshape(2, 3), xy=(0.2, 0.2), cell=0.5)
    >>> grid.texts[1, 2].get_text(), grid.cell_xy(1, 2)
    ('5', (1.2, 0.7))
    >>> window = grid.add_window((2, 2), overlay=True)
    >>> window.move_to(0, 1, overlay=[[1, 0], [0, -1]])
    >>> window.overlay[1, 1].get_text(), window.fill.get_xy()
    ('×−1', (0.7, 0.2))
    """

    def __init__(self, ax, values, xy, cell, *, fontsize=11, color="black",
                 facecolor="white", edgecolor="black", number_at=(0.5, 0.5), shape=None,
                 linewidth=0.8, zorder=1, numbers=True):
        self.ax, self.xy, self.cell = ax, (float(xy[0]), float(xy[1])), float(cell)
        if values is not None:
            values = np.asarray(values)
            shape = values.shape
        self.shape = (int(shape[0]), int(shape[1]))
        h, w = self.shape
        rows, cols = np.divmod(np.arange(h * w), w)
        x0, y0 = self.xy[0] + cols * cell, self.xy[1] + rows * cell
        corners = np.array([[0, 0], [1, 0], [1, 1], [0, 1]]) * cell
        verts = np.stack([x0, y0], axis=-1)[:, None, :] + corners[None]
        self._face = _colours(facecolor, self.shape)
        self._edge = _colours(edgecolor, self.shape)
        self.cells = ax.add_collection(PolyCollection(
            verts, facecolors=self._face, edgecolors=self._edge, linewidths=linewidth,
            zorder=zorder), autolim=False)
        self.texts = np.empty(self.shape if numbers else (0, 0), dtype=object)
        text_colour = _colours(color, self.shape) if numbers else None
        fx, fy = number_at
        for k in range(h * w if numbers else 0):
            self.texts[rows[k], cols[k]] = ax.text(
                x0[k] + fx * cell, y0[k] + fy * cell, "", ha="center", va="center",
                fontsize=fontsize, color=text_colour[k], zorder=zorder + 0.1)
        self.shown = np.ones(self.shape, dtype=bool)
        if values is not None:
            self.set_values(values)

    def cell_xy(self, row, col):
        """Top-left corner of cell ``(row, col)``, inches (any row, col: also off the grid)."""
        return (round(self.xy[0] + col * self.cell, 12), round(self.xy[1] + row * self.cell, 12))

    @property
    def extent(self):
        """``(left, top, right, bottom)`` of the grid, inches."""
        h, w = self.shape
        return (self.xy[0], self.xy[1], self.xy[0] + w * self.cell, self.xy[1] + h * self.cell)

    def add_title(self, text, *, pad=0.08, fontsize=11, **kwargs):
        """A title centred above the grid, ``pad`` inches clear of it (a static Text)."""
        left, top, right, _ = self.extent
        return self.ax.text((left + right) / 2, top - pad, text, ha="center", va="bottom",
                            fontsize=fontsize, **kwargs)

    def add_indices(self, *, fontsize=9, color="0.4"):
        """Row numbers on the left and column numbers above, as in ``S(i, j)``."""
        h, w = self.shape
        (x, y), cell = self.xy, self.cell
        for i in range(h):
            self.ax.text(x - 0.06, y + (i + 0.5) * cell, str(i), ha="right", va="center",
                         fontsize=fontsize, color=color)
        for j in range(w):
            self.ax.text(x + (j + 0.5) * cell, y - 0.04, str(j), ha="center", va="bottom",
                         fontsize=fontsize, color=color)

    def set_values(self, values):
        """Write ``values`` (shape (H, W)) in the cells: numbers as :func:`format_number`
        writes them, strings (e.g. Figure 9.1's ``"aw + bx"``) as they are."""
        for text, value in zip(self.texts.flat, np.asarray(values).flat):
            text.set_text(value if isinstance(value, str) else format_number(value))

    def add_blocks(self, rows, cols, *, color="black", linewidth=1.2):
        """Lines around blocks of ``rows`` x ``cols`` cells (a block matrix's blocks)."""
        left, top, right, bottom = self.extent
        ys = np.arange(top, bottom + 1e-9, rows * self.cell)
        xs = np.arange(left, right + 1e-9, cols * self.cell)
        segments = [[(left, y), (right, y)] for y in ys] + [[(x, top), (x, bottom)] for x in xs]
        return self.ax.add_collection(LineCollection(segments, colors=color, linewidths=linewidth,
                                                     zorder=self.cells.get_zorder() + 0.05),
                                      autolim=False)

    def set_facecolors(self, facecolor):
        """New fill colours: one colour or one per cell."""
        self._face = _colours(facecolor, self.shape)
        self.set_shown(self.shown)

    def set_shown(self, shown):
        """Show only the cells (and numbers) where ``shown``, a boolean (H, W) array."""
        self.shown = np.broadcast_to(np.asarray(shown, dtype=bool), self.shape).copy()
        flat = self.shown.ravel()
        self.cells.set_facecolors(np.where(flat[:, None], self._face, 0.0))
        self.cells.set_edgecolors(np.where(flat[:, None], self._edge, 0.0))
        for text, visible in zip(self.texts.flat, flat):
            text.set_visible(bool(visible))

    def add_window(self, shape, *, color=ORANGE, alpha=0.22, linewidth=2.5, overlay=False,
                   overlay_fontsize=13, overlay_color=_ORANGE_TEXT):
        """A window of ``shape`` cells that moves over the grid (dynamic artists).

        With ``overlay``, each cell under the window gets a text in its lower right
        corner (say, the kernel value it is multiplied by), set by
        :meth:`GridWindow.move_to`.
        """
        return GridWindow(self, shape, color, alpha, linewidth, overlay, overlay_fontsize,
                          overlay_color)


class GridWindow:
    """A translucent, outlined block of cells over a :class:`NumberGrid` (see ``add_window``).

    ``artists`` are its dynamic artists: pass them to ``Drawing.add_dynamic``.
    """

    def __init__(self, grid, shape, color, alpha, linewidth, overlay, overlay_fontsize,
                 overlay_color):
        ax, cell = grid.ax, grid.cell
        self.grid, self.shape = grid, (int(shape[0]), int(shape[1]))
        h, w = self.shape
        self.fill = ax.add_artist(Rectangle((0, 0), w * cell, h * cell, facecolor=color,
                                            alpha=alpha, edgecolor="none", zorder=5))
        self.edge = ax.add_artist(Rectangle((0, 0), w * cell, h * cell, facecolor="none",
                                            edgecolor=color, lw=linewidth, zorder=6))
        self.overlay = np.empty(self.shape if overlay else (0, 0), dtype=object)
        for m, n in np.ndindex(self.overlay.shape):
            self.overlay[m, n] = ax.text(0, 0, "", ha="right", va="baseline",
                                         fontsize=overlay_fontsize, color=overlay_color,
                                         fontweight="bold", zorder=7)
        self.artists = [self.fill, self.edge, *self.overlay.flat]
        self.position = None

    def move_to(self, row, col, overlay=None):
        """Put the window's top-left cell on grid cell ``(row, col)``.

        ``overlay``: array of shape ``self.shape``, written ``×value`` in the cells.
        """
        x, y = self.grid.cell_xy(row, col)
        self.fill.set_xy((x, y))
        self.edge.set_xy((x, y))
        self.position = (row, col)
        if overlay is None:
            return
        cell = self.grid.cell
        for (m, n), text in np.ndenumerate(self.overlay):
            text.set_position((x + (n + 0.96) * cell, y + (m + 0.88) * cell))
            text.set_text("\u00d7" + format_number(overlay[m][n]))


class NumberStamps:
    """Many short numbers at once, as one image: for a matrix with hundreds of cells.

    A ``Text`` costs about 0.2 ms to draw, so 450 ids written one ``Text`` each would
    cost 90 ms on every tick. Here each string is rasterized once by FreeType (as Agg
    does for a ``Text``) and cached, and :meth:`set` pastes the bitmaps, black, into one
    RGBA image aligned with the figure's pixels: one dynamic artist (``image``), about
    1 ms to draw whatever the count.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes whose data units are inches, y pointing down
        (:func:`~convbook.widgets._app.inch_axes`).
    zorder : float

    Examples
    --------
    >>> from convbook.widgets._app import inch_axes, new_figure
    >>> ax = inch_axes(new_figure(3, 2))
    >>> stamps = NumberStamps(ax)
    >>> stamps.set([(0.5, 0.5, "12"), (1.0, 0.5, "7")], fontsize=9)
    >>> stamps.image.get_array().shape[2], stamps.texts
    (4, ['12', '7'])
    >>> 0.1 < stamps.width("12", 9) < 0.16     # inches
    True
    """

    def __init__(self, ax, *, zorder=1.2, color=(0.0, 0.0, 0.0)):
        from matplotlib.image import AxesImage

        self.ax, self.color = ax, tuple(color)
        self.dpi = ax.figure.dpi
        self.image = AxesImage(ax, interpolation="nearest", zorder=zorder)
        self.image.set_data(np.zeros((1, 1, 4)))
        self.image.set_extent((0, 1e-3, 1e-3, 0))
        ax.add_image(self.image)
        self.texts, self.positions, self.fontsize = [], [], None
        self._cache = {}

    def bitmap(self, text, fontsize):
        """The coverage (0-255) of ``text`` at ``fontsize`` pt: rows x columns of pixels."""
        key = (text, fontsize)
        if key not in self._cache:
            from matplotlib.font_manager import FontProperties, get_font, findfont

            font = get_font(findfont(FontProperties(size=fontsize)))
            font.set_size(fontsize, self.dpi)
            font.set_text(text, 0.0)
            font.draw_glyphs_to_bitmap(antialiased=True)
            self._cache[key] = np.asarray(font.get_image()).copy()
        return self._cache[key]

    def width(self, text, fontsize):
        """The ink width of ``text`` at ``fontsize`` pt, inches."""
        return self.bitmap(text, fontsize).shape[1] / self.dpi

    def set(self, numbers, fontsize):
        """Show ``numbers``, a list of ``(x, y, text)`` (inches: the centre of the ink)."""
        self.texts = [t for _, _, t in numbers]
        self.positions = [(x, y) for x, y, _ in numbers]
        self.fontsize = fontsize
        if not numbers:
            self.image.set_visible(False)
            return
        maps = [self.bitmap(t, fontsize) for t in self.texts]
        px = np.array([(x * self.dpi, y * self.dpi) for x, y in self.positions])
        sizes = np.array([m.shape[::-1] for m in maps])  # (width, height)
        corners = np.round(px - sizes / 2).astype(int)
        low, high = corners.min(axis=0) - 1, (corners + sizes).max(axis=0) + 1
        # uint8 throughout: Agg resamples a float image several times slower.
        rgba = np.zeros((high[1] - low[1], high[0] - low[0], 4), np.uint8)
        rgba[..., :3] = np.round(np.array(self.color) * 255)
        alpha = rgba[..., 3]
        for (x, y), m in zip(corners - low, maps):
            h, w = m.shape
            np.maximum(alpha[y:y + h, x:x + w], m, out=alpha[y:y + h, x:x + w])
        self.image.set_data(rgba)
        (x0, y0), (x1, y1) = low / self.dpi, high / self.dpi
        self.image.set_extent((x0, x1, y1, y0))
        self.image.set_visible(True)
