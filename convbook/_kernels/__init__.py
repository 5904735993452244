"""Numba kernels: compiled loops with no defaults and no validation.

One module per public module (signal, layers, pooling). Kernels trust their inputs:
the public wrappers validate, pad and allocate before calling them.

Every kernel is compiled through :func:`njit` below, ``numba.njit`` with ``cache=True``
that still works where no cache can be written.
"""

import warnings

import numba

__all__ = ["njit"]

_warned = []


def njit(**options):
    """``numba.njit(cache=True, **options)``, falling back to ``cache=False``.

    Numba raises ``RuntimeError: cannot cache function ...: no locator available`` when
    neither the package's ``__pycache__`` nor ``NUMBA_CACHE_DIR`` nor the user's cache
    directory is writable (a read-only install with a read-only home). ``import
    convbook`` must work there too: the kernels are then compiled in every process, and
    one warning says so.
    """
    def decorate(func):
        try:
            return numba.njit(cache=True, **options)(func)
        except RuntimeError as error:
            if "cannot cache" not in str(error):
                raise
            if not _warned:
                _warned.append(True)
                warnings.warn(
                    f"convbook: Numba cannot write a cache ({error}); compiling without "
                    f"one, so each new process compiles the kernels again. Set "
                    f"NUMBA_CACHE_DIR to a writable directory to cache them.",
                    RuntimeWarning, stacklevel=2)
            return numba.njit(cache=False, **options)(func)

    return decorate
