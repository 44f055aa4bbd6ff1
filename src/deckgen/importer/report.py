"""What an import did for one deck: counts, translations, and what it could not carry over (with lines)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class DeckReport:
    """The report of one imported deck."""

    source: Path
    target: str = ""  # the deck file written, relative to the project
    slides: int = 0
    markdown_slides: int = 0
    html_slides: int = 0
    translated: list[str] = field(default_factory=list)
    left_behind: list[tuple[int | None, str]] = field(default_factory=list)  # (line, what)
    suggestions: list[str] = field(default_factory=list)  # for deckgen.yml

    def translate(self, what: str) -> None:
        if what not in self.translated:
            self.translated.append(what)

    def leave(self, line: int | None, what: str) -> None:
        if (line, what) not in self.left_behind:
            self.left_behind.append((line, what))

    def suggest(self, what: str) -> None:
        if what not in self.suggestions:
            self.suggestions.append(what)

    def lines(self, *, verbose: bool = False) -> list[str]:
        """The lines to print: a summary, then each item (translations only when verbose)."""
        head = (f"{self.source} -> {self.target}: {self.slides} slide{'s' if self.slides != 1 else ''} "
                f"({self.markdown_slides} Markdown, {self.html_slides} HTML)")
        out = [head]
        if self.translated:
            if verbose:
                out += [f"  translated: {item}" for item in self.translated]
            else:
                out.append(f"  translated: {'; '.join(self.translated)}")
        for line, what in sorted(self.left_behind, key=lambda item: item[0] or 0):
            out.append(f"  {self.source.name}:{line}: not carried over: {what}" if line
                       else f"  {self.source.name}: not carried over: {what}")
        out += [f"  suggestion for deckgen.yml: {item}" for item in self.suggestions]
        return out
