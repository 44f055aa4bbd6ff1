"""Includes: a line `--8<-- "path.md"` (the notation of pymdown-extensions' snippets) is replaced by that file's
Markdown, with all its slides, separators and notes, before the deck is split into slides.

The path is relative to the including file and must stay inside the project; includes nest; a cycle or a missing
file is an error naming the including file and line. A line of the expanded text remembers the file and line it
came from, so errors and local files of an included part are reported and resolved relative to the part.
Inside fenced code an include line is text. A part's own front matter, if it has one, is left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from deckgen.config.textfile import read_source
from deckgen.dialect.separators import FENCE_LINE, closes_fence, opens_fence
from deckgen.errors import DeckError, Location

_INCLUDE = re.compile(r"""^(?P<indent>[ \t]*)--8<--[ \t]+(?:"(?P<dq>[^"]+)"|'(?P<sq>[^']+)'|(?P<bare>\S+))[ \t]*$""")
MAX_DEPTH = 20


@dataclass
class Expanded:
    """A deck's Markdown with its includes in place, and where each of its lines comes from."""

    text: str
    origins: list[tuple[Path, int]] | None  # (file, line) of each line of text; None: every line is the deck's own
    parts: set[Path] = field(default_factory=set)  # every included file, resolved
    path: Path | None = None  # when origins is None: the deck file, the line its text starts at, its lines
    first_line: int = 1
    line_count: int = 1

    def origin(self, line: int) -> Location:
        """Where line (1-based, in text) was written."""
        if self.origins is None:
            return Location(self.path, self.first_line + min(max(line, 1), self.line_count) - 1)
        path, number = self.origins[min(max(line, 1), len(self.origins)) - 1]
        return Location(path, number)


def expand(body: str, path: Path, first_line: int, project: Path) -> Expanded:
    """Replace the include lines of body (the deck file path's Markdown from first_line on)."""
    if "--8<--" not in body:
        return Expanded(body, None, path=path, first_line=first_line, line_count=body.count("\n") + 1)
    out: list[str] = []
    origins: list[tuple[Path, int]] = []
    parts: set[Path] = set()
    _expand_into(body, path, first_line, project.resolve(), [path.resolve()], out, origins, parts, "")
    return Expanded("\n".join(out), origins, parts)


def _expand_into(
    body: str, path: Path, first_line: int, project: Path, chain: list[Path], out: list[str],
    origins: list[tuple[Path, int]], parts: set[Path], indent: str,
) -> None:
    fence: str | None = None
    for offset, line in enumerate(body.split("\n")):
        number = first_line + offset
        opened = FENCE_LINE.match(line)
        if fence is not None:
            if opened and closes_fence(fence, opened["fence"], opened["info"]):
                fence = None
        elif opened and opens_fence(opened["fence"], opened["info"]):
            fence = opened["fence"]
        include = _INCLUDE.match(line) if fence is None and "--8<--" in line else None
        if include is None:
            out.append(indent + line if indent and line else line)
            origins.append((path, number))
            continue
        target = include["dq"] or include["sq"] or include["bare"]
        where = Location(path, number)
        part = _resolve(target, path, project, where)
        if part in chain:
            names = " includes ".join(_shown(p, project) for p in [*chain, part])
            raise DeckError(f"includes go round in a circle: {names}", where)
        if len(chain) > MAX_DEPTH:
            raise DeckError(f"includes nest more than {MAX_DEPTH} deep", where)
        parts.add(part)
        text, part_first = _part_body(part, where)
        _expand_into(text, part, part_first, project, [*chain, part], out, origins, parts,
                     indent + include["indent"])


def _resolve(target: str, including: Path, project: Path, where: Location) -> Path:
    candidate = (including.parent / target).resolve()
    if not candidate.is_relative_to(project):
        raise DeckError(f"included file {target!r} is outside the project ({project}); deckgen never reads it",
                        where)
    if not candidate.is_file():
        raise DeckError(f"included file {target!r} not found (looked for {candidate})", where)
    return candidate


def _part_body(part: Path, where: Location) -> tuple[str, int]:
    """The part's Markdown and the file line where it starts (a front matter of its own is left out)."""
    try:
        text = read_source(part)
    except OSError as exc:
        raise DeckError(f"cannot read included file {part} ({exc.strerror or exc})", where) from None
    lines = text.split("\n")
    if lines and lines[0].strip() == "---":
        for index in range(1, len(lines)):
            if lines[index].strip() in ("---", "..."):
                return "\n".join(lines[index + 1 :]), index + 2
    if text.endswith("\n"):
        text = text[:-1]  # the include line's own end of line follows
    return text, 1


def _shown(path: Path, project: Path) -> str:
    return path.relative_to(project).as_posix() if path.is_relative_to(project) else str(path)
