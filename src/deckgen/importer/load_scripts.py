"""Load-time scripts: the small scripts decks run to adjust themselves, translated into deckgen features.

Recognised idioms (jQuery or DOM): fragments on the list items of slides with a class (or of every slide), line
numbers on all code, links opened in a new tab, elements or slides with a class removed (always, or when the page
is not on localhost: a profile), a default background on every slide. A script that does anything else is kept.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_SEL = r"""(?P<q>['"])(?P<sel>[^'"]+)(?P=q)"""
_JQUERY = re.compile(r"(?:\$|jQuery)\(\s*" + _SEL + r"""\s*\)\s*\.\s*(?P<method>addClass|attr|prop|remove|removeClass|"""
                     r"""detach)\(\s*(?P<args>[^()]*)\)\s*;?""")
_FOREACH = re.compile(
    r"(?:Array\.from\(\s*)?(?:document|Reveal\.getRevealElement\(\))\.querySelectorAll\(\s*" + _SEL
    + r"\s*\)\s*\)?\s*\.forEach\(\s*(?:function\s*\(\s*(?P<var>\w+)[^)]*\)\s*\{|\(?\s*(?P<var2>\w+)\s*\)?\s*=>\s*\{?)"
    r"(?P<body>(?:[^{}()]|\([^()]*\))*?)\}?\s*\)\s*;?(?=[ \t]*(?:$|//|\}|\)))", re.M)
_FOR_OF = re.compile(r"for\s*\(\s*(?:const|let|var)\s+(?P<var>\w+)\s+of\s+document\.querySelectorAll\(\s*" + _SEL
                     + r"\s*\)\s*\)\s*\{?(?P<body>[^{}]*?)\}?\s*(?=\n|$)")
_NOT_LOCAL = re.compile(
    r"if\s*\(\s*(?:(?:window\.)?(?:document\.)?location\.(?:hostname|host)\s*!==?\s*['\"](?:localhost|127\.0\.0\.1)"
    r"['\"]|!\s*(?:window\.)?(?:document\.)?location\.(?:hostname|host|href)\.(?:includes|startsWith)\(\s*['\"]"
    r"(?:localhost|127\.0\.0\.1)['\"]\s*\)|(?:window\.)?(?:document\.)?location\.(?:hostname|host|href)\.indexOf\("
    r"\s*['\"](?:localhost|127\.0\.0\.1)['\"]\s*\)\s*(?:<\s*0|===?\s*-1))\s*\)\s*\{(?P<body>[^{}]*(?:\{[^{}]*\}"
    r"[^{}]*)*)\}")
_WRAPPERS = re.compile(
    r"(?:\$\(\s*document\s*\)\.ready\(|\$\(|jQuery\(|(?:document|window)\.addEventListener\(\s*['\"]"
    r"(?:DOMContentLoaded|load)['\"]\s*,|Reveal\.(?:addEventListener|on)\(\s*['\"]ready['\"]\s*,)\s*"
    r"(?:function\s*\w*\s*\([^)]*\)|\(?[\w$,\s]*\)?\s*=>)\s*\{|\(\s*function\s*\(\s*\)\s*\{|^\s*['\"]use strict['\"];?",
    re.M)
_COMMENTS = re.compile(r"//[^\n]*|/\*.*?\*/", re.S)


@dataclass
class Effects:
    """What recognised scripts did, as deckgen features."""

    incremental_all: bool = False
    incremental_classes: list[str] = field(default_factory=list)
    line_numbers: bool = False
    links_new_tab: bool = False
    hide: list[str] = field(default_factory=list)  # always removed: the deck's hide:
    public_hide: list[str] = field(default_factory=list)  # removed off localhost: a profile's hide:
    public_no_fragments: bool = False
    background: str | None = None
    done: list[str] = field(default_factory=list)  # what was translated, in words


_PRINT_CSS = re.compile(r"var\s+link\s*=\s*document\.createElement\(\s*['\"]link['\"]\s*\);.*?print-pdf.*?"
                        r"appendChild\(\s*link\s*\)\s*;?", re.S)


def translate(code: str, effects: Effects) -> bool:
    """Record the idioms of one inline script in effects; return whether nothing else is left in it."""
    rest = _COMMENTS.sub("", code)
    if _PRINT_CSS.search(rest):  # reveal.js 3's print stylesheet loader: deckgen's page prints by itself
        rest = _PRINT_CSS.sub("", rest)
        effects.done.append("reveal.js 3's print stylesheet loader (deckgen's page prints by itself)")
    rest = _NOT_LOCAL.sub(lambda m: "" if _statements(m["body"], effects, public=True) else m.group(0), rest)
    rest = _statements_removed(rest, effects, public=False)
    rest = _WRAPPERS.sub("", rest)
    return not re.sub(r"[\s;(){}]", "", rest)


def _statements(body: str, effects: Effects, *, public: bool) -> bool:
    return not re.sub(r"[\s;]", "", _statements_removed(_COMMENTS.sub("", body), effects, public=public))


def _statements_removed(text: str, effects: Effects, *, public: bool) -> str:
    def jquery(match: re.Match[str]) -> str:
        args = [a.strip().strip("'\"") for a in match["args"].split(",")] if match["args"].strip() else []
        action = {"addClass": "add", "removeClass": "remove-class", "remove": "remove", "detach": "remove"}.get(
            match["method"], "set")
        return "" if _apply(match["sel"], action, args, effects, public=public) else match.group(0)

    def dom(match: re.Match[str]) -> str:
        var = match.groupdict().get("var") or match.groupdict().get("var2") or ""
        body = _COMMENTS.sub("", match["body"]).strip().rstrip(";").strip()
        for statement in [s.strip() for s in re.split(r";\s*|\n", body) if s.strip()]:
            parsed = _dom_statement(var, statement)
            if parsed is None or not _apply(match["sel"], parsed[0], parsed[1], effects, public=public):
                return match.group(0)
        return ""

    text = _JQUERY.sub(jquery, text)
    text = _FOREACH.sub(dom, text)
    return _FOR_OF.sub(dom, text)


def _dom_statement(var: str, statement: str) -> tuple[str, list[str]] | None:
    v = re.escape(var)
    statement = re.sub(rf"^if\s*\(\s*!\s*{v}\.hasAttribute\([^)]*\)\s*\)\s*", "", statement)
    patterns = [
        (rf"{v}\.classList\.add\(\s*['\"]([\w-]+)['\"]\s*\)", "add"),
        (rf"{v}\.classList\.remove\(\s*['\"]([\w-]+)['\"]\s*\)", "remove-class"),
        (rf"{v}\.setAttribute\(\s*['\"]([\w-]+)['\"]\s*,\s*['\"]([^'\"]*)['\"]\s*\)", "set"),
        (rf"{v}\.(target|className)\s*=\s*['\"]([^'\"]*)['\"]", "set"),
        (rf"{v}\.(?:remove\(\)|parentNode\.removeChild\(\s*{v}\s*\))", "remove"),
    ]
    for pattern, action in patterns:
        match = re.fullmatch(pattern, statement)
        if match:
            return action, list(match.groups())
    return None


def _apply(selector: str, action: str, args: list[str], effects: Effects, *, public: bool) -> bool:
    """Record one selector's change; False when it is not an idiom deckgen translates."""
    parts = selector.replace(">", " ").split()
    last = parts[-1] if parts else ""
    classes = [c for part in parts[:-1] for c in re.findall(r"\.([\w-]+)", part) if c not in ("reveal", "slides")]
    if action == "add" and args == ["fragment"] and re.fullmatch(r"li|ul\s*li|ol\s*li", last):
        if public:
            return False
        if classes:
            effects.incremental_classes += [c for c in classes if c not in effects.incremental_classes]
            effects.done.append(f"fragments on the list items of slides of class {', '.join(classes)} "
                                "(class incremental)")
        else:
            effects.incremental_all = True
            effects.done.append("fragments on every list item (incremental: true)")
        return True
    if "code" in last and not public and (
            (action == "add" and args == ["line-numbers"]) or (action == "set" and args[:1] == ["data-line-numbers"])):
        effects.line_numbers = True
        effects.done.append("line numbers on all code")
        return True
    if re.fullmatch(r"a(?:\[[^\]]*\])?", last) and action == "set" and args[:2] == ["target", "_blank"] \
            and not public:
        effects.links_new_tab = True
        effects.done.append("links opened in a new tab")
        return True
    if action == "remove" and (own := re.findall(r"\.([\w-]+)", last)):
        target = effects.public_hide if public else effects.hide
        target += [c for c in own if c not in target]
        effects.done.append(f"elements of class {', '.join(own)} removed"
                            + (" off localhost (a profile's hide:)" if public else " (hide:)"))
        return True
    if action == "remove-class" and args == ["fragment"] and public:
        effects.public_no_fragments = True
        effects.done.append("fragments shown at once off localhost (a profile's fragments: false)")
        return True
    if action == "set" and re.fullmatch(r"section", last) and len(args) == 2 \
            and args[0] in ("data-background", "data-background-color", "data-background-image") and not public:
        effects.background = args[1]
        effects.done.append(f"a default background on every slide (background: {args[1]})")
        return True
    return False
