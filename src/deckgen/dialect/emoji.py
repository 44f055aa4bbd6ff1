"""GitHub's emoji shortcodes (`:tada:`) as the emoji characters themselves: nothing to download.

Unknown names stay text, so `12:30:45` and `a:b:c` are untouched.
"""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.rules_inline import StateInline

_SHORTCODE = re.compile(r":([a-z0-9_+-]+):")


@lru_cache(maxsize=4096)
def emoji_for(name: str) -> str | None:
    """The emoji a GitHub shortcode names, or None."""
    import emoji  # a large table: loaded only by decks that have a shortcode-like text

    text = f":{name}:"
    found = emoji.emojize(text, language="alias")
    return None if found == text else found


def _emoji(state: StateInline, silent: bool) -> bool:
    if state.src[state.pos] != ":":
        return False
    match = _SHORTCODE.match(state.src, state.pos, state.posMax)
    if not match or (state.pos > 0 and state.src[state.pos - 1].isalnum()):
        return False
    character = emoji_for(match[1])
    if character is None:
        return False
    if not silent:
        token = state.push("text", "", 0)
        token.content = character
    state.pos = match.end()
    return True


def emoji_plugin(md: MarkdownIt) -> None:
    """Replace known shortcodes in text."""
    md.inline.ruler.before("emphasis", "emoji", _emoji)
