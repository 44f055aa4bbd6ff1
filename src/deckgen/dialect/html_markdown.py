"""Markdown inside HTML blocks: an element whose opening tag, alone on its line, has `markdown="1"` (or
`markdown="block"`) holds Markdown up to its closing tag, blank lines or not; the attribute itself is dropped.

Without the attribute, CommonMark's rules apply as in reveal.js: an HTML block ends at a blank line and Markdown
follows, inside the element.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock

_OPEN = re.compile(
    r"""^<(?P<name>[A-Za-z][\w-]*)(?P<before>(?:\s+[^\s=>]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?)*?)"""
    r"""\s+markdown\s*=\s*(?:"(?:1|block)"|'(?:1|block)'|1|block)(?P<after>(?:\s+[^\s=>]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+))?)*)\s*>\s*$"""
)


def _closing_line(state: StateBlock, name: str, start_line: int, end_line: int) -> int | None:
    """The line of the closing tag that matches the element opened on start_line (same-name tags nest)."""
    opens = re.compile(rf"<{re.escape(name)}(?=[\s>/])", re.I)
    closes = re.compile(rf"</{re.escape(name)}\s*>", re.I)
    depth = 1
    for line in range(start_line + 1, end_line):
        text = state.src[state.bMarks[line] + state.tShift[line] : state.eMarks[line]]
        if "<" not in text:
            continue
        depth += len(opens.findall(text)) - len(closes.findall(text))
        if depth <= 0:
            return line if closes.fullmatch(text.strip()) else None
    return None


def _markdown_in_html(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    if state.is_code_block(start_line):
        return False
    first = state.src[state.bMarks[start_line] + state.tShift[start_line] : state.eMarks[start_line]]
    if "markdown" not in first:
        return False
    match = _OPEN.match(first)
    if not match:
        return False
    close_line = _closing_line(state, match["name"], start_line, end_line)
    if close_line is None:
        return False
    if silent:
        return True
    opening = state.push("html_block", "", 0)
    opening.content = f"<{match['name']}{match['before']}{match['after']}>\n"
    opening.map = [start_line, start_line + 1]
    old_parent, old_max = state.parentType, state.lineMax
    state.parentType = "html_markdown"  # type: ignore[assignment]
    state.lineMax = close_line
    state.md.block.tokenize(state, start_line + 1, close_line)
    state.parentType, state.lineMax = old_parent, old_max
    closing = state.push("html_block", "", 0)
    closing.content = state.src[state.bMarks[close_line] + state.tShift[close_line] : state.eMarks[close_line]] + "\n"
    closing.map = [close_line, close_line + 1]
    state.line = close_line + 1
    return True


def markdown_in_html_plugin(md: MarkdownIt) -> None:
    """Read `markdown="1"` elements before CommonMark's raw HTML blocks."""
    md.block.ruler.before("html_block", "markdown_in_html", _markdown_in_html, {"alt": ["paragraph", "reference", "blockquote"]})
