"""reveal.js's markdown plugin, as the browser runs it: the template's text, de-indented; split by the section's
separator regexes into stacks of slides; each slide's notes cut off by the notes regex."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

# The plugin's defaults: reveal.js 3 splits at "^\r?\n---\r?\n$", 4 and 5 at "\r?\n---\r?\n"; the notes default is
# "notes?:" (anywhere on a line) up to 4.x, and in 5 '^\s*notes?:' written in a JS string, whose value is "^s*notes?:".
SEPARATOR_V3 = r"^\r?\n---\r?\n$"
SEPARATOR_V4 = r"\r?\n---\r?\n"
NOTES_V4 = r"notes?:"
NOTES_V5 = r"^s*notes?:"


@dataclass
class MarkdownSlide:
    """One slide cut from a markdown section: its Markdown and its notes (Markdown), as reveal.js sees them."""

    markdown: str
    notes: str | None


def template_text(raw: str) -> str:
    """The text reveal.js reads from a <textarea data-template> or <script type="text/template">, de-indented as
    the plugin de-indents it."""
    text = raw.replace("__SCRIPT_END__", "</script>")
    leading_ws = len(re.match(r"^\n?(\s*)", text).group(1))  # type: ignore[union-attr]
    leading_tabs = len(re.match(r"^\n?(\t*)", text).group(1))  # type: ignore[union-attr]
    if leading_tabs > 0:
        text = re.sub(r"\n?\t{" + str(leading_tabs) + r"}(.*)", lambda m: "\n" + m.group(1), text)
    elif leading_ws > 1:
        text = re.sub(r"\n? {" + str(leading_ws) + r"}(.*)", lambda m: "\n" + m.group(1), text)
    return text


def textarea_content(raw: str) -> str:
    """A textarea's text: entities decoded, the newline right after the start tag dropped (HTML's rule)."""
    if raw.startswith("\n"):
        raw = raw[1:]
    return html.unescape(raw)


def js_regex(pattern: str) -> re.Pattern[str]:
    """A JavaScript regex source as Python reads it (the plugin's flags: m, plus i for notes)."""
    return re.compile(pattern.replace("(?<", "(?P<").replace("\\/", "/"), re.MULTILINE)


def slidify(text: str, separator: str, vertical: str | None, notes: str) -> list[list[MarkdownSlide]]:
    """Split as the plugin's slidify(): a list of stacks (horizontal) of slides (vertical)."""
    combined = js_regex(separator + (f"|{vertical}" if vertical else ""))
    horizontal = js_regex(separator)
    stacks: list[list[str]] = []
    last, was_horizontal = 0, True
    for match in combined.finditer(text):
        if match.end() == match.start():
            continue
        is_horizontal = horizontal.search(match.group(0)) is not None
        if not is_horizontal and was_horizontal:
            stacks.append([])
        content = text[last : match.start()]
        if is_horizontal and was_horizontal:
            stacks.append([content])
        else:
            stacks[-1].append(content)
        last, was_horizontal = match.end(), is_horizontal
    if was_horizontal:
        stacks.append([text[last:]])
    else:
        stacks[-1].append(text[last:])
    return [[split_notes(content, notes) for content in stack] for stack in stacks]


def split_notes(content: str, notes: str) -> MarkdownSlide:
    """Cut the notes off as createMarkdownSlide() does: only when the notes regex cuts the slide in two."""
    pattern = re.compile(notes, re.MULTILINE | re.IGNORECASE)
    parts = pattern.split(content)
    if len(parts) == 2 and pattern.groups == 0:
        return MarkdownSlide(parts[0], parts[1])
    return MarkdownSlide(content, None)
