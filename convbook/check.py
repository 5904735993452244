"""Exercise self-checks: print a clear verdict, return a bool, never raise.

Every chapter's exercises end with a call such as ``check(lambda: my_conv(x, k),
expected, name="my_conv")``. The learner's code runs *inside* the checker, so a stub
that still raises ``NotImplementedError`` becomes a hint instead of a traceback, and a
notebook full of unfinished exercises still runs top to bottom in CI.

Verdicts, one line each:

- ``PASS  name: exact``
- ``PASS  name: approximately equal (largest difference 2.2e-16 at index [0, 1])``
- ``TODO  name: not written yet ...`` (the stub raised ``NotImplementedError``)
- ``FAIL  name: <what is wrong>``: the exception your code raised, ``None`` returned,
  a shape mismatch (both shapes, and a hint when the exercise names that shape), a dtype
  issue (with advice that follows the expected kind: numbers or text), NaNs present, or
  wrong values with the largest difference and where it is, or an argument the function
  changed in place (an exercise function must not corrupt its caller's data).

Known mistakes: every entry point takes ``mistakes``, a table ``{description: wrong
reference}``. When an answer fails but equals one of these wrong references on the failing
case, the verdict names it, e.g. ``FAIL  conv: known mistake: the cross-correlation (no
flip): flip the kernel (your answer equals it on this case); wrong values: ...``. A chapter
lists the mistakes its readers are likely to make, and the learner gets the diagnosis
instead of a bare difference.

Three entry points: :func:`check` (one answer), :func:`check_function` (a function against
a reference on several cases) and :func:`check_causal` (a filter over a sequence of
readings, which must also never look into the future).
"""

import copy

import numpy as np

__all__ = ["check", "check_function", "check_causal"]

_TODO = ("not written yet: replace `raise NotImplementedError` with your code, "
         "then rerun this cell")


def _safe_repr(value, limit=70):
    try:
        text = repr(value)
    except Exception:  # a learner's object may have a broken __repr__
        text = f"<{type(value).__name__} object>"
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _error_text(error):
    try:
        message = str(error)
    except Exception:
        message = ""
    message = " ".join(message.split())
    if len(message) > 100:
        message = message[:97] + "..."
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


def _as_array(value):
    """(array, None) for something numpy can read, else (None, reason)."""
    if value is None:
        return None, "is None; did the function forget to `return` its result?"
    try:
        with np.errstate(all="ignore"):
            array = np.asarray(value)
    except Exception as error:  # ragged lists, objects whose __array__ fails, ...
        return None, (
            f"could not be read as an array ({_ragged_or(error)}); "
            f"return a numpy array or a list of equal-length rows"
        )
    return array, None


def _ragged_or(error):
    text = _error_text(error)
    return "its rows have different lengths" if "inhomogeneous" in text else text


def _kind(array):
    """'number', 'text' or 'other' (object arrays, structured dtypes...)."""
    if array.dtype.kind in "biufc":
        return "number"
    if array.dtype.kind in "US":
        return "text"
    return "other"


def _advice(want_kind):
    """(what, advice): what to return, in the words of the expected value's kind."""
    if want_kind == "text":
        return "text", "return text, e.g. a numpy array of strings (`.astype(str)`)"
    return "numeric", "return numbers, e.g. a numpy float array"


def _shape_hints(hints):
    """{shape tuple: hint text} from what an exercise passed; {} if unreadable."""
    if hints is None:
        return {}
    try:
        return {tuple(int(n) for n in shape): str(text) for shape, text in dict(hints).items()}
    except Exception:  # a broken hint table must not hide the verdict
        return {}


def _shape_hint(got_shape, want_shape, hints):
    """' (hint)' for a wrong shape: the exercise's own hint for that shape, else a generic one."""
    if got_shape in hints:
        return f" ({hints[got_shape]})"
    if int(np.prod(got_shape)) == int(np.prod(want_shape)):
        return " (same number of entries: check the orientation, a transpose or a reshape)"
    return ""


def _index_text(index, ndim):
    """' at index [i, j]', or '' for a scalar."""
    if ndim == 0:
        return ""
    return " at index [" + ", ".join(str(int(i)) for i in index) + "]"


