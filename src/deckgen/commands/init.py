"""`deckgen init`: write a starter project (config, a deck, static/, .gitignore, a GitHub Pages workflow)."""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from deckgen import __version__
from deckgen.errors import DeckgenError

log = logging.getLogger(__name__)

# Project file -> its template in src/deckgen/commands/scaffold/ (stored without leading dots, so that no
# packaging tool takes them for hidden files). deckgen.yml's __TITLE__ becomes the project folder's name; the
# workflow's __VERSION__ the running deckgen's version, so that the site is built by the deckgen that wrote it.
TEMPLATES = {
    "deckgen.yml": "deckgen.yml",
    "slides/welcome.md": "slides/welcome.md",
    "static/custom.css": "static/custom.css",
    ".github/workflows/pages.yml": "github/workflows/pages.yml",
}
# .gitignore is merged, never overwritten: the project's own ignore rules stay, build/ is added.
GITIGNORE = ".gitignore"
IGNORED = "build/"
# The demo deck is left out of a project that already has decks: it would show up among them on the index.
DEMO_DECK = "slides/welcome.md"


class InitError(DeckgenError):
    """deckgen init cannot write the starter project."""


@dataclass
class InitResult:
    """What deckgen init wrote, relative to the project folder."""

    root: Path
    written: list[str] = field(default_factory=list)
    overwritten: list[str] = field(default_factory=list)
    decks: list[str] = field(default_factory=list)  # decks slides/ already held: the demo deck was not written

    def summary(self) -> str:
        """Return the lines to show: the files written and the next steps."""
        lines = [f"created a deckgen project in {self.root}:"]
        lines += [f"  {name}{' (overwritten)' if name in self.overwritten else ''}" for name in self.written]
        if self.decks:
            shown = ", ".join(self.decks[:5]) + (f" and {len(self.decks) - 5} more" if len(self.decks) > 5 else "")
            lines.append(f"no demo deck ({DEMO_DECK}): slides/ already holds your decks ({shown})")
        lines += [
            f"next: deckgen serve {self.root} to preview while you edit, deckgen build {self.root} to build",
            'publish: push to GitHub and set Settings > Pages > Source to "GitHub Actions" (see the README)',
        ]
        return "\n".join(lines)


def init_project(root: Path, *, force: bool = False) -> InitResult:
    """Write the starter project into root (created if missing); refuse to overwrite unless force."""
    if root.exists() and not root.is_dir():
        raise InitError(f"{root} is a file, not a folder: give deckgen init a folder (it is created if missing)")
    decks = existing_decks(root / "slides")
    files = {name: _template(source, root) for name, source in TEMPLATES.items()
             if not (decks and name == DEMO_DECK)}
    gitignore = _merged_gitignore(root / GITIGNORE)
    # Check everything before writing anything: a refused init leaves the folder as it was.
    existing = [name for name in files if (root / name).exists() or (root / name).is_symlink()]
    folders = [name for name in existing if (root / name).is_dir()]
    if folders:
        raise InitError(f"{root} holds a folder where deckgen init writes a file: {', '.join(folders)}. "
                        "Move it away and run deckgen init again; nothing was written")
    if existing and not force:
        raise InitError(f"{root} already holds {', '.join(existing)}: deckgen init overwrites no file unless "
                        "--force is given; nothing was written")
    result = InitResult(root, overwritten=existing, decks=decks)
    if gitignore is not None:
        files[GITIGNORE] = gitignore
    _write_all(root, files)
    result.written = list(files)
    log.info("wrote %s", ", ".join(result.written))
    return result


def existing_decks(slides: Path) -> list[str]:
    """The decks a slides/ folder holds already (slides/NAME.md, slides/NAME/index.md), relative to slides/."""
    try:
        entries = sorted(slides.iterdir()) if slides.is_dir() else []
    except OSError:
        return []
    found = []
    for entry in entries:
        if entry.name.startswith(("_", ".")):
            continue
        if entry.suffix == ".md" and entry.is_file():
            found.append(entry.name)
        elif entry.is_dir() and (entry / "index.md").is_file():
            found.append(f"{entry.name}/index.md")
    return found


