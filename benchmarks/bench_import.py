"""Time `deckgen import` of 40 hand-written reveal.js decks of 50 slides each (the issue's bound: under 5 s).

Each deck has a <style> block shared by all, a Reveal.initialize() set-up, a load-time script, Markdown sections
with separators and notes, raw-HTML slides with code, fragments, images and notes, and vertical stacks.

    python benchmarks/bench_import.py [--decks 40] [--slides 50]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

from deckgen.commands.import_deck import import_decks

STYLE = "<style>\n.reveal h2 { color: #c33; }\n.reveal .todo { outline: 2px dashed orange; }\n</style>"
SCRIPTS = """<script src="js/reveal.js"></script>
<script>
  Reveal.initialize({ controls: true, progress: true, history: true, center: true, transition: 'slide',
    dependencies: [ { src: 'plugin/markdown/marked.js' }, { src: 'plugin/markdown/markdown.js' },
                    { src: 'plugin/highlight/highlight.js', async: true }, { src: 'plugin/notes/notes.js' } ] });
</script>
<script>
  $(function () {
    $('section.steps li').addClass('fragment');
    if (window.location.hostname !== 'localhost') { $('.todo').remove(); }
  });
</script>"""


def _slide(deck: int, index: int) -> str:
    if index % 5 == 0:
        return (f'<section data-markdown data-separator="^\\n---\\n$"><textarea data-template>\n'
                f"    ## Deck {deck}, Markdown {index}\n\n    - one *item*\n    - two\n\n    ---\n\n"
                f"    ```python [1|2]\n    x = {index}\n    print(x)\n    ```\n\n    Note: say {index}\n"
                "</textarea></section>")
    if index % 7 == 0:
        return (f"<section><section><h2>Stack {index}</h2></section>"
                f'<section class="todo"><h2>Below {index}</h2></section></section>')
    return (f'<section class="steps" data-background-color="#{index:03d}">\n  <h2>Deck {deck} slide {index}</h2>\n'
            f'  <ul>\n    <li>first</li>\n\n    <li class="fragment" data-fragment-index="2">second *not em*</li>\n'
            f'  </ul>\n  <img src="img/pic{index % 10}.png">\n  <pre><code class="js" data-line-numbers>\n'
            f"let a = {index};\n\nlet b = a * 2;\n</code></pre>\n"
            f'  <aside class="notes">Notes {index}</aside>\n</section>')


def write_decks(root: Path, decks: int, slides: int) -> list[Path]:
    """Write the decks under root/old/; return their paths."""
    (root / "old" / "img").mkdir(parents=True)
    for n in range(10):
        (root / "old" / "img" / f"pic{n}.png").write_bytes(b"png")
    pages = []
    for deck in range(decks):
        body = "\n".join(_slide(deck, i) for i in range(slides))
        page = root / "old" / f"deck{deck:02d}.html"
        page.write_text(f"<!doctype html><html><head><title>Deck {deck}</title>{STYLE}</head><body>"
                        f'<div class="reveal"><div class="slides">\n{body}\n</div></div>{SCRIPTS}</body></html>\n',
                        encoding="utf-8")
        pages.append(page)
    return pages


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--decks", type=int, default=40)
    parser.add_argument("--slides", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        pages = write_decks(root, args.decks, args.slides)
        start = time.perf_counter()
        result = import_decks(pages, root)
        elapsed = time.perf_counter() - start
        if result.errors:
            print("\n".join(str(e) for e in result.errors), file=sys.stderr)
            return 1
        slides = sum(r.slides for r in result.reports)
        print(f"imported {len(result.reports)} decks ({slides} slides) in {elapsed:.2f} s")
    return 0 if elapsed < 5 else 1


if __name__ == "__main__":
    sys.exit(main())
