"""NCHW layers (torch's words). STUB: being written."""


def conv2d(x, w, b=None, *, stride=1, padding=0, dilation=1):
    raise NotImplementedError


def conv2d_backward(dout, x, w, *, stride=1, padding=0, dilation=1):
    raise NotImplementedError


def local2d(x, w, b=None, *, stride=1, padding=0, dilation=1):
    raise NotImplementedError


def local2d_backward(dout, x, w, *, stride=1, padding=0, dilation=1):
    raise NotImplementedError
