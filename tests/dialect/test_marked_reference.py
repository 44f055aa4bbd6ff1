"""deckgen's slides against reveal.js 6.0.2's markdown plugin (marked 17.0.5), slide by slide.

tests/reference/render.mjs renders each deck as the plugin does in the browser (slidify, marked with the plugin's
options and code renderer, .slide/.element comments on the DOM, math as reveal.js's KaTeX plugin finds it) and reads
deckgen's built page the same way (jsdom, the page's own math scripts). Both are normalised here by one small
normaliser (attribute and class order, entity forms, whitespace that HTML does not render, comments) and compared:
number of slides, nesting, <section> attributes, content and notes.

The decks are the snippets below (one idiom each), this repository's decks (slides/), and every deck of the
project's corpus (tests/corpus: real decks by other authors, see "The corpus" below), each rendered by reveal.js
with the separators and notes separator its tool used.

deckgen differs from reveal.js on purpose in a few places: ACCEPTED lists each such difference with its reason,
and each is applied only where it occurs (see _prepare and _apply_accepted); every other difference fails.

The npm packages (tests/reference/package.json, pinned by its package-lock.json) are installed into
~/.cache/deckgen-tests with `npm install --prefix`, from npm's own configured registry. Without node or npm the
tests skip, unless DECKGEN_REQUIRE_NODE=1 (CI), where they fail.
"""

from __future__ import annotations

import contextlib
import difflib
import fcntl
import hashlib
import html
import json
import os
import re
import shutil
import subprocess
import textwrap
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote

import corpus_support
import pytest
import yaml
from projects import PNG, REPO, make_project

from deckgen.commands.build import build

REFERENCE = REPO / "tests" / "reference"

# ---------------------------------------------------------------------------------------------------------------
# The idioms, one deck each. Written as authors write them for reveal.js's markdown plugin.
# ---------------------------------------------------------------------------------------------------------------

SNIPPETS: dict[str, str] = {
    # Separators and notes.
    "separators": "# A\n\n---\n\n# B\n\n--\n\n# B2\n\n---\n# C\n",
    "separator-at-end": "# A\n\n---\n\n# B\n\n---\n",
    "notes": "# A\n\nNote: first *note*\n\n- more notes\n\n---\n\n# B\n\nNotes:\nsecond\n",
    "notes-lower-case": "# A\n\nnote: lower case\n\n--\n\n# B\n\nNOTES: upper case\n",
    "notes-aside": '# A\n\n<aside class="notes">Notes as an <em>aside</em>.</aside>\n',
    "separators-in-fence": "# A\n\n```md\n---\n--\nNote: not a note\n```\n\n---\n\n# B\n",
    "separator-regexes-blank-lines": (
        "---\nseparator: '^\\n\\n\\n'\nverticalSeparator: '^\\n\\n'\n---\n"
        "# A\n\ntext of A\n\n\n\n# B\n\n\n# B2\n\n\n\n# C\n"
    ),
    "separator-regexes-reveal-md": (
        "---\nseparator: '^\\s*---\\s*$'\nverticalSeparator: '^\\s*----\\s*$'\nnotesSeparator: '^Notes?:'\n---\n"
        "# A\n\n---\n\n# B\n\n----\n\n# B2\nNotes: of B2\n"
    ),
    "separator-regexes-custom": (
        "---\nseparator: '\\r?\\n---\\r?\\n'\nverticalSeparator: '\\r?\\n--v\\r?\\n'\n---\n# A\n---\n# B\n--v\n# B2\n"
    ),
    # reveal.js's attribute comments.
    "slide-comment": '<!-- .slide: data-background-color="#123456" class="dark" data-state="s1" -->\n\n# Title\n',
    "slide-comment-vertical": '# A\n\n--\n\n<!-- .slide: data-transition="zoom" -->\n## Below\n',
    "element-after-paragraph": 'A paragraph.\n<!-- .element: class="fragment" -->\n\nAnother one.\n',
    "element-end-of-paragraph": 'Some *text* here <!-- .element: class="fragment" data-fragment-index="2" -->\n',
    "element-list-item": '- one\n- two <!-- .element: class="fragment" -->\n- three\n',
    "element-after-list": '- a\n- b\n<!-- .element: class="fragment" -->\n',
    "element-after-list-blank-line": '- a\n- b\n\n<!-- .element: class="fragment" -->\n',
    "element-in-heading": '## A heading <!-- .element: class="r-fit-text" -->\n',
    "element-after-image": '![A picture](pic.png) <!-- .element: width="50%" -->\n',
    "element-second-image": '![one](pic.png) ![two](pic.png) <!-- .element: class="fragment" -->\n',
    "element-flag-attribute": '- item <!-- .element: class="fragment" data-autoslide="200" data-flag -->\n',
    # Attribute lists (a deckgen extension; marked shows them as text).
    "attribute-list": "A paragraph.\n{: .small #para-1 }\n",
    "attribute-list-curly": "A paragraph.\n{.small #para-2}\n",
    # Fenced code.
    "code-line-steps": '```python [1|2-3]\ndef f():\n    x = 1\n    return "<b>"\n```\n',
    "code-line-offset": "```js [10: 2]\nconst a = 1;\nconsole.log(a);\n```\n",
    "code-no-language": "```\nplain <b>text</b> & more\n```\n",
    "code-tilde-fence": "~~~ruby\nputs 'hi'\n~~~\n",
    "code-script-textarea": "```html\n<textarea>x</textarea>\n</script>\n<b>&amp;</b>\n```\n",
    "code-indented": "Text:\n\n    indented <code>\n    two & lines\n",
    "code-span-entities": "Code `&copy; <b>` and text &copy;\n",
    # CommonMark blocks and inlines.
    "backslash-escapes": "\\<u>not underlined\\</u>, \\*not em\\*, \\# and \\_ and \\\\ and \\`\n",
    "html-block-nested-indented": '<div class="box">\n    <p>nested, indented four spaces</p>\n</div>\n',
    "html-block-text-after-tag": "<div>Text right after the tag, *not emphasis*\n</div>\n",
    "html-block-markdown-after-blank-line": '<div class="box">\n\n**bold** inside a div\n\n</div>\n',
    # (A first line indented by 2+ spaces would make reveal.js strip that indentation from every line: not here.)
    "headings-indented": "Text\n\n   ## Indented three spaces\n\n  # Indented two\n\n    # four spaces is code\n",
    "blockquotes-separate": "> first quote\n\n> second quote\n",
    "image-tag-line": '<img src="pic.png" alt="a picture">\n\nText after.\n',
    "iframe-multiline": (
        '<iframe src="https://example.com/embed"\n        width="400" height="300"\n        allowfullscreen></iframe>\n'
    ),
    "heading-id-link": "# Le marché\n\n[see](#le-marché) and [top](#top)\n",
    "table-alignment": "| Left | Center | Right |\n|:-----|:------:|------:|\n| a | *b* | `c` |\n| 1 | 2 | 3 |\n",
    "list-nested-two-spaces": "- a\n  - b\n    - c\n- d\n",
    "list-after-paragraph": "Intro:\n- a\n- b\n\nSteps:\n1. one\n2. two\n",
    "list-loose-and-ordered-start": "3. three\n4. four\n\n- loose\n\n- items\n",
    "task-list": "- [ ] todo\n- [x] done\n",
    "emphasis-edge-cases": (
        "**bold**text, *a*b, snake_case_word, __init__, ***both***, * not em *, **nested *em* here**\n"
    ),
    "strikethrough": "~~gone~~ and ~one~\n",
    "autolinks": "<https://example.com/a?b=c> and <me@example.com>\n",
    "bare-urls": "Visit https://example.com/path?q=1. Or www.example.org!\n",
    "hard-line-breaks": "line one  \nline two\\\nline three\nline four\n",
    "entities": "&copy; &amp; &#169; &#xA9; &nbsp;x AT&T &unknown; &lt;tag&gt;\n",
    "links-and-images": '[a link](https://example.com "Title") ![img](pic.png "pic title") [ref][r]\n\n[r]: https://example.org\n',
    # Math, as authors write it for reveal.js (compared by TeX source).
    "math-inline-dollars": "Euler: $e^{i\\pi} + 1 = 0$ and $x^2$.\n",
    "math-inline-spaces": "The letter $ \\beta $ in a sentence.\n",
    "math-display-dollars": "$$\n\\sum_{i=1}^{n} i = \\frac{n(n+1)}{2}\n$$\n",
    "math-paren-delimiters": "Inline \\(a^2 + b^2 = c^2\\) math.\n",
    "math-bracket-delimiters": "\\[\n\\int_0^1 x \\, dx\n\\]\n",
    "math-in-code-span": "A formula in backticks: `$\\frac{1}{m}$`.\n",
    "math-escaped-dollar": "It costs \\$5, and $x$ is math.\n",
}

