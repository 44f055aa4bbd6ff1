"""The index page: a card per deck with a picture of its first slide (cached), search, speaker view links."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from browser_helpers import private_cache
from projects import make_project

from deckgen.cli import main
from deckgen.commands.build import build

DECKS = {
    "slides/alpha.md": "---\ntitle: Alpha apples\ntheme: white\ndescription: Orchards and cider\n---\n# Alpha\n\n"
                       "---\n\n## Two\n\nNote: alpha notes\n",
    "slides/beta.md": "---\ntitle: Beta bananas\ntheme: black\ndescription: Tropical <fruit> & more\n"
                      "author: Bea\n---\n# Beta\n",
    "slides/gamma/index.md": "# Gamma grapes\n\nA deck in a folder.\n",
}
TITLES = ["Alpha apples", "Beta bananas", "Gamma grapes"]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "project", DECKS)


@pytest.fixture
def picture_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty thumbnail cache of its own."""
    return private_cache(tmp_path, monkeypatch) / "thumbnails"


def test_text_cards_without_thumbnails(project: Path) -> None:
    build(project, thumbnails=False)
    out = project / "build"
    index = (out / "index.html").read_text()
    # Readable without JavaScript: every card and its links are in the HTML; the search form waits for JS.
    assert re.findall(r'<h2 class="deck-title">([^<]*)</h2>', index) == TITLES
    assert index.count('class="deck-picture deck-picture-text"') == 3 and "<img" not in index
    assert not list(out.glob("*/thumbnail.*"))
    assert 'href="alpha/index.html?speaker"' in index and 'href="gamma/index.html?speaker"' in index and ".pdf" not in index
    assert "Tropical &lt;fruit&gt; &amp; more" in index
    assert '<form class="deck-search" role="search" hidden>' in index
    assert '<script src="static/deckgen/index.js" defer></script>' in index
    assert (out / "static" / "deckgen" / "index.js").is_file()
    assert main(["build", str(project), "--no-thumbnails"]) == 0
    assert (out / "index.html").read_text() == index


@pytest.mark.browser
def test_thumbnails_are_shot_once_then_cached(
    project: Path, picture_cache: Path, chromium_path: str, caplog: pytest.LogCaptureFixture
) -> None:
    first = build(project, thumbnails=True)
    out = project / "build"
    assert first.pictures_shot == 3
    index = (out / "index.html").read_text()
    for name in ("alpha", "beta", "gamma"):
        assert (out / name / "thumbnail.jpg").read_bytes()[:3] == b"\xff\xd8\xff"  # a JPEG
        assert re.search(rf'<img class="deck-picture" src="{name}/thumbnail\.jpg\?v=[0-9a-f]{{10}}"', index)
    assert "deck-picture-text" not in index
    assert len(list(picture_cache.glob("*.jpg"))) == 3

    # Nothing changed: every picture comes from the cache, the site is the same.
    before = {p.name: p.read_bytes() for p in out.glob("*/thumbnail.jpg")}
    with caplog.at_level(logging.INFO, logger="deckgen"):
        assert build(project, thumbnails=True).pictures_shot == 0
    assert "thumbnails: 0 shot, 3 from the cache" in caplog.messages
    assert (out / "index.html").read_text() == index
    assert {p.name: p.read_bytes() for p in out.glob("*/thumbnail.jpg")} == before

    # One deck edited: only its picture is shot again, and its URL changes (no stale picture in a browser).
    deck = project / "slides" / "beta.md"
    deck.write_text(deck.read_text().replace("# Beta", "# Beta, edited"))
    assert build(project, thumbnails=True).pictures_shot == 1
    new_index = (out / "index.html").read_text()
    assert _picture_urls(new_index)["alpha"] == _picture_urls(index)["alpha"]
    assert _picture_urls(new_index)["beta"] != _picture_urls(index)["beta"]


@pytest.mark.browser
def test_pictures_show_the_first_slide(project: Path, picture_cache: Path, serve_dir, watched_page) -> None:
    build(project, thumbnails=True)
    watched = watched_page(serve_dir(project / "build"))
    page = watched.page
    page.wait_for_function("[...document.images].every(i => i.complete && i.naturalWidth > 0)")
    sizes = page.evaluate("[...document.images].map(i => [i.naturalWidth, i.naturalHeight])")
    assert sizes == [[640, 360]] * 3
    # The white theme's slide is light, the black theme's is dark: the picture is the slide, not a blank page.
    corner = """i => { const c = document.createElement('canvas'); c.width = 640; c.height = 360;
        const g = c.getContext('2d'); g.drawImage(i, 0, 0); const d = g.getImageData(0, 0, 640, 360).data;
        let sum = 0; for (let k = 0; k < d.length; k += 4) sum += d[k] + d[k + 1] + d[k + 2];
        return sum / (d.length / 4) / 3; }"""
    images = page.locator("img.deck-picture")
    alpha, beta = images.nth(0).evaluate(corner), images.nth(1).evaluate(corner)
    assert alpha > 200 and beta < 60, (alpha, beta)
    assert watched.problems == []


