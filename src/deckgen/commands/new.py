"""`deckgen new NAME`: write slides/NAME.md from a starter deck (title, notes, a fragment, stepped code)."""

from __future__ import annotations

import datetime
import html
import json
import os
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from deckgen.errors import DeckgenError
from deckgen.site.decks import RESERVED_NAMES

STARTER = "deck.md"  # in src/deckgen/commands/scaffold/
# Characters a file of slides/ may not hold on some system (Windows, macOS) or that need quoting in a web address.
_AWKWARD = re.compile(r"[\x00-\x1f\x7f<>:\"|?*#%]")


class NewDeckError(DeckgenError):
    """deckgen new cannot write the deck."""


@dataclass
class NewDeck:
    """The deck deckgen new wrote."""

    name: str
    path: Path
    title: str
    made_slides: bool = False  # slides/ was created for it

    def summary(self, project_arg: str | None = None) -> str:
        """The lines to show: what was written and how to see it."""
        shown = _display(self.path)
        lines = [f"created {_display(self.path.parent) + '/ and ' if self.made_slides else ''}{shown} "
                 f"({json.dumps(self.title, ensure_ascii=False)})"]
        target = f" {project_arg}" if project_arg else ""
        lines.append(f"next: edit {shown}; deckgen serve{target} shows every save at once, "
                     f"deckgen build{target} writes the site")
        return "\n".join(lines)


def check_deck_name(name: str) -> str:
    """Return name as a deck name (a trailing .md dropped), or raise NewDeckError saying what is wrong with it."""
    if name.endswith(".md") and len(name) > 3 and "/" not in name and "\\" not in name:
        name = name[:-3]
    shown = repr(name)
    if not name.strip():
        raise NewDeckError("a deck needs a name: deckgen new NAME writes slides/NAME.md")
    if "/" in name or "\\" in name or name in (".", ".."):
        raise NewDeckError(f"deck name {shown} holds a path separator: give a plain name, e.g. "
                           "`deckgen new talk` writes slides/talk.md (PROJECT_DIR, after it, names the project)")
    if name.startswith(("_", ".")):
        raise NewDeckError(f"deck name {shown} starts with {name[0]!r}: files of slides/ whose name starts with _ "
                           "are parts that decks include, with . hidden files; neither is built as a deck")
    if name.lower() in RESERVED_NAMES:
        raise NewDeckError(f"deck name {shown} is reserved: build/{name} holds deckgen's own files; "
                           "choose another name")
    if any(char.isspace() for char in name):
        suggestion = "-".join(name.split())
        raise NewDeckError(f"deck name {shown} holds a space: a deck's name is part of its web address "
                           f"(NAME/index.html); try {suggestion!r}")
    if _AWKWARD.search(name):
        raise NewDeckError(f"deck name {shown} holds {_AWKWARD.search(name)[0]!r}: a deck's name is a file name "
                           "and part of a web address; use letters, digits, - and _")
    return name


def default_title(name: str) -> str:
    """A title made from a deck's name: my-first_talk -> My first talk."""
    words = re.sub(r"[-_]+", " ", name).strip() or name
    return words[:1].upper() + words[1:]


def new_deck(project: Path, name: str, *, title: str | None = None, today: datetime.date | None = None) -> NewDeck:
    """Write slides/NAME.md of project from the starter deck; never replace a deck (or anything) that exists."""
    name = check_deck_name(name)
    if title is not None and not title.strip():
        raise NewDeckError("--title is empty: give the deck a title, or leave --title out (the title is then made "
                           "from NAME)")
    if title is not None and any(char in title for char in "\r\n\x00"):
        raise NewDeckError(f"--title {title!r}: a title is one line of text")
    title = title.strip() if title is not None else default_title(name)
    slides = project / "slides"
    if slides.exists() and not slides.is_dir():
        raise NewDeckError(f"{slides} is a file: decks go in a slides/ folder")
    _refuse_existing(slides, name)
    made = not slides.exists()
    target = slides / f"{name}.md"
    content = _starter(title, today or datetime.date.today())
    try:
        if made:
            slides.mkdir(parents=False)
        # O_EXCL: a deck that appeared since the check above is not replaced either.
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except FileExistsError:
        raise NewDeckError(f"{_display(target)} already exists: deckgen new replaces no deck; choose another "
                           "name, or edit that one") from None
    except OSError as exc:
        raise NewDeckError(f"cannot write {_display(target)}: {exc.strerror or exc}") from None
    try:
        with os.fdopen(fd, "wb") as stream:
            stream.write(content)
    except OSError as exc:
        target.unlink(missing_ok=True)
        raise NewDeckError(f"cannot write {_display(target)}: {exc.strerror or exc}") from None
    return NewDeck(name, target, title, made_slides=made)


def _refuse_existing(slides: Path, name: str) -> None:
    """Refuse a name that a deck of slides/ already has, as a file or a folder, in any letter case (a file
    system that ignores case would mix them up, and so would the built site's folders)."""
    if not slides.is_dir():
        return
    wanted = name.lower()
    for entry in sorted(slides.iterdir()):
        stem = entry.name[:-3] if entry.name.lower().endswith(".md") and not entry.is_dir() else entry.name
        if stem.lower() != wanted:
            continue
        if entry.is_dir():
            if (entry / "index.md").is_file():  # a folder of slides/ without index.md is no deck: no clash
                raise NewDeckError(f"{_display(entry)}/ is already a deck named {stem!r}: deckgen new replaces no "
                                   "deck; choose another name")
            continue
        raise NewDeckError(f"{_display(entry)} already exists: deckgen new replaces no deck; choose another name, "
                           "or edit that one")


def _starter(title: str, today: datetime.date) -> bytes:
    text = (resources.files("deckgen.commands") / "scaffold" / STARTER).read_text(encoding="utf-8")
    # The front matter's title as a YAML double-quoted string (JSON's escapes are YAML's); the heading as text.
    text = text.replace("__TITLE__", json.dumps(title, ensure_ascii=False))
    text = text.replace("__HEADING__", html.escape(title, quote=False))
    text = text.replace("__DATE__", today.isoformat())
    return text.encode("utf-8")


def _display(path: Path) -> str:
    """A path as the user sees it: relative to the current folder when inside it."""
    try:
        return Path(os.path.abspath(path)).relative_to(Path.cwd()).as_posix()
    except (ValueError, OSError):
        return str(path)
