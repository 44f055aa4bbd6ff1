"""reveal-md's settings files (reveal-md.json, reveal.json) in the project folder: every deck's lowest layer."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from projects import PNG, make_project, slides_of, snapshot

from deckgen.cli import main
from deckgen.commands.build import build
from deckgen.config.options import deck_options, load_site_config
from deckgen.config.yamlfile import YamlDoc
from deckgen.live.livesite import LiveSite

REVEAL_MD_JSON = """{
  "separator": "^=====",
  "verticalSeparator": "^~~~~~",
  "theme": "solarized",
  "highlightTheme": "base16/zenburn",
  "css": "a.css, b.css",
  "port": 8000,
  "assetsDir": "_assets",
  "preprocessor": "preproc.js"
}
"""
DECK = "# One\n\n=====\n\n# Two\n\n~~~~~\n\n# Two below\n\n=====\n\n# Three\n"


def _options(project: Path, front_matter: dict | None = None):
    site = load_site_config(project)
    return deck_options(YamlDoc(project / "slides" / "d.md", front_matter or {}, {}, 1), site)


def test_reveal_md_json_shapes_every_deck(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    project = make_project(tmp_path, {
        "reveal-md.json": REVEAL_MD_JSON,
        "reveal.json": '{\n  "transition": "fade",\n  "slideNumber": true\n}\n',
        "a.css": "h1 { color: red }\n", "b.css": "h2 { color: blue }\n",
        "slides/d.md": DECK,
        "slides/e.md": "---\ntheme: white\ntransition: zoom\n---\n" + DECK,
    })
    with caplog.at_level(logging.WARNING):
        build(project)
    d = (project / "build" / "d" / "index.html").read_text()
    e = (project / "build" / "e" / "index.html").read_text()
    # The separators of reveal-md.json cut the deck: three stacks, the second with a slide below.
    assert len(re.findall(r"<section", slides_of(d))) == 5 and "=====" not in d and "~~~~~" not in d
    assert 'theme/solarized.css" id="theme"' in d and "zenburn" in d
    assert 'href="../files/a.css"' in d and 'href="../files/b.css"' in d  # reveal-md's comma-separated list
    assert re.search(r'var options = \{[^\n]*"transition": "fade"', d) and '"slideNumber": true' in d
    # A deck's front matter wins over both files.
    assert 'theme/white.css" id="theme"' in e and '"transition": "zoom"' in e and '"slideNumber": true' in e
    # The preprocessor cannot run: a warning naming the file and line, once for the whole site.
    warnings = [r.getMessage() for r in caplog.records if "preprocessor" in r.getMessage()]
    assert len(warnings) == 1 and warnings[0].startswith(f"{project / 'reveal-md.json'}:9: warning:")
    # reveal-md's server settings shape no deck: no word about them.
    assert not [r for r in caplog.records if "port" in r.getMessage() or "assetsDir" in r.getMessage()]


def test_deckgen_yml_defaults_win_over_reveal_md_json(tmp_path: Path) -> None:
    project = make_project(tmp_path, {
        "reveal-md.json": '{"theme": "solarized", "separator": "^=====", "title": "From reveal-md"}',
        "deckgen.yml": "defaults:\n  theme: white\n",
        "slides/d.md": DECK,
    })
    options = _options(project)
    assert options.theme == "white" and options.separator.pattern == "^====="
    # reveal-md's title names its listing page: here the index, while each deck keeps its own title.
    assert options.title == "" and load_site_config(project).title == "From reveal-md"
    (project / "deckgen.yml").write_text("title: Mine\ndefaults:\n  theme: white\n")
    assert load_site_config(project).title == "Mine"
    assert _options(project, {"separator": "^~~~~"}).separator.pattern == "^~~~~"


def test_unknown_and_unreadable_keys_are_named(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    project = make_project(tmp_path, {
        "reveal-md.json": '{\n  "theme": "black",\n  "enableFragments": true\n}\n',
        "reveal.json": '{\n  "controls": true,\n  "contrls": false\n}\n',
        "reveal-md.json5": "{ // comments\n theme: 'white' }\n",
        "slides/d.md": DECK,
        "slides/e.md": DECK,
    })
    with caplog.at_level(logging.WARNING):
        load_site_config(project)
    messages = [r.getMessage() for r in caplog.records]
    assert f"{project / 'reveal-md.json'}:3: warning: unknown key 'enableFragments'" in messages
    assert any(m.startswith(f"{project / 'reveal.json'}:3: warning: revealOptions: 'contrls' is not a reveal.js "
                            "option; did you mean 'controls'?") for m in messages)
    assert any(m.startswith(f"{project / 'reveal-md.json5'}: warning: reveal-md.json5 is not read") for m in messages)
    # --strict: the warnings are errors, and nothing is built.
    assert main(["build", str(project), "--strict"]) == 1
    assert not (project / "build").exists()


@pytest.mark.parametrize(("name", "text", "where", "message"), [
    ("reveal-md.json", '{\n  "separator": "^---",\n  "theme": "black",,\n}\n', ":3:", "JSON syntax error"),
    ("reveal.json", "[1, 2]\n", ":1:", "expected a JSON object"),
    ("reveal-md.json", '{"separator": "(unclosed"}', ":1:", "separator"),
    ("reveal-md.json", '{"theme": 42}', ":1:", "theme"),
])
def test_bad_settings_are_errors_naming_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, text: str, where: str, message: str
) -> None:
    project = make_project(tmp_path, {"slides/d.md": DECK})
    assert main(["build", str(project)]) == 0
    before = snapshot(project / "build")
    (project / name).write_text(text)
    assert main(["build", str(project)]) == 1
    err = capsys.readouterr().err
    assert f"{name}{where}" in err and message in err and "Traceback" not in err
    assert snapshot(project / "build") == before


def test_windows_backslash_paths_resolve(tmp_path: Path) -> None:
    """Browsers read a backslash in a URL as a slash; decks written on Windows rely on it."""
    project = make_project(tmp_path, {
        "reveal-md.json": '{"css": ".\\\\assets\\\\custom.css"}',
        "assets/custom.css": "h1 { color: red }\n",
        "slides/img/cat.png": PNG,
        "slides/d.md": "# A\n\n![cat](.\\img\\cat.png)\n\n---\n\n"
                       '<!-- .slide: data-background=".\\img\\cat.png" -->\n# B\n',
    })
    build(project)
    page = (project / "build" / "d" / "index.html").read_text()
    assert 'src="../files/slides/img/cat.png"' in page
    assert 'data-background="../files/slides/img/cat.png"' in page
    assert 'href="../files/assets/custom.css"' in page
    assert (project / "build" / "files" / "slides" / "img" / "cat.png").read_bytes() == PNG


def test_missing_image_written_with_backslashes_names_its_line(tmp_path: Path, capsys) -> None:
    project = make_project(tmp_path, {"slides/d.md": "# A\n\ntext\n\nmore text\n\n![x](.\\img\\gone.png)\n"})
    assert main(["build", str(project)]) == 1
    assert "slides/d.md:7: image" in capsys.readouterr().err


def test_serve_rebuilds_when_reveal_md_json_changes(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", {"slides/d.md": DECK})
    live = LiveSite(project, tmp_path / "out")
    live.build_all()
    page = tmp_path / "out" / "d" / "index.html"
    assert len(re.findall(r"<section", slides_of(page.read_text()))) == 1
    settings = project / "reveal-md.json"
    assert settings.resolve() in live.watched_files()
    settings.write_text('{"separator": "^=====", "verticalSeparator": "^~~~~~"}')
    update = live.update({settings.resolve()})
    assert not update.errors
    assert len(re.findall(r"<section", slides_of(page.read_text()))) == 5
    settings.write_text('{"separator": ')  # a broken file: an error on the page, the last good deck kept
    update = live.update({settings.resolve()})
    assert update.errors and "reveal-md.json" in str(update.errors[0].location)
    assert len(re.findall(r"<section", slides_of(page.read_text()))) == 5


def test_warnings_about_site_settings_are_given_once(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """A key of deckgen.yml's defaults or of reveal-md.json is read for every deck but warned about once."""
    project = make_project(tmp_path, {
        "deckgen.yml": "defaults:\n  bogus: 1\nprofiles:\n  public:\n    bogus2: 2\n",
        "reveal-md.json": '{"bogus3": 3}',
        **{f"slides/{name}.md": DECK for name in "abc"},
    })
    with caplog.at_level(logging.WARNING):
        build(project, profile="public")
    for key in ("bogus", "bogus2", "bogus3"):
        assert sum(f"unknown key '{key}'" in r.getMessage() for r in caplog.records) == 1, key


