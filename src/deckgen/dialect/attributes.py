"""reveal.js's attribute comments: <!-- .slide: ... --> and <!-- .element: ... --> applied to rendered HTML."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from dataclasses import dataclass

_COMMENT = re.compile(r"<!--\s*\.(?P<kind>slide|element)\s*:?(?P<attrs>.*?)-->", re.S)
# An HTML comment, or a start or end tag with its attributes (quoted values may hold ">").
TAG = re.compile(r"<!--.*?-->|<(?P<close>/?)(?P<name>[a-zA-Z][a-zA-Z0-9-]*)(?P<attrs>(?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.S)
_ATTR = re.compile(r"""(?P<name>[^\s"'=<>/]+)(?:\s*=\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s"'>]+)))?""")
_VOID = frozenset(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"])


def parse_attributes(text: str) -> dict[str, str]:
    """Parse 'class="a" data-x=1 data-flag' into a dict (flags get the empty value)."""
    attrs: dict[str, str] = {}
    for match in _ATTR.finditer(text):
        value = match["dq"] if match["dq"] is not None else match["sq"] if match["sq"] is not None else match["bare"]
        attrs[match["name"]] = html.unescape(value) if value is not None else ""
    return attrs


def merge_attributes(target: dict[str, str], new: dict[str, str]) -> None:
    """Set new attributes on target; classes are added to the existing ones."""
    for name, value in new.items():
        if name == "class" and target.get("class"):
            classes = target["class"].split()
            classes += [c for c in value.split() if c not in classes]
            target["class"] = " ".join(classes)
        else:
            target[name] = value


def format_attributes(attrs: dict[str, str]) -> str:
    """Render attributes as ' name="value"' pairs (a flag with an empty value is written bare)."""
    parts = []
    for name, value in attrs.items():
        parts.append(f' {name}="{html.escape(value)}"' if value != "" or name == "class" else f" {name}")
    return "".join(parts)


# Elements whose content is text, not tags: the scan jumps to their end.
RAW_TEXT = frozenset(["script", "style", "textarea", "title", "xmp", "noembed", "noframes", "plaintext"])
# Written by the Markdown stage before an .element comment that directly follows a list (no blank line between):
# reveal.js then gives the attributes to the list's last item.
TIGHT_MARK = "<!--deckgen:tight-->"


def scan_tags(body: str) -> Iterator[re.Match[str]]:
    """Yield every comment, start tag and end tag of body in order, skipping the text of raw-text elements."""
    position = 0
    while True:
        tag = TAG.search(body, position)
        if tag is None:
            return
        yield tag
        position = tag.end()
        name = (tag["name"] or "").lower()
        if name in RAW_TEXT and not tag["close"]:
            end = re.compile(rf"</{name}\s*>", re.I).search(body, position)
            position = end.start() if end else len(body)


@dataclass
class _Element:
    tag: re.Match[str]
    name: str
    last_child: int | None = None  # the index of its last child element (not <br>) seen so far


def apply_comments(body: str, section: dict[str, str]) -> str:
    """Apply every attribute comment of a slide's HTML, removing it; slide attributes go into section.

    One pass over the tags, with reveal.js's targeting: an .element comment sets the attributes of the nearest
    element before it among its siblings (not a <br>), else of its parent; at the top of the slide, the section.
    Math is text when reveal.js applies comments, so a math span is never a target.
    """
    if "<!--" not in body:
        return body
    elements: list[_Element] = []
    stack: list[int] = []
    root = _Element(TAG.match("<section>"), "section")  # type: ignore[arg-type]
    edits: dict[int, dict[str, str]] = {}
    removed: list[tuple[int, int]] = []
    tight = False
    math_end = -1
    for tag in scan_tags(body):
        if tag.start() < math_end:
            continue
        name = tag["name"]
        if name is None:  # a comment
            text = tag.group(0)
            if text == TIGHT_MARK:
                removed.append(tag.span())
                tight = True
                continue
            comment = _COMMENT.fullmatch(text)
            if comment is not None:
                removed.append(tag.span())
                attrs = parse_attributes(comment["attrs"])
                if comment["kind"] == "slide":
                    merge_attributes(section, attrs)
                else:
                    parent = elements[stack[-1]] if stack else root
                    target = parent.last_child if parent.last_child is not None else (stack[-1] if stack else None)
                    if tight and target is not None and elements[target].name in ("ul", "ol"):
                        target = elements[target].last_child if elements[target].last_child is not None else target
                    if target is None:
                        merge_attributes(section, attrs)
                    else:
                        merge_attributes(edits.setdefault(target, {}), attrs)
            tight = False
            continue
        name = name.lower()
        if tag["close"]:
            if name in (elements[i].name for i in stack):
                while stack and elements[stack.pop()].name != name:
                    pass
            continue
        if name == "span" and "arithmatex" in tag["attrs"]:
            close = body.find("</span>", tag.end())
            math_end = close + len("</span>") if close >= 0 else len(body)
            continue
        index = len(elements)
        elements.append(_Element(tag, name))
        if name != "br":
            (elements[stack[-1]] if stack else root).last_child = index
        if name not in _VOID and not tag["attrs"].rstrip().endswith("/") and name not in RAW_TEXT:
            stack.append(index)
    return _rewrite(body, elements, edits, removed)


def _rewrite(body: str, elements: list[_Element], edits: dict[int, dict[str, str]],
             removed: list[tuple[int, int]]) -> str:
    changes = [(elements[i].tag.start(), elements[i].tag.end(), _start_tag(elements[i].tag, new))
               for i, new in edits.items()]
    changes += [(start, end, "") for start, end in removed]
    out, position = [], 0
    for start, end, text in sorted(changes):
        out.append(body[position:start])
        out.append(text)
        position = end
    out.append(body[position:])
    return "".join(out)


def _start_tag(tag: re.Match[str], new: dict[str, str]) -> str:
    raw = tag["attrs"]
    closing = raw.rstrip().endswith("/")
    attrs = parse_attributes(raw.rstrip().rstrip("/"))
    merge_attributes(attrs, new)
    return f"<{tag['name']}{format_attributes(attrs)}{' /' if closing else ''}>"


def add_class_to_tags(body: str, tag_name: str, class_name: str) -> str:
    """Add a class to every start tag of one element type (used for incremental lists)."""
    pattern = re.compile(rf"<{tag_name}(?P<attrs>(?:\s[^>]*)?)>")

    def add(match: re.Match[str]) -> str:
        attrs = parse_attributes(match["attrs"])
        merge_attributes(attrs, {"class": class_name})
        return f"<{tag_name}{format_attributes(attrs)}>"

    return pattern.sub(add, body)
