"""Read a deck's source: its front matter split from the Markdown."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from deckgen.config.textfile import read_source
from deckgen.config.yamlfile import YamlDoc, parse_yaml
from deckgen.errors import DeckError, Location


@dataclass(frozen=True)
class DeckSource:
    """One deck's file: its name in the site, its path, and its text split into front matter and body."""

    name: str
    path: Path
    front_matter: YamlDoc
    body: str
    body_line: int  # file line of the body's first line


def load_deck_source(name: str, path: Path) -> DeckSource:
    """Read a deck file and split off its YAML front matter."""
    text = read_source(path)
    lines = text.split("\n")
    if lines and lines[0].strip() == "---":
        for index in range(1, len(lines)):
            if lines[index].strip() in ("---", "..."):
                front = parse_yaml("\n".join(lines[1:index]), path, first_line=2)
                return DeckSource(name, path, front, "\n".join(lines[index + 1 :]), index + 2)
        raise DeckError("front matter opened here is never closed by a '---' line", Location(path, 1))
    return DeckSource(name, path, YamlDoc(path, {}, {}, 1), text, 1)
