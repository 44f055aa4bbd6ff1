"""Import the real decks of tests/import_corpus, build them with deckgen and compare each with its original in
Chromium (tests/importer/fidelity.py): at least 95% of all slides match, and every deck that differs differs
exactly as KNOWN says (a new difference, or one that went away, fails)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fidelity import compare, describe_page, lay_out_original, reveal_packages, with_placeholders  # noqa: E402

CORPUS = Path(__file__).resolve().parents[1] / "import_corpus"
# (corpus folder, page, reveal.js major version of the original)
DECKS = [
    ("hakimel__reveal.js-3.9.0", "demo.html", 3),
    ("hakimel__reveal.js-3.9.0", "test/examples/math.html", 3),
    ("hakimel__reveal.js-3.9.0", "test/examples/slide-backgrounds.html", 3),
    ("hakimel__reveal.js-4.4.0", "demo.html", 4),
    ("hakimel__reveal.js-4.4.0", "examples/markdown.html", 4),
    ("hakimel__reveal.js-4.4.0", "examples/auto-animate.html", 4),
    ("hakimel__reveal.js-4.4.0", "examples/backgrounds.html", 4),
    ("hakimel__reveal.js-4.4.0", "examples/math.html", 4),
    ("hakimel__reveal.js-5.2.1", "demo.html", 5),
    ("rustworkshop__slide-decks", "decks/rust-workshop-master/index.html", 4),
    ("rustworkshop__slide-decks", "decks/charm-consulting-master/index.html", 4),
    ("rustworkshop__slide-decks", "decks/2023-04-13-rust-dependency-injection/index.html", 4),
    ("adamhjk__chefconf-talk-2019", "index.html", 3),
    ("cwervo__slides.cwervo.com", "intersectional-tech-2018/index.html", 3),
    ("Raniz85__tdd-workshop-reavealjs", "index.html", 4),
    ("andykitchen__pydata-berlin-2024", "index.html", 5),
    ("AndreWeiner__slides", "habil.html", 5),
    ("AndreWeiner__slides", "mbdrl-2025-2.html", 5),
    ("Egge21M__btcplusplus24-slides", "index.html", 5),
]
# Differences between an import and its original, and why, per deck. A deck that starts to differ (or stops, or
# differs otherwise) fails until this table says so; a deck listed here is held to this list instead of to the 95%
# per-deck floor (an exact list is the stricter check).
KNOWN: dict[tuple[str, str], list[str]] = {
    # None today. The three differences found when the decks of Adam Jacob, Andrés Cuervo and Andre Weiner were
    # added (a raw-HTML slide whose first line kept its indentation and became a code block; tabs mixed with
    # spaces, the same; data-notes of a Markdown section dropped) are fixed, and those decks now match.
}


def _import_and_build(folder: str, page: str, root: Path) -> str:
    from deckgen.commands.build import build
    from deckgen.commands.import_deck import import_decks

    project = with_placeholders(CORPUS / folder, root / "project")
    result = import_decks([project / page], project)
    assert not result.errors, [str(e) for e in result.errors]
    build(project, root / "build", thumbnails=False)
    return result.reports[0].target.removeprefix("slides/").removesuffix(".md")


@pytest.mark.parametrize(("folder", "page", "version"), DECKS, ids=[f"{f}/{p}" for f, p, _ in DECKS])
def test_import_looks_like_the_original(folder, page, version, tmp_path, browser, serve_dir) -> None:
    modules = reveal_packages()
    name = _import_and_build(folder, page, tmp_path)
    original = lay_out_original(CORPUS / folder, version, modules, tmp_path / "original")
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    context.route("**/*", lambda route: route.continue_() if route.request.url.startswith("http://127.0.0.1")
                  else route.abort("blockedbyclient"))
    try:
        theirs = describe_page(context.new_page(), serve_dir(original) + page)
        mine = describe_page(context.new_page(), serve_dir(tmp_path / "build") + f"{name}/index.html")
    finally:
        context.close()
    matched, total, differences = compare(theirs, mine)
    print(f"{folder}/{page}: {matched}/{total} slides match")
    assert total > 0 and (matched >= 0.95 * total or (folder, page) in KNOWN)
    assert [str(d) for d in differences] == KNOWN.get((folder, page), [])
