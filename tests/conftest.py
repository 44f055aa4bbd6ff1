"""Shared fixtures: system Chromium through Playwright and a loopback file server."""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from browser_helpers import CHROMIUM_ARGS, LoopbackServer, WatchedPage, chromium_executable, open_page


@pytest.fixture(scope="session")
def chromium_path() -> str:
    """Path of the system Chromium (DECKGEN_CHROMIUM, else /usr/bin/chromium); skip or fail without one."""
    return chromium_executable()


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[object]:
    """One headless Chromium for the whole session; never downloads a browser."""
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        launch = playwright.chromium.launch
        chromium = launch(executable_path=chromium_path, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()
    finally:
        playwright.stop()


@pytest.fixture
def serve_dir() -> Iterator[Callable[[Path], str]]:
    """Serve a folder on 127.0.0.1 (any free port) and return its base URL, ending in '/'."""
    servers: list[LoopbackServer] = []

    def serve(folder: Path) -> str:
        servers.append(LoopbackServer(Path(folder)))
        return servers[-1].url

    yield serve
    for server in servers:
        server.close()


@pytest.fixture
def watched_page(browser) -> Iterator[Callable[..., WatchedPage]]:
    """Open pages that block off-machine requests and record console errors; closed at teardown."""
    pages: list[WatchedPage] = []

    def open_(url: str | None = None, **context_options) -> WatchedPage:
        pages.append(open_page(browser, url, **context_options))
        return pages[-1]

    yield open_
    for watched in pages:
        watched.page.context.close()


@pytest.fixture
def read_only() -> Iterator:
    """Make a folder unwritable, even for root (chattr +i when chmod is not enough); skip when impossible."""
    undo: list[tuple[str, Path]] = []

    def make(folder: Path) -> None:
        folder.chmod(0o555)
        undo.append(("chmod", folder))
        if _writable(folder):
            done = subprocess.run(["chattr", "+i", str(folder)], capture_output=True, check=False)
            if done.returncode == 0:
                undo.append(("chattr", folder))
            if _writable(folder):
                pytest.skip("cannot make a folder read-only here (root without chattr)")

    yield make
    for how, folder in reversed(undo):
        if how == "chattr":
            subprocess.run(["chattr", "-i", str(folder)], check=False)
        else:
            folder.chmod(0o755)


def _writable(folder: Path) -> bool:
    probe = folder / ".probe"
    try:
        probe.write_text("")
    except OSError:
        return False
    probe.unlink()
    return True
