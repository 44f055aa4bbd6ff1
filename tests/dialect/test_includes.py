"""Includes: `--8<-- "path.md"` pulls another Markdown file into a deck before it is split into slides."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from projects import PNG, make_project

from deckgen.commands.build import build
from deckgen.errors import DeckgenError


def sections(out: Path, name: str) -> str:
    return (out / name / "index.html").read_text(encoding="utf-8").split('<div class="slides">')[1]


def test_an_included_part_brings_its_slides_separators_and_notes(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", {
        "slides/talk.md": '# Talk\n\n---\n\n--8<-- "_shared/outro.md"\n\n---\n\n# After\n',
        "slides/_shared/outro.md": "---\ntitle: ignored front matter of a part\n---\n## Thanks\n\nNote: say bye\n\n--\n\n"
                                   "## Contact\n\n![me](me.png)\n",
        "slides/_shared/me.png": PNG,
    })
    result = build(project, tmp_path / "out")
    deck = result.decks[0]
    assert [len(stack) for stack in deck.stacks] == [1, 2, 1]
    html = sections(tmp_path / "out", "talk")
    assert "<h2 id=\"thanks\">Thanks</h2>" in html and "<p>say bye</p>" in html and "ignored front matter" not in html
    # The image of the part is found next to the part, not next to the deck.
    assert 'src="../files/slides/_shared/me.png"' in html
    assert deck.parts == frozenset({(project / "slides/_shared/outro.md").resolve()})
    assert [d.name for d in result.decks] == ["talk"]  # _shared/ holds parts, not decks


def test_includes_nest_and_indent(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", {
        "slides/talk.md": "# T\n\n- intro\n  --8<-- '_parts/a.md'\n",
        "slides/_parts/a.md": "- from a\n--8<-- b.md",
        "slides/_parts/b.md": "- from b\n",
    })
    build(project, tmp_path / "out")
    html = sections(tmp_path / "out", "talk")
    assert "<li>intro\n<ul>\n<li>from a</li>\n<li>from b</li>\n</ul>\n</li>" in html


def test_an_include_line_inside_code_is_text(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", {"slides/talk.md": '# T\n\n```md\n--8<-- "missing.md"\n```\n'})
    build(project, tmp_path / "out")
    assert '--8&lt;-- "missing.md"' in sections(tmp_path / "out", "talk")


@pytest.mark.parametrize(("files", "message"), [
    ({"slides/talk.md": "# T\n\n--8<-- \"_p/gone.md\"\n"},
     "slides/talk.md:3: included file '_p/gone.md' not found"),
    ({"slides/talk.md": "# T\n\n--8<-- \"_p/a.md\"\n", "slides/_p/a.md": "# A\n--8<-- b.md\n",
      "slides/_p/b.md": "# B\n\n--8<-- a.md\n"},
     "slides/_p/b.md:3: includes go round in a circle: slides/talk.md includes slides/_p/a.md includes "
     "slides/_p/b.md includes slides/_p/a.md"),
    ({"slides/talk.md": "# T\n\n--8<-- \"../../secret.md\"\n"},
     "slides/talk.md:3: included file '../../secret.md' is outside the project"),
])
def test_missing_cyclic_and_outside_includes_are_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str], message: str
) -> None:
    (tmp_path / "secret.md").write_text("# SECRET\n")
    project = make_project(tmp_path / "p", files)
    monkeypatch.chdir(project)
    with pytest.raises(DeckgenError) as caught:
        build(project, tmp_path / "out")
    assert str(caught.value).startswith(message), str(caught.value)


def test_an_error_in_a_shared_part_names_the_part_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         caplog: pytest.LogCaptureFixture) -> None:
    files = {f"slides/deck{i}.md": f"# Deck {i}\n\n---\n\n--8<-- \"_shared/outro.md\"\n" for i in range(50)}
    files["slides/_shared/outro.md"] = "## Outro\n\n<u>never closed\n\n![logo](logo.png)\n"
    project = make_project(tmp_path / "p", files)
    monkeypatch.chdir(project)
    with caplog.at_level(logging.WARNING), pytest.raises(DeckgenError) as caught:
        build(project, tmp_path / "out")
    assert str(caught.value) == ("slides/_shared/outro.md:5: image 'logo.png' not found (looked for "
                                 f"{project.resolve() / 'slides/_shared/logo.png'})")
    warnings = [r.getMessage() for r in caplog.records if "never closed" in r.getMessage()]
    # Named once, at the first line of the slide that leaves it open.
    assert warnings == ["slides/_shared/outro.md:1: warning: <u> is never closed: closed at the end of the slide"]
