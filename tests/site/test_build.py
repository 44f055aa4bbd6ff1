"""deckgen build on whole projects: output layout, pages, index, references, atomic output."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from projects import PNG, REPO, make_project

from deckgen.cli import main
from deckgen.commands.build import build


def _slides(html: str) -> str:
    return html.split('<div class="slides">', 1)[1].rsplit("</div>\n</div>", 1)[0]


def test_site_layout_index_and_nojekyll(tmp_path: Path) -> None:
    project = make_project(tmp_path, {
        "deckgen.yml": "title: Workshop <2026>\ndescription: All the decks\n",
        "slides/alpha.md": "---\ntitle: Alpha & Omega\nauthor: <Ann>\ndate: 2026-01-02\n"
                           "description: First \"deck\"\n---\n# A\n\n---\n\n# B\n\n--\n\n# C\n",
        "slides/beta/index.md": "# Beta\n",
        "slides/beta/notes.md": "not a deck",
        "slides/_draft.md": "# hidden draft\n",
    })
    result = build(project)
    out = project / "build"
    assert result.out == out
    assert (out / ".nojekyll").exists()
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["alpha", "beta", "static", "vendor"]
    index = (out / "index.html").read_text()
    assert "<title>Workshop &lt;2026&gt;</title>" in index
    assert "Alpha &amp; Omega" in index and "&lt;Ann&gt;" in index and "First &#34;deck&#34;" in index
    assert "2026-01-02" in index
    assert '<span class="deck-count">3 slides</span>' in index
    assert '<span class="deck-count">1 slide</span>' in index
    assert 'href="alpha/index.html"' in index and 'href="beta/index.html"' in index and "draft" not in index
    page = (out / "alpha" / "index.html").read_text()
    assert "<title>Alpha &amp; Omega</title>" in page
    # Every link of a deck page is relative and resolves inside build/.
    for ref in re.findall(r'(?:src|href)="([^"]+)"', page):
        assert not ref.startswith(("/", "http")), ref
        assert (out / "alpha" / ref).resolve().is_file(), ref


def test_references_are_copied_once_and_rewritten(tmp_path: Path) -> None:
    project = make_project(tmp_path, {
        "img/shared.png": PNG,
        "static/logo.png": PNG,
        "slides/one.md": "![a](../img/shared.png)\n\n<img src=\"../static/logo.png\">\n\n"
                         "[two](two/index.md) [site](https://example.org/x.png)\n",
        "slides/two/index.md": "<!-- .slide: data-background-image=\"own.png\" -->\n"
                               "![b](../../img/shared.png)\n\n<video src=\"clip%20one.mp4\" poster=\"own.png\"></video>\n",
        "slides/two/own.png": PNG,
        "slides/two/clip one.mp4": b"\x00\x00",
    })
    build(project)
    out = project / "build"
    one = (out / "one" / "index.html").read_text()
    two = (out / "two" / "index.html").read_text()
    assert 'src="../files/img/shared.png"' in one and 'src="../files/img/shared.png"' in two
    assert 'src="../static/logo.png"' in one
    assert 'href="../two/index.html"' in one
    assert 'href="https://example.org/x.png"' in one
    assert 'data-background-image="../files/slides/two/own.png"' in two
    assert 'src="../files/slides/two/clip%20one.mp4"' in two and 'poster="../files/slides/two/own.png"' in two
    assert (out / "files" / "img" / "shared.png").read_bytes() == PNG
    assert (out / "files" / "slides" / "two" / "clip one.mp4").exists()
    copied = sorted(p.relative_to(out / "files").as_posix() for p in (out / "files").rglob("*") if p.is_file())
    assert copied == ["img/shared.png", "slides/two/clip one.mp4", "slides/two/own.png"]


def test_deck_css_and_its_urls_are_copied(tmp_path: Path) -> None:
    project = make_project(tmp_path, {
        "styles/deck.css": ".reveal { background: url('../img/bg.png'); }\n",
        "img/bg.png": PNG,
        "slides/d.md": "---\ncss: styles/deck.css\n---\n# D\n",
    })
    build(project)
    page = (project / "build" / "d" / "index.html").read_text()
    assert '<link rel="stylesheet" href="../files/styles/deck.css">' in page
    assert (project / "build" / "files" / "img" / "bg.png").exists()


def test_only_decks_with_math_get_katex(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"slides/plain.md": "# No math, $5 and $6\n"})
    build(project)
    out = project / "build"
    assert not (out / "vendor" / "katex").exists()
    assert "katex" not in (out / "plain" / "index.html").read_text()
    make_project(tmp_path, {"slides/maths.md": "# Math $x^2$\n"})
    build(project)
    assert (out / "vendor" / "katex").is_dir()
    assert "katex" in (out / "maths" / "index.html").read_text()
    assert "katex" not in (out / "plain" / "index.html").read_text()
    fonts = list((out / "vendor" / "katex").rglob("*.woff2"))
    assert fonts and not list((out / "vendor" / "katex").rglob("*.ttf"))


def test_deck_without_math_is_small(tmp_path: Path) -> None:
    body = "\n\n---\n\n".join(f"## Slide {i}\n\n- a\n- b\n\n```python\nx = {i}\n```" for i in range(50))
    project = make_project(tmp_path, {"slides/d.md": body})
    build(project)
    total = sum(p.stat().st_size for p in (project / "build").rglob("*") if p.is_file())
    assert total < 1.5 * 1024 * 1024, total


def test_theme_and_options_reach_the_page(tmp_path: Path) -> None:
    project = make_project(tmp_path, {
        "deckgen.yml": "defaults:\n  theme: white\n  controls: false\n",
        "slides/a.md": "---\nhighlightTheme: zenburn\nslideNumber: true\nrevealOptions:\n  transition: fade\n"
                       "  menu:\n    side: left\n---\n# A\n",
        "slides/b.md": "---\ntheme: league\n---\n# B\n",
    })
    build(project)
    a = (project / "build" / "a" / "index.html").read_text()
    b = (project / "build" / "b" / "index.html").read_text()
    assert 'theme/white.css" id="theme"' in a and "zenburn.css" in a
    assert 'theme/league.css" id="theme"' in b and "monokai.css" in b
    options = re.search(r"var options = (\{.*\});", a)[1]
    assert '"controls": false' in options and '"slideNumber": true' in options
    assert '"transition": "fade"' in options and '"menu": {"side": "left"}' in options
    # league imports Lato from the web; deckgen serves it locally.
    league = next((project / "build" / "vendor").rglob("league.css")).read_text()
    assert "@import" not in league and "http" not in league and ".woff2" in league


def test_title_slide_incremental_and_background(tmp_path: Path) -> None:
    project = make_project(tmp_path, {
        "slides/t.md": "---\ntitle: My <Talk>\nsubtitle: Sub\nauthor: Me\ndate: 2026-05-01\ntitleSlide: true\n"
                       "incremental: true\nbackground: \"#123456\"\n---\n- a\n- b\n\n---\n\n"
                       "<!-- .slide: data-background-color=\"red\" -->\n# Own\n",
    })
    build(project)
    html = _slides((project / "build" / "t" / "index.html").read_text())
    sections = re.findall(r"<section([^>]*)>", html)
    assert len(sections) == 3
    assert 'class="title-slide"' in sections[0] and 'data-background-color="#123456"' in sections[0]
    assert "<h1>My &lt;Talk&gt;</h1>" in html and "Sub" in html and "Me · 2026-05-01" in html
    assert html.count('<li class="fragment">') == 2
    assert 'data-background-color="red"' in sections[2] and "#123456" not in sections[2]


def test_cli_version_and_help() -> None:
    run = subprocess.run([sys.executable, "-m", "deckgen", "--version"], capture_output=True, text=True)
    assert run.returncode == 0 and run.stdout.startswith("deckgen ")
    run = subprocess.run([sys.executable, "-m", "deckgen", "build", "--help"], capture_output=True, text=True)
    assert "--strict" in run.stdout and "PROJECT_DIR" in run.stdout


def test_cli_build_reports_and_writes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = make_project(tmp_path / "p", {"slides/a.md": "# A\n"})
    assert main(["build", str(project), "-o", str(tmp_path / "site")]) == 0
    assert "built 1 deck into" in capsys.readouterr().out
    assert (tmp_path / "site" / "a" / "index.html").exists()


def test_repository_decks_build(tmp_path: Path) -> None:
    result = build(REPO, tmp_path / "site")
    names = [deck.name for deck in result.decks]
    assert "tour" in names and "quickstart" in names
