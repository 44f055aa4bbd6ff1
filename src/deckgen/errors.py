"""The one exception tree: every error the user can cause carries a source location."""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Location:
    """A place in a source file: path (shown relative when possible), 1-based line and column."""

    path: Path | str
    line: int | None = None
    column: int | None = None

    def __str__(self) -> str:
        text = _display(Path(self.path))
        if self.line is not None:
            text += f":{self.line}"
            if self.column is not None:
                text += f":{self.column}"
        return text


def _display(path: Path) -> str:
    """Show a path relative to the current folder when it is inside it."""
    try:  # not resolve(): a link is named as the user wrote it
        return Path(os.path.abspath(path)).relative_to(Path(os.path.abspath(Path.cwd()))).as_posix()
    except (ValueError, OSError):
        return str(path)


class DeckgenError(Exception):
    """An error caused by the user's input or environment; printed without a traceback."""

    def __init__(self, message: str, location: Location | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        if self.location is None:
            return self.message
        return f"{self.location}: {self.message}"


class ConfigError(DeckgenError):
    """deckgen.yml or a deck's front matter is invalid."""


class DeckError(DeckgenError):
    """A deck's Markdown cannot be turned into slides."""


class FileReferenceError(DeckgenError):
    """A deck refers to a local file that is missing or outside the project."""


class AssetError(DeckgenError):
    """A third-party package (reveal.js, KaTeX, fonts) cannot be fetched or verified."""


def sort_errors(errors: list[DeckgenError]) -> list[DeckgenError]:
    """Sort errors by file and line, the order they are reported in; an error found again (a part that fifty
    decks include) is reported once."""
    unique = list({str(e): e for e in errors}.values())
    return sorted(unique, key=lambda e: (str(e.location.path), e.location.line or 0) if e.location else ("", 0))


_WARNED: set[str] = set()


def warn_once(log: logging.Logger, where: Location, message: str) -> None:
    """Log a warning about a place once per run, however many decks include that place."""
    text = f"{where}: warning: {message}"
    if text not in _WARNED:
        _WARNED.add(text)
        log.warning("%s", text)


def raise_errors(errors: list[DeckgenError]) -> None:
    """Raise the errors found, sorted: one as itself, several as an ErrorGroup; nothing when there are none."""
    errors = sort_errors(errors)
    if len(errors) == 1:
        raise errors[0]
    if errors:
        raise ErrorGroup(errors)


class ErrorGroup(DeckgenError):
    """Several errors found together; each is reported."""

    def __init__(self, errors: list[DeckgenError]) -> None:
        super().__init__("\n".join(str(e) for e in errors))
        self.errors = errors

    def __str__(self) -> str:
        return self.message


def inside_project(path: Path, project: Path, what: str) -> Path:
    """Return path resolved; a path (or a symbolic link) that resolves outside the project is an error."""
    resolved = path.resolve()
    if not resolved.is_relative_to(project.resolve()):
        raise ConfigError(
            f"{what} {path.name!r} is a link to {resolved}, outside the project; deckgen never reads it: "
            "copy the file into the project", Location(path))
    return resolved
