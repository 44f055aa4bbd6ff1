"""A slide's Markdown as reveal.js read it, written so that deckgen reads the same slide: lines that deckgen would
take for a separator or a notes marker (and reveal.js did not) are escaped, outside fenced code."""

from __future__ import annotations

import re
from collections.abc import Iterator

_FENCE = re.compile(r"^[ \t]*(`{3,}|~{3,})(.*)$")
_NOTES = re.compile(r"^(\s*notes?):", re.I)
_LINK = re.compile(r"(?<![!\]\\])(\[(?:[^\]\\\n]|\\.)*\]\([^)\s]+(?:\s+\"[^\"]*\")?\))(?!\{)")
_FENCE_INFO = re.compile(r"^([ \t]*(?:`{3,}|~{3,}))([^\[\n`]*)$")


def lines_outside_code(text: str) -> Iterator[tuple[int, str, str]]:
    """Each line with where it is: "" (text), "open" / "close" (a fence line) or "code"."""
    lines = text.split("\n")
    fence: str | None = None
    for index, line in enumerate(lines):
        match = _FENCE.match(line)
        if fence is None and match and not (match.group(1)[0] == "`" and "`" in match.group(2)):
            fence = match.group(1)
            yield index, line, "open"
        elif fence is not None and match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence) \
                and not match.group(2).strip():
            fence = None
            yield index, line, "close"
        else:
            yield index, line, "code" if fence else ""


def escape_for_deckgen(markdown: str) -> str:
    """Escape the lines deckgen would split at: `---`, `--`, `----` and `Note:` lines outside fenced code."""
    lines = markdown.split("\n")
    for index, line, where in lines_outside_code(markdown):
        if where:
            continue
        stripped = line.strip()
        if stripped in ("---", "--", "----"):
            previous = lines[index - 1].strip() if index else ""
            # After text the line underlines a heading (any run of "-"); alone, "--" is text and the others a rule.
            lines[index] = line.replace(stripped, "\\--") if stripped == "--" and not previous else \
                line.replace(stripped, "-----")
        elif _NOTES.match(line):
            lines[index] = _NOTES.sub(lambda m: m.group(1) + "\\:", line, count=1)
    return "\n".join(lines)


def add_line_numbers(markdown: str) -> str:
    """Give every fenced code block line numbers (reveal.js's ``` [] ```), as a load-time script did."""
    lines = markdown.split("\n")
    for index, line, where in lines_outside_code(markdown):
        if where == "open" and (match := _FENCE_INFO.match(line)):
            lines[index] = f"{match.group(1)}{match.group(2).rstrip()} []"
    return "\n".join(lines)


def links_in_new_tab(markdown: str) -> str:
    """Open every Markdown link in a new tab (an attribute list after the link)."""
    lines = markdown.split("\n")
    for index, line, where in lines_outside_code(markdown):
        if not where and "](" in line:
            lines[index] = _LINK.sub(lambda m: m.group(1) + "{target=_blank}", line)
    return "\n".join(lines)
