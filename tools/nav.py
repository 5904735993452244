"""Write what the chapters share from the chapters themselves: the navigation line at the top
of every chapter, the contents page (chapters/README.md) and the bilingual glossary
(chapters/glossary.md).

    python tools/nav.py                # rewrite all three for every chapter on disk
    python tools/nav.py --check        # change nothing; exit 1 and name what is out of date
    python tools/nav.py --only 09.1 09.2   # write only these chapters (and the two pages)

Run it after adding or renaming a chapter, or after changing a chapter's title, learning
goals, widgets or term list; `tests/test_nav.py` fails until you do. It is idempotent: a
second run changes nothing.

What it reads from each chapter `chapters/09.N-<name>.ipynb` (the pair's .md says the same):

- the title, the first markdown line `# 9.N <Title>` (the book section's number and name);
- the *Learning goals*: the bullets under the heading `## Learning goals`;
- the widgets: `cb.widgets.<name>_demo(` in a code cell tagged `nbval-ignore-output` (the
  cell that displays it), with the heading of the section it sits in;
- the term list: the two-column table (中文 | English) under the heading `## Terms / 术语 ...`.

The navigation line goes right under the title, in the title cell, after a marker comment
that says where it comes from. The tool edits that cell in both files of the pair (the
.md as text, the .ipynb as JSON), so the pair stays in step and no output changes.
"""

import argparse
import json
import pathlib
import re
import sys
from dataclasses import dataclass, field

ROOT = pathlib.Path(__file__).resolve().parent.parent
CHAPTERS = ROOT / "chapters"
FIX = "python tools/nav.py"
MARKER = "<!-- navigation: written by tools/nav.py; edit the tool, not this line -->"
PAGE_MARKER = ("<!-- written by tools/nav.py from the chapters; run `python tools/nav.py` "
               "after changing a chapter, never edit this page by hand -->")
CONTENTS, GLOSSARY = "README.md", "glossary.md"

TITLE = re.compile(r"\A# (9\.\d+) (.+)")
# The title line, then (if present) a blank line, the marker and the old navigation line.
NAV_BLOCK = re.compile(r"\A(# [^\n]*)(?:\n\n" + re.escape(MARKER) + r"\n[^\n]*)?")
WIDGET = re.compile(r"\bcb\.widgets\.(\w+)_demo\(")


@dataclass
class Chapter:
    slug: str            # 09.2-motivation
    number: str          # 9.2
    name: str            # Motivation
    goals: str = ""      # the Learning goals cell, without its heading
    widgets: list = field(default_factory=list)   # [(demo name, section heading)]
    terms: list = field(default_factory=list)     # [(中文, English)]

    @property
    def notebook(self):
        return f"{self.slug}.ipynb"

    @property
    def title(self):
        return f"{self.number} {self.name}"


def _source(cell):
    source = cell["source"]
    return source if isinstance(source, str) else "".join(source)


def _terms(text):
    """The rows of the first two-column markdown table in `text`, as (中文, English)."""
    rows = [line.strip() for line in text.splitlines() if line.strip().startswith("|")]
    if len(rows) < 2:
        return []
    split = lambda row: [c.strip() for c in row.strip().strip("|").split("|")]
    header = split(rows[0])
    if len(header) != 2 or set(header) != {"中文", "English"}:
        raise ValueError(f"the term table's header is {header}; expected | 中文 | English |")
    zh = header.index("中文")
    return [(cells[zh], cells[1 - zh]) for cells in map(split, rows[2:]) if len(cells) == 2]


def read_chapter(notebook_path):
    """A Chapter from its executed notebook."""
    cells = json.loads(notebook_path.read_text(encoding="utf-8"))["cells"]
    chapter, section = None, ""
    for cell in cells:
        text = _source(cell)
        if cell["cell_type"] == "markdown":
            if chapter is None and (match := TITLE.match(text)):
                chapter = Chapter(notebook_path.stem, match[1], match[2].strip())
            for heading in re.findall(r"^#{2,3} (.+)$", text, re.M):
                section = heading.strip()
            goals = re.search(r"^## Learning goals[^\n]*\n(.*?)(?=^#|\Z)", text, re.M | re.S)
            if chapter and goals:
                chapter.goals = goals[1].strip()
            terms = re.search(r"^## Terms / 术语[^\n]*\n(.*?)(?=^#|\Z)", text, re.M | re.S)
            if chapter and terms:
                chapter.terms = _terms(terms[1])
        elif chapter and "nbval-ignore-output" in cell.get("metadata", {}).get("tags", []):
            for name in WIDGET.findall(text):
                if name not in [w for w, _ in chapter.widgets]:
                    chapter.widgets.append((name, section))
    if chapter is None:
        raise ValueError(f"{notebook_path.name}: no title cell '# 9.N <Title>'")
    return chapter


def read_chapters(directory=CHAPTERS):
    paths = sorted(directory.glob("09.*.ipynb"), key=lambda p: [int(x) for x in
                                                               p.stem.split("-")[0].split(".")])
    return [read_chapter(p) for p in paths]


# The navigation line -------------------------------------------------------------------------

def nav_line(chapters, i):
    this = chapters[i]
    parts = [f"*Deep Learning* §{this.number}, {this.name}"]
    if i > 0:
        parts.append(f"[← {chapters[i - 1].title}]({chapters[i - 1].notebook})")
    parts += [f"[Contents / 目录]({CONTENTS})", f"[Glossary / 术语表]({GLOSSARY})"]
    if i + 1 < len(chapters):
        parts.append(f"[{chapters[i + 1].title} →]({chapters[i + 1].notebook})")
    return " · ".join(parts)


