"""`deckgen import`: convert hand-written reveal.js pages into decks of the project (slides/NAME.md).

Every page is read and converted before anything is written; a page that cannot be imported gets an error naming
it and nothing is written for it, the others are written. <style> blocks go to slides/css/, once for every deck
that carries the same block; scripts deckgen cannot translate go to slides/js/.
"""

from __future__ import annotations

import hashlib
import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from deckgen.errors import DeckgenError, Location
from deckgen.importer.convert import ImportedDeck, convert_page, deck_name
from deckgen.importer.report import DeckReport
from deckgen.importer.writer import front_matter

log = logging.getLogger(__name__)


class ImportCommandError(DeckgenError):
    """A page cannot be imported as asked (its deck exists, two pages give one name)."""


@dataclass
class ImportResult:
    """What deckgen import did: one report per deck written, the errors of the others, the files written."""

    reports: list[DeckReport] = field(default_factory=list)
    errors: list[DeckgenError] = field(default_factory=list)
    written: list[Path] = field(default_factory=list)

    def summary(self, *, verbose: bool = False) -> str:
        """The lines to print for every deck written."""
        lines = []
        for report in self.reports:
            lines += report.lines(verbose=verbose)
        count = len(self.reports)
        lines.append(f"imported {count} deck{'s' if count != 1 else ''}; build them with deckgen build")
        return "\n".join(lines)


def import_decks(pages: list[Path], project: Path, *, force: bool = False) -> ImportResult:
    """Import every page into project/slides/; refuse to overwrite a deck unless force."""
    project = project.resolve()
    if not project.is_dir():
        raise ImportCommandError(f"project folder {project} does not exist")
    result = ImportResult()
    targets = _targets(pages, project, result)
    decks: list[ImportedDeck] = []
    for page, target in targets.items():
        if target.exists() and not force:
            result.errors.append(ImportCommandError(
                f"{target.relative_to(project)} already exists: give --force to overwrite it; nothing was written "
                "for this deck", Location(page)))
            continue
        try:
            decks.append(convert_page(page, project, target, targets))
        except DeckgenError as error:
            result.errors.append(error)
    files = _shared_files(decks, project, "css", "style", ".css")
    files.update(_shared_files(decks, project, "js", "script", ".js"))
    for deck in decks:
        deck.report.target = deck.target.relative_to(project).as_posix()
        files[deck.target] = front_matter(deck.front) + deck.body
        result.reports.append(deck.report)
    for path, text in files.items():
        _write(path, text)
        result.written.append(path)
    return result


def _targets(pages: list[Path], project: Path, result: ImportResult) -> dict[Path, Path]:
    """Each page (absolute) -> slides/NAME.md; pages that are missing or share a name are errors."""
    targets: dict[Path, Path] = {}
    names: dict[str, Path] = {}
    for page in pages:
        absolute = Path(os.path.abspath(page))
        if not absolute.is_file():
            result.errors.append(ImportCommandError("no such file", Location(page)))
            continue
        name = deck_name(absolute)
        if name in names:
            result.errors.append(ImportCommandError(
                f"{page} and {names[name]} would both become slides/{name}.md: import one of them on its own (or "
                "rename it); nothing was written for this deck", Location(page)))
            continue
        names[name] = page
        targets[absolute] = project / "slides" / f"{name}.md"
    return targets


def _shared_files(decks: list[ImportedDeck], project: Path, folder: str, attr: str, suffix: str) -> dict[Path, str]:
    """Write each distinct text once: NAME.suffix for one deck, shared-HASH.suffix when several carry it; an
    identical file already in the folder is used as it is. The decks' front matter lists the file."""
    by_text: dict[str, list[ImportedDeck]] = {}
    for deck in decks:
        text = getattr(deck, attr)
        if text.strip():
            by_text.setdefault(text, []).append(deck)
    where = project / "slides" / folder
    existing = {p.read_bytes(): p for p in where.glob(f"*{suffix}")} if where.is_dir() else {}
    files: dict[Path, str] = {}
    for text, owners in by_text.items():
        path = existing.get(text.encode("utf-8"))
        if path is None:
            digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]
            path = where / (f"shared-{digest}{suffix}" if len(owners) > 1 else f"{owners[0].name}{suffix}")
            files[path] = text
        for deck in owners:
            key = "css" if suffix == ".css" else "scripts"
            relative = Path(os.path.relpath(path, deck.target.parent)).as_posix()
            extra = deck.extra_css if suffix == ".css" else deck.extra_scripts
            deck.front[key] = [*extra, relative]
            if len(owners) > 1:
                deck.report.translate(f"{folder} shared with {len(owners) - 1} other deck"
                                      f"{'s' if len(owners) > 2 else ''}: {path.relative_to(project).as_posix()}")
    for deck in decks:
        key = "css" if suffix == ".css" else "scripts"
        extra = deck.extra_css if suffix == ".css" else deck.extra_scripts
        if key not in deck.front and extra:
            deck.front[key] = list(extra)
    return files


def _write(path: Path, text: str) -> None:
    """Write a file whole: to a temporary name beside it, then renamed over it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.deckgen-import")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)
    log.info("wrote %s", path)
