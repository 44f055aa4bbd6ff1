"""Turn deck files into Decks: read and validate, split into slides, render every slide, assemble."""

from __future__ import annotations

import html
import logging
from collections.abc import Callable
from dataclasses import dataclass
from itertools import islice
from pathlib import Path

from deckgen.config.options import DeckOptions, SiteConfig, deck_options
from deckgen.dialect.deck import Deck, Slide
from deckgen.dialect.includes import Expanded, expand
from deckgen.dialect.render import RenderedSlide, SlideKey, remember, render_many
from deckgen.dialect.source import DeckSource, load_deck_source
from deckgen.dialect.split import Separators, SlideText, split_slides
from deckgen.dialect.variants import classes_of, without_fragments, without_hidden
from deckgen.errors import DeckError, warn_once

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class SplitDeck:
    """A deck read, validated and cut into slides, not yet rendered."""

    source: DeckSource
    options: DeckOptions
    texts: list[list[SlideText]]  # lines counted in expanded.text
    expanded: Expanded

    def slide_keys(self) -> list[SlideKey]:
        """What each slide's rendering depends on, in reading order."""
        incremental = self.options.incremental and self.options.fragments
        return [(t.markdown, t.notes, incremental) for stack in self.texts for t in stack]


def split_deck(name: str, path: Path, site: SiteConfig) -> SplitDeck:
    """Read a deck, validate its options and split it into slides."""
    source = load_deck_source(name, path)
    options = deck_options(source.front_matter, site)
    separators = Separators.from_options(options.separator, options.verticalSeparator, options.notesSeparator)
    regex_at = next((options.locations[k] for k in ("separator", "verticalSeparator", "notesSeparator")
                     if k in options.locations), None)
    expanded = expand(source.body, path, source.body_line, site.project or path.parent)
    texts = split_slides(expanded.text, 1, separators, path, regex_at=regex_at, locate=expanded.origin)
    return SplitDeck(source, options, texts, expanded)


def render_decks(
    split: list[SplitDeck], *, persistent: bool = False, meanwhile: Callable[[], object] | None = None
) -> tuple[list[Deck], list[DeckError]]:
    """Render the slides of every deck (in parallel when there are many) and assemble the decks.

    A deck with a slide whose HTML would break the page is not assembled: its errors are returned instead.
    persistent: take the slides kept by earlier builds from the user's cache, and keep the new ones there.
    meanwhile: the caller's work for this process while render workers run, if they do (see render_many).
    """
    kept = _load_kept(split) if persistent else []
    keys = [deck.slide_keys() for deck in split]
    rendered = iter(render_many([key for deck_keys in keys for key in deck_keys], meanwhile=meanwhile))
    per_deck = [list(islice(rendered, len(deck_keys))) for deck_keys in keys]
    if persistent:
        _keep(split, keys, per_deck, kept)
    decks: list[Deck] = []
    errors: list[DeckError] = []
    for deck, slides in zip(split, per_deck, strict=True):
        problems = _problems(deck, slides)
        if problems:
            errors += problems
        else:
            decks.append(assemble_deck(deck, slides))
    return decks, errors


def _load_kept(split: list[SplitDeck]) -> list[dict[SlideKey, RenderedSlide]]:
    from deckgen.dialect import render_cache

    kept = [render_cache.load(deck.source.path) for deck in split]
    for slides in kept:
        remember(slides)
    return kept


def _keep(split: list[SplitDeck], keys: list[list[SlideKey]], rendered: list[list[RenderedSlide]],
          kept: list[dict[SlideKey, RenderedSlide]]) -> None:
    from deckgen.dialect import render_cache

    changed = False
    for deck, deck_keys, slides, before in zip(split, keys, rendered, kept, strict=True):
        current = dict(zip(deck_keys, slides, strict=True))
        if current.keys() != before.keys():
            render_cache.save(deck.source.path, current)
            changed = True
    if changed:
        render_cache.prune()


def _problems(split: SplitDeck, rendered: list[RenderedSlide]) -> list[DeckError]:
    """Log the repairs of every slide's HTML; return the errors of those that cannot be repaired."""
    errors: list[DeckError] = []
    texts = [text for stack in split.texts for text in stack]
    for text, slide in zip(texts, rendered, strict=True):
        if not slide.repaired and not slide.problems:
            continue
        # Name the slide's first line with text, not the blank line after its separator.
        where = split.expanded.origin(_first_text_line(text))
        for repair in slide.repaired:
            warn_once(log, where, repair)
        errors += [DeckError(f"this slide's HTML would break the deck: {problem}; fix the HTML of the slide", where)
                   for problem in slide.problems]
    return errors


def _first_text_line(text: SlideText) -> int:
    """The slide's first line with text (not the blank line after its separator), in the expanded text."""
    return text.line + len(text.markdown) - len(text.markdown.lstrip("\n"))


def assemble_deck(split: SplitDeck, rendered: list[RenderedSlide]) -> Deck:
    """Build the Deck from its split texts and their rendered HTML (in reading order)."""
    options, source = split.options, split.source
    results = iter(rendered)
    hidden = frozenset(options.hide)
    stacks: list[list[Slide]] = []
    for stack in split.texts:
        slides = []
        for text in stack:
            out = next(results)
            # The attributes are shared with the render cache: whoever changes them makes a copy.
            where = split.expanded.origin(_first_text_line(text))
            part = None if where.path == source.path else Path(where.path)
            if hidden and not hidden.isdisjoint(classes_of(out.attrs)):
                continue  # left out of the profile: not in the HTML at all
            body, notes = out.html, out.notes_html
            if hidden:
                body, notes = without_hidden(body, hidden), without_hidden(notes, hidden)
            if not options.fragments:
                body = without_fragments(body)
            slides.append(Slide(out.attrs, body, notes, where.line or 1, text.markdown, out.has_math,
                                out.languages, out.has_diagram, part))
        if slides:  # a vertical stack whose slides are all hidden disappears
            stacks.append(slides)
    if options.titleSlide:
        title = options.title or source.name
        stacks.insert(0, [_title_slide(title, options.subtitle, options.author, options.date)])
    if options.background:
        _apply_background(stacks, options.background)
    return Deck(source.name, source.path, options, stacks, source.body.split("\n"), source.body_line,
                frozenset(split.expanded.parts))


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
                slide.attrs = {**slide.attrs, key: background}