def _compare(got, want, rtol, atol, hints=None):
    """(ok, message) for two arrays. May raise only on truly exotic input (caught above)."""
    got_kind, want_kind = _kind(got), _kind(want)
    if want_kind == "other":
        # Expected values numpy cannot compare element-wise: fall back to ==.
        same = bool(np.all(got == want)) if got.shape == want.shape else False
        return (same, "exact") if same else (False, f"wrong value: got {_safe_repr(got)}")
    if got_kind != want_kind:
        return False, (
            f"dtype issue: got dtype {got.dtype} ({got_kind}), expected {want_kind}s "
            f"like {want.dtype}; got {_safe_repr(got.tolist() if got.ndim else got)}"
        )
    if got.shape != want.shape:
        # A shape is only named ('full', 'same', transposed...) when the exercise says which
        # shape that is: a blind guess from the sizes alone misleads more than it helps.
        hint = _shape_hint(got.shape, want.shape, hints or {})
        return False, f"shape mismatch: got {got.shape}, expected {want.shape}{hint}"
    if want_kind == "text":
        wrong = np.argwhere(got != want)
        if len(wrong) == 0:
            return True, "exact"
        first = tuple(wrong[0])
        return False, (
            f"wrong values: {len(wrong)} of {want.size} entries differ; first"
            f"{_index_text(first, want.ndim)}: got {str(got[first])!r}, expected {str(want[first])!r}"
        )
    if got.dtype.kind == "c" and want.dtype.kind != "c":
        if np.any(got.imag != 0):
            return False, ("dtype issue: the answer is complex with a nonzero imaginary part; "
                           "expected real numbers")
        got = got.real
    with np.errstate(all="ignore"):
        got_nan, want_nan = np.isnan(got), np.isnan(want)
        extra_nan = got_nan & ~want_nan
        if extra_nan.any():
            where = _index_text(np.argwhere(extra_nan)[0], got.ndim)
            return False, (
                f"NaNs present: {int(extra_nan.sum())} of {got.size} entries are NaN "
                f"where a number was expected (first{where})"
            )
        if (want_nan & ~got_nan).any():
            where = _index_text(np.argwhere(want_nan & ~got_nan)[0], got.ndim)
            return False, f"wrong values: expected NaN{where}, got a number"
        if np.array_equal(got, want, equal_nan=True):
            return True, "exact"
        g = got.astype(np.complex128 if got.dtype.kind == "c" else np.float64)
        w = want.astype(np.complex128 if want.dtype.kind == "c" else np.float64)
        same_inf = np.isinf(g) & (g == w)
        diff = np.where(got_nan | same_inf, 0.0, np.abs(g - w))
        diff = np.where(np.isnan(diff), np.inf, diff)
        close = np.isclose(g, w, rtol=rtol, atol=atol, equal_nan=True)
    worst = np.unravel_index(int(np.argmax(diff)), diff.shape) if diff.ndim else ()
    where = _index_text(worst, diff.ndim)
    largest = float(diff[worst])
    if close.all():
        return True, f"approximately equal (largest difference {largest:.2g}{where})"
    got_text, want_text = _number_pair(got[worst].item(), want[worst].item())
    if close.ndim == 0:
        return False, f"wrong value: got {got_text}, expected {want_text}"
    return False, (
        f"wrong values: {int((~close).sum())} of {close.size} entries differ; largest "
        f"difference {largest:.3g}{where}: got {got_text}, expected {want_text}"
    )


def _number_pair(got, want):
    """Two numbers as a verdict shows them: integers as integers, others to 6 significant
    digits, or more when 6 would make two different numbers look alike."""
    def text(value, digits):
        if isinstance(value, (bool, int)) or (isinstance(value, float) and value.is_integer()
                                               and abs(value) < 1e15):
            return str(int(value))
        if isinstance(value, float):
            return f"{value:.{digits}g}"
        return _safe_repr(value)

    for digits in (6, 12, 17):
        pair = text(got, digits), text(want, digits)
        if pair[0] != pair[1]:
            break
    return pair


def _copied(value):
    """A deep copy, so that code under test cannot change what another party sees."""
    try:
        return copy.deepcopy(value)
    except Exception:  # an uncopyable object: share it, as before
        return value


def _changed_arguments(before, after):
    """1-based positions of the array arguments that differ between two copies."""
    changed = []
    for number, (old, new) in enumerate(zip(before, after), start=1):
        try:
            if isinstance(old, (np.ndarray, list)) and not np.array_equal(
                    np.asarray(old), np.asarray(new), equal_nan=True):
                changed.append(number)
        except Exception:  # incomparable: say nothing rather than guess
            pass
    return changed


