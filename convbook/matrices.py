"""The matrix view of convolution. STUB: being written."""


def conv_matrix(kernel, input_shape, mode="valid", *, boundary="fill", sparse=False):
    raise NotImplementedError
