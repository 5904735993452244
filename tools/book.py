"""Build the static HTML book and the reveal.js slide decks from the stored, executed
notebooks in chapters/ (nothing is executed, nothing is downloaded).

    python tools/book.py book   [--out build/book]     # `make book`
    python tools/book.py slides [--out build/slides]   # `make slides`

Both use nbconvert's exporters with the templates in tools/book_templates/, which keep every
script and style local:

- math: MathJax 2 copied from the `jupyter-server-mathjax` package into `_static/mathjax`;
- slides: reveal.js copied from the `sphinx-revealjs` package (which vendors reveal.js 5)
  into `_static/reveal`;
- figures: the notebooks' PNG outputs, embedded in the pages as data URIs.

The book is index.html (the contents page, chapters/README.md), one page per chapter and
glossary.html, in that order, each with previous / contents / next links at the top and the
bottom. A widget does not run in a static page (its stored output is empty; the state is
stripped): its cell gets a short note pointing at the static figure above it and at
JupyterLab. Links between chapters (`09.2-motivation.ipynb`, `README.md`, `glossary.md`)
point at the built pages.

Slide boundaries come from each cell's `slideshow.slide_type`, set by tools/slides.py.
"""

import argparse
import copy
import html
import importlib.util
import pathlib
import re
import shutil
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
TEMPLATES = pathlib.Path(__file__).resolve().parent / "book_templates"
STATIC = "_static"
WIDGET_NOTE = ("<div class=\"cb-widget-note\">Interactive widget: it runs in a live notebook "
               "(JupyterLab, <code>make lab</code>). The static figure above shows the same "
               "drawing.</div>")


