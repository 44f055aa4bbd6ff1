"""Math as authors write it for reveal.js: `$…$`, `$$…$$`, `\\(…\\)`, `\\[…\\]`, kept away from Markdown.

Each formula becomes `<span class="arithmatex">\\(tex\\)</span>` (inline) or `<div class="arithmatex">\\[tex\\]</div>`
(display), which deckgen's math plugin typesets with KaTeX in the page. Padded inline math (`$ \\beta $`) is math;
a closing `$` followed by a digit is not (`$5 and $6` stays text); `\\$` is a dollar sign; a code span that holds
exactly one delimited formula (`` `$\\frac{1}{m}$` ``, as reveal.js's own demo writes) is typeset.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token

# (open, close, display), longest first. "\\\\(" is reveal-md's idiom: Markdown makes it "\\(" for MathJax.
_INLINE = (("$$", "$$", True), ("\\\\(", "\\\\)", False), ("\\\\[", "\\\\]", True), ("\\(", "\\)", False),
           ("\\[", "\\]", True), ("$", "$", False))
_ESCAPED_PUNCTUATION = re.compile(r"\\([!-/:-@\[-`{-~])")
# "$\(x\)$": the delimiters twice, as some reveal-md decks write them; one formula.
_DOUBLED = re.compile(r"^\s*\\\((?P<inline>.*)\\\)\s*$|^\s*\\\[(?P<display>.*)\\\]\s*$", re.S)
_BLOCK = (("$$", "$$"), ("\\[", "\\]"))
_CODE_FORMULA = re.compile(r"^(?:\$\$(?P<dd>[^$]+)\$\$|\$(?P<d>[^$\s][^$]*|[^$]*[^$\s])\$|\\\((?P<p>.+)\\\)|\\\[(?P<b>.+)\\\])$", re.S)


def inline_html(tex: str, *, display: bool) -> str:
    """The element the page typesets."""
    if display:
        return f'<span class="arithmatex">\\[{html.escape(tex, quote=False)}\\]</span>'
    return f'<span class="arithmatex">\\({html.escape(tex, quote=False)}\\)</span>'


def _escaped(src: str, pos: int) -> bool:
    slashes = 0
    while pos - slashes - 1 >= 0 and src[pos - slashes - 1] == "\\":
        slashes += 1
    return slashes % 2 == 1


def _find_close(src: str, start: int, close: str, end: int) -> int:
    """Where close occurs after start (not escaped, and for `$` not followed by a digit), or -1."""
    pos = start
    while True:
        found = src.find(close, pos, end)
        if found < 0:
            return -1
        after = found + len(close)
        if close == "$":
            if _escaped(src, found) or (after < end and (src[after].isdigit() or src[after] == "$")):
                pos = found + 1
                continue
        elif close == "$$" and _escaped(src, found):
            pos = found + 1
            continue
        return found


def _math_inline(state: StateInline, silent: bool) -> bool:
    src, pos = state.src, state.pos
    if src[pos] not in "$\\":
        return False
    for open_, close, display in _INLINE:
        if not src.startswith(open_, pos):
            continue
        if open_ == "$" and pos > 0 and src[pos - 1] == "$":
            return False
        start = pos + len(open_)
        found = _find_close(src, start, close, state.posMax)
        if found < 0 or not src[start:found].strip():
            return False
        if not silent:
            tex = src[start:found]
            if open_.startswith("\\\\"):  # what MathJax saw after Markdown: its escapes undone
                tex = _ESCAPED_PUNCTUATION.sub(r"\1", tex)
            doubled = _DOUBLED.match(tex) if open_.startswith("$") else None
            if doubled:
                tex = doubled["inline"] if doubled["inline"] is not None else doubled["display"]
                display = display or doubled["display"] is not None
            token = state.push("math_inline", "math", 0)
            token.content = tex
            token.markup = open_
            token.meta = {"display": display}
        state.pos = found + len(close)
        return True
    return False


def _math_block(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    if state.is_code_block(start_line):
        return False
    begin = state.bMarks[start_line] + state.tShift[start_line]
    first = state.src[begin : state.eMarks[start_line]]
    for open_, close in _BLOCK:
        if first.startswith(open_):
            return _block_from(state, start_line, end_line, silent, open_, close, first)
    return False


def _block_from(state: StateBlock, start_line: int, end_line: int, silent: bool, open_: str, close: str,
                first: str) -> bool:
    rest = first[len(open_) :].rstrip()
    body = rest[: -len(close)] if rest.endswith(close) else None
    if body is not None and body.strip() and close not in body:
        if not silent:
            _push_block(state, body, open_, start_line, start_line + 1)
        return True  # $$ x $$ on one line
    if close in rest:
        return False  # text after the formula: inline math in a paragraph
    return _multiline(state, start_line, end_line, silent, open_, close, rest)


def _multiline(state: StateBlock, start_line: int, end_line: int, silent: bool, open_: str, close: str,
               first_rest: str) -> bool:
    lines = [first_rest] if first_rest.strip() else []
    line = start_line + 1
    while line < end_line:
        text = state.src[state.bMarks[line] : state.eMarks[line]]
        if not text.strip() or state.sCount[line] < state.blkIndent:
            return False  # a blank line ends it: no formula spans paragraphs
        stripped = text.strip()
        if stripped.endswith(close) and not _escaped(stripped, len(stripped) - len(close)):
            if stripped[: -len(close)].strip():
                lines.append(stripped[: -len(close)])
            if silent:
                return True
            _push_block(state, "\n".join(lines), open_, start_line, line + 1)
            return True
        if close in stripped:
            return False
        lines.append(text)
        line += 1
    return False


def _push_block(state: StateBlock, tex: str, open_: str, start_line: int, next_line: int) -> None:
    doubled = _DOUBLED.match(tex) if open_ == "$$" else None
    if doubled:
        tex = doubled["inline"] if doubled["inline"] is not None else doubled["display"]
    token = state.push("math_block", "math", 0)
    token.block = True
    token.content = tex
    token.markup = open_
    token.map = [start_line, next_line]
    state.line = next_line


def _render_inline(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    return inline_html(token.content, display=token.meta["display"])


def _render_block(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return f'<div class="arithmatex">\\[{html.escape(tokens[idx].content, quote=False)}\\]</div>\n'


def _render_code_inline(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    formula = _CODE_FORMULA.match(token.content)
    if formula:
        tex = next(group for group in formula.groups() if group is not None)
        return inline_html(tex, display=formula["dd"] is not None or formula["b"] is not None)
    return self.code_inline(tokens, idx, options, env)


def math_plugin(md: MarkdownIt) -> None:
    """Parse math before Markdown's escapes and emphasis can touch it."""
    md.inline.ruler.before("escape", "math_inline", _math_inline)
    md.block.ruler.before("fence", "math_block", _math_block, {"alt": ["paragraph", "reference", "blockquote", "list"]})
    md.add_render_rule("math_inline", _render_inline)
    md.add_render_rule("math_block", _render_block)
    md.add_render_rule("code_inline", _render_code_inline)
