"""Benchmark PDF export: `deckgen pdf` against `reveal-md --print`, both driving the system Chromium.

Usage:
    python benchmarks/bench_pdf.py [--rounds 5] [--slides 50] [--out FILE.json]

Target (the publishing issue): `deckgen pdf` of a 50-slide deck takes at most reveal-md's `--print` time for the
same deck. Both tools print the deck that benchmarks/bench_build.py generates (heading and list on every slide,
code every 5th, an image every 10th, notes every 3rd, a vertical slide every 7th), in alternation, after one
warm-up each; reveal-md 6.1.4 comes from the same cache as bench_build (installed there by npm when missing) and
is told to launch the same Chromium (puppeteer never downloads one here).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_build import (  # noqa: E402 - the sibling benchmark's generator and helpers
    alternate,
    deck_markdown,
    deckgen_command,
    ensure_reveal_md,
    reveal_md_dir,
    run_timed,
    tiny_png,
)

CHROMIUM = os.environ.get("DECKGEN_CHROMIUM", "/usr/bin/chromium")


def pdf_pages(path: Path) -> int:
    """Page count of a PDF (pypdf when installed, else a count of page objects)."""
    try:
        from pypdf import PdfReader

        return len(PdfReader(str(path)).pages)
    except ImportError:
        return path.read_bytes().count(b"/Type /Page") - path.read_bytes().count(b"/Type /Pages")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="measured rounds per tool (default 5)")
    parser.add_argument("--slides", type=int, default=50, help="slides in the deck (default 50)")
    parser.add_argument("--out", type=Path, help="write the numbers as JSON to this file")
    args = parser.parse_args(argv)
    if not Path(CHROMIUM).exists():
        print(f"no Chromium at {CHROMIUM}: apt-get install chromium or set DECKGEN_CHROMIUM", file=sys.stderr)
        return 2
    node = shutil.which("node")
    if node is None:
        print("node is needed for reveal-md", file=sys.stderr)
        return 2
    reveal_md = ensure_reveal_md(reveal_md_dir())
    work = Path(tempfile.mkdtemp(prefix="deckgen-bench-pdf-"))
    try:
        slides = work / "project" / "slides"
        (slides / "img").mkdir(parents=True)
        (slides / "img" / "pic.png").write_bytes(tiny_png())
        (slides / "deck.md").write_text(deck_markdown(f"PDF benchmark, {args.slides} slides", args.slides), "utf-8")
        out = work / "out"
        out.mkdir()
        deckgen = [*deckgen_command(), "pdf", "deck", str(work / "project")]
        launch = "--no-sandbox --disable-gpu --disable-background-networking --disable-dev-shm-usage"
        runners = {
            "deckgen": lambda i: run_timed([*deckgen, "-o", str(out / f"deckgen-{i}.pdf")]),
            "reveal-md": lambda i: run_timed(
                [node, str(reveal_md), "slides/deck.md", "--print", str(out / f"reveal-md-{i}.pdf"),
                 "--puppeteer-chromium-executable", CHROMIUM, f"--puppeteer-launch-args={launch}"],
                cwd=work / "project",
            ),
        }
        print(f"deckgen pdf vs reveal-md --print, {args.slides}-slide deck, {args.rounds} rounds + 1 warm-up",
              flush=True)
        stats = alternate(runners, args.rounds)
        pages = {tool: pdf_pages(out / f"{tool}-0.pdf") for tool in runners if (out / f"{tool}-0.pdf").exists()}
        dg, rmd = stats["deckgen"], stats["reveal-md"]
        ratio = dg.median / rmd.median if rmd.samples and dg.samples else float("nan")
        print(f"{'tool':<10} {'median (s)':>10} {'min (s)':>8} {'pages':>6}")
        for tool, stat in stats.items():
            print(f"{tool:<10} {stat.median:>10.2f} {stat.min:>8.2f} {pages.get(tool, '?'):>6}")
        verdict = "PASS" if ratio <= 1 else "FAIL"
        print(f"ratio deckgen/reveal-md {ratio:.2f}  (target: deckgen pdf <= reveal-md --print): {verdict}")
        if len(set(pages.values())) > 1:
            print("note: deckgen prints a page per fragment step (reveal.js's default); reveal-md one per slide")
        if args.out:
            data = {tool: stat.as_dict() for tool, stat in stats.items()}
            args.out.write_text(json.dumps({"stats": data, "pages": pages, "ratio": ratio}, indent=2), "utf-8")
        return 0 if not any(stat.errors for stat in stats.values()) else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