def test_a_folder_among_the_stylesheets_is_left_out_with_one_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """reveal-md copies a folder listed in css (Polkadot Blockchain Academy lists its fonts/ so); deckgen leaves
    it out of the page, with a warning, and still copies the fonts the stylesheets use."""
    project = make_project(tmp_path, {
        "reveal-md.json": '{\n  "css": ["theme/fonts/", "theme/site.css"]\n}\n',
        "theme/site.css": '@font-face { font-family: F; src: url("fonts/f.woff2"); }\n',
        "theme/fonts/f.woff2": b"wOF2",
        "slides/a.md": DECK, "slides/b.md": DECK,
    })
    with caplog.at_level(logging.WARNING):
        build(project)
    page = (project / "build" / "a" / "index.html").read_text()
    assert 'href="../files/theme/site.css"' in page and "theme/fonts/" not in page
    assert (project / "build" / "files" / "theme" / "fonts" / "f.woff2").read_bytes() == b"wOF2"
    warned = [r.getMessage() for r in caplog.records if "is a folder" in r.getMessage()]
    assert len(warned) == 1 and warned[0].startswith(f"{project / 'reveal-md.json'}:2: warning:")


def test_reveal_md_precedence_and_defaults(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    """reveal-md.json's revealOptions win over reveal.json; where a reveal-md project sets nothing, reveal-md's
    defaults apply: "----" makes a vertical slide, "--" does not, code colours are zenburn."""
    project = make_project(tmp_path, {
        "reveal-md.json": '{\n  "revealOptions": {"transition": "fade"},\n  "preprocessor": false\n}\n',
        "reveal.json": '{"transition": "zoom", "controls": false}',
        "slides/d.md": "# One\n\n--\n\nstill one\n\n----\n\n# Below\n\n---\n\n# Two\n",
    })
    with caplog.at_level(logging.WARNING):
        build(project)
    page = (project / "build" / "d" / "index.html").read_text()
    assert '"transition": "fade"' in page and '"controls": false' in page
    assert len(re.findall(r"<section", slides_of(page))) == 4 and "still one" in page
    assert "zenburn" in page
    assert not caplog.records  # "preprocessor": false is reveal-md's own default: nothing to say


def test_line_of_a_key_is_its_top_level_one(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = make_project(tmp_path, {
        "reveal-md.json": '{\n  "revealOptions": {\n    "theme": "x"\n  },\n  "theme": 42\n}\n',
        "slides/d.md": DECK,
    })
    assert main(["build", str(project)]) == 1
    assert "reveal-md.json:5: key 'theme'" in capsys.readouterr().err


def test_backslashes_in_a_stylesheets_url_are_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A copied stylesheet keeps its text, and CSS reads url(img\\bg.png) with an escape: a broken background."""
    project = make_project(tmp_path, {
        "slides/d.md": "---\ncss: look.css\n---\n# A\n",
        "slides/look.css": "h1 {}\n.reveal { background: url(img\\bg.png) }\n",
        "slides/img/bg.png": PNG,
    })
    assert main(["build", str(project)]) == 1
    assert "look.css:2: CSS url() 'img\\\\bg.png' holds a backslash" in capsys.readouterr().err


def test_a_network_path_written_with_backslashes_is_left_as_written(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"slides/d.md": "# A\n\n<a href=\"\\\\server\\share\\doc.pdf\">doc</a>\n"})
    build(project)
    assert 'href="\\\\server\\share\\doc.pdf"' in (project / "build" / "d" / "index.html").read_text()
