"""Render one slide's Markdown to HTML at build time: the Markdown engine, then reveal.js's attribute comments."""

from __future__ import annotations

import os
import re
import textwrap
from collections.abc import Callable
from dataclasses import dataclass

from deckgen.dialect.attributes import add_class_to_tags, apply_comments
from deckgen.dialect.balance import Balanced, balance
from deckgen.dialect.separators import FENCE_LINE

# Math KaTeX typesets in the page: protected spans, and delimiters left as text (reveal-md's \\( idiom, raw HTML).
_MATH_TEXT = re.compile(r'class="arithmatex"|\\\(.+?\\\)|\\\[.+?\\\]|\$\$.+?\$\$', re.S)
# A ```mermaid fence, or an element of the author's with the class mermaid (reveal-md's and MkSlides' idiom).
_DIAGRAM = re.compile(r"""<[a-zA-Z][\w-]*\s[^>]*\bclass=(["']?)(?:[^"'>]*\s)?mermaid(?:[\s"'>])""")
# Languages left to highlight.js in the page: code not coloured at build time (no "hljs" class yet).
_LANG_CLASS = re.compile(r'<code class="(?![^"]*\bhljs\b)[^"]*\blanguage-([\w#+.-]+)')
# reveal.js stretches only direct children of a slide: lift a lone stretched image out of its paragraph.
_STRETCHED_IN_P = re.compile(r'<p>\s*(<(?:img|video|iframe)\b[^>]*\b(?:r-)?stretch\b[^>]*>(?:</(?:video|iframe)>)?)\s*</p>')


@dataclass(frozen=True)
class RenderedSlide:
    """The HTML of a slide, the attributes of its <section>, what it needs from the page, and what is wrong."""

    attrs: dict[str, str]
    html: str
    notes_html: str
    has_math: bool
    languages: frozenset[str]
    has_diagram: bool = False
    problems: tuple[str, ...] = ()  # HTML that would break the page and cannot be repaired: errors
    repaired: tuple[str, ...] = ()  # unclosed or stray tags closed or dropped as reveal.js does: warnings


SlideKey = tuple[str, "str | None", bool]  # (markdown, notes, incremental)
_CACHE: dict[SlideKey, RenderedSlide] = {}
_CACHE_LIMIT = 50_000
# Below this many slides to render, one process is faster than starting workers.
PARALLEL_THRESHOLD = 400


def to_html(text: str) -> str:
    """Convert Markdown to HTML with the dialect's plugins (the engine is loaded on first use)."""
    from deckgen.dialect.markdown import to_html as convert

    return convert(text)


def render_slide(markdown_text: str, notes: str | None, incremental: bool) -> RenderedSlide:
    """Render a slide's Markdown and notes; cached by source and options so unchanged slides cost nothing."""
    attrs: dict[str, str] = {}
    body = to_html(markdown_text) if markdown_text.strip() else ""
    # Without a "<" in its source, a slide has neither attribute comments nor HTML of the author's, and the HTML
    # the Markdown engine writes is balanced: most slides skip the two scans of their tags.
    raw = "<" in markdown_text
    if raw:
        body = apply_comments(body, attrs)
    body = body.strip("\n")
    if "stretch" in body:
        body = _STRETCHED_IN_P.sub(r"\1", body)
    if incremental or "incremental" in attrs.get("class", "").split():
        body = add_class_to_tags(body, "li", "fragment")
    # reveal.js trims the notes: indented notes are a list, not a code block.
    notes_html = to_html(textwrap.dedent(notes).strip()).rstrip("\n") if notes and notes.strip() else ""
    notes_raw = notes is not None and "<" in notes
    if notes_html and notes_raw:
        notes_html = apply_comments(notes_html, {})
    has_math = any(_MATH_TEXT.search(text) for text in (body, notes_html))
    languages = frozenset(_LANG_CLASS.findall(body))
    slide = balance(body) if raw else Balanced(body)
    notes_balanced = balance(notes_html) if notes_raw else Balanced(notes_html)
    body, notes_html = slide.html, notes_balanced.html
    problems = slide.errors + tuple(f"in the notes, {p}" for p in notes_balanced.errors)
    repaired = slide.repaired + tuple(f"in the notes, {p}" for p in notes_balanced.repaired)
    has_diagram = "mermaid" in body and _DIAGRAM.search(body) is not None
    return RenderedSlide(attrs, body, notes_html, has_math, languages, has_diagram, problems, repaired)


def kept_count() -> int:
    """How many rendered slides this process keeps."""
    return len(_CACHE)


def keep_only(keys: set[SlideKey]) -> None:
    """Forget the rendered slides kept in this process but those of keys (a long editing session stays bounded)."""
    for key in [k for k in _CACHE if k not in keys]:
        del _CACHE[key]


def remember(slides: dict[SlideKey, RenderedSlide]) -> None:
    """Take slides rendered before (the persistent cache's) as if rendered in this process."""
    if len(_CACHE) + len(slides) > _CACHE_LIMIT:
        _CACHE.clear()
    _CACHE.update(slides)


def render_many(keys: list[SlideKey], *, meanwhile: Callable[[], object] | None = None) -> list[RenderedSlide]:
    """Render many slides, from the cache when their source is unchanged, on every core when many are new.

    meanwhile: work for this process while the workers render, if workers are started (the next stage's imports).
    """
    missing = list(dict.fromkeys(key for key in keys if key not in _CACHE))
    if missing:
        if len(_CACHE) + len(missing) > _CACHE_LIMIT:
            _CACHE.clear()
        workers = min(os.cpu_count() or 1, 8) if hasattr(os, "fork") else 1  # Windows: no fork, one process
        if len(missing) >= PARALLEL_THRESHOLD and workers > 1:
            _CACHE.update(_render_in_workers(missing, workers, meanwhile))
        else:
            _CACHE.update((key, render_slide(*key)) for key in missing)
    return [_CACHE[key] for key in keys]


def _render_chunk(keys: list[SlideKey]) -> list[RenderedSlide]:
    return [render_slide(*key) for key in keys]


def _render_in_workers(
    keys: list[SlideKey], workers: int, meanwhile: Callable[[], object] | None
) -> dict[SlideKey, RenderedSlide]:
    from deckgen.dialect.forked import map_forked

    to_html("")  # build the Markdown instance once, before the workers are forked from this process
    # Slides with code to colour need a lexer (Pygments compiles one in about 20 ms): their tasks go to the
    # workers first, so this process rarely loads one.
    plain: list[SlideKey] = []
    coloured: list[SlideKey] = []
    for key in keys:
        (coloured if _has_named_fence(key[0]) or _has_named_fence(key[1]) else plain).append(key)
    # Small tasks, so that every process is busy until the end; few enough that a task's cost is nothing.
    size = max(8, len(keys) // (workers * 16))
    tasks = [group[i : i + size] for group in (plain, coloured) for i in range(0, len(group), size)]
    heavy = [index >= -(-len(plain) // size) for index in range(len(tasks))]
    done = map_forked(_render_chunk, tasks, workers, heavy=heavy, meanwhile=meanwhile)
    return {key: slide for task, slides in zip(tasks, done, strict=True) for key, slide in zip(task, slides, strict=True)}


def _has_named_fence(text: str | None) -> bool:
    """Whether text has a code fence with an info string (a language to colour with a lexer)."""
    return bool(text) and any(match["info"].strip() for match in FENCE_LINE.finditer(text))
