"""The cache key of a deck's thumbnail: what its first slide shows, so editing any other slide shoots no picture.

The picture is taken with every slide but the first removed before reveal.js starts (thumbnails.py), so it depends
only on the page around the slides (theme, stylesheets, scripts, reveal.js options, title), on the first shown
top-level `<section>` (without its speaker notes) and on the files those use. A page that is not laid out as
deckgen's template lays it out (a project's own template) is keyed whole, as before.
"""

from __future__ import annotations

import hashlib
import posixpath
import re

from deckgen import __version__
from deckgen.browser.cache import DeckKeys

_KEY_VERSION = "1"
_SLIDES_OPEN = re.compile(r"""<div\b[^>]*?\bclass\s*=\s*(["']?)(?:[^"'>]*\s)?slides(?:\s[^"'>]*)?\1[\s/>]""", re.I)
# Comments and raw text (a "<section" inside a script or a style is text), then the tags that nest slides.
_TOKENS = re.compile(
    r"<!--.*?(?:-->|\Z)|<(script|style|textarea)\b[^>]*>.*?(?:</\1\s*>|\Z)|<(/?)(section|div)\b[^>]*>", re.I | re.S)
_HIDDEN = re.compile(r"""\bdata-visibility\s*=\s*["']?hidden\b""", re.I)
_NOTES = re.compile(r"""<aside\b[^>]*\bclass\s*=\s*["']?(?:[^"'>]*\s)?notes\b[^>]*>.*?</aside\s*>""", re.I | re.S)


def split_first_slide(page: str) -> tuple[str, str] | None:
    """(the page around its slides, its first shown top-level section), or None when the page is laid out otherwise.

    The first section is the one the picture shows: reveal.js drops a `data-visibility="hidden"` one.
    """
    opening = _SLIDES_OPEN.search(page)
    if opening is None:
        return None
    depth, start, first = 0, 0, None
    for token in _TOKENS.finditer(page, opening.end()):
        closing, tag = token.group(2), token.group(3)
        if tag is None:  # a comment, a script, a style
            continue
        if tag.lower() == "div":
            if depth > 0:
                continue
            if not closing or first is None:  # something else than slides in the slides, or no slide
                return None
            outside = page[:opening.start()] + page[token.end():]
            return (outside, first) if "Reveal.initialize" in outside else None
        if not closing:
            if depth == 0:
                start = token.start()
            depth += 1
            continue
        depth -= 1
        if depth < 0:
            return None
        if depth == 0 and first is None:
            opening_tag = _TOKENS.match(page, start)
            if opening_tag is not None and not _HIDDEN.search(opening_tag.group(0)):
                first = page[start:token.end()]
    return None


def first_slide_key(keys: DeckKeys, name: str, *extra: str) -> str:
    """The key of what a deck's first slide shows (extra: what else the picture depends on, e.g. its size)."""
    page = f"{name}/index.html"
    parts = split_first_slide(keys.text(page))
    if parts is None:
        return keys.key(name, "whole page", *extra)
    outside, first = parts
    first = _NOTES.sub("", first)
    digest = hashlib.sha256(f"deckgen {__version__} first slide {_KEY_VERSION} {' '.join(extra)}\n".encode())
    for text in (outside, first):
        data = text.encode("utf-8", "surrogatepass")
        digest.update(f"{len(data)}\n".encode() + data)
    folder = posixpath.dirname(page)
    keys.add_files(digest, keys.uses(outside, folder) | keys.uses(first, folder))
    return digest.hexdigest()
