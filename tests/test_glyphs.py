"""No reader sees a box where a character should be.

The chapters keep Chinese out of their figures (the terms are in the prose), and the
widgets draw none. Two checks keep it that way:

- pyproject.toml turns matplotlib's "Glyph ... missing from font" warning into an error
  for every test, so a widget test that draws a character its font lacks fails (the
  widget tests draw every widget in every setting they sweep);
- the stored notebooks' outputs, which `make notebooks` captured from a real kernel,
  hold no such warning: every figure of every chapter was drawn without one.
"""

import json
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "chapters").glob("09.*.ipynb"))
MISSING = "missing from font"


def glyph_warnings(notebook):
    """The outputs of `notebook` (a JSON dict) that report a missing glyph."""
    found = []
    for index, cell in enumerate(notebook["cells"]):
        for output in cell.get("outputs", []):
            texts = [output.get("text", "")] + list(output.get("data", {}).values())
            texts += [output.get("evalue", "")] + output.get("traceback", [])
            text = "".join("".join(t) if isinstance(t, list) else str(t) for t in texts)
            if MISSING in text:
                found.append(f"cell {index}: {text.strip()[:200]}")
    return found


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_no_stored_figure_drew_a_missing_glyph(path):
    assert glyph_warnings(json.loads(path.read_text(encoding="utf-8"))) == []


def test_the_notebook_check_sees_a_stored_warning():
    stderr = {"output_type": "stream", "name": "stderr",
              "text": ["/x.py:1: UserWarning: Glyph 21367 (\\N{CJK UNIFIED IDEOGRAPH-5377}) "
                       "missing from font(s) DejaVu Sans.\n"]}
    notebook = {"cells": [{"cell_type": "code", "outputs": [stderr]}]}
    assert len(glyph_warnings(notebook)) == 1


def test_a_missing_glyph_fails_the_test_that_draws_it():
    """pyproject's filterwarnings rule is in force: DejaVu Sans (matplotlib's own font)
    has no Chinese, and drawing 卷积 with it raises instead of drawing two boxes."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure()
    FigureCanvasAgg(figure)
    figure.text(0.1, 0.5, "卷积 convolution", family="DejaVu Sans")
    with pytest.raises(UserWarning, match="missing from font"):
        figure.canvas.draw()
