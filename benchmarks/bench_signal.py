"""correlate2d / convolve2d against what a reader would reach for (single thread).

Targets (issue 2): correlate2d >= 15x faster than scipy.signal.correlate2d on 256x256
with a 5x5 kernel in float64, >= 20x in float32; >= 5x faster than
scipy.ndimage.correlate on 1024x1024 with 3x3 and 5x5 kernels; convolve2d <= 1.05x the
time of correlate2d; 1-D with a kernel 40x longer than the signal within a few times
np.correlate (issue 7); a widget-sized call (64x64 image, 3x3 kernel) <= 20 us including
the Python wrapper; the first call with a warm Numba cache <= 25 ms.

Run: ``.venv/bin/python benchmarks/run.py signal``
"""

from _harness import (  # first: one thread
    format_seconds, interleaved_best, median_seconds, report, torch_or_none)

import os
import pathlib
import subprocess
import sys
import time

import numpy as np
import scipy.ndimage
import scipy.signal
from numpy.lib.stride_tricks import sliding_window_view

import convbook as cb

ROOT = pathlib.Path(__file__).resolve().parent.parent


def cpu_seconds(fn):
    """Median CPU time of one call: steadier than wall time on a shared machine."""
    return median_seconds(fn, repeats=7, clock=time.process_time)


def einsum_correlate(image, kernel):
    """'valid' correlation with sliding_window_view + einsum."""
    return np.einsum("ijmn,mn->ij", sliding_window_view(image, kernel.shape), kernel)


def im2col_correlate(image, kernel):
    """'valid' correlation as im2col (copy every window into a row) + matrix product."""
    kh, kw = kernel.shape
    cols = sliding_window_view(image, kernel.shape).reshape(-1, kh * kw)
    oh, ow = image.shape[0] - kh + 1, image.shape[1] - kw + 1
    return (cols @ kernel.ravel()).reshape(oh, ow)


def check(ours, other, name):
    np.testing.assert_allclose(ours, other, rtol=1e-4, atol=1e-4, err_msg=name)


def bench_256(torch):
    rng = np.random.default_rng(0)
    for dtype, target in ((np.float64, ">= 15x vs scipy.signal"),
                          (np.float32, ">= 20x vs scipy.signal")):
        image = rng.standard_normal((256, 256)).astype(dtype)
        kernel = rng.standard_normal((5, 5)).astype(dtype)
        ours = cb.correlate2d(image, kernel)
        others = [
            ("scipy.signal.correlate2d", lambda: scipy.signal.correlate2d(image, kernel, "valid")),
            ("scipy.ndimage.correlate ('same' size)",
             lambda: scipy.ndimage.correlate(image, kernel, mode="constant")),
            ("sliding_window_view + einsum", lambda: einsum_correlate(image, kernel)),
            ("im2col + matmul", lambda: im2col_correlate(image, kernel)),
        ]
        if torch is not None:
            x = torch.from_numpy(image)[None, None]
            w = torch.from_numpy(kernel)[None, None]
            others.append(("torch conv2d", lambda: torch.nn.functional.conv2d(x, w)))
            check(ours, torch.nn.functional.conv2d(x, w)[0, 0].numpy(), "torch")
        check(ours, scipy.signal.correlate2d(image, kernel, "valid"), "scipy")
        check(ours, einsum_correlate(image, kernel), "einsum")
        check(ours, im2col_correlate(image, kernel), "im2col")
        report(f"correlate2d 256x256, 5x5 kernel, valid, {np.dtype(dtype).name}",
               ("convbook.correlate2d", median_seconds(lambda: cb.correlate2d(image, kernel))),
               [(name, median_seconds(fn)) for name, fn in others], target=target)
        report("  the same, CPU time", ("convbook.correlate2d",
                                          cpu_seconds(lambda: cb.correlate2d(image, kernel))),
               [(others[0][0], cpu_seconds(others[0][1]))], target=target)


def bench_1024():
    rng = np.random.default_rng(1)
    image = rng.standard_normal((1024, 1024))
    for k in (3, 5):
        kernel = rng.standard_normal((k, k))
        # ndimage's 'constant' mode gives the 'same'-sized output with a zero border:
        # compare like with like (same output, same border)
        check(cb.correlate2d(image, kernel, "same"),
              scipy.ndimage.correlate(image, kernel, mode="constant"), "ndimage")  # odd k
        ours = median_seconds(lambda: cb.correlate2d(image, kernel, "same"))
        nd = median_seconds(lambda: scipy.ndimage.correlate(image, kernel, mode="constant"))
        valid = median_seconds(lambda: cb.correlate2d(image, kernel))
        report(f"correlate2d 1024x1024, {k}x{k} kernel, same, zero border, float64",
               ("convbook.correlate2d", ours),
               [("scipy.ndimage.correlate", nd)], target=">= 5x vs ndimage")
        report("  the same, CPU time",
               ("convbook.correlate2d", cpu_seconds(lambda: cb.correlate2d(image, kernel, "same"))),
               [("scipy.ndimage.correlate",
                 cpu_seconds(lambda: scipy.ndimage.correlate(image, kernel, mode="constant")))],
               target=">= 5x vs ndimage")
        print(f"  (convbook 'valid' mode on the same input: {format_seconds(valid)})")