def _run(func, *args):
    """(answer, None), or (None, (status, message)) when ``func`` raised.

    Everything but ``KeyboardInterrupt`` is caught, ``SystemExit`` included: an exercise
    that calls ``exit()`` gets a verdict, not a dead kernel.
    """
    try:
        return func(*args), None
    except NotImplementedError:
        return None, ("TODO", _TODO)
    except KeyboardInterrupt:
        raise
    except BaseException as error:
        return None, ("FAIL", f"your code raised {_error_text(error)}")


def _reference_failed(failed):
    """The verdict's words for a reference that raised (``failed`` from :func:`_run`)."""
    error = failed[1].removeprefix("your code raised ")
    return f"the reference failed ({error}; a bug in the exercise, not in your code)"


def _mistake_table(mistakes):
    """[(description, wrong reference)] from what an exercise passed; [] if unreadable."""
    if mistakes is None:
        return []
    try:
        return [(str(text), wrong) for text, wrong in dict(mistakes).items()]
    except Exception:  # a broken table must not hide the verdict
        return []


def _known_mistake(got, table, make_wrong, rtol, atol):
    """The description of the first mistake whose result equals ``got``, else None.

    ``make_wrong(wrong)`` computes one mistake's result (on a fresh copy of the case's
    arguments); a mistake that raises, or whose result cannot be compared, is skipped.
    """
    for text, wrong in table:
        try:
            result, failed = _run(lambda: make_wrong(wrong))
            if failed:
                continue
            result, reason = _as_array(_copied(result))
            if reason or _kind(result) == "other" or _kind(result) != _kind(got):
                continue
            if _compare(got, result, rtol, atol)[0]:
                return text
        except KeyboardInterrupt:
            raise
        except BaseException:  # a mistake table's own bug must not hide the verdict
            continue
    return None


def _named(message, mistake):
    """The verdict's message, led by the known mistake it matches (if any)."""
    if mistake is None:
        return message
    return f"known mistake: {mistake} (your answer equals it on this case); {message}"


def _in_place_text(changed):
    which = ", ".join(str(n) for n in changed)
    return (f"your function changed its argument {which} in place (an exercise function must "
            f"not change its caller's data); work on a copy, e.g. `x = np.array(x)`")


def _verdict(answer, expected, rtol, atol, hints=None, table=(), make_wrong=None):
    """(status, message) where status is 'PASS', 'FAIL' or 'TODO'.

    A failing answer that equals one of the known mistakes in ``table`` (each computed by
    ``make_wrong(wrong)``) gets that mistake named in the message.
    """
    expected = _copied(expected)  # a view of data the learner's code may change in place
    if callable(answer):
        answer, failed = _run(answer)
        if failed:
            return failed
    got, reason = _as_array(answer)
    if reason:
        return "FAIL", f"the answer {reason}"
    want, reason = _as_array(expected)
    if reason:
        return "FAIL", f"the checker's expected value {reason} (a bug in the exercise, not in your code)"
    if _kind(got) == "other" and _kind(want) != "other":
        what, advice = _advice(_kind(want))
        return "FAIL", (
            f"dtype issue: the answer is not {what} (dtype {got.dtype}): "
            f"{_safe_repr(answer)}; {advice}"
        )
    ok, message = _compare(got, want, rtol, atol, hints)
    if ok:
        return "PASS", message
    mistake = _known_mistake(got, table, make_wrong, rtol, atol) if table and make_wrong else None
    return "FAIL", _named(message, mistake)


def _function_case(func, reference, args, rtol, atol, shape_hints, table=()):
    """(status, message) for one case of :func:`check_function`."""
    # The reference and the learner each get their own copy of the arguments, and the
    # reference's answer is copied too: an in-place edit by the learner changes neither.
    want, failed = _run(reference, *_copied(args))
    if failed:
        return "FAIL", _reference_failed(failed)
    want = _copied(want)
    hints = {}
    if shape_hints is not None:
        try:
            hints = _shape_hints(shape_hints(*args))
        except Exception:  # hints only refine a verdict; never let them block it
            hints = {}
    mine = _copied(args)
    status, message = _verdict(lambda: func(*mine), want, rtol, atol, hints, table,
                               lambda wrong: wrong(*_copied(args)))
    changed = _changed_arguments(args, mine)
    if changed and status != "TODO":
        # A right answer does not excuse corrupting the caller's data: that is a failure.
        also = "" if status == "PASS" else f"; also: {message}"
        return "FAIL", _in_place_text(changed) + also
    return status, message