def _template(source: str, root: Path) -> bytes:
    data = (resources.files("deckgen.commands") / "scaffold" / source).read_bytes()
    if source == "deckgen.yml":
        title = root.resolve().name or "Slides"
        data = data.replace(b"__TITLE__", json.dumps(title, ensure_ascii=False).encode("utf-8"))
    elif source == "github/workflows/pages.yml":
        data = data.replace(b"__VERSION__", __version__.encode("ascii"))
    return data


def _merged_gitignore(path: Path) -> bytes | None:
    """The .gitignore with build/ added; None when it already ignores build/."""
    if path.is_dir():
        raise InitError(f"{path} is a folder: deckgen init needs to write a .gitignore file there")
    if not path.exists():
        return f"{IGNORED}\n".encode()
    try:
        text = path.read_bytes()
    except OSError as exc:
        raise InitError(f"cannot read {path}: {exc.strerror}") from exc
    lines = {line.strip() for line in text.decode("utf-8", "replace").splitlines()}
    if lines & {"build", "build/", "/build", "/build/"}:
        return None
    separator = b"" if not text or text.endswith(b"\n") else b"\n"
    return text + separator + f"{IGNORED}\n".encode()


def _write_all(root: Path, files: dict[str, bytes]) -> None:
    """Write every file (relative name -> content) under root, or none of them.

    Each file is written to a new temporary name next to it (mode 0666 less the umask, as open makes it); only
    when all are written are they renamed into place, a file being replaced (--force) kept aside until the end.
    After any failure every file is as it was and every folder made for the new files is removed.
    """
    made: list[Path] = []  # folders created, parents first
    staged: list[tuple[Path, Path]] = []  # (temporary file, its final path)
    placed: list[tuple[Path, Path | None]] = []  # (final path, the file it replaced, kept aside)
    current = root
    try:
        for name, content in files.items():
            current = root / name
            _make_folders(current.parent, made)
            staged.append((_write_new(current, content), current))
        for temp, final in staged:
            current = final
            aside = None
            if final.exists() or final.is_symlink():
                aside = _free_name(final, "old")
                os.rename(final, aside)
            placed.append((final, aside))
            os.rename(temp, final)
    except BaseException as exc:
        _roll_back(made, staged, placed)
        if isinstance(exc, OSError):
            raise InitError(f"cannot write {current}: {exc.strerror or exc}; nothing was written") from None
        raise
    for _final, aside in placed:
        if aside is not None:
            with contextlib.suppress(OSError):
                aside.unlink()


def _make_folders(folder: Path, made: list[Path]) -> None:
    missing = []
    while not (folder.exists() or folder.is_symlink()):
        missing.append(folder)
        if folder.parent == folder:
            break
        folder = folder.parent
    for path in reversed(missing):
        os.mkdir(path)  # 0777 less the umask; FileExistsError if something appeared meanwhile
        made.append(path)


def _free_name(path: Path, kind: str) -> Path:
    while True:
        candidate = path.with_name(f".{path.name}.deckgen-init-{kind}-{secrets.token_hex(4)}")
        if not (candidate.exists() or candidate.is_symlink()):
            return candidate


def _write_new(path: Path, content: bytes) -> Path:
    """Write content to a new file named after path, next to it; return that file."""
    while True:
        temp = _free_name(path, "new")
        try:
            fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        break
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(content)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    return temp


def _roll_back(made: list[Path], staged: list[tuple[Path, Path]], placed: list[tuple[Path, Path | None]]) -> None:
    for final, aside in reversed(placed):
        with contextlib.suppress(OSError):
            if aside is not None:
                os.replace(aside, final)
            elif final.is_file() and not final.is_symlink():
                final.unlink()
    for temp, _final in staged:
        with contextlib.suppress(OSError):
            temp.unlink(missing_ok=True)
    for folder in reversed(made):
        with contextlib.suppress(OSError):
            folder.rmdir()
