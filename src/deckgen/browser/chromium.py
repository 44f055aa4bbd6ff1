"""Drive the user's Chromium headless through Playwright (locate.py finds it), and serve it a site on loopback."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import http.server
import logging
import mimetypes
import threading
from collections.abc import AsyncIterator, Coroutine, Mapping
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import unquote, urlsplit

from deckgen.browser.locate import (
    INSTALL_HINT,
    BrowserError,
    ChromiumSettingError,
    browser_problem,
    check_playwright,
    chromium_executable,
)

__all__ = ["CHROMIUM_ARGS", "INSTALL_HINT", "BrowserError", "ChromiumSettingError", "SiteServer", "browser_problem",
           "chromium_executable", "launch", "run_async"]

log = logging.getLogger(__name__)
T = TypeVar("T")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
# Every host name but loopback fails to resolve: a deck's remote images, fonts or iframes never leave the machine
# (blocking them with Playwright's request routing instead would turn off the HTTP cache shared by the pages).
LOOPBACK_ONLY = "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"
_TYPES = {".js": "text/javascript", ".mjs": "text/javascript", ".css": "text/css", ".svg": "image/svg+xml",
          ".woff2": "font/woff2", ".woff": "font/woff", ".ttf": "font/ttf", ".html": "text/html; charset=utf-8"}


@contextlib.asynccontextmanager
async def launch(purpose: str = "this") -> AsyncIterator[Any]:
    """Start one headless Chromium the user has (deckgen never downloads one) that reaches loopback only; yield it."""
    check_playwright(purpose)
    path = chromium_executable(purpose)
    try:
        from playwright.async_api import Error, async_playwright
    except ImportError as exc:
        raise BrowserError(f"{purpose} needs Playwright, which does not import ({exc}): {INSTALL_HINT}") from None

    async with async_playwright() as playwright:
        try:
            browser = await playwright.chromium.launch(
                executable_path=path, args=[*CHROMIUM_ARGS, LOOPBACK_ONLY], headless=True)
        except Error as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise BrowserError(f"{purpose}: Chromium ({path}) did not start: {first}") from None
        try:
            yield browser
        finally:
            await browser.close()


def run_async(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to its end, in a thread of its own when this one already runs an event loop."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return asyncio.run(coroutine)
    # e.g. Playwright's sync API or a notebook runs a loop here: asyncio.run() refuses to nest
    with concurrent.futures.ThreadPoolExecutor(1, thread_name_prefix="deckgen-browser") as pool:
        return pool.submit(asyncio.run, coroutine).result()


class SiteServer:
    """Serve a planned site (site path -> bytes, text or source file) on 127.0.0.1, any free port."""

    def __init__(self, files: Mapping[str, bytes | str | Path]) -> None:
        handler = type("_Handler", (_SiteHandler,), {"files": files})
        self._httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="deckgen-site-server", daemon=True)
        self._thread.start()
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}/"

    def close(self) -> None:
        """Stop serving and release the port."""
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> SiteServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class _SiteHandler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: a page's dozen requests share a connection
    files: Mapping[str, bytes | str | Path] = {}

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        self._answer(body=True)

    def do_HEAD(self) -> None:  # noqa: N802 - the stdlib's name
        self._answer(body=False)

    def _answer(self, *, body: bool) -> None:
        path = unquote(urlsplit(self.path).path).lstrip("/")
        if path == "" or path.endswith("/"):
            path += "index.html"
        content = self.files.get(path)
        if content is None:
            if f"{path}/index.html" in self.files:
                self.send_response(301)
                self.send_header("Location", "/" + path + "/")
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_error(404)
            return
        data = content.read_bytes() if isinstance(content, Path) else (
            content.encode("utf-8") if isinstance(content, str) else content)
        suffix = Path(path).suffix.lower()
        kind = _TYPES.get(suffix) or mimetypes.guess_type(path)[0] or "application/octet-stream"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "max-age=3600")  # the site does not change while it is served
        self.end_headers()
        if body:
            self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        pass