def _check_cases(func, name, cases, judge, passed=""):
    """Run ``judge(args) -> (status, message)`` on each case; print one verdict line.

    Stops at the first case that does not pass and names it. Never raises (except on
    ``KeyboardInterrupt``).
    """
    label = "function"
    try:
        label = name if isinstance(name, str) else getattr(func, "__name__", "function")
        try:
            cases = [args if isinstance(args, tuple) else (args,) for args in cases]
        except Exception as error:
            print(f"FAIL  {label}: the exercise's cases are unreadable ({_error_text(error)})")
            return False
        if not cases:
            print(f"FAIL  {label}: the exercise gave no cases to check")
            return False
        approximate = []
        for number, args in enumerate(cases, start=1):
            status, message = judge(args)
            if status != "PASS":
                shapes = ", ".join(_argument_text(a) for a in args)
                where = "" if status == "TODO" else f" on case {number} of {len(cases)} (arguments {shapes})"
                print(f"{status}  {label}: {message}{where}")
                return False
            if message != "exact":
                approximate.append(message)
        if approximate:
            worst = max(approximate, key=_largest)[len("approximately equal ("):-1]
            print(f"PASS  {label}: approximately equal on all {len(cases)} cases ({worst}){passed}")
        else:
            print(f"PASS  {label}: exact on all {len(cases)} cases{passed}")
        return True
    except KeyboardInterrupt:
        raise
    except BaseException as error:
        shown = label if isinstance(label, str) else _safe_repr(label, 40)
        print(f"FAIL  {shown}: could not run the check ({_error_text(error)})")
        return False


def check(answer, expected, *, name="answer", rtol=1e-7, atol=1e-12, shape_hints=None,
          mistakes=None):
    """Compare an exercise answer with the expected value; print a one-line verdict.

    Parameters
    ----------
    answer : array_like or callable
        The learner's result, or a zero-argument callable producing it (preferred: the
        checker then runs it and turns a ``NotImplementedError`` into a hint and any
        other exception into a "what is wrong" line).
    expected : array_like
        The reference value (numbers or strings). It is copied before ``answer`` runs,
        so an answer that changes the data in place cannot change it.
    name : str
        What the verdict calls the answer.
    rtol, atol : float
        Tolerances for "approximately equal", as in ``np.isclose``.
    shape_hints : dict, optional
        ``{shape: hint}`` for wrong shapes the exercise can name, e.g.
        ``{(4, 5): "the 'full' shape; 'valid' was asked"}``. A wrong shape not listed gets
        only a generic hint (a transpose, when the number of entries matches).
    mistakes : dict, optional
        ``{description: wrong value}`` (or a zero-argument callable returning it): answers
        a learner is likely to give by mistake. A failing answer equal to one of them
        gets its description in the verdict, e.g. ``{"the 'valid' strings of Figure 9.1,
        not 'full'": valid_strings}``.

    Returns
    -------
    ok : bool
        True for "exact" or "approximately equal". Never raises (except on
        ``KeyboardInterrupt``).

    Examples
    --------
    >>> check([[1, 2], [3, 4]], [[1, 2], [3, 4]], name="grid")
    PASS  grid: exact
    True
    >>> def stub():
    ...     raise NotImplementedError
    >>> check(stub, [1.0], name="stub")
    TODO  stub: not written yet: replace `raise NotImplementedError` with your code, then rerun this cell
    False
    >>> check([3, 2, 1], [1, 2, 3], name="rev", mistakes={"the input itself, not reversed": [3, 2, 1]})
    FAIL  rev: known mistake: the input itself, not reversed (your answer equals it on this case); wrong values: 2 of 3 entries differ; largest difference 2 at index [0]: got 3, expected 1
    False
    """
    try:
        status, message = _verdict(answer, expected, rtol, atol, _shape_hints(shape_hints),
                                   _mistake_table(mistakes),
                                   lambda wrong: wrong() if callable(wrong) else wrong)
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # last resort: the checker itself must never raise
        status, message = "FAIL", f"could not compare the answer: {_error_text(error)}"
    print(f"{status}  {_safe_repr(name, 40) if not isinstance(name, str) else name}: {message}")
    return status == "PASS"


