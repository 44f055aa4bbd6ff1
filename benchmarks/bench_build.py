"""Benchmark deckgen against reveal-md 6.1.4: cold builds, start-up, browser readiness, output size.

Usage:
    python benchmarks/bench_build.py [--quick] [--out FILE.json] [--rounds N] [--keep] [--no-browser]
    python benchmarks/bench_build.py --startup-only [--rounds N] [--out FILE.json]

--startup-only runs step 4 alone (30 rounds unless --rounds), with neither node nor reveal-md.

What it does (see DESIGN.md, "Performance"):
  1. installs reveal-md 6.1.4 with npm into a cache folder ($DECKGEN_BENCH_CACHE, default
     ~/.cache/deckgen-bench/reveal-md-6.1.4), once;
  2. writes decks of 50, 500 and 2000 slides and a site of 40 decks x 50 slides into a temp folder, the same
     sources for both tools (reveal-md's default separators `---` / `----` are ones deckgen understands too);
  3. times cold builds, alternating deckgen and reveal-md in the same run, after one warm-up each;
  4. times `deckgen --version` against `python -c pass`;
  5. loads the 50- and 2000-slide decks of both tools and the floor in the system Chromium (Playwright, no
     browser download), three times as many rounds as the builds,
     served from a loopback http.server, and reads the moment reveal.js fires 'ready' (performance.now(), i.e.
     milliseconds since navigation start), blocking and counting every request that leaves loopback;
  6. sums the output bytes of the 50-slide deck for both tools;
  7. prints a table with the targets of the performance issue, and writes the numbers as JSON with --out.

Only the standard library and playwright (imported lazily, for step 5).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import re
import shutil
import statistics
import struct
import subprocess
import sys
import sysconfig
import tempfile
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REVEAL_MD_VERSION = "6.1.4"
DECK_SIZES = (50, 500, 2000)
SITE_DECKS = 40
SITE_SLIDES = 50
BROWSER_SIZES = (50, 2000)
BROWSER_ROUNDS_FACTOR = 3  # page loads per tool and size: this many times the build rounds
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")
# Every URL that is not http(s) on loopback; the pattern is handed to the browser side, so loopback requests
# never make a round trip through Python (which would slow page loads down).
NON_LOOPBACK = re.compile(r"^(?!https?://(127\.0\.0\.1|localhost|\[::1\])[:/])[a-z][a-z0-9+.-]*://")
# Outside host names are never printed or stored: the report shows "<external>" in their place.
EXTERNAL_HOST = re.compile(r"\b([a-z][a-z0-9+.-]*://)(?!(127\.0\.0\.1|localhost|\[::1\])[:/])[^/\s'\"]+")

# Marks the moment reveal.js dispatches 'ready' on its .reveal element (milliseconds since navigation start):
# capture phase = the event fires; bubble phase on window = after the page's own 'ready' handlers (reveal-md
# highlights code there); then the first frame painted after that.
READY_HOOK = """
(() => {
  const isReveal = (e) => e.target && e.target.classList && e.target.classList.contains('reveal');
  window.addEventListener('ready', (e) => {
    if (isReveal(e) && window.__benchReady === undefined) window.__benchReady = performance.now();
  }, true);
  window.addEventListener('ready', (e) => {
    if (!isReveal(e) || window.__benchHandled !== undefined) return;
    window.__benchHandled = performance.now();
    requestAnimationFrame(() => requestAnimationFrame(() => { window.__benchFrame = performance.now(); }));
  }, false);
})();
"""


# --------------------------------------------------------------------------------------------------------------
# Sources


def tiny_png(width: int = 8, height: int = 8) -> bytes:
    """A small valid RGB PNG, written by hand so no imaging library is needed."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    raw = b"".join(
        b"\x00" + b"".join(bytes((30 * x % 256, 30 * y % 256, 180)) for x in range(width)) for y in range(height)
    )
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def slide_markdown(number: int) -> str:
    """One slide: a heading and a 3-item list; code every 5th, an image every 10th, notes every 3rd."""
    parts = [
        f"## Slide {number}",
        "",
        f"- first point of slide {number}",
        "- second point, with *emphasis*",
        "- third point, with `inline code`",
    ]
    if number % 5 == 0:
        parts += [
            "",
            "```python",
            f"def slide_{number}(x):",
            f"    y = x * {number}",
            "    # a comment",
            "    return y + 1",
            "```",
        ]
    if number % 10 == 0:
        parts += ["", "![a small picture](img/pic.png)"]
    if number % 3 == 0:
        parts += ["", f"Note: speaker notes for slide {number}, with **bold** text."]
    return "\n".join(parts)


def deck_markdown(title: str, slides: int) -> str:
    """A whole deck. Every 7th slide sits below the previous one: `----` is reveal-md's default vertical
    separator (`\\r?\\n----\\r?\\n`) and one of deckgen's; `---` is both tools' horizontal one."""
    chunks = [f"---\ntitle: {title}\n---\n"]
    for number in range(1, slides + 1):
        if number > 1:
            chunks.append("----" if number % 7 == 0 else "---")
        chunks.append(slide_markdown(number))
    return "\n\n".join(chunks) + "\n"


