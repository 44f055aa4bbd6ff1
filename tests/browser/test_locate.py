"""Chromium is found where users have it; a DECKGEN_CHROMIUM that points nowhere is a one-line error.

Every test makes fake executables in a temporary PATH / HOME: nothing is installed, no browser is started.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from browser_helpers import private_cache
from projects import make_project

from deckgen.browser.chromium import BrowserError, browser_problem, chromium_executable
from deckgen.browser.locate import ChromiumSettingError, candidates, find_chromium
from deckgen.cli import main

MAC_CHROME = "Google Chrome.app/Contents/MacOS/Google Chrome"
MAC_CHROMIUM = "Chromium.app/Contents/MacOS/Chromium"


def _exe(path: Path) -> str:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("#!/bin/sh\nexit 0\n")
    path.chmod(0o755)
    return str(path)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """An environment with an empty PATH folder and an empty HOME: nothing to find yet."""
    (tmp_path / "bin").mkdir()
    (tmp_path / "home").mkdir()
    return {"PATH": str(tmp_path / "bin"), "HOME": str(tmp_path / "home")}


def test_nothing_found(env: dict[str, str]) -> None:
    for platform in ("linux", "darwin", "win32"):
        if platform == "darwin" and any(Path("/Applications", app).exists() for app in (MAC_CHROME, MAC_CHROMIUM)):
            continue  # a real Chrome on this Mac
        assert find_chromium(env, platform) is None


@pytest.mark.parametrize(("present", "found"), [
    (["google-chrome"], "google-chrome"),  # GitHub's runners: Google Chrome on PATH, no DECKGEN_CHROMIUM needed
    (["google-chrome-stable"], "google-chrome-stable"),
    (["chromium-browser", "google-chrome"], "chromium-browser"),
    (["google-chrome-stable", "google-chrome", "chromium"], "chromium"),
])
def test_path_names_in_order(env: dict[str, str], tmp_path: Path, present: list[str], found: str) -> None:
    for name in present:
        _exe(tmp_path / "bin" / name)
    assert find_chromium(env, "linux") == str(tmp_path / "bin" / found)


def test_a_file_that_is_not_executable_is_passed_over(env: dict[str, str], tmp_path: Path) -> None:
    (tmp_path / "bin" / "chromium").write_text("not a program\n")
    chrome = _exe(tmp_path / "bin" / "google-chrome")
    assert find_chromium(env, "linux") == chrome


def test_deckgen_chromium_comes_first(env: dict[str, str], tmp_path: Path) -> None:
    _exe(tmp_path / "bin" / "chromium")
    mine = _exe(tmp_path / "opt" / "my-chrome")
    assert find_chromium({**env, "DECKGEN_CHROMIUM": mine}, "linux") == mine
    assert find_chromium({**env, "DECKGEN_CHROMIUM": ""}, "linux") == str(tmp_path / "bin" / "chromium")


def test_macos_applications(env: dict[str, str], tmp_path: Path) -> None:
    home = Path(env["HOME"])
    places = list(candidates(env, "darwin"))
    assert places[:4] == ["/Applications/" + MAC_CHROME, "/Applications/" + MAC_CHROMIUM,
                          str(home / "Applications" / MAC_CHROME), str(home / "Applications" / MAC_CHROMIUM)]
    if any(Path(place).exists() for place in places[:2]):
        pytest.skip("a real Chrome in /Applications")
    chromium = _exe(home / "Applications" / MAC_CHROMIUM)
    assert find_chromium(env, "darwin") == chromium
    chrome = _exe(home / "Applications" / MAC_CHROME)
    assert find_chromium(env, "darwin") == chrome
    brew = _exe(tmp_path / "bin" / "chromium")  # Homebrew's link on PATH comes before the apps
    assert find_chromium(env, "darwin") == brew


def test_windows_program_files(env: dict[str, str], tmp_path: Path) -> None:
    folders = {"PROGRAMFILES": tmp_path / "pf", "PROGRAMFILES(X86)": tmp_path / "pf86",
               "LOCALAPPDATA": tmp_path / "local"}
    env = {**env, **{name: str(path) for name, path in folders.items()}}
    chromium = _exe(tmp_path / "local" / "Chromium" / "Application" / "chrome.exe")
    assert find_chromium(env, "win32") == chromium
    user = _exe(tmp_path / "local" / "Google" / "Chrome" / "Application" / "chrome.exe")
    assert find_chromium(env, "win32") == user
    x86 = _exe(tmp_path / "pf86" / "Google" / "Chrome" / "Application" / "chrome.exe")
    assert find_chromium(env, "win32") == x86
    system = _exe(tmp_path / "pf" / "Google" / "Chrome" / "Application" / "chrome.exe")
    assert find_chromium(env, "win32") == system
    assert list(candidates({"PATH": env["PATH"], "HOME": env["HOME"]}, "win32"))[0] == os.path.join(
        "C:\\Program Files", "Google", "Chrome", "Application", "chrome.exe")  # the default without the variable


@pytest.mark.parametrize(("platform", "cache", "inside"), [
    ("linux", ".cache/ms-playwright", "chrome-linux64/chrome"),
    ("linux", ".cache/ms-playwright", "chrome-linux/chrome"),  # an older Playwright's Chromium build
    ("darwin", "Library/Caches/ms-playwright",
     "chrome-mac-arm64/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing"),
    ("win32", "local/ms-playwright", "chrome-win64/chrome.exe"),
])
def test_playwright_browsers(env: dict[str, str], tmp_path: Path, platform: str, cache: str, inside: str) -> None:
    if platform == "darwin" and any(Path("/Applications", app).exists() for app in (MAC_CHROME, MAC_CHROMIUM)):
        pytest.skip("a real Chrome in /Applications")
    env = {**env, "LOCALAPPDATA": str(Path(env["HOME"]) / "local")}
    folder = Path(env["HOME"]) / cache
    _exe(folder / "chromium-999" / inside)
    newest = _exe(folder / "chromium-1255" / inside)
    _exe(folder / "chromium_headless_shell-1300" / "chrome-headless-shell-linux64" / "chrome-headless-shell")
    assert find_chromium(env, platform) == newest


def test_playwright_headless_shell_and_browsers_path(env: dict[str, str], tmp_path: Path) -> None:
    shell = _exe(Path(env["HOME"]) / ".cache/ms-playwright/chromium_headless_shell-1255" /
                 "chrome-headless-shell-linux64" / "chrome-headless-shell")
    assert find_chromium(env, "linux") == shell
    moved = _exe(tmp_path / "browsers" / "chromium-1255" / "chrome-linux64" / "chrome")
    assert find_chromium({**env, "PLAYWRIGHT_BROWSERS_PATH": str(tmp_path / "browsers")}, "linux") == moved
    xdg = _exe(tmp_path / "xdg" / "ms-playwright" / "chromium-1255" / "chrome-linux64" / "chrome")
    assert find_chromium({**env, "XDG_CACHE_HOME": str(tmp_path / "xdg")}, "linux") == xdg


@pytest.mark.parametrize(("kind", "why"), [
    ("missing", "does not exist"), ("folder", "is a folder, not an executable"),
    ("plain", "is not an executable file"),
])
def test_a_wrong_deckgen_chromium_is_an_error(env: dict[str, str], tmp_path: Path, kind: str, why: str) -> None:
    _exe(tmp_path / "bin" / "chromium")  # there, and still not used instead
    target = tmp_path / "chrome"
    if kind == "folder":
        target.mkdir()
    elif kind == "plain":
        target.write_text("not a program\n")
        target.chmod(stat.S_IRUSR | stat.S_IWUSR)
    with pytest.raises(ChromiumSettingError) as error:
        find_chromium({**env, "DECKGEN_CHROMIUM": str(target)}, "linux")
    assert str(error.value).startswith(f"DECKGEN_CHROMIUM={target} {why}: set DECKGEN_CHROMIUM to a Chromium or ")


def test_not_found_names_where_it_looked(env: dict[str, str], monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("DECKGEN_CHROMIUM", "PLAYWRIGHT_BROWSERS_PATH", "XDG_CACHE_HOME"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PATH", env["PATH"])
    monkeypatch.setenv("HOME", env["HOME"])
    if os.name != "posix" or Path("/Applications", MAC_CHROME).exists():
        pytest.skip("a real Chrome in a fixed place")
    with pytest.raises(BrowserError) as error:
        chromium_executable("PDF export")
    message = str(error.value)
    assert message.startswith("PDF export needs Chromium, which was not found (chromium or google-chrome on PATH")
    assert "apt-get install chromium" in message and "\n" not in message


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    private_cache(tmp_path, monkeypatch)
    return make_project(tmp_path / "project", {"slides/talk.md": "# Talk\n"})


@pytest.mark.parametrize("args", [["build"], ["build", "--thumbnails"], ["build", "--pdf"], ["pdf", "talk"]])
def test_every_command_that_may_use_a_browser_refuses_a_wrong_deckgen_chromium(
    project: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    monkeypatch.setenv("DECKGEN_CHROMIUM", "/nonexistent")
    monkeypatch.chdir(project)
    assert main(args) == 1
    err = capsys.readouterr().err
    assert err == ("error: DECKGEN_CHROMIUM=/nonexistent does not exist: set DECKGEN_CHROMIUM to a Chromium or "
                   "Google Chrome executable, or unset it to let deckgen find one (chromium or google-chrome on PATH, "
                   "Chrome or Chromium in the usual install folders, Playwright's browsers)\n")
    assert not (project / "build").exists() and not (project / "talk.pdf").exists()
    assert isinstance(browser_problem("x"), ChromiumSettingError)


def test_a_build_without_pictures_uses_no_browser(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DECKGEN_CHROMIUM", "/nonexistent")
    assert main(["build", str(project), "--no-thumbnails"]) == 0
    assert (project / "build" / "talk" / "index.html").exists()
