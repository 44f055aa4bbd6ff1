"""Browser tests of deckgen's own reveal.js plugins: static/deckgen/highlight.js and math.js."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from browser_helpers import WatchedPage, missing

pytestmark = pytest.mark.browser

PACKAGES = {"reveal.js": "6.0.2", "@highlightjs/cdn-assets": "11.12.0", "katex": "0.19.1"}
PLUGINS = Path(__file__).resolve().parents[2] / "static" / "deckgen"

PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>plugins</title>
<link rel="stylesheet" href="vendor/reveal.js/dist/reveal.css">
<link rel="stylesheet" href="vendor/reveal.js/dist/theme/white.css">
<link rel="stylesheet" href="vendor/@highlightjs/cdn-assets/styles/monokai.min.css">
<link rel="stylesheet" href="vendor/katex/dist/katex.min.css">
</head><body>
<div class="reveal"><div class="slides">
{slides}
</div></div>
<script src="vendor/reveal.js/dist/reveal.js"></script>
<script src="vendor/katex/dist/katex.min.js"></script>
<script src="vendor/@highlightjs/cdn-assets/highlight.min.js"></script>
<script src="vendor/@highlightjs/cdn-assets/languages/elixir.min.js"></script>
<script src="deckgen/highlight.js"></script>
<script src="deckgen/math.js"></script>
<script>
Reveal.initialize({{plugins: [DeckgenHighlight, DeckgenMath], hash: false, transition: 'none'}});
</script>
</body></html>
"""


def _has_packages(node_modules: Path) -> bool:
    for name, version in PACKAGES.items():
        manifest = node_modules / name / "package.json"
        if not manifest.is_file() or json.loads(manifest.read_text())["version"] != version:
            return False
    return True


