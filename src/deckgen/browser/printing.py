"""Print decks of a planned site with reveal.js's print view (`?print-pdf`) in the system Chromium."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

from deckgen.browser.locate import BrowserError
from deckgen.browser.notes import TAG_SLIDES_JS, add_notes_pages
from deckgen.browser.paper import PAPERS, fit

log = logging.getLogger(__name__)

PRINT_TIMEOUT_MS = 60_000
PURPOSE = "PDF export"
# Set before any script of the page runs: reveal.js fires 'pdf-ready' on .reveal once the print layout is done.
_READY_HOOK = "document.addEventListener('pdf-ready', () => { window.__deckgenPdfReady = true; }, true);"
_SETTLE_JS = """async () => {
  const wait = el => new Promise(done => { el.addEventListener('load', done); el.addEventListener('error', done); });
  const pending = [...document.images].filter(img => !img.complete).map(wait);
  await Promise.race([Promise.all(pending), new Promise(done => setTimeout(done, 10000))]);
  await document.fonts.ready;
  await new Promise(requestAnimationFrame);
}"""
# reveal.js 6.0.2 breaks the page after a notes page even when it is the last one: a blank page at the end.
_LAST_PAGE_CSS = "html.reveal-print .reveal .slides > :last-child { page-break-after: avoid !important; }"
_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")
_PAGE_SIZE_JS = "[parseFloat(document.body.style.width) || 0, parseFloat(document.body.style.height) || 0]"
_LAYOUT_VERSION = "2"  # of deckgen's print path (notes pages, paper): part of the PDFs' cache key


@dataclass(frozen=True)
class PdfOptions:
    """How to print: speaker notes on pages of their own; fragments one page per step (None: the deck's choice);
    paper: None for reveal.js's page size (the slide's), or a key of PAPERS (the slide scaled onto that sheet)."""

    notes: bool = False
    fragments: bool | None = None
    paper: str | None = None

    def __post_init__(self) -> None:
        if self.paper is not None and self.paper not in PAPERS:
            raise ValueError(f"paper {self.paper!r}: not one of {', '.join(PAPERS)}")

    def query(self) -> str:
        """The page's query string: reveal.js reads its options from it (deckgen makes the notes pages itself)."""
        query = "?print-pdf"
        if self.notes:
            query += "&showNotes=false"
        if self.fragments is not None:
            query += f"&pdfSeparateFragments={'true' if self.fragments else 'false'}"
        return query

    def key(self) -> str:
        """Everything the printed PDF depends on besides the site: part of its cache key."""
        return f"{self.query()} notes={self.notes} paper={self.paper} layout={_LAYOUT_VERSION}"


def pdf_path(name: str) -> str:
    """The site path of a deck's PDF written by `deckgen build --pdf`."""
    return f"{name}/{name}.pdf"


def page_count(data: bytes) -> int:
    """Count the pages of a PDF written by Chromium (its page objects are never compressed)."""
    return len(_PAGE.findall(data))


async def print_deck(browser: Any, base_url: str, name: str, options: PdfOptions) -> bytes:
    """Print one deck of the served site to PDF bytes, once reveal.js laid out its print view."""
    context = await browser.new_context()
    errors: list[str] = []
    try:
        page = await context.new_page()
        page.set_default_timeout(PRINT_TIMEOUT_MS)
        page.on("pageerror", lambda error: errors.append(str(error)))
        await page.add_init_script(_READY_HOOK)
        if options.notes:
            await page.add_init_script(TAG_SLIDES_JS)
        await page.goto(f"{base_url}{name}/index.html{options.query()}", wait_until="load")
        await page.wait_for_function("window.__deckgenPdfReady === true")
        await page.evaluate(_SETTLE_JS)
        if options.notes and await add_notes_pages(page, name):
            await page.evaluate(_SETTLE_JS)  # images and fonts of the notes
        await page.add_style_tag(content=_LAST_PAGE_CSS)
        if options.paper is None:
            return await page.pdf(prefer_css_page_size=True, print_background=True)
        width, height = await page.evaluate(_PAGE_SIZE_JS)
        sheet = fit(options.paper, width, height)
        await page.add_style_tag(content=sheet.css)  # after reveal.js's own @page rule: this one wins
        return await page.pdf(prefer_css_page_size=True, print_background=True, scale=sheet.scale)
    except Exception as exc:  # noqa: BLE001 - a Playwright timeout or crash, reported with the page's own error
        why = errors[0] if errors else str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise BrowserError(
            f"deck {name}: reveal.js did not print ({why}); open {name}/index.html?print-pdf in a browser to see it"
        ) from None
    finally:
        await context.close()


async def print_decks(
    browser: Any, base_url: str, names: list[str], options: PdfOptions, *, parallel: int = 2
) -> dict[str, bytes]:
    """Print several decks, a few at a time; the first failure is raised."""
    import asyncio  # loaded with the browser, not with the module (a build without one imports this)

    gate = asyncio.Semaphore(parallel)

    async def one(name: str) -> bytes:
        async with gate:
            return await print_deck(browser, base_url, name, options)

    results = await asyncio.gather(*(one(name) for name in names))
    return dict(zip(names, results, strict=True))


async def print_site(files: dict[str, Any], names: list[str], options: PdfOptions) -> dict[str, bytes]:
    """Serve a planned site on loopback and print the named decks with one Chromium."""
    from deckgen.browser.chromium import SiteServer, launch

    async with launch(PURPOSE) as browser:
        with SiteServer(files) as server:
            return await print_decks(browser, server.url, names, options)
