"""The chapters: each MyST source in step with its executed notebook, hygiene, and the
exercises' hidden solutions.

Strict nbval (`make test`) checks the stored outputs; these tests check what nbval cannot.
"""

import contextlib
import difflib
import importlib.util
import io
import pathlib
import re

import jupytext
import nbformat
import pytest
from jupytext.compare import NotebookDifference, compare_notebooks
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

ROOT = pathlib.Path(__file__).resolve().parent.parent
SOURCES = sorted((ROOT / "chapters").glob("09.*.md"))
NOTEBOOKS = sorted((ROOT / "chapters").glob("*.ipynb"))


def _load(path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


execute_notebooks = _load(ROOT / "tools" / "execute_notebooks.py")


def test_every_notebook_has_its_myst_source():
    assert SOURCES, "no chapter sources found in chapters/"
    assert [p.with_suffix(".md") for p in NOTEBOOKS] == SOURCES


def _without_version(text):
    """MyST text without the line naming the jupytext version that wrote it."""
    return re.sub(r"\n +jupytext_version: .*", "", text)


@pytest.mark.parametrize("source", SOURCES, ids=[p.name for p in SOURCES])
def test_notebook_is_in_step_with_its_source(source):
    """The .md is exactly what jupytext writes from the .ipynb (header included), so that
    neither holds an edit the other lacks, and JupyterLab opens the pair whichever file is
    newer (it refuses a newer .ipynb whose text differs from the .md)."""
    notebook = nbformat.read(source.with_suffix(".ipynb"), as_version=4)
    try:
        compare_notebooks(jupytext.read(source), notebook, fmt="md:myst")
    except NotebookDifference as difference:
        pytest.fail(f"{source.name} and its .ipynb have drifted apart; run `make notebooks`.\n"
                    f"{difference}")
    written = _without_version(jupytext.writes(notebook, fmt="md:myst"))
    stored = _without_version(source.read_text(encoding="utf-8"))
    assert written == stored, (
        f"{source.name} is not what jupytext writes from its .ipynb; run `make notebooks`.\n"
        + "".join(difflib.unified_diff(stored.splitlines(True), written.splitlines(True),
                                       source.name, "from .ipynb", n=1)))


def test_the_pair_check_catches_a_one_sided_edit():
    nb = new_notebook(cells=[new_markdown_cell("# A"), new_code_cell("x = 1")])
    text = jupytext.writes(nb, fmt="md:myst")
    nb.cells[1].source = "x = 2"
    with pytest.raises(NotebookDifference):
        compare_notebooks(jupytext.reads(text, fmt="md:myst"), nb, fmt="md:myst")


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
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


def test_clean_joins_a_print_split_across_stream_messages():
    nb = new_notebook(cells=[new_code_cell("print(...)")])
    nb.cells[0].outputs = [new_output("stream", name="stdout", text="agree at all"),
                           new_output("stream", name="stdout", text=" 20 times\n"),
                           new_output("stream", name="stderr", text="warning\n")]
    outputs = execute_notebooks.clean(nb).cells[0].outputs
    assert [(o.name, o.text) for o in outputs] == [("stdout", "agree at all 20 times\n"),
                                                   ("stderr", "warning\n")]


# Every exercise's hidden solution passes its own checker ------------------------------------

# An exercise stub: a function whose body is only `raise NotImplementedError`.
STUB = re.compile(r"def \w+\([^)]*\):\n\s+raise NotImplementedError\n")
SOLUTION = re.compile(r"<summary>Solution.*?```python\n(.*?)```", re.S)


def run_with_solutions(cells):
    """Run a chapter's code cells in order; after each exercise cell, paste its solution
    (the next markdown cell's folded code) over the stub and run the checker alone.

    Returns (number of stubs, the checkers' printed verdicts).
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    namespace, verdicts, stubs, pending = {}, [], 0, None
    with contextlib.redirect_stdout(io.StringIO()):
        for cell in cells:
            if cell.cell_type == "code":
                source = "\n".join(line for line in cell.source.splitlines()
                                   if not line.startswith("%"))
                exec(compile(source, "<notebook cell>", "exec"), namespace)
                plt.close("all")
                pending = source if STUB.search(source) else None
                stubs += bool(pending)
            elif pending and SOLUTION.search(cell.source):
                exec(SOLUTION.search(cell.source).group(1), namespace)
                with contextlib.redirect_stdout(io.StringIO()) as out:
                    exec(STUB.sub("", pending), namespace)  # the checker call, solution in place
                verdicts.append(out.getvalue())
                pending = None
    return stubs, verdicts


@pytest.mark.parametrize("source", SOURCES, ids=[p.name for p in SOURCES])
def test_every_exercise_solution_passes_its_checker(source):
    stubs, verdicts = run_with_solutions(jupytext.read(source).cells)
    assert stubs > 0, f"{source.name} has no exercises"
    assert len(verdicts) == stubs, f"{stubs} exercises but {len(verdicts)} solutions ran"
    failing = [v for v in verdicts if not v.startswith("PASS")]
    assert not failing, failing


def test_a_wrong_solution_is_caught():
    cells = [
        new_code_cell("import convbook as cb"),
        new_code_cell("def double(x):\n    raise NotImplementedError\n\n\n"
                      "ok = cb.check.check_function(double, lambda x: 2 * x, [(1.0,), (3.0,)])"),
        new_markdown_cell("<details><summary>Solution</summary>\n\n```python\n"
                          "def double(x):\n    return x + 1\n```\n</details>"),
    ]
    stubs, verdicts = run_with_solutions(cells)
    assert stubs == 1 and len(verdicts) == 1 and verdicts[0].startswith("FAIL")


def test_jupyterlab_opens_each_pair_whichever_file_is_newer(tmp_path):
    """JupyterLab reads a pair through jupytext's contents manager, which refuses to open a
    pair whose newer .ipynb differs in text from its .md (as after `make notebooks`, or in
    a fresh clone). Copy the chapters, make the .ipynb newer, and open both files."""
    import os
    import shutil

    from jupytext.sync_contentsmanager import TextFileContentsManager

    shutil.copy(ROOT / "chapters" / "jupytext.toml", tmp_path)
    for source in SOURCES:
        for path in (source, source.with_suffix(".ipynb")):
            shutil.copy(path, tmp_path)
        later = source.stat().st_mtime + 3600
        os.utime(tmp_path / source.with_suffix(".ipynb").name, (later, later))
    manager = TextFileContentsManager(root_dir=str(tmp_path))
    for source in SOURCES:
        cells = nbformat.read(source.with_suffix(".ipynb"), as_version=4).cells
        for name in (source.name, source.with_suffix(".ipynb").name):
            model = manager.get(name, content=True, type="notebook")
            assert model["type"] == "notebook" and len(model["content"]["cells"]) == len(cells)
            assert [c.get("outputs") for c in model["content"]["cells"]] == \
                [c.get("outputs") for c in cells]  # outputs come from the .ipynb


def test_keep_output_cells_keep_their_stored_output_while_unchanged():
    tools = execute_notebooks
    timing = new_code_cell("print(time())", metadata={"tags": ["keep-output"]})
    timing.outputs = [new_output("stream", name="stdout", text="1.2 us\n")]
    edited = new_code_cell("print(time() * 2)", metadata={"tags": ["keep-output"]})
    nb = new_notebook(cells=[timing, new_code_cell("x = 1")])
    kept = tools.stored_outputs_to_keep(nb)
    nb.cells[0].outputs = [new_output("stream", name="stdout", text="1.3 us\n")]  # a new run
    tools.restore_kept_outputs(nb, kept)
    assert nb.cells[0].outputs[0].text == "1.2 us\n"
    nb.cells[0] = edited  # an edited cell's output is the new one
    edited.outputs = [new_output("stream", name="stdout", text="2.6 us\n")]
    tools.restore_kept_outputs(nb, kept)
    assert nb.cells[0].outputs[0].text == "2.6 us\n"


def test_hygiene_refuses_a_stored_memory_address():
    nb = new_notebook(cells=[new_code_cell("fig.colorbar(im)")])
    nb.cells[0].execution_count = 1
    nb.cells[0].outputs = [new_output("execute_result", data={
        "text/plain": "<matplotlib.colorbar.Colorbar at 0x7f2891983d90>"}, execution_count=1)]
    assert any("memory address" in p for p in execute_notebooks.hygiene_problems(nb))
