"""`deckgen pdf`: print one deck or every deck of a project to PDF files."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from deckgen.browser.chromium import browser_problem, run_async
from deckgen.browser.printing import PURPOSE, PdfOptions, page_count, print_site
from deckgen.config.options import load_site_config
from deckgen.dialect.deck import Deck
from deckgen.errors import DeckgenError, raise_errors
from deckgen.site.decks import parse_decks
from deckgen.site.plan import SitePlanner, deck_pages


def export_pdf(
    project: Path,
    deck: str | None = None,
    output: Path | None = None,
    *,
    config_file: Path | None = None,
    strict: bool = False,
    options: PdfOptions = PdfOptions(),  # noqa: B008 - frozen
) -> list[tuple[Path, int]]:
    """Print one deck (or every deck) of a project to PDF; return (file, page count) of each PDF written."""
    project = project.resolve()
    site = load_site_config(project, config_file, strict=strict)
    decks, errors = parse_decks(project, site)
    chosen = _choose(project, decks, errors, deck)
    problem = browser_problem(PURPOSE)
    if problem:
        raise problem
    planner = SitePlanner(project, site)
    pages = deck_pages(decks)
    files: dict[str, Any] = {}
    errors = []
    for one in chosen:
        planned = planner.deck_output(one, pages)
        errors += planned.errors
        files.update(planned.files)
        files[f"{one.name}/index.html"] = planned.page
    raise_errors(errors)
    files.update({**planner.static_files(), **planner.vendor_files()})
    names = [one.name for one in chosen]
    targets = _targets(names, output)
    printed = run_async(print_site(files, names, options))
    written = []
    for name in names:
        _write_atomically(targets[name], printed[name])
        written.append((targets[name], page_count(printed[name])))
    return written


def _choose(project: Path, decks: list[Deck], errors: list[DeckgenError], wanted: str | None) -> list[Deck]:
    """The decks to print: the one named (by name or source path), else all of them."""
    if wanted is None:
        raise_errors(list(errors))
        if not decks:
            raise DeckgenError(f"no decks in {project / 'slides'}")
        return decks
    target = Path(wanted).resolve()
    for deck in decks:
        source = deck.path.resolve()
        if wanted == deck.name or target == source or (source.name == "index.md" and target == source.parent):
            return [deck]
    raise_errors(list(errors))  # the deck may be one that failed to parse
    names = ", ".join(deck.name for deck in decks) or "none"
    raise DeckgenError(f"no deck named {wanted!r} in {project / 'slides'} (decks: {names})")


def _targets(names: list[str], output: Path | None) -> dict[str, Path]:
    if len(names) == 1:
        return {names[0]: output or Path(f"{names[0]}.pdf")}
    folder = output or Path(".")
    if folder.exists() and not folder.is_dir():
        raise DeckgenError(f"-o {folder}: with several decks, -o names a folder; give one DECK to name a file")
    return {name: folder / f"{name}.pdf" for name in names}


def _write_atomically(target: Path, data: bytes) -> None:
    target = target.resolve()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, temp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
        os.replace(temp, target)
    except OSError as exc:
        raise DeckgenError(f"cannot write {target}: {exc.strerror or exc}") from None
