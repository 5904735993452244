"""Run every benchmark (``make bench``), or only those named: ``python benchmarks/run.py signal``."""

import importlib
import pathlib
import platform
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))
import _harness  # noqa: E402,F401  (sets one thread before numpy loads)

import numpy as np  # noqa: E402
import numba  # noqa: E402
import scipy  # noqa: E402

SUITES = ["signal", "layers", "pooling", "widgets", "nn"]


def import_seconds(repeats=5):
    """Median wall time of `import convbook` in a fresh interpreter (target: about 0.5 s)."""
    import statistics
    import subprocess

    code = "import time; t = time.perf_counter(); import convbook; print(time.perf_counter() - t)"
    runs = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                 check=True).stdout) for _ in range(repeats)]
    return statistics.median(runs)


def main(names):
    torch = _harness.torch_or_none()
    print(f"python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}, "
          f"numba {numba.__version__}, torch {torch.__version__ if torch else 'not installed'}")
    print(f"machine: {platform.machine()}, {platform.processor() or 'unknown cpu'}; one thread")
    print(f"import convbook: {import_seconds():.3f} s (median of 5 fresh interpreters; target ~0.5 s)")
    for name in names or SUITES:
        path = pathlib.Path(__file__).parent / f"bench_{name}.py"
        if not path.exists():
            print(f"\n(benchmarks/bench_{name}.py not written yet)")
            continue
        print(f"\n=== {name} ===")
        importlib.import_module(f"bench_{name}").main()


if __name__ == "__main__":
    main(sys.argv[1:])