def with_nav(title_text, line):
    """The title cell's text (or a .md's text from its title on) with `line` as its nav."""
    if not NAV_BLOCK.match(title_text):
        raise ValueError("the chapter's title cell does not start with '# '")
    return NAV_BLOCK.sub(lambda m: f"{m[1]}\n\n{MARKER}\n{line}", title_text, count=1)


def _lines(text):
    return text.splitlines(keepends=True)


def chapter_files(chapter, line, directory=CHAPTERS):
    """{path: new text} for the chapter's .ipynb and .md with `line` as their nav line."""
    notebook_path = directory / chapter.notebook
    notebook = json.loads(notebook_path.read_text(encoding="utf-8"))
    title_cell = next(c for c in notebook["cells"]
                      if c["cell_type"] == "markdown" and _source(c).startswith("# "))
    title_cell["source"] = _lines(with_nav(_source(title_cell), line))
    files = {notebook_path: json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"}

    md_path = notebook_path.with_suffix(".md")
    if md_path.exists():
        md = md_path.read_text(encoding="utf-8")
        front = re.match(r"\A---\n.*?\n---\n", md, re.S)
        # the title line: the first '# ' line after the front matter (a `+++ {...}` line of
        # cell metadata may stand before it)
        start = re.compile(r"^# ", re.M).search(md, front.end() if front else 0).start()
        files[md_path] = md[:start] + with_nav(md[start:], line)
    return files


# The contents page and the glossary -------------------------------------------------------

def contents_page(chapters):
    out = ["# Contents / 目录", "", PAGE_MARKER, "",
           "A runnable companion to chapter 9 of *Deep Learning* (Goodfellow, Bengio and "
           "Courville). Each notebook follows one section of the book; open it in "
           "JupyterLab (`make lab`) for the live widgets, or read it here with its stored "
           "outputs. Every widget is preceded by a static figure of the same drawing. "
           f"The terms of all chapters, 中文/English: [Glossary / 术语表]({GLOSSARY}).", "",
           "| Chapter | Book section | Widgets |", "|---|---|---|"]
    for c in chapters:
        widgets = ", ".join(f"`{name}_demo`" for name, _ in c.widgets) or "none"
        out.append(f"| [{c.title}]({c.notebook}) | §{c.number} | {widgets} |")
    for c in chapters:
        out += ["", f"## [{c.title}]({c.notebook})", "",
                f"Follows *Deep Learning* §{c.number}, {c.name}.", "",
                "**Learning goals**", "", c.goals or "(none listed yet)", "", "**Widgets**", ""]
        if c.widgets:
            out += [f"- `cb.widgets.{name}_demo()`, in *{section}*" for name, section in c.widgets]
        else:
            out.append("- none")
    return "\n".join(out) + "\n"


def _sort_key(row):
    return re.sub(r"[^a-z0-9 ]", "", row[1].lower()).strip(), row[1]


def glossary_page(chapters):
    entries = {}  # (中文, English) -> chapters that list it, in chapter order
    for c in chapters:
        for term in c.terms:
            entries.setdefault(term, []).append(c)
    out = ["# Glossary / 术语表", "", PAGE_MARKER, "",
           "Every term in the chapters' closing *Terms / 术语* lists, in English alphabetical "
           "order. The first link goes to the chapter that introduces the term; later links "
           "(also) to the chapters that list it again. "
           f"[Contents / 目录]({CONTENTS}).", "",
           "| English | 中文 | Chapter |", "|---|---|---|"]
    for (zh, en), where in sorted(entries.items(), key=lambda item: _sort_key(item[0])):
        links = [f"[§{c.number}]({c.notebook})" for c in where]
        if len(links) > 1:
            links = [links[0], "also " + ", ".join(links[1:])]
        out.append(f"| {en} | {zh} | {'; '.join(links)} |")
    return "\n".join(out) + "\n"


# Run --------------------------------------------------------------------------------------

def expected_files(directory=CHAPTERS, only=None):
    """{path: text it should hold}. `only`: chapter numbers ('9.1') or slugs to write."""
    chapters = read_chapters(directory)
    files = {directory / CONTENTS: contents_page(chapters),
             directory / GLOSSARY: glossary_page(chapters)}
    for i, chapter in enumerate(chapters):
        if only and not any(chapter.slug.startswith(o) or chapter.number == o.lstrip("0")
                            for o in only):
            continue
        files.update(chapter_files(chapter, nav_line(chapters, i), directory))
    return files


def out_of_date(directory=CHAPTERS, only=None):
    """The files whose text is not what the tool would write."""
    return [path for path, text in expected_files(directory, only).items()
            if not path.exists() or path.read_text(encoding="utf-8") != text]


def write(directory=CHAPTERS, only=None):
    changed = out_of_date(directory, only)
    for path, text in expected_files(directory, only).items():
        if path in changed:
            path.write_text(text, encoding="utf-8")
    return changed


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if stale")
    parser.add_argument("--only", nargs="+", metavar="CHAPTER",
                        help="write only these chapters, e.g. 09.1 09.2 (the pages always)")
    parser.add_argument("--chapters", type=pathlib.Path, default=CHAPTERS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.check:
        stale = out_of_date(args.chapters, args.only)
        for path in stale:
            print(f"out of date: {path.relative_to(args.chapters.parent)}")
        if stale:
            print(f"run `{FIX}` to rewrite them")
        return 1 if stale else 0
    for path in write(args.chapters, args.only):
        print(f"wrote {path.relative_to(args.chapters.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
