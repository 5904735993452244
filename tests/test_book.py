"""`make book` and `make slides`: build both from the stored notebooks into a temporary
folder and check what a reader without a network would meet: every chapter's page and
deck, their figures, their links, and no script or style fetched from the web."""

import html.parser
import importlib.util
import json
import pathlib
import re
import urllib.parse

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("book", ROOT / "tools" / "book.py")
book = importlib.util.module_from_spec(spec)
spec.loader.exec_module(book)
nav = book.nav

CHAPTERS = nav.read_chapters()
PAGES = ["index.html"] + [f"{c.slug}.html" for c in CHAPTERS] + ["glossary.html"]


class Page(html.parser.HTMLParser):
    """The references and ids of one HTML page."""

    def __init__(self, text):
        super().__init__()
        self.images, self.links, self.scripts, self.styles, self.ids = [], [], [], [], set()
        self.nav = []          # hrefs inside the first <nav class="cb-nav ...">
        self._in_nav = None
        self.feed(text)
        self.text = text

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "img":
            self.images.append(attrs.get("src", ""))
        elif tag == "a" and "href" in attrs:
            self.links.append(attrs["href"])
            if self._in_nav:
                self.nav.append(attrs["href"])
        elif tag == "script" and attrs.get("src"):
            self.scripts.append(attrs["src"])
        elif tag == "link" and attrs.get("href"):
            self.styles.append(attrs["href"])
        elif tag == "nav" and "cb-nav" in attrs.get("class", "") and self._in_nav is None:
            self._in_nav = True

    def handle_endtag(self, tag):
        if tag == "nav" and self._in_nav:
            self._in_nav = False


def problems(folder, name):
    """What is wrong with page `name` in `folder`: unresolved figures and internal links
    (anchors included), scripts or styles from the web or missing."""
    page = Page((folder / name).read_text(encoding="utf-8"))
    found = []
    for src in page.images:
        if not (src.startswith("data:image/") or (folder / src).is_file()):
            found.append(f"figure {src[:60]!r} does not resolve")
    for href in page.links:
        parts = urllib.parse.urlsplit(href)
        if parts.scheme or href.startswith("//"):
            continue  # an outside link is fine to *follow*; nothing loads it
        target = parts.path or name
        if not (folder / target).is_file():
            found.append(f"link {href!r} does not resolve")
        elif parts.fragment and target.endswith(".html"):
            ids = Page((folder / target).read_text(encoding="utf-8")).ids
            # as a browser does: the fragment as written, then percent-decoded
            if not {parts.fragment, urllib.parse.unquote(parts.fragment)} & ids:
                found.append(f"link {href!r}: no such anchor")
    for ref in page.scripts + page.styles:
        if re.match(r"(https?:)?//", ref):
            found.append(f"loads {ref} from the web")
        elif not (folder / ref.split("?")[0]).is_file():
            found.append(f"loads {ref}, which is missing")
    for url in re.findall(r"""url\(\s*['"]?((?:https?:)?//[^'")]+)""", page.text):
        found.append(f"a style loads {url} from the web")
    for url in re.findall(r"""import\s*\(?\s*['"]((?:https?:)?//[^'"]+)""", page.text):
        found.append(f"a script imports {url} from the web")
    return found


@pytest.fixture(scope="module")
def built_book(tmp_path_factory):
    out = tmp_path_factory.mktemp("book")
    book.build_book(out)
    return out


@pytest.fixture(scope="module")
def built_slides(tmp_path_factory):
    out = tmp_path_factory.mktemp("slides")
    book.build_slides(out)
    return out


def test_every_chapter_has_a_page(built_book):
    assert sorted(p.name for p in built_book.glob("*.html")) == sorted(PAGES)
    assert len(CHAPTERS) >= 2


@pytest.mark.parametrize("name", PAGES)
def test_page_figures_links_and_assets_resolve_offline(built_book, name):
    assert problems(built_book, name) == []


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[c.slug for c in CHAPTERS])
def test_chapter_page_shows_every_stored_figure_and_notes_each_widget(built_book, chapter):
    notebook = json.loads((ROOT / "chapters" / chapter.notebook).read_text(encoding="utf-8"))
    figures = sum("image/png" in o.get("data", {}) for c in notebook["cells"]
                  for o in c.get("outputs", []))
    page = Page((built_book / f"{chapter.slug}.html").read_text(encoding="utf-8"))
    assert figures > 0
    assert sum(src.startswith("data:image/png;base64,") for src in page.images) == figures
    displays = sum(c["cell_type"] == "code" and not c.get("outputs")
                   and "nbval-ignore-output" in c["metadata"].get("tags", [])
                   and bool(nav.WIDGET.search(slides._source(c))) for c in notebook["cells"])
    assert displays >= len(chapter.widgets) > 0
    assert page.text.count('class="cb-widget-note"') == displays
    assert "Loading widget" not in page.text and "application/vnd.jupyter.widget" not in page.text
    assert 'src="_static/mathjax/MathJax.js' in page.text


def test_pages_link_previous_and_next_in_order(built_book):
    for i, name in enumerate(PAGES):
        bar = Page((built_book / name).read_text(encoding="utf-8")).nav
        assert "index.html" in bar and "glossary.html" in bar, name
        if i > 0:
            assert bar[0] == PAGES[i - 1], name
        if i + 1 < len(PAGES):
            assert bar[-1] == PAGES[i + 1], name


def test_links_between_chapters_point_at_pages(built_book):
    text = (built_book / "index.html").read_text(encoding="utf-8")
    assert f'href="{CHAPTERS[0].slug}.html"' in text and ".ipynb\"" not in text
    assert ".ipynb\"" not in (built_book / f"{CHAPTERS[1].slug}.html").read_text(encoding="utf-8")


