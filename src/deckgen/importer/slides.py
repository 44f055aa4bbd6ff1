"""The slides of a page: every <section> in order, nested sections as vertical stacks; markdown sections split as
reveal.js's markdown plugin splits them, HTML sections kept as HTML."""

from __future__ import annotations

import html
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from deckgen.errors import Location
from deckgen.importer.htmltree import Element, ImportError_, inner_source
from deckgen.importer.markdown_slides import (
    NOTES_V4,
    NOTES_V5,
    SEPARATOR_V3,
    SEPARATOR_V4,
    MarkdownSlide,
    slidify,
    template_text,
    textarea_content,
)
from deckgen.importer.page import Page
from deckgen.importer.report import DeckReport

# Attributes the markdown plugin reads and does not pass on to the slides it makes.
_MARKDOWN_ATTRS = re.compile(r"data-(?:markdown|separator|vertical|notes|charset)", re.I)
_MATH_SCRIPT = re.compile(r"<script\s+type=([\"'])math/tex(?P<display>;\s*mode=display)?\1\s*>(?P<tex>.*?)</script>",
                          re.S | re.I)


@dataclass
class ImportedSlide:
    """One slide: its <section>'s attributes, its content (Markdown or HTML) and notes, its line in the page."""

    attrs: dict[str, str]
    content: str
    notes: str | None
    line: int
    kind: str  # "markdown" or "html"
    base: Path | None = None  # folder its file references are relative to (an external Markdown file's page)
    classes_added: list[str] = field(default_factory=list)


Stack = list[ImportedSlide]


def read_slides(page: Page, setup_version: int, report: DeckReport, *, project: Path) -> list[Stack]:
    """Every slide of the page, in reading order, as stacks of vertical slides."""
    assert page.slides is not None
    stacks: list[Stack] = []
    notes = NOTES_V5 if setup_version == 5 else NOTES_V4
    default = SEPARATOR_V3 if setup_version == 3 else SEPARATOR_V4
    for child in page.slides.children:
        if child.tag != "section":
            report.leave(child.line, f"<{child.tag}> inside .slides beside the slides (reveal.js shows it on every "
                                     "slide; put it in a template or the theme)")
            continue
        inner = [c for c in child.children if c.tag == "section"]
        if inner and "data-markdown" not in child.attrs:
            own = {k: v for k, v in child.attrs.items() if k != "id"}
            if own:
                report.leave(child.line, "attributes of a vertical stack's outer <section> "
                                         f"({', '.join(own)}): deckgen sets attributes per slide")
            stack: Stack = []
            for section in inner:
                for part in _section(page, section, (default, notes), report, project):
                    stack.extend(part)
            stacks.append(stack)
        else:
            stacks.extend(_section(page, child, (default, notes), report, project))
    return [stack for stack in stacks if stack]


def _section(page: Page, section: Element, defaults: tuple[str, str], report: DeckReport, project: Path
             ) -> list[Stack]:
    if "data-markdown" in section.attrs:
        return _markdown_section(page, section, defaults, report, project)
    nested = [c for c in section.children if c.tag == "section"]
    if nested:
        report.leave(section.line, "sections nested more than two levels deep: kept as HTML in one slide")
    content = _code_templates(_math_scripts(inner_source(page.source, section), report, section.line), report)
    return [[ImportedSlide(dict(section.attrs), content, None, section.line, "html")]]


_CODE_TEMPLATE = re.compile(r"(<code\b[^>]*>)\s*<script\s+type=([\"'])text/template\2\s*>(?P<code>.*?)</script>\s*(</code>)",
                            re.S | re.I)


def _code_templates(content: str, report: DeckReport) -> str:
    """<code><script type="text/template"> (code written unescaped, which reveal.js's highlight plugin escapes)
    as escaped code, so that the slide's HTML stays plain HTML."""
    if "text/template" not in content:
        return content

    def escaped(match: re.Match[str]) -> str:
        report.translate("code in <script type=\"text/template\"> written as escaped code")
        return match.group(1) + html.escape(match["code"], quote=False) + match.group(4)

    return _CODE_TEMPLATE.sub(escaped, content)


def _math_scripts(content: str, report: DeckReport, line: int) -> str:
    """MathJax's <script type="math/tex"> as the delimiters KaTeX finds."""
    if "math/tex" not in content:
        return content

    def tex(match: re.Match[str]) -> str:
        report.translate("MathJax <script type=\"math/tex\"> as \\( \\) and \\[ \\] math")
        body = match["tex"]
        return f"\\[{body}\\]" if match["display"] else f"\\({body}\\)"

    return _MATH_SCRIPT.sub(tex, content)


def _markdown_section(page: Page, section: Element, defaults: tuple[str, str], report: DeckReport, project: Path
                      ) -> list[Stack]:
    attrs = {k: v for k, v in section.attrs.items() if not _MARKDOWN_ATTRS.match(k)}
    separator = section.attrs.get("data-separator", "") or defaults[0]
    vertical = section.attrs.get("data-separator-vertical", "") or None
    notes = section.attrs.get("data-separator-notes", "") or defaults[1]
    external = section.attrs.get("data-markdown", "")
    base: Path | None = None
    if external:
        text, base = _external(page, external, section.line, project)
        stacks = slidify(text, separator, vertical, notes)
        report.translate(f"external Markdown {external}")
    else:
        template = next((e for e in section.iter()[1:] if "data-template" in e.attrs or e.tag == "script"), None)
        raw = inner_source(page.source, template) if template is not None else _text_content(page, section)
        text = template_text(textarea_content(raw) if template is not None and template.tag == "textarea" else raw)
        stacks = slidify(text, separator, vertical, notes)
    line = section.line
    imported = [[_slide(attrs, s, line, base) for s in stack] for stack in stacks]
    notes = section.attrs.get("data-notes")
    if notes and len(imported) == 1 and len(imported[0]) == 1 and not imported[0][0].notes:
        # A Markdown section that stays one slide keeps its own attributes in reveal.js: data-notes among them.
        imported[0][0].notes = notes
        report.translate("data-notes of a Markdown section as its notes")
    return imported


def _slide(attrs: dict[str, str], slide: MarkdownSlide, line: int, base: Path | None) -> ImportedSlide:
    return ImportedSlide(dict(attrs), slide.markdown, slide.notes, line, "markdown", base)


def _external(page: Page, name: str, line: int, project: Path) -> tuple[str, Path]:
    target = Path(os.path.normpath(page.path.parent / name.split("#")[0]))
    where = Location(page.path, line)
    if not (target.is_relative_to(project) or target.is_relative_to(page.path.parent.resolve())):
        raise ImportError_(f"external Markdown {name!r} is outside the project; deckgen never reads it: copy it "
                           "into the project; nothing was written for this deck", where)
    try:
        return target.read_bytes().decode("utf-8-sig").replace("\r\n", "\n"), page.path.parent
    except FileNotFoundError:
        raise ImportError_(f"external Markdown {name!r} does not exist; nothing was written for this deck",
                           where) from None
    except UnicodeDecodeError:
        raise ImportError_(f"external Markdown {name!r} is not UTF-8 text; nothing was written for this deck",
                           where) from None


def _text_content(page: Page, element: Element) -> str:
    return html.unescape(re.sub(r"<[^>]*>", "", inner_source(page.source, element)))


def apply_to_slides(stacks: list[Stack], change: Callable[[ImportedSlide], None]) -> None:
    """Change every slide in place."""
    for stack in stacks:
        for slide in stack:
            change(slide)