@pytest.mark.browser
def test_search_filters_the_cards(project: Path, serve_dir, watched_page) -> None:
    build(project, thumbnails=False)
    base = serve_dir(project / "build")
    watched = watched_page(base)
    page = watched.page
    search = page.locator("#deck-search")
    assert search.is_visible()

    def shown() -> list[str]:
        return page.locator(".deck:visible .deck-title").all_inner_texts()

    assert shown() == TITLES
    search.fill("BANANA")  # any case
    assert shown() == ["Beta bananas"]
    assert page.locator(".deck-search-count").inner_text() == "1 of 3"
    search.fill("cider")  # the description counts
    assert shown() == ["Alpha apples"]
    search.fill("a deck in")  # words of the slide text do not
    assert shown() == [] and page.locator(".no-match").is_visible()
    search.press("Escape")
    assert shown() == TITLES and not page.locator(".no-match").is_visible()
    search.blur()
    page.keyboard.press("/")  # the key of search boxes focuses this one
    assert page.evaluate("document.activeElement.id") == "deck-search" and search.input_value() == ""
    # The search is kept in the address: a shared link shows the same cards.
    search.fill("grapes")
    assert page.evaluate("location.search") == "?q=grapes"
    page.goto(base + "?q=tropical")
    assert shown() == ["Beta bananas"] and search.input_value() == "tropical"
    assert watched.problems == []


@pytest.mark.browser
def test_index_is_readable_without_javascript(project: Path, serve_dir, watched_page) -> None:
    build(project, thumbnails=False)
    page = watched_page(serve_dir(project / "build"), java_script_enabled=False).page
    assert page.locator(".deck:visible .deck-title").all_inner_texts() == TITLES
    assert not page.locator(".deck-search").is_visible()
    assert page.locator(".deck-picture-text:visible").count() == 3


@pytest.mark.browser
def test_speaker_view_link_opens_the_notes_window(project: Path, serve_dir, watched_page) -> None:
    build(project, thumbnails=False)
    base = serve_dir(project / "build")
    page = watched_page().page
    with page.expect_popup() as popup:
        page.goto(base + "alpha/?speaker")
    speaker = popup.value
    speaker.wait_for_function("document.querySelector('#current-slide iframe') !== null")
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    page.evaluate("Reveal.slide(1)")
    speaker.wait_for_function("document.body.innerText.includes('alpha notes')")  # it follows the deck
    # A browser that blocks pop-ups gets a button: a click is allowed to open the window.
    blocked = watched_page().page
    blocked.add_init_script("const real = window.open; window.open = (...a) => window.allowPopups ? "
                            "real.apply(window, a) : null;")
    blocked.goto(base + "alpha/?speaker")
    button = blocked.get_by_role("button", name="Open the speaker view")
    button.wait_for()
    blocked.evaluate("window.allowPopups = true")
    with blocked.expect_popup() as popup:
        button.click()
    popup.value.wait_for_function("document.querySelector('#current-slide iframe') !== null")
    assert not button.is_visible()
    # Without ?speaker, no window opens.
    plain = watched_page().page
    plain.goto(base + "alpha/")
    plain.wait_for_function("window.Reveal && Reveal.isReady()")
    assert len(plain.context.pages) == 1


def _picture_urls(index: str) -> dict[str, str]:
    return dict(re.findall(r'<img class="deck-picture" src="(\w+)/(thumbnail\.jpg\?v=\w+)"', index))


@pytest.mark.browser
def test_s_pressed_before_the_notes_plugin_loads_opens_the_speaker_view(project: Path, serve_dir, watched_page) -> None:
    """The notes plugin loads after the first frame; an S pressed before it is not lost."""
    build(project, thumbnails=False)
    base = serve_dir(project / "build")
    page = watched_page().page
    held = []
    page.route("**/notes.js", lambda route: held.append(route))  # the plugin's script waits until the key has been pressed
    page.goto(base + "alpha/", wait_until="commit")  # the held script would hold the page's load event too
    page.wait_for_function("window.Reveal && Reveal.isReady()")
    assert page.evaluate("Reveal.getPlugin('notes')") is None
    page.keyboard.press("s")
    _wait_for_request(page, held)
    assert len(page.context.pages) == 1
    with page.expect_popup() as popup:
        held[0].continue_()
    popup.value.wait_for_function("document.querySelector('#current-slide iframe') !== null")
    # A pop-up blocked by then (the key press is too long ago) gets the button, and the deck's plugins still load.
    blocked = watched_page().page
    blocked.add_init_script("window.open = () => null;")
    held.clear()
    blocked.route("**/notes.js", lambda route: held.append(route))
    blocked.goto(base + "alpha/", wait_until="commit")
    blocked.wait_for_function("window.Reveal && Reveal.isReady()")
    blocked.keyboard.press("s")
    _wait_for_request(blocked, held)
    held[0].continue_()
    blocked.get_by_role("button", name="Open the speaker view").wait_for()
    assert blocked.evaluate("window.deckgenPlugins.then(() => !!Reveal.getPlugin('zoom'))")


def _wait_for_request(page, held: list) -> None:
    """Let the page run until a held request has come (the deferred plugins are asked for after the first frame)."""
    for _ in range(500):
        if held:
            return
        page.wait_for_timeout(20)
    raise AssertionError("the notes plugin was never requested")
