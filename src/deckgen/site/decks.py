"""Find the decks of a project (slides/NAME.md, slides/NAME/index.md) and parse each into a Deck."""

from __future__ import annotations

import fnmatch
import logging
from collections.abc import Callable
from pathlib import Path

from deckgen.config.options import SiteConfig, check_profile
from deckgen.dialect.deck import Deck
from deckgen.dialect.parse import SplitDeck, render_decks, split_deck
from deckgen.errors import ConfigError, DeckgenError, ErrorGroup, Location, inside_project

# Files and folders of build/ that deckgen writes itself; a deck cannot have their name (in any case: file
# systems that ignore case would mix them up).
RESERVED_NAMES = frozenset({"vendor", "files", "static", "index.html", ".nojekyll"})
log = logging.getLogger(__name__)


def discover_decks(project: Path, exclude: list[str]) -> list[tuple[str, Path]]:
    """List (name, path) of every deck: slides/NAME.md and slides/NAME/index.md, sorted by name."""
    slides = project / "slides"
    if not slides.is_dir():
        raise ConfigError(f"no slides/ folder in {project}: put one deck per slides/NAME.md")
    inside_project(slides, project, "the slides/ folder")
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
        inside_project(path, project, "deck")
        rel = path.relative_to(slides).as_posix()
        if any(fnmatch.fnmatch(rel, pattern) or fnmatch.fnmatch(entry.name, pattern) for pattern in exclude):
            continue
        if name.lower() in RESERVED_NAMES:
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



def parse_decks(
    project: Path, site: SiteConfig, *, meanwhile: Callable[[], object] | None = None
) -> tuple[list[Deck], list[DeckgenError]]:
    """Parse every deck; return the decks that parsed and the errors of the others.

    meanwhile: the caller's next work (such as loading the next stage), done while render workers run, if any.
    """
    split: list[SplitDeck] = []
    errors: list[DeckgenError] = []
    found = discover_decks(project, site.exclude)
    for stray in stray_markdown(project, site.exclude):
        log.warning("%s: warning: not a deck (decks are slides/NAME.md and slides/NAME/index.md); move it, name "
                    "its folder with a leading _ if decks include it, or list it under exclude: in deckgen.yml",
                    Location(stray))
    for name, path in found:
        try:
            split.append(split_deck(name, path, site))
        except ErrorGroup as group:
            errors.extend(group.errors)
        except DeckgenError as exc:
            errors.append(exc)
    check_profile(site, [set(deck.options.profiles) for deck in split])
    decks, problems = render_decks(split, persistent=site.cache, meanwhile=meanwhile)
    return decks, errors + problems


def stray_markdown(project: Path, exclude: list[str]) -> list[Path]:
    """Markdown files in sub-folders of slides/ that are no deck's index.md: likely decks that will not be built.

    Folders and files whose name starts with _ or . (shared parts, hidden files) and excluded paths are skipped,
    and so is a deck's own folder (slides/NAME/ with an index.md), whose other files are the deck's.
    """
    slides = project / "slides"
    found: list[Path] = []
    for folder in sorted(p for p in slides.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        if (folder / "index.md").is_file():
            continue
        for path in sorted(folder.rglob("*.md")):
            rel = path.relative_to(slides)
            if any(part.startswith((".", "_")) for part in rel.parts):
                continue
            if any(fnmatch.fnmatch(rel.as_posix(), pattern) for pattern in exclude):
                continue
            found.append(path)
    return found
