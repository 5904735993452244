"""Look at the built book and slides in Chromium: screenshots, overflow and offline checks.

    python tools/book_shots.py book   [--build build/book]   [--shots build/shots/book]
    python tools/book_shots.py slides [--build build/slides] [--shots build/shots/slides]

Needs Playwright (pip) and a Chromium (Debian's /usr/bin/chromium by default; set
CHROMIUM to another). Pages load from file:// with every other request blocked and
reported, so a page that needs the network shows up here.

book:   a 1280x900 screenshot of the top of every page, one further down each chapter
        (its first figure), and MathJax's count of typeset formulas per page.
slides: one 1280x720 screenshot per slide (reveal.js at its own 1280x720 size, so nothing
        is scaled), and the slides whose content is taller than the slide: those scroll
        (see tools/slides.py for the rule), and the report lists them.
"""

import argparse
import json
import os
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent


def _browser(playwright):
    return playwright.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
                                      args=["--no-sandbox"])


def _offline(page, blocked):
    def route(r):
        if r.request.url.startswith(("file:", "data:")):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()
    page.route("**/*", route)


def _wait_for_mathjax(page):
    page.wait_for_function("() => !window.MathJax || (window.MathJax.Hub && "
                           "window.MathJax.Hub.queue.pending === 0 && "
                           "window.MathJax.Hub.queue.running === 0)", timeout=30000)


def shoot_book(build, shots):
    from playwright.sync_api import sync_playwright

    shots.mkdir(parents=True, exist_ok=True)
    report = {}
    with sync_playwright() as p:
        browser = _browser(p)
        for html in sorted(build.glob("*.html")):
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            blocked, errors = [], []
            _offline(page, blocked)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(html.as_uri())
            _wait_for_mathjax(page)
            page.screenshot(path=shots / f"{html.stem}.png")
            formulas = page.evaluate("() => document.querySelectorAll('.MathJax').length")
            raw = page.evaluate("() => [...document.querySelectorAll('.jp-RenderedMarkdown')].map("
                                "e => (e.innerText.match(/\\$[^$\\n]{1,40}\\$/g) || []).length)"
                                ".reduce((a, b) => a + b, 0)")
            images = page.evaluate("() => [...document.images].filter(i => !i.complete || "
                                   "i.naturalWidth === 0).length")
            figure = page.query_selector(".jp-RenderedImage img")
            if figure:
                figure.scroll_into_view_if_needed()
                page.screenshot(path=shots / f"{html.stem}-figure.png")
            report[html.name] = {"formulas typeset": formulas, "raw $..$ left in prose": raw,
                                 "broken images": images, "blocked requests": blocked,
                                 "script errors": errors}
            page.close()
        browser.close()
    return report


def shoot_slides(build, shots):
    from playwright.sync_api import sync_playwright

    shots.mkdir(parents=True, exist_ok=True)
    report = {}
    with sync_playwright() as p:
        browser = _browser(p)
        for deck in sorted(build.glob("*.slides.html")):
            page = browser.new_page(viewport={"width": 1280, "height": 720})
            blocked = []
            _offline(page, blocked)
            page.goto(deck.as_uri())
            page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=30000)
            _wait_for_mathjax(page)
            total = page.evaluate("() => Reveal.getTotalSlides()")
            overflow, scale = [], page.evaluate("() => Reveal.getScale()")
            for k in range(total):
                page.evaluate("() => Reveal.slide(...Object.values(Reveal.getIndices(Reveal.getSlides()[%d])))" % k)
                _wait_for_mathjax(page)
                page.wait_for_timeout(60)
                state = page.evaluate("""() => {
                    const s = Reveal.getCurrentSlide();
                    return {h: Reveal.getIndices().h, v: Reveal.getIndices().v,
                            content: s.scrollHeight, box: s.clientHeight,
                            title: (s.querySelector('h1,h2,h3') || {}).innerText || ''};
                }""")
                name = f"{deck.name.split('.slides')[0]}-{k + 1:03d}.png"
                page.screenshot(path=shots / name)
                if state["content"] > 720:
                    overflow.append({"slide": k + 1, "shot": name, "height": state["content"],
                                     "title": state["title"][:60]})
            report[deck.name] = {"slides": total, "scale": scale, "taller than 720 px (scroll)": overflow,
                                 "blocked requests": blocked}
            page.close()
        browser.close()
    return report


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("what", choices=["book", "slides"])
    parser.add_argument("--build", type=pathlib.Path)
    parser.add_argument("--shots", type=pathlib.Path)
    args = parser.parse_args(argv)
    build = args.build or ROOT / "build" / args.what
    shots = args.shots or ROOT / "build" / "shots" / args.what
    report = (shoot_book if args.what == "book" else shoot_slides)(build, shots)
    print(json.dumps(report, indent=1, ensure_ascii=False))
    print(f"screenshots in {shots}")
    bad = any(r["blocked requests"] for r in report.values())
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
