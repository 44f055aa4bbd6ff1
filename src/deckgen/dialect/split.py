"""Cut a deck's Markdown into horizontal stacks of vertical slides, and each slide into content and notes."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from deckgen.dialect.deadline import DeadlineExceeded, run_with_deadline
from deckgen.dialect.separators import (
    FENCE_LINE,
    Locate,
    Separators,
    SlideText,
    Unclosed,
    closes_fence,
    opens_fence,
    split_by_patterns,
)
from deckgen.errors import DeckError, Location

# With the default separators and notes marker, only lines like these can matter; the rest is found in C.
# The line is whole in the match, and its group says what it can be.
_CANDIDATE = re.compile(
    r"^(?:(?P<separator>[ \t]*-{2,4}[ \t]*)|(?P<fence>[ \t]*(?:`{3,}|~{3,}).*)|(?P<notes>[ \t]*notes?:.*))$",
    re.MULTILINE | re.IGNORECASE,
)


REGEX_SECONDS = 2.0  # a deck's own separators must split it in this time


def split_slides(
    body: str, first_line: int, separators: Separators, path: Path, *, regex_at: Location | None = None,
    locate: Locate | None = None,
) -> list[list[SlideText]]:
    """Split the deck body into stacks (horizontal) of slides (vertical), ignoring separators inside code.

    A fence that is never closed is no fence for splitting, as in reveal.js: the next separator still cuts the
    slide (whose rest is code, as the author saw it), with a warning naming the fence's line.
    """
    locate = locate or _FileLines(path)
    if separators.custom:
        try:
            stacks = run_with_deadline(REGEX_SECONDS, split_by_patterns, body, first_line, separators, locate)
        except DeadlineExceeded:
            raise DeckError(
                f"the deck's separator regexes took more than {REGEX_SECONDS:g} s on this deck and were stopped "
                "(a pattern like (a+)+ backtracks without end); simplify separator, verticalSeparator or "
                "notesSeparator", regex_at or locate(first_line)) from None
        return _checked(stacks, locate, first_line)
    unclosed: set[int] = set()
    while True:
        stacks = _split_lines(body, first_line, separators, unclosed)
        if isinstance(stacks, Unclosed):
            unclosed.add(stacks.warn(locate))
            continue
        return _checked(stacks, locate, first_line)


@dataclass(frozen=True)
class _FileLines:
    """Lines of one file, numbered as in the file (picklable, for the deadline's worker process)."""

    path: Path

    def __call__(self, line: int) -> Location:
        return Location(self.path, line)


def _split_lines(
    body: str, first_line: int, separators: Separators, unclosed: set[int]
) -> list[list[SlideText]] | Unclosed:
    """Split with deckgen's default separator lines; a fence opened on a line of unclosed ends at the next one."""
    stacks: list[list[SlideText]] = [[]]
    content_start, slide_line = 0, first_line
    notes_line: tuple[int, int, str] | None = None  # (marker line start, marker line end, text after marker)
    fence: tuple[str, int] | None = None  # (fence, line opened)

    def close_slide(stop: int) -> None:
        # stop: where the separator line starts (len(body) + 1 at the end): the slide is what comes before it.
        content_end = notes_line[0] if notes_line else stop
        content = body[content_start : max(content_start, content_end - 1)]
        notes = None
        if notes_line is not None:
            notes = notes_line[2] + body[notes_line[1] : max(notes_line[1], stop - 1)]
        stacks[-1].append(SlideText(content, notes, slide_line))

    # One pass over the candidate lines only (a 2000-slide deck has 8000; serve splits the deck again on every
    # save). A separator candidate always is a separator; only a fence candidate can
    # open or close code; only a notes candidate can start notes.
    number, counted, count = first_line, 0, body.count
    for found in _CANDIDATE.finditer(body):
        start = found.start()
        number += count("\n", counted, start)
        counted = start
        hint, line = found.lastgroup, found.group()
        if hint == "separator":
            if fence is not None:
                if fence[1] not in unclosed:
                    continue  # inside code only a fence can matter
                fence = None  # a fence never closed ends at the next separator, as reveal.js cuts there
            close_slide(start)
            if separators.kind(line) == "h":
                stacks.append([])
            content_start, slide_line, notes_line = min(found.end() + 1, len(body)), number + 1, None
        elif hint == "fence":
            match = FENCE_LINE.match(line)
            if fence is not None:
                if match and closes_fence(fence[0], match["fence"], match["info"]):
                    fence = None
            elif match and opens_fence(match["fence"], match["info"]):
                fence = (match["fence"], number)
        elif fence is None and notes_line is None:
            cut = separators.notes_start(line)
            if cut is not None:
                notes_line = (start, found.end(), line[cut:].lstrip())
    if fence is not None and fence[1] not in unclosed:
        return Unclosed(fence[0], fence[1])
    close_slide(len(body) + 1)
    return stacks


def _checked(stacks: list[list[SlideText]], locate: Locate, first_line: int) -> list[list[SlideText]]:
    stacks = [stack for stack in stacks if stack]
    if all(not s.markdown.strip() and not (s.notes or "").strip() for stack in stacks for s in stack):
        raise DeckError("deck has no slides: write Markdown after the front matter", locate(first_line))
    return _drop_trailing_empty(stacks)


def _drop_trailing_empty(stacks: list[list[SlideText]]) -> list[list[SlideText]]:
    # A separator at the very end of a file leaves an empty slide nobody wants.
    while stacks and len(stacks[-1]) == 1 and not stacks[-1][0].markdown.strip() and not stacks[-1][0].notes:
        stacks.pop()
    return stacks
