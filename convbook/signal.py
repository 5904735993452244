"""Single-channel correlation and convolution (SciPy's words). STUB: being written."""


def correlate1d(x, k, mode="valid"):
    raise NotImplementedError


def convolve1d(x, k, mode="valid"):
    raise NotImplementedError


def correlate2d(image, kernel, mode="valid", boundary="fill", fillvalue=0.0):
    raise NotImplementedError


def convolve2d(image, kernel, mode="valid", boundary="fill", fillvalue=0.0):
    raise NotImplementedError
