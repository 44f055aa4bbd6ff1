"""The plain data of a parsed deck: stacks of rendered slides plus the deck's options."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from deckgen.config import DeckOptions


@dataclass
class Slide:
    """One rendered slide: its <section> attributes, inner HTML and notes, and where its source starts."""

    attrs: dict[str, str]
    html: str
    notes_html: str
    line: int
    source: str
    has_math: bool = False
    languages: frozenset[str] = frozenset()


@dataclass
class Deck:
    """A deck ready to be written: name in the site, source path, options and slides."""

    name: str
    path: Path
    options: DeckOptions
    stacks: list[list[Slide]]
    source_lines: list[str] = field(default_factory=list)
    first_line: int = 1

    @property
    def slides(self) -> list[Slide]:
        """Every slide in reading order."""
        return [slide for stack in self.stacks for slide in stack]

    @property
    def slide_count(self) -> int:
        """Number of slides, vertical ones included."""
        return sum(len(stack) for stack in self.stacks)

    @property
    def has_math(self) -> bool:
        """Whether any slide or note holds math (KaTeX is copied only then)."""
        return any(slide.has_math for slide in self.slides)

    @property
    def languages(self) -> set[str]:
        """Languages named by the deck's code blocks."""
        return {lang for slide in self.slides for lang in slide.languages}

    @property
    def title(self) -> str:
        """The deck's title, falling back to its name."""
        return self.options.title or self.name
