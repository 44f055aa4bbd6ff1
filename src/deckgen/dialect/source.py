"""Read a deck's source: its front matter split from the Markdown."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from deckgen.config.textfile import read_source
from deckgen.config.yamlfile import YamlDoc, parse_yaml
from deckgen.errors import ConfigError, DeckError, Location

log = logging.getLogger(__name__)


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
                front = _front_matter(lines[1:index], path)
                return DeckSource(name, path, front, "\n".join(lines[index + 1 :]), index + 2)
        raise DeckError("front matter opened here is never closed by a '---' line", Location(path, 1))
    return DeckSource(name, path, YamlDoc(path, {}, {}, 1), text, 1)


def _front_matter(lines: list[str], path: Path) -> YamlDoc:
    """Parse front matter; lines indented with tabs (which YAML forbids) are read as reveal-md reads them."""
    try:
        return parse_yaml("\n".join(lines), path, first_line=2)
    except ConfigError:
        tabbed = [number for number, line in enumerate(lines, start=2) if line.startswith("\t")]
        if not tabbed:
            raise
        front = parse_yaml("\n".join(line.lstrip("\t") for line in lines), path, first_line=2)
        # js-yaml 3, which reveal-md used, read a tab-indented line as a key of the top level: so does deckgen.
        log.warning("%s: warning: front matter indented with a tab, which YAML forbids; read as a top-level key, "
                    "as reveal-md does: indent with spaces", Location(path, tabbed[0]))
        return front