# Files the snippet decks refer to, beside them in slides/.
SNIPPET_FILES: dict[str, str | bytes] = {"slides/pic.png": PNG}

# This repository's decks, with their files.
REPO_DECKS = {"tour": "slides/tour.md", "quickstart": "slides/quickstart/index.md"}
REPO_DECK_FILES = [
    "slides/tour.md",
    "slides/tour.css",
    "slides/img/background.png",
    "slides/img/diagram.svg",
    "slides/quickstart/index.md",
    "slides/quickstart/screenshot.png",
    "slides/_shared/thanks.md",
]

# ---------------------------------------------------------------------------------------------------------------
# Accepted differences: where deckgen deliberately differs from reveal.js + marked. Each is applied only where
# its condition holds (see _prepare for the reference's input, _apply_accepted for the rendered slides), and the
# ones applied to a deck are named in its failure message.
# ---------------------------------------------------------------------------------------------------------------

ACCEPTED: dict[str, str] = {
    "includes": (
        "A line `--8<-- \"part.md\"` is replaced by that part before the deck is split (deckgen's includes); "
        "reveal.js has none. Applied: the reference gets the body with its includes expanded by deckgen's own "
        "documented step (deckgen.dialect.includes.expand), and renders the result as written."
    ),
    "trailing-empty-slide": (
        "A separator at the very end of the file gives reveal.js an empty last slide; deckgen drops it. Applied: the "
        "reference's last slide is removed when it is alone in its stack and has neither content nor notes."
    ),
    "separators-in-fenced-code": (
        "deckgen never splits slides or starts notes inside fenced code (reveal.js splits the raw text, cutting code "
        "blocks in two). Applied: for reveal.js, the lines of a fenced block where a separator or notes match falls "
        "are made inert with a U+2060 WORD JOINER at their ends, removed again from its output."
    ),
    "reveal-md-vertical-separator": (
        "With the default separators, deckgen also takes a line `----` as a vertical separator (reveal-md's default). "
        "Applied: when such a line is outside code, reveal.js gets `\\r?\\n--\\r?\\n|\\r?\\n----\\r?\\n` as its "
        "vertical separator."
    ),
    "title-slide": (
        "`titleSlide: true` makes deckgen generate a first slide (class title-slide) from the front matter. Applied: "
        "that slide is left out of deckgen's side."
    ),
    "incremental": (
        "`incremental: true`, or the class `incremental` on a slide, makes every list item of the slide a fragment "
        "in deckgen. Applied: the reference's <li> elements of those slides get the class `fragment`."
    ),
    "local-files": (
        "deckgen copies local files into build/files/ and links decks' .md files to their pages, rewriting the URLs. "
        "Applied: src/href/poster/<object data>/data-background-* URLs that name a local file are compared by the "
        "file's content (and a deck's .md with its page), not by spelling."
    ),
    "markdown-attribute": (
        '`markdown="1"` on raw HTML is an instruction to deckgen\'s engine, which removes it; reveal.js leaves it '
        "on the element. Applied: the attribute is removed from the reference."
    ),
    "stretch-lifted": (
        "reveal.js stretches only direct children of a slide, so deckgen lifts a lone r-stretch image, video or "
        "iframe out of its paragraph. Applied: in the reference such a paragraph is replaced by its element."
    ),
    "attribute-lists": (
        "Attribute lists (`{: .class #id }` or `{.class #id}` as the last line of a paragraph) are a deckgen "
        "extension; marked shows them as text. Applied: in the reference, such a last line is removed and its "
        "classes, id and key=value pairs set on the paragraph."
    ),
    "math-paren-delimiters": (
        "deckgen reads `\\(…\\)` and `\\[…\\]` as math; marked takes `\\(` as an escaped `(`, so a reveal.js "
        "author has to write `\\\\(`. Applied: outside code, reveal.js gets `\\\\(`, `\\\\)`, `\\\\[`, `\\\\]`."
    ),
    "math-escaped-dollar": (
        "In deckgen `\\$` is a dollar sign that never starts math; marked drops the backslash, and KaTeX then pairs "
        "that dollar with the next one. Applied: outside code, reveal.js gets the dollar as <dg-literal>$</dg-literal> "
        "(an element KaTeX's auto-render does not look across), unwrapped again before comparing."
    ),
    "math-is-not-markdown": (
        "deckgen protects TeX from Markdown; marked applies backslash escapes inside it (`\\,` becomes `,`, `\\\\` "
        "becomes `\\`). Applied: two formulas are equal when the reference's TeX equals deckgen's with Markdown's "
        "backslash escapes applied."
    ),
    "display-math-block": (
        "marked wraps `$$…$$` on lines of its own in a <p>; deckgen writes display math as a block. KaTeX's display "
        "mode renders a block either way. Applied: a <p> holding nothing but one display formula is unwrapped, on "
        "both sides."
    ),
    "heading-ids": (
        "deckgen gives headings ids (slugs of their text), so that links such as `[see](#le-marché)` work; marked 17 "
        "gives headings none (marked dropped its headerIds option in v8), so in reveal.js such links go nowhere. "
        "Applied: deckgen's id on a heading (of a slide or of its notes) is ignored where the reference's heading "
        "at the same place has none."
    ),
    "math-in-code-span": (
        "reveal.js's documentation tells Markdown authors to wrap a formula in backticks; 6.0.2's math plugins skip "
        "<code>, so it shows as code there, while deckgen typesets a code span holding exactly one delimited "
        "formula. Applied: in the reference, such a <code> (outside <pre>) is taken as that formula."
    ),
    "task-list-classes": (
        "deckgen marks task lists with the classes contains-task-list, task-list-item and task-list-item-checkbox, "
        "which its own deck.css styles; marked writes the same list and checkboxes without classes. Applied: those "
        "three classes are dropped from deckgen's <ul>/<ol>, <li> and <input type=checkbox>."
    ),
    "mermaid": (
        'A ```` ```mermaid ```` fence is a diagram in deckgen (<pre class="mermaid">, drawn in the page); reveal.js '
        'shows it as code. Applied: the reference\'s <pre><code class="mermaid"> (without line numbers) becomes '
        '<pre class="mermaid"> holding the same text.'
    ),
    "definition-lists": (
        "`Term` followed by lines `: definition` is a definition list in deckgen (markdown-it's deflist); marked "
        "shows one paragraph. Applied: a reference paragraph of plain text made of one term line and `: ` lines "
        "becomes <dl><dt>term</dt><dd>definition</dd>…</dl>."
    ),
    "alerts": (
        "A blockquote starting `[!NOTE]`, `[!TIP]`, `[!IMPORTANT]`, `[!WARNING]` or `[!CAUTION]` is a GitHub alert in "
        "deckgen; marked shows the blockquote with that text. Applied: such a reference blockquote becomes "
        '<div class="markdown-alert markdown-alert-tip"><p class="markdown-alert-title">Tip</p>…</div>.'
    ),
    "footnotes": (
        "`text[^label]` with a `[^label]: note` paragraph are footnotes in deckgen, listed at the foot of the slide "
        "(ids made unique per slide with a hash of its text); marked shows both as text. Applied: in the reference, "
        'each `[^label]` with a definition becomes <sup class="footnote-ref"><a href="#fn-N" id="fnref-N">[N]'
        '</a></sup>, the definitions move into <div class="footnotes"><ol class="footnotes-list">…</ol></div> '
        "at the end of the slide; deckgen's per-slide hash is dropped from those ids."
    ),
    "build-time-colours": (
        "deckgen colours fenced code at build time (Pygments, with highlight.js's class names, so every highlight.js "
        "theme applies), where reveal.js leaves highlighting to its plugin in the page. Applied: in deckgen's "
        "output, a <code class=\"hljs\"> loses that class and its <span class=\"hljs-...\"> wrappers (the text "
        "is compared as it is)."
    ),
    "code-language-class": (
        "deckgen gives fenced code both the language (`python`, as reveal.js's plugin) and `language-python`, the "
        "class highlight.js documents. Applied: on <pre><code>, a class `language-X` is dropped when `X` is there."
    ),
    # Found in the corpus (tests/corpus).
    "emoji-shortcodes": (
        "GitHub's emoji shortcodes (`:thumbsup:`, which the geotribu decks use) are the emoji in deckgen; marked "
        "shows the text. Applied: in the reference's text outside code, a `:name:` not right after a letter or digit "
        "whose name the emoji package's alias table knows becomes that emoji (unknown names, `:copyleft:`, stay)."
    ),
    "notes-dedented": (
        "deckgen removes the common indentation of a slide's notes (`Note:` alone on its line, then indented "
        "lines), so lines indented alike stay alike: two list items stay two items. reveal.js trims the notes: only "
        "the first line loses its indentation, and the second item nests in the first. Applied: where the notes "
        "marker ends its line and dedenting the notes changes more than their first line, reveal.js gets them "
        "dedented."
    ),
    "nested-math-delimiters": (
        "deckgen reads a formula written with delimiters twice, `$\\(x\\)$` (as some reveal-md decks do), as the "
        "formula x; with `\\(` kept (math-paren-delimiters), KaTeX gets `\\(x\\)` in reveal.js, an error "
        "(as written, marked makes it `$(x)$`: x in parentheses). Applied: a reference formula whose TeX is "
        "itself wrapped in `\\(…\\)`, `\\[…\\]`, `$$…$$` or `$…$` is compared by the TeX inside."
    ),
}

