"""`deckgen list`: every deck of a project with its title, slide count and source, parsed as the build parses it."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from deckgen.config.options import load_site_config
from deckgen.errors import DeckgenError
from deckgen.site.decks import parse_decks


@dataclass(frozen=True)
class DeckEntry:
    """One deck as `deckgen list` shows it; path is the source relative to the project, with / separators."""

    name: str
    title: str
    slides: int
    path: str
    description: str
    author: str
    date: str


def list_decks(
    project: Path, *, config_file: Path | None = None, strict: bool = False
) -> tuple[list[DeckEntry], list[DeckgenError]]:
    """The decks of a project, sorted by name, and the errors of those that do not parse.

    The slide count is the one the index shows for `deckgen build` (the same parse; no profile applied).
    """
    root = project.resolve()
    site = load_site_config(root, config_file, strict=strict)
    decks, errors = parse_decks(root, site)
    entries = [
        DeckEntry(
            name=deck.name,
            title=deck.title,
            slides=deck.slide_count,
            path=_relative(deck.path, root),
            description=str(deck.options.description or ""),
            author=str(deck.options.author or ""),
            date=str(deck.options.date or ""),
        )
        for deck in decks
    ]
    return entries, errors


def as_json(entries: list[DeckEntry]) -> str:
    """The decks as a JSON list of objects (name, title, slides, path, description, author, date)."""
    return json.dumps([asdict(entry) for entry in entries], ensure_ascii=False, indent=2)


def as_table(entries: list[DeckEntry], project: Path) -> str:
    """The decks as aligned columns: name, title, slides, source (relative to the current folder)."""
    rows = [("NAME", "TITLE", "SLIDES", "SOURCE")]
    for entry in entries:
        rows.append((entry.name, _one_line(entry.title), str(entry.slides), _display(project / entry.path)))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    lines = []
    for name, title, slides, source in rows:
        lines.append(f"{name:<{widths[0]}}  {title:<{widths[1]}}  {slides:>{widths[2]}}  {source}")
    return "\n".join(lines)


def _one_line(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _relative(path: Path, root: Path) -> str:
    try:
        return Path(os.path.abspath(path)).relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _display(path: Path) -> str:
    try:
        return Path(os.path.abspath(path)).relative_to(Path.cwd()).as_posix()
    except (ValueError, OSError):
        return str(path)
