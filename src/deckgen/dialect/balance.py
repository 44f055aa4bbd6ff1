"""Keep each slide's HTML inside its slide: every slide is written into one page, so an element left open would
swallow the slides after it (or, for formatting elements, be re-opened by the browser in each of them), and a stray
closing tag would end `.slides` early.

reveal.js's markdown plugin sets each slide with `innerHTML`, which closes what a slide left open at its end and
ignores closing tags it never opened. deckgen does the same at build time, with a warning naming the slide, so
decks look as their authors saw them. What cannot be repaired that way, a raw-text element (`<script>`, `<style>`,
`<textarea>`, ...) or an HTML comment that never ends and hides the rest of the slide, is an error.
"""

from __future__ import annotations

from dataclasses import dataclass

from deckgen.dialect.attributes import _VOID, RAW_TEXT, scan_tags

# A closing tag for one of these that the slide did not open would close the page's own elements.
_ESCAPING = frozenset(["div", "section", "body", "html", "main", "article", "aside"])
# Closed only by the end of another element, these stay active and the browser re-opens them later.
_FORMATTING = frozenset(["a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u"])
# Left open, these end silently with their parent: nothing to repair or report.
_OPTIONAL_END = frozenset(["p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot", "option", "optgroup",
                           "colgroup", "caption", "rb", "rt", "rtc", "rp"])


@dataclass(frozen=True)
class Balanced:
    """A slide's HTML made safe to place among other slides, with what was repaired and what cannot be."""

    html: str
    repaired: tuple[str, ...] = ()
    errors: tuple[str, ...] = ()


def balance(html: str) -> Balanced:
    """Close what the slide leaves open and drop stray closing tags, as reveal.js's innerHTML does."""
    if "<" not in html:
        return Balanced(html)
    errors: list[str] = []
    if html.count("<!--") > html.count("-->"):
        errors.append("an HTML comment <!-- is never closed by --> (it hides the rest of the slide)")
    repaired: list[str] = []
    stack: list[str] = []
    carried: list[str] = []  # formatting elements closed only implicitly
    strays: list[tuple[int, int]] = []
    for tag in scan_tags(html):
        name = tag["name"]
        if name is None:
            continue
        name = name.lower()
        if tag["close"]:
            if name in stack:
                while (popped := stack.pop()) != name:
                    if popped in _FORMATTING:
                        carried.append(popped)
            elif name in carried:  # the browser's adoption agency ends a formatting element carried along
                carried.reverse()
                carried.remove(name)
                carried.reverse()
            elif name in _ESCAPING:
                strays.append(tag.span())
                repaired.append(f"</{name}> closes an element the slide never opened: left out")
            continue
        if name in _VOID or tag["attrs"].rstrip().endswith("/"):
            continue
        if name in RAW_TEXT:
            if f"</{name}" not in html[tag.end() :].lower():
                errors.append(f"<{name}> is never closed by </{name}> (the rest of the slide would be its text)")
            continue
        stack.append(name)
    unclosed = [name for name in reversed(stack) if name not in _OPTIONAL_END] + carried
    if not unclosed and not strays:
        return Balanced(html, (), tuple(errors))
    repaired += [f"<{name}> is never closed: closed at the end of the slide" for name in dict.fromkeys(unclosed)]
    for start, end in reversed(strays):
        html = html[:start] + html[end:]
    closers = "".join(f"</{name}>" for name in reversed(stack)) + "".join(f"</{name}>" for name in carried)
    return Balanced(html + closers, tuple(repaired), tuple(errors))
