"""Interactive demos for the chapter notebooks: each a plain drawing plus a thin App.

Every demo comes in two forms that share one drawing code path:

- ``*_figure(**settings)`` returns a static Agg ``matplotlib.figure.Figure`` (for readers
  without a kernel, e.g. on GitHub);
- ``*_demo(**settings)`` returns an :class:`App`: ``app.widget`` to display,
  ``app.controls`` (name -> ipywidgets control), ``app.state`` (the numbers shown) and
  ``app.update()``.

Demos: :func:`flip_demo` (2-D convolution vs cross-correlation, section 9.1, Eqs. 9.4-9.6)
and :func:`sliding_demo` (the spaceship sensor, Eqs. 9.1-9.3).
"""

from ._app import App, Drawing
from .flip import flip_demo, flip_figure, flip_state
from .sliding import sliding_demo, sliding_figure, sliding_state

__all__ = ["App", "Drawing", "flip_demo", "flip_figure", "flip_state",
           "sliding_demo", "sliding_figure", "sliding_state"]
