"""Interactive demos for the chapter notebooks: each a plain drawing plus a thin App.

Every demo comes in two forms that share one drawing code path:

- ``*_figure(**settings)`` returns a static Agg ``matplotlib.figure.Figure`` (for readers
  without a kernel, e.g. on GitHub);
- ``*_demo(**settings)`` returns an :class:`App`: ``app.widget`` to display,
  ``app.controls`` (name -> ipywidgets control), ``app.state`` (the numbers shown) and
  ``app.update()``.

Demos: :func:`flip_demo` (2-D convolution vs cross-correlation, section 9.1, Eqs. 9.4-9.6)
and :func:`sliding_demo` (the spaceship sensor, Eqs. 9.1-9.3); :func:`connectivity_demo`
(sparse interactions and receptive fields, section 9.2, Figures 9.2-9.4);
:func:`equivariance_demo` (f(g(I)) against g(f(I)) for shifts, rotations and scalings,
section 9.2); :func:`sharing_demo` (parameter sharing seen in the weight matrix W,
Figure 9.5, with :func:`sharing_counts` for the note's 1000x1000 image);
:func:`pooling_demo` (invariance to small translations and pooling with downsampling,
section 9.3, Figures 9.8 and 9.10); :func:`invariance_demo` (learned invariance to
rotation: three detectors tuned to a '5' at three angles and a max over them, section 9.3,
Figure 9.9, with :func:`rendered_digit`).

The kit a new demo is built from: :class:`Drawing` (static/dynamic bookkeeping and
blitting; its docstring has the rules), :class:`App` (controls in rows, state, PNG),
:func:`new_figure` and :func:`inch_axes`, and the primitives :class:`NumberGrid` (a grid
of numbers with a moving window), :class:`LayeredNetwork` (rows of units and edges, a
highlighted set) and :class:`ParameterMatrix` (a matrix coloured by parameter id).
"""

from ._app import App, Drawing, inch_axes, new_figure
from .connectivity import connectivity_demo, connectivity_figure, connectivity_state
from .equivariance import equivariance_demo, equivariance_figure, equivariance_state
from .flip import flip_demo, flip_figure, flip_state
from .grid import NumberGrid
from .invariance import invariance_demo, invariance_figure, invariance_state, rendered_digit
from .network import LayeredNetwork
from .pooling_demo import pooling_demo, pooling_figure, pooling_state
from .prior import prior_demo, prior_figure, prior_state
from .sharing import sharing_counts, sharing_demo, sharing_figure, sharing_state
from .sliding import sliding_demo, sliding_figure, sliding_state
from .tied import ParameterMatrix, parameter_colors

__all__ = ["App", "Drawing", "new_figure", "inch_axes", "NumberGrid", "LayeredNetwork",
           "ParameterMatrix", "parameter_colors", "flip_demo", "flip_figure", "flip_state",
           "sliding_demo", "sliding_figure", "sliding_state",
           "connectivity_demo", "connectivity_figure", "connectivity_state",
           "equivariance_demo", "equivariance_figure", "equivariance_state",
           "sharing_demo", "sharing_figure", "sharing_state", "sharing_counts",
           "pooling_demo", "pooling_figure", "pooling_state",
           "invariance_demo", "invariance_figure", "invariance_state", "rendered_digit",
           "prior_demo", "prior_figure", "prior_state"]
