"""Variants of a deck, made at build time: slides and elements with a hidden class left out of the HTML (not
merely made invisible), and fragments turned off (their content shown at once, code steps dropped)."""

from __future__ import annotations

import re

from deckgen.dialect.attributes import _VOID, RAW_TEXT, format_attributes, parse_attributes, scan_tags

_CLASS = re.compile(r"""\bclass\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.I)
_FRAGMENT_ATTRS = ("data-fragment-index",)


def classes_of(attrs: dict[str, str]) -> set[str]:
    """The class names of an element's attributes."""
    return set(attrs.get("class", "").split())


def without_hidden(html: str, hidden: frozenset[str]) -> str:
    """Leave out every element whose class is one of hidden, with all it contains."""
    if not hidden or not any(name in html for name in hidden):
        return html
    out: list[str] = []
    position = 0
    cut_from: int | None = None  # where the hidden element being skipped starts
    depth = 0  # open elements inside it
    for tag in scan_tags(html):
        name = (tag["name"] or "").lower()
        if not name:
            continue
        void = name in _VOID or tag["attrs"].rstrip().endswith("/")
        if cut_from is not None:
            if tag["close"]:
                depth -= 1
                if depth == 0:
                    position = tag.end()
                    cut_from = None
            elif not void and name not in RAW_TEXT:
                depth += 1
            continue
        if tag["close"] or not _has_class(tag["attrs"], hidden):
            continue
        out.append(html[position : tag.start()])
        if void:
            position = tag.end()
        elif name in RAW_TEXT:
            end = html.lower().find(f"</{name}", tag.end())
            close = html.find(">", end) if end >= 0 else -1
            position = close + 1 if close >= 0 else len(html)
        else:
            cut_from, depth = tag.start(), 1
    if cut_from is not None:
        position = len(html)  # never closed: the rest of the slide was inside it
    out.append(html[position:])
    return "".join(out)


def _has_class(attrs: str, hidden: frozenset[str]) -> bool:
    match = _CLASS.search(attrs)
    if match is None:
        return False
    value = next(group for group in match.groups() if group is not None)
    return not hidden.isdisjoint(value.split())


def without_fragments(html: str) -> str:
    """Show every fragment at once: the fragment class and its index go; code line steps become plain numbers."""
    if "fragment" not in html and "|" not in html:
        return html
    out: list[str] = []
    position = 0
    for tag in scan_tags(html):
        if not tag["name"] or tag["close"] or not tag["attrs"]:
            continue
        raw = tag["attrs"]
        if "fragment" not in raw and "data-line-numbers" not in raw:
            continue
        closing = raw.rstrip().endswith("/")
        attrs = parse_attributes(raw.rstrip().rstrip("/"))
        changed = False
        classes = attrs.get("class", "").split()
        if "fragment" in classes:
            kept = [c for c in classes if c != "fragment"]
            if kept:
                attrs["class"] = " ".join(kept)
            else:
                del attrs["class"]
            changed = True
        for name in _FRAGMENT_ATTRS:
            if name in attrs:
                del attrs[name]
                changed = True
        if "|" in attrs.get("data-line-numbers", ""):
            attrs["data-line-numbers"] = ""  # numbered, no steps
            changed = True
        if changed:
            out += [html[position : tag.start()], f"<{tag['name']}{format_attributes(attrs)}{' /' if closing else ''}>"]
            position = tag.end()
    out.append(html[position:])
    return "".join(out)
