#!/usr/bin/env python
"""Re-execute chapter notebooks in place, deterministically (``make notebooks``).

    python tools/execute_notebooks.py chapters/*.ipynb

Each notebook runs top to bottom in a fresh ``python3`` kernel of the current environment,
with its own folder as the working directory, a fixed hash seed, one thread per library and
matplotlib's inline backend. Then the output is made commit-ready: ``metadata.widgets``
(saved widget state, which changes on every run) is stripped, widget-view outputs are
dropped (each widget's static figure sits in the cell before it), per-cell timing metadata
goes, execution counts run 1, 2, 3... in order, and a print split over several stream
messages is joined. A cell tagged ``keep-output`` (a timing, different on every run) keeps
its stored output while its source is unchanged. Strict ``pytest --nbval`` then compares
these stored outputs with a fresh run. A notebook whose execution fails is left untouched.

    python tools/execute_notebooks.py --check chapters/*.ipynb

only checks the hygiene of the stored notebooks (every code cell executed, in order; no
``metadata.widgets``; no widget views; no memory addresses) and exits 1 if any fails.
"""

import argparse
import os
import re
import sys
import time
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"

# Settings the kernel inherits, so that two runs print the same thing.
DETERMINISTIC_ENV = {
    "PYTHONHASHSEED": "0",
    "MPLBACKEND": "module://matplotlib_inline.backend_inline",
    "OMP_NUM_THREADS": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "NUMBA_NUM_THREADS": "1",
    "SOURCE_DATE_EPOCH": "0",
}


def clean(nb):
    """Strip what is not stable from an executed notebook (in place) and return it."""
    nb.metadata.pop("widgets", None)
    count = 0
    for cell in nb.cells:
        cell.metadata.pop("execution", None)  # timestamps
        if cell.cell_type != "code":
            continue
        count += 1
        cell.execution_count = count
        kept = []
        for output in cell.get("outputs", []):
            if WIDGET_VIEW in output.get("data", {}):
                # A widget view is dead without its kernel, and its text/plain fallback is a
                # long control repr: drop it. The static figure in the cell before shows it.
                continue
            if "execution_count" in output:
                output["execution_count"] = count
            previous = kept[-1] if kept else None
            if (output.get("output_type") == "stream" and previous is not None
                    and previous.get("output_type") == "stream"
                    and previous.get("name") == output.get("name")):
                # One print can reach the kernel's client as several messages, split
                # wherever the buffer was flushed: join them, so two runs store the same.
                previous["text"] += output["text"]
                continue
            kept.append(output)
        cell.outputs = kept
    return nb


KEEP_OUTPUT = "keep-output"
ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def stored_outputs_to_keep(nb):
    """{source: outputs} of the cells tagged ``keep-output``: cells whose output differs on
    every run (timings). Re-executing keeps their stored output while their source is
    unchanged, so that `make notebooks` does not rewrite the notebook for nothing; such a
    cell is also tagged ``nbval-ignore-output``."""
    return {cell.source: cell.outputs for cell in nb.cells
            if cell.cell_type == "code" and KEEP_OUTPUT in cell.metadata.get("tags", [])
            and cell.outputs}


def restore_kept_outputs(nb, kept):
    for cell in nb.cells:
        if cell.cell_type == "code" and cell.source in kept and cell.outputs:
            cell.outputs = kept[cell.source]


def hygiene_problems(nb):
    """What would make a stored notebook unfit to commit (an empty list if nothing)."""
    problems = []
    if "widgets" in nb.metadata:
        problems.append("metadata.widgets is present")
    counts = [cell.execution_count for cell in nb.cells if cell.cell_type == "code"]
    if counts != list(range(1, len(counts) + 1)):
        problems.append(f"code cells are not executed 1..{len(counts)} in order (found {counts})")
    for number, cell in enumerate(nb.cells):
        for output in cell.get("outputs", []):
            if WIDGET_VIEW in output.get("data", {}):
                problems.append(f"cell {number} stores a widget view")
            if output.get("output_type") == "error":
                problems.append(f"cell {number} stores an error: {output.get('ename')}")
            if ADDRESS.search(str(output.get("data", {}).get("text/plain", ""))):
                problems.append(f"cell {number} stores a memory address, which changes on "
                                f"every run: assign the last line's value to a name (a "
                                f"trailing ';' does not silence it under nbval)")
    return problems


def execute(path, timeout):
    path = Path(path)
    nb = nbformat.read(path, as_version=4)
    os.environ.update(DETERMINISTIC_ENV)
    client = NotebookClient(
        nb,
        timeout=timeout,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent.resolve())}},
        record_timing=False,
    )
    kept = stored_outputs_to_keep(nb)
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    restore_kept_outputs(nb, kept)
    nbformat.validate(clean(nb))
    problems = hygiene_problems(nb)
    if problems:
        raise RuntimeError(f"{path}: " + "; ".join(problems))
    nbformat.write(nb, path)
    return seconds


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", help="notebooks to execute in place")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell (default 600)")
    parser.add_argument("--check", action="store_true", help="only check the stored notebooks' hygiene")
    args = parser.parse_args(argv)
    status = 0
    for path in args.paths:
        if args.check:
            problems = hygiene_problems(nbformat.read(path, as_version=4))
            for problem in problems:
                print(f"{path}: {problem}")
            status |= bool(problems)
            continue
        try:
            seconds = execute(path, args.timeout)
        except CellExecutionError as error:
            print(f"{path}: execution failed, file left unchanged\n{error}", file=sys.stderr)
            status = 1
            continue
        print(f"executed {path} in {seconds:.1f} s")
    return status


if __name__ == "__main__":
    sys.exit(main())
