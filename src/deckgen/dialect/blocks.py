"""CommonMark block rules that reveal-md's decks rely on, applied before Python-Markdown parses a slide.

Python-Markdown differs from CommonMark (which reveal.js's marked follows) in ways real decks hit: nested
lists indented by two spaces, a list right after a paragraph line, raw HTML blocks that hold Markdown after a
blank line, custom elements, and an attribute comment on the line after a list item. This preprocessor
rewrites those lines into what Python-Markdown reads the same way.
"""

from __future__ import annotations

import re

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

_BULLET = re.compile(r"^(?P<indent> *)(?P<marker>[-*+]|\d{1,9}[.)])(?P<space> +|$)")
_OPEN_TAG_LINE = re.compile(r"^(?P<indent>\s*)<(?P<name>[a-zA-Z][\w-]*)(?P<attrs>(?:\s[^<>]*?)?)\s*>\s*$")
_ELEMENT_COMMENT = re.compile(r"^\s*<!--\s*\.element\b.*-->\s*$")
# Elements whose content is never Markdown, and inline elements that do not start a block.
_RAW = frozenset(["pre", "script", "style", "textarea", "code", "svg", "math"])
_INLINE = frozenset(
    ["a", "abbr", "b", "bdi", "bdo", "br", "button", "cite", "data", "dfn", "em", "i", "img", "input", "kbd", "label", "mark", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "time", "u", "var", "wbr"]
)


class _CommonMarkBlocks(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        lines = _join_element_comments(lines)
        lines = _normalise_lists(lines)
        return self._markdown_in_html(lines)

    def _markdown_in_html(self, lines: list[str]) -> list[str]:
        # A run of opening-tag lines followed by a blank line: in CommonMark the HTML block ends at the blank
        # line and Markdown follows, inside the elements; md_in_html does that with markdown="1".
        out = list(lines)
        index = 0
        while index < len(out):
            run_end = index
            while run_end < len(out) and self._opens_block(out[run_end]):
                run_end += 1
            if run_end > index and (run_end == len(out) or not out[run_end].strip()):
                for position in range(index, run_end):
                    out[position] = self._mark(out[position])
            index = max(run_end, index + 1)
        return out

    def _opens_block(self, line: str) -> bool:
        match = _OPEN_TAG_LINE.match(line)
        if not match or match["attrs"].rstrip().endswith("/") or "markdown=" in match["attrs"]:
            return False
        name = match["name"].lower()
        return name not in _RAW and name not in _INLINE

    def _mark(self, line: str) -> str:
        match = _OPEN_TAG_LINE.match(line)
        assert match is not None
        name = match["name"].lower()
        if not self.md.is_block_level(name):
            self.md.block_level_elements.append(name)  # a custom element, e.g. <pba-cols>
        return f'{match["indent"]}<{match["name"]}{match["attrs"]} markdown="1">'


def _join_element_comments(lines: list[str]) -> list[str]:
    """Put an .element comment that follows a line directly on that line: it belongs to what is there."""
    out: list[str] = []
    for line in lines:
        if out and out[-1].strip() and _ELEMENT_COMMENT.match(line):
            out[-1] = out[-1].rstrip() + " " + line.strip()
        else:
            out.append(line)
    return out


def _normalise_lists(lines: list[str]) -> list[str]:
    """Indent nested list items by four spaces per level, and let a list interrupt a paragraph."""
    out: list[str] = []
    levels: list[tuple[int, int]] = []  # (bullet indent, content offset) of the open list levels
    previous_blank = True
    for line in lines:
        bullet = _BULLET.match(line)
        if bullet and (levels or len(bullet["indent"]) <= 3):
            indent = len(bullet["indent"])
            content = indent + len(bullet["marker"]) + max(len(bullet["space"]), 1)
            if not levels:
                starts_list = bullet["marker"] in "-*+" or bullet["marker"][:-1] == "1"
                if not previous_blank and out and starts_list and not _is_block_start(out[-1]):
                    out.append("")  # CommonMark: a list may interrupt a paragraph
                levels = [(indent, content)]
            else:
                while len(levels) > 1 and indent < levels[-1][0]:
                    levels.pop()
                if indent >= levels[-1][1]:
                    levels.append((indent, content))
                elif indent > levels[-1][0] and len(levels) > 1 and indent >= levels[-2][1]:
                    levels[-1] = (indent, content)
                else:
                    levels[-1] = (levels[-1][0], content)
            out.append(" " * (4 * (len(levels) - 1)) + line[indent:])
            previous_blank = False
            continue
        if not line.strip():
            out.append(line)
            previous_blank = True
            continue
        width = len(line) - len(line.lstrip(" "))
        if levels and width > 0:
            depth = max((k for k, (_, offset) in enumerate(levels) if offset <= width), default=None)
            if depth is not None:
                extra = width - levels[depth][1]
                out.append(" " * (4 * (depth + 1) + extra) + line[width:])
                previous_blank = False
                continue
        if levels and previous_blank and width == 0:
            levels = []
        out.append(line)
        previous_blank = False
    return out


def _is_block_start(line: str) -> bool:
    stripped = line.lstrip()
    return stripped.startswith(("#", "<", "|", ">")) or not stripped


class CommonMarkBlocksExtension(Extension):
    """Register the preprocessor after deckgen's fences and before Python-Markdown's raw HTML blocks."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's API)
        md.preprocessors.register(_CommonMarkBlocks(md), "deckgen_commonmark_blocks", 25)
