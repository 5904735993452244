"""Set each chapter cell's slide metadata (`slideshow.slide_type`) by one rule, so that
`make slides` cuts every chapter into 1280x720 slides of one idea each.

    python tools/slides.py chapters/09.3-pooling.ipynb   # set the metadata of one chapter
    python tools/slides.py                               # every chapter on disk
    python tools/slides.py --check [CHAPTER ...]         # change nothing; exit 1 if stale

The rule, applied from scratch every run (so a second run changes nothing, and a run after
editing a chapter re-cuts it):

1. Each `## ` heading starts a slide (one section of the chapter, one idea); each `### `
   heading starts a subslide under it (reveal.js's vertical stack: down-arrow within a
   section, right-arrow to the next section). The title cell starts the first slide.
2. Setup code before the first numbered section (the imports, the seeded generator and
   plot settings), and folded cells (`jupyter.source_hidden`, the checkers' known mistakes,
   which would give the exercises away), are skipped.
3. Any other cell continues the current slide while the slide's estimated height stays
   within 1280x720 (about 640 px of content at the deck's font sizes); the cell that would
   overflow it starts a subslide. Heights are estimated from the text (lines, wrapped at the
   slide's width), tables, display formulas and the stored figures' pixel sizes.
4. In the deck a code input longer than about 11 lines scrolls inside a 220 px box, a
   printed output inside 180 px, and a figure is scaled to at most 400 px tall, so that a
   cell's code and its figure share one slide. A cell that is still taller than a slide (a
   long markdown cell or table) is never cut: its slide scrolls inside the 1280x720 frame
   (`overflow-y: auto`), and `tools/book_shots.py slides` lists such slides with a
   screenshot of each.

Only `slideshow` is touched. The tool edits the executed .ipynb (as JSON, outputs kept)
and rewrites its paired .md with jupytext, as `jupytext --sync` would; it refuses a pair
that is not in step, so that an unsynced edit of the .md is never overwritten.
"""

import argparse
import base64
import json
import math
import pathlib
import re
import struct
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent
CHAPTERS = ROOT / "chapters"
FIX = "python tools/slides.py"

BUDGET = 640            # px of content per 1280x720 slide (the rest: padding, controls)
# The deck's CSS (tools/book_templates/convbook_slides) caps these, scrolling inside the box:
CODE_BOX, OUTPUT_BOX = 220, 180    # px: a code input, a printed output
CHARS_PER_LINE = {"prose": 118, "code": 130}
LINE = {"prose": 29, "code": 19}   # px per line at the deck's font sizes (see the template)
MAX_FIGURE = (1200, 400)           # the deck shows a figure at most this wide and tall


def _source(cell):
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def _wrapped(lines, width):
    return sum(max(1, math.ceil(len(line) / width)) for line in lines)


def _png_size(data):
    raw = base64.b64decode(data if isinstance(data, str) else "".join(data))
    width, height = struct.unpack(">II", raw[16:24])
    return width, height


def markdown_height(text):
    height, lines = 0, text.splitlines()
    table = [line for line in lines if line.lstrip().startswith("|")]
    height += 38 * len(table)
    display = len(re.findall(r"\$\$", text)) // 2
    height += 60 * display
    prose = [line for line in lines if line.strip() and not line.lstrip().startswith("|")
             and not line.strip().startswith("$$")]
    for line in prose:
        if line.startswith("## "):
            height += 70
        elif line.startswith("### "):
            height += 55
        else:
            height += LINE["prose"] * max(1, math.ceil(len(line) / CHARS_PER_LINE["prose"]))
    paragraphs = len(re.split(r"\n\s*\n", text.strip()))
    return height + 16 * paragraphs


