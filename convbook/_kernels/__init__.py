"""Numba kernels: @njit(cache=True) loops with no defaults and no validation.

One module per public module (signal, layers, pooling). Kernels trust their inputs:
the public wrappers validate, pad and allocate before calling them.
"""
