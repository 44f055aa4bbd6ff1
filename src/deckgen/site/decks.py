"""Find the decks of a project (slides/NAME.md, slides/NAME/index.md) and parse each into a Deck."""

from __future__ import annotations

import fnmatch
from pathlib import Path

from deckgen.config.options import SiteConfig
from deckgen.dialect.deck import Deck
from deckgen.dialect.parse import SplitDeck, render_decks, split_deck
from deckgen.errors import ConfigError, DeckgenError, ErrorGroup, Location

# Folders of build/ that deckgen writes itself; a deck cannot have their name.
RESERVED_NAMES = frozenset({"vendor", "files", "static"})



def discover_decks(project: Path, exclude: list[str]) -> list[tuple[str, Path]]:
    """List (name, path) of every deck: slides/NAME.md and slides/NAME/index.md, sorted by name."""
    slides = project / "slides"
    if not slides.is_dir():
        raise ConfigError(f"no slides/ folder in {project}: put one deck per slides/NAME.md")
    found: list[tuple[str, Path]] = []
    for entry in sorted(slides.iterdir()):
        if entry.name.startswith((".", "_")):
            continue
        if entry.is_file() and entry.suffix == ".md":
            name, path = entry.stem, entry
        elif entry.is_dir() and (entry / "index.md").is_file():
            name, path = entry.name, entry / "index.md"
        else:
            continue
        rel = path.relative_to(slides).as_posix()
        if any(fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(entry.name, pattern) for pattern in exclude):
            continue
        if name in RESERVED_NAMES:
            raise ConfigError(
                f"a deck cannot be named {name!r}: build/{name}/ holds deckgen's own files; rename the deck",
                Location(path),
            )
        found.append((name, path))
    names = [n for n, _ in found]
    for name in set(names):
        if names.count(name) > 1:
            paths = " and ".join(str(p) for n, p in found if n == name)
            raise ConfigError(f"two decks are named {name!r}: {paths}; rename one")
    return found



def parse_decks(project: Path, site: SiteConfig) -> tuple[list[Deck], list[DeckgenError]]:
    """Parse every deck; return the decks that parsed and the errors of the others."""
    split: list[SplitDeck] = []
    errors: list[DeckgenError] = []
    for name, path in discover_decks(project, site.exclude):
        try:
            split.append(split_deck(name, path, site))
        except ErrorGroup as group:
            errors.extend(group.errors)
        except DeckgenError as exc:
            errors.append(exc)
    return render_decks(split), errors