def bench_convolve_ratio():
    rng = np.random.default_rng(2)
    print("\nconvolve2d / correlate2d time, best of 3 alternating medians   [target: <= 1.05]")
    for dtype in (np.float64, np.float32):
        image = rng.standard_normal((256, 256)).astype(dtype)
        kernel = rng.standard_normal((5, 5)).astype(dtype)
        for mode in ("valid", "same"):
            contenders = {"corr": lambda: cb.correlate2d(image, kernel, mode),
                          "conv": lambda: cb.convolve2d(image, kernel, mode)}
            for name, clock in (("wall", time.perf_counter), ("cpu", time.process_time)):
                # alternate the two, so drifting machine load hits both alike
                best = interleaved_best(contenders, rounds=3, repeats=7, clock=clock)
                c, v = best["corr"], best["conv"]
                print(f"  256x256 5x5 {np.dtype(dtype).name:7} {mode:5} {name:4}  correlate2d "
                      f"{format_seconds(c)}  convolve2d {format_seconds(v)}  ratio {v / c:5.3f}")


def bench_long_kernel():
    """1-D with a kernel far longer than the signal (issue 7): every output is a border
    output, so the cost is in the border path; it should track np.correlate's."""
    rng = np.random.default_rng(4)
    x, k = rng.standard_normal(1_000), rng.standard_normal(40_000)
    for mode in ("full", "same"):
        want = scipy.signal.correlate(x, k, mode, method="direct")
        check(cb.correlate1d(x, k, mode), want, "scipy")
        # np.correlate's 'same' is as long as the kernel: time its 'full' and slice SciPy's
        # 'same' window out of it, so that both give the same numbers
        start = 0 if mode == "full" else (k.size - 1) // 2
        numpy_name = "np.correlate" + ("" if mode == "full" else " ('full', sliced)")

        def numpy_call():
            return np.correlate(x, k, "full")[start:start + want.size]

        check(numpy_call(), want, "numpy")
        check(cb.convolve1d(x, k, mode), scipy.signal.convolve(x, k, mode, method="direct"),
              "scipy convolve")
        report(f"correlate1d, x of 1,000, kernel of 40,000, {mode}, float64",
               ("convbook.correlate1d", median_seconds(lambda: cb.correlate1d(x, k, mode),
                                                       repeats=5)),
               [(numpy_name, median_seconds(numpy_call, repeats=5)),
                ("scipy.signal.correlate direct", median_seconds(
                    lambda: scipy.signal.correlate(x, k, mode, method="direct"), repeats=5))],
               target="within a few times np.correlate")


def bench_widget_size():
    rng = np.random.default_rng(3)
    image, kernel = rng.standard_normal((64, 64)), rng.standard_normal((3, 3))
    print("\nwidget-sized calls, 64x64 image, 3x3 kernel, float64, wrapper included"
          "   [target: <= 20 us]")
    print(f"  {'':<38} {'wall':>11} {'cpu':>11}")
    for label, fn in [
        ("correlate2d valid", lambda: cb.correlate2d(image, kernel)),
        ("correlate2d same", lambda: cb.correlate2d(image, kernel, "same")),
        ("correlate2d full", lambda: cb.correlate2d(image, kernel, "full")),
        ("convolve2d same", lambda: cb.convolve2d(image, kernel, "same")),
        ("correlate2d same wrap", lambda: cb.correlate2d(image, kernel, "same", "wrap")),
        ("scipy.signal.correlate2d same", lambda: scipy.signal.correlate2d(image, kernel, "same")),
    ]:
        wall, cpu = median_seconds(fn), cpu_seconds(fn)
        print(f"  {label:<38} {format_seconds(wall)} {format_seconds(cpu)}")


FIRST_CALL = """
import time
import numpy as np
t0 = time.perf_counter()
import convbook as cb
t1 = time.perf_counter()
image, kernel = np.ones((64, 64)), np.ones((3, 3))
cb.correlate2d(image, kernel)
t2 = time.perf_counter()
cb.correlate2d(image, kernel, "same", "wrap")
t3 = time.perf_counter()
cb.correlate2d(image.astype(np.float32), kernel.astype(np.float32))
t4 = time.perf_counter()
print(t1 - t0, t2 - t1, t3 - t2, t4 - t3)
"""


def bench_first_call(runs=3):
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    results = []
    for _ in range(runs + 1):  # the first run may fill the cache; it is not counted
        out = subprocess.run([sys.executable, "-c", FIRST_CALL], capture_output=True,
                             text=True, env=env, cwd=ROOT, check=True).stdout
        results.append([float(v) for v in out.split()])
    results = np.median(np.array(results[1:]), axis=0)
    print(f"\nfirst calls in a fresh process, warm Numba cache (median of {runs})"
          "   [target: <= 25 ms]")
    print(f"  import convbook                        {format_seconds(results[0])}")
    print(f"  first correlate2d call (float64)       {format_seconds(results[1])}"
          "   (includes Numba's one-time start-up in the process)")
    print(f"  first call of a second kernel (wrap)   {format_seconds(results[2])}")
    print(f"  first float32 call (another signature) {format_seconds(results[3])}")


def main():
    torch = torch_or_none()
    bench_256(torch)
    bench_1024()
    bench_convolve_ratio()
    bench_long_kernel()
    bench_widget_size()
    bench_first_call()


if __name__ == "__main__":
    main()