def code_height(cell):
    height = 12 + min(CODE_BOX, 12 + LINE["code"] * _wrapped(_source(cell).splitlines(),
                                                               CHARS_PER_LINE["code"]))
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        if "image/png" in data:
            width, h = _png_size(data["image/png"])
            height += min(h * min(1.0, MAX_FIGURE[0] / width), MAX_FIGURE[1]) + 10
        elif output.get("output_type") == "stream" or "text/plain" in data:
            text = output.get("text") or data.get("text/plain", "")
            text = text if isinstance(text, str) else "".join(text)
            height += 10 + min(OUTPUT_BOX, LINE["code"] * _wrapped(text.splitlines(),
                                                                   CHARS_PER_LINE["code"]))
    return height


def cell_height(cell):
    return markdown_height(_source(cell)) if cell["cell_type"] == "markdown" else code_height(cell)


def slide_types(cells):
    """The slide_type of every cell, by the rule in the module docstring."""
    types, used, numbered = [], 0, False
    for i, cell in enumerate(cells):
        text = _source(cell)
        markdown = cell["cell_type"] == "markdown"
        if markdown and re.match(r"## \d", text):
            numbered = True
        hidden = cell.get("metadata", {}).get("jupyter", {}).get("source_hidden", False)
        height = cell_height(cell)
        if i == 0 or (markdown and text.startswith("## ")):
            kind, used = "slide", height
        elif markdown and text.startswith("### "):
            kind, used = "subslide", height
        elif hidden or (not markdown and not numbered and not cell.get("outputs")):
            kind = "skip"
        elif used + height > BUDGET:
            kind, used = "subslide", height
        else:
            kind, used = "-", used + height
        types.append(kind)
    return types


def with_slides(notebook):
    """`notebook` (the JSON dict) with the rule's metadata; True if anything changed."""
    changed = False
    for cell, kind in zip(notebook["cells"], slide_types(notebook["cells"])):
        metadata = cell.setdefault("metadata", {})
        if kind == "-":  # nbconvert's default: no metadata, so the .md stays quiet
            changed |= metadata.pop("slideshow", None) is not None
        elif metadata.get("slideshow") != {"slide_type": kind}:
            metadata["slideshow"] = {"slide_type": kind}
            changed = True
    return changed


def _without_version(text):
    return re.sub(r"\n +jupytext_version: .*", "", text)


def _paired_md(notebook_path):
    """What jupytext writes as the .md of the notebook stored at `notebook_path`."""
    import jupytext
    import nbformat

    return jupytext.writes(nbformat.read(notebook_path, as_version=4), fmt="md:myst")


def apply(notebook_path, check=False):
    """Set the rule's metadata in a chapter pair; return True if it was (or would be) changed."""
    notebook = json.loads(notebook_path.read_text(encoding="utf-8"))
    changed = with_slides(notebook)
    if check or not changed:
        return changed
    md_path = notebook_path.with_suffix(".md")
    if md_path.exists() and (_without_version(md_path.read_text(encoding="utf-8"))
                             != _without_version(_paired_md(notebook_path))):
        raise SystemExit(f"{md_path.name} and {notebook_path.name} are not in step; sync them "
                         f"first (`.venv/bin/jupytext --sync {md_path}`), then run {FIX} again")
    notebook_path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False, sort_keys=True)
                             + "\n", encoding="utf-8")
    if md_path.exists():
        md_path.write_text(_paired_md(notebook_path), encoding="utf-8")
    return True


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("chapters", nargs="*", type=pathlib.Path,
                        help="chapter notebooks (default: chapters/09.*.ipynb)")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if stale")
    args = parser.parse_args(argv)
    paths = [p.with_suffix(".ipynb") for p in args.chapters] or sorted(CHAPTERS.glob("09.*.ipynb"))
    stale = []
    for path in paths:
        buried = [line for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]
                  if cell["cell_type"] == "markdown"
                  for line in _source(cell).splitlines()[1:] if line.startswith("## ")]
        for line in buried:
            print(f"{path.name}: '{line}' is inside a cell; start a cell with it (a `+++` line "
                  f"before it in the .md) to give it a slide")
        if apply(path, check=args.check):
            stale.append(path)
            print(f"{'out of date' if args.check else 'wrote'}: {path.name} (and its .md)")
    if args.check and stale:
        print(f"run `{FIX} {' '.join(str(p) for p in stale)}`")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
