"""deckgen import: pages in, decks of the project out; what is translated, reported, refused."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from deckgen.cli import main
from deckgen.commands.build import build
from deckgen.commands.import_deck import import_decks

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fidelity import compare  # noqa: E402


def page(slides: str, *, head: str = "", scripts: str = "") -> str:
    return (f"<!doctype html>\n<html>\n<head>\n<title>T</title>\n{head}\n</head>\n<body>\n<div class=\"reveal\">\n"
            f"<div class=\"slides\">\n{slides}\n</div>\n</div>\n<script src=\"dist/reveal.js\"></script>\n{scripts}\n"
            "</body>\n</html>\n")


def project(tmp_path: Path, files: dict[str, str | bytes]) -> Path:
    for name, content in files.items():
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return tmp_path


def deck(tmp_path: Path, name: str) -> str:
    return (tmp_path / "slides" / f"{name}.md").read_text(encoding="utf-8")


def built_slides(root: Path, name: str) -> list[str]:
    build(root, root / "build", thumbnails=False)
    text = (root / "build" / name / "index.html").read_text(encoding="utf-8")
    return re.findall(r"<section\b[^>]*>.*?</section>", text, re.S)


def test_markdown_sections_are_split_and_de_indented_as_reveal_js_does(tmp_path: Path) -> None:
    slides = """
        <section data-markdown data-separator="^\\n---\\n$" data-separator-vertical="^\\n--\\n$"
                 data-separator-notes="^Speaker:" class="intro">
            <textarea data-template>
                ## One
                Text &amp; more

                --

                ## Two
                Speaker: said two

                ---

                ## Three
                ---
            </textarea>
        </section>"""
    root = project(tmp_path, {"talk.html": page(slides)})
    result = import_decks([root / "talk.html"], root)
    assert not result.errors
    text = deck(root, "talk")
    assert '<!-- .slide: class="intro" -->\n## One\nText & more' in text
    assert "\n\n--\n\n" in text and "Note:\nsaid two" in text
    assert "## Three\n-----" in text  # a heading underline, not a deckgen separator
    assert result.reports[0].slides == 3


def test_raw_html_passes_through_unchanged(tmp_path: Path) -> None:
    slides = """
        <section data-background-color="salmon" data-transition="zoom">
            <h2>Code *not emphasis*</h2>
            <pre><code data-line-numbers="1|3">a = 1

    b = 2
---
Note: text</code></pre>

            <p>after a blank line *still HTML*</p>
            <aside class="notes">Said</aside>
        </section>"""
    root = project(tmp_path, {"talk.html": page(slides)})
    import_decks([root / "talk.html"], root)
    assert '<!-- .slide: data-background-color="salmon" data-transition="zoom" -->' in deck(root, "talk")
    [section] = built_slides(root, "talk")
    assert "<h2>Code *not emphasis*</h2>" in section
    assert '<pre><code data-line-numbers="1|3">a = 1\n&#10;    b = 2\n&#45;--\nNote&#58; text</code></pre>' in section
    assert "<p>after a blank line *still HTML*</p>" in section


def test_vertical_stacks_and_order(tmp_path: Path) -> None:
    slides = "<section><h1>A</h1></section><section><section><h2>B1</h2></section><section><h2>B2</h2></section>" \
             "</section><section data-markdown><script type=\"text/template\">## C</script></section>"
    root = project(tmp_path, {"talk.html": page(slides)})
    import_decks([root / "talk.html"], root)
    body = deck(root, "talk").split("---\n\n", 1)[1]
    assert [p.count("\n\n--\n\n") for p in body.split("\n\n---\n\n")] == [0, 1, 0]


@pytest.mark.parametrize(("scripts", "options", "plugins"), [
    ("<script src=\"plugin/markdown/marked.js\"></script><script>Reveal.initialize({ history: true, "
     "dependencies: [ { src: 'plugin/markdown/markdown.js' }, { src: 'plugin/menu/menu.js' } ] });</script>",
     {"history": True}, ["markdown"]),
    ("<script src=\"plugin/notes/notes.js\"></script><script>Reveal.initialize({ hash: true, slideNumber: 'c/t', "
     "plugins: [ RevealNotes, RevealMath.KaTeX ] });</script>", {"hash": True, "slideNumber": "c/t"}, ["notes", "math"]),
    ("<script type=\"module\">import Reveal from './dist/reveal.esm.js';\nimport Zoom from './plugin/zoom/zoom.esm.js';"
     "\nlet deck = new Reveal({ plugins: [Zoom] });\ndeck.initialize({ width: 1200, center: false });</script>",
     {"width": 1200, "center": False}, ["zoom"]),
])
def test_reveal_initialize_in_its_three_forms(tmp_path: Path, scripts: str, options: dict, plugins: list) -> None:
    root = project(tmp_path, {"talk.html": page("<section>x</section>", scripts=scripts)})
    result = import_decks([root / "talk.html"], root)
    text = deck(root, "talk")
    for key, value in options.items():
        assert re.search(rf"^  {key}: {str(value).lower() if isinstance(value, bool) else value}$", text, re.M), text
    translated = " ".join(result.reports[0].translated)
    assert all(f"plugin {p}" in translated for p in plugins)
    assert "scripts:" not in text  # the set-up script is translated, not kept


def test_an_html_slide_starting_with_text_is_reported(tmp_path: Path) -> None:
    root = project(tmp_path, {"t.html": page("<section>\n  Plain <b>text</b>\n</section><section>\n<h2>x</h2></section>")})
    result = import_decks([root / "t.html"], root)
    assert [line for line, _ in result.reports[0].left_behind] == [10]


def test_menu_plugin_is_reported(tmp_path: Path) -> None:
    scripts = "<script>Reveal.initialize({ dependencies: [ { src: 'plugin/menu/menu.js' } ] });</script>"
    root = project(tmp_path, {"talk.html": page("<section>x</section>", scripts=scripts)})
    result = import_decks([root / "talk.html"], root)
    assert any("'menu'" in what for _, what in result.reports[0].left_behind)


def test_load_time_script_idioms_become_deck_features(tmp_path: Path) -> None:
    scripts = """<script src="lib/jquery.min.js"></script>
