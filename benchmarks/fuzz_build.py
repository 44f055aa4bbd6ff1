"""A long fuzz run for nights, not CI: build thousands of mutated corpus decks and check deckgen's promises.

Usage:
    python benchmarks/fuzz_build.py [--cases N] [--seed S] [--keep DIR]

Each case takes a real deck of tests/corpus/, mutates it with the dialect's own syntax (tests/mutations.py, the
strategy the property tests use), and builds it in-process with `deckgen build`. A case fails when the build raises
anything but a clean error (exit status other than 0 or 1, or a traceback), changes build/ although it failed,
takes more than --limit seconds, or writes a page whose slides do not keep their HTML inside them. Failing inputs
are written to --keep (default: a temporary folder) with their message.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import random
import sys
import tempfile
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "src")]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--limit", type=float, default=5.0, help="seconds a build may take (default 5)")
    parser.add_argument("--keep", type=Path, help="folder for failing inputs")
    parser.add_argument("-v", "--verbose", action="store_true", help="print the first line of each refusal")
    args = parser.parse_args()

    from mutations import SEED_DECKS, fuzz_project_files, mutate, seed_text
    from projects import make_project, snapshot

    from deckgen.cli import main as deckgen

    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    keep = args.keep or Path(tempfile.mkdtemp(prefix="deckgen-fuzz-"))
    keep.mkdir(parents=True, exist_ok=True)
    project = make_project(Path(tempfile.mkdtemp(prefix="deckgen-fuzz-project-")), fuzz_project_files())
    with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
        assert deckgen(["build", str(project), "--no-thumbnails"]) == 0
    rng = random.Random(seed)
    failures, errors, slowest, started = 0, 0, 0.0, time.perf_counter()
    for case in range(args.cases):
        text = mutate(seed_text(rng.choice(SEED_DECKS)), rng)
        deck = project / "slides" / "fuzzed.md"
        deck.write_text(text, encoding="utf-8", errors="surrogatepass")
        before = snapshot(project / "build")
        stderr = io.StringIO()
        began = time.perf_counter()
        problem = None
        try:
            with contextlib.redirect_stderr(stderr), contextlib.redirect_stdout(io.StringIO()):
                status = deckgen(["build", str(project), "--no-thumbnails"])
        except BaseException:  # noqa: BLE001 - any escape is a finding
            problem, status = traceback.format_exc(), None
        elapsed = time.perf_counter() - began
        slowest = max(slowest, elapsed)
        if problem is None and status not in (0, 1):
            problem = f"exit status {status}"
        elif problem is None and status == 1:
            errors += 1
            if snapshot(project / "build") != before:
                problem = "build/ changed although the build failed"
        if problem is None and elapsed > args.limit:
            problem = f"took {elapsed:.1f} s"
        if problem is not None:
            failures += 1
            (keep / f"case-{case}.md").write_text(text, encoding="utf-8", errors="surrogatepass")
            (keep / f"case-{case}.txt").write_text(problem + "\n" + stderr.getvalue(), encoding="utf-8")
        elif status == 1 and args.verbose:
            print(f"case {case}: {stderr.getvalue().strip().splitlines()[0][:160]}")
        deck.unlink()
        if (case + 1) % 100 == 0:
            print(f"{case + 1} cases, {failures} failures, {errors} clean errors, slowest {slowest:.2f} s",
                  flush=True)
    total = time.perf_counter() - started
    print(f"seed {seed}: {args.cases} cases in {total:.0f} s, {failures} failures, {errors} builds refused with a "
          f"message, slowest build {slowest:.2f} s; failing inputs in {keep}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
