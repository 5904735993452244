"""convbook: convolution and pooling for Deep Learning, chapter 9 (sections 9.1-9.4).

Single-channel operations use SciPy's words, layer operations use torch's (NCHW).
Every public name is re-exported here; the modules behind them are private in spirit.
"""

from .arithmetic import (
    conv_output_size,
    receptive_field,
    dense_layer_cost,
    local_layer_cost,
    conv_layer_cost,
)
from .layers import conv2d, conv2d_backward, local2d, local2d_backward
from .matrices import conv_matrix
from .pooling import (
    adaptive_pool2d,
    channel_pool,
    pool1d,
    pool1d_backward,
    pool2d,
    pool2d_backward,
)
from .signal import convolve1d, convolve2d, correlate1d, correlate2d

__version__ = "0.1.0"

# The notebook-side modules pull in matplotlib and ipywidgets; load them on first use so
# `import convbook` stays cheap for library users. Only modules that exist belong here:
# a missing one would make `hasattr(convbook, name)` raise ModuleNotFoundError.
_LAZY_MODULES = ("widgets", "check", "data", "nn")


def __getattr__(name):
    if name in _LAZY_MODULES:
        import importlib

        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

__all__ = [
    "correlate1d", "convolve1d", "correlate2d", "convolve2d",
    "conv2d", "conv2d_backward", "local2d", "local2d_backward",
    "pool1d", "pool1d_backward", "pool2d", "pool2d_backward",
    "channel_pool", "adaptive_pool2d",
    "conv_matrix",
    "conv_output_size", "receptive_field",
    "dense_layer_cost", "local_layer_cost", "conv_layer_cost",
]
