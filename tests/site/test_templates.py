"""A project's templates: extending deckgen's own, block by block, and what a template receives."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from projects import make_project

from deckgen.commands.build import build
from deckgen.errors import DeckgenError

FOOTER = """\
{% extends "deckgen/deck.html" %}
{% block head %}<style>.deck-footer { position: absolute; bottom: 1em; left: 1em; }</style>{% endblock %}
{% block reveal_end %}<div class="deck-footer">{{ deck.title }} · {{ deck.meta.footer }}</div>{% endblock %}
"""


def test_a_project_deck_template_extends_deckgens_and_adds_a_footer(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", {"slides/talk.md": "---\ntitle: My talk\nfooter: ACME 2026\n---\n# Hi\n",
                                            "templates/deck.html": FOOTER})
    build(project, tmp_path / "out")
    page = (tmp_path / "out" / "talk" / "index.html").read_text(encoding="utf-8")
    assert '<div class="deck-footer">My talk · ACME 2026</div>\n</div>' in page  # inside .reveal, after .slides
    assert ".deck-footer { position: absolute;" in page and "Reveal.initialize(options);" in page
    assert "<h1 id=\"hi\">Hi</h1>" in page


def test_extending_the_project_template_itself_is_an_error_not_a_crash(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", {"slides/talk.md": "# Hi\n",
                                            "templates/deck.html": '{% extends "deck.html" %}'})
    with pytest.raises(DeckgenError, match="template deck.html includes or extends itself without end"):
        build(project, tmp_path / "out")


def test_a_project_script_shadowing_deckgens_warns(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    project = make_project(tmp_path / "p", {"slides/talk.md": "# Hi\n", "static/deckgen/highlight.js": "// mine"})
    with caplog.at_level(logging.WARNING):
        build(project, tmp_path / "out")
    assert any("static/deckgen/highlight.js replaces deckgen's own script" in r.getMessage() for r in caplog.records)
