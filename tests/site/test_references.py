"""Local files found in the rendered HTML as a browser reads it, and what the site does with a deck's extra keys."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from projects import PNG, make_project

from deckgen.commands.build import build
from deckgen.errors import DeckgenError


def page(out: Path, name: str = "talk") -> str:
    return (out / name / "index.html").read_text(encoding="utf-8")


def test_attributes_without_quotes_or_spaces_and_names_with_ampersands(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", {
        "slides/talk.md": '# T\n\n<div><img src=img/a.png alt=a><img src="img/b&amp;c.png"alt="b"></div>\n\n'
                          "![d](img/b&c.png)\n",
        "slides/img/a.png": PNG, "slides/img/b&c.png": PNG,
    })
    out = tmp_path / "out"
    build(project, out)
    html = page(out)
    assert '<img src="../files/slides/img/a.png" alt=a>' in html
    assert '<img src="../files/slides/img/b%26c.png"alt="b">' in html
    assert '<img src="../files/slides/img/b%26c.png" alt="d">' in html
    assert (out / "files/slides/img/b&c.png").read_bytes() == PNG


def test_names_and_url_in_capitals_are_found(tmp_path: Path) -> None:
    """HTML attribute names and CSS function names are read in any letter case: so are the files they name."""
    project = make_project(tmp_path / "p", {
        "slides/talk.md": '# T\n\n<IMG SRC="img/a.png">\n\n<div Style="background: URL(img/a.png)">x</div>\n\n'
                          "<style>\n@IMPORT 'extra.css';\n.x { background: Url('img/a.png') }\n</style>\n",
        "slides/img/a.png": PNG,
        "slides/extra.css": ".y {}\n",
    })
    out = tmp_path / "out"
    build(project, out)
    html = page(out)
    assert '<IMG SRC="../files/slides/img/a.png">' in html
    assert 'Style="background: url(&quot;../files/slides/img/a.png&quot;)"' in html
    assert 'url("../files/slides/img/a.png")' in html.split("<style>")[1]
    (project / "slides/talk.md").write_text('# T\n\n<div style="background: url&#40;img/a.png)">x</div>\n')
    build(project, out)  # an entity is the character to the browser: url&#40; is url(
    assert 'url(&quot;../files/slides/img/a.png&quot;)' in page(out)
    (project / "slides/talk.md").write_text("# T\n\n<DIV STYLE=\"background: URL(img/gone.png)\">x</DIV>\n")
    with pytest.raises(DeckgenError, match="'img/gone.png' not found"):
        build(project, out)


def test_an_unquoted_missing_file_is_an_error(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", {"slides/talk.md": "# T\n\n<div><img src=gone.png></div>\n"})
    with pytest.raises(DeckgenError) as caught:
        build(project, tmp_path / "out")
    assert "image 'gone.png' not found" in str(caught.value) and caught.value.location.line == 3


def test_css_urls_in_comments_and_strings_are_text(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", {
        "slides/talk.md": "# T\n\n<style>\n/* url(missing.png) */\n.a { background: url(bg.png); "
                          'content: "url(nothere.png)"; }\n</style>\n',
        "slides/bg.png": PNG,
        "slides/theme.css": "/* @import 'gone.css'; url(gone.png) */\n.b { background: url('bg.png') }\n",
    })
    (project / "slides/talk.md").write_text("---\ncss: theme.css\n---\n" + (project / "slides/talk.md").read_text())
    out = tmp_path / "out"
    build(project, out)
    html = page(out)
    assert 'url("../files/slides/bg.png")' in html
    assert "/* url(missing.png) */" in html and '"url(nothere.png)"' in html


def test_a_link_outside_the_project_warns_but_an_image_is_an_error(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    (tmp_path / "secret.png").write_bytes(PNG)
    project = make_project(tmp_path / "p", {"slides/talk.md": "# T\n\n[notes](../../secret.png)\n"})
    with caplog.at_level(logging.WARNING):
        build(project, tmp_path / "out")
    assert any("link '../../secret.png' points outside the project" in r.getMessage() for r in caplog.records)
    assert '<a href="../../secret.png">' in page(tmp_path / "out")
    (project / "slides/talk.md").write_text("# T\n\n![x](../../secret.png)\n")
    with pytest.raises(DeckgenError, match="points outside the project"):
        build(project, tmp_path / "out2")


def test_unknown_front_matter_keys_reach_templates(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    project = make_project(tmp_path / "p", {
        "slides/talk.md": "---\nfooter: Made with care\n---\n# T\n",
        "templates/deck.html": "<html><body>{{ slides_html | safe }}<footer>{{ deck.meta.footer }}</footer>"
                               "</body></html>",
    })
    with caplog.at_level(logging.WARNING):
        build(project, tmp_path / "out")
    assert "<footer>Made with care</footer>" in page(tmp_path / "out")
    assert any("unknown key 'footer'" in r.getMessage() for r in caplog.records)


def test_markdown_in_sub_folders_that_is_no_deck_warns(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    project = make_project(tmp_path / "p", {
        "slides/talk.md": "# T\n",
        "slides/sub/c.md": "# Lost\n",
        "slides/_parts/intro.md": "# Shared part\n",
        "slides/own/index.md": "# Own deck\n",
        "slides/own/extra.md": "# Part of the own deck's folder\n",
    })
    with caplog.at_level(logging.WARNING):
        result = build(project, tmp_path / "out")
    assert sorted(deck.name for deck in result.decks) == ["own", "talk"]
    warnings = [r.getMessage() for r in caplog.records if "not a deck" in r.getMessage()]
    assert len(warnings) == 1 and "slides/sub/c.md" in warnings[0]


def test_mermaid_is_copied_only_for_decks_with_a_diagram(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", {"slides/talk.md": "# T\n\n```python\nx = 1\n```\n"})
    build(project, tmp_path / "out")
    html = page(tmp_path / "out")
    assert "mermaid.min.js" not in html and "DeckgenMermaid" not in html
    assert not (tmp_path / "out/vendor/mermaid").exists()


def test_preview_link_flags_are_not_files(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", {"slides/talk.md": '# T\n\n<div><a href="https://example.org" '
                                            'data-preview-link="false">x</a><a href="https://example.org" '
                                            'data-preview-link>y</a></div>\n'})
    build(project, tmp_path / "out")
    assert 'data-preview-link="false"' in page(tmp_path / "out")
