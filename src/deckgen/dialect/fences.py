"""Fenced code: reveal.js's line-number steps (`[1|2-3]`, `[10: 2]`), the language as class, code escaped once.

A ```` ```mermaid ```` fence becomes a diagram that the page draws with mermaid before the deck is shown.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token

from deckgen.dialect.highlight import highlight

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
    if language and language.group(0).lower() == "mermaid" and not numbers:
        return f'<pre class="mermaid">{html.escape(code, quote=False)}</pre>'
    if language:
        name = html.escape(language.group(0))
        coloured = highlight(code, language.group(0))
        if coloured is not None:  # coloured now: the page needs no highlighter for it
            return f'<pre><code class="{name} language-{name} hljs"{attrs}>{coloured}</code></pre>'
        attrs = f' class="{name} language-{name}"' + attrs
    return f"<pre><code{attrs}>{html.escape(code, quote=False)}</code></pre>"


def _fence(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    token = tokens[idx]
    code = token.content[:-1] if token.content.endswith("\n") else token.content
    rendered = render_code(code, token.info)
    if token.attrs:  # from an attribute list after the fence
        rendered = "<pre" + self.renderAttrs(token) + rendered[len("<pre") :]
    return rendered + "\n"


def fence_plugin(md: MarkdownIt) -> None:
    """Render fences the way reveal.js's markdown plugin does."""
    md.add_render_rule("fence", _fence)
