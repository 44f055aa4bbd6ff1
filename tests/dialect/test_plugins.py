"""Each plugin of the Markdown dialect, Markdown in, HTML out (one slide rendered by deckgen's engine)."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest
from projects import make_project

from deckgen.commands.build import build
from deckgen.dialect.markdown import to_html
from deckgen.dialect.render import render_slide
from deckgen.dialect.split import Separators, split_slides
from deckgen.errors import DeckgenError


def html_of(markdown: str) -> str:
    return render_slide(markdown, None, False).html


# -- math ------------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("markdown", "expected"), [
    ("$ \\beta $", '<p><span class="arithmatex">\\( \\beta \\)</span></p>'),  # padded, as authors write it
    ("`$\\frac{1}{m}$`", '<p><span class="arithmatex">\\(\\frac{1}{m}\\)</span></p>'),  # reveal.js's own demo
    ("`$$x$$`", '<p><span class="arithmatex">\\[x\\]</span></p>'),
    ("`$5 and $6`", "<p><code>$5 and $6</code></p>"),  # not one formula: code
    ("It costs \\$5", "<p>It costs $5</p>"),
    ("$5 and $6 here", "<p>$5 and $6 here</p>"),  # a closing $ before a digit is no formula
    ("a $x_1 * y_1$ b", '<p>a <span class="arithmatex">\\(x_1 * y_1\\)</span> b</p>'),
    ("\\(a<b\\)", '<p><span class="arithmatex">\\(a&lt;b\\)</span></p>'),
    ("$$\na_1 * b_1\n$$", '<div class="arithmatex">\\[a_1 * b_1\\]</div>'),
    ("\\[\n\\sum_k k\n\\]", '<div class="arithmatex">\\[\\sum_k k\\]</div>'),
    ("$$ x^2 $$", '<div class="arithmatex">\\[ x^2 \\]</div>'),
    ("Text $$x$$ more", '<p>Text <span class="arithmatex">\\[x\\]</span> more</p>'),
])
def test_math(markdown: str, expected: str) -> None:
    assert html_of(markdown) == expected


def test_math_is_not_found_in_code_and_a_blank_line_ends_a_display_formula() -> None:
    assert html_of("```\n$x$\n```") == "<pre><code>$x$</code></pre>"
    assert "arithmatex" not in html_of("$$\nx\n\ny\n$$")


# -- fences ----------------------------------------------------------------------------------------------------

def test_fences_steps_offsets_mermaid_and_attribute_lists() -> None:
    # Coloured at build time, with highlight.js's classes; tabs stay tabs; code escaped once.
    assert html_of("```python [1|2-3]\nif a < b:\n\tpass\n```") == (
        '<pre><code class="python language-python hljs" data-line-numbers="1|2-3"><span class="hljs-keyword">if'
        '</span> a <span class="hljs-operator">&lt;</span> b:\n\t<span class="hljs-keyword">pass</span></code></pre>'
    )
    assert html_of("```nosuchlanguage\na < b\n```") == (
        '<pre><code class="nosuchlanguage language-nosuchlanguage">a &lt; b</code></pre>')  # left to the page
    assert html_of("```mermaid\ngraph LR\n  A --> B\n```") == '<pre class="mermaid">graph LR\n  A --&gt; B</pre>'
    assert html_of("```js\nx\n```\n{: .big}") == '<pre class="big"><code class="js language-js hljs">x</code></pre>'


# -- attribute lists -------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("markdown", "expected"), [
    ("Para\n{: .big #p1 }", '<p class="big" id="p1">Para</p>'),
    ("## Title {: .x #t data-a=1 }", '<h2 class="x" id="t" data-a="1">Title</h2>'),
    ("## Title {.x}", '<h2 class="x" id="title">Title</h2>'),
    ("- a\n- b\n\n{: .list}", '<ul class="list">\n<li>a</li>\n<li>b</li>\n</ul>'),
    ("{.lead}\nText", '<p class="lead">Text</p>'),  # the attrs plugin's block syntax
    ("![x](a.png){.r-stretch}", '<img src="a.png" alt="x" class="r-stretch">'),  # stretched: lifted out of <p>
    ("Not {: a list", "<p>Not {: a list</p>"),
])
def test_attribute_lists(markdown: str, expected: str) -> None:
    assert html_of(markdown) == expected


# -- raw HTML --------------------------------------------------------------------------------------------------

def test_markdown_inside_html_with_the_markdown_attribute_nests() -> None:
    html = html_of('<div class="cols" markdown="1">\n<div markdown="1">\n**a**\n</div>\n<div markdown=1>\n- b\n</div>\n</div>')
    assert html == ('<div class="cols">\n<div>\n<p><strong>a</strong></p>\n</div>\n<div>\n<ul>\n<li>b</li>\n</ul>\n'
                    '</div>\n</div>')


def test_commonmark_html_blocks() -> None:
    # Four-space indented tags inside an HTML block stay HTML; Markdown starts after the blank line.
    assert html_of("<div>\n    <span>*x*</span>\n</div>") == "<div>\n    <span>*x*</span>\n</div>"
    assert html_of("<div>Text\n\n*md*\n</div>") == "<div>Text\n<p><em>md</em></p>\n</div>"
    assert html_of('<img src="a.png">') == '<img src="a.png">'  # a lone <img> line is no paragraph
    assert html_of('<iframe\n  src="x.html">\n</iframe>') == '<iframe\n  src="x.html">\n</iframe>'
    assert html_of("\\<u>text") == "<p>&lt;u&gt;text</p>"  # a CommonMark escape
    assert html_of("   ## Indented") == '<h2 id="indented">Indented</h2>'
    assert html_of("> a\n\n> b") == "<blockquote>\n<p>a</p>\n</blockquote>\n<blockquote>\n<p>b</p>\n</blockquote>"


# -- GitHub Markdown -------------------------------------------------------------------------------------------

def test_tables_task_lists_alerts_definition_lists_strikethrough() -> None:
    table = html_of("| a | b |\n|:-|-:|\n| 1 | 2 |")
    assert '<th align="left">a</th>' in table and '<td align="right">2</td>' in table
    tasks = html_of("- [ ] todo\n- [x] done")
    assert tasks.count('<input class="task-list-item-checkbox" disabled="" type="checkbox"') == 2
    assert 'checked=""> done' in tasks
    assert html_of("> [!WARNING]\n> careful").startswith(
        '<div class="markdown-alert markdown-alert-warning">\n<p class="markdown-alert-title">Warning</p>')
    assert html_of("Term\n: Meaning") == "<dl>\n<dt>Term</dt>\n<dd>Meaning</dd>\n</dl>"
    assert html_of("~~gone~~") == "<p><del>gone</del></p>"


def test_footnotes_stay_in_the_slide_with_ids_of_their_own() -> None:
    one, two = html_of("A[^1]\n\n[^1]: first"), html_of("B[^1]\n\n[^1]: second")
    assert '<div class="footnotes">' in one and "<section" not in one and "<hr" not in one
    ids = [re.search(r'<li id="(fn-[\w-]+)"', html)[1] for html in (one, two)]
    assert ids[0] != ids[1] and f'href="#{ids[0]}"' in one


def test_bare_links_emoji_and_heading_ids() -> None:
    assert html_of("see https://example.org/a and www.example.com") == (
        '<p>see <a href="https://example.org/a">https://example.org/a</a> and '
        '<a href="http://www.example.com">www.example.com</a></p>')
    assert html_of(":tada: at 12:30:45 :not_an_emoji:") == "<p>🎉 at 12:30:45 :not_an_emoji:</p>"
    assert html_of("## Le marché\n\n[see](#le-marché)") == (
        '<h2 id="le-marché">Le marché</h2>\n<p><a href="#le-march%C3%A9">see</a></p>')  # reveal.js decodes it
    assert html_of("# A\n# A") == '<h1 id="a">A</h1>\n<h1 id="a-1">A</h1>'


# -- attribute comments ----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("markdown", "expected"), [
    # A comment line after a paragraph targets the paragraph, as reveal.js's markdown plugin does.
    ('Para\n<!-- .element: class="fragment" -->', '<p class="fragment">Para</p>'),
    # Right under a list: its last item (reveal.js 6); after a blank line: the list.
    ('- a\n- b\n<!-- .element: class="fragment" -->', '<ul>\n<li>a</li>\n<li class="fragment">b</li>\n</ul>'),
    ('- a\n\n<!-- .element: class="fragment" -->', '<ul class="fragment">\n<li>a</li>\n</ul>'),
    ('- a <!-- .element: class="fragment" -->', '<ul>\n<li class="fragment">a</li>\n</ul>'),
    ('- $x$ <!-- .element: class="f" -->', '<ul>\n<li class="f"><span class="arithmatex">\\(x\\)</span></li>\n</ul>'),
    ('## T <!-- .element: style="color: red" -->', '<h2 id="t" style="color: red">T</h2>'),
])
def test_element_comments(markdown: str, expected: str) -> None:
    assert re.sub(r" +<", "<", html_of(markdown)) == expected


def test_many_element_comments_take_linear_time() -> None:
    import time

    markdown = "\n".join(f'- item {i} <!-- .element: class="fragment" -->' for i in range(3000))
    started = time.perf_counter()
    html = html_of(markdown)
    assert time.perf_counter() - started < 2.0
    assert html.count('<li class="fragment">') == 3000


# -- slides that would break the page --------------------------------------------------------------------------

def test_unclosed_elements_are_closed_at_the_end_of_the_slide() -> None:
    rendered = render_slide("<font size=5> **big**\n\nmore", None, False)
    assert rendered.html.endswith("</font>") and rendered.problems == ()
    assert rendered.repaired == ("<font> is never closed: closed at the end of the slide",)
    stray = render_slide("text\n\n</div>\n\nafter", None, False)
    assert "</div>" not in stray.html and "left out" in stray.repaired[0]


def test_an_unclosed_script_is_an_error_naming_deck_and_line(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"slides/talk.md": "# One\n\n---\n\n# Two\n\n<script>\nlet x = 1;\n"})
    with pytest.raises(DeckgenError) as caught:
        build(project, tmp_path / "out")
    assert caught.value.message == (
        "this slide's HTML would break the deck: <script> is never closed by </script> "
        "(the rest of the slide would be its text); fix the HTML of the slide"
    )
    assert caught.value.location is not None and caught.value.location.line == 5
    assert Path(caught.value.location.path).name == "talk.md"
    assert not (tmp_path / "out").exists()


def test_a_repaired_slide_warns_with_its_line(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    project = make_project(tmp_path, {"slides/talk.md": "# One\n\n---\n\n<u>underlined\n"})
    with caplog.at_level(logging.WARNING):
        build(project, tmp_path / "out")
    assert any(r.getMessage().endswith("talk.md:5: warning: <u> is never closed: closed at the end of the slide")
               for r in caplog.records)
    page = (tmp_path / "out" / "talk" / "index.html").read_text(encoding="utf-8")
    assert "<p><u>underlined</p></u>\n</section>" in page


# -- separators ------------------------------------------------------------------------------------------------

def test_separator_regexes_match_the_whole_text_but_not_code() -> None:
    seps = Separators.from_options(re.compile(r"^\n\n\n", re.M), re.compile(r"^\n\n", re.M), None)
    body = "# A\n\n\n\n# B\n\n\n## B2\n\n```\nx\n\n\n\ny\n```\nNote: hi\n\n\n\n# C"
    stacks = split_slides(body, 1, seps, Path("deck.md"))
    assert [[s.markdown for s in stack] for stack in stacks] == [
        ["# A"], ["# B", "## B2\n\n```\nx\n\n\n\ny\n```"], ["# C"]]
    assert [[s.line for s in stack] for stack in stacks] == [[1], [5, 8], [21]]
    assert stacks[1][1].notes.strip() == "hi"


# -- the engine itself -----------------------------------------------------------------------------------------

def test_to_html_is_commonmark_with_html() -> None:
    assert to_html("*a* <span>b</span>\n") == "<p><em>a</em> <span>b</span></p>\n"
    assert to_html("a  \nb\n") == "<p>a<br>\nb</p>\n"
