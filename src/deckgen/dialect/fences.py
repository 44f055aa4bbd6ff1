"""Fenced code blocks, rendered before Markdown sees them: reveal's line-number steps, code escaped once."""

from __future__ import annotations

import html
import re

from markdown import Extension, Markdown
from markdown.preprocessors import Preprocessor

_OPEN = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^`]*?)[ \t]*$")
# reveal.js's markdown plugin syntax: [1|2-3] steps, [10: 2] numbering from 10.
_LINE_NUMBERS = re.compile(r"\[\s*(?:(?P<start>\d*)\s*:)?\s*(?P<lines>[\s\d,|*-]*)\]")
_LANGUAGE = re.compile(r"^[\w#+.-]+")


def render_code(code: str, info: str) -> str:
    """Return the <pre><code> HTML of one fenced block."""
    attrs = ""
    numbers = _LINE_NUMBERS.search(info)
    if numbers:
        attrs += f' data-line-numbers="{html.escape(numbers["lines"].replace(" ", ""))}"'
        if numbers["start"]:
            attrs += f' data-ln-start-from="{numbers["start"]}"'
        info = info[: numbers.start()] + info[numbers.end() :]
    language = _LANGUAGE.match(info.strip().lstrip("{").lstrip("."))
    if language:
        name = html.escape(language.group(0))
        attrs = f' class="{name} language-{name}"' + attrs
    return f"<pre><code{attrs}>{html.escape(code, quote=False)}</code></pre>"


class _FencePreprocessor(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        out: list[str] = []
        index = 0
        while index < len(lines):
            match = _OPEN.match(lines[index])
            if not match or (match["fence"][0] == "`" and "`" in match["info"]):
                out.append(lines[index])
                index += 1
                continue
            indent, fence = match["indent"], match["fence"]
            body: list[str] = []
            end = index + 1
            while end < len(lines):
                stripped = lines[end].strip()
                if stripped.startswith(fence[0] * len(fence)) and not stripped.strip(fence[0]):
                    break
                body.append(_dedent(lines[end], len(indent)))
                end += 1
            placeholder = self.md.htmlStash.store(render_code("\n".join(body), match["info"]))
            out.extend(["", indent + placeholder, ""])
            index = end + 1
        return out


def _dedent(line: str, width: int) -> str:
    prefix = len(line) - len(line.lstrip(" "))
    return line[min(prefix, width) :]


class FenceExtension(Extension):
    """Replace Python-Markdown's fenced_code with reveal.js-compatible fences."""

    def extendMarkdown(self, md: Markdown) -> None:  # noqa: N802 (Python-Markdown's API)
        md.preprocessors.register(_FencePreprocessor(md), "deckgen_fences", 29)
