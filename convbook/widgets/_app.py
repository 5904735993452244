"""The App pattern shared by every widget (see STYLE.md).

A demo is split in two:

- a *drawing*: a plain object that creates its matplotlib artists once on an Agg
  ``Figure`` and updates them from a ``state`` dict (``Drawing.update``). The static
  ``*_figure`` functions use it alone;
- an :class:`App`: a thin shell holding the ipywidgets controls, the current ``state``
  and a core ``ipywidgets.Image`` that shows the figure as PNG. Every control is observed
  (``names="value"``), so ``app.controls["x"].value = ...`` updates ``app.state`` and the
  picture in plain Python, in pytest as in a notebook.

Rendering is the expensive part of a tick, so :class:`Drawing` blits: the artists that
change on every tick (``Drawing.dynamic``) are left out of a cached background, which is
drawn once for each value of ``Drawing.background_key(state)`` (say, each mode) and kept,
and the dynamic artists are drawn on top of it. The PNG encoder is a minimal one (no filtering,
zlib level 1) because PNG compression, not drawing, would otherwise dominate a blit.
"""

import contextlib
import io
import struct
import zlib

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

__all__ = ["App", "Drawing", "NotebookFigure", "new_figure", "inch_axes", "encode_png",
           "format_number"]

_UNSET = object()  # a background key no state has

#: Resolution of every widget figure: 9.5 in wide at 90 dpi is 855 px, a notebook's width.
DPI = 90


class NotebookFigure(Figure):
    """A ``Figure`` that Jupyter shows as a PNG when it ends a cell.

    Without pyplot the inline backend may not have registered its display hook yet
    (matplotlib loads backends lazily), and a bare ``Figure`` would print as text only.
    """

    def _repr_png_(self):
        buffer = io.BytesIO()
        self.savefig(buffer, format="png")
        return buffer.getvalue()


def new_figure(width, height, dpi=DPI):
    """An Agg-backed ``Figure`` (never pyplot, so nothing is displayed by accident)."""
    figure = NotebookFigure(figsize=(width, height), dpi=dpi)
    FigureCanvasAgg(figure)
    return figure


def inch_axes(figure):
    """Axes over the whole ``figure`` whose data units are inches from its top-left corner.

    The kit's primitives (grids, networks, matrices) take positions and sizes in inches
    on such axes, so that a cell has the same size on paper in every figure.

    >>> ax = inch_axes(new_figure(4, 3))
    >>> [float(v) for v in (*ax.get_xlim(), *ax.get_ylim())]
    [0.0, 4.0, 3.0, 0.0]
    """
    width, height = figure.get_size_inches()
    ax = figure.add_axes([0, 0, 1, 1])
    ax.set_xlim(0, width)
    ax.set_ylim(height, 0)
    ax.set_axis_off()
    return ax


def _png_chunk(tag, data):
    return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))


def encode_png(rgba, level=1):
    """PNG bytes of an ``(H, W, 4)`` uint8 RGBA array, stored as opaque RGB.

    Plain filter-free scanlines at zlib ``level`` 1: about twice as fast as Pillow's
    adaptive filters, and the flat-coloured figures still compress about 30x.
    """
    rgb = np.asarray(rgba)[..., :3]
    height, width = rgb.shape[:2]
    rows = np.zeros((height, 1 + 3 * width), dtype=np.uint8)  # filter byte 0 per row
    rows[:, 1:] = rgb.reshape(height, 3 * width)
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header)
            + _png_chunk(b"IDAT", zlib.compress(rows.tobytes(), level))
            + _png_chunk(b"IEND", b""))


def format_number(value):
    """Short text for a grid cell: ``'3'`` for integral values, else 3 significant digits."""
    value = float(value)
    if value == 0:
        return "0"  # also turns -0.0 into "0"
    if value.is_integer() and abs(value) < 1e6:
        return str(int(value)).replace("-", "\u2212")
    return f"{value:.3g}".replace("-", "\u2212")


