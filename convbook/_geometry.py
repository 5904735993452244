"""Convolution geometry, in one place: output lengths, mode padding, window-fit checks.

Every module that slides a window (``signal``, ``matrices``, ``layers``, ``pooling``,
``arithmetic`` and the widgets) asks these questions, and asks them here:

- how long is the output? (:func:`output_length`, :func:`mode_output_length`);
- how much padding does a SciPy mode add on each side? (:func:`mode_padding`, which holds
  SciPy's off-centre rule for even kernels in ``'same'``), and torch's ``padding='same'``?
  (:func:`same_padding`);
- does the window fit in the padded input at all? (:func:`check_window_fits`, whose error
  names the caller's own arguments).

Plain ints in, plain ints out: callers validate their arguments first.
"""

__all__ = ["MODES", "BOUNDARIES", "BOUNDARY_ALIASES", "BOUNDARY_NAMES", "canonical_boundary",
           "mode_padding", "same_padding", "mode_output_length", "output_length",
           "check_window_fits"]

#: SciPy's modes for single-channel correlation and convolution.
MODES = ("valid", "same", "full")

#: SciPy's border rules, with their long names as SciPy spells them.
BOUNDARIES = ("fill", "wrap", "symm")
BOUNDARY_ALIASES = {"circular": "wrap", "symmetric": "symm"}
#: Every name ``scipy.signal.correlate2d`` accepts for ``boundary``: what an error lists.
BOUNDARY_NAMES = BOUNDARIES + tuple(BOUNDARY_ALIASES)


def canonical_boundary(boundary):
    """``'circular'`` -> ``'wrap'``, ``'symmetric'`` -> ``'symm'``; anything else as is."""
    return BOUNDARY_ALIASES.get(boundary, boundary) if isinstance(boundary, str) else boundary


def mode_padding(k, mode, *, flipped=False, one_d=False):
    """``(before, after)`` zero cells that make a 'valid' correlation give ``mode``.

    A kernel of length ``k``. 'full' pads ``k - 1`` on each side; 'valid' pads nothing;
    'same' is SciPy's window of the 'full' output, which starts at ``k // 2`` for
    ``scipy.signal.correlate2d`` but at ``(k - 1) // 2`` for ``convolve2d`` (``flipped``)
    and for the 1-D functions (``one_d``). The two differ only for even ``k``.

    Examples
    --------
    >>> mode_padding(3, "same"), mode_padding(4, "same"), mode_padding(4, "same", flipped=True)
    ((1, 1), (1, 2), (2, 1))
    >>> mode_padding(3, "full"), mode_padding(3, "valid")
    ((2, 2), (0, 0))
    """
    if mode == "valid":
        return 0, 0
    if mode == "full":
        return k - 1, k - 1
    start = (k - 1) // 2 if flipped or one_d else k // 2
    return k - 1 - start, start


def same_padding(span):
    """``(before, after)`` zeros of torch's ``padding='same'`` (stride 1): ``span - 1`` in
    all, half before and the rest after, so an even span gets one more after.

    >>> same_padding(3), same_padding(4), same_padding(1)
    ((1, 1), (1, 2), (0, 0))
    """
    return (span - 1) // 2, span - 1 - (span - 1) // 2


def mode_output_length(n, k, mode):
    """Output length of a SciPy-mode correlation: ``n - k + 1``, ``n`` or ``n + k - 1``.

    >>> [mode_output_length(5, 3, m) for m in MODES]
    [3, 5, 7]
    """
    before, after = mode_padding(k, mode)
    return n + before + after - k + 1


def output_length(n, span, stride=1, padding=0, ceil_mode=False, names=None):
    """Output length of a strided window: ``floor((n + 2 p - span) / s) + 1``.

    ``span = dilation * (k - 1) + 1`` is the window's extent. With ``ceil_mode`` the
    division rounds up, but a window that would start in the right padding is dropped
    (torch's rule).

    The window must fit the padded input; when it does not, :func:`check_window_fits`
    raises, worded with ``names = (window, input, axis, fix)``, the caller's own
    argument names and remedy (generic words without them). Checking here costs the
    callers that need a length one int comparison and no extra call.

    >>> output_length(320, 2), output_length(6, 3, 2), output_length(6, 3, 2, ceil_mode=True)
    (319, 2, 3)
    >>> output_length(3, 4, names=("size", "x", "axis -1", "use a smaller size"))
    Traceback (most recent call last):
    ...
    ValueError: `size` spans 4 cells along axis -1 but `x` has only 3; use a smaller size
    """
    room = n + 2 * padding - span
    if room < 0:
        window, input, axis, fix = names or ("window", "input", "", _GENERIC_FIX)
        check_window_fits(n, span, padding, window=window, input=input, axis=axis, fix=fix)
    if not ceil_mode:
        return room // stride + 1
    return min(-(-room // stride) + 1, -(-(n + padding) // stride))  # starts < n + padding


_GENERIC_FIX = "use a smaller window, or more padding"


def check_window_fits(n, span, padding=0, *, window, input, axis="", fix):
    """Raise a ValueError unless a window of ``span`` cells fits ``n + 2 * padding`` cells.

    ``window`` and ``input`` are the caller's own argument names (e.g. ``"kernel"`` and
    ``"image"``, or ``"size"`` and ``"x"``), ``axis`` says which axis (e.g. ``"height"``
    or ``"axis -1"``; empty for 1-D input) and ``fix`` is the remedy offered at the end
    of the message. Callers on a hot path reach it through :func:`output_length`, or
    guard the call with their own comparison so that success costs no call.

    >>> check_window_fits(3, 5, window="k", input="x", fix="use mode='full'")
    Traceback (most recent call last):
    ...
    ValueError: `k` spans 5 cells but `x` has only 3; use mode='full'
    """
    room = n + 2 * padding
    if span <= room:
        return
    along = f" along {axis}" if axis else ""
    padded = f"the padded `{input}`" if padding else f"`{input}`"
    detail = f" ({n} + 2 * padding {padding})" if padding else ""
    raise ValueError(f"`{window}` spans {span} cells{along} but {padded} has only "
                     f"{room}{detail}; {fix}")