<script>
  $(document).ready(function() {
    $('section.steps li').addClass('fragment');
    $('a').attr('target', '_blank');
    document.querySelectorAll('pre code').forEach(function (code) { code.setAttribute('data-line-numbers', ''); });
    if (window.location.hostname !== 'localhost') {
      $('.todo').remove();
      $('.local').remove();
    }
    document.querySelectorAll('section').forEach(s => s.setAttribute('data-background-color', '#123'));
  });
</script>"""
    slides = "<section class=\"steps\"><ul><li>a</li></ul><a href=\"https://x.org\">x</a><pre><code>c</code></pre>" \
             "</section><section data-markdown><textarea data-template>[y](https://y.org)\n\n```js\nz\n```" \
             "</textarea></section>"
    root = project(tmp_path, {"talk.html": page(slides, scripts=scripts)})
    result = import_decks([root / "talk.html"], root)
    text = deck(root, "talk")
    assert 'class="steps incremental"' in text
    assert '<a target="_blank" href="https://x.org">' in text and "[y](https://y.org){target=_blank}" in text
    assert "<code data-line-numbers>" in text and "```js []" in text
    assert "background: '#123'" in text
    assert "scripts:" not in text  # jQuery too: only the translated scripts used it
    assert result.reports[0].suggestions == [
        "profiles: {public: {hide: [todo, local]}} (the page removed these when not on localhost; build with "
        "--profile public)"]
    [first, _] = built_slides(root, "talk")
    assert '<li class="fragment">a</li>' in first


def test_other_scripts_are_kept_and_reported(tmp_path: Path) -> None:
    scripts = "<script>console.log('custom ' + Reveal.getTotalSlides());</script>"
    root = project(tmp_path, {"talk.html": page("<section><p>x</p></section>", scripts=scripts)})
    result = import_decks([root / "talk.html"], root)
    assert "scripts:\n- js/talk.js" in deck(root, "talk")
    assert "console.log" in (root / "slides/js/talk.js").read_text()
    assert result.reports[0].left_behind == [(14, "inline script: kept in the deck's script file, check what it does")]


def test_a_style_block_shared_by_decks_is_written_once(tmp_path: Path) -> None:
    style = "<style>.reveal h1 { color: red; background: url(img/bg.png); }</style>"
    root = project(tmp_path, {"talks/a.html": page("<section>a</section>", head=style),
                              "talks/b.html": page("<section>b</section>", head=style),
                              "talks/c.html": page("<section>c</section>", head="<style>p{}</style>"),
                              "talks/img/bg.png": b"png"})
    result = import_decks([root / "talks/a.html", root / "talks/b.html", root / "talks/c.html"], root)
    assert not result.errors
    shared = sorted(p.name for p in (root / "slides/css").iterdir())
    assert len(shared) == 2 and "c.css" in shared
    name = next(n for n in shared if n.startswith("shared-"))
    assert f"css:\n- css/{name}" in deck(root, "a") and f"css:\n- css/{name}" in deck(root, "b")
    assert "url(../../talks/img/bg.png)" in (root / "slides/css" / name).read_text()


def test_local_files_are_rewritten_and_outside_ones_reported(tmp_path: Path) -> None:
    root = project(tmp_path / "proj", {
        "talks/t.html": page('<section data-background-image="img/a.png"><p><img src="img/b.png">'
                             '<img src="../../outside.png"><video src="https://v.org/x.mp4"></video></p></section>'),
        "talks/img/a.png": b"a", "talks/img/b.png": b"b"})
    result = import_decks([root / "talks/t.html"], root)
    text = deck(root, "t")
    assert 'data-background-image="../talks/img/a.png"' in text and '<img src="../talks/img/b.png">' in text
    assert '<img src="../../outside.png">' in text and "https://v.org/x.mp4" in text
    assert [what for _, what in result.reports[0].left_behind] == [
        "../../outside.png: outside the project, left as written and never read; copy the file into the project"]


def test_title_description_theme_and_highlight_theme(tmp_path: Path) -> None:
    head = ('<meta name="description" content="About it"><link rel="stylesheet" href="dist/reveal.css">'
            '<link rel="stylesheet" href="dist/theme/night.css"><link rel="stylesheet" '
            'href="plugin/highlight/zenburn.css"><link rel="stylesheet" href="css/own.css">')
    root = project(tmp_path, {"t.html": page("<section>x</section>", head=head), "css/own.css": "p{}"})
    import_decks([root / "t.html"], root)
    assert deck(root, "t").startswith("---\ntitle: T\ndescription: About it\ntheme: night\nhighlightTheme: zenburn\n")
    assert "css:\n- ../css/own.css" in deck(root, "t")


def test_an_existing_deck_is_kept_unless_forced(tmp_path: Path, monkeypatch) -> None:
    root = project(tmp_path, {"t.html": page("<section>new</section>"), "slides/t.md": "# old\n"})
    monkeypatch.chdir(root)
    result = import_decks([root / "t.html"], root)
    assert [str(e) for e in result.errors] == [
        "t.html: slides/t.md already exists: give --force to overwrite it; nothing was written for this deck"]
    assert deck(root, "t") == "# old\n"
    assert not import_decks([root / "t.html"], root, force=True).errors
    assert "new" in deck(root, "t")


@pytest.mark.parametrize(("content", "message"), [
    (b"\x89PNG\r\n\x1a\n\0\0", "bad.html:1: not UTF-8 text (byte 0x89 at offset 0): save the page as UTF-8"),
    (b"just some text\n", "bad.html: not an HTML page: no tags found"),
    (b"<html><body><div class='reveal'><p>no slides</p></div></body></html>", "bad.html: no reveal.js slides"),
    (b"<div class='reveal'><div class='slides'>\n<section>\n<section>a</section>\n</div></div>",
     "bad.html:2: broken nesting: </div> on line 4 closes a <section> opened here that was never closed"),
    (b"<div class='reveal'><div class='slides'>\n<section>a</section></section>\n</div></div>",
     "bad.html:2: broken nesting: </section> without an open <section>"),
    ("<div class='reveal'><div class='slides'><section>caf\u00e9</section></div></div>".encode("latin-1"),
     "bad.html:1: not UTF-8 text (byte 0xe9 at offset 52)"),
])
def test_bad_input_names_the_file_and_writes_nothing(tmp_path: Path, monkeypatch, content: bytes,
                                                     message: str) -> None:
    root = project(tmp_path, {"bad.html": content, "good.html": page("<section>ok</section>")})
    monkeypatch.chdir(root)
    result = import_decks([Path("bad.html"), Path("good.html")], root)
    assert len(result.errors) == 1 and str(result.errors[0]).startswith(message), str(result.errors[0])
    assert not (root / "slides/bad.md").exists() and (root / "slides/good.md").exists()


def test_the_command_line(tmp_path: Path, capsys) -> None:
    root = project(tmp_path, {"a.html": page("<section>a</section>"), "b.html": page("<section>b</section>")})
    assert main(["import", str(root / "a.html"), str(root / "b.html"), str(root)]) == 0
    out = capsys.readouterr().out
    assert "a.html -> slides/a.md: 1 slide (0 Markdown, 1 HTML)" in out and "imported 2 decks" in out
    assert main(["import", str(root / "a.html"), str(root)]) == 1
    assert "already exists" in capsys.readouterr().err


def test_the_comparison_finds_differences() -> None:
    slide = {"text": "A", "fragments": 1, "indices": ["1"], "images": [], "code": [], "notes": ""}
    other = {**slide, "fragments": 2}
    assert compare([[slide, slide]], [[slide, slide]])[:2] == (2, 2)
    matched, total, differences = compare([[slide, slide], [slide]], [[other], [slide, slide]])
    assert (matched, total) == (1, 3)
    assert [str(d) for d in differences] == ["0.0: fragments: 1 != 2", "0.1: missing in the import",
                                             "1.1: extra in the import"]


@pytest.mark.parametrize("indent", ["      <div class=\"fragment\">\n        <p>quoted</p>\n\"column zero\"\n      </div>",
                                    "\t\t<p>tabbed</p>\n\t\t<div class=\"fragment\">x</div>\n\t    <p>mixed</p>"])
def test_an_html_slide_less_indented_somewhere_stays_html(tmp_path: Path, indent: str) -> None:
    # A line at column 0, or tabs mixed with spaces, leave the first line indented after the common indentation
    # is removed: four spaces or a tab there would make the slide an indented code block.
    root = project(tmp_path, {"talk.html": page(f"<section>\n{indent}\n</section>")})
    import_decks([root / "talk.html"], root)
    [section] = built_slides(root, "talk")
    assert "<pre><code>" not in section and 'class="fragment"' in section


def test_data_notes_of_a_markdown_section_become_its_notes(tmp_path: Path) -> None:
    slides = ('<section data-markdown data-notes="My notes"><script type="text/template">\n## Title\n'
              '</script></section>')
    root = project(tmp_path, {"talk.html": page(slides)})
    import_decks([root / "talk.html"], root)
    [section] = built_slides(root, "talk")
    assert '<aside class="notes">' in section and "My notes" in section