def expected_counts(slides: int) -> tuple[int, int]:
    """(total slides, horizontal slides) that both tools should show for a generated deck."""
    return slides, slides - slides // 7


@dataclass
class Case:
    """One thing to build: a project folder (PROJECT/slides/...) and what reveal-md is pointed at."""

    name: str
    project: Path
    reveal_md_source: str  # relative to project: "slides/NAME.md" or "slides/"
    slides: int
    decks: int = 1


def write_sources(root: Path) -> list[Case]:
    """Write every benchmark project under root; return the build cases."""
    png = tiny_png()
    cases: list[Case] = []

    def project(name: str) -> Path:
        slides_dir = root / name / "slides"
        (slides_dir / "img").mkdir(parents=True)
        (slides_dir / "img" / "pic.png").write_bytes(png)
        return root / name

    for size in DECK_SIZES:
        proj = project(f"deck-{size}")
        (proj / "slides" / "deck.md").write_text(deck_markdown(f"Benchmark deck, {size} slides", size), "utf-8")
        cases.append(Case(f"deck {size} slides", proj, "slides/deck.md", size))
    proj = project("site")
    for number in range(1, SITE_DECKS + 1):
        text = deck_markdown(f"Site deck {number:02d}", SITE_SLIDES)
        (proj / "slides" / f"deck{number:02d}.md").write_text(text, "utf-8")
    cases.append(Case(f"site {SITE_DECKS}x{SITE_SLIDES}", proj, "slides/", SITE_SLIDES, SITE_DECKS))
    return cases


# --------------------------------------------------------------------------------------------------------------
# Tools


def reveal_md_dir() -> Path:
    env = os.environ.get("DECKGEN_BENCH_CACHE")
    return (
        Path(env).expanduser() if env else Path.home() / ".cache" / "deckgen-bench" / f"reveal-md-{REVEAL_MD_VERSION}"
    )


def ensure_reveal_md(prefix: Path) -> Path:
    """Install reveal-md with npm into prefix unless that exact version is there; return its bin script.

    reveal-md 6.1.4 has puppeteer as an optional dependency (used only for --print and featured-slide images);
    the PUPPETEER_SKIP_* variables stop its install step from downloading a browser."""
    script = prefix / "node_modules" / "reveal-md" / "bin" / "reveal-md.js"
    package_json = prefix / "node_modules" / "reveal-md" / "package.json"
    if (
        script.is_file()
        and package_json.is_file()
        and json.loads(package_json.read_text("utf-8")).get("version") == REVEAL_MD_VERSION
    ):
        return script
    npm = shutil.which("npm")
    if npm is None:
        raise SystemExit("npm is not on PATH: it is needed to install reveal-md for the comparison")
    prefix.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PUPPETEER_SKIP_DOWNLOAD="1", PUPPETEER_SKIP_CHROMIUM_DOWNLOAD="1", NO_UPDATE_NOTIFIER="1")
    print(f"installing reveal-md {REVEAL_MD_VERSION} into {prefix} ...", flush=True)
    proc = subprocess.run(
        [npm, "install", "--prefix", str(prefix), "--no-audit", "--no-fund", f"reveal-md@{REVEAL_MD_VERSION}"],
        env=env,
        capture_output=True,
        text=True,
    )
    if proc.returncode != 0 or not script.is_file():
        raise SystemExit(f"npm install reveal-md@{REVEAL_MD_VERSION} failed:\n{proc.stdout}\n{proc.stderr}")
    return script


def deckgen_command() -> list[str]:
    """The deckgen console script of this interpreter (what users run), or `python -m deckgen`."""
    scripts = Path(sysconfig.get_path("scripts"))
    for name in ("deckgen", "deckgen.exe"):
        if (scripts / name).is_file():
            return [str(scripts / name)]
    return [sys.executable, "-m", "deckgen"]


@dataclass
class Tools:
    deckgen: list[str]
    node: str
    reveal_md: Path

    def deckgen_build(self, case: Case, out: Path) -> list[str]:
        # Like for like: reveal-md makes no index pictures (benchmarks/bench_thumbnails.py times those).
        # Cold: no slide taken from the render cache (bench_rebuilds times the builds that use it).
        return [*self.deckgen, "build", str(case.project), "-o", str(out), "--no-thumbnails", "--no-cache"]

    def reveal_md_build(self, case: Case, out: Path) -> list[str]:
        return [self.node, str(self.reveal_md), case.reveal_md_source, "--static", str(out)]


def pycache_dir() -> Path:
    return reveal_md_dir().parent / "pycache"


def git_state() -> dict[str, Any]:
    """The commit of the checkout this file is in and whether deckgen's sources differ from it."""
    repo = Path(__file__).resolve().parent.parent
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True)
    status = subprocess.run(
        ["git", "status", "--porcelain", "--", "src", "templates", "static"], cwd=repo, capture_output=True, text=True
    )
    return {"head": head.stdout.strip() or None, "dirty_files": len(status.stdout.splitlines())}


