"""What `deckgen build` says: one summary line (with -v too), nothing but warnings and errors with -q, and a
progress line on a terminal only: never in a pipe or a file."""

from __future__ import annotations

import io
import os
import pty
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest
from browser_helpers import private_cache
from projects import make_project

from deckgen.commands.progress import Progress

DECKGEN = str(Path(sys.executable).with_name("deckgen"))  # the installed command
# The command line with the progress line shown at once (DELAY 0): what a long build shows, in a short test.
AT_ONCE = ("import sys; import deckgen.commands.progress as p; p.DELAY = 0; from deckgen.cli import main; "
           "sys.exit(main(sys.argv[1:]))")
TALK = "# Talk\n\n---\n\n## Two\n"
UNKNOWN_KEY = "---\nfooter: x\n---\n# Other\n"


def run_in_terminal(argv: list[str], cwd: Path, timeout: float = 120) -> tuple[int, str]:
    """Run argv with stdout and stderr on a pseudo-terminal; return its exit status and everything it wrote."""
    leader, follower = pty.openpty()
    process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=follower, stderr=follower, cwd=cwd,
                               env={**os.environ, "TERM": "xterm", "COLUMNS": "200"})
    os.close(follower)
    output = b""
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([leader], [], [], 0.1)
            if ready:
                try:
                    data = os.read(leader, 65536)
                except OSError:  # EIO: every end of the terminal is closed
                    break
                if not data:
                    break
                output += data
            elif process.poll() is not None:
                break
    finally:
        os.close(leader)
    return process.wait(timeout=10), output.decode("utf-8", "replace")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "p", {"slides/talk.md": TALK})


def test_verbose_prints_the_summary_once(project: Path) -> None:
    run = subprocess.run([DECKGEN, "build", "-v", "--no-thumbnails"], capture_output=True, text=True, cwd=project,
                         timeout=120)
    assert run.returncode == 0
    summary = f"built 1 deck into {project}/build (2 slides)\n"
    assert run.stdout == summary
    assert "built" not in run.stderr and "slides) into" not in run.stderr


def test_quiet_prints_only_warnings_and_errors(project: Path) -> None:
    def build(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([DECKGEN, "build", "--no-thumbnails", *args], capture_output=True, text=True,
                              cwd=project, timeout=120)

    run = build("-q")
    assert (run.returncode, run.stdout, run.stderr) == (0, "", "")
    (project / "slides/other.md").write_text(UNKNOWN_KEY)
    run = build("--quiet")
    assert (run.returncode, run.stdout) == (0, "")
    assert run.stderr == "slides/other.md:2: warning: unknown key 'footer'\n"
    (project / "slides/broken.md").write_text("---\ntheme: blakc\n---\n# x\n")
    run = build("-q")
    assert run.returncode == 1 and run.stdout == ""
    assert "slides/broken.md:2: key 'theme'" in run.stderr


def test_no_progress_when_stderr_is_not_a_terminal(project: Path) -> None:
    # Even when the line would show at once: a pipe (a CI log, a file) gets no progress at all.
    run = subprocess.run([sys.executable, "-c", AT_ONCE, "build", "--no-thumbnails"], capture_output=True,
                         text=True, cwd=project, timeout=120)
    assert run.returncode == 0
    assert run.stderr == ""
    assert run.stdout == f"built 1 deck into {project}/build (2 slides)\n"


def test_progress_on_a_terminal_is_one_line_erased_at_the_end(project: Path) -> None:
    status, output = run_in_terminal([sys.executable, "-c", AT_ONCE, "build", "--no-thumbnails"], project)
    assert status == 0
    assert "\rdeckgen: rendering the decks " in output
    assert "\rdeckgen: planning 1 deck, 2 slides " in output
    assert f"\rdeckgen: writing {project}/build " in output
    assert "\n" not in output.split("built 1 deck")[0]  # one line, updated in place, until the summary
    assert output.endswith(f"\r\x1b[Kbuilt 1 deck into {project}/build (2 slides)\r\n")  # erased first


def test_a_warning_during_progress_gets_a_line_of_its_own(project: Path) -> None:
    (project / "slides/other.md").write_text(UNKNOWN_KEY)
    status, output = run_in_terminal([sys.executable, "-c", AT_ONCE, "build", "--no-thumbnails"], project)
    assert status == 0
    before, warning, after = output.partition("slides/other.md:2: warning: unknown key 'footer'")
    assert warning and before.endswith("\r\x1b[K")  # the progress line erased, the warning from column 0
    assert "\rdeckgen: " in after  # and the progress goes on under it


def test_quiet_shows_no_progress_on_a_terminal(project: Path) -> None:
    status, output = run_in_terminal([sys.executable, "-c", AT_ONCE, "build", "--no-thumbnails", "-q"], project)
    assert (status, output) == (0, "")


def test_a_quick_build_shows_no_progress() -> None:
    # Nothing is drawn before the delay: a build done in a moment leaves the terminal as it was.
    stream = _Terminal()
    with Progress(stream, delay=60) as progress:
        progress("rendering the decks")
        time.sleep(0.3)  # a few ticks
        progress("writing build")
    assert stream.getvalue() == ""


@pytest.mark.browser
def test_progress_of_the_pictures_through_the_installed_command(
    project: Path, tmp_path: Path, chromium_path: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    private_cache(tmp_path, monkeypatch)  # no picture from an earlier run: Chromium takes it, which takes a moment
    status, output = run_in_terminal([DECKGEN, "build", "--thumbnails"], project)
    assert status == 0, output
    assert "\rdeckgen: pictures of 1 deck in Chromium " in output
    assert output.endswith(f"\r\x1b[Kbuilt 1 deck into {project}/build (2 slides)\r\n")
    assert (project / "build/talk/thumbnail.jpg").is_file()


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_draws_stages_and_erases_them() -> None:
    stream = _Terminal()
    with Progress(stream, delay=0) as progress:
        progress("rendering the decks")
    text = stream.getvalue()
    assert text.startswith("\rdeckgen: rendering the decks ") and text.endswith(" s\x1b[K\r\x1b[K")
    stream = _Terminal()
    with Progress(stream, enabled=False, delay=0) as progress:
        progress("rendering the decks")
    assert stream.getvalue() == ""
