"""PDF export: `deckgen pdf` and `deckgen build --pdf` print reveal.js's print view in the system Chromium."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from browser_helpers import private_cache
from projects import make_project

from deckgen.cli import main
from deckgen.commands.build import build

# Three slides: the second has two fragment steps (three states), the first and third have notes.
DECK = """---
title: Printing
---
# Printed title

A paragraph on the first slide.

Note: Notes of the first slide.

---

## Steps

- always shown
- step one <!-- .element: class="fragment" -->
- step two <!-- .element: class="fragment" -->

---

## Last

The end of the deck.

Note: Notes of the last slide.
"""
SLIDES, FRAGMENT_PAGES, NOTES_PAGES = 3, 2, 2


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    private_cache(tmp_path, monkeypatch)
    return make_project(tmp_path / "project", {"slides/talk.md": DECK, "slides/other.md": "# Other\n"})


def _pages(path: Path) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(path).pages]


@pytest.mark.browser
def test_pdf_pages_follow_fragments_and_notes(project: Path, tmp_path: Path, chromium_path: str, capsys) -> None:
    out = tmp_path / "out"
    assert main(["pdf", "talk", str(project), "-o", str(out / "steps.pdf")]) == 0
    steps = _pages(out / "steps.pdf")
    assert len(steps) == SLIDES + FRAGMENT_PAGES
    assert "A paragraph on the first slide." in steps[0]
    # The second slide is printed three times: no step shown, then one more step on each page.
    assert all("steps" in page.lower() for page in steps[1:4]) and "steps" not in steps[4].lower()
    assert f"wrote {out / 'steps.pdf'} ({SLIDES + FRAGMENT_PAGES} pages)" in capsys.readouterr().out

    assert main(["pdf", "talk", str(project), "-o", str(out / "flat.pdf"), "--no-fragments"]) == 0
    flat = _pages(out / "flat.pdf")
    assert len(flat) == SLIDES
    assert "The end of the deck." in flat[2]

    assert main(["pdf", "talk", str(project), "-o", str(out / "notes.pdf"), "--no-fragments", "--notes"]) == 0
    notes = _pages(out / "notes.pdf")
    assert len(notes) == SLIDES + NOTES_PAGES
    assert "Notes of the first slide." in notes[1] and "Notes of the first slide." not in notes[0]
    assert "Notes of the last slide." in notes[-1]


@pytest.mark.browser
def test_pdf_default_name_and_every_deck(project: Path, tmp_path: Path, chromium_path: str, monkeypatch) -> None:
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    assert main(["pdf", str(project / "slides" / "talk.md"), str(project)]) == 0  # a deck named by its file
    assert len(_pages(here / "talk.pdf")) == SLIDES + FRAGMENT_PAGES
    monkeypatch.chdir(project)
    assert main(["pdf", "-o", str(here / "all")]) == 0
    assert sorted(p.name for p in (here / "all").iterdir()) == ["other.pdf", "talk.pdf"]
    assert len(_pages(here / "all" / "other.pdf")) == 1


@pytest.mark.browser
def test_build_pdf_writes_each_deck_and_links_it(project: Path, chromium_path: str, caplog) -> None:
    build(project, pdf=True, thumbnails=False)
    out = project / "build"
    assert len(_pages(out / "talk" / "talk.pdf")) == SLIDES + FRAGMENT_PAGES
    assert len(_pages(out / "other" / "other.pdf")) == 1
    index = (out / "index.html").read_text()
    assert 'href="talk/talk.pdf"' in index and 'href="other/other.pdf"' in index
    first = (out / "talk" / "talk.pdf").read_bytes()
    # Unchanged decks are not printed again; an edited one is.
    with caplog.at_level(logging.INFO, logger="deckgen"):
        build(project, pdf=True, thumbnails=False)
        assert "PDFs: 0 printed, 2 from the cache" in caplog.messages
        assert (out / "talk" / "talk.pdf").read_bytes() == first
        (project / "slides" / "other.md").write_text("# Other\n\n---\n\n# Two\n")
        build(project, pdf=True, thumbnails=False)
        assert "PDFs: 1 printed, 1 from the cache" in caplog.messages
    assert len(_pages(out / "other" / "other.pdf")) == 2
    build(project, thumbnails=False)  # without --pdf, no PDF and no link
    assert not (out / "talk" / "talk.pdf").exists() and "talk.pdf" not in (out / "index.html").read_text()


def test_unknown_deck_names_the_decks(project: Path, capsys) -> None:
    assert main(["pdf", "nope", str(project)]) == 1
    err = capsys.readouterr().err
    assert "no deck named 'nope'" in err and "(decks: other, talk)" in err


def _run(args: list[str], env: dict[str, str], cwd: Path, *, hide_playwright: bool = False):
    hide = "sys.modules['playwright'] = None; " if hide_playwright else ""
    code = f"import sys; {hide}from deckgen.cli import main; sys.exit(main({args!r}))"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=cwd,
                          timeout=120)


def test_without_chromium_the_error_names_the_fix(project: Path, tmp_path: Path) -> None:
    missing = str(tmp_path / "no-chromium")
    env = {**os.environ, "DECKGEN_CHROMIUM": missing}
    for args in (["pdf", "talk", str(project)], ["build", str(project), "--pdf"],
                 ["build", str(project), "--thumbnails"]):
        run = _run(args, env, tmp_path)
        assert run.returncode == 1, run
        assert "Traceback" not in run.stderr
        assert f"DECKGEN_CHROMIUM={missing} is not a file" in run.stderr
        assert "apt-get install chromium" in run.stderr and "pip install 'deckgen-reveal[pdf]'" in run.stderr
    assert not (project / "build").exists() and not (tmp_path / "talk.pdf").exists()
    # Without Playwright: the same advice.
    run = _run(["pdf", "talk", str(project)], dict(os.environ), tmp_path, hide_playwright=True)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert run.stderr.strip() == (
        "error: PDF export needs Playwright and Chromium: install them with pip install 'deckgen-reveal[pdf]' and "
        "apt-get install chromium (or set DECKGEN_CHROMIUM to a Chromium executable)"
    )
    # A plain build without a browser still works: its index has text cards.
    run = _run(["build", str(project)], env, tmp_path)
    assert run.returncode == 0, run.stderr
    index = (project / "build" / "index.html").read_text()
    assert index.count("deck-picture-text") == 2 and "thumbnail" not in index
