"""Cut a deck's Markdown into horizontal stacks of vertical slides, and each slide into content and notes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

from deckgen.errors import DeckError, Location

_FENCE = re.compile(r"^(?P<indent> {0,3}|\s*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
_DEFAULT_NOTES = re.compile(r"^\s*notes?:", re.IGNORECASE)


class SlideText(NamedTuple):
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


# With the default separators and notes marker, only lines like these can matter; the rest is found in C.
# The line is whole in the match, and its group says what it can be.
_CANDIDATE = re.compile(
    r"^(?:(?P<separator>[ \t]*-{2,4}[ \t]*)|(?P<fence>[ \t]*(?:`{3,}|~{3,}).*)|(?P<notes>[ \t]*notes?:.*))$",
    re.MULTILINE | re.IGNORECASE,
)


def _lines_of_interest(
    body: str, separators: Separators, first_line: int
) -> Iterator[tuple[int, int, int, str, str | None]]:
    """Yield (start, end, number, text, kind) of each line that may be a fence, a separator or a notes marker;
    kind is "separator", "fence" or "notes" when the default markers tell it, None when any line may be one."""
    if separators.horizontal is None and separators.vertical is None and separators.notes is None:
        number, counted = first_line, 0
        for match in _CANDIDATE.finditer(body):
            start = match.start()
            number += body.count("\n", counted, start)
            counted = start
            yield start, match.end(), number, match.group(), match.lastgroup
        return
    start = 0
    for offset, line in enumerate(body.split("\n")):
        yield start, start + len(line), first_line + offset, line, None
        start += len(line) + 1


def split_slides(body: str, first_line: int, separators: Separators, path: Path) -> list[list[SlideText]]:
    """Split the deck body into stacks (horizontal) of slides (vertical), ignoring separators inside code."""
    stacks: list[list[SlideText]] = [[]]
    content_start, slide_line = 0, first_line
    notes_line: tuple[int, int, str] | None = None  # (marker line start, marker line end, text after marker)
    fence: tuple[str, int, int] | None = None  # (fence characters, length, line opened)

    def close_slide(stop: int) -> None:
        # stop: where the separator line starts (len(body) + 1 at the end): the slide is what comes before it.
        content_end = notes_line[0] if notes_line else stop
        content = body[content_start : max(content_start, content_end - 1)]
        notes = None
        if notes_line is not None:
            notes = notes_line[2] + body[notes_line[1] : max(notes_line[1], stop - 1)]
        stacks[-1].append(SlideText(content, notes, slide_line))

    for start, end, number, line, hint in _lines_of_interest(body, separators, first_line):
        if fence is not None and hint not in (None, "fence"):
            continue  # inside code only a fence can matter
        match = _FENCE.match(line) if hint in (None, "fence") else None
        if fence is not None:
            if match and match["fence"][0] == fence[0] and len(match["fence"]) >= fence[1] and not match["info"].strip():
                fence = None
            continue
        if match and not (match["fence"][0] == "`" and "`" in match["info"]):
            fence = (match["fence"][0], len(match["fence"]), number)
            continue
        kind = separators.kind(line)
        if kind is not None:
            close_slide(start)
            if kind == "h":
                stacks.append([])
            content_start, slide_line, notes_line = min(end + 1, len(body)), number + 1, None
            continue
        if notes_line is None:
            cut = separators.notes_start(line)
            if cut is not None:
                notes_line = (start, end, line[cut:].lstrip())
    if fence is not None:
        raise DeckError(
            f"code fence {fence[0] * fence[1]} opened here is never closed; add a closing {fence[0] * fence[1]} line",
            Location(path, fence[2]),
        )
    close_slide(len(body) + 1)
    stacks = [stack for stack in stacks if stack]
    if all(not s.markdown.strip() and not (s.notes or "").strip() for stack in stacks for s in stack):
        raise DeckError("deck has no slides: write Markdown after the front matter", Location(path, first_line))
    return _drop_trailing_empty(stacks)


def _drop_trailing_empty(stacks: list[list[SlideText]]) -> list[list[SlideText]]:
    # A separator at the very end of a file leaves an empty slide nobody wants.
    while stacks and len(stacks[-1]) == 1 and not stacks[-1][0].markdown.strip() and not stacks[-1][0].notes:
        stacks.pop()
    return stacks
