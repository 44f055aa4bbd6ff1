"""The live site: a page carries deckgen's small files inline, so saving static/deckgen/deck.css rebuilds the pages."""

from __future__ import annotations

from pathlib import Path

from projects import make_project

from deckgen.live.livesite import LiveSite


def test_saving_a_file_the_pages_carry_inline_rebuilds_them(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", {"slides/talk.md": "# T\n\n---\n\n## Two\n"})
    out = tmp_path / "out"
    out.mkdir()
    site = LiveSite(project, out)
    assert site.build_all().errors == []
    page = out / "talk" / "index.html"
    assert '<style data-href="../static/deckgen/deck.css">' in page.read_text(encoding="utf-8")

    css = project / "static" / "deckgen" / "deck.css"
    css.parent.mkdir(parents=True)
    css.write_text(".reveal h2 { color: rgb(7, 8, 9); }\n")
    update = site.update({css})
    assert update.errors == []
    assert ".reveal h2 { color: rgb(7, 8, 9); }" in page.read_text(encoding="utf-8")
    assert any(changed.path == "talk/index.html" for changed in update.pages)

    css.unlink()  # back to deckgen's own
    assert site.update({css}).errors == []
    assert "rgb(7, 8, 9)" not in page.read_text(encoding="utf-8")