class Drawing:
    """Base class of a plain drawing: artists made once, then updated from a state dict.

    A subclass builds its artists in ``__init__`` (after calling this one), marks the
    ones that change on every tick with :meth:`add_dynamic`, and implements

    - ``background_key(state)``: a hashable value naming the static picture (say, the
      mode); default ``None``, one background;
    - ``draw_background(state)``: updates the static artists; called by :meth:`update`
      only when ``background_key(state)`` changes;
    - ``draw_dynamic(state)``: updates the dynamic artists; called on every update.

    :meth:`render_rgba` keeps the pixels of the static artists for the last
    ``max_backgrounds`` keys and draws only the dynamic artists over them (blitting).
    A blitted picture equals a full redraw only if the drawing keeps these rules:

    1. No static artist above a dynamic one where they overlap: the dynamic artists are
       drawn over the cached background, whatever their zorder. A label inside a moving
       highlight must move with it (be dynamic too).
    2. A dynamic shaded span covers what lies under it in the background, including the
       axes' spines and grid: make the spines dynamic (:meth:`add_dynamic_spines`), and
       leave the grid out of axes that have moving patches.
    3. ``draw_background`` changes static artists only, ``draw_dynamic`` dynamic ones only;
       anything that moves ticks or tick labels (axis limits) belongs in the background.
    4. Everything the background depends on is in ``background_key``; a state with an
       equal key must give the same static pixels.
    5. Text is the costly part of a blit: keep labels static and redraw only the numbers.
    6. A drawing whose figure size depends on the state (say, one per mode) is one
       drawing per size; the App chooses between them (``App._drawing_for``).
    7. Draw on an Agg figure from :func:`new_figure`, never pyplot.

    Examples
    --------
    >>> class Dot(Drawing):
    ...     def __init__(self):
    ...         super().__init__(new_figure(2, 1))
    ...         self.ax = self.figure.add_axes([0.1, 0.2, 0.8, 0.7])
    ...         (self.dot,) = self.add_dynamic(*self.ax.plot([0], [0], "o"))
    ...     def background_key(self, state):
    ...         return state["scale"]
    ...     def draw_background(self, state):
    ...         self.ax.set_xlim(0, state["scale"])
    ...     def draw_dynamic(self, state):
    ...         self.dot.set_data([state["x"]], [0.5])
    >>> drawing = Dot()
    >>> drawing.render_rgba({"scale": 10, "x": 3}).shape
    (90, 180, 4)
    >>> drawing.dot.get_xdata()[0], [float(v) for v in drawing.ax.get_xlim()]
    (3, [0.0, 10.0])
    """

    max_backgrounds = 12

    def __init__(self, figure):
        self.figure = figure
        self.dynamic = []
        self._key = _UNSET  # background key of what the static artists show now
        self._backgrounds = {}  # background_key -> pixels of everything but `dynamic`
        self._renderer = None

    def add_dynamic(self, *artists):
        """Mark ``artists`` as changing on every tick; returns them (a tuple)."""
        self.dynamic.extend(artists)
        return artists

    def add_dynamic_spines(self, *axes):
        """Redraw the spines of ``axes`` on every tick (rule 2: a moving span covers them)."""
        for ax in axes:
            self.add_dynamic(*ax.spines.values())

    def background_key(self, state):
        """A hashable value; the static background is redrawn when it changes."""
        return None

    def draw_background(self, state):
        """Update the static artists to ``state`` (only when its background key changes)."""

    def draw_dynamic(self, state):  # pragma: no cover - abstract
        """Update the dynamic artists to ``state`` (every tick)."""
        raise NotImplementedError

    def update(self, state):
        """Bring every artist to ``state``: the background if its key changed, then the rest."""
        key = self.background_key(state)
        if key != self._key:
            self.draw_background(state)
            self._key = key
        self.draw_dynamic(state)

    def render_rgba(self, state):
        """Update the artists to ``state`` and return the rendered ``(H, W, 4)`` pixels.

        Returns a view of the canvas buffer; copy it to keep it past the next render.
        """
        self.update(state)
        canvas = self.figure.canvas
        key = self.background_key(state)
        renderer = canvas.get_renderer()
        if renderer is not self._renderer:  # a new size or dpi: cached pixels are stale
            self._backgrounds.clear()
            self._renderer = renderer
        background = self._backgrounds.pop(key, None)
        if background is None:
            for artist in self.dynamic:
                artist.set_animated(True)
            try:
                canvas.draw()
            finally:
                # Animated artists are skipped by a normal draw; switch them back so that
                # savefig (and the notebook's inline display) shows the whole picture.
                for artist in self.dynamic:
                    artist.set_animated(False)
            background = canvas.copy_from_bbox(self.figure.bbox)
            self._renderer = canvas.get_renderer()
        else:
            canvas.restore_region(background)
        self._backgrounds[key] = background  # most recently used last
        while len(self._backgrounds) > self.max_backgrounds:
            del self._backgrounds[next(iter(self._backgrounds))]
        # In z-order over the whole background: a full redraw gives the same picture as
        # long as the rules in the class docstring hold (the tests compare the two).
        for artist in sorted(self.dynamic, key=lambda a: a.get_zorder()):
            self.figure.draw_artist(artist)
        return np.asarray(canvas.buffer_rgba())

    def render_png(self, state):
        """PNG bytes of the figure at ``state`` (see :func:`encode_png`)."""
        return encode_png(self.render_rgba(state))

    def figure_at(self, state):
        """The whole figure at ``state`` (for the static ``*_figure`` functions)."""
        self.update(state)
        return self.figure