DEFAULT_SEPARATOR = "\r?\n---\r?\n"
DEFAULT_VERTICAL = "\r?\n--\r?\n"
REVEAL_MD_VERTICAL = "\r?\n--\r?\n|\r?\n----\r?\n"
NOTES_SEPARATOR = "^s*notes?:"  # the value reveal.js 6.0.2's plugin really uses (see render.mjs)
INERT = "\u2060"
_FOOTNOTE_ID = re.compile(r"\A(#?fn(?:ref)?-)[0-9a-f]{6}-(\d+)\Z")
TASK_LIST_CLASSES = {
    "ul": "contains-task-list",
    "ol": "contains-task-list",
    "li": "task-list-item",
    "input": "task-list-item-checkbox",
}

# ---------------------------------------------------------------------------------------------------------------
# node, npm and the reference renderer
# ---------------------------------------------------------------------------------------------------------------


def _node_or_skip() -> tuple[str, str]:
    node, npm = shutil.which("node"), shutil.which("npm")
    if node and npm:
        return node, npm
    missing = " and ".join(name for name, path in (("node", node), ("npm", npm)) if not path)
    reason = f"{missing} not found: the marked reference renderer needs node and npm"
    if os.environ.get("DECKGEN_REQUIRE_NODE") == "1":
        pytest.fail(reason + " (DECKGEN_REQUIRE_NODE=1)")
    pytest.skip(reason + " (set DECKGEN_REQUIRE_NODE=1 to make this a failure)")


def _cache_root() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "deckgen-tests"


def reference_modules() -> Path:
    """node_modules of tests/reference/package.json, installed once per lockfile into the test cache."""
    _, npm = _node_or_skip()
    manifest = [REFERENCE / "package.json", REFERENCE / "package-lock.json"]
    digest = hashlib.sha256(b"".join(path.read_bytes() for path in manifest)).hexdigest()[:16]
    root = _cache_root()
    target = root / f"reference-{digest}"
    done = target / "node_modules" / ".deckgen-installed"
    if done.exists():
        return target / "node_modules"
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another test process may be installing the same packages
        if done.exists():
            return target / "node_modules"
        staging = root / f".staging-{digest}-{os.getpid()}"
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir()
        for path in manifest:
            shutil.copy2(path, staging / path.name)
        command = [
            npm,
            "install",
            "--prefix",
            str(staging),
            "--ignore-scripts",
            "--no-audit",
            "--no-fund",
            "--loglevel=error",
        ]
        result = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
        if result.returncode != 0:
            shutil.rmtree(staging, ignore_errors=True)
            pytest.fail(f"npm install of tests/reference failed:\n{result.stdout}\n{result.stderr}")
        shutil.rmtree(target, ignore_errors=True)
        staging.rename(target)
        done.write_text("ok\n")
    return target / "node_modules"


def run_reference(modules: Path, request: dict) -> dict:
    node, _ = _node_or_skip()
    env = {**os.environ, "DECKGEN_REFERENCE_MODULES": str(modules)}
    result = subprocess.run(
        [node, str(REFERENCE / "render.mjs")],
        input=json.dumps(request),
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"tests/reference/render.mjs failed:\n{result.stderr}")
    return json.loads(result.stdout)


# ---------------------------------------------------------------------------------------------------------------
# Decks: front matter, the reference's input, and the accepted differences that apply to it
# ---------------------------------------------------------------------------------------------------------------

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(?:(?P<yaml>.*?)\r?\n)?---[ \t]*(?:\r?\n|\Z)", re.S)
_FENCE_LINE = re.compile(r"^[ \t]*(?P<fence>`{3,}|~{3,})(?P<info>[^\n]*)$")


@dataclass
class Deck:
    """One deck to compare: its source, where it lives, and what reveal.js gets."""

    name: str
    source: Path  # the .md file in the temporary project
    project: Path
    page: Path  # deckgen's built page
    front: dict
    body: str
    reveal_input: dict = field(default_factory=dict)
    accepted: set[str] = field(default_factory=set)
    # The separators reveal.js gets (separator, verticalSeparator, notesSeparator), when the deck's tool set them
    # (corpus decks); None: the snippets' and repository decks' rule (front matter, else the defaults above).
    separators: dict[str, str | None] | None = None
    not_decks: tuple[str, ...] = ()  # files of slides/ that are not decks (the project's exclude: list)


def _split_front_matter(text: str) -> tuple[dict, str]:
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    return (yaml.safe_load(match["yaml"] or "") or {}), text[match.end() :]


def _fenced_blocks(body: str, whole: bool = False) -> list[tuple[int, int]]:
    """(start, end) offsets of the content lines of each closed fenced code block (whole: with its fences)."""
    blocks, offset, opened = [], 0, None
    for line in body.splitlines(keepends=True):
        match = _FENCE_LINE.match(line.rstrip("\r\n"))
        if opened is None:
            if match and not (match["fence"][0] == "`" and "`" in match["info"]):
                opened = (match["fence"], offset + len(line), offset)
        elif (
            match
            and match["fence"][0] == opened[0][0]
            and len(match["fence"]) >= len(opened[0])
            and not match["info"].strip()
        ):
            blocks.append((opened[2], offset + len(line)) if whole else (opened[1], offset))
            opened = None
        offset += len(line)
    return blocks


