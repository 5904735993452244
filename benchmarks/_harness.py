"""Shared timing for the benchmarks: one thread, medians, ratios printed side by side.

Import this module before numpy (``run.py`` does) so that every library is held to one
thread: the machine is shared and the targets are single-thread comparisons.
"""

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS",
             "NUMBA_NUM_THREADS", "VECLIB_MAXIMUM_THREADS"):
    os.environ[_var] = "1"

import statistics  # noqa: E402
import time  # noqa: E402


def median_seconds(fn, *, repeats=9, min_batch_seconds=0.02, clock=time.perf_counter):
    """Median time of one call of ``fn()``, after a warm-up call.

    Calls are batched so that each of the ``repeats`` samples lasts at least
    ``min_batch_seconds``; this keeps timer resolution out of microsecond results.
    ``clock=time.process_time`` counts this process's CPU time only: on a shared machine
    wall time also counts the time other users' processes hold the core.
    """
    fn()
    number = 1
    while True:
        start = clock()
        for _ in range(number):
            fn()
        if clock() - start >= min_batch_seconds:
            break
        number *= 2
    samples = []
    for _ in range(repeats):
        start = clock()
        for _ in range(number):
            fn()
        samples.append((clock() - start) / number)
    return statistics.median(samples)


def interleaved_best(contenders, *, rounds=3, repeats=5, clock=time.perf_counter):
    """For each named function, the least of ``rounds`` medians, timed in turn.

    A burst of someone else's work lands on whoever is being timed at that moment;
    alternating the contenders and keeping each one's best median treats all alike.
    ``clock`` is passed to ``median_seconds``.
    """
    best = {name: float("inf") for name in contenders}
    for _ in range(rounds):
        for name, fn in contenders.items():
            best[name] = min(best[name], median_seconds(fn, repeats=repeats, clock=clock))
    return best


def torch_or_none():
    """torch held to one thread, or None when it is not installed (it is optional)."""
    try:
        import torch
    except ImportError:
        return None
    torch.set_num_threads(1)
    return torch


def format_seconds(seconds):
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:8.2f} {unit:2}"
    return f"{seconds / 1e-9:8.1f} ns"


def report(title, ours, others, target=None):
    """Print one comparison: our median time, and each other's time as a ratio.

    ``ours`` is ``(name, seconds)``; ``others`` a list of ``(name, seconds)``. The ratio is
    their time over ours: above 1, convbook is faster. ``target`` is a short text naming the goal.
    """
    name, seconds = ours
    print(f"\n{title}" + (f"   [target: {target}]" if target else ""))
    print(f"  {name:<38} {format_seconds(seconds)}")
    for other, other_seconds in others:
        ratio = other_seconds / seconds
        verdict = f"{ratio:6.2f}x faster" if ratio >= 1 else f"{1 / ratio:6.2f}x slower"
        print(f"  {other:<38} {format_seconds(other_seconds)}   convbook is {verdict}"
              f"   (ratio {ratio:.2f})")
