"""Pooling. STUB: being written."""


def pool1d(x, size, stride=None, *, kind="max", padding=0, ceil_mode=False):
    raise NotImplementedError


def pool1d_backward(dout, x, size, stride=None, *, kind="max", padding=0, ceil_mode=False):
    raise NotImplementedError


def pool2d(x, size, stride=None, *, kind="max", padding=0, ceil_mode=False):
    raise NotImplementedError


def pool2d_backward(dout, x, size, stride=None, *, kind="max", padding=0, ceil_mode=False):
    raise NotImplementedError


def channel_pool(x, group, *, kind="max", axis=1):
    raise NotImplementedError


def adaptive_pool2d(x, output_size, *, kind="max"):
    raise NotImplementedError
