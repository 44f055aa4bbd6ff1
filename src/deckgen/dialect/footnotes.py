"""Footnotes (`text[^1]` and `[^1]: note`) at the foot of their slide.

mdit-py-plugins parses them; deckgen writes the list in a <div>, since a <section> inside a slide would become a
vertical slide of its own, and gives each slide's footnotes ids of their own (every slide shares one page).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.footnote import footnote_plugin


def _block_open(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return '<div class="footnotes">\n<ol class="footnotes-list">\n'


def _block_close(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    return "</ol>\n</div>\n"


def footnote_env(text: str) -> dict[str, str]:
    """The render env that makes this slide's footnote ids its own (they depend on its text only)."""
    if "[^" not in text:
        return {}
    import hashlib  # OpenSSL's start costs 3 ms: only for a slide with a footnote

    return {"docId": hashlib.sha1(text.encode()).hexdigest()[:6]}


def footnotes_plugin(md: MarkdownIt) -> None:
    """Parse footnotes; render their list without a <section> or a rule above it."""
    md.use(footnote_plugin, inline=False)
    md.add_render_rule("footnote_block_open", _block_open)
    md.add_render_rule("footnote_block_close", _block_close)
