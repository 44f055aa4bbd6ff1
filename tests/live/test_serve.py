"""deckgen serve over real loopback sockets and in Chromium: edits show at once, in place, errors overlay."""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from projects import REPO, make_project

SLIDES = "\n\n---\n\n".join(f"## Slide {i}\n\n- point {i}\n- more <!-- .element: class=\"fragment\" -->" for i in range(8))


def free_port() -> str:
    """A port free a moment ago (serve moves on to the next one if it is taken meanwhile)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return str(probe.getsockname()[1])


class Server:
    """`deckgen serve` in a subprocess; its stderr is collected to count rebuilds."""

    def __init__(self, project: Path, tmp: Path, *args: str, env: dict[str, str] | None = None,
                 new_session: bool = False) -> None:
        env = {**os.environ, "TMPDIR": str(tmp), "PYTHONUNBUFFERED": "1", **(env or {})}
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "deckgen", "serve", str(project), "--port", free_port(), "-v", *args],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, start_new_session=new_session,
        )
        self.err: list[str] = []
        self._drainer = threading.Thread(target=self._drain, daemon=True)
        self._drainer.start()
        line = self.proc.stdout.readline()
        match = re.search(r"on (http://\S+/)", line)
        assert match, line + "".join(self.err)
        self.url = match[1].replace("localhost", "127.0.0.1")
        self.port = int(self.url.rstrip("/").rsplit(":", 1)[1])

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
    with subprocess.Popen([sys.executable, "-m", "deckgen", "serve", str(project), "--port", free_port(),
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


def _upgrade_status(url: str, origin: str | None, host: str | None = None) -> int:
    """Status of a raw WebSocket handshake to /livereload sent with the given Origin (and Host)."""
    address, port = url.split("//")[1].rstrip("/").split(":")
    request = (
        f"GET /livereload HTTP/1.1\r\nHost: {host or f'{address}:{port}'}\r\nUpgrade: websocket\r\n"
        "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
        + (f"Origin: {origin}\r\n" if origin is not None else "") + "\r\n"
    )
    with socket.create_connection((address, int(port)), timeout=5) as conn:
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
        page.evaluate("window.deckgenPlugins.then(() => Reveal.getPlugin('notes').open())")
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


# -- helpers: raw HTTP with forged headers, a LiveReload push client over a raw socket ---------------------------


def raw_request(url: str, path: str, headers: list[tuple[str, str]]) -> tuple[int, bytes]:
    """Send one GET with exactly these headers (Host included, or left out); return status and body."""
    parts = urlsplit(url)
    lines = [f"GET {path} HTTP/1.1", *(f"{name}: {value}" for name, value in headers), "Connection: close", "", ""]
    with socket.create_connection((parts.hostname, parts.port), timeout=5) as conn:
        conn.sendall("\r\n".join(lines).encode())
        data = b""
        while chunk := conn.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), body


class PushClient:
    """A page's side of the push channel (the LiveReload protocol over a WebSocket), on a raw socket."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.sock = socket.create_connection((parts.hostname, parts.port), timeout=10)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            f"GET /livereload HTTP/1.1\r\nHost: {parts.netloc}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nOrigin: http://{parts.netloc}\r\n\r\n".encode()
        )
        self.buffer = b""
        head = self._until(b"\r\n\r\n")
        assert head.split()[1] == b"101", head
        self.send({"command": "hello", "protocols": ["http://livereload.com/protocols/official-7"]})
        assert self.receive()["command"] == "hello"
        self.send({"command": "info", "url": url, "plugins": {}})

    def _until(self, marker: bytes) -> bytes:
        while marker not in self.buffer:
            self._fill()
        head, _, self.buffer = self.buffer.partition(marker)
        return head

    def _fill(self) -> None:
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the push channel")
        self.buffer += chunk

    def _take(self, count: int) -> bytes:
        while len(self.buffer) < count:
            self._fill()
        data, self.buffer = self.buffer[:count], self.buffer[count:]
        return data

    def send(self, message: dict) -> None:
        self._frame(0x81, json.dumps(message).encode())

    def _frame(self, first: int, data: bytes) -> None:
        assert len(data) < 126
        mask = os.urandom(4)
        self.sock.sendall(bytes([first, 0x80 | len(data)]) + mask + bytes(b ^ mask[i % 4] for i, b in enumerate(data)))

    def receive(self) -> dict:
        first, second = self._take(2)
        length = second & 0x7F
        if length == 126:
            length = struct.unpack(">H", self._take(2))[0]
        elif length == 127:
            length = struct.unpack(">Q", self._take(8))[0]
        payload = self._take(length)
        opcode = first & 0x0F
        if opcode == 9:  # the server's ping: answer as a browser does, or it closes the socket after a while
            self._frame(0x8A, payload)
            return {"command": None}
        if opcode != 1:
            return {"command": "closed" if opcode == 8 else None}
        return json.loads(payload)

    def errors(self, predicate, timeout: float = 10.0) -> list[dict]:
        """The errors of the first deckgen-errors message (greeting or push) for which predicate holds."""
        self.sock.settimeout(timeout)
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            message = self.receive()
            if message["command"] == "deckgen-errors" and predicate(message["errors"]):
                return message["errors"]
        raise AssertionError("no such errors in time")

    def close(self) -> None:
        self.sock.close()


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode()
    except (urllib.error.URLError, OSError) as exc:
        return f"<{exc}>"


