"""Find the local files a deck refers to, check them, plan their copy into build/ and rewrite the links."""

from __future__ import annotations

import html as html_text
import logging
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote

from deckgen.dialect.attributes import scan_tags
from deckgen.errors import DeckgenError, FileReferenceError, Location

_URL_ATTRS = frozenset(
    ["src", "href", "poster", "data", "data-src", "data-background", "data-background-image", "data-background-video", "data-background-iframe", "data-preview-image", "data-preview-video", "data-preview-link"]
)
# An attribute as the HTML tokenizer reads one: quoted or not, with or without white space before the next one.
_ATTR_VALUE = re.compile(
    r"""(?P<name>[^\s"'>/=]+)(?:(?P<eq>\s*=\s*)(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s"'=<>`]+)))?"""
)
# url() in CSS (any letter case, as CSS reads it), skipping comments and strings (a url( inside them is text).
_CSS_URL = re.compile(
    r"""(?P<comment>/\*.*?(?:\*/|$))|(?P<string>"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*')"""
    r"""|(?i:url)\(\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^)'"]*?))\s*\)""",
    re.S,
)
_CSS_IMPORT = re.compile(r"""(?P<comment>/\*.*?(?:\*/|$))|@(?i:import)\s+(?:(?i:url)\(\s*)?(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)')""", re.S)
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:|^//")
log = logging.getLogger(__name__)


@dataclass
class SiteFiles:
    """The project files the site copies: site path -> source file, collected across every deck."""

    project: Path
    deck_pages: dict[Path, str] = field(default_factory=dict)  # deck source -> site folder of its page
    files: dict[str, Path] = field(default_factory=dict)
    errors: list[DeckgenError] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.root = self.project.resolve()
        self.static = (self.project / "static").resolve()
        self._resolved: dict[tuple[str, Path], tuple[str | None, Path | None]] = {}
        self._stylesheets: set[Path] = set()

    def site_path(self, source: Path) -> str:
        """Where a project file lives in the site (static/ keeps its place, the rest goes under files/)."""
        if source.is_relative_to(self.static):
            return "static/" + source.relative_to(self.static).as_posix()
        site = "files/" + source.relative_to(self.root).as_posix()
        self.files[site] = source
        return site

    def resolve(self, value: str, base: Path, where: Location, *, what: str) -> str | None:
        """Check one reference from a file in folder base; return its site path, or None to leave it."""
        key = (value, base)
        if key in self._resolved:
            site, source = self._resolved[key]
            if source is not None:
                self.files[site] = source  # register again: the caller may be collecting per slide
            return site
        errors = len(self.errors)
        site = self._resolve(value, base, where, what=what)
        if len(self.errors) == errors:  # an error is reported at every place it occurs
            self._resolved[key] = (site, self.files.get(site) if site else None)
        return site

    def local_path(self, value: str, base: Path) -> Path | None:
        """The file a URL written in folder base names (absolute, not resolved), None for an address elsewhere
        (//host/... too) or a place in the page."""
        # A backslash is a slash to browsers in http(s) and file URLs (decks written on Windows use them), and a
        # percent-encoded one (Markdown encodes it) a folder separator to the Windows server their authors used.
        slashed = value.replace("\\", "/")
        path_part = re.split(r"[?#]", slashed, maxsplit=1)[0]
        if not path_part or _SCHEME.match(slashed) or slashed.startswith(("#", "//")):
            return None
        relative = unquote(path_part).replace("\\", "/")
        candidate = (self.root / relative.lstrip("/")) if relative.startswith("/") else (base / relative)
        return Path(os.path.abspath(candidate))

    def _resolve(self, value: str, base: Path, where: Location, *, what: str) -> str | None:
        resolved = self.local_path(value, base)
        if resolved is None:
            return None
        if not resolved.is_relative_to(self.root) or not resolved.resolve().is_relative_to(self.root):
            if what == "link":  # a hyperlink is not published content: the reader's browser follows it, or not
                log.warning("%s: warning: link %r points outside the project (%s); it is left as written and "
                            "will not work on the published site", where, value, self.project)
                return None
            self.errors.append(FileReferenceError(
                f"{what} {value!r} points outside the project ({self.project}); deckgen never reads it: "
                "copy the file into the project", where))
            return None
        resolved = resolved.resolve()
        if resolved in self.deck_pages:
            return self.deck_pages[resolved] + "/index.html"  # works from file:// too
        if resolved.is_dir():
            return None
        if not resolved.is_file():
            self.errors.append(FileReferenceError(f"{what} {value!r} not found (looked for {resolved})", where))
            return None
        return self.site_path(resolved)

    def rewrite_html(self, html: str, base: Path, locate: LineFinder, page_depth: int = 1) -> str:
        """Rewrite every local reference in a deck's HTML so it resolves from the deck page."""
        if not may_name_files(html):
            return html
        prefix = "../" * page_depth
        fix_attr = self._attribute_fixer(base, locate, prefix)
        out: list[str] = []
        position = 0
        for tag in scan_tags(html):
            name = (tag["name"] or "").lower()
            if not name or tag["close"]:
                continue
            attrs = tag["attrs"]
            if attrs and may_name_files(attrs):  # most tags (a highlighted token's <span class>) name no file
                new_attrs = _ATTR_VALUE.sub(lambda m, tag_name=name: fix_attr(m, tag_name), attrs)
                if new_attrs != attrs:
                    out += [html[position : tag.start()], f"<{tag['name']}{new_attrs}>"]
                    position = tag.end()
            if name == "style":  # a <style> element of the slide: its url()s, like a stylesheet's
                end = html.lower().find("</style", tag.end())
                end = len(html) if end < 0 else end
                css = html[tag.end() : end]
                new_css = self.rewrite_css(css, base, locate, prefix)
                if new_css != css:
                    out += [html[position : tag.end()], new_css]
                    position = end
        out.append(html[position:])
        return "".join(out)

    def _attribute_fixer(self, base: Path, locate: LineFinder, prefix: str):  # noqa: ANN202 - a closure
        """The function that rewrites one attribute of a tag (a match of _ATTR_VALUE) when it names a file."""

        def fix_attr(match: re.Match[str], tag_name: str) -> str:
            if match["eq"] is None:
                return match.group(0)
            name = match["name"].lower()
            raw = next(v for v in (match["dq"], match["sq"], match["bare"]) if v is not None)
            value = html_text.unescape(raw)
            if name == "style":
                new = self.rewrite_css(value, base, locate, prefix)
            elif name in _URL_ATTRS and not (name == "data-background" and not _looks_like_file(value)):
                if name == "data" and tag_name != "object":
                    return match.group(0)
                if name.startswith("data-preview-") and value.strip().lower() in ("", "true", "false"):
                    return match.group(0)  # reveal.js's flag: preview the element's own href (or not)
                new = self._rewrite_url(value, base, locate(raw), prefix, what=_describe(tag_name, name))
            elif name == "srcset":
                new = ", ".join(
                    " ".join([self._rewrite_url(p.split()[0], base, locate(p.split()[0]), prefix, what="image")]
                             + p.split()[1:]) for p in value.split(",") if p.strip())
            else:
                return match.group(0)
            if new == value:
                return match.group(0)
            return f'{match["name"]}{match["eq"]}"{html_text.escape(new)}"'

        return fix_attr

    def rewrite_css(self, css: str, base: Path, locate: LineFinder, prefix: str) -> str:
        """Rewrite url() references of CSS written in (or for) a file in folder base."""

        def fix(match: re.Match[str]) -> str:
            if match["comment"] is not None or match["string"] is not None:
                return match.group(0)
            value = next(v for v in (match["dq"], match["sq"], match["bare"]) if v is not None)
            if value.startswith("data:"):
                return match.group(0)
            return f'url("{self._rewrite_url(value, base, locate(value), prefix, what="CSS url()")}")'

        return _CSS_URL.sub(fix, css)

    def _rewrite_url(self, value: str, base: Path, where: Location, prefix: str, *, what: str) -> str:
        site = self.resolve(value, base, where, what=what)
        if site is None:
            return value
        suffix = value[len(re.split(r"[?#]", value, maxsplit=1)[0]):]
        return prefix + quote(site) + suffix

    def add_stylesheet(self, value: str, base: Path, where: Location) -> str | None:
        """Plan the copy of a project stylesheet and of the files its url() name; return its site path."""
        site = self.resolve(value, base, where, what="stylesheet")
        if site is None:
            return None
        source = (self.root / site[len("files/"):]) if site.startswith("files/") else self.static / site[7:]
        if source in self._stylesheets:
            return site  # read already (an @import cycle, which browsers ignore, or a sheet two decks share)
        self._stylesheets.add(source)
        text = source.read_text(encoding="utf-8", errors="replace")
        css_where = Location(source)
        for match in _CSS_IMPORT.finditer(text):
            if match["comment"] is not None:
                continue
            value = match["dq"] or match["sq"] or ""
            if value.endswith(".css"):
                self.add_stylesheet(value, source.parent, css_where)
        for match in _CSS_URL.finditer(text):
            if match["comment"] is not None or match["string"] is not None:
                continue
            value = next(v for v in (match["dq"], match["sq"], match["bare"]) if v is not None)
            if not value.startswith("data:"):
                line = text.count("\n", 0, match.start()) + 1
                if "\\" in value:  # the file is copied as it is, and CSS reads a backslash as an escape
                    self.errors.append(FileReferenceError(
                        f"CSS url() {value!r} holds a backslash, which CSS reads as an escape: write a slash",
                        Location(source, line)))
                    continue
                self.resolve(value, source.parent, Location(source, line), what="CSS url()")
        return site


