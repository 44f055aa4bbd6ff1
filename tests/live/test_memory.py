"""The live site's memory levels off over a long editing session: measured with tracemalloc, in this process."""

from __future__ import annotations

import gc
import tracemalloc
from pathlib import Path

from projects import PNG, make_project

from deckgen.live.livesite import LiveSite

SLIDE = "## Slide {i}\n\n- point {i} with `code` and *emphasis*\n- ![picture](img/pic.png)\n\nNote: notes of slide {i}"


def _deck(token: str, edited: int) -> str:
    slides = [SLIDE.format(i=i) for i in range(40)]
    slides[edited] = slides[edited].replace(f"## Slide {edited}", f"## Slide {edited}, edit {token}")
    return "---\ntitle: Memory\n---\n" + "\n\n---\n\n".join(slides) + "\n"


def _traced() -> int:
    """Bytes allocated now, but for single blocks of 256 KiB or more: the interpreter's own tables (interned
    strings, which pathlib fills) are reallocated whole from time to time, at the same size, which tracemalloc
    sees as growth when the old table predates tracing."""
    gc.collect()
    return sum(trace.size for trace in tracemalloc.take_snapshot().traces if trace.size < 256 * 1024)


def test_memory_levels_off_over_hundreds_of_edits(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", {
        "slides/talk.md": _deck("first", 0),
        "slides/other.md": "# Other\n\n---\n\n## Two\n",
        "slides/img/pic.png": PNG,
        "static/extra.css": "h2 { color: red; }\n",
    })
    out = tmp_path / "out"
    out.mkdir()
    site = LiveSite(project, out)
    assert site.build_all().errors == []
    deck, css = project / "slides" / "talk.md", project / "static" / "extra.css"

    def edit(n: int) -> None:
        # Each save changes one slide to a text never seen before (a cache keyed by content grows by one entry);
        # now and then the deck is broken (errors) and fixed, or a stylesheet changes.
        if n % 20 == 7:
            deck.write_text(_deck(f"broken {n}", n % 40).replace("title: Memory", "title: [Memory"))
            assert site.update({deck}).errors
        elif n % 25 == 3:
            css.write_text(f"h2 {{ color: #{n % 4096:03x}; }}\n")
            site.update({css})  # the deck may still be broken: its error stands
        else:
            deck.write_text(_deck(str(n), n % 40))
            update = site.update({deck})
            assert update.errors == [] and update.pages, update

    tracemalloc.start()
    try:
        for n in range(60):  # warm up: caches, interned names and dict tables reach their working size
            edit(n)
        gc.collect()
        samples = []
        for n in range(60, 460):
            edit(n)
            if n % 50 == 9:
                samples.append(_traced())
    finally:
        tracemalloc.stop()
    half = len(samples) // 2
    growth = samples[-1] - samples[half - 1]
    # Before the caches were bounded, each edit kept ~2.4 KB (the rendered slide and its planned section for each
    # version of the edited slide): ~500 KB over these 200 edits, without end.
    assert growth < 64 * 1024, f"memory grew by {growth / 1024:.1f} KiB over the last 200 edits: {samples}"
    assert max(samples[half:]) - min(samples[half:]) < 128 * 1024, samples