@pytest.fixture(scope="session")
def node_modules(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A node_modules folder with the pinned reveal.js, highlight.js cdn-assets and KaTeX."""
    local = os.environ.get("DECKGEN_ASSETS")
    if local and _has_packages(Path(local)):
        return Path(local)
    npm = shutil.which("npm")
    if npm is None:
        missing("npm not found: it is needed to install reveal.js, highlight.js and KaTeX for browser tests")
    prefix = tmp_path_factory.mktemp("npm")
    specs = [f"{name}@{version}" for name, version in PACKAGES.items()]
    command = [npm, "install", "--prefix", str(prefix), "--no-audit", "--no-fund", "--ignore-scripts", *specs]
    try:
        result = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    except subprocess.TimeoutExpired:
        missing(f"`npm install {' '.join(specs)}` timed out")
    if result.returncode != 0 or not _has_packages(prefix / "node_modules"):
        missing(f"`npm install {' '.join(specs)}` failed: {result.stderr.strip()[-500:]}")
    return prefix / "node_modules"


@pytest.fixture
def open_deck(
    watched_page, tmp_path: Path, node_modules: Path, serve_dir: Callable[[Path], str]
) -> Callable[[str], WatchedPage]:
    """Write a deck page with the given <section>s, serve it, open it and wait for Reveal to be ready."""

    def open_(slides: str) -> WatchedPage:
        (tmp_path / "vendor").symlink_to(node_modules, target_is_directory=True)
        (tmp_path / "deckgen").symlink_to(PLUGINS, target_is_directory=True)
        (tmp_path / "index.html").write_text(PAGE.format(slides=slides), encoding="utf-8")
        watched = watched_page(serve_dir(tmp_path))
        watched.page.wait_for_function("window.Reveal && Reveal.isReady()")
        return watched

    return open_


# Rows marked highlight-line in the step a presenter sees now: the last visible <code> of the pre.
CURRENT_HIGHLIGHTS = """pre => {
    const steps = [...pre.querySelectorAll(':scope > code')]
        .filter(c => !c.classList.contains('fragment') || c.classList.contains('visible'));
    const current = steps[steps.length - 1];
    return [...current.querySelectorAll('tr.highlight-line')].map(tr => tr.dataset.lineNumber);
}"""

STEPPED = """<section><pre><code class="language-python" data-line-numbers="1|2-3" data-ln-start-from="10">\
import os
def f():
  return os.sep
</code></pre></section>"""


def test_code_gets_hljs_class_and_token_spans(open_deck) -> None:
    deck = open_deck('<section><pre><code class="language-python">def f(x):\n  return 1\n</code></pre></section>')
    code = deck.page.locator("pre code")
    assert "hljs" in code.get_attribute("class").split()
    assert code.locator("span.hljs-keyword").first.text_content() == "def"
    assert code.locator("table").count() == 0
    assert deck.problems == []


def test_line_numbers_table_honours_start_and_steps_become_a_fragment(open_deck) -> None:
    deck = open_deck(STEPPED)
    page = deck.page
    first = page.locator("pre > code").first
    line_number = "els => els.map(el => el.dataset.lineNumber)"
    assert first.locator("td.hljs-ln-numbers").evaluate_all(line_number) == ["10", "11", "12"]
    assert first.locator("tr").evaluate_all(line_number) == ["10", "11", "12"]
    shown = "div => getComputedStyle(div, '::before').content"
    assert first.locator("div.hljs-ln-n").evaluate_all(f"divs => divs.map({shown})") == ['"10"', '"11"', '"12"']
    assert first.locator("td.hljs-ln-code").all_text_contents() == ["import os", "def f():", "  return os.sep"]
    assert page.locator("pre > code").count() == 2
    classes = page.locator("pre > code").evaluate_all("codes => codes.map(c => [...c.classList])")
    assert "fragment" not in classes[0]
    assert {"fragment", "hljs", "has-highlights"} <= set(classes[1])
    assert page.locator("pre > code").evaluate_all("cs => cs.map(c => c.dataset.lineNumbers)") == ["1", "2-3"]
    pre = page.locator("pre")
    assert pre.evaluate(CURRENT_HIGHLIGHTS) == ["10"]
    assert page.evaluate("Reveal.getState().indexf") == -1

    page.evaluate("Reveal.next()")
    assert page.evaluate("Reveal.getState().indexf") == 0
    assert pre.evaluate(CURRENT_HIGHLIGHTS) == ["11", "12"]
    page.evaluate("Reveal.prev()")
    assert pre.evaluate(CURRENT_HIGHLIGHTS) == ["10"]
    assert deck.problems == []


def test_empty_step_and_star_highlight_nothing_and_explicit_index_starts_the_steps(open_deck) -> None:
    deck = open_deck(
        '<section><p class="fragment" data-fragment-index="0">first</p>'
        '<pre><code class="language-python" data-line-numbers="|2|*" data-fragment-index="1">'
        "a = 1\nb = 2\n</code></pre></section>"
    )
    page = deck.page
    codes = page.locator("pre > code")
    assert codes.evaluate_all("cs => cs.map(c => c.getAttribute('data-fragment-index'))") == [None, "1", "2"]
    dimmed = codes.evaluate_all("cs => cs.map(c => c.classList.contains('has-highlights'))")
    assert dimmed == [False, True, False]
    pre = page.locator("pre")
    seen = []
    for _ in range(4):
        seen.append((page.locator("p.fragment.visible").count(), pre.evaluate(CURRENT_HIGHLIGHTS)))
        page.evaluate("Reveal.next()")
    assert seen == [(0, []), (1, []), (1, ["2"]), (1, [])]
    assert deck.problems == []


def test_steps_follow_earlier_fragments_in_document_order(open_deck) -> None:
    deck = open_deck(
        '<section><p class="fragment">first</p>'
        '<pre><code class="language-python" data-line-numbers="1|2">a = 1\nb = 2\n</code></pre></section>'
    )
    page = deck.page
    pre = page.locator("pre")
    page.evaluate("Reveal.next()")
    assert page.locator("p.fragment.visible").count() == 1
    assert pre.evaluate(CURRENT_HIGHLIGHTS) == ["1"]
    page.evaluate("Reveal.next()")
    assert pre.evaluate(CURRENT_HIGHLIGHTS) == ["2"]
    assert deck.problems == []


def test_spans_across_lines_are_closed_and_reopened_per_line(open_deck) -> None:
    deck = open_deck(
        '<section><pre><code class="language-python" data-line-numbers>'
        'x = """one\ntwo\nthree"""\n</code></pre></section>'
    )
    cells = deck.page.locator("td.hljs-ln-code")
    assert cells.all_text_contents() == ['x = """one', "two", 'three"""']
    for i in range(3):
        assert cells.nth(i).locator("span.hljs-string").count() == 1
    # Every cell parses back to itself: no tag was left open or closed twice.
    assert cells.evaluate_all(
        "tds => tds.every(td => { const t = document.createElement('td'); t.innerHTML = td.innerHTML;"
        " return t.innerHTML === td.innerHTML; })"
    )
    assert deck.problems == []


def test_unknown_language_stays_plain_without_console_noise(open_deck) -> None:
    deck = open_deck(
        '<section><pre><code class="language-nosuchlang" data-line-numbers>let x = 1\n</code></pre>'
        '<pre><code class="language-elixir">defmodule M do\nend\n</code></pre></section>'
    )
    page = deck.page
    unknown = page.locator("code.language-nosuchlang")
    assert "hljs" in unknown.get_attribute("class").split()
    assert unknown.locator("span[class^=hljs-]").count() == 0
    assert unknown.locator("td.hljs-ln-code").all_text_contents() == ["let x = 1"]
    # elixir comes from languages/elixir.min.js, loaded between highlight.min.js and the plugin.
    assert page.locator("code.language-elixir span.hljs-keyword").count() >= 1
    assert deck.problems == []
    assert [m for m in deck.console_messages if "nosuchlang" in m] == []


def test_script_end_tag_inside_code_stays_text(open_deck) -> None:
    deck = open_deck(
        '<section><pre><code class="language-html" data-line-numbers="1|2">'
        "&lt;script&gt;alert(1)&lt;/script&gt;\n&lt;/textarea&gt;&lt;b&gt;bold&lt;/b&gt;\n</code></pre></section>"
    )
    page = deck.page
    first = page.locator("pre > code").first
    assert first.locator("td.hljs-ln-code").all_text_contents() == [
        "<script>alert(1)</script>",
        "</textarea><b>bold</b>",
    ]
    assert page.locator("pre script, pre b, pre textarea").count() == 0
    assert page.evaluate("window.alerted === undefined")
    assert deck.problems == []


def test_highlighted_lines_scroll_into_view(open_deck) -> None:
    lines = "".join(f"value_{n} = {n}\n" for n in range(1, 61))
    code = f'<code class="language-python" data-line-numbers="1|55-57">{lines}</code>'
    deck = open_deck(f"<section><pre>{code}</pre></section>")
    page = deck.page
    codes = page.locator("pre > code")
    assert codes.first.evaluate("c => c.scrollHeight > c.clientHeight")
    page.evaluate("Reveal.next()")
    # Smooth scrolling takes a moment: wait until every highlighted row sits inside the code box.
    page.wait_for_function(
        """() => {
            const c = document.querySelectorAll('pre > code')[1], box = c.getBoundingClientRect();
            return c.scrollTop > 0 && [...c.querySelectorAll('tr.highlight-line')].every(tr => {
                const r = tr.getBoundingClientRect();
                return r.top >= box.top && r.bottom <= box.bottom;
            });
        }""",
        timeout=5000,
    )
    page.evaluate("Reveal.prev()")
    page.wait_for_function("document.querySelector('pre > code').scrollTop === 0", timeout=5000)
    assert deck.problems == []


def test_highlight_in_processes_new_slides_once(open_deck) -> None:
    deck = open_deck("<section><p>start</p></section>")
    page = deck.page
    counts = page.evaluate(
        """() => {
            const section = document.createElement('section');
            section.innerHTML = '<pre><code class="language-js" data-line-numbers="1|2">'
                + 'let a;\\nlet b;\\n</code></pre>'
                + '<p><span class="arithmatex">\\\\(a+b\\\\)</span></p>';
            document.querySelector('.reveal .slides').appendChild(section);
            const first = [DeckgenHighlight.highlightIn(section), DeckgenMath.renderIn(section)];
            const again = [DeckgenHighlight.highlightIn(section), DeckgenMath.renderIn(section)];
            return {first, again, codes: section.querySelectorAll('pre > code').length,
                    tables: section.querySelectorAll('table.hljs-ln').length,
                    katex: section.querySelectorAll('.katex').length};
        }"""
    )
    assert counts == {"first": [1, 1], "again": [0, 0], "codes": 2, "tables": 2, "katex": 1}
    assert deck.problems == []


def test_math_is_typeset_inline_and_display(open_deck) -> None:
    deck = open_deck(
        '<section><p>Inline <span class="arithmatex">\\(x^2 &lt; y\\)</span> and '
        '<span class="arithmatex">$a_1$</span>.</p>'
        '<div class="arithmatex">\\[ \\sum_{i=1}^n i \\]</div>'
        '<div class="arithmatex">$$\\frac{1}{2}$$</div></section>'
    )
    page = deck.page
    spans = page.locator("span.arithmatex")
    assert spans.locator(".katex").count() == 2
    assert spans.locator(".katex-display").count() == 0
    assert page.locator("div.arithmatex .katex-display").count() == 2
    tex = page.locator(".arithmatex annotation[encoding='application/x-tex']").all_text_contents()
    assert [t.strip() for t in tex] == ["x^2 < y", "a_1", "\\sum_{i=1}^n i", "\\frac{1}{2}"]
    assert page.locator(".katex-error").count() == 0
    assert deck.problems == []
