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

# Three slides, each with notes: the second has two fragment steps (three states).
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

Note: Notes of the steps, read after the last step.

---

## Last

The end of the deck.

Note: Notes of the last slide.
"""
SLIDES, FRAGMENT_PAGES, NOTES_PAGES = 3, 2, 3
A4, LETTER = (841.89, 595.28), (792.0, 612.0)  # landscape, in points


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
def test_notes_pages_come_after_the_last_step_and_name_their_slide(
    project: Path, tmp_path: Path, chromium_path: str
) -> None:
    out = tmp_path / "notes.pdf"
    assert main(["pdf", "talk", str(project), "-o", str(out), "--notes"]) == 0
    pages = _pages(out)
    assert len(pages) == SLIDES + FRAGMENT_PAGES + NOTES_PAGES
    kinds = ["notes" if "Notes of" in page else "slide" for page in pages]
    assert kinds == ["slide", "notes", "slide", "slide", "slide", "notes", "slide", "notes"]
    assert "step two" in pages[4] and "Notes of the steps, read after the last step." in pages[5]
    # Each notes page says which slide it belongs to: its number and its title.
    for page, (number, title) in zip([pages[1], pages[5], pages[7]], [(1, "Printed title"), (2, "Steps"),
                                                                     (3, "Last")], strict=True):
        assert f"Slide {number} of 3" in page and title in page.splitlines()[1]
    assert "Slide 3" in pages[7] and "Last" in pages[7] and "Notes of the last slide." in pages[7]
    # Readable: reveal.js's own notes pages were 13.5 pt on this 749 pt wide page, its slides' text 31.5 pt.
    sizes = _text_sizes(out, 7)
    assert min(size for text, size in sizes if "Notes of the last slide" in text) >= 16
    assert all(size < 31 for _, size in sizes)


@pytest.mark.browser
@pytest.mark.parametrize(("paper", "size"), [("a4", A4), ("letter", LETTER)])
def test_paper_scales_each_slide_onto_a_sheet(
    project: Path, tmp_path: Path, chromium_path: str, paper: str, size: tuple[float, float]
) -> None:
    from pypdf import PdfReader

    out = tmp_path / f"{paper}.pdf"
    assert main(["pdf", "talk", str(project), "-o", str(out), "--notes", "--paper", paper]) == 0
    reader = PdfReader(out)
    assert len(reader.pages) == SLIDES + FRAGMENT_PAGES + NOTES_PAGES  # one sheet each: nothing spills over
    for page in reader.pages:
        assert abs(float(page.mediabox.width) - size[0]) < 1 and abs(float(page.mediabox.height) - size[1]) < 1
    texts = [page.extract_text() for page in reader.pages]
    assert "A paragraph on the first slide." in texts[0] and "Slide 3 of 3" in texts[-1]
    # The slide is scaled up to the sheet (reveal.js's page is 749 pt wide): its title grows with it.
    plain = tmp_path / "plain.pdf"
    assert main(["pdf", "talk", str(project), "-o", str(plain), "--no-fragments"]) == 0
    title = dict(_text_sizes(plain, 0))["PRINTED TITLE"]
    assert dict(_text_sizes(out, 0))["PRINTED TITLE"] == pytest.approx(title * size[0] / 749, rel=0.04)


def test_unknown_paper_is_refused(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["pdf", "talk", str(project), "--paper", "a3"])
    assert "invalid choice: 'a3'" in capsys.readouterr().err


def _text_sizes(path: Path, index: int) -> list[tuple[str, float]]:
    """Each piece of text on a page with its size in points, as drawn."""
    from pypdf import PdfReader

    sizes: list[tuple[str, float]] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.strip():
            sizes.append((text.strip(), round(size * tm[0] * cm[0], 1)))

    PdfReader(path).pages[index].extract_text(visitor_text=visit)
    return sizes


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
    # A DECKGEN_CHROMIUM that points nowhere is an error wherever a browser may be used, a plain build too.
    for args in (["pdf", "talk", str(project)], ["build", str(project), "--pdf"],
                 ["build", str(project), "--thumbnails"], ["build", str(project)]):
        run = _run(args, env, tmp_path)
        assert run.returncode == 1, run
        assert "Traceback" not in run.stderr and run.stderr.count("\n") == 1
        assert run.stderr.startswith(f"error: DECKGEN_CHROMIUM={missing} does not exist: set DECKGEN_CHROMIUM to ")
    assert not (project / "build").exists() and not (tmp_path / "talk.pdf").exists()
    # Without Playwright: the same advice.
    run = _run(["pdf", "talk", str(project)], dict(os.environ), tmp_path, hide_playwright=True)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert run.stderr.strip() == (
        "error: PDF export needs Playwright and Chromium: install them with pip install 'deckgen-reveal[pdf]' and "
        "apt-get install chromium (or set DECKGEN_CHROMIUM to a Chromium executable)"
    )
    # No Chromium anywhere (an empty PATH and HOME): pdf names the fix, a plain build goes on with text cards.
    for folder in ("bin", "home"):
        (tmp_path / folder).mkdir()
    nowhere = {name: value for name, value in os.environ.items()
               if name not in ("DECKGEN_CHROMIUM", "PLAYWRIGHT_BROWSERS_PATH", "XDG_CACHE_HOME")}
    nowhere.update(PATH=str(tmp_path / "bin"), HOME=str(tmp_path / "home"))
    run = _run(["pdf", "talk", str(project)], nowhere, tmp_path)
    assert run.returncode == 1 and "PDF export needs Chromium, which was not found" in run.stderr
    assert "apt-get install chromium" in run.stderr and "pip install 'deckgen-reveal[pdf]'" in run.stderr
    run = _run(["build", str(project)], nowhere, tmp_path)
    assert run.returncode == 0, run.stderr
    index = (project / "build" / "index.html").read_text()
    assert index.count("deck-picture-text") == 2 and "thumbnail" not in index