_HTML_BLOCK_TAGS = (
    "address|article|aside|base|basefont|blockquote|body|caption|center|col|colgroup|dd|details|dialog|dir|div|dl|"
    "dt|fieldset|figcaption|figure|footer|form|frame|frameset|h[1-6]|head|header|hr|html|iframe|legend|li|link|main|"
    "menu|menuitem|nav|noframes|ol|optgroup|option|p|param|search|section|summary|table|tbody|td|tfoot|th|thead|"
    "title|tr|track|ul"
)
_HTML_BLOCK_START = re.compile(
    r"^ {0,3}(?:<(?P<raw>script|pre|style|textarea)(?:\s|>|$)|(?P<comment><!--)"
    rf"|</?(?:{_HTML_BLOCK_TAGS})(?:\s|/?>|$)"
    r"|(?P<other>(?:<[A-Za-z][A-Za-z0-9-]*(?:\s+[A-Za-z_:][\w.:-]*(?:\s*=\s*(?:[^\s\"'=<>`]+|'[^']*'|\"[^\"]*\"))?)*"
    r"\s*/?>|</[A-Za-z][A-Za-z0-9-]*\s*>)\s*$))",
    re.I,
)
_HTML_BLOCK_END = {"raw": re.compile(r"</(?:script|pre|style|textarea)>", re.I), "comment": re.compile("-->")}


def _html_blocks(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of the HTML blocks of a slide's Markdown (CommonMark kinds 1, 2, 6 and 7, at the top
    level), where Markdown and its backslash escapes do not apply."""
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    blocks, index, after_blank = [], 0, True
    while index < len(lines):
        start = _HTML_BLOCK_START.match(lines[index].rstrip("\r\n"))
        if start and (not start["other"] or after_blank):
            kind = "raw" if start["raw"] else "comment" if start["comment"] else None
            last = index
            if kind:
                while last < len(lines) - 1 and not _HTML_BLOCK_END[kind].search(lines[last]):
                    last += 1
            else:
                while last < len(lines) - 1 and lines[last + 1].strip():
                    last += 1
            blocks.append((offsets[index], offsets[last + 1]))
            index, after_blank = last + 1, False
            continue
        after_blank = not lines[index].strip()
        index += 1
    return blocks


def _outside_code(body: str, function) -> str:
    """Apply function to the parts of a slide's Markdown outside fenced code blocks, HTML blocks and code spans."""
    pieces, last = [], 0
    for start, end in _fenced_blocks(body, whole=True):
        pieces.append((body[last:start], True))
        pieces.append((body[start:end], False))
        last = end
    pieces.append((body[last:], True))
    split = []
    for text, outside in pieces:
        last = 0
        for start, end in _html_blocks(text) if outside else []:
            split += [(text[last:start], True), (text[start:end], False)]
            last = end
        split.append((text[last:], outside))
    pieces = split
    out = []
    for text, outside in pieces:
        if not outside:
            out.append(text)
            continue
        # Code spans: a run of backticks up to the next run of the same length.
        position = 0
        for match in re.finditer(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)", text, re.S):
            out.append(function(text[position : match.start()]))
            out.append(match.group(0))
            position = match.end()
        out.append(function(text[position:]))
    return "".join(out)


def _slide_input(chunk: str, notes_marker: re.Pattern[str], deck: Deck) -> str:
    """One slide's Markdown for reveal.js, with the input-side accepted differences applied to its content and
    to its notes (the part after its notes marker, when it has exactly one, as reveal.js splits them)."""
    markers = list(notes_marker.finditer(chunk))
    if len(markers) != 1:
        return _markdown_input(chunk, deck)
    marker = markers[0]
    notes = chunk[marker.end() :]
    first, newline, rest = notes.partition("\n")
    if newline and not first.strip() and textwrap.dedent(rest).strip() != rest.strip():
        notes = first + newline + textwrap.dedent(rest)
        deck.accepted.add("notes-dedented")
    return _markdown_input(chunk[: marker.start()], deck) + marker.group(0) + _markdown_input(notes, deck)


def _markdown_input(markdown: str, deck: Deck) -> str:
    """Markdown for marked with deckgen's math delimiters written as reveal.js authors must write them."""
    doubled = _outside_code(markdown, lambda t: re.sub(r"(?<!\\)\\([()[\]])", r"\\\\\1", t))
    if doubled != markdown:
        markdown = doubled
        deck.accepted.add("math-paren-delimiters")
    literal = _outside_code(markdown, lambda t: re.sub(r"(?<!\\)\\\$", "<dg-literal>$</dg-literal>", t))
    if literal != markdown:
        markdown = literal
        deck.accepted.add("math-escaped-dollar")
    return markdown


def _prepare(deck: Deck) -> None:
    """What reveal.js gets for this deck, with the input-side accepted differences applied where they occur."""
    front, body = deck.front, deck.body
    if "--8<--" in body:
        from deckgen.dialect.includes import expand

        body = expand(body, deck.source, 1, deck.project).text
        deck.accepted.add("includes")
    separator = front.get("separator") or DEFAULT_SEPARATOR
    vertical = front.get("verticalSeparator") or DEFAULT_VERTICAL
    notes = front.get("notesSeparator") or NOTES_SEPARATOR
    if deck.separators is not None:
        separator, vertical, notes = (deck.separators[k] for k in ("separator", "verticalSeparator", "notesSeparator"))
    elif not front.get("verticalSeparator") and not front.get("separator"):
        code = _fenced_blocks(body)
        for match in re.finditer(r"^----[ \t]*$", body, re.M):
            if not any(start <= match.start() < end for start, end in code):
                vertical = REVEAL_MD_VERTICAL
                deck.accepted.add("reveal-md-vertical-separator")
                break
    cuts = separator if vertical is None else f"{separator}|{vertical}"
    # Separators and notes markers inside fenced code: make those lines inert for reveal.js.
    blocks = _fenced_blocks(body)
    if blocks:
        # (reveal.js's regexes are JavaScript ones; the ones decks use read the same in Python.)
        splitters = [re.compile(cuts, re.M), re.compile(notes, re.M | re.I)]
        hit = [
            (s, e)
            for s, e in blocks
            if any(s <= m.end() - 1 and m.start() < e for rx in splitters for m in rx.finditer(body))
        ]
        for start, end in reversed(hit):
            lines = body[start:end].split("\n")
            marked = [line + INERT if i < len(lines) - 1 else line for i, line in enumerate(lines)]
            marked = [INERT + line if splitters[1].match(line) else line for line in marked]
            body = body[:start] + "\n".join(marked) + body[end:]
            deck.accepted.add("separators-in-fenced-code")
    # The rest is done slide by slide, on the content and the notes, as reveal.js renders them.
    notes_marker = re.compile(notes, re.M | re.I)
    pieces, last = [], 0
    for match in re.finditer(cuts, body, re.M):
        pieces += [body[last : match.start()], match.group(0)]
        last = match.end()
    pieces.append(body[last:])
    pieces[::2] = [_slide_input(chunk, notes_marker, deck) for chunk in pieces[::2]]
    body = "".join(pieces)
    deck.reveal_input = {
        "markdown": body,
        "separator": separator,
        "verticalSeparator": vertical,
        "notesSeparator": notes,
    }


# ---------------------------------------------------------------------------------------------------------------
# The normaliser: one DOM form for both sides
# ---------------------------------------------------------------------------------------------------------------

VOID = frozenset(
    ["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param", "source", "track", "wbr"]
)
BLOCK = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "details",
        "dialog",
        "dd",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "li",
        "main",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
        "caption",
        "colgroup",
        "col",
    ]
)
PRESERVE = frozenset(["pre", "textarea", "script", "style", "tex-math"])
URL_ATTRS = frozenset(
    [
        "src",
        "href",
        "poster",
        "data",
        "data-src",
        "data-background-image",
        "data-background-video",
        "data-background-iframe",
        "data-background",
    ]
)


@dataclass
class El:
    tag: str
    attrs: dict[str, str]
    children: list[El | str] = field(default_factory=list)


