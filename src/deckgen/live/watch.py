"""Watch the project with watchdog: filter events, wait for a quiet moment, hand over one batch of changes."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path

from watchdog.events import (
    EVENT_TYPE_CLOSED,
    EVENT_TYPE_CREATED,
    EVENT_TYPE_DELETED,
    EVENT_TYPE_MODIFIED,
    EVENT_TYPE_MOVED,
    FileSystemEvent,
    FileSystemEventHandler,
)

log = logging.getLogger(__name__)

# Events that mean content changed; opening or reading a file (opened, closed_no_write) never does.
_WRITES = {EVENT_TYPE_CREATED, EVENT_TYPE_DELETED, EVENT_TYPE_MODIFIED, EVENT_TYPE_MOVED, EVENT_TYPE_CLOSED}
_IGNORED_PARTS = {".git", ".hg", ".svn", "__pycache__", "node_modules", ".venv", ".pytest_cache", ".ruff_cache"}
QUIET_SECONDS = 0.02


def is_editor_noise(path: Path) -> bool:
    """Temporary and backup files of editors (vim swap files, emacs locks, ~ backups, atomic-save temps)."""
    name = path.name
    return (
        name.startswith((".#", "#", ".~"))
        or name.endswith(("~", ".swp", ".swx", ".swo", ".tmp", ".part", ".crdownload"))
        or name == "4913"  # vim's write test
        or (name.startswith(".") and name not in (".nojekyll",))
    )


class ProjectWatcher(FileSystemEventHandler):
    """Collect relevant changes and call on_change once per burst, from a single builder thread."""

    def __init__(
        self,
        project: Path,
        on_change: Callable[[set[Path]], None],
        *,
        ignore: list[Path],
        extra: Callable[[], set[Path]] = set,
        poll: bool = False,
        quiet: float = QUIET_SECONDS,
    ) -> None:
        super().__init__()
        self.project = project.resolve()
        self.on_change = on_change
        self.ignore = [p.resolve() for p in ignore]
        self.extra = extra
        self.quiet = quiet
        self._pending: set[Path] = set()
        self._last_event = 0.0
        self._lock = threading.Condition()
        self._stopped = False
        if poll:
            from watchdog.observers.polling import PollingObserver

            self.observer = PollingObserver(timeout=0.25)
        else:
            from watchdog.observers import Observer

            self.observer = Observer()
        self._thread = threading.Thread(target=self._run, name="deckgen-builder", daemon=True)

    def start(self) -> None:
        """Start watching and the builder thread."""
        self.observer.schedule(self, str(self.project), recursive=True)
        self.observer.start()
        self._thread.start()

    def stop(self) -> None:
        """Stop watching; pending changes are dropped."""
        with self._lock:
            self._stopped = True
            self._lock.notify_all()
        self.observer.stop()
        self.observer.join(timeout=5)
        self._thread.join(timeout=5)

    def relevant(self, path: Path) -> bool:
        """Whether a change to path can change the site."""
        if any(part in _IGNORED_PARTS for part in path.parts) or is_editor_noise(path):
            return False
        if any(path == p or path.is_relative_to(p) for p in self.ignore):
            return False
        if path == self.project / "deckgen.yml":
            return True
        for folder in ("slides", "templates", "static"):
            if path.is_relative_to(self.project / folder):
                return True
        return path in self.extra()

    def on_any_event(self, event: FileSystemEvent) -> None:  # watchdog's API
        if event.event_type not in _WRITES:
            return
        if event.is_directory and event.event_type == EVENT_TYPE_MODIFIED:
            return
        paths = [event.src_path]
        if event.event_type == EVENT_TYPE_MOVED:
            paths.append(event.dest_path)
        found = {Path(_text(p)) for p in paths}
        found = {p for p in found if self.relevant(p)}
        if not found:
            return
        with self._lock:
            self._pending |= found
            self._last_event = time.monotonic()
            self._lock.notify_all()

    def _run(self) -> None:
        while True:
            with self._lock:
                while not self._pending and not self._stopped:
                    self._lock.wait()
                if self._stopped:
                    return
                # Wait until no event came for the quiet period: one save, or a burst of them, is one build.
                while True:
                    remaining = self._last_event + self.quiet - time.monotonic()
                    if remaining <= 0 or self._stopped:
                        break
                    self._lock.wait(remaining)
                batch, self._pending = self._pending, set()
            try:
                self.on_change(batch)
            except Exception:  # the builder must survive anything; the error is logged with its traceback
                log.exception("rebuild failed")


def _text(path: str | bytes) -> str:
    return path.decode() if isinstance(path, bytes) else path
