"""The build's browser pass: thumbnails of first slides and PDFs, made from the planned site before it is written."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from deckgen.browser.cache import DeckKeys, MadeCache
from deckgen.browser.firstslide import first_slide_key
from deckgen.browser.locate import BrowserError, ChromiumSettingError, browser_problem
from deckgen.browser.printing import PdfOptions, pdf_path
from deckgen.browser.thumbnails import HEIGHT, QUALITY, SUFFIX, WIDTH, picture_path

log = logging.getLogger(__name__)


@dataclass
class BrowserOutput:
    """What the browser made: new site files, and for the index each deck's picture and PDF (relative URLs)."""

    files: dict[str, bytes] = field(default_factory=dict)
    pictures: dict[str, str] = field(default_factory=dict)
    pdfs: dict[str, str] = field(default_factory=dict)
    shot: int = 0  # pictures taken in this build (the others came from the cache)
    printed: int = 0  # PDFs printed in this build


def browser_pass(files: Mapping[str, Any], names: list[str], *, thumbnails: bool | None, pdf: bool) -> BrowserOutput:
    """Make the pictures (thumbnails True: required, None: when Chromium is there) and PDFs of the decks.

    Each PDF is cached by a hash of the deck's page and the files it uses, each picture by a hash of what the
    first slide shows (firstslide.py): unchanged decks, and decks edited past their first slide, need no browser.
    A DECKGEN_CHROMIUM that points nowhere is an error even when the pictures are optional.
    """
    result = BrowserOutput()
    purpose = "deckgen build --pdf" if pdf else "deckgen build --thumbnails" if thumbnails else "pictures on the index"
    problem = browser_problem(purpose) if thumbnails is not False or pdf else None
    if problem and (pdf or thumbnails or isinstance(problem, ChromiumSettingError)):
        raise problem
    if problem:
        log.info("index without pictures: %s", problem)
    keys = DeckKeys(files)
    shot_names = names if thumbnails is not False and not problem else []
    pictures = _Made(MadeCache("thumbnails", SUFFIX), shot_names,
                     lambda name: first_slide_key(keys, name, "thumbnail", f"{WIDTH}x{HEIGHT}", f"q{QUALITY}"))
    options = PdfOptions()
    pdfs = _Made(MadeCache("pdf", ".pdf"), names if pdf else [], lambda name: keys.key(name, "pdf", options.key()))
    if pictures.todo or pdfs.todo:  # the browser's modules (asyncio, a web server) load only now
        from deckgen.browser.chromium import run_async

        try:
            shots, printed = run_async(_in_browser(files, list(pictures.todo), list(pdfs.todo), options, purpose))
        except BrowserError as exc:
            if pdf or thumbnails:
                raise
            log.warning("warning: %s (--no-thumbnails leaves the pictures out)", exc)
            return result
        for name, picture in shots.items():
            if isinstance(picture, bytes):
                pictures.keep(name, picture)
            elif thumbnails:
                raise BrowserError(f"deck {name}: no thumbnail: {_first_line(picture)}")
            else:
                log.warning("warning: deck %s: no thumbnail: %s", name, _first_line(picture))
        for name, data in printed.items():
            pdfs.keep(name, data)
    for name, key in pictures.keys.items():
        if name in pictures.made:  # the URL changes with the picture: no browser shows a stale one
            result.files[picture_path(name)] = pictures.made[name]
            result.pictures[name] = f"{picture_path(name)}?v={key[:10]}"
    for name in pdfs.made:
        result.files[pdf_path(name)] = pdfs.made[name]
        result.pdfs[name] = pdf_path(name)
    result.shot, result.printed = len(pictures.new), len(pdfs.new)
    if pictures.keys:
        log.info("thumbnails: %d shot, %d from the cache", len(pictures.new), len(pictures.keys) - len(pictures.todo))
    if pdfs.keys:
        log.info("PDFs: %d printed, %d from the cache", len(pdfs.new), len(pdfs.keys) - len(pdfs.todo))
    return result


class _Made:
    """One kind of result for a set of decks: what the cache holds, what is still to make, what was made."""

    def __init__(self, cache: MadeCache, names: list[str], key_of: Callable[[str], str]) -> None:
        self.cache = cache
        self.keys = {name: key_of(name) for name in names}
        self.made: dict[str, bytes] = {}
        self.new: set[str] = set()
        for name, key in self.keys.items():
            data = cache.get(key)
            if data is not None:
                self.made[name] = data
        self.todo = [name for name in names if name not in self.made]

    def keep(self, name: str, data: bytes) -> None:
        """Take a freshly made result and cache it (pruning old entries once)."""
        self.made[name] = data
        self.cache.put(self.keys[name], data)
        if not self.new:
            self.cache.prune()
        self.new.add(name)


async def _in_browser(
    files: Mapping[str, Any], shots: list[str], prints: list[str], options: PdfOptions, purpose: str
) -> tuple[dict[str, bytes | Exception], dict[str, bytes]]:
    """Serve the planned site on loopback; take the pictures and print the PDFs with one Chromium."""
    import asyncio

    from deckgen.browser.chromium import SiteServer, launch
    from deckgen.browser.printing import print_decks
    from deckgen.browser.thumbnails import shoot_all

    async with launch(purpose) as browser:
        with SiteServer(files) as server:
            parallel = max(2, min(6, 2 * (os.cpu_count() or 1)))
            pictures, pdfs = await asyncio.gather(
                shoot_all(browser, server.url, shots, parallel=parallel),
                print_decks(browser, server.url, prints, options),
            )
    return pictures, pdfs


def _first_line(exc: Exception) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
