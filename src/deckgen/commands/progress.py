"""A one-line progress display on a terminal: what a long build is doing, updated in place, gone at the end.

Shown only on a terminal (never in a pipe, a file or CI logs), only once the work has taken more than a moment,
and erased before anything else is written to the terminal: a warning logged meanwhile gets a line of its own.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import sys
import threading
import time
from collections.abc import Iterator
from typing import IO, Any

DELAY = 0.4  # seconds of silence before the line appears: quick builds show nothing
TICK = 0.1  # how often the elapsed time is updated
_SPINNER = "|/-\\"

# One lock for every display and for writes to stderr while one runs; held across fork so that a worker
# process forked while the line is redrawn inherits no lock held by a thread that does not exist there.
_LOCK = threading.Lock()
_FORK_GUARD = False


def _guard_forks() -> None:
    global _FORK_GUARD
    if not _FORK_GUARD and hasattr(os, "register_at_fork"):
        os.register_at_fork(before=_before_fork, after_in_parent=_after_fork, after_in_child=_after_fork_in_child)
        _FORK_GUARD = True


def _before_fork() -> None:
    _LOCK.acquire()


def _after_fork() -> None:
    _LOCK.release()


def _after_fork_in_child() -> None:
    Progress.current = None  # the display's thread is not in the child: it draws nothing
    _LOCK.release()


class Progress:
    """Report stages of a task on one updating line of a terminal stream (stderr); a no-op elsewhere.

    Use as a context manager; call it with the stage's text (`progress("rendering the decks")`).
    """

    current: Progress | None = None

    def __init__(self, stream: IO[str] | None = None, *, enabled: bool | None = None, delay: float | None = None,
                 label: str = "deckgen") -> None:
        self.stream = stream if stream is not None else sys.stderr
        if enabled is None:
            enabled = _is_terminal(self.stream)
        self.enabled = enabled
        self.delay = DELAY if delay is None else delay
        self.label = label
        self.stage = ""
        self.shown = ""  # the text on the terminal now ("" when the line is clear)
        self.started = time.monotonic()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._spin = 0

    def __call__(self, stage: str) -> None:
        """Say what is being done now."""
        self.stage = stage
        if self.enabled:
            self._draw()

    def __enter__(self) -> Progress:
        if self.enabled:
            _guard_forks()
            self.started = time.monotonic()
            Progress.current = self
            self._thread = threading.Thread(target=self._run, name="deckgen-progress", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Stop updating and erase the line."""
        if self._thread is not None:
            self._stop.set()
            self._thread.join()
            self._thread = None
        with _LOCK:
            self._clear()
        if Progress.current is self:
            Progress.current = None

    def clear_for_output(self) -> None:
        """Erase the line before other text is written to the terminal (the next tick draws it again)."""
        self._clear()

    def _run(self) -> None:
        while not self._stop.wait(TICK):
            self._draw()

    def _draw(self) -> None:
        elapsed = time.monotonic() - self.started
        if elapsed < self.delay or not self.stage:
            return
        self._spin = (self._spin + 1) % len(_SPINNER)
        text = f"{self.label}: {self.stage} {_SPINNER[self._spin]} {elapsed:.1f} s"
        width = _columns(self.stream) - 1
        if len(text) > width > 0:
            text = text[: max(width - 1, 0)] + "…"
        with _LOCK:
            if self._stop.is_set() and threading.current_thread() is self._thread:
                return
            try:
                self.stream.write(f"\r{text}\x1b[K")
                self.stream.flush()
            except (OSError, ValueError):
                self.enabled = False
                return
            self.shown = text

    def _clear(self) -> None:
        if self.shown:
            try:
                self.stream.write("\r\x1b[K")
                self.stream.flush()
            except (OSError, ValueError):
                pass
            self.shown = ""


@contextlib.contextmanager
def terminal_progress(*, quiet: bool = False) -> Iterator[Progress]:
    """A Progress on stderr when it is a terminal (and not quiet), else one that shows nothing.

    While it runs, stderr (and logging's handlers writing to it) erase the line before writing: a warning or an
    error gets a line of its own, and the line is drawn again under it at the next tick.
    """
    real = sys.stderr
    progress = Progress(real, enabled=False if quiet else None)
    if not progress.enabled:
        yield progress
        return
    wrapped = ClearingStream(real)
    handlers = [handler for handler in logging.getLogger().handlers
                if isinstance(handler, logging.StreamHandler) and handler.stream is real]
    for handler in handlers:
        handler.setStream(wrapped)  # type: ignore[arg-type]
    sys.stderr = wrapped  # type: ignore[assignment]
    try:
        with progress:
            yield progress
    finally:
        sys.stderr = real
        for handler in handlers:
            handler.setStream(real)


class ClearingStream:
    """A text stream (stderr) that erases the progress line before each write, so that messages keep their
    own lines; everything else is the wrapped stream's."""

    def __init__(self, stream: IO[str]) -> None:
        self._stream = stream

    def write(self, text: str) -> int:
        with _LOCK:
            current = Progress.current
            if current is not None and current.stream is self._stream:
                current.clear_for_output()
            return self._stream.write(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty() and os.environ.get("TERM") != "dumb"
    except (AttributeError, ValueError, OSError):
        return False


def _columns(stream: IO[str]) -> int:
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, ValueError, OSError):
        return shutil.get_terminal_size().columns
