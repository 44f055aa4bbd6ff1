"""Benchmark the index's thumbnails and PDF export on a workshop-sized site: 40 decks x 50 slides.

Usage:
    python benchmarks/bench_thumbnails.py [--decks 40] [--slides 50] [--keep] [--no-pdf]

Targets (the publishing issue): pictures for 40 decks take at most 10 s the first time, and under 1 s when no deck
changed. The script writes the decks into a temp folder, points DECKGEN_CACHE_DIR at an empty cache (reusing the
downloaded npm packages of the user's cache) and times, with the installed `deckgen` CLI:
  1. `deckgen build --no-thumbnails` (the build alone, for reference);
  2. `deckgen build --thumbnails` with an empty picture cache (every deck shot in Chromium);
  3. `deckgen build --thumbnails` again (nothing changed: every picture from the cache);
  4. `deckgen build --thumbnails` after editing one deck (one picture shot);
  5. `deckgen pdf` of one 50-slide deck: fragments as pages, without, with notes;
  6. `deckgen build --thumbnails --pdf`, then again (PDFs are cached like pictures).
"""

from __future__ import annotations

import argparse
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib
from pathlib import Path


def tiny_png() -> bytes:
    """A valid 8x8 PNG, written by hand."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(b"\x00" + b"".join(bytes((30 * x % 256, 30 * y % 256, 180)) for x in range(8)) for y in range(8))
    header = struct.pack(">IIBBBBB", 8, 8, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def deck_markdown(number: int, slides: int) -> str:
    """A deck: a title slide, then slides with lists, fragments, code, images and notes."""
    chunks = [f"---\ntitle: Workshop part {number}\ndescription: Part {number} of the workshop\n"
              f"author: Trainer {number % 5}\ntitleSlide: true\n---\n"]
    for n in range(1, slides):
        parts = [f"## Part {number}, slide {n}", "", f"- first point of slide {n}",
                 "- second point, with *emphasis* <!-- .element: class=\"fragment\" -->",
                 "- third point, with `inline code` <!-- .element: class=\"fragment\" -->"]
        if n % 5 == 0:
            parts += ["", "```python [1|2-3]", f"def slide_{n}(x):", f"    y = x * {n}", "    return y + 1", "```"]
        if n % 10 == 0:
            parts += ["", "![a small picture](img/pic.png)"]
        if n % 3 == 0:
            parts += ["", f"Note: speaker notes for slide {n}."]
        chunks.append(("----\n\n" if n % 7 == 0 else "---\n\n") + "\n".join(parts) + "\n")
    return "\n".join(chunks)


def write_project(root: Path, decks: int, slides: int) -> Path:
    """Write a project of decks x slides under root."""
    (root / "slides" / "img").mkdir(parents=True)
    (root / "slides" / "img" / "pic.png").write_bytes(tiny_png())
    (root / "deckgen.yml").write_text("title: Benchmark workshop\n")
    for number in range(1, decks + 1):
        (root / "slides" / f"part{number:02d}.md").write_text(deck_markdown(number, slides))
    return root


def run(args: list[str], env: dict[str, str], cwd: Path) -> tuple[float, str]:
    """Run the deckgen CLI; return seconds and its stderr (-v logs)."""
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "deckgen", *args], env=env, cwd=cwd, capture_output=True,
                          text=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"deckgen {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr}")
    return elapsed, (proc.stdout + proc.stderr).strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--decks", type=int, default=40)
    parser.add_argument("--slides", type=int, default=50)
    parser.add_argument("--keep", action="store_true", help="keep the temp folder")
    parser.add_argument("--no-pdf", action="store_true", help="skip the PDF timings")
    options = parser.parse_args()

    from deckgen.assets.npm import cache_root

    work = Path(tempfile.mkdtemp(prefix="deckgen-bench-thumbs-"))
    try:
        project = write_project(work / "project", options.decks, options.slides)
        cache = work / "cache"
        cache.mkdir()
        if (cache_root() / "npm").is_dir():
            (cache / "npm").symlink_to(cache_root() / "npm")  # reuse downloaded reveal.js etc., not pictures
        env = {**os.environ, "DECKGEN_CACHE_DIR": str(cache)}
        out = work / "site"
        print(f"{options.decks} decks x {options.slides} slides, {os.cpu_count()} CPUs")

        plain, _ = run(["build", str(project), "-o", str(out), "--no-thumbnails"], env, work)
        print(f"build without thumbnails          {plain:6.2f} s")
        first, log = run(["build", str(project), "-o", str(out), "--thumbnails", "-v"], env, work)
        print(f"build --thumbnails, empty cache   {first:6.2f} s   (pictures: +{first - plain:.2f} s; "
              f"{_shots(log)})")
        second, log = run(["build", str(project), "-o", str(out), "--thumbnails", "-v"], env, work)
        print(f"build --thumbnails, unchanged     {second:6.2f} s   (pictures: +{second - plain:.2f} s; "
              f"{_shots(log)})")
        deck = project / "slides" / "part01.md"
        deck.write_text(deck.read_text().replace("Workshop part 1\n", "Workshop part 1, edited\n", 1))
        third, log = run(["build", str(project), "-o", str(out), "--thumbnails", "-v"], env, work)
        print(f"build --thumbnails, one deck edit {third:6.2f} s   (pictures: +{third - plain:.2f} s; "
              f"{_shots(log)})")
        pictures = sorted(out.glob("*/thumbnail.jpg"))
        size = sum(p.stat().st_size for p in pictures)
        print(f"{len(pictures)} pictures, {size / 1024:.0f} KiB in all")
        if not options.no_pdf:
            for extra in ([], ["--no-fragments"], ["--notes"]):
                seconds, log = run(["pdf", "part02", str(project), "-o", str(work / "part02.pdf"), *extra], env, work)
                print(f"deckgen pdf {' '.join(extra) or '(fragments as pages)':<22}{seconds:6.2f} s   ({log})")
            seconds, _ = run(["build", str(project), "-o", str(out), "--thumbnails", "--pdf"], env, work)
            print(f"build --thumbnails --pdf          {seconds:6.2f} s   ({options.decks} PDFs printed)")
            seconds, _ = run(["build", str(project), "-o", str(out), "--thumbnails", "--pdf"], env, work)
            print(f"build --thumbnails --pdf, again   {seconds:6.2f} s   (PDFs from the cache)")
    finally:
        if options.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def _shots(log: str) -> str:
    for line in log.splitlines():
        if line.startswith("thumbnails:"):
            return line.removeprefix("thumbnails: ")
    return "no thumbnail log line"


if __name__ == "__main__":
    main()
