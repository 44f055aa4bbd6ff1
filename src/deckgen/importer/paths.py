"""Local file references of a page, rewritten so they point at the same files from the new deck file."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from deckgen.importer.markdown_text import lines_outside_code

# Attributes that name files, as deckgen finds them (and reveal.js's lazy-loading data-src).
_HTML_ATTR = re.compile(
    r"""(?P<lead>\s(?:src|href|data-src|poster|data|data-background|data-background-image|data-background-video|"""
    r"""data-background-iframe|data-markdown)\s*=\s*)(?P<q>["']?)(?P<url>(?(q)[^"']*|[^\s>"']+))(?P=q)""", re.I)
_CSS_URL = re.compile(r"""url\(\s*(?P<q>["']?)(?P<url>[^"')]+)(?P=q)\s*\)""")
_TAG = re.compile(r"<!--.*?-->|<[a-zA-Z][\w-]*(?:[^>\"']|\"[^\"]*\"|'[^']*')*>", re.S)
# reveal.js's rule: data-background is an image when it looks like one, else a colour.
_IMAGE_BACKGROUND = re.compile(r"^(?:http|file|//)|\.(?:svg|png|jpg|jpeg|gif|bmp|webp)(?:[?#\s]|$)", re.I)


def is_image_background(value: str) -> bool:
    """Whether reveal.js takes a data-background value for an image (else a colour)."""
    return bool(_IMAGE_BACKGROUND.search(value.strip()))


_CODE_SPAN = re.compile(r"(`+[^`]*?`+)")
_MD_LINK = re.compile(r"(?P<lead>!?\[(?:[^\]\\]|\\.)*\]\()(?P<url><[^>]*>|[^)\s]+)(?P<rest>(?:\s+\"[^\"]*\")?\))")


@dataclass
class PathRewriter:
    """Rewrite references written for a page at page_dir so they work from deck_dir; report the others."""

    page_dir: Path
    deck_dir: Path
    project: Path
    decks: dict[Path, str]  # other imported pages -> their new deck file (relative to deck_dir)
    problems: list[tuple[int | None, str]]
    line: int | None = None  # the page line being rewritten, for the problems

    def url(self, url: str) -> str:
        """The URL as the new deck must write it (unchanged when it is not a local file)."""
        text = url.strip()
        if not text or text.startswith(("#", "{{", "//")) or urlsplit(text).scheme:
            return url
        parts = urlsplit(text)
        if not parts.path:
            return url
        if parts.path.startswith("/"):
            self.problems.append((self.line, f"{text}: an absolute path (from the web server's root), left as written"))
            return url
        target = Path(os.path.normpath(self.page_dir / unquote(parts.path)))
        if not target.is_relative_to(self.project):
            self.problems.append((self.line, f"{text}: outside the project, left as written and never read; "
                                             "copy the file into the project"))
            return url
        if target in self.decks:
            new = self.decks[target]
        else:
            new = quote(Path(os.path.relpath(target, self.deck_dir)).as_posix(), safe="/@:+,;=~!$&'()*")
        if parts.query:
            new += "?" + parts.query
        if parts.fragment:
            new += "#" + parts.fragment
        return new

    def html(self, text: str) -> str:
        """Rewrite the file attributes and CSS url()s of the tags of raw HTML (not of text that shows HTML)."""
        return _TAG.sub(lambda tag: self._tag(tag.group(0)), text) if "<" in text else text

    def _tag(self, tag: str) -> str:
        def attribute(match: re.Match[str]) -> str:
            name = match["lead"].strip().split("=")[0].strip().lower()
            if name == "data-background" and not is_image_background(match["url"]):
                return match.group(0)  # a colour
            return match["lead"] + match["q"] + self.url(match["url"]) + match["q"]

        tag = _HTML_ATTR.sub(attribute, tag)
        return _CSS_URL.sub(lambda m: f"url({m['q']}{self.url(m['url'])}{m['q']})", tag) if "url(" in tag else tag

    def markdown(self, text: str) -> str:
        """Rewrite Markdown links and images, and the raw HTML among them."""
        def link(match: re.Match[str]) -> str:
            url = match["url"]
            if url.startswith("<"):
                return match["lead"] + "<" + self.url(url[1:-1]) + ">" + match["rest"]
            return match["lead"] + self.url(url) + match["rest"]

        def outside_code_spans(line: str) -> str:
            parts = _CODE_SPAN.split(line)  # odd parts are code spans: text, not references
            return "".join(part if index % 2 else self.html(_MD_LINK.sub(link, part))
                           for index, part in enumerate(parts))

        lines = text.split("\n")
        for index, line, where in lines_outside_code(text):
            if not where and ("](" in line or "<" in line):
                lines[index] = outside_code_spans(line)
        return "\n".join(lines)

    def css(self, text: str) -> str:
        """Rewrite url()s of a stylesheet that moves from the page's folder to the deck's."""
        return _CSS_URL.sub(lambda m: f"url({m['q']}{self.url(m['url'])}{m['q']})", text)
