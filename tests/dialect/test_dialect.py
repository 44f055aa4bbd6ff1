"""The Markdown dialect, stage by stage: splitting, notes, attribute comments, fences, math."""

from __future__ import annotations

import logging
import re
from pathlib import Path

import pytest

from deckgen.config.schema import regex
from deckgen.dialect.attributes import apply_comments
from deckgen.dialect.fences import render_code
from deckgen.dialect.render import render_slide
from deckgen.dialect.split import Separators, split_slides

P = Path("deck.md")


def shape(body: str, separators: Separators | None = None) -> list[list[str]]:
    stacks = split_slides(body, 1, separators or Separators(), P)
    return [[slide.markdown.strip() for slide in stack] for stack in stacks]


def test_default_separators() -> None:
    body = "# A\n\n---\n\n# B\n\n--\n\n# B2\n\n----\n\n# B3\n\n---\n# C\n"
    assert shape(body) == [["# A"], ["# B", "# B2", "# B3"], ["# C"]]


def test_separators_inside_fenced_code_are_text() -> None:
    body = "# A\n\n```md\n---\n--\nNote: no\n```\n\n~~~~\n```\n---\n~~~~\n\n---\n\n# B\n"
    stacks = split_slides(body, 1, Separators(), P)
    assert len(stacks) == 2 and stacks[0][0].notes is None
    assert "---\n--\nNote: no" in stacks[0][0].markdown


def test_reveal_md_separator_regexes() -> None:
    seps = Separators.from_options(regex(r"\r?\n---\r?\n"), regex(r"\r?\n---v\r?\n"), None)
    assert shape("# A\n---v\n# A2\n---\n# B\n----\nstill B\n", seps) == [["# A", "# A2"], ["# B\n----\nstill B"]]
    mk = Separators.from_options(regex(r"^\s*---\s*$"), regex(r"^\s*----\s*$"), regex("^Notes?:"))
    stacks = split_slides("# A\n ---\n# B\n----\n# B2\nnotes: lower case\n", 1, mk, P)
    assert [[s.markdown for s in st] for st in stacks] == [["# A"], ["# B", "# B2"]]
    assert stacks[1][1].notes == "lower case\n"


def test_notes_and_lines() -> None:
    body = "# A\nNote: first line\n\n- more *notes*\n\n---\n\n# B\nNotes:\nsecond\n"
    stacks = split_slides(body, 10, Separators(), P)
    a, b = stacks[0][0], stacks[1][0]
    assert a.markdown == "# A" and a.notes == "first line\n\n- more *notes*\n" and a.line == 10
    assert b.notes == "\nsecond\n" and b.line == 16
    rendered = render_slide(a.markdown, a.notes, False)
    assert rendered.notes_html == "<p>first line</p>\n<ul>\n<li>more <em>notes</em></li>\n</ul>"


def test_an_unclosed_fence_warns_and_separators_still_cut(caplog: pytest.LogCaptureFixture) -> None:
    # As in reveal.js: the fence is no fence for splitting; the rest of its slide is code (marked's rule).
    body = "# A\n\n````js\ncode\n```\n\n---\n\n# B\n\n```py\nx\n```\n"
    with caplog.at_level(logging.WARNING):
        stacks = split_slides(body, 5, Separators(), P)
    assert [[s.markdown.strip() for s in stack] for stack in stacks] == [
        ["# A\n\n````js\ncode\n```"], ["# B\n\n```py\nx\n```"]]
    assert [r.getMessage() for r in caplog.records] == [
        "deck.md:7: warning: code fence ```` opened here is never closed: the slide's separators still cut it, as "
        "in reveal.js, and the rest of its slide is code; add a closing ```` line"]
    custom = Separators.from_options(regex(r"^---$"), None, None)
    assert len(split_slides(body, 5, custom, P)) == 2


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        # In a list item with no element before it: the item itself.
        ("<ul>\n<li>a <!-- .element: class=\"fragment\" --></li>\n</ul>", '<li class="fragment">a </li>'),
        # After an image in a paragraph: the image.
        ('<p><img src="x.png"> <!-- .element: width="50%" --></p>', '<p><img src="x.png" width="50%"> </p>'),
        # A comment on its own after a paragraph: the paragraph (previous sibling).
        ("<p>Hi <em>there</em></p>\n<!-- .element: class=\"a\" -->", '<p class="a">Hi <em>there</em></p>'),
        # After text and <br> only: the parent.
        ("<p>line<br>\ntext <!-- .element: class=\"b\" --></p>", '<p class="b">line<br>'),
        # Classes merge, unquoted values are accepted.
        ('<p class="x">t <!-- .element: class="fragment" data-fragment-index=2 --></p>',
         '<p class="x fragment" data-fragment-index="2">t </p>'),
    ],
)
def test_element_comment_targets(html: str, expected: str) -> None:
    section: dict[str, str] = {}
    out = apply_comments(html, section)
    assert expected in out and "<!--" not in out and section == {}


def test_slide_comment_sets_section_attributes() -> None:
    section: dict[str, str] = {}
    out = apply_comments('<h1>T</h1>\n<!-- .slide: data-background="#fff" data-auto-animate class="x" -->', section)
    assert section == {"data-background": "#fff", "data-auto-animate": "", "class": "x"}
    assert out.strip() == "<h1>T</h1>"


