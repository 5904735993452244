"""The stored chapter notebooks: hygiene, and the exercises' hidden solutions.

Strict nbval (`make test`) checks their outputs; these tests check what nbval cannot.
"""

import contextlib
import importlib.util
import io
import pathlib
import re

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_notebook, new_output

ROOT = pathlib.Path(__file__).resolve().parent.parent
CHAPTERS = sorted((ROOT / "chapters").glob("*.ipynb"))
BUILDERS = sorted((ROOT / "tools").glob("build_*.py"))


def _load(path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


execute_notebooks = _load(ROOT / "tools" / "execute_notebooks.py")


@pytest.mark.parametrize("builder", BUILDERS, ids=[b.name for b in BUILDERS])
def test_stored_notebook_matches_its_builder(builder):
    """The builder is the source: a cell edited only in the .ipynb would be lost on rebuild."""
    module = _load(builder)
    stored = nbformat.read(module.OUT, as_version=4).cells
    expected = [(c.cell_type, c.source, c.metadata.get("tags", [])) for c in module.cells]
    assert [(c.cell_type, c.source, c.metadata.get("tags", [])) for c in stored] == expected, (
        f"{module.OUT.name} differs from {builder.name}: edit the builder, then `make notebooks`")


@pytest.mark.parametrize("path", CHAPTERS, ids=[p.name for p in CHAPTERS])
def test_stored_notebooks_are_executed_in_order_without_widget_state(path):
    assert execute_notebooks.hygiene_problems(nbformat.read(path, as_version=4)) == []


def test_hygiene_catches_unexecuted_cells_and_widget_state():
    tools = execute_notebooks
    nb = new_notebook(cells=[new_code_cell("1"), new_code_cell("2")])
    nb.cells[0].execution_count = 1
    nb.metadata["widgets"] = {"state": {}}
    problems = tools.hygiene_problems(nb)
    assert any("metadata.widgets" in p for p in problems) and any("in order" in p for p in problems)
    nb.cells[1].execution_count = 2
    nb.cells[1].outputs = [new_output(
        "display_data", data={"application/vnd.jupyter.widget-view+json": {}, "text/plain": "VBox()"})]
    cleaned = tools.clean(nb)
    assert tools.hygiene_problems(cleaned) == [] and cleaned.cells[1].outputs == []


# The hidden solutions of the chapter 9.1 exercises pass their own checkers ----------------

STUB = re.compile(r"def \w+\([^)]*\):\n\s+raise NotImplementedError\n")


def test_chapter_9_1_solutions_pass_their_checkers():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    nb = nbformat.read(ROOT / "chapters" / "09.1-convolution.ipynb", as_version=4)
    namespace, verdicts, previous = {}, [], None
    with contextlib.redirect_stdout(io.StringIO()):
        for cell in nb.cells:
            if cell.cell_type == "code":
                source = "\n".join(line for line in cell.source.splitlines() if not line.startswith("%"))
                exec(compile(source, "<notebook cell>", "exec"), namespace)
                plt.close("all")
                previous = source
            elif "<summary>Solution" in cell.source and previous and STUB.search(previous):
                exec(re.search(r"```python\n(.*?)```", cell.source, re.S).group(1), namespace)
                with contextlib.redirect_stdout(io.StringIO()) as out:
                    exec(STUB.sub("", previous), namespace)      # the checker call alone
                verdicts.append(out.getvalue())
    assert len(verdicts) >= 3
    assert all(v.startswith("PASS") for v in verdicts), verdicts
