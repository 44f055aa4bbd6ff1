"""deckgen serve over real loopback sockets and in Chromium: edits show at once, in place, errors overlay."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from projects import make_project

SLIDES = "\n\n---\n\n".join(f"## Slide {i}\n\n- point {i}\n- more <!-- .element: class=\"fragment\" -->" for i in range(8))


class Server:
    """`deckgen serve` in a subprocess; its stderr is collected to count rebuilds."""

    def __init__(self, project: Path, tmp: Path, *args: str) -> None:
        env = {**os.environ, "TMPDIR": str(tmp), "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "deckgen", "serve", str(project), "--port", "0", "-v", *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
        )
        self.err: list[str] = []
        self._drainer = threading.Thread(target=self._drain, daemon=True)
        self._drainer.start()
        line = self.proc.stdout.readline()
        match = re.search(r"on (http://\S+/)", line)
        assert match, line + "".join(self.err)
        self.url = match[1].replace("localhost", "127.0.0.1")

    def _drain(self) -> None:
        for line in self.proc.stderr:
            self.err.append(line)

    def rebuilds(self) -> int:
        return sum("rebuilt in" in line for line in self.err)

    def stop(self) -> int:
        self.proc.send_signal(signal.SIGTERM)
        code = self.proc.wait(timeout=30)
        self._drainer.join(timeout=5)
        self.proc.stdout.close()
        self.proc.stderr.close()
        return code


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "p", {
        "slides/talk.md": "---\ntitle: Talk\n---\n" + SLIDES + "\n",
        "slides/other.md": "# Other\n",
        "static/extra.css": ".reveal h2 { color: rgb(1, 2, 3); }\n",
    })


@pytest.fixture
def server(project: Path, tmp_path: Path):
    (tmp_path / "tmp").mkdir()
    running = Server(project, tmp_path / "tmp")
    yield running
    if running.proc.poll() is None:
        running.stop()


def write_atomically(path: Path, text: str) -> None:
    """Save as editors do: write a temporary file beside the target, then rename it over."""
    temp = path.with_name(f".{path.name}.swp")
    temp.write_text(text, encoding="utf-8")
    os.replace(temp, path)


def wait_until(predicate, timeout: float = 10.0) -> None:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return
        time.sleep(0.02)
    raise AssertionError("condition not met in time")


def test_serves_only_the_site(server: Server, project: Path) -> None:
    with urllib.request.urlopen(server.url + "talk/") as response:
        page = response.read().decode()
        assert response.headers["Cache-Control"] == "no-store"
    assert "static/deckgen/live.js" in page and "Slide 7" in page
    for path in ("../slides/talk.md", "%2e%2e/slides/talk.md", "vendor/", "static/"):
        with pytest.raises(urllib.error.HTTPError) as info:
            urllib.request.urlopen(server.url + path)
        assert info.value.code in (403, 404), path
        info.value.close()


def test_busy_port_moves_on_and_sigterm_cleans_up(project: Path, tmp_path: Path) -> None:
    tmp = tmp_path / "t"
    tmp.mkdir()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        env = {**os.environ, "TMPDIR": str(tmp)}
        with subprocess.Popen([sys.executable, "-m", "deckgen", "serve", str(project), "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) as proc:
            line = proc.stdout.readline()
            assert f":{port + 1}/" in line or f":{port + 2}/" in line, line
            assert len(list(tmp.iterdir())) == 1  # the temporary site
            proc.send_signal(signal.SIGTERM)
            assert proc.wait(timeout=10) == 0
            assert f"port {port} is busy" in proc.stderr.read()
    assert list(tmp.iterdir()) == []


def test_host_all_interfaces_warns(project: Path, tmp_path: Path) -> None:
    with subprocess.Popen([sys.executable, "-m", "deckgen", "serve", str(project), "--port", "0",
                           "--host", "0.0.0.0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                          env={**os.environ, "TMPDIR": str(tmp_path)}) as proc:
        proc.stdout.readline()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=10)
        assert "warning: serving on 0.0.0.0" in proc.stderr.read()


@pytest.mark.browser
def test_edit_swaps_in_place_keeping_place(server: Server, project: Path, watched_page) -> None:
    watched = watched_page(server.url + "talk/")
    page = watched.page
    page.wait_for_function("window.Reveal && Reveal.isReady() && DeckgenLive.connected()")
    page.evaluate("Reveal.slide(2, 0, 0); window.notReloaded = true")
    deck = project / "slides" / "talk.md"
    write_atomically(deck, deck.read_text().replace("- point 2", "- point two, edited"))
    page.wait_for_function("Reveal.getCurrentSlide().textContent.includes('point two, edited')", timeout=5000)
    assert page.evaluate("window.notReloaded") is True
    assert page.evaluate("Reveal.getIndices()") == {"h": 2, "v": 0, "f": 0}
    wait_until(lambda: server.rebuilds() == 1)
    time.sleep(0.3)
    assert server.rebuilds() == 1  # one atomic save, one rebuild
    assert watched.problems == []


@pytest.mark.browser
def test_edit_elsewhere_moves_to_the_edited_slide(server: Server, project: Path, watched_page) -> None:
    page = watched_page(server.url + "talk/").page
    page.wait_for_function("window.Reveal && Reveal.isReady() && DeckgenLive.connected()")
    page.evaluate("Reveal.slide(2); window.notReloaded = true")
    deck = project / "slides" / "talk.md"
    write_atomically(deck, deck.read_text().replace("## Slide 5", "## Slide five"))
    page.wait_for_function("Reveal.getIndices().h === 5", timeout=5000)
    assert "Slide five" in page.evaluate("Reveal.getCurrentSlide().textContent")
    assert page.evaluate("window.notReloaded") is True


@pytest.mark.browser
def test_structure_change_reloads_and_keeps_place(server: Server, project: Path, watched_page) -> None:
    page = watched_page(server.url + "talk/").page
    page.wait_for_function("window.Reveal && Reveal.isReady() && DeckgenLive.connected()")
    page.evaluate("Reveal.slide(6); window.notReloaded = true")
    deck = project / "slides" / "talk.md"
    write_atomically(deck, deck.read_text() + "\n---\n\n## Slide 8, new\n")
    page.wait_for_function("!window.notReloaded && window.Reveal && Reveal.isReady()", timeout=5000)
    page.wait_for_function("Reveal.getTotalSlides() === 9 && Reveal.getIndices().h === 8", timeout=5000)


@pytest.mark.browser
def test_error_overlay_and_recovery(server: Server, project: Path, watched_page) -> None:
    page = watched_page(server.url + "talk/").page
    page.wait_for_function("window.Reveal && Reveal.isReady() && DeckgenLive.connected()")
    deck = project / "slides" / "talk.md"
    good = deck.read_text()
    write_atomically(deck, good.replace("title: Talk", "title: [Talk"))
    overlay = page.locator(".deckgen-error-overlay")
    overlay.wait_for(timeout=5000)
    text = overlay.inner_text()
    assert "slides/talk.md:3:1: YAML syntax error" in text or "talk.md:3" in text, text
    assert page.evaluate("Reveal.getTotalSlides()") == 8  # the last good deck stays
    write_atomically(deck, good.replace("## Slide 0", "## Slide zero, fixed"))
    overlay.wait_for(state="detached", timeout=5000)
    page.wait_for_function("document.body.textContent.includes('Slide zero, fixed')", timeout=5000)


@pytest.mark.browser
def test_css_change_applies_without_reload(server: Server, project: Path, watched_page) -> None:
    deck = project / "slides" / "other.md"
    deck.write_text("---\ncss: ../static/extra.css\n---\n## Other\n")
    page = watched_page(server.url + "other/").page
    page.wait_for_function("window.Reveal && Reveal.isReady() && DeckgenLive.connected()")
    page.wait_for_function("getComputedStyle(document.querySelector('h2')).color === 'rgb(1, 2, 3)'", timeout=5000)
    page.evaluate("window.notReloaded = true")
    write_atomically(project / "static" / "extra.css", ".reveal h2 { color: rgb(4, 5, 6); }\n")
    page.wait_for_function("getComputedStyle(document.querySelector('h2')).color === 'rgb(4, 5, 6)'", timeout=5000)
    assert page.evaluate("window.notReloaded") is True


@pytest.mark.browser
def test_added_and_deleted_decks_update_the_index(server: Server, project: Path, watched_page) -> None:
    page = watched_page(server.url).page
    page.wait_for_function("window.DeckgenLive && DeckgenLive.connected()")
    assert page.locator(".deck-title").all_inner_texts() == ["Other", "Talk"]
    (project / "slides" / "new.md").write_text("---\ntitle: Brand new\n---\n# New\n")
    page.wait_for_function("document.body.textContent.includes('Brand new')", timeout=5000)
    (project / "slides" / "other.md").unlink()
    page.wait_for_function("!document.body.textContent.includes('Other')", timeout=5000)
    page.wait_for_function("window.DeckgenLive && DeckgenLive.connected()")
    assert page.locator(".deck-title").all_inner_texts() == ["Brand new", "Talk"]


def _upgrade_status(url: str, origin: str) -> int:
    """Status of a raw WebSocket handshake to /livereload sent with the given Origin."""
    host, port = url.split("//")[1].rstrip("/").split(":")
    request = (
        f"GET /livereload HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        f"Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nOrigin: {origin}\r\n\r\n"
    )
    with socket.create_connection((host, int(port)), timeout=5) as conn:
        conn.sendall(request.encode())
        return int(conn.recv(1024).split()[1])


def test_cross_site_websocket_is_refused(server: Server) -> None:
    assert _upgrade_status(server.url, server.url.rstrip("/")) == 101
    assert _upgrade_status(server.url, "http://evil.example") == 403


@pytest.mark.browser
def test_speaker_view_follows_edits(server: Server, project: Path, watched_page) -> None:
    deck = project / "slides" / "talk.md"
    deck.write_text(deck.read_text().replace("## Slide 1\n", "## Slide 1\n\nNote: first notes\n", 1))
    page = watched_page(server.url + "talk/").page
    page.wait_for_function("window.Reveal && Reveal.isReady() && DeckgenLive.connected()")
    page.wait_for_function("(Reveal.getSlideNotes(Reveal.getSlide(1)) || '').includes('first notes')", timeout=5000)
    page.evaluate("Reveal.slide(1)")
    with page.expect_popup() as popup_info:
        page.evaluate("Reveal.getPlugin('notes').open()")
    speaker = popup_info.value
    notes = speaker.locator(".speaker-controls-notes .value")
    speaker.wait_for_function("document.querySelector('.speaker-controls-notes .value') && "
                              "document.querySelector('.speaker-controls-notes .value').textContent.includes('first')",
                              timeout=10000)
    write_atomically(deck, deck.read_text().replace("first notes", "second notes, edited"))
    speaker.wait_for_function("document.querySelector('.speaker-controls-notes .value')"
                              ".textContent.includes('second notes, edited')", timeout=5000)
    assert "second notes, edited" in notes.inner_text()


@pytest.mark.parametrize("poll", [False, True], ids=["inotify", "poll"])
def test_one_rebuild_per_save_and_none_for_reads(project: Path, tmp_path: Path, poll: bool) -> None:
    (tmp_path / "tmp").mkdir()
    running = Server(project, tmp_path / "tmp", *(["--poll"] if poll else []))
    try:
        deck = project / "slides" / "talk.md"
        deck.read_text()  # reading is not a change
        time.sleep(0.6)
        assert running.rebuilds() == 0
        write_atomically(deck, deck.read_text().replace("## Slide 3", "## Slide three"))
        wait_until(lambda: running.rebuilds() == 1)
        with urllib.request.urlopen(running.url + "talk/") as response:
            assert "Slide three" in response.read().decode()
        for i in range(3):  # a burst of saves
            deck.write_text(deck.read_text().replace("point 4", f"point 4.{i}"))
        wait_until(lambda: running.rebuilds() >= 2)
        time.sleep(0.8)
        assert running.rebuilds() == 2 if not poll else running.rebuilds() in (2, 3)
    finally:
        assert running.stop() == 0
