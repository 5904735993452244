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

__all__ = ["App", "Drawing", "NotebookFigure", "new_figure", "encode_png", "format_number"]

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
    """Base class of a plain drawing: artists made once, updated from a state dict.

    Subclasses build their artists in ``__init__`` (after calling this one), list the
    artists that change on every tick in ``self.dynamic``, and implement ``update``. They
    may override ``background_key`` to say which part of the state the rest depends on;
    the backgrounds of the last ``max_backgrounds`` keys are kept, so going back to an
    earlier mode costs a blit, not a full redraw.
    """

    max_backgrounds = 12

    def __init__(self, figure):
        self.figure = figure
        self.dynamic = []
        self._backgrounds = {}  # background_key -> pixels of everything but `dynamic`
        self._renderer = None

    def update(self, state):  # pragma: no cover - abstract
        raise NotImplementedError

    def background_key(self, state):
        """A hashable value; the static background is redrawn when it changes."""
        return None

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
        # Drawn over the whole background, in z-order; a full redraw gives the same picture
        # as long as no static artist sits above a dynamic one (the tests compare the two).
        for artist in sorted(self.dynamic, key=lambda a: a.get_zorder()):
            self.figure.draw_artist(artist)
        return np.asarray(canvas.buffer_rgba())

    def render_png(self, state):
        """PNG bytes of the figure at ``state`` (see :func:`encode_png`)."""
        return encode_png(self.render_rgba(state))


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

    Attributes
    ----------
    widget : ipywidgets.VBox
        What a notebook cell displays (an ``App`` also displays itself as this widget).
    controls, state : dict
        The controls by name, and the values computed at the current settings.
    drawing, figure
        The drawing showing ``state``, and its figure.
    png : bytes
        The picture currently shown.
    """

    def __init__(self, controls, compute, drawing, prerender=()):
        import ipywidgets

        self.controls = dict(controls)
        self.drawing = drawing
        self._compute = compute
        self._holding = False
        self._settling = False
        self.state = {}
        self.png = b""
        self.image = ipywidgets.Image(format="png", layout=ipywidgets.Layout(max_width="100%"))
        self.widget = ipywidgets.VBox(
            [ipywidgets.HBox(list(self.controls.values()),
                             layout=ipywidgets.Layout(flex_flow="row wrap")),
             self.image]
        )
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
        before the next value is set; control changes made here cause no updates.
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
