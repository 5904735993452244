"""Fixtures of the browser tests: Chromium, and a Jupyter server per front end.

Every server is started on first use and stopped by its fixture's teardown, which pytest
runs whether the tests passed, failed or were interrupted (see ``JupyterServer.stop``).
"""

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from .jupyter_driver import JupyterServer, chapter_notebooks, copy_chapters

CHROMIUM = os.environ.get("CONVBOOK_CHROMIUM", "/usr/bin/chromium")
_SCREENSHOTS = []  # the folder, once made; the terminal summary prints it
_MOVES = []  # (where, Move) for every control move; the summary prints the slowest


@pytest.fixture(scope="session")
def chapters():
    """Every chapter notebook, chapters/09.*.ipynb, found when the tests run."""
    return chapter_notebooks()


@pytest.fixture(scope="session")
def screenshot_dir():
    """Where each widget's screenshot goes: $CONVBOOK_SCREENSHOTS, or a new temporary folder."""
    folder = os.environ.get("CONVBOOK_SCREENSHOTS")
    if folder:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
    else:
        folder = Path(tempfile.mkdtemp(prefix="convbook-browser-screenshots-"))
    _SCREENSHOTS.append(folder)
    print(f"\nwidget screenshots: {folder}")
    return folder


def pytest_terminal_summary(terminalreporter):
    for folder in _SCREENSHOTS:
        terminalreporter.write_line(f"browser tests: widget screenshots in {folder}")
    changed = sorted((m for m in _MOVES if m[1].picture == "changed"),
                     key=lambda m: -m[1].seconds)
    if _MOVES:
        terminalreporter.write_line(
            f"browser tests: {len(_MOVES)} control moves, {len(changed)} changed the picture; "
            "slowest: " + "; ".join(f"{where} {move.control} {move.action} "
                                    f"{move.seconds:.2f} s" for where, move in changed[:3]))


@pytest.fixture(scope="session")
def move_log():
    """Where the tests record each control move (for the summary at the end)."""
    return _MOVES


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # A missing browser is a failure, not a skip: CI must run these (`.ci/run` installs it).
    executable = shutil.which(CHROMIUM) or CHROMIUM
    assert os.access(executable, os.X_OK), (
        f"no Chromium at {CHROMIUM}: `apt-get install -y chromium` (Debian), or point "
        "CONVBOOK_CHROMIUM at one; skip these tests with -m 'not browser'")
    with sync_playwright() as playwright:
        # Playwright's own browser download is not used: Debian's chromium is driven as is.
        # No sandbox: CI runs as root, where Chromium's sandbox refuses to start.
        chromium = playwright.chromium.launch(
            executable_path=executable,
            args=["--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu"])
        try:
            yield chromium
        finally:
            chromium.close()


def _server(app, chapters):
    # Not pytest's tmp_path: a concurrent pytest run may prune its folders meanwhile.
    workdir = Path(tempfile.mkdtemp(prefix=f"convbook-browser-{app}-"))
    # The chapters run from a copy, with their stored outputs cleared: running them never
    # writes to the repository, and every output the tests read is a live one.
    copy_chapters(chapters, workdir / "chapters")
    server = JupyterServer(app, workdir / "chapters", workdir)
    try:
        yield server.start()
    finally:
        server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


@pytest.fixture(scope="session")
def lab_server(chapters):
    yield from _server("lab", chapters)


@pytest.fixture(scope="session")
def notebook_server(chapters):
    yield from _server("notebook", chapters)
