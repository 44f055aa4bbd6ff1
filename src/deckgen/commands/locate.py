"""Which project a command works on: the PROJECT_DIR given, or the project that holds a deck given instead.

`deckgen build slides/talk.md` builds the project of that deck: the nearest folder above the file that holds
slides/ with the file inside, or a deckgen.yml.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from deckgen.errors import DeckgenError

INIT_HINT = "run `deckgen init` to start a project, or give the project folder"


class ProjectPathError(DeckgenError):
    """The path given as PROJECT_DIR is neither a project folder nor a deck of one."""


@dataclass(frozen=True)
class Target:
    """A project folder, and the deck when the path given was a deck's source file or folder."""

    project: Path
    deck: str | None = None  # the deck's name (None: a whole project, or a file of slides/ that is no deck)
    source: Path | None = None  # the deck's file or folder as given (None: a project folder was given)


def locate(given: Path) -> Target:
    """The project (and deck) a command-line path names; ProjectPathError when it names neither."""
    if "\0" in os.fspath(given):
        raise ProjectPathError(f"{str(given)!r} contains a NUL byte: no file can be named so")
    try:
        exists, is_dir, is_link = given.exists(), given.is_dir(), given.is_symlink()
    except OSError as exc:
        raise ProjectPathError(f"cannot read {given}: {exc.strerror or exc}") from None
    if not exists:
        if is_link:
            raise ProjectPathError(f"{given} is a link to {os.readlink(given)}, which does not exist")
        raise ProjectPathError(f"{given} does not exist: give the project folder (the one that holds slides/), "
                               "or a deck's .md file")
    if is_dir:
        if not is_project(given):  # slides/ itself, a deck's folder, a folder of pictures: the project above
            root = project_of(given)
            if root is not None and Path(os.path.abspath(given)).is_relative_to(root / "slides"):
                return Target(root, deck_name(root, given), given)
        return Target(given)
    if given.suffix.lower() == ".md":
        root = project_of(given)
        if root is None:
            raise ProjectPathError(f"{given} is a Markdown file outside any project (no folder above it holds "
                                   f"slides/ with it inside, or a deckgen.yml): give the project folder; {INIT_HINT}")
        return Target(root, deck_name(root, given), given)
    raise ProjectPathError(f"{given} is a file, not a project folder: give the folder that holds slides/, "
                           "or a deck's .md file")


def project_of(path: Path) -> Path | None:
    """The nearest folder above path that holds slides/ with path inside, or a deckgen.yml; None if none does."""
    path = Path(os.path.abspath(path))  # not resolve(): the folders the user sees above a linked file
    for folder in path.parents:
        slides = folder / "slides"
        if slides.is_dir() and path.is_relative_to(slides):
            return folder
        if (folder / "deckgen.yml").is_file():
            return folder
    return None


def deck_name(project: Path, path: Path) -> str | None:
    """The name of the deck whose source (slides/NAME.md) or folder (slides/NAME/, slides/NAME/index.md) path is;
    None for a file of slides/ that is no deck (a part, a file in a deck's folder) or a file outside slides/."""
    path = Path(os.path.abspath(path))
    slides = Path(os.path.abspath(project)) / "slides"
    if path.name.startswith(("_", ".")):
        return None
    if path.parent == slides:
        if path.is_dir():
            return path.name if (path / "index.md").is_file() else None
        return path.stem if path.suffix == ".md" else None
    if path.name == "index.md" and path.parent.parent == slides and not path.parent.name.startswith(("_", ".")):
        return path.parent.name
    return None


def require_slides(project: Path) -> None:
    """Refuse a project folder without slides/, pointing at deckgen init."""
    if not (project / "slides").is_dir():
        shown = Path(os.path.abspath(project))
        raise DeckgenError(f"no slides/ folder in {shown}: {_start_hint(project)}")


def _start_hint(project: Path) -> str:
    """What to do in a folder without slides/: another tool's project gets its own advice."""
    from deckgen.config import mkslides, revealmd  # only on this error's way

    if (project / mkslides.SETTINGS_FILE).is_file() and (project / "docs").is_dir():
        return "MkSlides keeps its decks in docs/: rename it slides/ (mkslides.yml is read from this folder)"
    if any((project / name).is_file() for name in revealmd.FILES) and any(project.glob("*.md")):
        return "move the decks (.md files) into a slides/ folder (reveal-md.json and reveal.json are read from here)"
    return INIT_HINT


def is_project(folder: Path) -> bool:
    """Whether a folder looks like a deckgen project: it holds slides/ or a deckgen.yml."""
    return (folder / "slides").is_dir() or (folder / "deckgen.yml").is_file()
