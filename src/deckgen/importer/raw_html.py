"""Raw-HTML slides written so that deckgen passes them through as they are.

deckgen reads a slide as Markdown, where raw HTML is one block only up to a blank line; after it, Markdown would
read the rest (indented lines become code, `*` emphasis). So each blank line is joined to the next line by the
newline character written as `&#10;`, which the browser reads back as the same text: the page's DOM is unchanged.
Lines that deckgen would take for a slide separator, a notes marker or a code fence get one character written as
an entity for the same reason; reveal.js's `.element` comments, which reveal.js ignores in HTML slides, are
disarmed. Inside <script> and <style>, where entities are not read, a blank line becomes a comment line.
"""

from __future__ import annotations

import re
import textwrap

_SEPARATOR = re.compile(r"^([ \t]*)-(-{1,3}[ \t]*)$")
_NOTES = re.compile(r"^(\s*notes?):", re.I)
_FENCE = re.compile(r"^([ \t]*)([`~])(\2{2,})")
_ELEMENT_COMMENT = re.compile(r"<!--(\s*)\.(element|slide)\b")


def _contexts(lines: list[str]) -> list[str]:
    """For each line, the element its start is inside: 'script', 'style', 'pre' or ''."""
    inside: list[str] = []
    raw, pre = "", 0
    for line in lines:
        inside.append(raw or ("pre" if pre else ""))
        for match in re.finditer(r"<(/?)(script|style|pre|textarea)\b", line, re.I):
            name = match.group(2).lower()
            if name in ("script", "style"):
                if raw == name and match.group(1):
                    raw = ""
                elif not raw and not match.group(1):
                    raw = name
            elif not raw:
                pre = max(0, pre + (-1 if match.group(1) else 1))
    return inside


def protect(html: str) -> str:
    """The slide's HTML, written so that deckgen's Markdown stage passes it through unchanged."""
    lines = html.strip("\n").split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    while lines and not lines[0].strip():
        lines.pop(0)
    inside = _contexts(lines)
    # Indentation outside <pre> is layout only: remove what every such line shares, so that the slide does not
    # start like an indented code block.
    free = [line for line, where in zip(lines, inside, strict=True) if not where and line.strip()]
    common = len(free[0]) - len(free[0].lstrip()) if free else 0
    prefix = free[0][:common] if free else ""
    for line in free:
        while prefix and not line.startswith(prefix):
            prefix = prefix[:-1]
    out: list[str] = []
    carry = ""
    for line, where in zip(lines, inside, strict=True):
        if not where and prefix and line.startswith(prefix):
            line = line[len(prefix) :]
        if where in ("script", "style"):
            if not line.strip():
                out.append("//" if where == "script" else "/**/")
                continue
            out.append(line)
            continue
        line = _ELEMENT_COMMENT.sub(lambda m: f"<!--{m.group(1)}(reveal.js ignores this in HTML) .{m.group(2)}",
                                    line)
        if not line.strip():
            carry += line + "&#10;"
            continue
        line = carry + line
        carry = ""
        line = _SEPARATOR.sub(lambda m: m.group(1) + "&#45;" + m.group(2), line)
        line = _NOTES.sub(lambda m: m.group(1) + "&#58;", line)
        line = _FENCE.sub(lambda m: m.group(1) + ("&#96;" if m.group(2) == "`" else "&#126;") + m.group(3), line)
        out.append(line)
    # Only the first line's indentation matters to Markdown (four spaces or a tab would make the slide a code
    # block); when another line is less indented (a line at column 0, tabs mixed with spaces), it is dropped here.
    if out and inside and not inside[0]:
        out[0] = out[0].lstrip(" \t")
    return "\n".join(out)


def starts_as_block(html: str) -> bool:
    """Whether Markdown reads the slide's first line as the start of an HTML block (else it wraps it in <p>)."""
    first = textwrap.dedent(html).lstrip("\n").split("\n", 1)[0]
    return bool(re.match(r"<(?:!--|/?(?:address|article|aside|base|basefont|blockquote|body|caption|center|col|"
                         r"colgroup|dd|details|dialog|dir|div|dl|dt|fieldset|figcaption|figure|footer|form|frame|"
                         r"frameset|h[1-6]|head|header|hr|html|iframe|legend|li|link|main|menu|menuitem|nav|"
                         r"noframes|ol|optgroup|option|p|param|search|section|summary|table|tbody|td|tfoot|th|"
                         r"thead|title|tr|track|ul|pre|script|style|textarea)(?:\s|/?>|$))", first, re.I)
                or re.fullmatch(r"<[a-zA-Z][\w-]*(?:\s[^>]*)?/?>\s*|</[a-zA-Z][\w-]*\s*>\s*", first))