def test_code_fence_steps_offsets_and_escaping() -> None:
    assert render_code('a </textarea> & </script> "q"', "unknownlang [1|2-3]") == (
        '<pre><code class="unknownlang language-unknownlang" data-line-numbers="1|2-3">'
        'a &lt;/textarea&gt; &amp; &lt;/script&gt; "q"</code></pre>'
    )
    coloured = render_code('a </textarea> & </script> "q"', "html [1|2-3]")
    assert "<textarea" not in coloured and "</script>" not in coloured and "&amp;" in coloured
    assert render_code("x", "js [10: 2]") == (
        '<pre><code class="js language-js hljs" data-line-numbers="2" data-ln-start-from="10">x</code></pre>'
    )
    assert render_code("x", "[]") == '<pre><code data-line-numbers="">x</code></pre>'
    assert render_code("&amp;", "") == "<pre><code>&amp;amp;</code></pre>"


def test_code_in_markdown_is_escaped_once_and_not_parsed() -> None:
    html = render_slide("```python\nx = a_b * c_d  # <b>not bold</b>\n$x$\n```\n", None, False).html
    text = re.sub(r"</?span[^>]*>", "", html)
    assert "x = a_b * c_d  # &lt;b&gt;not bold&lt;/b&gt;\n$x$" in text
    assert "arithmatex" not in html and "<em>" not in html


def test_math_is_protected_from_markdown() -> None:
    html = render_slide("Inline $a_b * c_d$ and \\(x_1 * y_1\\)\n\n$$\na_1 * b_1\n$$\n\n\\[\nk_1 * k_2\n\\]\n",
                        None, False).html
    assert '<span class="arithmatex">\\(a_b * c_d\\)</span>' in html
    assert '<span class="arithmatex">\\(x_1 * y_1\\)</span>' in html
    assert html.count('<div class="arithmatex">') == 2 and "<em>" not in html
    plain = render_slide("It costs $5 and $6 here.", None, False)
    assert not plain.has_math


def test_raw_html_markdown_inside_and_attr_lists() -> None:
    source = '<div class="cols" markdown="1">\n\n**bold**\n\n</div>\n\nPara\n{: .big #p1 }\n\n<video controls></video>'
    html = render_slide(source, None, False).html
    assert '<div class="cols">' in html and "<strong>bold</strong>" in html
    assert '<p class="big" id="p1">Para</p>' in html
    assert "<video controls></video>" in html


def test_incremental_lists() -> None:
    deck_wide = render_slide("- a\n- b\n", None, True).html
    by_class = render_slide('<!-- .slide: class="incremental" -->\n- a\n- b\n', None, False)
    assert deck_wide.count('<li class="fragment">') == 2
    assert by_class.html.count('<li class="fragment">') == 2
    assert by_class.attrs == {"class": "incremental"}


def test_reveal_features_pass_through() -> None:
    rendered = render_slide('<!-- .slide: data-visibility="hidden" data-auto-animate -->\n'
                            '![x](a.png) <!-- .element: class="r-stretch" -->', None, False)
    assert rendered.attrs == {"data-visibility": "hidden", "data-auto-animate": ""}
    assert rendered.html == '<img src="a.png" alt="x" class="r-stretch">'


def test_commonmark_lists_nest_by_two_spaces_and_interrupt_paragraphs() -> None:
    html = render_slide("Intro line\n- a\n  - a1\n    - a11\n- b\n  more b\n", None, False).html
    assert re.sub(r"\s+", "", html) == (
        "<p>Introline</p><ul><li>a<ul><li>a1<ul><li>a11</li></ul></li></ul></li><li>bmoreb</li></ul>"
    )


def test_markdown_inside_raw_html_after_a_blank_line_and_custom_elements() -> None:
    html = render_slide('<my-cols>\n<my-col left>\n\n### One\n\n</my-col>\n</my-cols>\n\n'
                        '<div class="fragment">\n\n- item `N`\n\n</div>\n\n<div>\n*raw*\n</div>\n', None, False).html
    assert "<my-cols>\n<my-col" in html and '<h3 id="one">One</h3>' in html and "<p><my-cols>" not in html
    assert '<div class="fragment">\n<ul>\n<li>item <code>N</code></li>' in html
    assert "<div>\n*raw*\n</div>" in html  # no blank line: the block stays raw, as in CommonMark


def test_element_comment_on_the_line_after_a_list_item_targets_the_item() -> None:
    html = render_slide('- one\n- two\n<!-- .element: class="fragment" -->\n\nText\n\n- x $y$ <!-- .element: class="f" -->',
                        None, False).html
    assert '<li class="fragment">two</li>' in html and '<ul class="fragment"' not in html
    assert '<li class="f">x <span class="arithmatex">' in html


def test_notes_are_trimmed_and_emoji_and_bare_links_render() -> None:
    rendered = render_slide("Done :white_check_mark: see https://example.org/a", "\n    - indented notes\n", False)
    assert "✅" in rendered.html and '<a href="https://example.org/a">' in rendered.html
    assert rendered.notes_html == "<ul>\n<li>indented notes</li>\n</ul>"
