"""Cut a deck's Markdown into horizontal stacks of vertical slides, and each slide into content and notes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from deckgen.errors import DeckError, Location

_FENCE = re.compile(r"^(?P<indent> {0,3}|\s*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_DEFAULT_NOTES = re.compile(r"^\s*notes?:", re.IGNORECASE)
# With the default separators and notes marker, a line starting with none of these is plain text.
_MAYBE_SPECIAL = frozenset("`~nN \t")


@dataclass(frozen=True)
class SlideText:
    """The Markdown of one slide and of its speaker notes, with the file line where the slide starts."""

    markdown: str
    notes: str | None
    line: int


@dataclass(frozen=True)
class Separators:
    """How lines are classified: a horizontal separator, a vertical one, or the start of notes."""

    horizontal: re.Pattern[str] | None = None
    vertical: re.Pattern[str] | None = None
    notes: re.Pattern[str] | None = None

    def kind(self, line: str) -> str | None:
        """Return 'h' or 'v' when line is a separator."""
        stripped = line.strip()
        if self.horizontal is None:
            if stripped == "---":
                return "h"
        elif _line_matches(self.horizontal, line):
            return "h"
        if self.vertical is None:
            if stripped in ("--", "----"):
                return "v"
        elif _line_matches(self.vertical, line):
            return "v"
        return None

    def notes_start(self, line: str) -> int | None:
        """Return the offset where the notes text starts on this line, or None."""
        match = (self.notes or _DEFAULT_NOTES).match(line)
        return match.end() if match else None

    @classmethod
    def from_options(
        cls, horizontal: re.Pattern[str] | None, vertical: re.Pattern[str] | None, notes: re.Pattern[str] | None
    ) -> Separators:
        """Build from a deck's separator options; notes markers match in any case, as in reveal.js."""
        if notes is not None:
            notes = re.compile(notes.pattern, notes.flags | re.IGNORECASE)
        return cls(horizontal, vertical, notes)


def _line_matches(pattern: re.Pattern[str], line: str) -> bool:
    # reveal-md's separators are regexes over the whole text, usually written with the newlines around the
    # line ("\r?\n---\r?\n", "^\s*---\s*$"); test them on the line with its newlines, and require the match
    # to cover the line's text so a pattern never cuts a line in two.
    text = f"\n{line}\n"
    for match in pattern.finditer(text):
        if match.end() == match.start():
            continue
        if match.start() <= 1 + (len(line) - len(line.lstrip())) and match.end() >= 1 + len(line.rstrip()):
            return True
    return False


def split_slides(body: str, first_line: int, separators: Separators, path: Path) -> list[list[SlideText]]:
    """Split the deck body into stacks (horizontal) of slides (vertical), ignoring separators inside code."""
    stacks: list[list[SlideText]] = [[]]
    content: list[str] = []
    notes: list[str] | None = None
    start = first_line
    fence: tuple[str, int, int] | None = None  # (fence characters, length, line opened)

    def close_slide(next_start: int) -> None:
        nonlocal content, notes, start
        stacks[-1].append(SlideText("\n".join(content), "\n".join(notes) if notes is not None else None, start))
        content, notes, start = [], None, next_start

    defaults = separators.horizontal is None and separators.vertical is None and separators.notes is None
    for offset, line in enumerate(body.split("\n")):
        if defaults and line[:1] not in _MAYBE_SPECIAL and line[:2] != "--":
            (content if notes is None else notes).append(line)  # the common case, kept fast
            continue
        number = first_line + offset
        target = content if notes is None else notes
        match = _FENCE.match(line)
        if fence is not None:
            if match and match["fence"][0] == fence[0] and len(match["fence"]) >= fence[1] and not match["info"].strip():
                fence = None
            target.append(line)
            continue
        if match and not (match["fence"][0] == "`" and "`" in match["info"]):
            fence = (match["fence"][0], len(match["fence"]), number)
            target.append(line)
            continue
        kind = separators.kind(line)
        if kind == "h":
            close_slide(number + 1)
            stacks.append([])
            continue
        if kind == "v":
            close_slide(number + 1)
            continue
        if notes is None:
            cut = separators.notes_start(line)
            if cut is not None:
                notes = [line[cut:].lstrip()]
                continue
        target.append(line)
    if fence is not None:
        raise DeckError(
            f"code fence {fence[0] * fence[1]} opened here is never closed; add a closing {fence[0] * fence[1]} line",
            Location(path, fence[2]),
        )
    close_slide(start)
    stacks = [stack for stack in stacks if stack]
    if all(not s.markdown.strip() and not (s.notes or "").strip() for stack in stacks for s in stack):
        raise DeckError("deck has no slides: write Markdown after the front matter", Location(path, first_line))
    return _drop_trailing_empty(stacks)


def _drop_trailing_empty(stacks: list[list[SlideText]]) -> list[list[SlideText]]:
    # A separator at the very end of a file leaves an empty slide nobody wants.
    while stacks and len(stacks[-1]) == 1 and not stacks[-1][0].markdown.strip() and not stacks[-1][0].notes:
        stacks.pop()
    return stacks