def wait_for_page(url: str, text: str, timeout: float = 10.0) -> str:
    end = time.monotonic() + timeout
    page = ""
    while time.monotonic() < end:
        page = fetch(url)
        if text in page:
            return page
        time.sleep(0.05)
    raise AssertionError(f"{text!r} not in {url} in time; last: {page[:300]!r}")


def template(name: str, extra_line: str = "") -> str:
    """deckgen's default template, with extra_line inserted as its line 2."""
    lines = (REPO / "templates" / name).read_text(encoding="utf-8").split("\n")
    if extra_line:
        lines.insert(1, extra_line)
    return "\n".join(lines)


# -- 1. DNS rebinding: only requests addressed to this server are answered ---------------------------------------

FORGED_HOSTS = [
    "evil.example:{port}",  # a rebinding attacker's page: its own name, this server's port
    "evil.example",
    "localhost.evil.example:{port}",
    "127.0.0.1.nip.io:{port}",
    "localhost:{other}",
    "localhost",
    "127.0.0.1:{port}@evil.example",
    "",
]
PATHS = ["/", "/talk/", "/talk/index.html", "/static/deckgen/live.js", "/livereload", "/nothing-here"]


@pytest.fixture
def secret_project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "p", {
        "slides/talk.md": "---\ntitle: Talk\n---\n" + SLIDES + "\n\nNote: the secret speaker notes\n",
        "slides/other.md": "# Other\n",
    })


def test_forged_host_gets_403_and_nothing_of_the_site(secret_project: Path, tmp_path: Path) -> None:
    running = Server(secret_project, tmp_path)
    try:
        other = running.port + 1 if running.port < 65535 else running.port - 1
        for forged in FORGED_HOSTS:
            host = forged.format(port=running.port, other=other)
            for path in PATHS:
                status, body = raw_request(running.url, path, [("Host", host)])
                # 403, or tornado's own 400 for a Host that is not even host[:port]
                assert status in (403, 421) or (status == 400 and "@" in host), (host, path, status)
                assert len(body) < 400 and b"Slide" not in body and b"secret" not in body, (host, path, body)
                assert status == 400 or (body.strip() and body.isascii()), body  # says why, in a line
        for path in PATHS[:3]:  # no Host at all, or two of them
            assert raw_request(running.url, path, [])[0] in (400, 403, 421)
            two = [("Host", f"127.0.0.1:{running.port}"), ("Host", f"evil.example:{running.port}")]
            assert raw_request(running.url, path, two)[0] in (400, 403, 421)
        # The names this server is reached by, in any case of letters.
        for host in ("localhost", "127.0.0.1", "[::1]", "LocalHost"):
            status, body = raw_request(running.url, "/talk/", [("Host", f"{host}:{running.port}")])
            assert status == 200 and b"secret speaker notes" in body, host
    finally:
        assert running.stop() == 0


def _bindable(address: str) -> bool:
    try:
        with socket.socket() as probe:
            probe.bind((address, 0))
        return True
    except OSError:
        return False


@pytest.mark.parametrize("host", ["127.0.0.2", "0.0.0.0"])
def test_host_option_is_answered_with_its_port(secret_project: Path, tmp_path: Path, host: str) -> None:
    if not _bindable(host):
        pytest.skip(f"cannot listen on {host} here")
    running = Server(secret_project, tmp_path, "--host", host)
    try:
        url = f"http://127.0.0.{2 if host == '127.0.0.2' else 1}:{running.port}/"
        allowed = [f"{host}:{running.port}", f"localhost:{running.port}"]
        if host == "0.0.0.0":  # reached by the machine's addresses: an address literal cannot be rebound
            allowed += [f"192.168.1.7:{running.port}", f"[fe80::1]:{running.port}"]
        for value in allowed:
            assert raw_request(url, "/talk/", [("Host", value)])[0] == 200, value
        for value in (f"evil.example:{running.port}", f"{host}:{running.port + 1}", f"mybox.local:{running.port}"):
            status, body = raw_request(url, "/talk/", [("Host", value)])
            assert status == 403 and b"secret" not in body, value
        assert _upgrade_status(url, f"http://{host}:{running.port}", host=f"{host}:{running.port}") == 101
        assert _upgrade_status(url, f"http://evil.example:{running.port}", host=f"{host}:{running.port}") == 403
    finally:
        assert running.stop() == 0


