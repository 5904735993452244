"""The navigation lines, the contents page and the glossary are what tools/nav.py writes from
the chapters on disk: a chapter added, retitled or given new terms makes this fail, with
the command that fixes it."""

import importlib.util
import json
import pathlib
import re
import shutil

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("nav", ROOT / "tools" / "nav.py")
nav = importlib.util.module_from_spec(spec)
spec.loader.exec_module(nav)

CHAPTERS = nav.read_chapters()
LINK = re.compile(r"\]\(([^)#\s]+)")


def test_nav_lines_contents_and_glossary_are_up_to_date():
    stale = [str(p.relative_to(ROOT)) for p in nav.out_of_date()]
    assert not stale, f"out of date: {stale}; run `{nav.FIX}`"


def test_every_chapter_has_goals_widgets_and_terms():
    assert [c.number for c in CHAPTERS][:2] == ["9.1", "9.2"]
    for c in CHAPTERS:
        assert c.goals.count("\n- ") + c.goals.startswith("- ") >= 3, c.slug
        assert c.terms, f"{c.slug} has no Terms / 术语 table"
    assert [w for w, _ in CHAPTERS[0].widgets] == ["sliding", "flip"]


def test_links_in_the_pages_and_nav_lines_resolve():
    texts = [(ROOT / "chapters" / nav.CONTENTS).read_text(encoding="utf-8"),
             (ROOT / "chapters" / nav.GLOSSARY).read_text(encoding="utf-8")]
    texts += [nav.nav_line(CHAPTERS, i) for i in range(len(CHAPTERS))]
    targets = {t for text in texts for t in LINK.findall(text)}
    assert targets >= {"README.md", "glossary.md", "09.1-convolution.ipynb"}
    assert [t for t in targets if not (ROOT / "chapters" / t).exists()] == []


def test_glossary_links_every_term_to_the_chapter_that_introduces_it():
    rows = (ROOT / "chapters" / nav.GLOSSARY).read_text(encoding="utf-8").splitlines()
    seen = set()
    for c in CHAPTERS:
        for zh, en in c.terms:
            row = next((r for r in rows if r.startswith(f"| {en} | {zh} | ")), None)
            assert row, f"glossary lacks {zh} / {en} of {c.slug}"
            first = LINK.findall(row)[0]
            if (zh, en) not in seen:
                assert first == c.notebook, (zh, en, first)
            seen.add((zh, en))


def _copy_chapters(tmp_path, slugs=("09.1-convolution", "09.2-motivation")):
    directory = tmp_path / "chapters"
    directory.mkdir()
    for slug in slugs:
        for suffix in (".md", ".ipynb"):
            shutil.copy(ROOT / "chapters" / f"{slug}{suffix}", directory)
    return directory


def _add_fake_chapter(directory, slug="09.3-pooling", title="9.3 Pooling"):
    notebook = json.loads((directory / "09.2-motivation.ipynb").read_text(encoding="utf-8"))
    for cell in notebook["cells"]:
        text = nav._source(cell)
        if text.startswith("# 9.2"):
            cell["source"] = f"# {title}\n\nA fake chapter.\n"
        elif text.startswith("## Terms / 术语"):
            cell["source"] = "## Terms / 术语 (§9.3)\n\n| 中文 | English |\n|---|---|\n| 最大池化 | max pooling |\n"
    (directory / f"{slug}.ipynb").write_text(json.dumps(notebook, indent=1, ensure_ascii=False))


def test_adding_a_chapter_is_caught_and_one_run_fixes_everything(tmp_path, capsys):
    directory = _copy_chapters(tmp_path)
    nav.write(directory)
    assert nav.out_of_date(directory) == []
    _add_fake_chapter(directory)
    stale = {p.name for p in nav.out_of_date(directory)}
    # 9.2 gains a 'next' link; the pages gain a chapter and a term; 9.3 gets its line.
    assert stale == {"09.2-motivation.ipynb", "09.2-motivation.md", "09.3-pooling.ipynb",
                     "README.md", "glossary.md"}
    assert nav.main(["--check", "--chapters", str(directory)]) == 1
    assert f"run `{nav.FIX}`" in capsys.readouterr().out
    nav.write(directory)
    assert nav.write(directory) == []  # idempotent
    assert nav.main(["--check", "--chapters", str(directory)]) == 0
    md = (directory / "09.2-motivation.md").read_text(encoding="utf-8")
    assert md.count(nav.MARKER) == 1 and "[9.3 Pooling →](09.3-pooling.ipynb)" in md
    glossary = (directory / nav.GLOSSARY).read_text(encoding="utf-8")
    assert "| max pooling | 最大池化 | [§9.3](09.3-pooling.ipynb) |" in glossary
    assert "[9.3 Pooling](09.3-pooling.ipynb)" in (directory / nav.CONTENTS).read_text("utf-8")


def test_only_writes_the_chapters_it_is_given(tmp_path):
    directory = _copy_chapters(tmp_path)
    nav.write(directory)
    _add_fake_chapter(directory)
    before = (directory / "09.3-pooling.ipynb").read_text(encoding="utf-8")
    written = {p.name for p in nav.write(directory, only=["09.1", "09.2"])}
    assert "09.3-pooling.ipynb" not in written and "09.2-motivation.md" in written
    assert (directory / "09.3-pooling.ipynb").read_text(encoding="utf-8") == before


def test_a_changed_term_makes_the_glossary_stale(tmp_path):
    directory = _copy_chapters(tmp_path)
    nav.write(directory)
    path = directory / "09.1-convolution.ipynb"
    path.write_text(path.read_text(encoding="utf-8").replace("| 卷积 | convolution |",
                                                             "| 卷积运算 | convolution |"),
                    encoding="utf-8")
    assert [p.name for p in nav.out_of_date(directory)] == ["glossary.md"]


def test_a_bad_term_table_header_is_named():
    with pytest.raises(ValueError, match=re.escape("expected | 中文 | English |")):
        nav._terms("| Chinese | English |\n|---|---|\n| 卷积 | convolution |")
