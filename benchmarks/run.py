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

SUITES = ["signal", "layers", "pooling", "widgets"]


def main(names):
    torch = _harness.torch_or_none()
    print(f"python {platform.python_version()}, numpy {np.__version__}, scipy {scipy.__version__}, "
          f"numba {numba.__version__}, torch {torch.__version__ if torch else 'not installed'}")
    print(f"machine: {platform.machine()}, {platform.processor() or 'unknown cpu'}; one thread")
    for name in names or SUITES:
        path = pathlib.Path(__file__).parent / f"bench_{name}.py"
        if not path.exists():
            print(f"\n(benchmarks/bench_{name}.py not written yet)")
            continue
        print(f"\n=== {name} ===")
        importlib.import_module(f"bench_{name}").main()


if __name__ == "__main__":
    main(sys.argv[1:])