class LineFinder:
    """Find the source line where a reference is written, to name it in errors."""

    def __init__(self, path: Path, lines: list[str], first_line: int, start: int) -> None:
        self.path, self.lines, self.first_line, self.start = path, lines, first_line, start

    def __call__(self, value: str) -> Location:
        offset = max(self.start - self.first_line, 0)
        # The HTML may hold the value percent-encoded (Markdown's link destinations are) where the source does not.
        for text in dict.fromkeys((value, unquote(value))):
            for index in [*range(offset, len(self.lines)), *range(min(offset, len(self.lines)))]:
                if text in self.lines[index]:
                    return Location(self.path, self.first_line + index)
        return Location(self.path, self.start)


def may_name_files(text: str) -> bool:
    """Whether text may hold a URL attribute (src, srcset, href, poster, data, data-*) or a url(): a quick test
    before the tags are scanned, in any letter case; a false alarm only costs the scan."""
    low = (html_text.unescape(text) if "&" in text else text).lower()  # url&#40; is url( to the browser
    return "src" in low or "href" in low or "data" in low or "url(" in low or "poster" in low


def _looks_like_file(value: str) -> bool:
    # data-background takes a colour or an image: "#fff", "red", "rgb(...)" are colours.
    return not value.startswith("#") and "(" not in value and ("/" in value or "." in value)


def _describe(tag: str, attr: str) -> str:
    if attr.startswith("data-background"):
        return "background"
    return {"img": "image", "video": "video", "audio": "audio", "source": "media source", "iframe": "iframe",
            "a": "link", "object": "object"}.get(tag, f"<{tag} {attr}>")
