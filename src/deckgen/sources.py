"""Find the decks of a project and read their sources (front matter split from the Markdown)."""

from __future__ import annotations

import fnmatch
from dataclasses import dataclass
from pathlib import Path

from deckgen.errors import ConfigError, DeckError, Location
from deckgen.yamlfile import YamlDoc, parse_yaml

# Folders of build/ that deckgen writes itself; a deck cannot have their name.
RESERVED_NAMES = frozenset({"vendor", "files", "static"})


@dataclass(frozen=True)
class DeckSource:
    """One deck's file: its name in the site, its path, and its text split into front matter and body."""

    name: str
    path: Path
    front_matter: YamlDoc
    body: str
    body_line: int  # file line of the body's first line


def read_source(path: Path) -> str:
    """Read a UTF-8 text file; an undecodable byte is an error naming its line."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DeckError(
            f"file is not valid UTF-8 (byte 0x{data[exc.start]:02x}); save it as UTF-8",
            Location(path, line),
        ) from None
    return text.replace("\r\n", "\n").replace("\r", "\n")


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
