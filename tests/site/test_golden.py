"""The golden deck: slides/tour.md exercises the whole dialect; its built structure is checked here."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from projects import REPO, slides_of

from deckgen.commands.build import build


class _Sections(HTMLParser):
    """Collect the slide tree: top-level sections with their attributes and vertical children."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[dict] = []
        self.top: list[dict] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "section":
            return
        node = {"attrs": dict(attrs), "children": [], "text": []}
        (self.stack[-1]["children"] if self.stack else self.top).append(node)
        self.stack.append(node)

    def handle_endtag(self, tag: str) -> None:
        if tag == "section":
            self.stack.pop()

    def handle_data(self, data: str) -> None:
        if self.stack:
            self.stack[-1]["text"].append(data)


@pytest.fixture(scope="module")
def tour(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    out = tmp_path_factory.mktemp("site")
    build(REPO, out)
    return (out / "tour" / "index.html").read_text(encoding="utf-8"), out


def test_tour_structure(tour: tuple[str, Path]) -> None:
    html, _ = tour
    parser = _Sections()
    parser.feed(html)
    top = parser.top
    assert len(top) == 14  # title slide + 13 horizontal slides
    assert [len(s["children"]) for s in top] == [0, 3, 0, 0, 2, 0, 0, 0, 0, 0, 0, 2, 2, 0]
    assert top[0]["attrs"]["class"] == "title-slide"
    assert "A tour of deckgen" in "".join(top[0]["text"])
    assert top[2]["attrs"] == {"data-background-color": "#14324a", "class": "incremental"}
    assert top[6]["attrs"]["data-background-image"] == "../files/slides/img/background.png"
    assert "data-auto-animate" in top[8]["attrs"] and "data-auto-animate" in top[9]["attrs"]
    assert top[10]["attrs"] == {"data-visibility": "hidden"}
    assert "Markdown of today" in "".join(top[11]["children"][0]["text"])
    assert "Definitions and alerts" in "".join(top[11]["children"][1]["text"])
    assert "Diagrams" in "".join(top[12]["children"][0]["text"])
    assert top[12]["children"][1]["attrs"] == {"class": "todo"}
    assert "Thank you" in "".join(top[13]["text"])


def test_tour_dialect_features(tour: tuple[str, Path]) -> None:
    html, out = tour
    assert "<!-- .slide" not in html and "<!-- .element" not in html
    assert html.count('<aside class="notes">') == 3
    assert '<li class="fragment" data-fragment-index="2">Appears second </li>' in html
    assert '<p class="small-print" id="attr-list-paragraph">' in html
    assert 'data-line-numbers="1|2-3|5"' in html and 'data-ln-start-from="10"' in html
    assert "&lt;/script&gt; and &lt;/textarea&gt; stay text" in html
    assert "---\nNote: not a note" in html
    assert slides_of(html).count('class="arithmatex"') == 4
    assert '\n<img src="../files/slides/img/diagram.svg" alt="How deckgen works" class="r-stretch">\n' in html
    assert '<a href="../quickstart/index.html">link to the quickstart deck</a>' in html
    assert '<div class="columns">' in html and "<strong>Left:</strong>" in html
    assert 'href="../files/slides/tour.css"' in html
    options = re.search(r"var options = (\{.*\});", html)[1]
    assert '"slideNumber": "c/t"' in options and '"transition": "slide"' in options
    for ref in re.findall(r'(?:src|href|data-background-image)="([^"#]+)"', html):
        if not ref.startswith("http"):
            target = (out / "tour" / ref).resolve()
            assert target.is_file() or (target / "index.html").is_file(), ref


def test_tour_markdown_of_today(tour: tuple[str, Path]) -> None:
    html, out = tour
    assert '<th align="left">Feature</th>' in html and '<td align="right">GitHub</td>' in html
    assert html.count('class="task-list-item-checkbox"') == 2 and "checked" in html
    assert '<dl>\n<dt>Term</dt>' in html
    assert '<div class="markdown-alert markdown-alert-tip">' in html
    assert '<h2 id="math">Math</h2>' in html and '<a href="#math">back to the math slide</a>' in html
    footnote = re.search(r'<a href="#(fn-[\w-]+)" id="fnref-[\w-]+">\[1\]</a>', html)
    assert footnote and f'<li id="{footnote[1]}" class="footnote-item">' in html
    assert '<div class="footnotes">' in html and "footnotes-sep" not in html
    assert '<pre class="mermaid">graph LR\n  A[Markdown] --&gt; B(deckgen) --&gt; C{reveal.js}</pre>' in html
    assert '../vendor/mermaid/dist/mermaid.min.js' in html and "DeckgenMermaid" in html
    assert (out / "vendor" / "mermaid" / "dist" / "mermaid.min.js").is_file()
    assert '<style data-href="../static/deckgen/deck.css">' in html  # small files of deckgen's: in the page
    quickstart = (out / "quickstart" / "index.html").read_text(encoding="utf-8")
    # mermaid is loaded only by decks that have a diagram
    assert "mermaid" not in slides_of(quickstart) and "mermaid.min.js" not in quickstart
    assert "DeckgenMermaid" not in quickstart


def test_tour_includes_a_shared_part(tour: tuple[str, Path]) -> None:
    html, out = tour
    assert "This slide comes from <code>slides/_shared/thanks.md</code>" in html
    quickstart = (out / "quickstart" / "index.html").read_text(encoding="utf-8")
    assert "This slide comes from <code>slides/_shared/thanks.md</code>" in quickstart
    assert not (out / "_shared").exists()  # a part is no deck


def test_tour_public_profile(tmp_path_factory: pytest.TempPathFactory) -> None:
    out = tmp_path_factory.mktemp("public")
    build(REPO, out, profile="public")
    html = (out / "tour" / "index.html").read_text(encoding="utf-8")
    parser = _Sections()
    parser.feed(html)
    assert [len(s["children"]) for s in parser.top] == [0, 3, 0, 0, 2, 0, 0, 0, 0, 0, 0, 2, 0, 0]
    for page in out.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        assert "Before the talk" not in text and "here all week" not in text, page
    assert "Thank you" in html and 'profile <strong class="profile">public</strong>' in (
        out / "index.html").read_text(encoding="utf-8")
