"""The kit's layered network diagram: rows of units, edges between rows, a highlighted set.

For the book's Figures 9.2-9.6 (sparse connectivity, receptive fields, parameter
sharing) and pooling (9.3): pick an input unit and highlight the outputs it affects, or
an output and its receptive field, in a dense or a sparse layer.
"""

import numpy as np
from matplotlib.collections import LineCollection

from .grid import ORANGE

__all__ = ["LayeredNetwork"]

_SUBSCRIPTS = str.maketrans("0123456789", "\u2080\u2081\u2082\u2083\u2084\u2085\u2086\u2087\u2088\u2089")


class LayeredNetwork:
    """Rows of units on inch axes (:func:`~convbook.widgets._app.inch_axes`), layer 0 at
    the bottom as in the book, with edges between consecutive rows.

    The units and the edges of each :meth:`connect` call (one ``LineCollection`` each)
    are static. :meth:`highlight` moves the dynamic artists in ``artists``: one
    ``LineCollection`` of highlighted edges, filled circles over the highlighted units,
    and their labels (a label inside a moving fill must move with it). Edges stop at the
    circles, so nothing static lies over a dynamic artist.

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        Axes whose data units are inches, y pointing down.
    sizes : sequence of int
        Units per layer, bottom (layer 0) first.
    names : sequence of str, optional
        Unit names per layer; unit ``i`` of layer ``name`` is labelled ``name`` with
        subscript ``i + 1`` (mathtext), e.g. ``("x", "s")``.
    xy : (float, float)
        Centre x and bottom y of the diagram, inches.
    spacing, layer_gap, radius : float
        Between units of a layer, between layers, and each unit's radius, inches.
        Layers are centred on one another.
    mathtext : bool
        Labels as mathtext (``$x_{3}$``), or, when False, as plain text with Unicode
        subscript digits (``x₃``): much faster to draw when a widget rebuilds many
        labels, since matplotlib caches only the last 50 mathtext parses.

    Examples
    --------
    >>> from convbook.widgets._app import inch_axes, new_figure
    >>> ax = inch_axes(new_figure(4, 2))
    >>> net = LayeredNetwork(ax, [5, 5], names=("x", "s"), xy=(2, 1.8))
    >>> net.connect(0, np.abs(np.subtract.outer(range(5), range(5))) <= 1)  # kernel width 3
    >>> sorted(net.affected(0, 2))  # x3 affects s2, s3, s4 (book's Fig. 9.2)
    [(1, 1), (1, 2), (1, 3)]
    >>> net.highlight(net.affected(0, 2) | {(0, 2)})
    >>> len(net.hi_edges.get_segments())
    3
    """

    def __init__(self, ax, sizes, *, names=None, xy=(4.75, 2.0), spacing=0.7, layer_gap=1.1,
                 radius=0.17, fontsize=11, color=ORANGE, mathtext=True):
        self.ax, self.sizes, self.radius = ax, [int(n) for n in sizes], radius
        self.centres = [np.column_stack([xy[0] + (np.arange(n) - (n - 1) / 2) * spacing,
                                         np.full(n, xy[1] - layer * layer_gap)])
                        for layer, n in enumerate(self.sizes)]
        if mathtext:
            label = "${}_{{{}}}$".format
        else:  # Unicode subscript digits: no mathtext parse (its cache holds 50 strings)
            label = lambda name, k: name + str(k).translate(_SUBSCRIPTS)  # noqa: E731
        self.labels = [[label(name, i + 1) for i in range(n)] if names else [""] * n
                       for name, n in zip(names or [None] * len(self.sizes), self.sizes)]
        diameter = 2 * radius * 72  # scatter sizes are points squared
        everything = np.vstack(self.centres)
        self._static = [ax.scatter(*everything.T, s=diameter ** 2, facecolor="white",
                                   edgecolor="black", linewidth=1.2, zorder=3)]
        self.texts = [[ax.text(x, y, label, ha="center", va="center", fontsize=fontsize,
                               zorder=4) for (x, y), label in zip(c, labels)]
                      for c, labels in zip(self.centres, self.labels)]
        self.edges = {}  # layer -> set of (i, j): unit i of layer to unit j of layer + 1
        self.hi_edges = ax.add_collection(LineCollection([], colors=color, linewidths=2.6,
                                                         zorder=5), autolim=False)
        self.hi_units = ax.scatter([], [], s=diameter ** 2, facecolor="#fde3cf",
                                   edgecolor=color, linewidth=2.4, zorder=6)
        n_labels = max(self.sizes) * len(self.sizes)
        self.hi_texts = [ax.text(0, 0, "", ha="center", va="center", fontsize=fontsize,
                                 zorder=7) for _ in range(n_labels if names else 0)]
        self.artists = [self.hi_edges, self.hi_units, *self.hi_texts]

    def remove(self):
        """Take every artist of the diagram off its axes (to draw another network there)."""
        for artist in [*self._static, *(t for row in self.texts for t in row), *self.artists]:
            artist.remove()
        self._static, self.texts, self.artists, self.hi_texts = [], [], [], []

    def _segment(self, layer, i, j):
        """From unit i of ``layer`` to unit j of the next, trimmed to the circles' rims."""
        a, b = self.centres[layer][i], self.centres[layer + 1][j]
        step = (b - a) / np.hypot(*(b - a)) * self.radius
        return [a + step, b - step]

    def connect(self, layer, pairs, *, color="0.55", linewidth=1.0):
        """Static edges from ``layer`` to ``layer + 1``: a boolean matrix of shape
        (units of layer, units of the next), or pairs ``(i, j)``. One collection per call."""
        pairs = np.asarray(pairs)
        if pairs.dtype == bool:
            pairs = np.argwhere(pairs)
        pairs = {(int(i), int(j)) for i, j in pairs.reshape(-1, 2)}
        self.edges.setdefault(layer, set()).update(pairs)
        self._static.append(self.ax.add_collection(LineCollection(
            [self._segment(layer, i, j) for i, j in sorted(pairs)], colors=color,
            linewidths=linewidth, zorder=2), autolim=False))

    def affected(self, layer, i):
        """Units above unit ``i`` of ``layer`` that it affects, through the edges."""
        found, frontier = set(), {i}
        for above in range(layer, len(self.sizes) - 1):
            frontier = {j for (a, j) in self.edges.get(above, ()) if a in frontier}
            found |= {(above + 1, j) for j in frontier}
        return found

    def receptive_field(self, layer, j):
        """Units below unit ``j`` of ``layer`` that affect it (its receptive field)."""
        found, frontier = set(), {j}
        for below in range(layer - 1, -1, -1):
            frontier = {i for (i, b) in self.edges.get(below, ()) if b in frontier}
            found |= {(below, i) for i in frontier}
        return found

    def highlight(self, units=(), edges=None):
        """Highlight ``units`` ((layer, index) pairs) and ``edges`` ((layer, i, j)
        triples); by default the edges between highlighted units."""
        units = sorted(set(units))
        if edges is None:
            chosen = set(units)
            edges = [(layer, i, j) for layer, pairs in self.edges.items() for i, j in pairs
                     if (layer, i) in chosen and (layer + 1, j) in chosen]
        self.highlighted = (units, sorted(edges))
        self.hi_edges.set_segments([self._segment(*e) for e in self.highlighted[1]])
        self.hi_units.set_offsets(np.array([self.centres[layer][i] for layer, i in units])
                                  .reshape(-1, 2))
        for k, text in enumerate(self.hi_texts):
            shown = k < len(units)
            if shown:
                layer, i = units[k]
                text.set_position(self.centres[layer][i])
                text.set_text(self.labels[layer][i])
            text.set_visible(shown)