def child_env() -> dict[str, str]:
    """The environment of every timed command: no update check from reveal-md; Python with its usual bytecode
    cache (PYTHONDONTWRITEBYTECODE, if set here, would make deckgen compile itself on every run), kept under the
    benchmark's cache folder instead of the source tree."""
    env = dict(os.environ, NO_UPDATE_NOTIFIER="1", PYTHONPYCACHEPREFIX=str(pycache_dir()))
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run_timed(cmd: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> float:
    """Run cmd, return its wall time in seconds; fail loudly with its output on a non-zero exit."""
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env={**child_env(), **(env or {})}, capture_output=True)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(
            f"{' '.join(cmd)} exited {proc.returncode}:\n"
            f"{proc.stdout.decode(errors='replace')[-3000:]}\n{proc.stderr.decode(errors='replace')[-3000:]}"
        )
    return elapsed


# --------------------------------------------------------------------------------------------------------------
# Measurements


def redact(text: str) -> str:
    """Replace the host of every non-loopback URL in text by <external>."""
    return EXTERNAL_HOST.sub(r"\1<external>", text)


@dataclass
class Stat:
    samples: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.samples) if self.samples else float("nan")

    @property
    def min(self) -> float:
        return min(self.samples) if self.samples else float("nan")

    def as_dict(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "median": self.median if self.samples else None,
            "min": self.min if self.samples else None,
            "samples": self.samples,
        }
        if self.errors:
            result["errors"] = self.errors
        return result


def alternate(runners: dict[str, Callable[[int], float]], rounds: int, warmup: int = 1) -> dict[str, Stat]:
    """Call each runner in turn, round after round (A, B, A, B, ...); drop the first `warmup` rounds.

    A run that fails (others may be editing deckgen while this runs) is recorded as an error and skipped."""
    stats = {name: Stat() for name in runners}
    for index in range(warmup + rounds):
        for name, runner in runners.items():
            try:
                value = runner(index)
            except Exception as exc:  # noqa: BLE001 - any failure of one run is reported, the run goes on
                message = [line for line in str(exc).splitlines() if line.strip()]
                stats[name].errors.append(f"round {index}: {message[-1] if message else type(exc).__name__}")
                print(f"    {name}: run {index} failed: {' | '.join(message[-3:])}", flush=True)
                continue
            if index >= warmup:
                stats[name].samples.append(value)
    return stats


def bench_builds(
    cases: list[Case], tools: Tools, work: Path, rounds: int
) -> tuple[dict[str, dict[str, Stat]], dict[str, dict[str, Path]]]:
    """Cold builds into a fresh output folder each time; keep the last output of each tool for later steps."""
    results: dict[str, dict[str, Stat]] = {}
    kept: dict[str, dict[str, Path]] = {}
    for case in cases:
        print(f"  building {case.name} ...", flush=True)
        last: dict[str, Path] = {}

        def runner(
            tool: str, command: Callable[[Case, Path], list[str]], case: Case = case, last: dict[str, Path] = last
        ) -> Callable[[int], float]:
            def run(index: int) -> float:
                out = work / "out" / f"{tool}-{case.project.name}-{index}"
                elapsed = run_timed(command(case, out), cwd=case.project)
                if tool in last:
                    shutil.rmtree(last[tool], ignore_errors=True)
                last[tool] = out
                return elapsed

            return run

        runners = {
            "deckgen": runner("deckgen", tools.deckgen_build),
            "reveal-md": runner("reveal-md", tools.reveal_md_build),
        }
        if case.name == f"deck {max(DECK_SIZES)} slides":
            runners[FIRST_BUILD] = first_build_runner(case, tools, work)
        results[case.name] = alternate(runners, rounds)
        kept[case.name] = dict(last)
        for tool, stat in results[case.name].items():
            print(f"    {tool:10s} median {stat.median:.3f} s  min {stat.min:.3f} s", flush=True)
    return results, kept


FIRST_BUILD = "deckgen, empty render cache"


def first_build_runner(case: Case, tools: Tools, work: Path) -> Callable[[int], float]:
    """A user's first build of the deck: the render cache in use but empty (a cache folder of its own, with the
    verified npm packages linked in), so the slides are rendered and then written to the cache."""
    cache = work / "cache-first"
    cache.mkdir(exist_ok=True)
    link_npm_packages(cache)
    command = [*tools.deckgen, "build", str(case.project), "--no-thumbnails"]

    def run(index: int) -> float:
        shutil.rmtree(cache / "render", ignore_errors=True)
        out = work / "out" / f"first-{case.project.name}-{index}"
        elapsed = run_timed([*command, "-o", str(out)], cwd=case.project, env={"DECKGEN_CACHE_DIR": str(cache)})
        shutil.rmtree(out, ignore_errors=True)
        return elapsed

    return run


def link_npm_packages(cache: Path) -> None:
    """Link the user's verified npm packages into a cache folder of the benchmark's: nothing to download there."""
    npm = Path(os.environ.get("DECKGEN_CACHE_DIR") or Path.home() / ".cache" / "deckgen") / "npm"
    if npm.is_dir() and not (cache / "npm").exists():
        (cache / "npm").symlink_to(npm)


PROFILE_CONFIG = """profiles:
  public:
    hide: [todo, local]
    fragments: false
"""