class App:
    """A thin interactive shell: controls -> ``compute`` -> ``state`` -> drawing -> PNG.

    Parameters
    ----------
    controls : dict of str to ipywidgets.ValueWidget
        The controls, by name; their current values are passed to ``compute``.
    compute : callable
        ``compute(**values) -> dict``, the state shown (pure, no drawing).
    drawing : Drawing
        Updates its artists from the state and renders them. A subclass whose layout
        depends on the state (say, one figure per mode) overrides ``_drawing_for``.
    prerender : sequence of dict, optional
        States whose static backgrounds are drawn ahead, at construction, so that no
        later update pays for a full redraw (e.g. one state per mode).
    rows : sequence of sequences, optional
        The controls' layout: one line per row, each a list of control names and other
        widgets (say, an ``ipywidgets.HTML`` note beside the control it explains).
        Default: every control on one line.

    Attributes
    ----------
    widget : ipywidgets.VBox
        What a notebook cell displays (an ``App`` also displays itself as this widget):
        the rows of controls, then the image.
    controls, state : dict
        The controls by name, and the values computed at the current settings.
    drawing, figure
        The drawing showing ``state``, and its figure.
    png : bytes
        The picture currently shown.
    """

    def __init__(self, controls, compute, drawing, prerender=(), rows=None):
        import ipywidgets

        self.controls = dict(controls)
        self.drawing = drawing
        self._compute = compute
        self._holding = False
        self._settling = False
        self.state = {}
        self.png = b""
        self.image = ipywidgets.Image(format="png", layout=ipywidgets.Layout(max_width="100%"))
        rows = [list(self.controls)] if rows is None else rows
        self.rows = [ipywidgets.HBox([self.controls[item] if isinstance(item, str) else item
                                      for item in row],
                                     layout=ipywidgets.Layout(flex_flow="row wrap"))
                     for row in rows]
        self.widget = ipywidgets.VBox([*self.rows, self.image])
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        for state in prerender:
            self._drawing_for(state).render_rgba(state)
        self.update()

    @property
    def figure(self):
        """The figure of the drawing currently shown."""
        return self.drawing.figure

    def _drawing_for(self, state):
        """Hook: the drawing that shows ``state`` (one per layout, e.g. per mode)."""
        return self.drawing

    def values(self):
        """The controls' current values, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def update(self):
        """Recompute the state from the controls, redraw, and show the new PNG."""
        self.state = self._compute(**self.values())
        self.drawing = self._drawing_for(self.state)
        self.png = self.drawing.render_png(self.state)
        self.image.value = self.png
        return self.state

    def replace_control(self, name, control):
        """Put ``control`` where control ``name`` is, in ``controls`` and on screen.

        The way to change a slider's range (see :meth:`_settle`): a live slider whose
        ``max`` changes keeps its old range for the keyboard in the browser (End jumps to
        the old maximum), while a new slider knows its range from the start.
        """
        old = self.controls[name]
        old.unobserve(self._on_change, names="value")
        for row in self.rows:
            if old in row.children:
                row.children = tuple(control if c is old else c for c in row.children)
        self.controls[name] = control
        control.observe(self._on_change, names="value")
        old.close()
        return control

    def set_range(self, name, low, high, value):
        """Give slider ``name`` the range ``low..high`` and ``value``, without an update.

        For :meth:`_settle`. A new range gets a new slider of the same kind and
        description (:meth:`replace_control`), so that End and Home reach the new limits.
        """
        old = self.controls[name]
        if (old.min, old.max) != (low, high):
            self.replace_control(name, type(old)(
                value=value, min=low, max=high, step=old.step, description=old.description,
                continuous_update=old.continuous_update, readout=old.readout))
        self.controls[name].value = value

    @contextlib.contextmanager
    def hold(self):
        """Context manager: change several controls, then update once at the end."""
        previous, self._holding = self._holding, True
        try:
            yield self
        finally:
            self._holding = previous
        if not previous:
            self.update()

    def _settle(self, change):
        """Hook: bring dependent controls in line (e.g. a slider's range) after ``change``.

        Runs on every change, even inside :meth:`hold`, so that a slider's range is right
        before the next value is set; control changes made here cause no updates. Change
        a slider's range with :meth:`set_range`, not by setting ``min``/``max``.
        """

    def _on_change(self, change):
        if self._settling:
            return
        self._settling = True
        try:
            self._settle(change)
        finally:
            self._settling = False
        if not self._holding:
            self.update()

    def _repr_mimebundle_(self, **kwargs):
        return self.widget._repr_mimebundle_(**kwargs)
