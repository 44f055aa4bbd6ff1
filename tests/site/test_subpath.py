"""The site works under a GitHub Pages project path (/REPO/) and from file://: every link is relative."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urljoin

import pytest
from projects import REPO

from deckgen.commands.build import build

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def site_root(tmp_path_factory: pytest.TempPathFactory, chromium_path: str) -> Path:
    root = tmp_path_factory.mktemp("pages")
    # As GitHub Pages serves a project site: https://USER.github.io/REPO/.
    build(REPO, root / "REPO", thumbnails=True, pdf=True)
    return root


def _links(html: str) -> list[str]:
    return [link for link in re.findall(r'(?:href|src)="([^"#?]+)', html) if not link.startswith(("http", "mailto"))]


def test_every_deck_and_asset_loads_under_a_project_path(site_root: Path, serve_dir, watched_page) -> None:
    base = serve_dir(site_root) + "REPO/"
    watched = watched_page(base)
    index = watched.page
    index.wait_for_load_state("networkidle")
    assert index.evaluate("[...document.images].every(i => i.complete && i.naturalWidth > 0)")
    hrefs = index.evaluate("[...document.querySelectorAll('a[href]')].map(a => a.href)")
    decks = sorted({h for h in hrefs if h.endswith("/index.html")})
    assert decks == [base + "quickstart/index.html", base + "tour/index.html"]
    pdfs = [h for h in hrefs if h.endswith(".pdf")]
    assert len(pdfs) == 2
    for pdf in pdfs:
        response = index.request.get(pdf)
        assert response.ok and response.body()[:5] == b"%PDF-", pdf
    for url in decks:
        page = watched_page(url).page
        page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=15000)
        for h in range(page.evaluate("Reveal.getHorizontalSlides().length")):
            page.evaluate(f"Reveal.slide({h})")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("[...document.images].every(i => i.complete && i.naturalWidth > 0)"), url
        for link in _links(page.content()):
            assert page.request.get(urljoin(page.url.split("#")[0], link)).ok, (url, link)
    assert watched.problems == []


def test_every_page_works_from_file_urls(site_root: Path, watched_page) -> None:
    site = site_root / "REPO"
    for page_path in [site / "index.html", site / "tour" / "index.html", site / "quickstart" / "index.html"]:
        html = page_path.read_text(encoding="utf-8")
        for link in _links(html):
            target = (page_path.parent / link).resolve()
            assert target.is_file() or (target / "index.html").is_file(), (page_path, link)
        watched = watched_page(page_path.as_uri())
        if page_path.parent != site:
            watched.page.wait_for_function("window.Reveal && Reveal.isReady()", timeout=15000)
        assert watched.console_errors == [] and watched.blocked_requests == [], page_path
