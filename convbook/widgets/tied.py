"""The kit's matrix coloured by parameter id: tied entries share a colour.

For section 9.2: a dense, a locally connected and a convolutional layer's weight matrix
side by side, each entry coloured by the parameter it holds, structural zeros white.
"""

import numpy as np
from matplotlib import colormaps
from matplotlib.colors import hsv_to_rgb

from .grid import NumberGrid

__all__ = ["ParameterMatrix", "parameter_colors"]


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

    def __init__(self, ax, ids, xy, cell, *, values=None, **kwargs):
        ids = np.ma.filled(np.ma.masked_less(np.ma.asarray(ids).astype(int), 0), -1)
        super().__init__(ax, None, xy, cell, shape=ids.shape, **kwargs)
        self.set_ids(ids, values)

    def set_ids(self, ids, values=None):
        """New ids (and numbers): the colours follow."""
        self.ids = np.ma.filled(np.ma.masked_less(np.ma.asarray(ids).astype(int), 0), -1)
        zero = self.ids < 0
        palette = parameter_colors(self.ids.max() + 1 if self.ids.size else 0)
        self.colors = np.where(zero[..., None], np.array([1.0, 1, 1, 1]),
                               palette[np.maximum(self.ids, 0)] if len(palette) else 1.0)
        self.set_facecolors(self.colors)
        if values is not None:
            self.set_values(np.where(zero, np.nan, values))
            for text in self.texts[zero]:
                text.set_text("")
