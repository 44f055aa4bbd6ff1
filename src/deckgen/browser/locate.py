"""Find the Chromium or Google Chrome a user has: DECKGEN_CHROMIUM, PATH, the usual install folders, Playwright's.

Nothing is downloaded; the first executable found in this order is driven:

1. DECKGEN_CHROMIUM (when set, it must be an executable file: anything else is an error, never a silent fallback);
2. `chromium`, `chromium-browser`, `google-chrome`, `google-chrome-stable` on PATH (Linux; also Homebrew's links);
3. the platform's install folders: /Applications and ~/Applications on macOS, Program Files and the user's
   AppData on Windows;
4. browsers Playwright installed (`playwright install chromium`): PLAYWRIGHT_BROWSERS_PATH, else its cache
   folder (~/.cache/ms-playwright, ~/Library/Caches/ms-playwright, %LOCALAPPDATA%\\ms-playwright), newest first.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

from deckgen.errors import DeckgenError

ENV = "DECKGEN_CHROMIUM"
PATH_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
_MAC_APPS = ("Google Chrome.app/Contents/MacOS/Google Chrome", "Chromium.app/Contents/MacOS/Chromium")
_WINDOWS_APPS = ("Google/Chrome/Application/chrome.exe", "Chromium/Application/chrome.exe")
# Inside ms-playwright/chromium-REV (current Chrome for Testing builds first, then older Chromium builds).
_PLAYWRIGHT_CHROMIUM = (
    "chrome-linux64/chrome", "chrome-linux-arm64/chrome", "chrome-linux/chrome",
    "chrome-mac-arm64/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing",
    "chrome-mac-x64/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing",
    "chrome-mac/Chromium.app/Contents/MacOS/Chromium",
    "chrome-win64/chrome.exe", "chrome-win/chrome.exe",
)
_PLAYWRIGHT_SHELL = (
    "chrome-headless-shell-linux64/chrome-headless-shell", "chrome-headless-shell-linux-arm64/chrome-headless-shell",
    "chrome-linux/headless_shell", "chrome-headless-shell-mac-arm64/chrome-headless-shell",
    "chrome-headless-shell-mac-x64/chrome-headless-shell", "chrome-mac/headless_shell",
    "chrome-headless-shell-win64/chrome-headless-shell.exe", "chrome-win/headless_shell.exe",
)
WHERE = "chromium or google-chrome on PATH, Chrome or Chromium in the usual install folders, Playwright's browsers"


class BrowserError(DeckgenError):
    """Playwright or Chromium is missing, or Chromium failed at its task."""


class ChromiumSettingError(BrowserError):
    """DECKGEN_CHROMIUM is set to something that is not an executable file: an error wherever a browser may be used."""


def is_executable(path: str | os.PathLike[str]) -> bool:
    """Whether path is a file this process may run."""
    return os.path.isfile(path) and os.access(path, os.X_OK)


def explicit_chromium(environ: Mapping[str, str] | None = None) -> str | None:
    """DECKGEN_CHROMIUM when set (None when not), checked: a missing path, a folder or a plain file is an error."""
    value = (os.environ if environ is None else environ).get(ENV, "")
    if not value:
        return None
    path = Path(value).expanduser()
    if is_executable(path):
        return str(path)
    if path.is_dir():
        why = "is a folder, not an executable"
    elif path.exists():
        why = "is not an executable file"
    else:
        why = "does not exist"
    raise ChromiumSettingError(
        f"{ENV}={value} {why}: set {ENV} to a Chromium or Google Chrome executable, or unset it to let deckgen "
        f"find one ({WHERE})"
    )


def candidates(environ: Mapping[str, str] | None = None, platform: str | None = None) -> Iterator[str]:
    """Every place to look, in order, after DECKGEN_CHROMIUM (paths that may not exist)."""
    environ = os.environ if environ is None else environ
    platform = sys.platform if platform is None else platform
    home = Path(environ.get("HOME") or environ.get("USERPROFILE") or Path.home())
    search = environ.get("PATH", os.defpath)
    for name in PATH_NAMES:
        found = shutil.which(name, path=search)
        if found:
            yield found
    if platform == "darwin":
        for folder in (Path("/Applications"), home / "Applications"):
            yield from (str(folder / app) for app in _MAC_APPS)
    elif platform == "win32":
        local = environ.get("LOCALAPPDATA") or str(home / "AppData" / "Local")
        folders = (environ.get("PROGRAMFILES") or "C:\\Program Files",
                   environ.get("PROGRAMFILES(X86)") or "C:\\Program Files (x86)", local)
        for app in _WINDOWS_APPS:
            yield from (os.path.join(folder, *app.split("/")) for folder in folders)
    yield from playwright_browsers(environ, platform, home)


def playwright_browsers(environ: Mapping[str, str], platform: str, home: Path) -> Iterator[str]:
    """Chromium builds Playwright installed, the newest revision first, full Chromium before its headless shell."""
    folder = _playwright_folder(environ, platform, home)
    if folder is None:
        return
    try:
        entries = [entry.name for entry in os.scandir(folder) if entry.is_dir()]
    except OSError:
        return
    for prefix, inside in (("chromium-", _PLAYWRIGHT_CHROMIUM), ("chromium_headless_shell-", _PLAYWRIGHT_SHELL)):
        revisions = [name for name in entries if re.fullmatch(re.escape(prefix) + r"\d+", name)]
        for name in sorted(revisions, key=lambda name: int(name.rsplit("-", 1)[1]), reverse=True):
            yield from (os.path.join(folder, name, *path.split("/")) for path in inside)


def _playwright_folder(environ: Mapping[str, str], platform: str, home: Path) -> str | None:
    explicit = environ.get("PLAYWRIGHT_BROWSERS_PATH")
    if explicit == "0":  # browsers inside the installed playwright package
        import importlib.util

        spec = importlib.util.find_spec("playwright")
        places = list(spec.submodule_search_locations or []) if spec else []
        return os.path.join(places[0], "driver", "package", ".local-browsers") if places else None
    if explicit:
        return explicit
    if platform == "darwin":
        return str(home / "Library" / "Caches" / "ms-playwright")
    if platform == "win32":
        return os.path.join(environ.get("LOCALAPPDATA") or str(home / "AppData" / "Local"), "ms-playwright")
    return os.path.join(environ.get("XDG_CACHE_HOME") or str(home / ".cache"), "ms-playwright")


def find_chromium(environ: Mapping[str, str] | None = None, platform: str | None = None) -> str | None:
    """The Chromium to drive, or None when there is none; ChromiumSettingError for a wrong DECKGEN_CHROMIUM."""
    explicit = explicit_chromium(environ)
    if explicit:
        return explicit
    return next((path for path in candidates(environ, platform) if is_executable(path)), None)


INSTALL_HINT = (
    "install them with pip install 'deckgen-reveal[pdf]' and apt-get install chromium "
    "(or set DECKGEN_CHROMIUM to a Chromium executable)"
)


def chromium_executable(purpose: str = "this") -> str:
    """Return the Chromium to drive: DECKGEN_CHROMIUM, else the first found on PATH, in install folders, Playwright's."""
    path = find_chromium()  # a wrong DECKGEN_CHROMIUM raises ChromiumSettingError
    if path is None:
        raise BrowserError(f"{purpose} needs Chromium, which was not found ({WHERE}): {INSTALL_HINT}")
    return path


def check_playwright(purpose: str = "this") -> None:
    """Raise BrowserError when Playwright (the `pdf` extra) is not installed."""
    if importlib.util.find_spec("playwright") is None:  # found without importing it: cheap
        raise BrowserError(f"{purpose} needs Playwright and Chromium: {INSTALL_HINT}")


def browser_problem(purpose: str = "this") -> BrowserError | None:
    """Return why no browser can be driven, or None when Playwright and Chromium are there.

    A ChromiumSettingError (DECKGEN_CHROMIUM set to no executable) is never to be passed over, even where the
    browser is optional.
    """
    try:
        explicit_chromium()  # a DECKGEN_CHROMIUM that points nowhere comes first: always an error
        check_playwright(purpose)
        chromium_executable(purpose)
    except BrowserError as exc:
        return exc
    return None
