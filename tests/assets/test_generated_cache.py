"""Rewritten stylesheets (a theme with its fonts served locally, KaTeX's CSS) are kept between builds; a damaged
one is made again, never shipped."""

from __future__ import annotations

from pathlib import Path

import pytest
from projects import make_project

from deckgen.assets.npm import cache_root
from deckgen.commands.build import build


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    npm = cache_root() / "npm"
    folder = tmp_path / "cache"
    folder.mkdir()
    if npm.is_dir():
        (folder / "npm").symlink_to(npm)  # the verified packages: nothing to download
    monkeypatch.setenv("DECKGEN_CACHE_DIR", str(folder))
    return folder


def test_a_kept_theme_is_the_same_and_a_damaged_one_is_made_again(tmp_path: Path, cache: Path) -> None:
    project = make_project(tmp_path / "p", {"slides/talk.md": "---\ntheme: black\n---\n# T\n\n$x^2$\n"})
    build(project, tmp_path / "one")
    kept = sorted((cache / "generated").glob("*.json"))
    assert len(kept) == 2  # black.css and katex.min.css
    theme = (tmp_path / "one" / "vendor/reveal.js/dist/theme/black.css").read_bytes()
    build(project, tmp_path / "two")
    assert (tmp_path / "two" / "vendor/reveal.js/dist/theme/black.css").read_bytes() == theme
    kept[0].write_text('{"css": "body{}", "sha256": "0", "deps": []}')  # edited: its hash no longer matches
    kept[1].write_text('{"css": "body{}", "deps": [["x", "no-such-package", "y"]]}')  # damaged
    build(project, tmp_path / "three")
    assert (tmp_path / "three" / "vendor/reveal.js/dist/theme/black.css").read_bytes() == theme
