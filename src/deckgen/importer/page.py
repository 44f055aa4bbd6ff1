"""Read a reveal.js page: decode it, parse it, and find its parts (head metadata, stylesheets, scripts, slides)."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

from deckgen.errors import Location
from deckgen.importer.htmltree import Element, ImportError_, inner_source, parse_html


@dataclass
class Script:
    """A <script>: its src or its inline code, with its line."""

    line: int
    src: str = ""
    code: str = ""
    module: bool = False


@dataclass
class Page:
    """What a hand-written reveal.js page holds, as written."""

    path: Path
    source: str
    title: str = ""
    description: str = ""
    author: str = ""
    lang: str = ""
    stylesheets: list[tuple[str, int]] = field(default_factory=list)  # (href, line)
    styles: list[tuple[str, int]] = field(default_factory=list)  # inline <style> blocks (css, line)
    scripts: list[Script] = field(default_factory=list)
    slides: Element | None = None  # the .reveal .slides element
    outside: list[tuple[str, int]] = field(default_factory=list)  # elements of .reveal beside .slides (tag, line)


def read_page(path: Path) -> Page:
    """Read and parse one page; an error names the file when it is no reveal.js page."""
    data = path.read_bytes()
    try:
        source = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ImportError_(f"not UTF-8 text (byte 0x{data[exc.start]:02x} at offset {exc.start}): save the page as "
                           "UTF-8 and import it again; nothing was written for this deck", Location(path, line)) from None
    if "\0" in source or not re.search(r"<[a-zA-Z!]", source):
        raise ImportError_("not an HTML page: no tags found; nothing was written for this deck", Location(path))
    root = parse_html(source.replace("\r\n", "\n"), path)
    page = Page(path, source.replace("\r\n", "\n"))
    _read_head(page, root)
    reveal = next((e for e in root.iter() if "reveal" in e.classes and e.tag != "html"), None)
    slides = next((e for e in reveal.iter()[1:] if "slides" in e.classes), None) if reveal else None
    if slides is None:
        raise ImportError_("no reveal.js slides: the page has no element of class \"slides\" inside one of class "
                           "\"reveal\" (<div class=\"reveal\"><div class=\"slides\">); nothing was written for this "
                           "deck", Location(path))
    page.slides = slides
    page.outside = [(e.tag, e.line) for e in reveal.children if e is not slides] if reveal else []
    return page


def _read_head(page: Page, root: Element) -> None:
    for element in root.iter():
        if element.tag == "title" and not page.title:
            page.title = " ".join(html.unescape(inner_source(page.source, element)).split())
        elif element.tag == "html":
            page.lang = element.attrs.get("lang", "")
        elif element.tag == "meta":
            name = element.attrs.get("name", "").lower()
            if name == "description":
                page.description = element.attrs.get("content", "")
            elif name == "author":
                page.author = element.attrs.get("content", "")
        elif element.tag == "link" and "stylesheet" in element.attrs.get("rel", "").lower().split():
            page.stylesheets.append((element.attrs.get("href", ""), element.line))
        elif element.tag == "style" and not _in_slides(element):
            page.styles.append((inner_source(page.source, element), element.line))
        elif element.tag == "script" and not _in_slides(element):
            kind = element.attrs.get("type", "").lower()
            if kind in ("", "text/javascript", "module", "application/javascript"):
                page.scripts.append(Script(element.line, element.attrs.get("src", ""),
                                           "" if "src" in element.attrs else inner_source(page.source, element),
                                           kind == "module"))


def _in_slides(element: Element) -> bool:
    parent = element.parent
    while parent is not None:
        if parent.tag == "section":
            return True
        parent = parent.parent
    return False