def profiled_deck(slides: int) -> str:
    """The benchmark deck with what a public profile takes out: a todo slide in 20, a local remark and a
    fragment in 10."""
    chunks = [f"---\ntitle: Profiled deck, {slides} slides\n---\n"]
    for number in range(1, slides + 1):
        if number > 1:
            chunks.append("----" if number % 7 == 0 else "---")
        extra = ""
        if number % 20 == 0:
            extra += '<!-- .slide: class="todo" -->\n\n'
        if number % 10 == 0:
            extra = extra + '<span class="local">a remark for the room</span>\n\nLater <!-- .element: class="fragment" -->\n\n'
        chunks.append(extra + slide_markdown(number))
    return "\n\n".join(chunks) + "\n"


def bench_profile(tools: Tools, work: Path, rounds: int, slides: int = 2000) -> dict[str, Stat]:
    """The same 2000-slide deck built without a profile and with --profile public, alternating."""
    project = work / "src" / f"profiled-{slides}"
    (project / "slides" / "img").mkdir(parents=True)
    (project / "slides" / "img" / "pic.png").write_bytes(tiny_png())
    (project / "slides" / "deck.md").write_text(profiled_deck(slides), "utf-8")
    (project / "deckgen.yml").write_text(PROFILE_CONFIG, "utf-8")

    def runner(extra: list[str]) -> Callable[[int], float]:
        def run(index: int) -> float:
            out = work / "out" / f"profile-{'-'.join(extra) or 'default'}-{index}"
            elapsed = run_timed([*tools.deckgen, "build", str(project), "-o", str(out), "--no-thumbnails", *extra],
                                cwd=project)
            shutil.rmtree(out, ignore_errors=True)
            return elapsed

        return run

    stats = alternate({"default": runner([]), "public": runner(["--profile", "public"])}, rounds)
    for name, stat in stats.items():
        print(f"    {name:10s} median {stat.median:.3f} s  min {stat.min:.3f} s", flush=True)
    return stats


def bench_rebuilds(tools: Tools, work: Path, rounds: int) -> dict[str, Stat]:
    """The 40-deck site built again with nothing changed, and after a one-slide edit, with the render cache (a
    cache folder of its own, warmed by one build; reveal-md has no such build to compare with)."""
    project = work / "src" / "site"
    out = work / "out" / "rebuild-site"
    env = {"DECKGEN_CACHE_DIR": str(work / "cache")}
    (work / "cache").mkdir(exist_ok=True)
    link_npm_packages(work / "cache")
    command = [*tools.deckgen, "build", str(project), "-o", str(out), "--no-thumbnails"]
    deck = project / "slides" / "deck07.md"
    original = deck.read_text("utf-8")
    run_timed(command, cwd=project, env=env)  # the cache, warmed

    def unchanged(index: int) -> float:
        return run_timed(command, cwd=project, env=env)

    def one_edit(index: int) -> float:
        deck.write_text(original.replace("## Slide 7\n", f"## Slide 7, edit {index}\n", 1), "utf-8")
        return run_timed(command, cwd=project, env=env)

    stats = alternate({"nothing changed": unchanged, "one slide edited": one_edit}, rounds)
    deck.write_text(original, "utf-8")
    for name, stat in stats.items():
        print(f"    {name:18s} median {stat.median:.3f} s  min {stat.min:.3f} s", flush=True)
    return stats


def bench_startup(tools: Tools, rounds: int) -> dict[str, Stat]:
    """`deckgen --version` against bare interpreter start-up, alternating."""
    runners = {
        "deckgen --version": lambda _i: run_timed([*tools.deckgen, "--version"]),
        "python -c pass": lambda _i: run_timed([sys.executable, "-c", "pass"]),
    }
    return alternate(runners, rounds)


def tree_bytes(root: Path) -> tuple[int, int]:
    """(total bytes of regular files, number of files) under root."""
    total = count = 0
    for dirpath, _dirs, files in os.walk(root):
        for name in files:
            path = Path(dirpath, name)
            if path.is_file() and not path.is_symlink():
                total += path.stat().st_size
                count += 1
    return total, count


