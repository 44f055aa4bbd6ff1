"""The watcher builds soon after a file is whole (closed after writing, renamed into place), and waits the full
quiet period while a writer may still be at work: over real inotify events, with a quiet period long enough to
tell the two apart."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from deckgen.live.watch import ProjectWatcher

QUIET = 1.0


def _wait_for(calls: list, count: int, timeout: float = 5.0) -> None:
    end = time.monotonic() + timeout
    while len(calls) < count and time.monotonic() < end:
        time.sleep(0.005)
    assert len(calls) >= count, calls


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="close-after-write events are inotify's")
def test_a_whole_file_is_built_at_once_a_file_being_written_waits(tmp_path: Path) -> None:
    project = tmp_path / "p"
    (project / "slides").mkdir(parents=True)
    deck = project / "slides" / "a.md"
    calls: list[tuple[float, set[Path]]] = []
    watcher = ProjectWatcher(project, lambda paths: calls.append((time.monotonic(), paths)), ignore=[], quiet=QUIET)
    watcher.start()
    try:
        written = time.monotonic()
        deck.write_text("# A\n")  # opened, written, closed: whole
        _wait_for(calls, 1)
        assert calls[0][0] - written < QUIET / 2 and deck.resolve() in calls[0][1]
        other = project / "slides" / "b.md"
        temp = project / "slides" / "b.md.tmp"
        temp.write_text("# B\n")
        written = time.monotonic()
        os.replace(temp, other)  # an atomic save: renamed into place
        _wait_for(calls, 2)
        assert calls[1][0] - written < QUIET / 2 and other.resolve() in calls[1][1]
        with deck.open("a") as stream:  # a writer still at work: the file stays open
            stream.write("more\n")
            stream.flush()
            written = time.monotonic()
            _wait_for(calls, 3)
            assert calls[2][0] - written >= QUIET * 0.9
        _wait_for(calls, 4)  # its close: whole now
    finally:
        watcher.stop()
