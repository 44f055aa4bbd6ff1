"""Attribute lists: `{: .class #id key=value }` (Python-Markdown's syntax) on the last line of a paragraph, at the
end of a heading, or alone on the line after any block; `{.class #id}` as the attrs plugin writes it works the
same way.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

_ITEM = r"""(?:\.[\w-]+|\#[\w-]+|[\w:-]+=(?:"[^"]*"|'[^']*'|[^\s"'}]+)|[\w-]+)"""
_LIST = re.compile(rf"\{{(?::\s*|(?=[.#]))(?P<items>{_ITEM}(?:\s+{_ITEM})*)?\s*\}}")
_LINE = re.compile(rf"^[ \t]*{_LIST.pattern}[ \t]*$")
_TRAILING = re.compile(rf"[ \t]+{_LIST.pattern}[ \t]*$")
_PART = re.compile(r"""\.(?P<cls>[\w-]+)|\#(?P<id>[\w-]+)|(?P<key>[\w:-]+)=(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s"'}]+))|(?P<flag>[\w-]+)""")


def parse_attr_list(items: str) -> dict[str, str]:
    """'.a .b #x k=v' -> {'class': 'a b', 'id': 'x', 'k': 'v'}."""
    attrs: dict[str, str] = {}
    for part in _PART.finditer(items or ""):
        if part["cls"]:
            attrs["class"] = f"{attrs['class']} {part['cls']}" if "class" in attrs else part["cls"]
        elif part["id"]:
            attrs["id"] = part["id"]
        elif part["key"]:
            value = next(v for v in (part["dq"], part["sq"], part["bare"]) if v is not None)
            attrs[part["key"]] = value
        else:
            attrs[part["flag"]] = ""
    return attrs


def apply_attrs(token: Token, attrs: dict[str, str]) -> None:
    """Set attributes on an opening token; classes are added to its own."""
    for name, value in attrs.items():
        if name == "class" and token.attrGet("class"):
            token.attrJoin("class", value)
        else:
            token.attrSet(name, value)


def _previous_block(tokens: list[Token], index: int) -> Token | None:
    """The opening token of the block just before tokens[index], at the same nesting level."""
    level = tokens[index].level
    position = index - 1
    while position >= 0:
        token = tokens[position]
        if token.level < level:
            return None
        if token.level == level:
            if token.nesting == 0:
                return token if token.type in ("fence", "code_block", "math_block", "hr") else None
            if token.nesting == -1:
                depth = 0
                for back in range(position, -1, -1):
                    if tokens[back].level == level:
                        depth += tokens[back].nesting
                        if depth == 0:
                            return tokens[back]
                return None
        position -= 1
    return None


def _attr_lists(state: StateCore) -> None:
    tokens = state.tokens
    index = 0
    while index < len(tokens):
        token = tokens[index]
        if token.type != "inline" or "{" not in token.content or index == 0:
            index += 1
            continue
        opener = tokens[index - 1]
        lines = token.content.split("\n")
        last = _LINE.match(lines[-1])
        if opener.type == "paragraph_open" and last:
            attrs = parse_attr_list(last["items"])
            if len(lines) == 1:  # alone after a block: applies to that block, the paragraph goes
                target = _previous_block(tokens, index - 1)
                if target is not None:
                    apply_attrs(target, attrs)
                    del tokens[index - 1 : index + 2]
                    index -= 1
                    continue
            else:
                apply_attrs(opener, attrs)
                _drop_last_line(token)
        elif opener.type in ("heading_open", "paragraph_open"):
            trailing = _TRAILING.search(lines[-1]) if opener.type == "heading_open" else None
            if trailing:
                apply_attrs(opener, parse_attr_list(trailing["items"]))
                _strip_tail(token, len(lines[-1]) - trailing.start())
        index += 1


def _drop_last_line(token: Token) -> None:
    children = token.children or []
    for position in range(len(children) - 1, -1, -1):
        if children[position].type in ("softbreak", "hardbreak"):
            del children[position:]
            break
    token.content = token.content.rsplit("\n", 1)[0]


def _strip_tail(token: Token, length: int) -> None:
    children = token.children or []
    token.content = token.content[:-length]
    while children and length > 0:
        child = children[-1]
        if child.type != "text":
            return
        if len(child.content) <= length:
            length -= len(child.content)
            children.pop()
        else:
            child.content = child.content[:-length].rstrip()
            length = 0
    if children and children[-1].type == "text":
        children[-1].content = children[-1].content.rstrip()


def attr_list_plugin(md: MarkdownIt) -> None:
    """Read attribute lists after the inline parse, before rendering."""
    md.core.ruler.push("attr_lists", _attr_lists)
