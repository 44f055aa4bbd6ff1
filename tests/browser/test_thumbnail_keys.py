"""A deck's index picture is keyed on what its first slide shows: editing any other slide shoots no picture."""

from __future__ import annotations

from pathlib import Path

import pytest
from browser_helpers import private_cache
from projects import PNG, make_project

from deckgen.browser.cache import DeckKeys
from deckgen.browser.firstslide import first_slide_key, split_first_slide
from deckgen.commands.build import build
from deckgen.config.options import load_site_config
from deckgen.site.decks import parse_decks
from deckgen.site.plan import plan_site

SLIDES = [
    "# Opening\n\n![logo](logo.png)\n\nNote: what to say first.",
    "## Two\n\nThe second slide.",
    "## Three\n\n![chart](chart.png)",
    "## Four\n\n- a\n- b <!-- .element: class=\"fragment\" -->",
    "## Five",
    "## Six",
    "## Seven\n\nThe seventh slide.",
]


def _deck(slides: list[str], front: str = "title: Keys\n") -> str:
    return f"---\n{front}---\n" + "\n\n---\n\n".join(slides) + "\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    private_cache(tmp_path, monkeypatch)
    return make_project(tmp_path / "project", {
        "slides/talk.md": _deck(SLIDES), "slides/logo.png": PNG, "slides/chart.png": PNG,
        "slides/other.md": "# Other\n", "static/custom.css": "h1 { color: teal; }\n",
    })


def _key(project: Path, name: str = "talk") -> str:
    site = load_site_config(project)
    decks, errors = parse_decks(project, site)
    files = plan_site(project, site, decks, errors)
    assert errors == []
    return first_slide_key(DeckKeys(files), name, "thumbnail")


def _edit(project: Path, number: int, text: str) -> None:
    slides = list(SLIDES)
    slides[number - 1] = text
    (project / "slides/talk.md").write_text(_deck(slides))


def test_editing_a_later_slide_keeps_the_key(project: Path) -> None:
    before = _key(project)
    _edit(project, 3, "## Three, edited\n\n![chart](chart.png)\n\nA new paragraph.")
    assert _key(project) == before
    _edit(project, 7, "## Seven\n\nOther words and `code`.")
    assert _key(project) == before
    (project / "slides/chart.png").write_bytes(PNG + b"\0")  # a file only slide 3 shows
    assert _key(project) == before
    _edit(project, 1, "# Opening\n\n![logo](logo.png)\n\nNote: other words to say.")  # its notes only
    assert _key(project) == before


@pytest.mark.parametrize("change", ["slide 1", "its image", "theme", "css", "option", "static css", "scripts"])
def test_what_the_first_slide_shows_changes_the_key(project: Path, change: str) -> None:
    before = _key(project)
    other = _key(project, "other")
    if change == "slide 1":
        _edit(project, 1, "# Opening, edited\n\n![logo](logo.png)")
    elif change == "its image":
        (project / "slides/logo.png").write_bytes(PNG + b"\0")
    elif change == "theme":
        (project / "slides/talk.md").write_text(_deck(SLIDES, "title: Keys\ntheme: white\n"))
    elif change == "css":
        (project / "slides/talk.md").write_text(_deck(SLIDES, "title: Keys\ncss: [static/custom.css]\n"))
    elif change == "option":
        (project / "slides/talk.md").write_text(_deck(SLIDES, "title: Keys\ncenter: false\n"))
    elif change == "scripts":  # the deck's first formula, on slide 7: KaTeX's scripts join the page
        _edit(project, 7, "## Seven\n\n$x^2$")
    else:  # a stylesheet's content, once the deck uses it
        (project / "slides/talk.md").write_text(_deck(SLIDES, "title: Keys\ncss: [static/custom.css]\n"))
        before = _key(project)
        (project / "static/custom.css").write_text("h1 { color: crimson; }\n")
    assert _key(project) != before
    assert _key(project, "other") == other


PAGE = """<html><head><link rel="stylesheet" href="../t.css"></head><body><div class="reveal"><div class="slides">
{slides}
</div></div><script src="../r.js"></script><script>Reveal.initialize({{}});</script></body></html>"""


def test_split_first_slide() -> None:
    first = '<section><h1>One</h1><script>var s = "<section>";</script><!-- <section> --></section>'
    page = PAGE.format(slides=first + "<section><section>2.1</section><section>2.2</section></section>")
    outside, slide = split_first_slide(page)
    assert slide == first
    assert "2.1" not in outside and "Reveal.initialize" in outside and 'href="../t.css"' in outside
    hidden = '<section data-visibility="hidden">secret</section>'
    assert split_first_slide(PAGE.format(slides=hidden + first))[1] == first  # reveal.js drops it
    stack = "<section><section>1.1</section><section>1.2</section></section>"
    assert split_first_slide(PAGE.format(slides=stack + first))[1] == stack
    # Laid out otherwise (no slides, no global Reveal.initialize, unbalanced): keyed on the whole page.
    assert split_first_slide(PAGE.format(slides="")) is None
    assert split_first_slide(PAGE.format(slides=first).replace("Reveal.initialize", "start")) is None
    assert split_first_slide(PAGE.format(slides="<section><h1>open")) is None


def test_a_page_laid_out_otherwise_is_keyed_whole() -> None:
    page = "<html><body><p>no reveal.js here</p></body></html>"
    keys = DeckKeys({"talk/index.html": page})
    assert first_slide_key(keys, "talk") == first_slide_key(DeckKeys({"talk/index.html": page}), "talk")
    assert first_slide_key(keys, "talk") != first_slide_key(DeckKeys({"talk/index.html": page + " "}), "talk")


@pytest.mark.browser
def test_only_a_changed_first_slide_is_shot_again(project: Path, chromium_path: str) -> None:
    first = build(project, thumbnails=True)
    assert first.pictures_shot == 2
    picture = (project / "build/talk/thumbnail.jpg").read_bytes()
    index = (project / "build/index.html").read_text()

    _edit(project, 3, "## Three, edited\n\n![chart](chart.png)")
    again = build(project, thumbnails=True)
    assert again.pictures_shot == 0
    assert (project / "build/talk/thumbnail.jpg").read_bytes() == picture
    assert (project / "build/index.html").read_text() == index  # the same picture URL: browsers keep it

    _edit(project, 1, "# Opening, edited\n\n![logo](logo.png)")
    assert build(project, thumbnails=True).pictures_shot == 1
    assert (project / "build/talk/thumbnail.jpg").read_bytes() != picture
