"""`deckgen pdf`: print one deck or every deck of a project to PDF files."""

from __future__ import annotations

import os
import secrets
import stat
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
    profile: str | None = None,
) -> list[tuple[Path, int]]:
    """Print one deck (or every deck) of a project to PDF; return (file, page count) of each PDF written."""
    project = project.resolve()
    site = load_site_config(project, config_file, strict=strict, profile=profile)
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
    # Checked before printing (nothing is written if one target is refused) and again just before writing.
    protected = _protected_files(project, decks, config_file)
    for target in targets.values():
        _check_target(target, protected)
    printed = run_async(print_site(files, names, options))
    written = []
    for name in names:
        _check_target(targets[name], protected)
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
    if output is not None and "\0" in os.fspath(output):
        raise DeckgenError(f"-o {str(output)!r} contains a NUL byte: no file can be named so")
    if len(names) == 1:
        return {names[0]: output or Path(f"{names[0]}.pdf")}
    folder = output or Path(".")
    if folder.exists() and not folder.is_dir():
        raise DeckgenError(f"-o {folder}: with several decks, -o names a folder; give one DECK to name a file")
    return {name: folder / f"{name}.pdf" for name in names}


def _protected_files(project: Path, decks: list[Deck], config_file: Path | None) -> dict[Path, str]:
    """Files deckgen pdf never replaces, whatever they hold: resolved path -> what the file is."""
    protected = {(project / "deckgen.yml").resolve(): "the project's configuration"}
    if config_file is not None:
        protected[config_file.resolve()] = "the project's configuration"
    for deck in decks:
        protected[deck.path.resolve()] = f"the source of the deck {deck.name!r}"
    return protected


def _check_target(target: Path, protected: dict[Path, str]) -> None:
    """Refuse to replace anything but a PDF: a deck's source, the configuration, a folder, any other file."""
    refuse = "deckgen pdf replaces only PDF files; choose another -o, nothing was written"
    try:
        resolved = target.resolve()  # a symbolic link: what would be replaced is the file it points to
        if resolved in protected:
            raise DeckgenError(f"{target} is {protected[resolved]}: {refuse}")
        info = resolved.stat()
    except FileNotFoundError:
        return
    except OSError as exc:
        raise DeckgenError(f"cannot write {target}: {exc.strerror or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        raise DeckgenError(f"{target} is a folder: give -o the PDF file to write; nothing was written")
    if not stat.S_ISREG(info.st_mode):
        raise DeckgenError(f"{target} exists and is not a PDF file: {refuse}")
    try:
        with open(resolved, "rb") as stream:
            magic = stream.read(5)
    except OSError as exc:
        raise DeckgenError(f"{target} exists and cannot be read ({exc.strerror or exc}): {refuse}") from None
    if magic != b"%PDF-":
        raise DeckgenError(f"{target} exists and is not a PDF: {refuse}")


def _write_atomically(target: Path, data: bytes) -> None:
    """Write data to a new file next to target (mode 0666 less the umask, as open makes it), then rename it."""
    target = target.resolve()
    temp = None
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        while temp is None:
            candidate = target.parent / f".{target.name}.{secrets.token_hex(4)}"
            try:
                fd = os.open(candidate, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            except FileExistsError:
                continue
            temp = candidate
        with os.fdopen(fd, "wb") as stream:
            stream.write(data)
        os.replace(temp, target)
    except OSError as exc:
        if temp is not None:
            temp.unlink(missing_ok=True)
        raise DeckgenError(f"cannot write {target}: {exc.strerror or exc}") from None