def test_push_channel_checks_origin_against_its_names_not_host(server: Server) -> None:
    port = server.port
    here = f"127.0.0.1:{port}"
    # A rebinding page: Host and Origin both carry the attacker's name, so they agree with each other.
    assert _upgrade_status(server.url, f"http://evil.example:{port}", host=f"evil.example:{port}") == 403
    assert _upgrade_status(server.url, f"http://evil.example:{port}", host=here) == 403
    for origin in ("null", f"https://localhost:{port}", f"http://localhost:{port + 1}", "http://localhost",
                   f"file://{here}", f"http://{here}.evil.example"):
        assert _upgrade_status(server.url, origin, host=here) == 403, origin
    for origin in (f"http://localhost:{port}", f"http://{here}", f"http://[::1]:{port}"):
        assert _upgrade_status(server.url, origin, host=here) == 101, origin
    client = PushClient(server.url)  # a page of this server gets the greeting
    try:
        assert client.errors(lambda errors: True) == []
    finally:
        client.close()


# -- 2. every error reaches the page; nothing stops the server -----------------------------------------------------


def _katex_mismatch(tmp_path: Path) -> dict[str, str]:
    """DECKGEN_ASSETS with a KaTeX of the wrong version: asking for math is an asset error."""
    folder = tmp_path / "node_modules" / "katex"
    folder.mkdir(parents=True)
    (folder / "package.json").write_text('{"name": "katex", "version": "0.0.1"}')
    return {"DECKGEN_ASSETS": str(tmp_path / "node_modules")}


ERROR_KINDS = {
    # kind: (file to break, broken text, expected file suffix, expected line, expected message part)
    "deck": ("slides/talk.md", lambda text: text.replace("title: Talk", "title: [Talk"), "slides/talk.md", 3,
             "YAML"),
    "deck template": ("templates/deck.html", lambda text: template("deck.html", "{% if %}"), "templates/deck.html",
                      2, "template"),
    "index template": ("templates/index.html", lambda text: template("index.html", "{{ site.title | nosuch }}"),
                       "templates/index.html", 2, "nosuch"),
    "reference": ("slides/talk.md", lambda text: text.replace("- point 3", "- point 3 ![](img/missing.png)"),
                  "slides/talk.md", 27, "missing.png"),
    "asset": ("slides/talk.md", lambda text: text.replace("- point 5", "- point 5, $e^{i\\pi} = -1$"),
              "slides/talk.md", 39, "katex"),
}


@pytest.mark.parametrize("kind", list(ERROR_KINDS))
def test_every_error_reaches_the_page_and_clears(project: Path, tmp_path: Path, kind: str) -> None:
    target, breaking, suffix, line, words = ERROR_KINDS[kind]
    (project / "templates").mkdir()
    for name in ("deck.html", "index.html"):
        (project / "templates" / name).write_text(template(name))
    running = Server(project, tmp_path, env=_katex_mismatch(tmp_path) if kind == "asset" else None)
    client = PushClient(running.url + "talk/")
    try:
        assert client.errors(lambda errors: True) == []
        path = project / target
        good = path.read_text()
        write_atomically(path, breaking(good))
        errors = client.errors(lambda errors: bool(errors))
        assert len(errors) == 1, errors
        error = errors[0]
        assert error["file"].endswith(suffix) and error["line"] == line, error
        assert words.lower() in error["message"].lower() and error["text"].endswith(error["message"]), error
        assert "Slide 7" in fetch(running.url + "talk/")  # the last good deck stays
        write_atomically(path, good)
        assert client.errors(lambda errors: not errors) == []
        deck = project / "slides" / "talk.md"
        write_atomically(deck, deck.read_text().replace("## Slide 0", "## Slide zero"))
        wait_for_page(running.url + "talk/", "Slide zero")
        assert "Traceback" not in "".join(running.err) and "rebuild failed" not in "".join(running.err)
    finally:
        client.close()
        assert running.stop() == 0


