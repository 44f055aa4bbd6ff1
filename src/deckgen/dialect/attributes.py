"""reveal.js's attribute comments: <!-- .slide: ... --> and <!-- .element: ... --> applied to rendered HTML."""

from __future__ import annotations

import html
import re

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


_MATH_SPAN = re.compile(r'<span class="arithmatex">.*?</span>', re.S)


def apply_comments(body: str, section: dict[str, str]) -> str:
    """Apply every attribute comment of a slide's HTML, removing it; slide attributes go into section."""
    if "<!--" not in body:
        return body
    # In reveal-md math is still text when comments are applied: never let a comment target a math span.
    spans: list[str] = []

    def hide(match: re.Match[str]) -> str:
        spans.append(match.group(0))
        return f"\x00{len(spans) - 1}\x00"

    body = _MATH_SPAN.sub(hide, body)
    while True:
        matches = list(_COMMENT.finditer(body))
        if not matches:
            return re.sub("\x00(\\d+)\x00", lambda m: spans[int(m[1])], body) if spans else body
        comment = matches[-1]
        attrs = parse_attributes(comment["attrs"])
        body = body[: comment.start()] + body[comment.end() :]
        if comment["kind"] == "slide":
            merge_attributes(section, attrs)
            continue
        target = _previous_element(body, comment.start())
        if target is None:
            merge_attributes(section, attrs)
        else:
            body = _add_to_tag(body, target, attrs)


def _previous_element(body: str, position: int) -> re.Match[str] | None:
    # reveal.js's rule: the nearest preceding sibling element (not <br>), else the parent element.
    depth = 0
    for tag in reversed(list(TAG.finditer(body, 0, position))):
        name = tag["name"]
        if name is None:  # a comment
            continue
        name = name.lower()
        if tag["close"]:
            depth += 1
        elif name in _VOID or tag["attrs"].rstrip().endswith("/"):
            if depth == 0 and name != "br":
                return tag
        elif depth == 0:
            return tag  # the parent
        else:
            depth -= 1
            if depth == 0:
                return tag
    return None


def _add_to_tag(body: str, tag: re.Match[str], new: dict[str, str]) -> str:
    raw = tag["attrs"]
    closing = "/" if raw.rstrip().endswith("/") else ""
    attrs = parse_attributes(raw.rstrip().rstrip("/"))
    merge_attributes(attrs, new)
    start = f"<{tag['name']}{format_attributes(attrs)}{' /' if closing else ''}>"
    return body[: tag.start()] + start + body[tag.end() :]


def add_class_to_tags(body: str, tag_name: str, class_name: str) -> str:
    """Add a class to every start tag of one element type (used for incremental lists)."""
    pattern = re.compile(rf"<{tag_name}(?P<attrs>(?:\s[^>]*)?)>")

    def add(match: re.Match[str]) -> str:
        attrs = parse_attributes(match["attrs"])
        merge_attributes(attrs, {"class": class_name})
        return f"<{tag_name}{format_attributes(attrs)}>"

    return pattern.sub(add, body)
