"""Mutations of real decks (and Hypothesis strategies over them) with the dialect's own syntax, for the property tests and the
longer fuzz run in benchmarks/fuzz_build.py."""

from __future__ import annotations

import random
from pathlib import Path

from hypothesis import strategies as st

CORPUS = Path(__file__).resolve().parent / "corpus"

# Pieces of the dialect and of HTML that decks are made of, and their broken halves.
FRAGMENTS = [
    "---", "--", "----", "\n---\n", "Note:", "Notes:", "```", "````", "~~~", "```python [1|2-3]", "```js [10: 2]",
    "```mermaid", "$", "$$", "\\(", "\\)", "\\[", "\\]", "\\\\(", "`$x$`", "<!-- .slide: class=\"x\" -->",
    "<!-- .element: class=\"fragment\" data-fragment-index=\"2\" -->", "<!--", "-->", "<!-- .element:",
    "{: .big #id }", "{.x}", "<div>", "</div>", "<div markdown=\"1\">", "<section>", "</section>", "<script>",
    "</script>", "<style>", "<textarea>", "<u>", "<a href=\"x.md\">", "<img src=missing.png>", "![x](img.png)",
    "[link](other.md)", "[^1]", "[^1]: note", "> [!NOTE]", "- [ ] task", "| a | b |\n|---|---|", "Term\n: def",
    ":tada:", "https://example.org", "# Heading", "   ## Indented", "\t", "\\", "*", "_", "[", "]", "<", ">", "&",
    "&amp;", "\r\n", "\n\n\n", "\x00", "é", "😀", "{{ x }}", "{% if %}",
]

# Decks of the corpus whose text the mutations start from (small and varied ones).
SEED_DECKS = [
    "webpro__reveal-md/demo/a.md",
    "hakimel__reveal.js/examples/markdown.md",
    "RSE-Sheffield__dl-demystified-course/slides/00_overview.md",
    "humrochagf__revelation/example_slides/slides.md",
    "geotribu__slides/slides/2025-03-13_qchat_talk_en.md",
]


def seed_text(name: str) -> str:
    return (CORPUS / name).read_text(encoding="utf-8")


def fuzz_project_files() -> dict[str, str | bytes]:
    """A project for mutated decks: a good deck, and a small file at every local path the seed decks name."""
    from corpus_support import is_remote, references

    files: dict[str, str | bytes] = {"slides/good.md": "# Good\n"}
    for name in SEED_DECKS:
        for _, url in references(seed_text(name)):
            path = url.split("#")[0].split("?")[0]
            if path and not is_remote(path) and not path.startswith(("/", "..")) and not path.endswith("/"):
                files.setdefault(f"slides/{path}", "# A deck\n" if path.endswith(".md") else b"placeholder")
    return files


def mutate(text: str, rng: random.Random) -> str:
    """A few insertions of the dialect's pieces, deletions and duplications at random places."""
    for _ in range(rng.randint(1, 8)):
        at = rng.randint(0, len(text))
        kind = rng.choice(["insert", "insert", "delete", "duplicate", "line"])
        if kind == "insert":
            text = text[:at] + rng.choice(FRAGMENTS) + text[at:]
        elif kind == "line":
            text = text[:at] + "\n" + rng.choice(FRAGMENTS) + "\n" + text[at:]
        elif kind == "delete":
            text = text[:at] + text[at + rng.randint(1, 200):]
        else:
            size = rng.randint(1, 300)
            text = text[:at] + text[at : at + size] * rng.randint(2, 4) + text[at:]
    return text


def mutated_deck() -> st.SearchStrategy[str]:
    """A corpus deck mutated by mutate(), with Hypothesis's random source."""
    return st.tuples(st.sampled_from(SEED_DECKS), st.randoms(use_true_random=False)).map(
        lambda pair: mutate(seed_text(pair[0]), pair[1]))


def dialect_text() -> st.SearchStrategy[str]:
    """Markdown made of the dialect's pieces, joined by text, spaces and newlines."""
    piece = st.one_of(st.sampled_from(FRAGMENTS), st.text(alphabet="ab \n*_[]()<>/$`#-:.", max_size=12))
    return st.lists(piece, max_size=40).map("".join)