def largest_files(root: Path, limit: int = 6) -> list[tuple[str, int]]:
    sizes = [(str(p.relative_to(root)), p.stat().st_size) for p in root.rglob("*") if p.is_file()]
    return sorted(sizes, key=lambda item: -item[1])[:limit]


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """Serve directory on 127.0.0.1 (a free port) with http.server in a child process, so that the server never
    waits for this process's interpreter lock while Playwright's client runs here; yield the base URL."""
    proc = subprocess.Popen(
        [sys.executable, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", str(directory)],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()  # "Serving HTTP on 127.0.0.1 port 41234 (http://127.0.0.1:41234/) ..."
        match = re.search(r"port (\d+)", line)
        if match is None:
            raise RuntimeError(f"http.server did not start: {line!r}")
        yield f"http://127.0.0.1:{match.group(1)}"
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def deck_page(tool: str, out: Path) -> Path:
    """The HTML page of the single deck `deck.md` in a tool's output."""
    page = out / "deck" / "index.html" if tool == "deckgen" else out / "deck.html"
    if not page.is_file():
        raise RuntimeError(f"{tool} output has no {page.relative_to(out)}")
    return page


@dataclass
class PageLoad:
    ready_ms: float
    handled_ms: float
    frame_ms: float
    wall_ms: float
    total_slides: int
    horizontal_slides: int
    requests: int
    failed: list[str]
    bytes_loaded: int
    console_errors: list[str]
    blocked: list[str]


def load_once(browser: Any, url: str, blocked: list[str], timeout_ms: float = 120_000) -> PageLoad:
    """Open url in a fresh context (empty cache), wait for reveal.js 'ready' and read the marks."""
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    try:
        page_blocked: list[str] = []

        def block(route: Any) -> None:
            page_blocked.append(redact(route.request.url))
            route.abort()

        context.route(NON_LOOPBACK, block)
        context.add_init_script(READY_HOOK)
        page = context.new_page()
        failed: list[str] = []
        errors: list[str] = []
        requests: list[str] = []
        page.on("request", lambda request: requests.append(request.url))
        page.on("requestfailed", lambda request: failed.append(f"{request.failure} {redact(request.url)}"))
        page.on(
            "response",
            lambda response: (
                failed.append(f"HTTP {response.status} {redact(response.url)}") if response.status >= 400 else None
            ),
        )
        page.on("console", lambda message: errors.append(redact(message.text)) if message.type == "error" else None)
        page.on("pageerror", lambda error: errors.append(redact(str(error))))
        start = time.perf_counter()
        page.goto(url, wait_until="commit", timeout=timeout_ms)
        page.wait_for_function("() => window.__benchFrame !== undefined", polling=5, timeout=timeout_ms)
        wall_ms = (time.perf_counter() - start) * 1000
        marks = page.evaluate(
            """() => ({
                ready: window.__benchReady, handled: window.__benchHandled, frame: window.__benchFrame,
                isReady: Reveal.isReady(), total: Reveal.getTotalSlides(),
                horizontal: Reveal.getHorizontalSlides().length,
                bytes: performance.getEntriesByType('navigation').concat(performance.getEntriesByType('resource'))
                    .reduce((sum, entry) => sum + (entry.decodedBodySize || 0), 0),
            })"""
        )
        if not marks["isReady"]:
            raise RuntimeError(f"Reveal.isReady() is false after 'ready' on {url}")
        blocked.extend(page_blocked)
        return PageLoad(
            marks["ready"],
            marks["handled"],
            marks["frame"],
            wall_ms,
            marks["total"],
            marks["horizontal"],
            len(requests),
            failed,
            int(marks["bytes"]),
            errors,
            page_blocked,
        )
    finally:
        context.close()


def write_floor(deckgen_page: Path, floor: Path, deckgen_folder: str) -> None:
    """The floor: the same slides (deckgen's built HTML) and theme in a bare reveal.js page, with no plugin, no
    highlighting and no math, served beside deckgen's output and using its copy of reveal.js."""
    html = deckgen_page.read_text(encoding="utf-8")
    slides = html.split('<div class="slides">', 1)[1].rsplit("</div>\n</div>", 1)[0]
    theme = re.search(r'<link rel="stylesheet" href="\.\./([^"]+)" id="theme">', html)[1]
    up = f"../../{deckgen_folder}/"
    floor.parent.mkdir(parents=True, exist_ok=True)
    floor.write_text(
        "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n<title>floor</title>\n'
        f'<link rel="stylesheet" href="{up}vendor/reveal.js/dist/reset.css">\n'
        f'<link rel="stylesheet" href="{up}vendor/reveal.js/dist/reveal.css">\n'
        f'<link rel="stylesheet" href="{up}{theme}">\n</head>\n<body>\n<div class="reveal">\n<div class="slides">'
        f'{slides}</div>\n</div>\n<script src="{up}vendor/reveal.js/dist/reveal.js"></script>\n'
        "<script>Reveal.initialize({hash: true});</script>\n</body>\n</html>\n",
        encoding="utf-8",
    )


def bench_browser(kept: dict[str, dict[str, Path]], work: Path, rounds: int) -> dict[str, Any]:
    """Time to reveal.js 'ready' for the 50- and 2000-slide decks of both tools, alternating."""
    from playwright.sync_api import sync_playwright

    executable = os.environ.get("DECKGEN_CHROMIUM", "/usr/bin/chromium")
    site = work / "served"
    site.mkdir(exist_ok=True)
    urls: dict[tuple[int, str], str] = {}
    for size in BROWSER_SIZES:
        for tool, out in kept.get(f"deck {size} slides", {}).items():
            (site / f"{tool}-{size}").symlink_to(out, target_is_directory=True)
            urls[size, tool] = str(deck_page(tool, out).relative_to(out))
            if tool == "deckgen":
                write_floor(deck_page(tool, out), site / f"floor-{size}" / "deck" / "index.html", f"deckgen-{size}")
                urls[size, "floor"] = "deck/index.html"
    results: dict[str, Any] = {}
    blocked: list[str] = []
    with serve(site) as base, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
        try:
            for size in BROWSER_SIZES:
                tools = [tool for tool in ("deckgen", "reveal-md", "floor") if (size, tool) in urls]
                if len(tools) < 3:
                    print(f"  browser: {size} slides skipped, a build output is missing", flush=True)
                    continue
                print(f"  browser: {size} slides ...", flush=True)
                loads: dict[str, list[PageLoad]] = {tool: [] for tool in tools}

                def runner(
                    tool: str, size: int = size, loads: dict[str, list[PageLoad]] = loads
                ) -> Callable[[int], float]:
                    def run(index: int) -> float:
                        load = load_once(browser, f"{base}/{tool}-{size}/{urls[size, tool]}", blocked)
                        if index >= 1:  # not the warm-up
                            loads[tool].append(load)
                        return load.ready_ms / 1000

                    return run

                stats = alternate({tool: runner(tool) for tool in tools}, rounds)
                entry: dict[str, Any] = {
                    "expected_slides": dict(zip(("total", "horizontal"), expected_counts(size), strict=True))
                }
                for tool, stat in stats.items():
                    measured = loads[tool]
                    entry[tool] = {
                        "ready_s": stat.as_dict(),
                        "handled_s": Stat([m.handled_ms / 1000 for m in measured]).as_dict(),
                        "frame_s": Stat([m.frame_ms / 1000 for m in measured]).as_dict(),
                        "goto_to_frame_wall_s": Stat([m.wall_ms / 1000 for m in measured]).as_dict(),
                    }
                    if measured:
                        last = measured[-1]
                        entry[tool].update(
                            {
                                "total_slides": last.total_slides,
                                "horizontal_slides": last.horizontal_slides,
                                "requests": last.requests,
                                "bytes_loaded": last.bytes_loaded,
                                "failed_requests": sorted(set(last.failed)),
                                "console_errors": sorted(set(last.console_errors))[:10],
                            }
                        )
                        print(
                            f"    {tool:10s} ready median {stat.median:.3f} s  min {stat.min:.3f} s  "
                            f"({last.total_slides} slides, {last.requests} requests)",
                            flush=True,
                        )
                results[str(size)] = entry
        finally:
            browser.close()
    results["blocked_requests"] = len(blocked)
    results["blocked_urls"] = sorted(set(blocked))[:20]
    return results


# --------------------------------------------------------------------------------------------------------------
# Report


NAN = float("nan")


def fmt(value: float | None, digits: int = 3) -> str:
    if value is None or value != value:  # NaN: no successful run
        return "-"
    return f"{value:.{digits}f}"


def ratio(a: float, b: float) -> float:
    return a / b if b and a == a and b == b else NAN


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else "PASS" if ok else "FAIL"


def pair(stats: dict[str, Any], tool: str, key: str | None = None) -> dict[str, Any]:
    entry = stats.get(tool) or {}
    stat = dict((entry.get(key) if key else entry) or {})
    for name in ("median", "min"):
        stat[name] = NAN if stat.get(name) is None else stat[name]
    return stat


def timing(stat: dict[str, Any]) -> str:
    failed = f", {len(stat['errors'])} failed" if stat.get("errors") else ""
    return f"{fmt(stat['median'])} (min {fmt(stat['min'])}{failed})"


def check(value: float, ok: bool) -> bool | None:
    return None if value != value else ok


def report(data: dict[str, Any]) -> str:
    """The human-readable table."""
    rows: list[tuple[str, str, str, str, str, str]] = []
    for case, stats in data["builds"].items():
        dg, rm = pair(stats, "deckgen"), pair(stats, "reveal-md")
        r = ratio(dg["median"], rm["median"])
        target = ""
        if case == "deck 2000 slides":  # the performance issue: at most reveal-md's time in the same run
            target = f"<= 1.0x reveal-md: {verdict(check(r, r <= 1.0))}"
        elif case.startswith("site "):
            target = f"<= 1.5 s: {verdict(check(dg['median'], dg['median'] <= 1.5))}"
        rows.append(
            (f"cold build, {case}", timing(dg), timing(rm), fmt(r, 2), fmt(ratio(dg["min"], rm["min"]), 2), target)
        )
        if FIRST_BUILD in stats:
            first = pair(stats, FIRST_BUILD)
            r = ratio(first["median"], rm["median"])
            rows.append((f"  first build, empty render cache, {case}", timing(first), timing(rm), fmt(r, 2),
                         fmt(ratio(first["min"], rm["min"]), 2), f"<= 1.0x reveal-md: {verdict(check(r, r <= 1.0))}"))
    for name, limit in (("nothing changed", 0.2), ("one slide edited", 0.3)):
        if name in data.get("rebuilds", {}):
            stat = pair(data["rebuilds"], name)
            rows.append((f"rebuild, site {SITE_DECKS}x{SITE_SLIDES}, {name}", timing(stat), "", "", "",
                         f"<= {limit} s: {verdict(check(stat['median'], stat['median'] <= limit))}"))
    if "profile" in data:
        public, default = pair(data["profile"], "public"), pair(data["profile"], "default")
        r = ratio(public["median"], default["median"])
        rows.append(("build --profile public, 2000 slides", timing(public), f"no profile {timing(default)}",
                     fmt(r, 2), fmt(ratio(public["min"], default["min"]), 2),
                     f"<= 1.10x no profile: {verdict(check(r, r <= 1.10))}"))
    start = data["startup"]
    dg_v, py = pair(start, "deckgen --version"), pair(start, "python -c pass")
    rows.append(
        (
            "deckgen --version vs python -c pass",
            timing(dg_v),
            f"python {timing(py)}",
            fmt(ratio(dg_v["median"], py["median"]), 2),
            fmt(ratio(dg_v["min"], py["min"]), 2),
            f"near bare start-up (+{fmt((dg_v['median'] - py['median']) * 1000, 0)} ms)",
        )
    )
    browser = data.get("browser") or {}
    for size in BROWSER_SIZES:
        entry = browser.get(str(size))
        if not entry:
            continue
        for key, label in (("ready_s", "'ready' event"), ("frame_s", "'ready' handlers + frame")):
            dg, rm = pair(entry, "deckgen", key), pair(entry, "reveal-md", key)
            r = ratio(dg["median"], rm["median"])
            target = f"<= 0.5x reveal-md: {verdict(check(r, r <= 0.5))}" if size == 2000 and key == "ready_s" else ""
            rows.append(
                (
                    f"browser {label}, {size} slides",
                    timing(dg),
                    timing(rm),
                    fmt(r, 2),
                    fmt(ratio(dg["min"], rm["min"]), 2),
                    target,
                )
            )
            floor = pair(entry, "floor", key)
            if key == "frame_s" and floor["median"] == floor["median"]:
                limit = 1.15 if size == 50 else 1.25
                f = ratio(dg["median"], floor["median"])
                rows.append((f"  deckgen against the floor, {size} slides", timing(dg), f"floor {timing(floor)}",
                             fmt(f, 2), fmt(ratio(dg["min"], floor["min"]), 2),
                             f"<= {limit:.2f}x floor: {verdict(check(f, f <= limit))}"))
    sizes = data.get("output_size") or {}
    if "deckgen" in sizes:
        dg_b = sizes["deckgen"]["bytes"]
        rm_b = sizes.get("reveal-md", {}).get("bytes", NAN)
        rows.append(
            (
                "output size, 50-slide deck (MB)",
                f"{dg_b / 1e6:.3f} ({sizes['deckgen']['files']} files)",
                f"{fmt(rm_b / 1e6)} ({sizes.get('reveal-md', {}).get('files', '-')} files)",
                fmt(ratio(dg_b, rm_b), 2),
                "",
                f"no math <= 1.5 MB: {verdict(dg_b <= 1.5e6)}",
            )
        )
    header = ("case", "deckgen median (s)", "reveal-md median (s)", "ratio dg/rmd", "ratio of mins", "target")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    line = "  ".join("-" * w for w in widths)
    out = [line, "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip(), line]
    out += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    out.append(line)
    return "\n".join(out)


def failures(data: dict[str, Any]) -> list[str]:
    """Every run that failed."""
    found: list[str] = []
    if "browser_error" in data:
        found.append(f"browser measurements failed: {data['browser_error']}")
    for case, stats in (data.get("builds") or {}).items():
        for tool, stat in stats.items():
            found += [f"build {case} / {tool}: {error}" for error in stat.get("errors", [])]
    for name, stat in (data.get("startup") or {}).items():
        found += [f"{name}: {error}" for error in stat.get("errors", [])]
    for size in BROWSER_SIZES:
        for tool, info in ((data.get("browser") or {}).get(str(size)) or {}).items():
            errors = info.get("ready_s", {}).get("errors", []) if isinstance(info, dict) else []
            found += [f"browser {size} slides / {tool}: {error}" for error in errors]
    return found


def notes(data: dict[str, Any]) -> list[str]:
    """Oddities worth a look: slide-count mismatches, failed requests, console errors, blocked requests, and
    what each page loads."""
    found: list[str] = []
    browser = data.get("browser") or {}
    for size in BROWSER_SIZES:
        entry = browser.get(str(size))
        if not entry:
            continue
        expected = entry["expected_slides"]
        for tool in ("deckgen", "reveal-md"):
            info = entry.get(tool) or {}
            if "total_slides" not in info:
                continue
            if (info["total_slides"], info["horizontal_slides"]) != (expected["total"], expected["horizontal"]):
                found.append(
                    f"{tool} {size} slides: reveal.js counts {info['total_slides']} slides "
                    f"({info['horizontal_slides']} horizontal), expected {expected['total']} "
                    f"({expected['horizontal']})"
                )
            if info["failed_requests"]:
                found.append(f"{tool} {size} slides: failed requests {info['failed_requests']}")
            if info["console_errors"]:
                found.append(f"{tool} {size} slides: console errors {info['console_errors'][:3]}")
            found.append(
                f"{tool} {size} slides: {info['requests']} requests, "
                f"{info['bytes_loaded'] / 1e6:.2f} MB loaded by the page"
            )
    if browser:
        found.append(f"requests blocked for leaving loopback: {browser['blocked_requests']} {browser['blocked_urls']}")
    return found


def startup_only(rounds: int, out: Path | None) -> int:
    """Step 4 alone: `deckgen --version` against `python -c pass`, alternating, after one warm-up."""
    command = deckgen_command()
    print(f"{' '.join(command)} --version vs python -c pass; {rounds} rounds after 1 warm-up", flush=True)
    stats = bench_startup(Tools(command, "", Path()), rounds)
    data = {name: stat.as_dict() for name, stat in stats.items()}
    dg_v, py = pair(data, "deckgen --version"), pair(data, "python -c pass")
    for name, stat in (("deckgen --version", dg_v), ("python -c pass", py)):
        print(f"  {name:18s} median {fmt(stat['median'] * 1000, 1)} ms  min {fmt(stat['min'] * 1000, 1)} ms")
    print(f"  ratio of medians {fmt(ratio(dg_v['median'], py['median']), 2)}"
          f"  ratio of mins {fmt(ratio(dg_v['min'], py['min']), 2)}  (target: <= 2.5)")
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(json.dumps({"startup": data, "rounds": rounds, "load": os.getloadavg()}, indent=2) + "\n",
                       "utf-8")
        print(f"wrote {out}")
    failed = failures({"startup": data})
    for line in failed:
        print(f"FAILED: {line}")
    return 1 if failed else 0


# --------------------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="2 rounds instead of 5 (smoke run)")
    parser.add_argument("--rounds", type=int, help="measured rounds per case (default 5, --quick 2)")
    parser.add_argument("--out", type=Path, help="write the numbers as JSON to this file")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder with sources and outputs")
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium measurements")
    parser.add_argument("--startup-only", action="store_true",
                        help="only time deckgen --version against python -c pass (default 30 rounds)")
    args = parser.parse_args(argv)
    if args.startup_only:
        return startup_only(args.rounds or 30, args.out)
    rounds = args.rounds or (2 if args.quick else 5)
    startup_rounds = 5 if args.quick else 12

    node = shutil.which("node")
    if node is None:
        raise SystemExit("node is not on PATH: it is needed to run reveal-md")
    tools = Tools(deckgen_command(), node, ensure_reveal_md(reveal_md_dir()))
    probe = subprocess.run([*tools.deckgen, "--version"], capture_output=True, text=True, env=child_env())
    if probe.returncode != 0:
        raise SystemExit(f"deckgen --version failed:\n{probe.stdout}{probe.stderr}")
    version = probe.stdout.strip()
    work = Path(tempfile.mkdtemp(prefix="deckgen-bench-"))
    data: dict[str, Any] = {
        "meta": {
            "deckgen": version,
            "deckgen_command": tools.deckgen,
            "reveal_md": REVEAL_MD_VERSION,
            "node": subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "rounds": rounds,
            "browser_rounds": BROWSER_ROUNDS_FACTOR * rounds,
            "warmup": 1,
            "startup_rounds": startup_rounds,
            "load_before": os.getloadavg(),
            "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "git": git_state(),
        }
    }
    print(
        f"{version} vs reveal-md {REVEAL_MD_VERSION} ({data['meta']['node']}); {rounds} rounds after 1 warm-up; "
        f"work folder {work}",
        flush=True,
    )
    failed: list[str] = []
    try:
        cases = write_sources(work / "src")
        print("cold builds (alternating):", flush=True)
        builds, kept = bench_builds(cases, tools, work, rounds)
        data["builds"] = {
            case: {tool: stat.as_dict() for tool, stat in stats.items()} for case, stats in builds.items()
        }

        print("rebuilds of the 40-deck site with the render cache:", flush=True)
        data["rebuilds"] = {name: stat.as_dict() for name, stat in bench_rebuilds(tools, work, rounds).items()}

        print("profile public against no profile, deck 2000 slides (alternating):", flush=True)
        data["profile"] = {name: stat.as_dict() for name, stat in bench_profile(tools, work, rounds).items()}

        print("start-up:", flush=True)
        data["startup"] = {name: stat.as_dict() for name, stat in bench_startup(tools, startup_rounds).items()}

        data["output_size"] = {}
        for tool, out in kept.get("deck 50 slides", {}).items():
            total, count = tree_bytes(out)
            data["output_size"][tool] = {"bytes": total, "files": count, "largest": largest_files(out)}

        if not args.no_browser:
            print("browser readiness (alternating):", flush=True)
            try:
                # Page loads vary by tens of ms from one to the next: three times the rounds of the builds.
                data["browser"] = bench_browser(kept, work, BROWSER_ROUNDS_FACTOR * rounds)
            except Exception as exc:  # noqa: BLE001 - report the build numbers even when the browser fails
                data["browser_error"] = redact(f"{type(exc).__name__}: {exc}")
                print(f"  browser measurements failed: {data['browser_error']}", flush=True)

        data["meta"]["load_after"] = os.getloadavg()
        print()
        print(report(data))
        busy = max(data["meta"]["load_before"][0], data["meta"]["load_after"][0])
        print(f"load average (1 min): {data['meta']['load_before'][0]:.2f} before the run, "
              f"{data['meta']['load_after'][0]:.2f} after, on {os.cpu_count()} CPUs")
        if busy > (os.cpu_count() or 1):
            print(
                f"warning: load average {busy:.1f} on {os.cpu_count()} CPUs: other work was running, numbers are noisy"
            )
        failed = failures(data)
        for line in failed:
            print(f"FAILED: {line}")
        for line in notes(data):
            print(f"note: {line}")
        if args.out:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(json.dumps(data, indent=2) + "\n", "utf-8")
            print(f"wrote {args.out}")
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
