"""Property tests (Hypothesis) over mutated real decks: whatever the input, a build exits 0 or 1 with a message and
no traceback, leaves the previous build/ exactly as it was when it fails, and takes bounded time; every rendered
slide keeps its HTML inside its slide."""

from __future__ import annotations

import contextlib
import io
import re
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from mutations import dialect_text, fuzz_project_files, mutated_deck
from projects import make_project, snapshot

from deckgen.cli import main
from deckgen.dialect.attributes import scan_tags
from deckgen.dialect.balance import balance
from deckgen.dialect.render import render_slide
from deckgen.dialect.split import Separators, split_slides
from deckgen.errors import DeckError

# Deterministic in the suite (the same examples every run); benchmarks/fuzz_build.py explores at random.
FAST = settings(max_examples=200, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
BUILDS = settings(max_examples=40, deadline=None, derandomize=True,
                  suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


@FAST
@given(dialect_text())
def test_rendering_never_fails_and_keeps_the_html_inside_the_slide(markdown: str) -> None:
    started = time.perf_counter()
    try:
        stacks = split_slides(markdown, 1, Separators(), Path("deck.md"))
    except DeckError:
        return  # a deck with no slides: a message for the user
    for stack in stacks:
        for slide in stack:
            rendered = render_slide(slide.markdown, slide.notes, False)
            if rendered.problems:
                continue  # an error for the user, naming the slide
            for html in (rendered.html, rendered.notes_html):
                assert balance(html).repaired == ()  # nothing left open, no stray closing tag
                assert "<!-- .element" not in html and "<!-- .slide" not in html
    assert time.perf_counter() - started < 2.0


@FAST
@given(dialect_text())
def test_the_tag_scan_sees_every_tag_once_in_order(markdown: str) -> None:
    html = render_slide(markdown, None, False).html
    starts = [tag.start() for tag in scan_tags(html)]
    assert starts == sorted(set(starts))


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = make_project(tmp_path_factory.mktemp("fuzz"), fuzz_project_files())
    assert main(["build", str(root), "--no-thumbnails"]) == 0
    return root


@BUILDS
@given(mutated_deck())
def test_a_mutated_deck_builds_or_fails_cleanly(project: Path, text: str) -> None:
    deck = project / "slides" / "fuzzed.md"
    deck.write_text(text, encoding="utf-8", errors="surrogatepass")
    before = snapshot(project / "build")
    stderr = io.StringIO()
    started = time.perf_counter()
    with contextlib.redirect_stderr(stderr):
        status = main(["build", str(project), "--no-thumbnails"])  # anything but a DeckgenError propagates here
    elapsed = time.perf_counter() - started
    assert status in (0, 1)
    assert "Traceback" not in stderr.getvalue()
    if status == 1:
        assert snapshot(project / "build") == before
        assert re.search(r"\S+:\d+", stderr.getvalue()), stderr.getvalue()  # names a file and line
    assert elapsed < 5.0
    deck.unlink()
