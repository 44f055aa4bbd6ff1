"""The Markdown engine: markdown-it-py's CommonMark parser (what reveal.js's marked follows), GitHub's extensions
(tables, strikethrough, task lists, alerts, bare links, footnotes), definition lists, and one small plugin per
feature of the deck dialect.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token
from mdit_py_plugins.attrs import attrs_block_plugin, attrs_plugin
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.gfm_autolink import gfm_autolink_plugin

from deckgen.dialect.attr_lists import attr_list_plugin
from deckgen.dialect.attributes import TIGHT_MARK
from deckgen.dialect.emoji import emoji_plugin
from deckgen.dialect.fences import fence_plugin
from deckgen.dialect.footnotes import footnote_env, footnotes_plugin
from deckgen.dialect.heading_ids import heading_ids_plugin
from deckgen.dialect.html_markdown import markdown_in_html_plugin
from deckgen.dialect.math import math_plugin


def _mark_tight_comments(state: StateCore) -> None:
    """Mark an .element comment that follows a list with no blank line between: reveal.js targets the last item."""
    lines: list[str] | None = None
    for index, token in enumerate(state.tokens):
        if (token.type == "html_block" and index and token.map and ".element" in token.content
                and token.content.lstrip().startswith("<!--")
                and state.tokens[index - 1].type in ("bullet_list_close", "ordered_list_close")):
            lines = lines if lines is not None else state.src.split("\n")
            line = token.map[0] - 1
            if 0 <= line < len(lines) and lines[line].strip():
                token.content = TIGHT_MARK + token.content


def _table_cell(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    """A table cell with align="…", as marked and GitHub write it (markdown-it writes a style)."""
    token = tokens[idx]
    style = token.attrGet("style")
    if isinstance(style, str) and style.startswith("text-align:"):
        token.attrs.pop("style")
        token.attrSet("align", style.split(":", 1)[1])
    return self.renderToken(tokens, idx, options, env)


def _deleted(self: Any, tokens: Sequence[Token], idx: int, options: Any, env: Any) -> str:
    """~~text~~ as <del>, as marked writes it."""
    return "<del>" if tokens[idx].nesting == 1 else "</del>"


def new_markdown() -> MarkdownIt:
    """A parser for slide Markdown with every plugin of the dialect."""
    md = MarkdownIt("commonmark", {"html": True, "xhtmlOut": False})  # <br>, <img>: as marked writes them
    md.enable(["table", "strikethrough"])
    md.options.update({"tasklists": True, "alerts": True, "strikethrough_single_tilde": True})
    md.use(gfm_autolink_plugin)
    md.use(footnotes_plugin)
    md.use(deflist_plugin)
    md.use(math_plugin)
    md.use(fence_plugin)
    md.use(markdown_in_html_plugin)
    md.use(emoji_plugin)
    md.use(attrs_plugin, after=("image", "code_inline", "link_close"))
    md.use(attrs_block_plugin)
    md.use(attr_list_plugin)
    md.use(heading_ids_plugin)
    md.core.ruler.push("tight_comments", _mark_tight_comments)
    for rule in ("th_open", "td_open"):
        md.add_render_rule(rule, _table_cell)
    md.add_render_rule("s_open", _deleted)
    md.add_render_rule("s_close", _deleted)
    return md


_MARKDOWN: MarkdownIt | None = None


def to_html(text: str) -> str:
    """Convert Markdown to HTML with the deck dialect's plugins."""
    global _MARKDOWN
    if _MARKDOWN is None:
        _MARKDOWN = new_markdown()
    return _MARKDOWN.render(text, footnote_env(text))