def check_function(func, reference, cases, *, name=None, rtol=1e-7, atol=1e-12,
                   shape_hints=None, mistakes=None):
    """Run ``func(*args)`` against ``reference(*args)`` for each case; print one verdict.

    The learner's function and the reference each get their own copy of every case's
    arguments. A function that changes an argument in place fails, even with the right
    answer: an exercise function must not corrupt its caller's data.

    Parameters
    ----------
    func : callable
        The learner's function.
    reference : callable
        A trusted implementation with the same signature (e.g. a convbook function).
    cases : sequence of tuple
        Argument tuples; the first failing case is reported with its argument shapes.
    name : str, optional
        Defaults to ``func.__name__``.
    rtol, atol : float
        Tolerances, as in :func:`check`.
    shape_hints : callable, optional
        ``shape_hints(*args)`` returns ``{shape: hint}`` for the case's arguments, as in
        :func:`check` (e.g. the 'full', 'same' and transposed shapes of that case).
    mistakes : dict, optional
        ``{description: wrong reference}``, each wrong reference with the same signature
        as ``reference``: what a learner is likely to write by mistake. When an answer
        fails on a case and equals a wrong reference's result on it, the verdict names
        that mistake. Say what it is and how to fix it, e.g. ``{"the cross-correlation
        (no flip): flip the kernel": cb.correlate2d}``.

    Returns
    -------
    ok : bool
        True when every case passes. Never raises (except on ``KeyboardInterrupt``).

    Examples
    --------
    >>> import numpy as np
    >>> def flip(k):
    ...     return k[::-1, ::-1]
    >>> check_function(flip, lambda k: np.rot90(k, 2), [(np.arange(4.).reshape(2, 2),)])
    PASS  flip: exact on all 1 cases
    True
    >>> def rows_only(k):
    ...     return k[::-1]
    >>> check_function(rows_only, lambda k: np.rot90(k, 2), [(np.arange(4.).reshape(2, 2),)],
    ...                mistakes={"the rows flipped, not the columns": lambda k: k[::-1]})
    FAIL  rows_only: known mistake: the rows flipped, not the columns (your answer equals it on this case); wrong values: 4 of 4 entries differ; largest difference 1 at index [0, 0]: got 2, expected 3 on case 1 of 1 (arguments (2, 2))
    False
    """
    table = _mistake_table(mistakes)
    return _check_cases(
        func, name, cases,
        lambda args: _function_case(func, reference, args, rtol, atol, shape_hints, table))


def _times_text(times, limit=6):
    shown = ", ".join(str(int(t)) for t in times[:limit])
    return shown + (", ..." if len(times) > limit else "")


def _estimates(func, x, rest):
    """(array, None) of ``func(x, *rest)`` on a copy of ``x``, or (None, (status, message)).

    An argument changed in place is a failure, as in :func:`check_function`.
    """
    mine = (x.copy(), *_copied(rest))
    answer, failed = _run(func, *mine)
    if failed:
        return None, failed
    changed = _changed_arguments((x, *rest), mine)
    if changed:
        return None, ("FAIL", _in_place_text(changed))
    got, reason = _as_array(answer)
    if reason:
        return None, ("FAIL", f"the answer {reason}")
    return got, None