STARTUP_BREAKS = {
    "deck": ("slides/talk.md", lambda text: text.replace("title: Talk", "title: [Talk"), "slides/talk.md:3"),
    "deckgen.yml": ("deckgen.yml", lambda text: "title: [Slides\n", "deckgen.yml:2"),
    "template": ("templates/deck.html", lambda text: template("deck.html", "{% if %}"), "templates/deck.html:2"),
}


@pytest.mark.browser
@pytest.mark.parametrize("kind", list(STARTUP_BREAKS))
def test_broken_at_start_serves_the_error_then_the_fix(project: Path, tmp_path: Path, watched_page, kind: str) -> None:
    target, breaking, where = STARTUP_BREAKS[kind]
    (project / "deckgen.yml").write_text("title: Slides\n")
    (project / "templates").mkdir()
    (project / "templates" / "deck.html").write_text(template("deck.html"))
    path = project / target
    good = path.read_text()
    path.write_text(breaking(good))
    running = Server(project, tmp_path)  # it starts
    try:
        wait_until(lambda: where in "".join(running.err))  # said on the terminal too
        for page_path in ("", "talk/"):
            assert "static/deckgen/live.js" in fetch(running.url + page_path)  # a placeholder, not a 404
        page = watched_page(running.url + "talk/").page
        overlay = page.locator(".deckgen-error-overlay")
        overlay.wait_for(timeout=5000)
        assert where in overlay.inner_text(), overlay.inner_text()
        assert where in page.locator(".deckgen-error-location").first.inner_text()
        page.wait_for_function("window.DeckgenLive && DeckgenLive.connected()")
        write_atomically(path, good)
        page.wait_for_function("window.Reveal && Reveal.isReady() && Reveal.getTotalSlides() === 8", timeout=10000)
        overlay.wait_for(state="detached", timeout=5000)
        assert "Talk" in fetch(running.url)
    finally:
        assert running.stop() == 0


def _children(pid: int) -> list[int]:
    found: list[int] = []
    with contextlib.suppress(OSError):  # the process may be gone already
        for task in Path(f"/proc/{pid}/task").iterdir():
            with contextlib.suppress(OSError):
                found += [int(child) for child in (task / "children").read_text().split()]
    return found


@pytest.mark.skipif(not Path("/proc/self/task").is_dir() or (os.cpu_count() or 1) < 2,
                    reason="needs Linux's /proc and 2 cores (slides are rendered in worker processes)")
@pytest.mark.parametrize("when", ["first build", "rebuild"])
def test_ctrl_c_while_workers_render_prints_no_traceback(tmp_path: Path, when: str) -> None:
    many = "\n\n---\n\n".join(f"## Slide {i} ({when})\n\n- point *{i}* `code {i}`" for i in range(6000))
    project = make_project(tmp_path / "p", {"slides/talk.md": many if when == "first build" else "# Small\n"})
    (tmp_path / "tmp").mkdir()
    env = {**os.environ, "TMPDIR": str(tmp_path / "tmp"), "PYTHONUNBUFFERED": "1"}
    # A terminal's Ctrl-C: SIGINT to every process of the group (the server and its workers).
    proc = subprocess.Popen([sys.executable, "-m", "deckgen", "serve", str(project), "--port", free_port()],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            start_new_session=True)
    try:
        if when == "rebuild":
            assert "serving" in proc.stdout.readline()
            (project / "slides" / "talk.md").write_text(many)
        end = time.monotonic() + 30
        while not _children(proc.pid) and time.monotonic() < end and proc.poll() is None:
            time.sleep(0.005)
        workers = _children(proc.pid)
        assert workers, "no worker processes seen"
        time.sleep(0.1)
        os.killpg(proc.pid, signal.SIGINT)
        _, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
    assert proc.returncode == 0, err
    assert err.strip() == "stopped", err  # no worker's KeyboardInterrupt, not even its "Process ForkPoolWorker-1:"
    assert list((tmp_path / "tmp").iterdir()) == []
    for worker in workers:  # none left behind
        assert not Path(f"/proc/{worker}").exists() or "Z" in Path(f"/proc/{worker}/stat").read_text().split()[2]