def _load_nav():
    spec = importlib.util.spec_from_file_location("nav", pathlib.Path(__file__).with_name("nav.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


nav = _load_nav()


def _package_dir(name, *parts):
    """A data folder inside an installed package, found without importing it."""
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise SystemExit(f"the package {name!r} is not installed; run `make install` "
                         f"(it is in convbook's 'book' extra)")
    return pathlib.Path(list(spec.submodule_search_locations)[0], *parts)


def copy_mathjax(dest):
    """MathJax 2.7 with the TeX input, HTML-CSS output and its STIX-Web woff fonts: what
    config=TeX-AMS-MML_HTMLorMML-full loads (about 2 MB of the package's 12 MB)."""
    source = _package_dir("jupyter_server_mathjax", "static")
    keep = ["MathJax.js", "LICENSE", "config", "jax/input", "jax/element",
            "jax/output/HTML-CSS", "fonts/HTML-CSS/STIX-Web/woff", "localization/en"]
    extensions = [p.name for p in (source / "extensions").iterdir() if p.name != "a11y"]
    keep += [f"extensions/{name}" for name in extensions]
    for part in keep:
        src, dst = source / part, dest / part
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True)
        else:
            shutil.copy2(src, dst)


def copy_reveal(dest):
    """reveal.js's dist/ (script, styles, themes and their fonts) and its notes plugin."""
    source = _package_dir("sphinx_revealjs", "_static", "revealjs")
    for part in ["LICENSE", "dist", "plugin/notes"]:
        src, dst = source / part, dest / part
        dst.parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir():
            shutil.copytree(src, dst, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns("*.map", "*.esm.js"))
        else:
            shutil.copy2(src, dst)


def note_widgets(notebook):
    """A copy of `notebook` in which each cell that displays a widget (tagged
    nbval-ignore-output, calls a *_demo(, stored without output) shows a note instead."""
    from nbformat.v4 import new_output

    notebook = copy.deepcopy(notebook)
    for cell in notebook.cells:
        if (cell.cell_type == "code" and not cell.outputs
                and "nbval-ignore-output" in cell.metadata.get("tags", [])
                and nav.WIDGET.search(cell.source)):
            cell.outputs = [new_output("display_data", data={
                "text/html": WIDGET_NOTE,
                "text/plain": "(an interactive widget: run the notebook to use it)"})]
    return notebook


def page_link(target):
    """Where a link in a chapter or page points in the built book."""
    if target == nav.CONTENTS:
        return "index.html"
    return re.sub(r"\.(ipynb|md)$", ".html", target)


def fix_links(text):
    """Relative links to notebooks and the two pages go to the built pages."""
    def fix(match):
        target, anchor = match[2], match[3] or ""
        return f'{match[1]}"{page_link(target)}{anchor}"'
    return re.sub(r'(href=)"((?:09\.[\w.-]+\.ipynb)|README\.md|glossary\.md)(#[^"]*)?"', fix, text)


def deck_links(notebook):
    """A copy of `notebook` for a slide deck: the navigation line under the title goes (a
    deck is presented, not browsed), and other links to chapters point at their decks."""
    notebook = copy.deepcopy(notebook)
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            cell.source = re.sub(r"\n*" + re.escape(nav.MARKER) + r"\n[^\n]*", "", cell.source)
            cell.source = re.sub(r"\]\((09\.[\w.-]+)\.ipynb", r"](\1.slides.html", cell.source)
            cell.source = cell.source.replace(f"]({nav.CONTENTS})", "](index.html)")
    return notebook


def nav_bar(pages, i, where):
    """Previous, contents, glossary and next links for page i of `pages` [(file, title)]."""
    def link(j, text):
        return f'<a href="{pages[j][0]}">{html.escape(text)}</a>'
    parts = [link(i - 1, f"← {pages[i - 1][1]}") if i > 0 else "<span></span>",
             '<span class="spacer"></span>', '<a href="index.html">Contents / 目录</a>',
             '<a href="glossary.html">Glossary / 术语表</a>', '<span class="spacer"></span>',
             link(i + 1, f"{pages[i + 1][1]} →") if i + 1 < len(pages) else "<span></span>"]
    return f'<nav class="cb-nav {where}">{"".join(parts)}</nav>'


def _exporter(kind):
    from nbconvert import HTMLExporter, SlidesExporter

    if kind == "book":
        exporter = HTMLExporter(template_name="convbook_book", extra_template_basedirs=[str(TEMPLATES)],
                                extra_template_paths=[str(TEMPLATES)])
    else:
        exporter = SlidesExporter(template_name="convbook_slides",
                                  extra_template_basedirs=[str(TEMPLATES)],
                                  extra_template_paths=[str(TEMPLATES)],
                                  reveal_url_prefix=f"{STATIC}/reveal", reveal_theme="white",
                                  reveal_transition="none", reveal_number="c/t",
                                  reveal_width="1280", reveal_height="720")
    return exporter


def _markdown_notebook(path, title):
    from nbformat.v4 import new_markdown_cell, new_notebook

    notebook = new_notebook(cells=[new_markdown_cell(path.read_text(encoding="utf-8"))])
    notebook.metadata["title"] = title
    return notebook


def build_book(out, chapters_dir=nav.CHAPTERS):
    """Write the book into `out`; return the list of pages written."""
    import nbformat

    out = pathlib.Path(out)
    out.mkdir(parents=True, exist_ok=True)
    copy_mathjax(out / STATIC / "mathjax")
    chapters = nav.read_chapters(chapters_dir)
    pages = ([("index.html", "Contents", chapters_dir / nav.CONTENTS)]
             + [(f"{c.slug}.html", c.title, chapters_dir / c.notebook) for c in chapters]
             + [("glossary.html", "Glossary", chapters_dir / nav.GLOSSARY)])
    exporter = _exporter("book")
    for i, (name, title, source) in enumerate(pages):
        if source.suffix == ".ipynb":
            notebook = note_widgets(nbformat.read(source, as_version=4))
            notebook.metadata["title"] = f"{title} · convbook"
        else:
            notebook = _markdown_notebook(source, f"{title} · convbook")
        resources = {"cb_static": STATIC, "cb_nav_top": nav_bar(pages, i, "top"),
                     "cb_nav_bottom": nav_bar(pages, i, "bottom"),
                     "metadata": {"name": title}}
        body, _ = exporter.from_notebook_node(notebook, resources=resources)
        (out / name).write_text(fix_links(body), encoding="utf-8")
    return [out / name for name, _, _ in pages]


def build_slides(out, chapters_dir=nav.CHAPTERS):
    """Write one deck per chapter, `<slug>.slides.html`, and an index.html listing them."""
    import nbformat

    out = pathlib.Path(out)
    out.mkdir(parents=True, exist_ok=True)
    copy_mathjax(out / STATIC / "mathjax")
    copy_reveal(out / STATIC / "reveal")
    chapters = nav.read_chapters(chapters_dir)
    exporter = _exporter("slides")
    decks = []
    for c in chapters:
        notebook = deck_links(note_widgets(nbformat.read(chapters_dir / c.notebook, as_version=4)))
        notebook.metadata["title"] = c.title
        resources = {"cb_static": STATIC, "metadata": {"name": c.title}}
        body, _ = exporter.from_notebook_node(notebook, resources=resources)
        deck = out / f"{c.slug}.slides.html"
        deck.write_text(body, encoding="utf-8")
        decks.append(deck)
    items = "".join(f'<li><a href="{d.name}">{html.escape(c.title)}</a></li>'
                    for c, d in zip(chapters, decks))
    (out / "index.html").write_text(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>convbook slides"
        f"</title></head><body><h1>convbook: slides</h1><ul>{items}</ul><p>Arrow keys move; "
        "<kbd>S</kbd> opens the speaker notes; <kbd>Esc</kbd> shows the overview.</p>"
        "</body></html>\n", encoding="utf-8")
    return decks


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=["book", "slides"])
    parser.add_argument("--out", type=pathlib.Path)
    args = parser.parse_args(argv)
    out = args.out or ROOT / "build" / args.what
    start = time.perf_counter()
    if args.out is None and out.exists():
        shutil.rmtree(out)  # a fresh build: no page of a renamed chapter stays behind
    built = (build_book if args.what == "book" else build_slides)(out)
    print(f"wrote {len(built)} pages to {out} in {time.perf_counter() - start:.1f} s; "
          f"open {out / ('index.html')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
