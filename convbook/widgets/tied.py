"""The kit's matrix coloured by parameter id: tied entries share a colour.

For section 9.2: a dense, a locally connected and a convolutional layer's weight matrix
side by side, each entry coloured by the parameter it holds, structural zeros white.
"""

import numpy as np
from matplotlib import colormaps
from matplotlib.colors import hsv_to_rgb

from .grid import NumberGrid

__all__ = ["ParameterMatrix", "parameter_colors", "DISTINCT_COLOURS"]

#: How many of :func:`parameter_colors` a reader tells apart at a glance: the 20 of
#: ``tab20``. Beyond them hues come back (ids 0 and 20 are both blue), so a picture with
#: more ids than this must not say "same colour = same parameter" without numbers.
DISTINCT_COLOURS = 20


def parameter_colors(n):
    """``n`` distinct RGBA colours, light enough for black numbers: colour ``k`` is
    parameter id ``k``'s, the same in every matrix.

    The 20 + 20 + 20 colours of ``tab20``, ``tab20c`` and ``tab20b`` (the dark halves
    lightened), then golden-angle hues.

    >>> colors = parameter_colors(100)
    >>> colors.shape, len({tuple(c) for c in colors.round(6)})
    ((100, 4), 100)
    """
    base = np.vstack([colormaps[name].colors for name in ("tab20", "tab20c", "tab20b")])
    base = 0.45 * base + 0.55  # pastel: numbers stay readable on every colour
    extra = hsv_to_rgb(np.column_stack([(np.arange(max(n - len(base), 0)) * 0.618034) % 1,
                                        np.full(max(n - len(base), 0), 0.35),
                                        np.full(max(n - len(base), 0), 0.97)]))
    rgb = np.vstack([base, extra])[:n]
    return np.column_stack([rgb, np.ones(len(rgb))])


class ParameterMatrix(NumberGrid):
    """A matrix drawn cell by cell, each cell coloured by its parameter id.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes whose data units are inches, y pointing down.
    ids : array_like of int, shape (H, W), or a masked array
        The parameter each entry holds: equal ids share a colour (tied weights),
        distinct ids differ; -1 or masked marks a structural zero (white, no number).
    xy, cell
        Top-left corner and cell side, inches (see :class:`NumberGrid`).
    values : array_like of shape (H, W), optional
        Numbers to write in the cells (structural zeros stay blank).
    color_ids : array_like of int, shape (H, W), optional
        Colour the cells by these ids instead (say, the kernel tap of each entry, when
        there are more parameters than :data:`DISTINCT_COLOURS`); ``ids`` stay the truth.
    tint : colour, optional
        Every entry that holds a parameter this one colour instead (say, when every entry
        is a parameter of its own and they are too many to colour apart).

    Other keywords go to :class:`NumberGrid` (e.g. ``fontsize``).

    Examples
    --------
    >>> from convbook.widgets._app import inch_axes, new_figure
    >>> ax = inch_axes(new_figure(3, 2))
    >>> conv = [[0, 1, -1], [-1, 0, 1]]  # a width-2 kernel sliding over 3 inputs: tied
    >>> m = ParameterMatrix(ax, conv, xy=(0.2, 0.2), cell=0.4)
    >>> bool((m.colors[0, 0] == m.colors[1, 1]).all()), bool((m.colors[0, 0] == m.colors[0, 1]).all())
    (True, False)
    """

    def __init__(self, ax, ids, xy, cell, *, values=None, color_ids=None, tint=None,
                 **kwargs):
        ids = np.ma.filled(np.ma.masked_less(np.ma.asarray(ids).astype(int), 0), -1)
        super().__init__(ax, None, xy, cell, shape=ids.shape, **kwargs)
        self.set_ids(ids, values, color_ids, tint)

    def set_ids(self, ids, values=None, color_ids=None, tint=None):
        """New ids (and numbers, colour ids or tint): the colours follow."""
        from matplotlib.colors import to_rgba

        self.ids = np.ma.filled(np.ma.masked_less(np.ma.asarray(ids).astype(int), 0), -1)
        zero = self.ids < 0
        paint = self.ids if color_ids is None else np.asarray(color_ids).astype(int)
        if paint.shape != self.ids.shape:
            raise ValueError(f"`color_ids` of shape {paint.shape} for ids of shape "
                             f"{self.ids.shape}; pass one colour id per entry")
        paint = np.where(zero, -1, paint)
        palette = parameter_colors(paint.max() + 1 if paint.size else 0)
        if tint is not None:
            palette = np.array([to_rgba(tint)])
            paint = np.where(zero, -1, 0)
        self.colors = np.where(zero[..., None], np.array([1.0, 1, 1, 1]),
                               palette[np.maximum(paint, 0)] if len(palette) else 1.0)
        self.set_facecolors(self.colors)
        if values is not None:
            self.set_values(np.where(zero, np.nan, values))
            for text in self.texts[zero]:
                text.set_text("")