@pytest.mark.browser
def test_slides_folder_deleted_and_restored(server: Server, project: Path, watched_page) -> None:
    page = watched_page(server.url + "talk/").page
    page.wait_for_function("window.Reveal && Reveal.isReady() && DeckgenLive.connected()")
    backup = project.parent / "slides-backup"
    shutil.copytree(project / "slides", backup)
    shutil.rmtree(project / "slides")
    overlay = page.locator(".deckgen-error-overlay")
    overlay.wait_for(timeout=5000)
    assert "slides" in overlay.inner_text()
    (project / "slides").mkdir()
    (project / "slides" / "talk.md").write_text((backup / "talk.md").read_text().replace("## Slide 1\n", "## Slide one, restored\n"))
    page.wait_for_function("document.body.textContent.includes('Slide one, restored')", timeout=10000)
    overlay.wait_for(state="detached", timeout=5000)
    page.wait_for_function("window.Reveal && Reveal.isReady() && DeckgenLive.connected()")
    page.evaluate("Reveal.slide(3); window.notReloaded = true")
    deck = project / "slides" / "talk.md"
    write_atomically(deck, deck.read_text().replace("## Slide 3", "## Slide three, after the restore"))
    page.wait_for_function("Reveal.getCurrentSlide().textContent.includes('Slide three, after the restore')",
                           timeout=5000)
    assert page.evaluate("window.notReloaded") is True


@pytest.mark.parametrize("poll", [False, True], ids=["inotify", "poll"])
@pytest.mark.parametrize("how", ["deleted", "moved away", "slides deleted", "slides trashed"])
def test_watcher_recovers_when_the_project_comes_back(project: Path, tmp_path: Path, poll: bool, how: str) -> None:
    """The project folder, or slides/, deleted (or moved to the trash) and restored: the site follows again, and the
    terminal shows no warning. Run as with `python -W error` (PYTHONWARNINGS=error): a warning in watchdog's threads
    would end the watch for good."""
    (tmp_path / "tmp").mkdir()
    running = Server(project, tmp_path / "tmp", *(["--poll"] if poll else []), env={"PYTHONWARNINGS": "error"})
    try:
        wait_for_page(running.url + "talk/", "Slide 7")
        backup = tmp_path / "backup"
        gone = project / "slides" if how.startswith("slides") else project
        if how in ("moved away", "slides trashed"):
            os.rename(gone, backup)
        else:
            shutil.copytree(project, backup)
            shutil.rmtree(gone)
        end = time.monotonic() + 10
        while "Slide 7" in fetch(running.url + "talk/") and time.monotonic() < end:
            time.sleep(0.05)  # the deck leaves the site
        if how in ("moved away", "slides trashed"):
            os.rename(backup, gone)
        else:
            shutil.copytree(backup / gone.relative_to(project) if gone != project else backup, gone)
        deck = project / "slides" / "talk.md"
        deck.write_text(deck.read_text().replace("## Slide 2", "## Slide two, restored"))
        wait_for_page(running.url + "talk/", "Slide two, restored")
        time.sleep(0.3)
        write_atomically(deck, deck.read_text().replace("## Slide 4", "## Slide four, edited after"))
        wait_for_page(running.url + "talk/", "Slide four, edited after")
    finally:
        assert running.stop() == 0
    said = "".join(running.err)
    assert "Traceback" not in said and "Warning" not in said, said


def test_serve_a_profile_and_follow_an_included_part(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", {
        "deckgen.yml": "profiles:\n  public:\n    hide: [todo]\n",
        "slides/talk.md": '# Talk\n\n---\n\n<!-- .slide: class="todo" -->\n\n## Secret plan\n\n---\n\n'
                          '--8<-- "_shared/outro.md"\n',
        "slides/_shared/outro.md": "## Thanks, version one\n",
    })
    (tmp_path / "tmp").mkdir()
    running = Server(project, tmp_path / "tmp", "--profile", "public")
    try:
        page = fetch(running.url + "talk/index.html")
        assert "Secret plan" not in page and "Thanks, version one" in page
        write_atomically(project / "slides/_shared/outro.md", "## Thanks, version two\n")
        wait_until(lambda: "version two" in fetch(running.url + "talk/index.html"))
        assert "Secret plan" not in fetch(running.url + "talk/index.html")
        assert any("rebuilt in" in line and "slides/_shared/outro.md" in line for line in running.err)
    finally:
        running.stop()


def test_serve_a_deck_file_prints_its_page(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", {"slides/talk.md": "# Talk\n", "slides/other.md": "# Other\n"})
    (tmp_path / "tmp").mkdir()
    proc = subprocess.Popen([sys.executable, "-m", "deckgen", "serve", str(project / "slides/talk.md"),
                             "--port", free_port()], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "TMPDIR": str(tmp_path / "tmp")})
    try:
        line = proc.stdout.readline()
        assert re.search(r"serving p on http://localhost:\d+/talk/index\.html", line), line
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)
