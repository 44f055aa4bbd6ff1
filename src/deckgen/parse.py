"""Turn one deck file into a Deck: front matter, options, slides split and rendered."""

from __future__ import annotations

import html
from pathlib import Path

from deckgen.config import SiteConfig, deck_options
from deckgen.deck import Deck, Slide
from deckgen.markdown_render import render
from deckgen.sources import load_deck_source
from deckgen.split import Separators, split_slides


def parse_deck(name: str, path: Path, site: SiteConfig) -> Deck:
    """Read, validate, split and render one deck."""
    source = load_deck_source(name, path)
    options = deck_options(source.front_matter, site)
    separators = Separators.from_options(options.separator, options.verticalSeparator, options.notesSeparator)
    texts = split_slides(source.body, source.body_line, separators, path)
    stacks: list[list[Slide]] = []
    for stack in texts:
        slides = []
        for text in stack:
            rendered = render(text, incremental=options.incremental)
            slides.append(Slide(dict(rendered.attrs), rendered.html, rendered.notes_html, text.line,
                                text.markdown, rendered.has_math, rendered.languages))
        stacks.append(slides)
    if options.titleSlide:
        stacks.insert(0, [_title_slide(options.title or name, options.subtitle, options.author, options.date)])
    if options.background:
        _apply_background(stacks, options.background)
    return Deck(name, path, options, stacks, source.body.split("\n"), source.body_line)


def _title_slide(title: str, subtitle: str, author: str, date: str) -> Slide:
    parts = [f"<h1>{html.escape(title)}</h1>"]
    if subtitle:
        parts.append(f'<p class="subtitle">{html.escape(subtitle)}</p>')
    byline = " · ".join(html.escape(v) for v in (author, date) if v)
    if byline:
        parts.append(f'<p class="byline"><small>{byline}</small></p>')
    return Slide({"class": "title-slide"}, "\n".join(parts), "", 1, "")


def _apply_background(stacks: list[list[Slide]], background: str) -> None:
    is_colour = background.startswith(("#", "rgb", "hsl")) or ("/" not in background and "." not in background)
    key = "data-background-color" if is_colour else "data-background-image"
    for stack in stacks:
        for slide in stack:
            if not any(name.startswith("data-background") for name in slide.attrs):
                slide.attrs[key] = background
