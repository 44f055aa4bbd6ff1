"""Slide separators: deckgen's default lines (`---`, `--`, `----`, `Note:`), and a deck's own regular expressions,
matched on the whole text as reveal.js's markdown plugin matches them (`^\\n\\n\\n` works: three blank lines a
slide), except inside fenced code, where a separator is text.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import NamedTuple

from deckgen.errors import Location, warn_once

log = logging.getLogger(__name__)
Locate = Callable[[int], Location]  # a line of the text split -> where it was written

_DEFAULT_NOTES = re.compile(r"^\s*notes?:", re.IGNORECASE)
# When a deck gives only some of its separators, the others keep deckgen's defaults, written as regexes.
_DEFAULT_HORIZONTAL = re.compile(r"^[ \t]*---[ \t]*$", re.MULTILINE)
_DEFAULT_VERTICAL = re.compile(r"^[ \t]*(?:--|----)[ \t]*$", re.MULTILINE)
FENCE_LINE = re.compile(r"^(?P<indent>[ \t]*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$", re.MULTILINE)


def opens_fence(fence: str, info: str) -> bool:
    """Whether a fence line opens code (CommonMark: a backtick fence has no backtick in its info string)."""
    return not (fence[0] == "`" and "`" in info)


def closes_fence(opened: str, fence: str, info: str) -> bool:
    """Whether a fence line closes the code opened by opened: the same character, at least as long, no info."""
    return fence[0] == opened[0] and len(fence) >= len(opened) and not info.strip()


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

    @property
    def custom(self) -> bool:
        """Whether the deck gives its own separators: then they are matched on the whole text, as reveal.js does."""
        return self.horizontal is not None or self.vertical is not None or self.notes is not None

    def kind(self, line: str) -> str | None:
        """Return 'h' or 'v' when line is a default separator line."""
        stripped = line.strip()
        if stripped == "---":
            return "h"
        if stripped in ("--", "----"):
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




@dataclass(frozen=True)
class Unclosed:
    """A code fence that is never closed: where it opens."""

    fence: str
    line: int

    def warn(self, locate: Locate) -> int:
        """Log that the fence is text for splitting; return its line."""
        warn_once(log, locate(self.line), f"code fence {self.fence} opened here is never closed: the slide's "
                  f"separators still cut it, as in reveal.js, and the rest of its slide is code; add a closing "
                  f"{self.fence} line")
        return self.line


def fenced_code(body: str, first_line: int, locate: Locate, cut: re.Pattern[str]) -> list[tuple[int, int]]:
    """The (start, end) offsets of every fenced code block, fences included.

    A fence never closed ends where cut (the separators) next matches, as reveal.js cuts there, with a warning.
    """
    spans: list[tuple[int, int]] = []
    opened: tuple[str, int, int] | None = None  # (fence, offset, line)
    line, counted, position = first_line, 0, 0
    while True:
        for match in FENCE_LINE.finditer(body, position):
            fence = match["fence"]
            line += body.count("\n", counted, match.start())
            counted = match.start()
            if opened is None:
                if opens_fence(fence, match["info"]):
                    opened = (fence, match.start(), line)
            elif closes_fence(opened[0], fence, match["info"]):
                spans.append((opened[1], match.end()))
                opened = None
        if opened is None:
            return spans
        Unclosed(opened[0], opened[2]).warn(locate)
        stop = cut.search(body, body.find("\n", opened[1]) if "\n" in body[opened[1] :] else len(body))
        position = stop.start() if stop else len(body)
        spans.append((opened[1], position))
        line, counted, opened = opened[2], opened[1], None
        if position >= len(body):
            return spans


def _inside(spans: list[tuple[int, int]], offset: int) -> bool:
    return any(start < offset < end for start, end in spans)


def split_by_patterns(body: str, first_line: int, separators: Separators, locate: Locate) -> list[list[SlideText]]:
    """Split as reveal.js's slidify does: one regex of both separators over the whole text, each match a
    horizontal or a vertical break, then each slide's notes from the first notes match."""
    horizontal = separators.horizontal or _DEFAULT_HORIZONTAL
    vertical = separators.vertical or _DEFAULT_VERTICAL
    both = re.compile(f"(?:{horizontal.pattern})|(?:{vertical.pattern})", re.MULTILINE)
    is_horizontal = re.compile(horizontal.pattern)  # as reveal.js tests a match: without the multiline flag
    code = fenced_code(body, first_line, locate, both)
    notes = separators.notes or _DEFAULT_NOTES
    notes = re.compile(notes.pattern, notes.flags | re.MULTILINE | re.IGNORECASE)
    stacks: list[list[SlideText]] = [[]]
    start = 0
    for match in both.finditer(body):
        if match.end() == match.start() or _inside(code, match.start()):
            continue
        stacks[-1].append(_slide(body, start, match.start(), first_line, notes, code))
        if is_horizontal.search(match.group(0)):
            stacks.append([])
        start = match.end()
    stacks[-1].append(_slide(body, start, len(body), first_line, notes, code))
    return stacks


def _slide(body: str, start: int, end: int, first_line: int, notes: re.Pattern[str],
           code: list[tuple[int, int]]) -> SlideText:
    text = body[start:end]
    line = first_line + body.count("\n", 0, start + len(text) - len(text.lstrip("\n")))
    for marker in notes.finditer(text):
        if not _inside(code, start + marker.start()):
            return SlideText(text[: marker.start()].strip("\n"), text[marker.end() :].lstrip(" \t"), line)
    return SlideText(text.strip("\n"), None, line)
