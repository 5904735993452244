"""Every chapter in a real browser: JupyterLab (each chapter) and Notebook 7 (one chapter).

For each chapter notebook found (chapters/09.*.ipynb, so that a new chapter is covered
without a change here), the test opens a copy with its outputs cleared, runs Run > Run All
Cells, waits for the kernel, and asserts:

- every code cell ran, no error or stderr output appeared, and the kernel sent no error
  or stderr message (a widget callback's error shows in no cell);
- every widget the chapter displays (a cell ending in ``app.widget``) rendered: no text
  fallback ``VBox(...)``, no "Error displaying widget";
- each widget's controls work: the rule is ``NotebookPage.drive_widget``'s docstring. In
  short, every move reaches the control and causes no error; the first control changes the
  picture within 1 s; every control that can move changes it in at least one of its moves,
  and a picture that changes does so within 1 s. Sliders are moved with the keyboard
  (ArrowRight, Home, End on the focused handle); in Notebook 7 the arrow keys never reach a
  slider (its command-mode shortcuts take them first), so the first step there is a click
  on the track.

Each widget's screenshot is saved to a folder printed at the end of the run (set
CONVBOOK_SCREENSHOTS to choose it). Skip these tests with ``pytest -m "not browser"``.
"""

import nbformat
import pytest

from .jupyter_driver import (NotebookPage, chapter_notebooks, code_cells, expected_widgets,
                             hidden_input_cells)

pytestmark = pytest.mark.browser

CHAPTERS = chapter_notebooks()
#: The chapter run in Notebook 7 too: the first one (sliders, a selection slider, buttons).
NOTEBOOK7_CHAPTERS = CHAPTERS[:1]


def test_chapters_are_found():
    assert CHAPTERS, "no chapters/09.*.ipynb: nothing for the browser tests to run"


def run_chapter(server, browser, chapter, screenshot_dir, front_end, move_log):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(30_000)
    notebook = NotebookPage(page, server)
    try:
        notebook.open(chapter.name)
        notebook.run_all()
        problems = notebook.problems() + notebook.kernel_trouble()
        assert not problems, f"{chapter.name} in {front_end}:\n" + "\n".join(problems)
        ran = notebook.numbered_prompts()
        assert ran == code_cells(chapter) - hidden_input_cells(chapter), (
            f"{ran} cells ran, of {code_cells(chapter)} (hidden input: "
            f"{hidden_input_cells(chapter)})")

        expected = expected_widgets(chapter)
        notebook.wait_widgets(expected)
        widgets = notebook.widgets()
        assert widgets.count() >= expected, (
            f"{widgets.count()} widgets rendered; the chapter displays {expected}")
        failures, report = [], []
        for k in range(widgets.count()):
            widget = widgets.nth(k)
            moves, widget_failures = notebook.drive_widget(widget)
            shot = screenshot_dir / f"{front_end}-{chapter.stem}-widget{k + 1}.png"
            widget.screenshot(path=shot)
            report += [f"widget {k + 1} ({shot.name}):"] + [f"  {move}" for move in moves]
            move_log += [(f"{front_end} {chapter.stem} widget {k + 1}", move) for move in moves]
            failures += [f"widget {k + 1}: {failure}" for failure in widget_failures]
        print(f"\n{front_end} {chapter.name}: {widgets.count()} widgets\n" + "\n".join(report))
        assert not failures, "\n".join(failures)
        problems = notebook.problems() + notebook.kernel_trouble()
        assert not problems, "after the widgets were moved:\n" + "\n".join(problems)
    except Exception:
        page.screenshot(path=screenshot_dir / f"FAILED-{front_end}-{chapter.stem}.png")
        print(f"server log (tail):\n{server.log_tail()}")
        raise
    finally:
        server.shutdown_kernels()  # one kernel at a time on a small machine
        context.close()


@pytest.mark.parametrize("chapter", CHAPTERS, ids=lambda path: path.stem)
def test_chapter_in_jupyterlab(chapter, lab_server, browser, screenshot_dir, move_log):
    run_chapter(lab_server, browser, chapter, screenshot_dir, "jupyterlab", move_log)


@pytest.mark.parametrize("chapter", NOTEBOOK7_CHAPTERS, ids=lambda path: path.stem)
def test_chapter_in_notebook7(chapter, notebook_server, browser, screenshot_dir, move_log):
    run_chapter(notebook_server, browser, chapter, screenshot_dir, "notebook7", move_log)


#: A notebook that breaks every rule once, to show that the checks above can fail.
BROKEN_CELLS = [
    "import sys, time\nimport ipywidgets as w\nimport numpy as np\n"
    "from convbook.widgets._app import encode_png\n\n\n"
    "def png(value):\n    return encode_png(np.full((8, 8, 4), value * 20 % 256, np.uint8))\n\n\n"
    "def demo(on_change, *others):\n"
    "    slider = w.IntSlider(value=3, min=0, max=9, description='a')\n"
    "    image = w.Image(value=png(3), format='png')\n"
    "    slider.observe(lambda change: on_change(image, change.new), names='value')\n"
    "    return w.VBox([w.HBox([slider, *others]), image])",
    "sys.stderr.write('a warning on stderr\\n')",
    # 1: the first slider works, the second ('b') is never observed: it changes nothing.
    "demo(lambda image, v: setattr(image, 'value', png(v)), w.IntSlider(description='b'))",
    # 2: the callback raises: the kernel reports the error to no cell; the picture stays.
    "def fail(image, v):\n    raise ValueError('broken callback')\n\n\ndemo(fail)",
    # 3: the picture changes, but 1.5 s late.
    "def slow(image, v):\n    time.sleep(1.5)\n    image.value = png(v)\n\n\ndemo(slow)",
]


def test_the_checks_catch_a_broken_notebook(lab_server, browser):
    name = "broken-widgets.ipynb"
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in BROKEN_CELLS])
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    nbformat.write(nb, lab_server.root / name)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    notebook = NotebookPage(context.new_page(), lab_server)
    try:
        notebook.open(name)
        notebook.run_all()
        assert notebook.problems() == ["stderr output [2]: a warning on stderr"]
        assert notebook.kernel_trouble() == ["stderr: a warning on stderr\n"]
        widgets = notebook.widgets()
        notebook.wait_widgets(3)
        found = [notebook.drive_widget(widgets.nth(k))[1] for k in range(3)]
    finally:
        lab_server.shutdown_kernels()
        context.close()
    dead, raising, slow = ("\n".join(failures) for failures in found)
    assert len(found[0]) == 1 and "slider 'b': no move changed the picture" in dead
    assert "the first control must change the picture" in raising
    assert "the kernel sent ['ValueError: broken callback']" in raising
    assert "the picture changed only after 1.0 s" in slow
