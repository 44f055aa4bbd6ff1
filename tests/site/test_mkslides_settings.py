"""MkSlides' settings: mkslides.yml in the project folder and the slides:/revealjs:/plugins: blocks of a deck."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from projects import make_project, slides_of

from deckgen.cli import main
from deckgen.commands.build import build
from deckgen.live.livesite import LiveSite

MKSLIDES_YML = """index:
  title: Course slides
  favicon: favicon.ico
slides:
  theme: solarized
  highlight_theme: vs
  separator: ^\\s*---\\s*$
  separator_vertical: ^\\s*-v-\\s*$
  separator_notes: "^Speaker:"
  charset: utf-8
revealjs:
  height: 1080
  transition: fade
plugins:
  - name: RevealExtra
    extra_css:
      - assets/extra.css
    extra_javascript:
      - assets/extra.js
"""
DECK = "# One\n\n---\n\n# Two\n\n-v-\n\n# Two below\n\nSpeaker: the notes\n\n---\n\n# Three\n"


def _sections(page: Path) -> int:
    return len(re.findall(r"<section", slides_of(page.read_text())))


def test_mkslides_yml_shapes_every_deck(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    project = make_project(tmp_path, {
        "mkslides.yml": MKSLIDES_YML,
        "slides/assets/extra.css": "h1 { color: red }\n",
        "slides/assets/extra.js": "window.extra = 1;\n",
        "slides/a.md": DECK,
        "slides/b/index.md": "---\nslides:\n  theme: white\n  separator_vertical: ^~~$\nrevealjs:\n  height: 700\n---\n"
                             "# One\n\n---\n\n# Two\n\n~~\n\n# Two below\n",
    })
    with caplog.at_level(logging.WARNING):
        build(project)
    a = project / "build" / "a" / "index.html"
    b = project / "build" / "b" / "index.html"
    page = a.read_text()
    assert _sections(a) == 5 and "-v-" not in page  # three stacks, the second with one slide below
    assert '<aside class="notes">\n<p>the notes</p>' in page
    assert 'theme/solarized.css" id="theme"' in page and "styles/vs.min.css" in page
    options = re.search(r"var options = (\{.*\});", page)[1]
    # MkSlides' own defaults (history, slide numbers c/t) under the file's options.
    assert all(f in options for f in ('"history": true', '"slideNumber": "c/t"', '"height": 1080', '"fade"'))
    # A plugin's files are loaded (relative to slides/, as MkSlides reads them); its name is a warning, once.
    assert 'href="../files/slides/assets/extra.css"' in page and 'src="../files/slides/assets/extra.js"' in page
    named = [r.getMessage() for r in caplog.records if "RevealExtra" in r.getMessage()]
    assert len(named) == 1 and named[0].startswith(f"{project / 'mkslides.yml'}:14: warning:")
    # The deck's own blocks win over mkslides.yml; its other settings still apply.
    assert 'theme/white.css" id="theme"' in b.read_text() and _sections(b) == 4
    assert '"height": 700' in b.read_text() and '"transition": "fade"' in b.read_text()
    # index.title names the index page; the favicon and charset shape no slide and say nothing.
    assert "<title>Course slides</title>" in (project / "build" / "index.html").read_text()
    assert not [r for r in caplog.records if "favicon" in r.getMessage() or "charset" in r.getMessage()]


def test_deckgen_yml_wins_over_mkslides_yml(tmp_path: Path) -> None:
    project = make_project(tmp_path, {
        "mkslides.yml": MKSLIDES_YML,
        "deckgen.yml": "title: My talks\ndefaults:\n  theme: league\n",
        "slides/assets/extra.css": "", "slides/assets/extra.js": "",
        "slides/a.md": DECK,
    })
    build(project)
    assert 'theme/league.css" id="theme"' in (project / "build" / "a" / "index.html").read_text()
    assert "<title>My talks</title>" in (project / "build" / "index.html").read_text()


def test_what_cannot_be_carried_over_is_named(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    project = make_project(tmp_path, {
        "mkslides.yml": "slides:\n  template: page.jinja\n  preprocess_script: pre.py\n  colour: red\nnav: []\n",
        "slides/a.md": "---\nslides:\n  template: other.jinja\n---\n# A\n",
    })
    with caplog.at_level(logging.WARNING):
        build(project)
    messages = [r.getMessage() for r in caplog.records]
    yml, deck = project / "mkslides.yml", Path("slides") / "a.md"
    assert any(m.startswith(f"{yml}:2: warning: slides: 'template' is not carried over") for m in messages)
    assert any(m.startswith(f"{yml}:3: warning: slides: 'preprocess_script' is not carried over") for m in messages)
    assert any(m.startswith(f"{yml}:4: warning: slides: unknown MkSlides key 'colour'") for m in messages)
    assert any(m.startswith(f"{yml}:5: warning: unknown key 'nav'") for m in messages)
    assert any(str(deck) in m and ":3: warning: slides: 'template'" in m for m in messages)
    assert main(["build", str(project), "--strict", "-o", str(tmp_path / "strict")]) == 1
    assert not (tmp_path / "strict").exists()


def test_a_bad_value_is_an_error_naming_the_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = make_project(tmp_path, {
        "mkslides.yml": "slides:\n  theme: black\n  separator: '(unclosed'\n",
        "slides/a.md": "# A\n",
    })
    assert main(["build", str(project)]) == 1
    err = capsys.readouterr().err
    assert "mkslides.yml:3:" in err and "separator" in err and "Traceback" not in err


def test_serve_rebuilds_when_mkslides_yml_changes(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", {"slides/a.md": "# One\n\n-v-\n\n# Below\n"})
    live = LiveSite(project, tmp_path / "out")
    live.build_all()
    page = tmp_path / "out" / "a" / "index.html"
    assert _sections(page) == 1
    settings = project / "mkslides.yml"
    settings.write_text("slides:\n  separator_vertical: ^-v-$\n")
    update = live.update({settings.resolve()})
    assert not update.errors and _sections(page) == 3


@pytest.mark.parametrize(("files", "hint"), [
    ({"mkslides.yml": "slides: {}\n", "docs/a.md": "# A\n"}, "MkSlides keeps its decks in docs/: rename it slides/"),
    ({"reveal-md.json": "{}", "talk.md": "# A\n"}, "move the decks (.md files) into a slides/ folder"),
    ({"talk.md": "# A\n"}, "run `deckgen init` to start a project"),
])
def test_another_tools_project_without_slides_gets_its_own_advice(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], files: dict[str, str], hint: str
) -> None:
    project = make_project(tmp_path / "p", files)
    assert main(["build", str(project)]) == 1
    err = capsys.readouterr().err
    assert f"no slides/ folder in {project}: {hint}" in err and not (project / "build").exists()


@pytest.mark.parametrize("front_matter", [
    "revealOptions: x\nrevealjs:\n  height: 700\n",
    "revealOptions:\nrevealjs:\n  height: 700\n",
    "css: 5\nplugins:\n  - extra_css: [p.css]\n",
    "css:\nplugins:\n  - extra_css: [p.css]\n",
    "slides: just text\nplugins: [3, {extra_javascript: 7}]\n",
])
def test_odd_front_matter_is_an_error_or_a_warning_never_a_crash(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture, front_matter: str
) -> None:
    project = make_project(tmp_path, {"slides/a.md": f"---\n{front_matter}---\n# A\n", "slides/p.css": ""})
    with caplog.at_level(logging.WARNING):
        code = main(["build", str(project)])
    said = capsys.readouterr().err + "\n".join(r.getMessage() for r in caplog.records)
    assert "Traceback" not in said and "slides/a.md:" in said
    assert code == (0 if front_matter.startswith("slides") else 1)


@pytest.mark.parametrize("order", ["revealjs-first", "revealOptions-first"])
def test_both_reveal_blocks_merge_whatever_their_order(tmp_path: Path, order: str) -> None:
    blocks = ["revealjs:\n  height: 700\n", "revealOptions:\n  width: 900\n"]
    if order != "revealjs-first":
        blocks.reverse()
    project = make_project(tmp_path, {"slides/a.md": "---\n" + "".join(blocks) + "---\n# A\n"})
    build(project)
    page = (project / "build" / "a" / "index.html").read_text()
    assert '"height": 700' in page and '"width": 900' in page


@pytest.mark.parametrize("front_matter", [
    "css: [own.css]\nplugins:\n  - extra_css: [p.css]\n",
    "plugins:\n  - extra_css: [p.css]\ncss: own.css\n",
])
def test_a_plugins_stylesheets_stay_beside_the_decks_own(tmp_path: Path, front_matter: str) -> None:
    project = make_project(tmp_path, {
        "deckgen.yml": "defaults:\n  css: site.css\n",
        "slides/a.md": f"---\n{front_matter}---\n# A\n",
        "slides/own.css": "", "slides/p.css": "", "slides/site.css": "",
    })
    build(project)
    links = re.findall(r'<link rel="stylesheet" href="\.\./files/slides/([^"]+)"', (project / "build" / "a" /
                                                                                  "index.html").read_text())
    assert links == ["own.css", "p.css"]
