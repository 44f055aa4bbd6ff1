"""deckgen's small files (static/deckgen/ and small pinned package files) come inside each deck's page, with no
request for them; a file that names other files by relative URL, or would end its element early, stays linked."""

from __future__ import annotations

from pathlib import Path

from projects import make_project

from deckgen.commands.build import build

DECK = "# T\n\n```python\nx = 1\n```\n"


def _page(out: Path) -> str:
    return (out / "talk" / "index.html").read_text(encoding="utf-8")


def test_deckgen_files_and_a_small_highlight_theme_are_in_the_page(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", {"slides/talk.md": DECK})
    build(project, tmp_path / "out")
    html = _page(tmp_path / "out")
    own_css = (tmp_path / "out/static/deckgen/deck.css").read_text(encoding="utf-8")
    theme = (tmp_path / "out/vendor/reveal.js/dist/plugin/highlight/monokai.css").read_text(encoding="utf-8")
    assert f'<style data-href="../static/deckgen/deck.css">{own_css}</style>' in html
    assert f'<style data-href="../vendor/reveal.js/dist/plugin/highlight/monokai.css">{theme}</style>' in html
    assert '<script data-src="../static/deckgen/highlight.js">' in html
    # The theme (fonts by url()) and reveal.js itself stay linked; the files are still written for other uses.
    assert '<link rel="stylesheet" href="../vendor/reveal.js/dist/theme/black.css" id="theme">' in html
    assert '<script src="../vendor/reveal.js/dist/reveal.js"></script>' in html
    assert (tmp_path / "out/static/deckgen/highlight.js").is_file()


def test_a_highlight_theme_with_an_image_stays_linked(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", {"slides/talk.md": "---\nhighlightTheme: brown-paper\n---\n" + DECK})
    build(project, tmp_path / "out")
    html = _page(tmp_path / "out")
    assert '<link rel="stylesheet" href="../vendor/highlight.js/styles/brown-paper.min.css">' in html
    assert (tmp_path / "out/vendor/highlight.js/styles/brown-papersq.png").is_file()


def test_the_projects_own_files_of_those_names(tmp_path: Path) -> None:
    """A project's static/deckgen/deck.css replaces deckgen's in the page; with a url() it is linked instead."""
    project = make_project(tmp_path / "p", {
        "slides/talk.md": DECK,
        "static/deckgen/deck.css": ".reveal h1 { color: rgb(1, 2, 3); }\n",
        "static/deckgen/highlight.js": "window.DeckgenHighlight = {id: 'mine'}; // </SCRIPT> in a comment\n",
    })
    build(project, tmp_path / "out")
    html = _page(tmp_path / "out")
    assert '<style data-href="../static/deckgen/deck.css">.reveal h1 { color: rgb(1, 2, 3); }\n</style>' in html
    assert '<script src="../static/deckgen/highlight.js"></script>' in html  # "</script" would end the element
    (project / "static/deckgen/deck.css").write_text(".reveal { background: url(bg.png); }\n")
    (project / "static/deckgen/bg.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    build(project, tmp_path / "out")
    html = _page(tmp_path / "out")
    assert '<link rel="stylesheet" href="../static/deckgen/deck.css">' in html and "url(bg.png)" not in html


def test_the_projects_own_stylesheets_stay_linked(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", {
        "slides/talk.md": "---\ncss: talk.css\nhighlightTheme: mine.css\n---\n" + DECK,
        "slides/talk.css": "h1 { color: red; }\n",
        "slides/mine.css": ".hljs { color: blue; }\n",
    })
    build(project, tmp_path / "out")
    html = _page(tmp_path / "out")
    assert '<link rel="stylesheet" href="../files/slides/talk.css">' in html
    assert '<link rel="stylesheet" href="../files/slides/mine.css">' in html
