"""Read an HTML page into a light element tree that remembers where each element starts and ends in the source."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

from deckgen.errors import DeckgenError, Location

VOID = frozenset(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source",
                  "track", "wbr"])
# Elements whose content is text for the browser: read raw up to their end tag.
_RAW = ("textarea", "title")


class ImportError_(DeckgenError):  # noqa: N801 - not the builtin ImportError
    """A reveal.js page cannot be imported."""


@dataclass(eq=False)
class Element:
    """One element: its tag, attributes, first line and offsets of its tags in the page source."""

    tag: str
    attrs: dict[str, str]
    line: int
    start: int  # offset of "<"
    inner_start: int  # offset just after the start tag
    inner_end: int = -1  # offset of its end tag (or where it was closed implicitly)
    end: int = -1  # offset just after its end tag
    children: list[Element] = field(default_factory=list)
    parent: Element | None = None

    @property
    def classes(self) -> list[str]:
        return self.attrs.get("class", "").split()

    def iter(self) -> list[Element]:
        """This element and every descendant, in document order."""
        found = [self]
        for child in self.children:
            found += child.iter()
        return found


class _TreeBuilder(HTMLParser):
    def __init__(self, source: str, path: Path) -> None:
        super().__init__(convert_charrefs=True)
        self.source, self.path = source, path
        self.line_starts = [0]
        for index, char in enumerate(source):
            if char == "\n":
                self.line_starts.append(index + 1)
        self.root = Element("#document", {}, 1, 0, 0)
        self.stack: list[Element] = [self.root]
        self.errors: list[DeckgenError] = []

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        start = self._offset()
        text = self.get_starttag_text() or ""
        element = Element(tag, {k: v or "" for k, v in attrs}, self.getpos()[0], start, start + len(text))
        element.parent = self.stack[-1]
        self.stack[-1].children.append(element)
        if tag in VOID or text.endswith("/>") and tag not in ("section", "div", "textarea"):
            element.inner_end = element.end = element.inner_start
            return
        self.stack.append(element)
        if tag in _RAW:
            self.set_cdata_mode(tag)

    def handle_endtag(self, tag: str) -> None:
        start = self._offset()
        close = self.source.find(">", start)
        end = len(self.source) if close < 0 else close + 1
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                for element in self.stack[depth:]:
                    element.inner_end, element.end = start, end
                if tag != "section" and any(e.tag == "section" for e in self.stack[depth + 1 :]):
                    open_section = next(e for e in self.stack[depth + 1 :] if e.tag == "section")
                    self.errors.append(ImportError_(
                        f"broken nesting: </{tag}> on line {self.getpos()[0]} closes a <section> opened here that "
                        "was never closed", Location(self.path, open_section.line)))
                del self.stack[depth:]
                return
        if tag == "section":
            self.errors.append(ImportError_("broken nesting: </section> without an open <section>",
                                            Location(self.path, self.getpos()[0])))

    def close(self) -> None:
        super().close()
        for element in self.stack[1:]:
            element.inner_end = element.end = len(self.source)
            if element.tag == "section":
                self.errors.append(ImportError_("broken nesting: this <section> is never closed",
                                                Location(self.path, element.line)))


def parse_html(source: str, path: Path) -> Element:
    """Parse the page; sections left open or closed twice are errors naming their line."""
    builder = _TreeBuilder(source, path)
    builder.feed(source)
    builder.close()
    if builder.errors:
        raise builder.errors[0]
    return builder.root


def inner_source(source: str, element: Element) -> str:
    """The element's content as written in the page."""
    return source[element.inner_start : element.inner_end]
