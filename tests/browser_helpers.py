"""Helpers for browser tests: system Chromium via Playwright, a loopback file server, a watched page."""

from __future__ import annotations

import functools
import http.server
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from deckgen.browser.chromium import CHROMIUM_ARGS, browser_problem
from deckgen.browser.chromium import chromium_executable as find_chromium

__all__ = ["CHROMIUM_ARGS", "LoopbackServer", "WatchedPage", "chromium_executable", "open_page", "private_cache"]

LOCAL_HOSTS = {"127.0.0.1", "localhost"}


def browser_required() -> bool:
    """Tell whether missing browser prerequisites must fail the run (CI sets DECKGEN_REQUIRE_BROWSER)."""
    return os.environ.get("DECKGEN_REQUIRE_BROWSER", "") not in ("", "0")


def missing(reason: str) -> None:
    """Skip the test for a missing prerequisite, or fail it when browser tests are required."""
    if browser_required():
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


def chromium_executable() -> str:
    """Return the Chromium to drive (deckgen's own lookup), skipping (or failing) when it or Playwright is missing."""
    problem = browser_problem("browser tests")
    if problem is not None:
        missing(str(problem))
    return find_chromium()


def private_cache(root: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point DECKGEN_CACHE_DIR at an empty folder under root that shares only the downloaded npm packages."""
    from deckgen.assets.npm import cache_root

    real = cache_root()
    cache = root / "cache"
    cache.mkdir()
    if (real / "npm").is_dir():
        (cache / "npm").symlink_to(real / "npm")
    monkeypatch.setenv("DECKGEN_CACHE_DIR", str(cache))
    return cache


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        pass


class LoopbackServer:
    """Serve one folder over HTTP on 127.0.0.1 in a background thread."""

    def __init__(self, folder: Path) -> None:
        handler = functools.partial(_QuietHandler, directory=str(folder))
        self._httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)
        self._thread.start()
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}/"

    def close(self) -> None:
        """Stop serving and release the port."""
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


@dataclass
class WatchedPage:
    """A Playwright page plus what went wrong while it ran, and every console message."""

    page: object
    console_errors: list[str] = field(default_factory=list)
    console_messages: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    blocked_requests: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        """Return every console error, failed request and blocked off-machine request."""
        return (
            [f"console: {m}" for m in self.console_errors]
            + [f"failed: {u}" for u in self.failed_requests]
            + [f"blocked: {u}" for u in self.blocked_requests]
        )


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    return parts.scheme in ("file", "data", "blob", "about") or parts.hostname in LOCAL_HOSTS


def open_page(browser, url: str | None = None, **context_options) -> WatchedPage:
    """Open a page in a fresh context that refuses off-machine requests and records errors; go to url."""
    context = browser.new_context(**context_options)
    page = context.new_page()
    watched = WatchedPage(page)

    def route(route) -> None:
        if _is_local(route.request.url):
            route.continue_()
        else:
            watched.blocked_requests.append(route.request.url)
            route.abort("blockedbyclient")

    def on_console(message) -> None:
        where = message.location or {}
        text = f"{message.text} ({where.get('url', '')}:{where.get('lineNumber', '')})"
        watched.console_messages.append(f"{message.type}: {text}")
        if message.type == "error":
            watched.console_errors.append(text)

    def on_failed(request) -> None:
        if request.url not in watched.blocked_requests:
            watched.failed_requests.append(f"{request.url} ({request.failure})")

    def on_response(response) -> None:
        if response.status >= 400 and not response.url.endswith("/favicon.ico"):
            watched.failed_requests.append(f"{response.url} (HTTP {response.status})")

    context.route("**/*", route)
    page.on("console", on_console)
    page.on("pageerror", lambda error: watched.console_errors.append(f"uncaught: {error}"))
    page.on("requestfailed", on_failed)
    page.on("response", on_response)
    if url is not None:
        page.goto(url)
    return watched
