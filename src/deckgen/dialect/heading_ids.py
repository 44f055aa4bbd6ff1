"""Heading ids made as reveal-md's marked made them (`## Le marché` -> `id="le-marché"`), so a link
`[see](#le-marché)` jumps to the slide that holds the heading. An id given by the author wins.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

_PUNCTUATION = re.compile(r"[\u2000-\u206F\u2E00-\u2E7F\\'!\"#$%&()*+,./:;<=>?@\[\]^`{|}~]")


def slug(text: str) -> str:
    """marked's slug: lower case, punctuation dropped, each white space a dash."""
    return re.sub(r"\s", "-", _PUNCTUATION.sub("", text.lower().strip()))


def _text(token: Token) -> str:
    return "".join(child.content for child in token.children or () if child.type in ("text", "code_inline", "math_inline"))


def _heading_ids(state: StateCore) -> None:
    seen: dict[str, int] = state.env.setdefault("heading_ids", {})
    tokens = state.tokens
    for index, token in enumerate(tokens):
        if token.type != "heading_open" or token.attrGet("id") is not None:
            continue
        base = slug(_text(tokens[index + 1]))
        if not base:
            continue
        count = seen.get(base, 0)
        seen[base] = count + 1
        token.attrSet("id", base if count == 0 else f"{base}-{count}")


def heading_ids_plugin(md: MarkdownIt) -> None:
    """Give every heading an id, after attribute lists had their say."""
    md.core.ruler.push("heading_ids", _heading_ids)
