"""Benchmark the live preview: `deckgen serve` against `reveal-md --watch` (6.1.4), edit to visible.

Usage:
    python benchmarks/bench_serve.py [--quick] [--edits N] [--out FILE.json] [--sequential] [--keep]

What it does (see DESIGN.md, "Live preview" and "Performance"):
  1. reuses bench_build.py's reveal-md install (a cache folder, installed once with npm) and deck generator
     (heading + list on each slide, code every 5th, an image every 10th, notes every 3rd, every 7th slide
     vertical); writes decks of 50, 500 and 2000 slides, one copy per tool;
  2. per deck size, starts `deckgen serve PROJECT --port P -v` (a free port) and
     `reveal-md deck.md --watch --port P --disable-auto-open`, opens both decks in headless Chromium
     (Playwright, system browser, every request leaving loopback blocked) and goes to a slide in the middle;
  3. performs N edits per tool (after 1 warm-up edit each), alternating tools edit by edit (--sequential: all
     deckgen edits, then all reveal-md ones). Each edit rewrites the whole file in place (open with truncation,
     one write, like an editor's plain save; the same for both tools), changing the heading of the slide shown
     to a fresh token. The time runs from Date.now() taken in Python right before the write to Date.now() in
     the page in the first animation frame whose current slide (Reveal.getCurrentSlide()) contains the token:
     the frame that paints it. An init script in every page keeps that check running (and a MutationObserver
     for the moment the token reaches the DOM), and keeps its result in sessionStorage so that it survives
     reveal-md's full page reload (reveal-md keeps the slide through the URL hash). A wrapper around WebSocket
     also records when the push message arrives, splitting the time into server side (write -> push
     received) and page side (push received -> visible). The next edit starts
     300-500 ms after the previous one was seen and once the page's push socket is connected;
  4. reads deckgen's `rebuilt in X ms after FILE` lines (one per save is expected) and, in this process, times
     LiveSite.update() after a one-slide edit of the 2000-slide deck;
  5. measures LiveSite's memory (tracemalloc, in this process) over 1,000 one-slide edits of a 500-slide deck,
     each to a text never seen before (100 with --quick), and reports the growth over the last half;
  6. checks that every deckgen edit was applied in place (a `deckgen:updated` event, no page load), prints a
     table with the targets of the live-preview and performance issues, and writes the numbers as JSON with --out.

Standard library, playwright (system Chromium: $DECKGEN_CHROMIUM or /usr/bin/chromium) and deckgen itself.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_build import (  # noqa: E402 - the sibling module is found through the path set just above
    CHROMIUM_ARGS,
    NON_LOOPBACK,
    REVEAL_MD_VERSION,
    child_env,
    deck_markdown,
    deckgen_command,
    ensure_reveal_md,
    git_state,
    redact,
    reveal_md_dir,
    tiny_png,
)

DECK_SIZES = (50, 500, 2000)
TOOLS = ("deckgen", "reveal-md")
LIVERELOAD_PORT = 35729  # reveal-md's push server always listens there
# Edit to visible, median (the performance issue: 50 ms at 500 slides, 100 ms at 2000; 50 slides held to 500's).
TARGET_MS = {50: 50.0, 500: 50.0, 2000: 100.0}
REBUILD_TARGET_MS = 30.0
MEMORY_LIMIT_KIB = 64  # growth allowed over the last half of the memory run's edits: "flat"
SERVER_START_TIMEOUT = 180.0
EDIT_TIMEOUT_MS = 30_000
GAP_S = (0.3, 0.5)
REBUILT = re.compile(r"rebuilt in ([0-9.]+) ms after (.*)")

# Runs in every page before its own scripts. Checks, in every animation frame and after every DOM change, whether
# the current slide shows the awaited token (window.__benchToken, set by the benchmark, kept in sessionStorage
# across reloads); the first sighting of each token is written to sessionStorage 'bench-seen':
#   dom   - Date.now() when the token was first found in the current slide (MutationObserver, 'ready', or frame)
#   frame - Date.now() in the first requestAnimationFrame callback that finds it (this frame paints it)
# It also counts page loads, deckgen:updated events and LiveReload connections.
PAGE_HOOK = """
(() => {
  if (window !== window.top) return;
  const store = window.sessionStorage;
  store.setItem('bench-loads', String(Number(store.getItem('bench-loads') || 0) + 1));
  window.__benchToken = store.getItem('bench-token');
  window.__benchUpdated = 0;
  window.__benchConnected = false;
  let domSeen = null;
  const seenToken = () => {
    const seen = store.getItem('bench-seen');
    return seen ? JSON.parse(seen).token : null;
  };
  const shows = (token) => {
    try {
      if (!window.Reveal || !Reveal.isReady || !Reveal.isReady()) return false;
      const slide = Reveal.getCurrentSlide();
      return !!slide && slide.textContent.indexOf(token) >= 0;
    } catch (e) {
      return false;
    }
  };
  const noteDom = () => {
    const token = window.__benchToken;
    if (!token || domSeen && domSeen.token === token || seenToken() === token) return;
    if (shows(token)) domSeen = { token: token, at: Date.now() };
  };
  const frame = () => {
    const token = window.__benchToken;
    if (token && seenToken() !== token && shows(token)) {
      const now = Date.now();
      const dom = domSeen && domSeen.token === token ? domSeen.at : now;
      store.setItem('bench-seen', JSON.stringify({
        token: token, dom: dom, frame: now, loads: Number(store.getItem('bench-loads')),
        updated: window.__benchUpdated, lastUpdated: window.__benchLastUpdated || null,
        slide: Reveal.getIndices(), hash: location.hash,
      }));
    }
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  // The moment each push message arrives (before the page's own handler runs): deckgen's and LiveReload's
  // sockets are both WebSockets; the first 'reload' after a token is set is kept in sessionStorage 'bench-push'.
  const NativeSocket = window.WebSocket;
  window.WebSocket = function (url, protocols) {
    const socket = protocols === undefined ? new NativeSocket(url) : new NativeSocket(url, protocols);
    socket.addEventListener('message', (event) => {
      const now = Date.now();
      const token = window.__benchToken;
      if (!token || typeof event.data !== 'string' || event.data.indexOf('"reload"') < 0) return;
      const push = store.getItem('bench-push');
      if (!push || JSON.parse(push).token !== token) {
        store.setItem('bench-push', JSON.stringify({ token: token, at: now, bytes: event.data.length }));
      }
    });
    return socket;
  };
  window.WebSocket.prototype = NativeSocket.prototype;
  Object.assign(window.WebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
  new MutationObserver(noteDom).observe(document, { childList: true, subtree: true, characterData: true });
  window.addEventListener('ready', noteDom, true);
  document.addEventListener('deckgen:updated', () => {
    window.__benchUpdated += 1;
    window.__benchLastUpdated = Date.now();
    noteDom();
  });
  document.addEventListener('LiveReloadConnect', () => { window.__benchConnected = true; });
  document.addEventListener('LiveReloadDisconnect', () => { window.__benchConnected = false; });
})();
"""

SET_TOKEN = """(token) => {
  sessionStorage.setItem('bench-token', token);
  window.__benchToken = token;
}"""
SEEN = """(token) => {
  const seen = sessionStorage.getItem('bench-seen');
  return !!seen && JSON.parse(seen).token === token;
}"""
CONNECTED = {
    "deckgen": "() => !!(window.DeckgenLive && DeckgenLive.connected() && window.Reveal && Reveal.isReady())",
    "reveal-md": "() => !!(window.__benchConnected && window.Reveal && Reveal.isReady())",
}


# --------------------------------------------------------------------------------------------------------------
# Decks and edits


def middle_slide(slides: int) -> tuple[int, int, int]:
    """(slide number, h, v) of a slide near the middle that is not part of a vertical stack."""
    number = slides // 2
    while number % 7 in (0, 6):  # slide 7k sits below slide 7k-1
        number += 1
    h = v = 0
    for n in range(2, number + 1):
        if n % 7 == 0:
            v += 1
        else:
            h, v = h + 1, 0
    return number, h, v


class DeckFile:
    """A generated deck on disk whose slide `number` gets a new heading on every edit."""

    def __init__(self, path: Path, slides: int, number: int) -> None:
        self.path = path
        self.heading = f"## Slide {number}"
        self.lines = deck_markdown(f"Benchmark deck, {slides} slides", slides).split("\n")
        self.index = self.lines.index(self.heading)
        self.path.write_bytes(self.text().encode("utf-8"))

    def text(self) -> str:
        return "\n".join(self.lines)

    def set_heading(self, token: str) -> bytes:
        self.lines[self.index] = f"{self.heading} {token}"
        return self.text().encode("utf-8")

    def save(self, data: bytes) -> None:
        """Rewrite the file in place: truncate and write it in one call, as an editor's plain save does."""
        with open(self.path, "wb") as handle:
            handle.write(data)


def write_projects(root: Path, size: int) -> tuple[Path, Path]:
    """deckgen project (PROJECT/slides/deck.md) and reveal-md folder (deck.md) for one size, same sources."""
    png = tiny_png()
    project = root / f"deckgen-{size}"
    (project / "slides" / "img").mkdir(parents=True)
    (project / "slides" / "img" / "pic.png").write_bytes(png)
    plain = root / f"reveal-md-{size}"
    (plain / "img").mkdir(parents=True)
    (plain / "img" / "pic.png").write_bytes(png)
    return project / "slides" / "deck.md", plain / "deck.md"


# --------------------------------------------------------------------------------------------------------------
# Servers


class Server:
    """A child server; its output lines are collected (with the time they were read) by a thread each."""

    def __init__(self, name: str, cmd: list[str], cwd: Path, ready: re.Pattern[str]) -> None:
        self.name = name
        self.lines: list[tuple[float, str, str]] = []  # (time.time(), stream, line)
        self._ready = ready
        self._found = threading.Event()
        self.match: re.Match[str] | None = None
        self.proc = subprocess.Popen(cmd, cwd=cwd, env=child_env(), stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True, bufsize=1, start_new_session=True)
        for stream_name in ("stdout", "stderr"):
            threading.Thread(target=self._drain, args=(stream_name,), daemon=True).start()
        RUNNING.append(self)

    def _drain(self, stream_name: str) -> None:
        stream = getattr(self.proc, stream_name)
        for line in stream:
            line = line.rstrip("\n")
            self.lines.append((time.time(), stream_name, line))
            if self.match is None:
                match = self._ready.search(line)
                if match:
                    self.match = match
                    self._found.set()

    def wait_ready(self, timeout: float = SERVER_START_TIMEOUT) -> re.Match[str]:
        deadline = time.monotonic() + timeout
        while not self._found.wait(0.1):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                tail = "\n".join(line for _t, _s, line in self.lines[-20:])
                state = f"exited {self.proc.returncode}" if self.proc.returncode is not None else "timed out"
                raise RuntimeError(f"{self.name} did not start ({state}):\n{redact(tail)}")
        assert self.match is not None
        return self.match

    def stop(self) -> None:
        if self in RUNNING:
            RUNNING.remove(self)
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


RUNNING: list[Server] = []


def stop_all() -> None:
    for server in list(RUNNING):
        server.stop()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_busy(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def start_deckgen(project: Path) -> tuple[Server, str]:
    server = Server("deckgen serve", [*deckgen_command(), "serve", str(project), "--port", str(free_port()), "-v"],
                    project,
                    re.compile(r"^serving .* on http://[^:/]+:(\d+)/ \(Ctrl-C to stop\)"))
    port = server.wait_ready().group(1)
    return server, f"http://127.0.0.1:{port}/deck/"


def start_reveal_md(node: str, script: Path, deck: Path) -> tuple[Server, str]:
    for _ in range(100):  # the previous reveal-md may still hold the LiveReload port for a moment
        if not port_busy(LIVERELOAD_PORT):
            break
        time.sleep(0.1)
    else:
        raise RuntimeError(f"port {LIVERELOAD_PORT} (reveal-md's LiveReload server) is in use by another program")
    port = free_port()
    server = Server("reveal-md", [node, str(script), deck.name, "--watch", "--port", str(port), "--disable-auto-open"],
                    deck.parent, re.compile(r"The slides are at"))
    server.wait_ready()
    for _ in range(100):  # the LiveReload server starts listening in the same tick; make sure
        if port_busy(LIVERELOAD_PORT):
            break
        time.sleep(0.05)
    return server, f"http://127.0.0.1:{port}/{deck.name}"


# --------------------------------------------------------------------------------------------------------------
# Browser


@dataclass
class Session:
    """One tool's server, deck file and page, and what was measured on it."""

    tool: str
    size: int
    server: Server
    url: str
    deck: DeckFile
    page: Any = None
    context: Any = None
    console_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    blocked: list[str] = field(default_factory=list)
    open_ms: float = float("nan")
    edits: list[dict[str, Any]] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def open_page(browser: Any, session: Session, h: int, v: int, number: int) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    session.context = context

    def block(route: Any) -> None:
        session.blocked.append(redact(route.request.url))
        route.abort()

    context.route(NON_LOOPBACK, block)
    context.add_init_script(PAGE_HOOK)
    page = context.new_page()
    session.page = page
    page.on("console", lambda m: session.console_errors.append(redact(m.text)) if m.type == "error" else None)
    page.on("pageerror", lambda e: session.console_errors.append(redact(str(e))))
    page.on("requestfailed", lambda r: session.failed_requests.append(f"{r.failure} {redact(r.url)}"))
    page.on("response", lambda r: session.failed_requests.append(f"HTTP {r.status} {redact(r.url)}")
            if r.status >= 400 else None)
    start = time.perf_counter()
    page.goto(session.url, wait_until="commit", timeout=120_000)
    page.wait_for_function("() => !!(window.Reveal && Reveal.isReady && Reveal.isReady())", polling=20,
                           timeout=120_000)
    session.open_ms = (time.perf_counter() - start) * 1000
    page.evaluate("([h, v]) => Reveal.slide(h, v)", [h, v])
    heading = page.evaluate("() => { const s = Reveal.getCurrentSlide(); const h = s && s.querySelector('h2');"
                            " return h ? h.textContent.trim() : null; }")
    if heading != f"Slide {number}":
        raise RuntimeError(f"{session.tool}: Reveal.slide({h}, {v}) shows heading {heading!r}, expected 'Slide {number}'")
    if session.tool == "reveal-md":  # the slide must be in the URL for the reload to come back to it
        page.wait_for_function("(h) => location.hash.indexOf('/' + h) >= 0", arg=h, timeout=10_000)
    page.wait_for_timeout(1000)  # the slide transition
    page.wait_for_function(CONNECTED[session.tool], polling=20, timeout=30_000)


def wait_seen(page: Any, token: str, timeout_ms: float) -> None:
    """Wait until the page has recorded the token; survives the page reloading under the wait."""
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        remaining = (deadline - time.monotonic()) * 1000
        if remaining <= 0:
            raise TimeoutError(f"token not shown within {timeout_ms / 1000:.0f} s")
        try:
            page.wait_for_function(SEEN, arg=token, polling=10, timeout=remaining)
            return
        except Exception as exc:  # noqa: BLE001 - a navigation destroys the context: wait again in the new one
            if "Timeout" in type(exc).__name__ or "imeout" in str(exc).split("\n")[0]:
                raise TimeoutError(f"token not shown within {timeout_ms / 1000:.0f} s") from None
            time.sleep(0.01)


def one_edit(session: Session, index: int) -> dict[str, Any]:
    """Change the current slide's heading to a new token; return the timings and what the page did."""
    page = session.page
    page.wait_for_function(CONNECTED[session.tool], polling=10, timeout=30_000)
    token = f"edit{session.size}x{index}{session.tool[0]}{secrets.token_hex(4)}"
    data = session.deck.set_heading(token)
    before = page.evaluate("() => ({ loads: Number(sessionStorage.getItem('bench-loads')),"
                           " updated: window.__benchUpdated })")
    page.evaluate(SET_TOKEN, token)
    lines_before = len(session.server.lines)
    wall_before = time.time()
    session.deck.save(data)
    try:
        wait_seen(page, token, EDIT_TIMEOUT_MS)
    except TimeoutError as exc:
        state = page.evaluate("() => { const s = window.Reveal && Reveal.getCurrentSlide();"
                              " return s ? s.textContent.trim().slice(0, 120) : null; }")
        raise RuntimeError(f"{session.tool} {session.size} slides, edit {index}: {exc}; current slide shows "
                           f"{state!r}") from None
    seen, push = page.evaluate("() => [sessionStorage.getItem('bench-seen'), sessionStorage.getItem('bench-push')]")
    seen = json.loads(seen)
    push = json.loads(push) if push else None
    if push and push["token"] != token:
        push = None
    t0 = wall_before * 1000
    time.sleep(0.05)  # the server may log a moment after the push
    log = session.server.lines[lines_before:]
    rebuilds = [(at, float(m.group(1)), m.group(2)) for at, _s, line in log if (m := REBUILT.search(line))]
    return {
        "token": token,
        "visible_ms": seen["frame"] - t0,
        "dom_ms": seen["dom"] - t0,
        "push_ms": push["at"] - t0 if push else None,
        "push_bytes": push["bytes"] if push else None,
        "page_loads": seen["loads"] - before["loads"],
        "updated_events": (seen["updated"] - before["updated"]) if seen["loads"] == before["loads"] else None,
        "updated_event_ms": (seen["lastUpdated"] - t0) if seen.get("lastUpdated") else None,
        "rebuilds_ms": [ms for _at, ms, _f in rebuilds],
        "rebuild_logged_ms": [at * 1000 - t0 for at, _ms, _f in rebuilds],
        "server_output": [redact(line) for _at, _s, line in log if not REBUILT.search(line)][:10],
        "slide": seen.get("slide"),
    }


def check_edit(session: Session, index: int, result: dict[str, Any]) -> list[str]:
    """What went wrong with a deckgen edit: it must be applied in place, by one rebuild."""
    problems: list[str] = []
    where = f"deckgen {session.size} slides, edit {index}"
    if session.tool == "deckgen":
        if result["page_loads"]:
            problems.append(f"{where}: the page reloaded ({result['page_loads']} load(s)) instead of an in-place swap")
        elif result["updated_events"] != 1:
            problems.append(f"{where}: {result['updated_events']} deckgen:updated events (expected 1)")
        if len(result["rebuilds_ms"]) != 1:
            problems.append(f"{where}: {len(result['rebuilds_ms'])} 'rebuilt in' lines for one save (expected 1)")
        if result["server_output"]:
            problems.append(f"{where}: server printed {result['server_output']}")
    return problems


def bench_size(browser: Any, tools: dict[str, Any], work: Path, size: int, edits: int, sequential: bool,
               problems: list[str]) -> dict[str, Any]:
    number, h, v = middle_slide(size)
    dg_path, rm_path = write_projects(work, size)
    sessions: dict[str, Session] = {}
    try:
        dg_deck, rm_deck = DeckFile(dg_path, size, number), DeckFile(rm_path, size, number)
        server, url = start_deckgen(dg_path.parent.parent)
        sessions["deckgen"] = Session("deckgen", size, server, url, dg_deck)
        server, url = start_reveal_md(tools["node"], tools["reveal_md"], rm_path)
        sessions["reveal-md"] = Session("reveal-md", size, server, url, rm_deck)
        for session in sessions.values():
            open_page(browser, session, h, v, number)
            print(f"  {session.tool:9s} page ready in {session.open_ms:.0f} ms, on slide {number} (h {h}, v {v})",
                  flush=True)
        time.sleep(0.5)  # let the first file events settle before the first edit
        schedule: list[tuple[int, str]] = []
        total = edits + 1  # one warm-up edit per tool
        if sequential:
            schedule = [(i, tool) for tool in TOOLS for i in range(total)]
        else:
            for i in range(total):
                order = TOOLS if i % 2 == 0 else TOOLS[::-1]
                schedule += [(i, tool) for tool in order]
        for i, tool in schedule:
            session = sessions[tool]
            try:
                result = one_edit(session, i)
            except Exception as exc:  # noqa: BLE001 - one failed edit is reported, the run goes on
                message = redact(str(exc).splitlines()[0] if str(exc) else type(exc).__name__)
                session.errors.append(message)
                problems.append(message)
                print(f"    {tool} edit {i} FAILED: {message}", flush=True)
                if session.page.is_closed():
                    raise
                continue
            result["warmup"] = i == 0
            session.edits.append(result)
            problems.extend(check_edit(session, i, result))
            rebuild = ", ".join(f"{ms:.1f}" for ms in result["rebuilds_ms"])
            print(f"    {tool:9s} edit {i:2d}{' (warm-up)' if i == 0 else ''}: visible {result['visible_ms']:7.1f} ms"
                  f"  dom {result['dom_ms']:7.1f} ms  push {fmt(result['push_ms']):>6s} ms  loads {result['page_loads']}"
                  + (f"  rebuilt {rebuild} ms" if tool == "deckgen" else ""), flush=True)
            time.sleep(random.uniform(*GAP_S))
        return {tool: summarize(session) for tool, session in sessions.items()} | {
            "slide": {"number": number, "h": h, "v": v}, "load_after": os.getloadavg()}
    finally:
        for session in sessions.values():
            if session.context is not None:
                with contextlib.suppress(Exception):  # the browser may be gone already
                    session.context.close()
            session.server.stop()


# --------------------------------------------------------------------------------------------------------------
# Numbers


def p90(samples: list[float]) -> float:
    if not samples:
        return float("nan")
    if len(samples) == 1:
        return samples[0]
    return statistics.quantiles(samples, n=10, method="inclusive")[-1]


def stat(samples: list[float]) -> dict[str, Any]:
    if not samples:
        return {"median": None, "p90": None, "min": None, "max": None, "n": 0, "samples": []}
    return {"median": statistics.median(samples), "p90": p90(samples), "min": min(samples), "max": max(samples),
            "n": len(samples), "samples": [round(s, 2) for s in samples]}


def summarize(session: Session) -> dict[str, Any]:
    measured = [e for e in session.edits if not e["warmup"]]
    result: dict[str, Any] = {
        "url_path": session.url.split("/", 3)[-1],
        "page_open_ms": session.open_ms,
        "visible_ms": stat([e["visible_ms"] for e in measured]),
        "dom_ms": stat([e["dom_ms"] for e in measured]),
        "push_ms": stat([e["push_ms"] for e in measured if e["push_ms"] is not None]),
        "push_to_visible_ms": stat([e["visible_ms"] - e["push_ms"] for e in measured if e["push_ms"] is not None]),
        "push_bytes": stat([e["push_bytes"] for e in measured if e["push_bytes"] is not None]),
        "page_loads_per_edit": [e["page_loads"] for e in measured],
        "failed_edits": session.errors,
        "console_errors": sorted(set(session.console_errors))[:10],
        "failed_requests": sorted(set(session.failed_requests))[:10],
        "blocked_requests": sorted(set(session.blocked))[:10],
        "warmup_visible_ms": [e["visible_ms"] for e in session.edits if e["warmup"]],
    }
    if session.tool == "deckgen":
        result["rebuild_ms"] = stat([ms for e in measured for ms in e["rebuilds_ms"]])
        result["rebuild_logged_ms"] = stat([ms for e in measured for ms in e["rebuild_logged_ms"][:1]])
        result["updated_event_ms"] = stat([e["updated_event_ms"] for e in measured
                                           if e["updated_event_ms"] is not None])
        result["rebuilds_per_edit"] = [len(e["rebuilds_ms"]) for e in measured]
        result["updated_events_per_edit"] = [e["updated_events"] for e in measured]
    return result


def bench_inprocess(work: Path, size: int, rounds: int) -> dict[str, Any]:
    """LiveSite.update() after a one-slide edit of the deck, in this process (2 warm-up edits first)."""
    from deckgen.live.livesite import LiveSite

    number, _h, _v = middle_slide(size)
    deck_path, _ = write_projects(work / "inprocess", size)
    deck = DeckFile(deck_path, size, number)
    out = work / "inprocess" / "site"
    out.mkdir()
    site = LiveSite(deck_path.parent.parent, out)
    started = time.perf_counter()
    first = site.build_all()
    build_all_ms = (time.perf_counter() - started) * 1000
    if first.errors:
        raise RuntimeError(f"LiveSite.build_all(): {[str(e) for e in first.errors][:3]}")
    samples: list[float] = []
    shapes: list[str] = []
    for i in range(rounds + 2):
        deck.save(deck.set_heading(f"inproc{i}x{secrets.token_hex(3)}"))
        started = time.perf_counter()
        update = site.update({deck_path})
        elapsed = (time.perf_counter() - started) * 1000
        if update.errors:
            raise RuntimeError(f"LiveSite.update(): {[str(e) for e in update.errors][:3]}")
        pages = [p for p in update.pages if p.path.startswith("deck/")]
        shape = ("no page changed" if not pages else "reload" if pages[0].edits is None
                 else f"{len(pages[0].edits)} slide(s) in place")
        shapes.append(shape)
        if i >= 2:
            samples.append(elapsed)
    return {"size": size, "build_all_ms": build_all_ms, "update_ms": stat(samples),
            "update_kinds": sorted(set(shapes))}


def _traced_bytes() -> int:
    """Bytes allocated now (tracemalloc), but for single blocks of 256 KiB or more: the interpreter's own tables
    (interned strings) are reallocated whole at the same size now and then, which would look like growth."""
    import gc
    import tracemalloc

    gc.collect()
    return sum(trace.size for trace in tracemalloc.take_snapshot().traces if trace.size < 256 * 1024)


def bench_memory(work: Path, size: int, edits: int) -> dict[str, Any]:
    """Memory of LiveSite over many one-slide edits (each to a text never seen before), in this process:
    tracemalloc's count after every tenth of the edits, after a warm-up of a tenth."""
    import tracemalloc

    from deckgen.live.livesite import LiveSite

    number, _h, _v = middle_slide(size)
    deck_path, _ = write_projects(work / "memory", size)
    deck = DeckFile(deck_path, size, number)
    out = work / "memory" / "site"
    out.mkdir()
    site = LiveSite(deck_path.parent.parent, out)
    if site.build_all().errors:
        raise RuntimeError("LiveSite.build_all() failed")
    step = max(edits // 10, 1)

    def edit(index: int) -> None:
        deck.save(deck.set_heading(f"memory{index}x{secrets.token_hex(3)}"))
        if site.update({deck_path}).errors:
            raise RuntimeError(f"LiveSite.update() failed at edit {index}")

    for index in range(step):  # warm-up: caches reach their working size
        edit(index)
    tracemalloc.start()
    samples: list[int] = []
    try:
        samples.append(_traced_bytes())
        for index in range(edits):
            edit(step + index)
            if (index + 1) % step == 0:
                samples.append(_traced_bytes())
    finally:
        tracemalloc.stop()
    half = len(samples) // 2
    return {"size": size, "edits": edits, "samples_bytes": samples, "every": step,
            "growth_last_half_bytes": samples[-1] - samples[half]}


# --------------------------------------------------------------------------------------------------------------
# Report


def fmt(value: float | None, digits: int = 1) -> str:
    if value is None or value != value:
        return "-"
    return f"{value:.{digits}f}"


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else "PASS" if ok else "FAIL"


def report(data: dict[str, Any]) -> str:
    rows: list[tuple[str, ...]] = []
    for size in DECK_SIZES:
        entry = data["live"].get(str(size))
        if not entry:
            continue
        dg, rm = entry["deckgen"], entry["reveal-md"]
        for key, label in (("visible_ms", "edit -> visible (painted frame)"), ("dom_ms", "edit -> in DOM")):
            d, r = dg[key], rm[key]
            ratio = d["median"] / r["median"] if d["median"] and r["median"] else None
            target = ""
            if key == "visible_ms":
                if d["median"] is None or r["median"] is None:
                    ok = None
                else:
                    ok = d["median"] <= TARGET_MS[size] and d["median"] < r["median"]
                target = f"<= {TARGET_MS[size]:.0f} ms and < reveal-md: {verdict(ok)}"
            rows.append((f"{label}, {size} slides", f"{fmt(d['median'])} / {fmt(d['p90'])}",
                         f"{fmt(r['median'])} / {fmt(r['p90'])}", fmt(ratio, 2), target))
        for key, label in (("push_ms", "  write -> push message received"),
                           ("push_to_visible_ms", "  push received -> visible")):
            d, r = dg[key], rm[key]
            rows.append((f"{label}, {size} slides", f"{fmt(d['median'])} / {fmt(d['p90'])}",
                         f"{fmt(r['median'])} / {fmt(r['p90'])}", "", ""))
    for size in DECK_SIZES:
        entry = data["live"].get(str(size))
        if not entry:
            continue
        rb = entry["deckgen"]["rebuild_ms"]
        target = ""
        if size == 2000:
            ok = None if rb["median"] is None else rb["median"] <= REBUILD_TARGET_MS
            target = f"<= {REBUILD_TARGET_MS:.0f} ms: {verdict(ok)}"
        rows.append((f"deckgen 'rebuilt in' log, {size} slides", f"{fmt(rb['median'])} / {fmt(rb['p90'])}", "",
                     "", target))
        logged = entry["deckgen"]["rebuild_logged_ms"]
        rows.append((f"  write -> rebuild logged, {size} slides", f"{fmt(logged['median'])} / {fmt(logged['p90'])}",
                     "", "", "(incl. the quiet period: 5 ms after a close, 20 after a bare write)"))
    inproc = data.get("inprocess")
    if inproc:
        u = inproc["update_ms"]
        ok = None if u["median"] is None else u["median"] <= REBUILD_TARGET_MS
        rows.append((f"LiveSite.update() in-process, {inproc['size']} slides", f"{fmt(u['median'])} / {fmt(u['p90'])}",
                     "", "", f"<= {REBUILD_TARGET_MS:.0f} ms: {verdict(ok)}"))
    memory = data.get("memory")
    if memory:
        growth = memory["growth_last_half_bytes"] / 1024
        ok = growth < MEMORY_LIMIT_KIB
        rows.append((f"memory growth over the last {memory['edits'] // 2} of {memory['edits']} edits, "
                     f"{memory['size']} slides (KiB)", fmt(growth), "", "", f"< {MEMORY_LIMIT_KIB} KiB: {verdict(ok)}"))
    header = ("case (ms; median / p90)", "deckgen", "reveal-md", "ratio", "target")
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]
    line = "  ".join("-" * w for w in widths)
    out = [line, "  ".join(h.ljust(w) for h, w in zip(header, widths, strict=True)).rstrip(), line]
    out += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    out.append(line)
    return "\n".join(out)


def notes(data: dict[str, Any]) -> list[str]:
    found: list[str] = []
    for size, entry in data["live"].items():
        found.append(f"{size} slides: load average {entry['load_after'][0]:.1f} at the end")
        for tool in TOOLS:
            info = entry.get(tool) or {}
            loads = info.get("page_loads_per_edit", [])
            found.append(f"{tool} {size} slides: page open {fmt(info.get('page_open_ms'), 0)} ms; page loads per edit "
                         f"{sorted(set(loads))}; warm-up edit {[round(x, 1) for x in info.get('warmup_visible_ms', [])]} ms")
            for key in ("console_errors", "failed_requests", "blocked_requests", "failed_edits"):
                if info.get(key):
                    found.append(f"{tool} {size} slides: {key.replace('_', ' ')}: {info[key]}")
            if tool == "deckgen" and info:
                found.append(f"deckgen {size} slides: rebuilds per edit {sorted(set(info['rebuilds_per_edit']))}; "
                             f"deckgen:updated events per edit {sorted(set(map(str, info['updated_events_per_edit'])))}"
                             f"; write -> deckgen:updated {fmt(info['updated_event_ms']['median'])} ms median")
    inproc = data.get("inprocess")
    if inproc:
        found.append(f"in-process: build_all {inproc['build_all_ms']:.0f} ms; each update was: {inproc['update_kinds']}")
    return found


# --------------------------------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="5 edits per tool and size instead of 20")
    parser.add_argument("--edits", type=int, help="measured edits per tool and size (default 20, --quick 5)")
    parser.add_argument("--out", type=Path, help="write the numbers as JSON to this file")
    parser.add_argument("--sizes", type=int, nargs="+", default=list(DECK_SIZES), choices=DECK_SIZES,
                        help="deck sizes to measure (default: all)")
    parser.add_argument("--sequential", action="store_true",
                        help="all deckgen edits, then all reveal-md edits (default: alternate edit by edit)")
    parser.add_argument("--keep", action="store_true", help="keep the temp folder")
    args = parser.parse_args(argv)
    edits = args.edits or (5 if args.quick else 20)
    inproc_rounds = 5 if args.quick else 20
    memory_edits = 100 if args.quick else 1000

    node = shutil.which("node")
    if node is None:
        raise SystemExit("node is not on PATH: it is needed to run reveal-md")
    tools = {"node": node, "reveal_md": ensure_reveal_md(reveal_md_dir())}
    probe = subprocess.run([*deckgen_command(), "--version"], capture_output=True, text=True, env=child_env())
    if probe.returncode != 0:
        raise SystemExit(f"deckgen --version failed:\n{probe.stdout}{probe.stderr}")
    if port_busy(LIVERELOAD_PORT):
        raise SystemExit(f"port {LIVERELOAD_PORT} is in use: reveal-md's LiveReload server needs it")

    signal.signal(signal.SIGTERM, lambda _s, _f: sys.exit(143))  # run the finally blocks: stop the servers
    work = Path(tempfile.mkdtemp(prefix="deckgen-bench-serve-"))
    data: dict[str, Any] = {
        "meta": {
            "deckgen": probe.stdout.strip(), "reveal_md": REVEAL_MD_VERSION,
            "node": subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip(),
            "python": platform.python_version(), "platform": platform.platform(), "cpus": os.cpu_count(),
            "edits": edits, "warmup_edits": 1, "order": "sequential" if args.sequential else "alternating",
            "save": "in place (truncate + one write)", "gap_s": GAP_S, "load_before": os.getloadavg(),
            "time": time.strftime("%Y-%m-%dT%H:%M:%S%z"), "git": git_state(),
        },
        "live": {},
    }
    print(f"{data['meta']['deckgen']} serve vs reveal-md {REVEAL_MD_VERSION} --watch ({data['meta']['node']}); "
          f"{edits} edits per tool and size after 1 warm-up, {data['meta']['order']}; work folder {work}", flush=True)
    problems: list[str] = []
    try:
        from playwright.sync_api import sync_playwright

        executable = os.environ.get("DECKGEN_CHROMIUM", "/usr/bin/chromium")
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS, headless=True)
            try:
                for size in args.sizes:
                    print(f"{size} slides (load average {os.getloadavg()[0]:.1f}):", flush=True)
                    try:
                        data["live"][str(size)] = bench_size(browser, tools, work, size, edits, args.sequential,
                                                             problems)
                    except Exception as exc:  # noqa: BLE001 - report the other sizes
                        message = redact(f"{size} slides: {type(exc).__name__}: {exc}")
                        problems.append(message)
                        print(f"  FAILED: {message}", flush=True)
            finally:
                browser.close()

        print(f"in-process LiveSite.update(), 2000 slides, {inproc_rounds} edits:", flush=True)
        try:
            data["inprocess"] = bench_inprocess(work, 2000, inproc_rounds)
            print(f"  median {data['inprocess']['update_ms']['median']:.1f} ms", flush=True)
        except Exception as exc:  # noqa: BLE001
            problems.append(f"in-process: {type(exc).__name__}: {exc}")
            print(f"  FAILED: {problems[-1]}", flush=True)

        print(f"memory of LiveSite over {memory_edits} edits, 500 slides (tracemalloc):", flush=True)
        try:
            data["memory"] = bench_memory(work, 500, memory_edits)
            print(f"  growth over the last half: {data['memory']['growth_last_half_bytes'] / 1024:.1f} KiB",
                  flush=True)
        except Exception as exc:  # noqa: BLE001
            problems.append(f"memory: {type(exc).__name__}: {exc}")
            print(f"  FAILED: {problems[-1]}", flush=True)

        data["meta"]["load_after"] = os.getloadavg()
        data["problems"] = problems
        print()
        print(report(data))
        busy = max(data["meta"]["load_before"][0], data["meta"]["load_after"][0])
        if busy > (os.cpu_count() or 1):
            print(f"warning: load average {busy:.1f} on {os.cpu_count()} CPUs: other work was running, numbers are noisy")
        for line in problems:
            print(f"PROBLEM: {line}")
        for line in notes(data):
            print(f"note: {line}")
        if args.out:
            args.out.parent.mkdir(parents=True, exist_ok=True)
            args.out.write_text(json.dumps(data, indent=2) + "\n", "utf-8")
            print(f"wrote {args.out}")
    finally:
        stop_all()
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
