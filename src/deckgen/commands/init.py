"""`deckgen init`: write a starter project (config, a deck, static/, .gitignore, a GitHub Pages workflow)."""

from __future__ import annotations

import json
import logging
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


class InitError(DeckgenError):
    """deckgen init cannot write the starter project."""


@dataclass
class InitResult:
    """What deckgen init wrote, relative to the project folder."""

    root: Path
    written: list[str] = field(default_factory=list)
    overwritten: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """Return the lines to show: the files written and the next steps."""
        lines = [f"created a deckgen project in {self.root}:"]
        lines += [f"  {name}{' (overwritten)' if name in self.overwritten else ''}" for name in self.written]
        lines += [
            f"next: deckgen serve {self.root} to preview while you edit, deckgen build {self.root} to build",
            'publish: push to GitHub and set Settings > Pages > Source to "GitHub Actions" (see the README)',
        ]
        return "\n".join(lines)


def init_project(root: Path, *, force: bool = False) -> InitResult:
    """Write the starter project into root (created if missing); refuse to overwrite unless force."""
    if root.exists() and not root.is_dir():
        raise InitError(f"{root} is a file, not a folder: give deckgen init a folder (it is created if missing)")
    files = {name: _template(source, root) for name, source in TEMPLATES.items()}
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
    result = InitResult(root, overwritten=existing)
    for name, content in files.items():
        _write(root / name, content)
        result.written.append(name)
    if gitignore is not None:
        _write(root / GITIGNORE, gitignore)
        result.written.append(GITIGNORE)
    log.info("wrote %s", ", ".join(result.written))
    return result


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


def _write(path: Path, content: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    except OSError as exc:
        raise InitError(f"cannot write {path}: {exc.strerror or exc}") from exc