def test_the_checks_catch_a_broken_page(tmp_path):
    (tmp_path / "a.html").write_text(
        '<img src="missing.png"><a href="b.html">b</a><a href="a.html#nowhere">x</a>'
        '<script src="https://cdn.example/x.js"></script><link href="gone.css" rel="stylesheet">'
        '<style>@font-face { src: url(https://fonts.example/f.woff) }</style>')
    found = problems(tmp_path, "a.html")
    assert len(found) == 6, found


# Slides ----------------------------------------------------------------------------------

@pytest.mark.parametrize("chapter", CHAPTERS, ids=[c.slug for c in CHAPTERS])
def test_each_chapter_has_a_local_reveal_deck(built_slides, chapter):
    name = f"{chapter.slug}.slides.html"
    assert problems(built_slides, name) == []
    text = (built_slides / name).read_text(encoding="utf-8")
    assert 'src="_static/reveal/dist/reveal.js"' in text
    assert "width: 1280" in text and "height: 720" in text
    notebook = json.loads((ROOT / "chapters" / chapter.notebook).read_text(encoding="utf-8"))
    starts = sum(c["metadata"].get("slideshow", {}).get("slide_type") in ("slide", "subslide")
                 for c in notebook["cells"])
    assert starts >= 10, "too few slide boundaries: run tools/slides.py"
    assert text.count("<section") >= starts


def test_slides_index_lists_every_deck(built_slides):
    assert problems(built_slides, "index.html") == []
    text = (built_slides / "index.html").read_text(encoding="utf-8")
    assert all(f'href="{c.slug}.slides.html"' in text for c in CHAPTERS)


# The slide metadata (tools/slides.py) ------------------------------------------------------

spec = importlib.util.spec_from_file_location("slides", ROOT / "tools" / "slides.py")
slides = importlib.util.module_from_spec(spec)
spec.loader.exec_module(slides)


@pytest.mark.parametrize("chapter", CHAPTERS, ids=[c.slug for c in CHAPTERS])
def test_every_section_of_a_chapter_starts_a_slide(chapter):
    cells = json.loads((ROOT / "chapters" / chapter.notebook).read_text(encoding="utf-8"))["cells"]
    kinds = [(c["metadata"].get("slideshow", {}).get("slide_type", "-"), slides._source(c))
             for c in cells if c["cell_type"] == "markdown"]
    unset = [text.splitlines()[0] for kind, text in kinds
             if text.startswith("## ") and kind != "slide"]
    assert not unset, (f"{chapter.notebook}: sections without a slide of their own: {unset}; "
                       f"run `{slides.FIX} chapters/{chapter.notebook}`")


def _pair(tmp_path, slug="09.1-convolution"):
    for suffix in (".md", ".ipynb"):
        (tmp_path / f"{slug}{suffix}").write_bytes((ROOT / "chapters" / f"{slug}{suffix}").read_bytes())
    return tmp_path / f"{slug}.ipynb"


def test_slides_rule_is_idempotent_and_keeps_the_pair_in_step(tmp_path):
    import jupytext
    import nbformat

    path = _pair(tmp_path)
    notebook = json.loads(path.read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        cell["metadata"].pop("slideshow", None)
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
    path.with_suffix(".md").write_text(jupytext.writes(nbformat.read(path, as_version=4), fmt="md:myst"))
    assert slides.apply(path) is True
    assert slides.apply(path) is False and slides.main(["--check", str(path)]) == 0
    stored = slides._without_version(path.with_suffix(".md").read_text(encoding="utf-8"))
    assert stored == slides._without_version(slides._paired_md(path))
    outputs = [c.get("outputs") for c in json.loads(path.read_text(encoding="utf-8"))["cells"]]
    assert outputs == [c.get("outputs") for c in notebook["cells"]]  # outputs untouched


def test_slides_refuse_a_pair_that_is_not_in_step(tmp_path):
    path = _pair(tmp_path)
    notebook = json.loads(path.read_text(encoding="utf-8"))
    notebook["cells"][0]["metadata"].pop("slideshow", None)
    path.write_text(json.dumps(notebook, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
    md = path.with_suffix(".md")
    md.write_text(md.read_text(encoding="utf-8") + "\nAn edit not yet synced.\n", encoding="utf-8")
    with pytest.raises(SystemExit, match="not in step"):
        slides.apply(path)
    assert md.read_text(encoding="utf-8").endswith("An edit not yet synced.\n")


def test_slides_rule_cuts_where_the_slide_is_full():
    def markdown(text):
        return {"cell_type": "markdown", "metadata": {}, "source": text}

    def code(lines, outputs=()):
        return {"cell_type": "code", "metadata": {}, "source": "x = 1\n" * lines,
                "outputs": list(outputs)}

    import base64
    import struct
    png = base64.b64encode(b"\x89PNG\r\n\x1a\n" + b"\0\0\0\rIHDR" + struct.pack(">II", 1000, 800)).decode()
    figure = {"output_type": "display_data", "data": {"image/png": png}}
    assert slides.code_height(code(100)) == 12 + slides.CODE_BOX
    assert slides.code_height(code(1, [figure])) - slides.code_height(code(1)) == 400 + 10
    cells = [markdown("# 9.9 Title"), code(3), markdown("## 1 A section"), code(5, [figure]),
             code(5, [figure]), markdown("### A subsection"), markdown("text")]
    assert slides.slide_types(cells) == ["slide", "skip", "slide", "-", "subslide",
                                         "subslide", "-"]
