"""Output sizes, receptive fields, parameter and FLOP counts. STUB: being written."""


def conv_output_size(n, k, *, stride=1, padding=0, dilation=1, ceil_mode=False):
    raise NotImplementedError


def receptive_field(layers):
    raise NotImplementedError


def dense_layer_cost(*args, **kwargs):
    raise NotImplementedError


def local_layer_cost(*args, **kwargs):
    raise NotImplementedError


def conv_layer_cost(*args, **kwargs):
    raise NotImplementedError