def _causal_case(func, reference, args, rtol, atol, table=()):
    """(status, message) for one case of :func:`check_causal`."""
    x = np.array(args[0], dtype=float)
    rest = args[1:]
    n = x.shape[0]
    if x.ndim != 1 or n == 0:
        return "FAIL", (f"the readings have shape {x.shape}, not (n,) "
                        f"(a bug in the exercise, not in your code)")
    want, failed = _run(reference, x.copy(), *_copied(rest))
    if failed:
        return "FAIL", _reference_failed(failed)
    got, failed = _estimates(func, x, rest)
    if failed:
        return failed
    if got.shape != (n,):
        return "FAIL", (f"your estimate has shape {got.shape} for {n} readings; return one "
                        f"estimate per reading, shape ({n},)")
    if _kind(got) != "number":
        return "FAIL", (f"dtype issue: the estimates are not numeric (dtype {got.dtype}); "
                        f"{_advice('number')[1]}")
    for now in range(n - 1):
        # The readings as known at time `now`: each later one replaced by the last known
        # reading (or that plus 1, if the future already equalled it, so that it changes).
        hidden = x.copy()
        hidden[now + 1:] = x[now]
        if np.array_equal(hidden, x):
            hidden[now + 1:] = x[now] + 1.0
        got_hidden, failed = _estimates(func, hidden, rest)
        if failed:
            return failed[0], f"{failed[1]} (readings after time {now} changed)"
        if got_hidden.shape != (n,) or _kind(got_hidden) != "number":
            return "FAIL", (f"with the readings after time {now} changed, your estimate has "
                            f"shape {got_hidden.shape} and dtype {got_hidden.dtype}; return "
                            f"{n} numbers, one per reading, whatever the readings")
        with np.errstate(all="ignore"):
            same = np.isclose(got_hidden[:now + 1], got[:now + 1], rtol=rtol, atol=atol,
                              equal_nan=True)
        if not same.all():
            times = np.flatnonzero(~same)
            return "FAIL", (f"your estimate at time(s) {_times_text(times)} changed when later "
                            f"readings changed: it looks into the future (readings after time "
                            f"{now} replaced by the reading at time {now})")
    return _verdict(got, want, rtol, atol, None, table,
                    lambda wrong: wrong(x.copy(), *_copied(rest)))


def check_causal(func, reference, cases, *, name=None, rtol=1e-7, atol=1e-12, mistakes=None):
    """Check a causal filter ``func(x, *rest)``: one estimate per reading, none from the future.

    For each case the checker runs the learner's function on the readings ``x`` and then,
    for every time ``now``, on the readings with the future hidden (each reading after
    ``now`` replaced by the one at ``now``). An estimate at a time up to ``now`` that
    changes proves that it used a later reading, and the verdict names those times. Then
    the estimates are compared with ``reference(x, *rest)``, as in :func:`check_function`
    (``mistakes`` too). A function that changes the readings or another argument in place
    fails.

    Parameters
    ----------
    func : callable
        The learner's function; its first argument is a 1-D sequence of readings.
    reference : callable
        A trusted implementation with the same signature.
    cases : sequence of tuple
        Argument tuples ``(x, *rest)``, ``x`` 1-D.
    name : str, optional
        Defaults to ``func.__name__``.
    rtol, atol : float
        Tolerances, as in :func:`check`.
    mistakes : dict, optional
        ``{description: wrong reference}``, as in :func:`check_function`: a causal answer
        with wrong values that equals a wrong reference gets that mistake named.

    Returns
    -------
    ok : bool
        True when every case passes. Never raises (except on ``KeyboardInterrupt``).

    Examples
    --------
    >>> import numpy as np
    >>> def centred(x):                      # the mean of the last, this and the next reading
    ...     return np.convolve(x, np.ones(3) / 3, "same")
    >>> check_causal(centred, lambda x: x, [(np.arange(5.0),)])
    FAIL  centred: your estimate at time(s) 0 changed when later readings changed: it looks into the future (readings after time 0 replaced by the reading at time 0) on case 1 of 1 (arguments (5,))
    False
    >>> check_causal(lambda x: np.cumsum(x), np.cumsum, [(np.arange(5.0),)], name="cumsum")
    PASS  cumsum: exact on all 1 cases; no estimate looks into the future
    True
    """
    table = _mistake_table(mistakes)
    return _check_cases(func, name, cases,
                        lambda args: _causal_case(func, reference, args, rtol, atol, table),
                        passed="; no estimate looks into the future")


def _argument_text(value):
    """An argument as check_function reports it: its shape, or a short repr.

    A short tuple or list of plain numbers, or of such tuples (a shape, a list of
    (kernel, stride) layers), is shown as it is.
    """
    def plain(v):
        return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)

    if isinstance(value, (tuple, list)) and 0 < len(value) <= 6 and all(
            plain(v) or (isinstance(v, (tuple, list)) and len(v) <= 4 and all(map(plain, v)))
            for v in value):
        text = repr(value)
        if len(text) <= 40:
            return text
    if isinstance(value, (np.ndarray, list, tuple)):
        try:
            return str(np.shape(value))
        except Exception:  # a ragged list has no shape; report the failure, not this
            return f"a ragged {type(value).__name__} of length {len(value)}"
    return _safe_repr(value, 20)


def _largest(message):
    try:
        return float(message.split("largest difference ")[1].split(" ")[0])
    except Exception:
        return 0.0