class _Builder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = El("#root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = El(tag, {name: value or "" for name, value in attrs})
        self.stack[-1].children.append(element)
        if tag not in VOID:
            self.stack.append(element)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(El(tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse(fragment: str) -> El:
    builder = _Builder()
    builder.feed(fragment)
    builder.close()
    return builder.root


def _walk(element: El):
    yield element
    for child in element.children:
        if isinstance(child, El):
            yield from _walk(child)


def _text(element: El) -> str:
    return "".join(c if isinstance(c, str) else _text(c) for c in element.children)


def _merge_text(children: list[El | str]) -> list[El | str]:
    merged: list[El | str] = []
    for child in children:
        if isinstance(child, str) and merged and isinstance(merged[-1], str):
            merged[-1] += child
        elif not (isinstance(child, str) and child == ""):
            merged.append(child)
    return merged


def _is_block(node: El | str | None) -> bool:
    if not isinstance(node, El):
        return False
    return node.tag in BLOCK or (node.tag == "tex-math" and node.attrs.get("display") == "block")


def _normalise_whitespace(element: El, preserve: bool = False) -> None:
    preserve = preserve or element.tag in PRESERVE
    element.children = _merge_text(element.children)
    if not preserve:
        children: list[El | str] = []
        for index, child in enumerate(element.children):
            if isinstance(child, str):
                text = re.sub(r"[ \t\n\r\f]+", " ", child)
                before = element.children[index - 1] if index > 0 else None
                after = element.children[index + 1] if index + 1 < len(element.children) else None
                # Whitespace at the edges of a block, next to a block, or after <br> is not rendered.
                if (
                    before is None
                    and (element.tag == "#root" or element.tag in BLOCK)
                    or _is_block(before)
                    or (isinstance(before, El) and before.tag == "br")
                ):
                    text = text.lstrip(" ")
                if after is None and (element.tag == "#root" or element.tag in BLOCK) or _is_block(after):
                    text = text.rstrip(" ")
                if text:
                    children.append(text)
            else:
                children.append(child)
        element.children = children
    for child in element.children:
        if isinstance(child, El):
            _normalise_whitespace(child, preserve)
    if (
        element.tag == "pre"
        and len(element.children) == 1
        and isinstance(element.children[0], El)
        and element.children[0].tag == "code"
    ):
        code = element.children[0]
        # One newline closing the code is not rendered (and reveal.js's line numbers drop it).
        if code.children and isinstance(code.children[-1], str) and code.children[-1].endswith("\n"):
            code.children[-1] = code.children[-1][:-1]
            code.children = _merge_text(code.children)


def _unwrap(element: El, predicate) -> None:
    """Replace every descendant for which predicate(node) is true by its children."""
    children: list[El | str] = []
    for child in element.children:
        if isinstance(child, El):
            _unwrap(child, predicate)
            if predicate(child):
                children.extend(child.children)
                continue
        children.append(child)
    element.children = _merge_text(children)


def _replace(element: El, function) -> None:
    """Replace every descendant element by function(child) (the child itself to keep it)."""
    element.children = [function(child) if isinstance(child, El) else child for child in element.children]
    for child in element.children:
        if isinstance(child, El):
            _replace(child, function)


def _only_child(element: El) -> El | None:
    significant = [c for c in element.children if not (isinstance(c, str) and not c.strip())]
    if len(significant) == 1 and isinstance(significant[0], El):
        return significant[0]
    return None


def serialise(element: El, indent: int = 0) -> str:
    """Canonical HTML: attributes sorted, classes sorted, one form for entities; blocks on lines of their own."""
    out = []
    for child in element.children:
        if isinstance(child, str):
            out.append(html.escape(child, quote=False))
            continue
        attrs = dict(child.attrs)
        if "class" in attrs:
            classes = sorted(set(attrs["class"].split()))
            if classes:
                attrs["class"] = " ".join(classes)
            else:
                del attrs["class"]
        rendered = "".join(f' {name}="{html.escape(value)}"' for name, value in sorted(attrs.items()))
        start = f"<{child.tag}{rendered}>"
        body = start if child.tag in VOID else f"{start}{serialise(child, indent + 1)}</{child.tag}>"
        out.append(f"\n{'  ' * indent}{body}\n" if _is_block(child) else body)
    text = "".join(out)
    return re.sub(r"\n\s*\n", "\n", text).strip("\n") if indent == 0 else text


# ---------------------------------------------------------------------------------------------------------------
# Comparison
# ---------------------------------------------------------------------------------------------------------------

_ESCAPABLE = re.escape("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_ATTR_LIST = re.compile(r"(?:^|\n)[ \t]*\{:?(?P<body>[^{}\n]*)\}[ \t]*$")
_TOKEN = re.compile(r"""(?P<key>[^\s=]+)=(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>\S+))|(?P<word>[^\s=]+)""")


def _markdown_unescape(tex: str) -> str:
    return re.sub(rf"\\([{_ESCAPABLE}])", r"\1", tex)


def _file_identity(path: Path) -> str:
    return "file:" + hashlib.sha256(path.read_bytes()).hexdigest()[:16]


def _url_identity(value: str, base: Path, side: str, deck: Deck, out: Path) -> str:
    # A backslash, written or percent-encoded (marked encodes it), is a folder separator to the deck's author on
    # Windows, and a written one to every browser.
    value = unquote(value).replace("\\", "/")
    if not value or value.startswith(("#", "//", "/")) or re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*:", value):
        return value
    path_part, rest = re.match(r"([^?#]*)(.*)", value, re.S).groups()
    target = (base / path_part).resolve()
    if side == "reference":
        slides = (deck.project / "slides").resolve()
        if target.suffix == ".md" and target.is_file() and target.is_relative_to(slides):
            # deckgen's decks: slides/NAME.md and slides/NAME/index.md, but those its exclude: list names.
            relative = target.relative_to(slides)
            if relative.as_posix() not in deck.not_decks and (
                len(relative.parts) == 1 or (len(relative.parts) == 2 and relative.name == "index.md")
            ):
                name = relative.with_suffix("").as_posix()
                name = name[: -len("/index")] if name.endswith("/index") else name
                return f"deck:{name}{rest}"
    else:
        # A deck's page: build/NAME/ or build/NAME/index.html.
        page = target / "index.html" if target.is_dir() else target
        if page.name == "index.html" and page.is_file() and page.parent.parent == out.resolve():
            return f"deck:{page.parent.relative_to(out.resolve()).as_posix()}{rest}"
    if target.is_file():
        deck.accepted.add("local-files")
        return _file_identity(target) + rest
    return value


def normalise(fragment: str, side: str, deck: Deck, out: Path, slide_attrs: dict[str, str]) -> El:
    """Parse and normalise one slide's content (or notes) from either side; side is 'reference' or 'deckgen'."""
    root = parse(fragment.replace(INERT, ""))
    for element in _walk(root):
        for name in [n for n in element.attrs if n in URL_ATTRS]:
            base = deck.source.parent if side == "reference" else deck.page.parent
            element.attrs[name] = _url_identity(element.attrs[name], base, side, deck, out)
        if side == "deckgen":
            for name in ("id", "href"):
                if name in element.attrs:
                    element.attrs[name] = _FOOTNOTE_ID.sub(r"\1\2", element.attrs[name])
        if side == "deckgen" and element.tag in TASK_LIST_CLASSES and "class" in element.attrs:
            classes = element.attrs["class"].split()
            kept = [c for c in classes if c != TASK_LIST_CLASSES[element.tag]]
            if kept != classes:
                deck.accepted.add("task-list-classes")
                element.attrs["class"] = " ".join(kept)
        if side == "deckgen" and element.tag == "code" and "hljs" in element.attrs.get("class", "").split():
            element.attrs["class"] = " ".join(c for c in element.attrs["class"].split() if c != "hljs")
            _unwrap(element, lambda el: el.tag == "span" and el.attrs.get("class", "").startswith("hljs-"))
            deck.accepted.add("build-time-colours")
        if element.tag == "code" and "class" in element.attrs:
            classes = element.attrs["class"].split()
            kept = [c for c in classes if not (c.startswith("language-") and c[len("language-") :] in classes)]
            if kept != classes:
                deck.accepted.add("code-language-class")
                element.attrs["class"] = " ".join(kept)
    if side == "reference":
        _apply_reference_accepted(root, deck, slide_attrs)
    # Unwrap the literal-dollar marker (accepted difference math-escaped-dollar).
    _unwrap(root, lambda el: el.tag == "dg-literal")

    def display_block(el: El) -> bool:
        only = _only_child(el)
        if el.tag == "p" and only is not None and only.tag == "tex-math" and only.attrs.get("display") == "block":
            deck.accepted.add("display-math-block")
            return True
        return False

    _unwrap(root, display_block)
    _normalise_whitespace(root)
    return root


# A code span's text that deckgen typesets: one delimited formula; `$…$` padded on both sides is not one.
_ONE_FORMULA = re.compile(r"\$\$(.+?)\$\$|\$([^$\s][^$]*?|[^$]*?[^$\s])\$|\\\((.+?)\\\)|\\\[(.+?)\\\]", re.S)
# TeX that is itself a delimited formula: "$\(x\)$" (delimiters twice) gives KaTeX "\(x\)".
_DELIMITED_TEX = re.compile(r"\A(?:\\\((?P<p>.*)\\\)|\\\[(?P<b>.*)\\\]|\$\$(?P<dd>.*)\$\$|\$(?P<d>.*)\$)\Z", re.S)


def _replace_outside_pre(element: El, function) -> None:
    element.children = [function(c) if isinstance(c, El) else c for c in element.children]
    for child in element.children:
        if isinstance(child, El) and child.tag != "pre":
            _replace_outside_pre(child, function)


def _apply_reference_accepted(root: El, deck: Deck, slide_attrs: dict[str, str]) -> None:
    for element in _walk(root):
        if "markdown" in element.attrs and element.tag != "#root":
            del element.attrs["markdown"]
            deck.accepted.add("markdown-attribute")
        # Attribute lists as the last line of a paragraph.
        if element.tag == "p" and element.children and isinstance(element.children[-1], str):
            match = _ATTR_LIST.search(element.children[-1])
            if (
                match
                and match["body"].strip()
                and all(t.startswith((".", "#")) or "=" in t for t in match["body"].split())
            ):
                element.children[-1] = element.children[-1][: match.start()]
                for token in _TOKEN.finditer(match["body"]):
                    word = token["word"]
                    if word and word.startswith("."):
                        element.attrs["class"] = (element.attrs.get("class", "") + " " + word[1:]).strip()
                    elif word and word.startswith("#"):
                        element.attrs["id"] = word[1:]
                    elif token["key"]:
                        element.attrs[token["key"]] = next(
                            v for v in (token["dq"], token["sq"], token["bare"]) if v is not None
                        )
                deck.accepted.add("attribute-lists")
    incremental = deck.front.get("incremental") is True or "incremental" in slide_attrs.get("class", "").split()
    if incremental:
        for element in _walk(root):
            if element.tag == "li":
                element.attrs["class"] = (element.attrs.get("class", "") + " fragment").strip()
                deck.accepted.add("incremental")

    def stretched(element: El) -> El:
        only = _only_child(element)
        if (
            element.tag == "p"
            and only is not None
            and only.tag in ("img", "video", "iframe")
            and {"r-stretch", "stretch"} & set(only.attrs.get("class", "").split())
        ):
            deck.accepted.add("stretch-lifted")
            return only
        return element

    _replace(root, stretched)

    def code_formula(element: El) -> El:
        if element.tag != "code" or len(element.children) != 1 or not isinstance(element.children[0], str):
            return element
        match = _ONE_FORMULA.fullmatch(element.children[0].strip())
        if not match:
            return element
        display = "block" if match.group(0).startswith(("$$", "\\[")) else "inline"
        inner = next(g for g in match.groups() if g is not None)
        if "$" in inner or "\\(" in inner or "\\[" in inner:
            return element  # more than one formula
        deck.accepted.add("math-in-code-span")
        tex = re.sub(r"\s+", " ", inner.strip())
        return El("tex-math", {"display": display}, [tex])

    _replace_outside_pre(root, code_formula)
    for element in _walk(root):
        if element.tag == "tex-math" and len(element.children) == 1 and isinstance(element.children[0], str):
            nested = _DELIMITED_TEX.match(element.children[0])
            if nested:
                element.children = [next(g for g in nested.groups() if g is not None).strip()]
                deck.accepted.add("nested-math-delimiters")
    _reference_extensions(root, deck)


_SHORTCODE = re.compile(r":[a-z0-9_+-]+:")
_ALERT = re.compile(r"\A\s*\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\][ \t]*(?:\n|\Z)")
_DEFINITIONS = re.compile(r"\A(?P<term>[^\n:][^\n]*)(?P<defs>(?:\n: [^\n]*)+)\n?\Z")
_FOOTNOTE_DEFINITION = re.compile(r"\A\[\^(?P<label>[^\]\s]+)\]: (?P<text>.*)\Z", re.S)


def _emojize(text: str) -> str:
    """GitHub's emoji shortcodes as markdown-it's emoji rule reads them: `:name:` not right after a letter or digit,
    a name the emoji package knows (its "alias" table, as deckgen uses it); unknown names stay text."""
    import emoji

    out, done, position = [], 0, text.find(":")
    while position >= 0:
        match = _SHORTCODE.match(text, position)
        if match and not (position and text[position - 1].isalnum()):
            character = emoji.emojize(match[0], language="alias")
            if character != match[0]:
                out += [text[done:position], character]
                done = match.end()
                position = text.find(":", done)
                continue
        position = text.find(":", position + 1)
    return "".join([*out, text[done:]])


def _reference_extensions(root: El, deck: Deck) -> None:
    """deckgen's Markdown extensions that marked lacks, done on the reference (accepted differences)."""

    def mermaid(element: El) -> El:
        code = _only_child(element) if element.tag == "pre" else None
        if (
            code is not None
            and code.tag == "code"
            and code.attrs.get("class", "").split() == ["mermaid"]
            and "data-line-numbers" not in code.attrs
        ):
            deck.accepted.add("mermaid")
            return El("pre", {"class": "mermaid"}, list(code.children))
        return element

    def definitions(element: El) -> El:
        if element.tag != "p" or len(element.children) != 1 or not isinstance(element.children[0], str):
            return element
        match = _DEFINITIONS.match(element.children[0])
        if not match:
            return element
        deck.accepted.add("definition-lists")
        items: list[El | str] = [El("dt", {}, [match["term"].strip()])]
        items += [El("dd", {}, [line[2:].strip()]) for line in match["defs"].strip("\n").split("\n")]
        return El("dl", {}, items)

    def alert(element: El) -> El:
        first = next((c for c in element.children if isinstance(c, El)), None)
        if (
            element.tag != "blockquote"
            or first is None
            or first.tag != "p"
            or not first.children
            or not isinstance(first.children[0], str)
        ):
            return element
        match = _ALERT.match(first.children[0])
        if not match:
            return element
        deck.accepted.add("alerts")
        first.children[0] = first.children[0][match.end() :]
        kind = match[1].lower()
        rest = [c for c in element.children if not (c is first and not _text(first).strip())]
        title = El("p", {"class": "markdown-alert-title"}, [kind.capitalize()])
        return El("div", {"class": f"markdown-alert markdown-alert-{kind}"}, [title, *rest])

    for function in (mermaid, definitions, alert):
        _replace_outside_pre(root, function)

    def shortcodes(element: El) -> None:
        for index, child in enumerate(element.children):
            if isinstance(child, str):
                text = _emojize(child)
                if text != child:
                    element.children[index] = text
                    deck.accepted.add("emoji-shortcodes")
            elif child.tag not in ("code", "pre", "tex-math"):
                shortcodes(child)

    shortcodes(root)

    # Footnotes: definitions are paragraphs of the slide's top level.
    notes: dict[str, El | str] = {}
    for child in list(root.children):
        if isinstance(child, El) and child.tag == "p" and child.children and isinstance(child.children[0], str):
            match = _FOOTNOTE_DEFINITION.match(child.children[0])
            if match:
                notes[match["label"]] = El("p", {}, [match["text"], *child.children[1:]])
                root.children.remove(child)
    if not notes:
        return
    order: list[str] = []

    def reference(text: str) -> list[El | str]:
        pieces: list[El | str] = []
        position = 0
        for match in re.finditer(r"\[\^([^\]\s]+)\]", text):
            if match[1] not in notes:
                continue
            if match[1] not in order:
                order.append(match[1])
            number = order.index(match[1]) + 1
            pieces.append(text[position : match.start()])
            link = El("a", {"href": f"#fn-{number}", "id": f"fnref-{number}"}, [f"[{number}]"])
            pieces.append(El("sup", {"class": "footnote-ref"}, [link]))
            position = match.end()
        pieces.append(text[position:])
        return pieces

    def walk(element: El) -> None:
        children: list[El | str] = []
        for child in element.children:
            if isinstance(child, str):
                children.extend(reference(child))
            else:
                if child.tag not in ("code", "pre"):
                    walk(child)
                children.append(child)
        element.children = _merge_text(children)

    walk(root)
    items = []
    for number, label in enumerate(order, start=1):
        paragraph = notes[label]
        back = El("a", {"class": "footnote-backref", "href": f"#fnref-{number}"}, ["\u21a9\ufe0e"])
        paragraph.children = _merge_text([*paragraph.children, " ", back])
        items.append(El("li", {"class": "footnote-item", "id": f"fn-{number}"}, [paragraph]))
    root.children.append(El("div", {"class": "footnotes"}, [El("ol", {"class": "footnotes-list"}, items)]))
    deck.accepted.add("footnotes")


@dataclass
class Slide:
    attrs: dict[str, str]
    html: str
    notes: str


def _slides(stacks: list[dict]) -> list[tuple[bool, dict[str, str], list[Slide]]]:
    return [
        (s["vertical"], s["attrs"], [Slide(x["attrs"], x["html"], x["notes"]) for x in s["slides"]]) for s in stacks
    ]


def _math_equal(reference: El, ours: El, deck: Deck) -> None:
    """Let deckgen's formulas match the reference's when they differ only by Markdown escapes (accepted)."""
    ref_math = [e for e in _walk(reference) if e.tag == "tex-math"]
    our_math = [e for e in _walk(ours) if e.tag == "tex-math"]
    for ref, our in zip(ref_math, our_math, strict=False):
        if _text(ref) != _text(our) and _text(ref) == _markdown_unescape(_text(our)):
            our.children = list(ref.children)
            deck.accepted.add("math-is-not-markdown")


def _heading_ids(reference: El, ours: El, deck: Deck) -> None:
    """Ignore the ids deckgen gives headings where the reference's heading has none (accepted: heading-ids)."""
    headings = ("h1", "h2", "h3", "h4", "h5", "h6")
    ref_headings = [e for e in _walk(reference) if e.tag in headings]
    our_headings = [e for e in _walk(ours) if e.tag in headings]
    for ref, our in zip(ref_headings, our_headings, strict=False):
        if "id" in our.attrs and "id" not in ref.attrs and ref.tag == our.tag:
            del our.attrs["id"]
            deck.accepted.add("heading-ids")


def describe(
    stacks: list[tuple[bool, dict[str, str], list[Slide]]],
    side: str,
    deck: Deck,
    out: Path,
    partner: list[tuple[bool, dict[str, str], list[Slide]]] | None = None,
) -> list[str]:
    """One canonical text per slide (nesting, attributes, content, notes), for comparing and for diffs."""
    lines = []
    for index, (vertical, stack_attrs, slides) in enumerate(stacks):
        for position, slide in enumerate(slides):
            content = normalise(slide.html, side, deck, out, slide.attrs)
            notes = normalise(slide.notes, side, deck, out, slide.attrs)
            if partner is not None and index < len(partner) and position < len(partner[index][2]):
                other = partner[index][2][position]
                reference_content = normalise(other.html, "reference", deck, out, other.attrs)
                _math_equal(reference_content, content, deck)
                _heading_ids(reference_content, content, deck)
                reference_notes = normalise(other.notes, "reference", deck, out, other.attrs)
                _math_equal(reference_notes, notes, deck)
                _heading_ids(reference_notes, notes, deck)
            attrs = dict(slide.attrs)
            for name in [n for n in attrs if n in URL_ATTRS]:
                base = deck.source.parent if side == "reference" else deck.page.parent
                attrs[name] = _url_identity(attrs[name], base, side, deck, out)
            if "class" in attrs:
                attrs["class"] = " ".join(sorted(set(attrs["class"].split())))
            where = f"slide {index + 1}" + (f".{position + 1} (vertical)" if vertical else "")
            lines.append(
                f"== {where}\n"
                f"stack attributes: {json.dumps(dict(sorted(stack_attrs.items())))}\n"
                f"attributes: {json.dumps(dict(sorted(attrs.items())))}\n"
                f"{serialise(content)}\n"
                f"-- notes\n{serialise(notes)}\n"
            )
    return lines


def _apply_accepted(deck: Deck, reference: list, ours: list) -> tuple[list, list]:
    """Output-side accepted differences that change the list of slides."""
    if reference and not reference[-1][0] and len(reference) == len(ours) + 1:
        last = reference[-1][2][0]
        if not last.html.strip() and not last.notes.strip():
            reference = reference[:-1]
            deck.accepted.add("trailing-empty-slide")
    if deck.front.get("titleSlide") is True and ours and "title-slide" in ours[0][2][0].attrs.get("class", "").split():
        ours = ours[1:]
        deck.accepted.add("title-slide")
    return reference, ours


def compare(deck: Deck, reference_stacks: list[dict], our_stacks: list[dict], out: Path) -> None:
    reference, ours = _apply_accepted(deck, _slides(reference_stacks), _slides(our_stacks))
    expected = describe(reference, "reference", deck, out)
    actual = describe(ours, "deckgen", deck, out, partner=reference)
    if expected != actual:
        diff = "\n".join(
            difflib.unified_diff(
                "".join(expected).splitlines(),
                "".join(actual).splitlines(),
                "reveal.js 6.0.2 + marked 17.0.5",
                "deckgen",
                lineterm="",
                n=2,
            )
        )
        accepted = ", ".join(sorted(deck.accepted)) or "none"
        source = textwrap.indent(deck.body if len(deck.body) < 2000 else deck.body[:2000] + "…", "    ")
        pytest.fail(
            f"deck {deck.name!r} renders differently from reveal.js's markdown plugin "
            f"({len(reference)} vs {len(ours)} horizontal slides; accepted differences applied: {accepted}).\n"
            f"Source:\n{source}\n{diff}",
            pytrace=False,
        )


# ---------------------------------------------------------------------------------------------------------------
# The corpus: real decks by other authors (tests/corpus), as their tools gave them to reveal.js
#
# Each folder is laid out as test_corpus.py lays it out (corpus_support.make_project: the decks byte for byte, a
# placeholder at every local path they name, a deckgen.yml with their tool's settings) and built once. reveal.js
# gets each deck's body (front matter removed, as reveal-md and MkSlides remove it) with the separators its tool
# gave the plugin (corpus_support.deck_separators): reveal-md's defaults or the deck's front matter, MkSlides'
# mkslides.yml or reveal.js's defaults, the data-separator* attributes of the page of a reveal.js external file.
# Left out, being the host page's and not the Markdown's: attributes a page forwards to every slide (the Rust
# Workshop's class="markdown-slides").
#
# No deck is set aside: the PBA template deck, which deckgen once refused (front matter indented with tabs, a ````
# fence never closed), builds now, with warnings (tabs read as js-yaml 3 reads them, the fence ended by the slide's
# separator), and is compared whole. A deck that deckgen cannot build fails its test with the build's error.
# ---------------------------------------------------------------------------------------------------------------

CORPUS = corpus_support.corpus_root()
CORPUS_DECKS = [f"corpus/{key}/{deck.name}" for key, spec in corpus_support.FOLDERS.items() for deck in spec.decks]


def corpus_separators(spec: corpus_support.CorpusFolder, text: str) -> dict[str, str | None]:
    """The separators the deck's tool gave reveal.js: corpus_support.deck_separators (the folder's settings, or
    the deck's own front matter where its tool reads it), with reveal.js's real default notes regex "^s*notes?:"
    where the tool left the notes separator alone (reveal-md, MkSlides, reveal.js external files)."""
    seps = corpus_support.deck_separators(spec, text)
    notes = NOTES_SEPARATOR if seps.notes == corpus_support.NOTES.pattern else seps.notes
    return {"separator": seps.horizontal, "verticalSeparator": seps.vertical, "notesSeparator": notes}


def _distinct_placeholders(project: corpus_support.Project) -> None:
    """corpus_support writes the same bytes at every placeholder image, and local files are compared by content
    (accepted: local-files): give each image bytes of its own (its path after the PNG's end, which decoders
    ignore; a comment after an SVG's root), so that a wrong image is a difference."""
    for place in project.placeholders:
        mark = hashlib.sha256(place.relative_to(project.root).as_posix().encode()).hexdigest()
        if place.suffix.lower() in corpus_support.IMAGE_SUFFIXES:
            place.write_bytes(corpus_support.PNG_1X1 + mark.encode())
        elif place.suffix.lower() == ".svg":
            place.write_bytes(corpus_support.SVG_TINY + f"<!-- {mark} -->\n".encode())


def _lay_out_corpus(key: str, root: Path, out: Path, only: str | None = None) -> dict[str, Deck]:
    """One corpus folder as a deckgen project, as corpus_support lays it out for test_corpus.py (its deckgen.yml
    holds the settings of the decks' tool); only: that deck alone. Returns the decks to compare, by test id."""
    spec = corpus_support.FOLDERS[key]
    skip = [d.name for d in spec.decks if only is not None and d.name != only]
    project = corpus_support.make_project(CORPUS, spec, root, skip=skip)
    _distinct_placeholders(project)
    decks = {}
    for spec_deck in spec.decks:
        if spec_deck.name in skip:
            continue
        source = root / "slides" / (f"{spec_deck.name}/index.md" if spec_deck.folder else f"{spec_deck.name}.md")
        text = source.read_text(encoding="utf-8")
        front, body = corpus_support.split_front_matter(text)
        page = out / spec_deck.name / "index.html"
        name = f"corpus/{key}/{spec_deck.name}"
        decks[name] = Deck(name, source, root, page, corpus_support.front_matter_data(front), body)
        decks[name].separators = corpus_separators(spec, text)
        decks[name].not_decks = spec.exclude
    return decks


def _corpus(base: Path, build_errors: dict[str, str]) -> dict[str, Deck]:
    """Every corpus deck, built by deckgen one folder at a time (each deck alone when its folder fails)."""
    decks: dict[str, Deck] = {}
    for key, spec in corpus_support.FOLDERS.items():
        folder = _lay_out_corpus(key, base / f"corpus-{key}", base / f"corpus-{key}-out")
        try:
            build(base / f"corpus-{key}", base / f"corpus-{key}-out", thumbnails=False)
        except Exception:
            for spec_deck in spec.decks:
                root, out = base / f"corpus-{key}-{spec_deck.name}", base / f"corpus-{key}-{spec_deck.name}-out"
                folder.update(_lay_out_corpus(key, root, out, only=spec_deck.name))
                try:
                    build(root, out, thumbnails=False)
                except Exception as error:
                    build_errors[f"corpus/{key}/{spec_deck.name}"] = f"{type(error).__name__}: {error}"
        decks.update(folder)
    return decks


# ---------------------------------------------------------------------------------------------------------------
# Building and rendering everything once
# ---------------------------------------------------------------------------------------------------------------


@dataclass
class Rendered:
    decks: dict[str, Deck]
    reference: dict[str, object]
    pages: dict[str, object]
    build_errors: dict[str, str]


def _build_all(project: Path, out: Path, files: dict[str, str | bytes]) -> tuple[dict[str, Path], dict[str, str]]:
    """Build the project's decks: (page by deck name, error by deck name). When the whole build fails, each deck
    is built alone to tell which ones fail."""
    names = [path[len("slides/") : -len(".md")] for path in files if path.endswith(".md")]
    try:
        build(project, out, thumbnails=False)
        return {name: out / name / "index.html" for name in names}, {}
    except Exception:
        pass
    pages, errors = {}, {}
    shared = {path: content for path, content in files.items() if not path.endswith(".md")}
    for name in names:
        alone = make_project(
            project.parent / f"{project.name}-{name}", {**shared, f"slides/{name}.md": files[f"slides/{name}.md"]}
        )
        try:
            build(alone, out.parent / f"{out.name}-{name}", thumbnails=False)
            pages[name] = out.parent / f"{out.name}-{name}" / name / "index.html"
        except Exception as error:
            errors[name] = f"{type(error).__name__}: {error}"
    return pages, errors


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Rendered:
    modules = reference_modules()
    base = tmp_path_factory.mktemp("marked-reference")
    decks: dict[str, Deck] = {}

    snippet_files = {f"slides/{name}.md": text for name, text in SNIPPETS.items()} | SNIPPET_FILES
    snippets = make_project(base / "snippets", snippet_files)
    pages, build_errors = _build_all(snippets, base / "snippets-out", snippet_files)
    for name, text in SNIPPETS.items():
        front, body = _split_front_matter(text)
        page = pages.get(name, base / "snippets-out" / name / "index.html")
        decks[name] = Deck(name, snippets / "slides" / f"{name}.md", snippets, page, front, body)

    repo_files = {path: (REPO / path).read_bytes() for path in REPO_DECK_FILES}
    repo = make_project(base / "repo", repo_files)
    try:
        build(repo, base / "repo-out", thumbnails=False)
    except Exception as error:
        for name in REPO_DECKS:
            build_errors[f"deck:{name}"] = f"{type(error).__name__}: {error}"
    for name, path in REPO_DECKS.items():
        front, body = _split_front_matter((REPO / path).read_text(encoding="utf-8"))
        page = base / "repo-out" / name / "index.html"
        decks[f"deck:{name}"] = Deck(f"deck:{name}", repo / path, repo, page, front, body)

    decks.update(_corpus(base, build_errors))

    for deck in decks.values():
        _prepare(deck)
    request = {
        "decks": {key: deck.reveal_input for key, deck in decks.items()},
        "pages": {key: str(deck.page) for key, deck in decks.items() if deck.page.is_file()},
    }
    result = run_reference(modules, request)
    return Rendered(decks, result["decks"], result["pages"], build_errors)


def _check(rendered: Rendered, key: str) -> None:
    deck = rendered.decks[key]
    if key in rendered.build_errors:
        pytest.fail(f"deckgen could not build deck {key!r}: {rendered.build_errors[key]}", pytrace=False)
    reference = rendered.reference[key]
    if isinstance(reference, dict):
        pytest.fail(f"the reference renderer failed on {key!r}: {reference['error']}", pytrace=False)
    page = rendered.pages.get(key)
    if page is None:
        pytest.fail(f"deckgen wrote no page for {key!r} at {deck.page}", pytrace=False)
    if isinstance(page, dict):
        pytest.fail(f"reading deckgen's page of {key!r} failed: {page['error']}", pytrace=False)
    out = deck.page.parent.parent
    compare(deck, reference, page, out)


@pytest.mark.parametrize("name", list(SNIPPETS))
def test_snippet_renders_as_reveal_js(rendered: Rendered, name: str) -> None:
    _check(rendered, name)


@pytest.mark.parametrize("name", list(REPO_DECKS))
def test_repository_deck_renders_as_reveal_js(rendered: Rendered, name: str) -> None:
    _check(rendered, f"deck:{name}")


@pytest.mark.parametrize("name", CORPUS_DECKS)
def test_corpus_deck_renders_as_reveal_js(rendered: Rendered, name: str) -> None:
    _check(rendered, name)


def test_accepted_differences_are_all_used(rendered: Rendered) -> None:
    """Every entry of ACCEPTED is exercised by some deck, so none stays in the table unexamined."""
    for key in rendered.decks:
        with contextlib.suppress(BaseException):
            _check(rendered, key)
    built = [deck for key, deck in rendered.decks.items() if key not in rendered.build_errors]
    used = set().union(*(deck.accepted for deck in built))
    assert set(ACCEPTED) - used == set(), f"accepted differences no deck needs: {sorted(set(ACCEPTED) - used)}"
    assert used <= set(ACCEPTED), f"applied but not listed: {sorted(used - set(ACCEPTED))}"
