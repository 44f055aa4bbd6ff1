"""The plain data of a parsed deck: stacks of rendered slides plus the deck's options."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

from deckgen.config.options import DeckOptions


@dataclass(slots=True)
class Slide:
    """One rendered slide: its <section> attributes, inner HTML and notes, and where its source starts."""

    attrs: dict[str, str]
    html: str
    notes_html: str
    line: int
    source: str
    has_math: bool = False
    languages: frozenset[str] = frozenset()
    has_diagram: bool = False
    path: Path | None = None  # the included part the slide comes from (None: the deck's own file)


@dataclass
class Deck:
    """A deck ready to be written: name in the site, source path, options and slides."""

    name: str
    path: Path
    options: DeckOptions
    stacks: list[list[Slide]]
    source_lines: list[str] = field(default_factory=list)
    first_line: int = 1
    parts: frozenset[Path] = frozenset()  # included files (resolved): a change to one rebuilds the deck

    @property
    def slides(self) -> list[Slide]:
        """Every slide in reading order."""
        return [slide for stack in self.stacks for slide in stack]

    @property
    def slide_count(self) -> int:
        """Number of slides shown when presenting: vertical ones included, data-visibility="hidden" ones not."""
        return sum(
            0 if slide.attrs.get("data-visibility") == "hidden" else 1 for stack in self.stacks for slide in stack
        )

    @property
    def has_math(self) -> bool:
        """Whether any slide or note holds math (KaTeX is copied only then)."""
        return any(slide.has_math for slide in self.slides)

    @property
    def has_diagram(self) -> bool:
        """Whether any slide holds a mermaid diagram (mermaid is copied only then)."""
        return any(slide.has_diagram for slide in self.slides)

    @property
    def languages(self) -> set[str]:
        """Languages named by the deck's code blocks."""
        return {lang for slide in self.slides for lang in slide.languages}

    @property
    def title(self) -> str:
        """The deck's title: front matter, else the first slide's heading, else its file name."""
        if self.options.title:
            return self.options.title
        for slide in self.slides[:1]:
            heading = _HEADING.search(slide.html)
            if heading:
                text = html.unescape(re.sub(r"<[^>]+>", "", heading[1])).strip()
                if text:
                    return text
        return self.name


_HEADING = re.compile(r"<h[12][^>]*>(.*?)</h[12]>", re.S)
