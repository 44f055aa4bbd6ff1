"""The built repository site in Chromium, over loopback, with every off-machine request blocked."""

from __future__ import annotations

from pathlib import Path

import pytest
from projects import REPO

from deckgen.commands.build import build

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    build(REPO, out)
    return out


def _visit_every_slide(page) -> None:
    # Walk the deck so lazily loaded backgrounds and images are requested too.
    for h, v in page.evaluate("Reveal.getSlides().map(s => [Reveal.getIndices(s).h, Reveal.getIndices(s).v || 0])"):
        page.evaluate(f"Reveal.slide({h}, {v})")
    page.wait_for_load_state("networkidle")


def test_tour_deck_in_chromium(site: Path, serve_dir, watched_page) -> None:
    base = serve_dir(site)
    watched = watched_page(base + "tour/")
    page = watched.page
    page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=15000)
    # 14 horizontal sections minus the hidden one; 18 slides in all (3 + 2 + 2 + 2 in the vertical stacks).
    assert page.evaluate("Reveal.getHorizontalSlides().length") == 13
    assert page.evaluate("Reveal.getTotalSlides()") == 18
    notes = page.evaluate("Reveal.getSlideNotes(Reveal.getSlide(1, 0))")
    assert "<strong>S</strong>" in notes and "speaker view" in notes
    assert page.evaluate("Reveal.getSlideNotes(Reveal.getSlide(7))") == "Notes can also be an aside element."
    # highlight.js ran, line numbers and code steps became fragments.
    assert page.evaluate("document.querySelectorAll('pre code.hljs:not(.fragment)').length") == 3
    assert page.evaluate("document.querySelectorAll('code.hljs span[class^=hljs-]').length") > 10
    assert page.evaluate("Reveal.getSlide(4, 0).querySelectorAll('pre code.fragment').length") == 2
    assert page.evaluate("Reveal.getSlide(4, 0).querySelectorAll('tr.highlight-line').length") >= 1
    text = page.evaluate("Reveal.getSlide(4, 0).querySelector('code').textContent")
    assert "</script> and </textarea> stay text" in text
    first_number = "Reveal.getSlide(4, 1).querySelector('.hljs-ln-n').dataset.lineNumber"
    assert page.evaluate(first_number) == "10"
    # KaTeX typeset all four formulas from local files.
    assert page.evaluate("document.querySelectorAll('.arithmatex .katex').length") == 4
    # Fragments: the incremental slide's three items and the two indexed ones.
    page.evaluate("Reveal.slide(2, 0)")
    assert page.evaluate("Reveal.availableFragments().next") is True
    assert page.evaluate("Reveal.getSlide(2).querySelectorAll('li.fragment').length") == 3
    # The diagram was drawn before reveal.js was ready, with a real size (not measured in a hidden slide).
    svg = page.evaluate("(() => { const b = Reveal.getSlide(11, 0).querySelector('pre.mermaid svg').viewBox.baseVal; "
                        "return {width: b.width, height: b.height}; })()")
    assert svg["width"] > 200 and svg["height"] > 50
    assert "reveal.js" in page.evaluate("Reveal.getSlide(11, 0).querySelector('pre.mermaid svg').textContent")
    # deck.css styles the alert on a dark theme: a coloured bar and a tinted background.
    alert = page.evaluate("getComputedStyle(Reveal.getSlide(10, 1).querySelector('.markdown-alert')).borderLeftWidth")
    assert alert != "0px"
    _visit_every_slide(page)
    images = page.evaluate("[...document.images].map(i => [i.currentSrc, i.complete && i.naturalWidth > 0])")
    assert images and all(ok for _, ok in images), images
    assert page.evaluate("getComputedStyle(document.querySelector('.slide-background-content')).display") != ""
    assert watched.problems == []


def test_index_and_quickstart(site: Path, serve_dir, watched_page) -> None:
    base = serve_dir(site)
    watched = watched_page(base)
    page = watched.page
    titles = page.locator(".deck-title").all_inner_texts()
    assert titles == ["deckgen in five minutes", "A tour of deckgen"]
    page.click("text=deckgen in five minutes")
    page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=15000)
    assert page.evaluate("Reveal.getTotalSlides()") == 4  # 3 slides and the shared thanks part
    assert page.evaluate("document.querySelectorAll('li.fragment').length") == 3  # incremental: true
    _visit_every_slide(page)
    assert page.evaluate("[...document.images].every(i => i.complete && i.naturalWidth > 0)")
    assert watched.problems == []


def test_site_works_from_file_url(site: Path, watched_page) -> None:
    watched = watched_page((site / "tour" / "index.html").as_uri())
    page = watched.page
    page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=15000)
    assert page.evaluate("document.querySelectorAll('.arithmatex .katex').length") == 4
    assert watched.console_errors == [] and watched.blocked_requests == []


def test_public_profile_in_chromium(tmp_path_factory: pytest.TempPathFactory, serve_dir, watched_page) -> None:
    out = tmp_path_factory.mktemp("public")
    build(REPO, out, profile="public")
    watched = watched_page(serve_dir(out) + "tour/index.html")
    page = watched.page
    page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=15000)
    assert page.evaluate("Reveal.getTotalSlides()") == 17  # the todo slide is gone
    assert page.evaluate("document.querySelectorAll('.todo, .local, .preparation').length") == 0
    html = page.content()
    assert "Before the talk" not in html and "here all week" not in html and "Thank you" in html
    assert watched.problems == []
