"""Render one slide's Markdown to HTML at build time: the Markdown engine, then reveal.js's attribute comments."""

from __future__ import annotations

import os
import re
import textwrap
from dataclasses import dataclass

from deckgen.dialect.attributes import add_class_to_tags, apply_comments
from deckgen.dialect.balance import balance

# Math KaTeX typesets in the page: protected spans, and delimiters left as text (reveal-md's \\( idiom, raw HTML).
_MATH_TEXT = re.compile(r'class="arithmatex"|\\\(.+?\\\)|\\\[.+?\\\]|\$\$.+?\$\$', re.S)
# A ```mermaid fence, or an element of the author's with the class mermaid (reveal-md's and MkSlides' idiom).
_DIAGRAM = re.compile(r"""<[a-zA-Z][\w-]*\s[^>]*\bclass=(["']?)(?:[^"'>]*\s)?mermaid(?:[\s"'>])""")
# Languages left to highlight.js in the page: code not coloured at build time (no "hljs" class yet).
_FENCE_LANGUAGE = re.compile(r"^[ \t]*(?:`{3,}|~{3,})[ \t]*\{?\.?([\w#+.-]+)", re.M)
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
    body = apply_comments(to_html(markdown_text), attrs).strip("\n") if markdown_text.strip() else ""
    if "stretch" in body:
        body = _STRETCHED_IN_P.sub(r"\1", body)
    if incremental or "incremental" in attrs.get("class", "").split():
        body = add_class_to_tags(body, "li", "fragment")
    # reveal.js trims the notes: indented notes are a list, not a code block.
    notes_html = to_html(textwrap.dedent(notes).strip()).rstrip("\n") if notes and notes.strip() else ""
    if notes_html:
        notes_html = apply_comments(notes_html, {})
    has_math = any(_MATH_TEXT.search(text) for text in (body, notes_html))
    languages = frozenset(_LANG_CLASS.findall(body))
    slide, notes = balance(body), balance(notes_html)
    body, notes_html = slide.html, notes.html
    problems = slide.errors + tuple(f"in the notes, {p}" for p in notes.errors)
    repaired = slide.repaired + tuple(f"in the notes, {p}" for p in notes.repaired)
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


def render_many(keys: list[SlideKey]) -> list[RenderedSlide]:
    """Render many slides, from the cache when their source is unchanged, on every core when many are new."""
    missing = list(dict.fromkeys(key for key in keys if key not in _CACHE))
    if missing:
        if len(_CACHE) + len(missing) > _CACHE_LIMIT:
            _CACHE.clear()
        workers = min(os.cpu_count() or 1, 8)
        if len(missing) >= PARALLEL_THRESHOLD and workers > 1:
            results = _render_in_workers(missing, workers)
        else:
            results = [render_slide(*key) for key in missing]
        _CACHE.update(zip(missing, results, strict=True))
    return [_CACHE[key] for key in keys]


def _render_chunk(keys: list[SlideKey]) -> list[RenderedSlide]:
    return [render_slide(*key) for key in keys]


def _ignore_interrupts() -> None:
    """In a worker: Ctrl-C is the parent's to handle (no KeyboardInterrupt traceback from each worker)."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _render_in_workers(keys: list[SlideKey], workers: int) -> list[RenderedSlide]:
    import multiprocessing

    to_html("")  # build the Markdown instance once, before the workers are forked from this process
    from deckgen.dialect.highlight import prepare

    prepare({m for key in keys for m in _FENCE_LANGUAGE.findall(key[0])})  # and the code lexers, loaded once
    size = -(-len(keys) // workers)
    chunks = [keys[i : i + size] for i in range(0, len(keys), size)]
    context = multiprocessing.get_context("fork")
    with context.Pool(len(chunks) - 1, initializer=_ignore_interrupts) as pool:
        pending = pool.map_async(_render_chunk, chunks[1:])
        first = _render_chunk(chunks[0])  # this process takes a share too
        rest = pending.get()
    return first + [slide for chunk in rest for slide in chunk]
