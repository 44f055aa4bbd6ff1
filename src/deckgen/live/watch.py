"""Watch the project with watchdog: filter events, wait for a quiet moment, hand over one batch of changes.

The project folder itself may go away (deleted, moved, replaced by a checkout or a restore from a backup): watchdog's
watch on it then ends for good. The builder thread checks the folder a few times a second while idle and, when it
is back (or is another folder now), watches it again and hands over the folder itself, meaning "anything changed".
"""

from __future__ import annotations

import logging
import os
import threading
import time
import warnings
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

from deckgen.config.options import settings_files

log = logging.getLogger(__name__)

# Events that mean content changed; opening or reading a file (opened, closed_no_write) never does.
_WRITES = {EVENT_TYPE_CREATED, EVENT_TYPE_DELETED, EVENT_TYPE_MODIFIED, EVENT_TYPE_MOVED, EVENT_TYPE_CLOSED}
# Events after which the file is whole: closed after writing (inotify's IN_CLOSE_WRITE), renamed into place,
# deleted. After one of them the builder waits only SETTLED_SECONDS (a burst of saves is still one build);
# after a bare modification (a writer still at work, or a polling observer) the full quiet period.
_SETTLING = {EVENT_TYPE_CLOSED, EVENT_TYPE_MOVED, EVENT_TYPE_DELETED}
_IGNORED_PARTS = {".git", ".hg", ".svn", "__pycache__", "node_modules", ".venv", ".pytest_cache", ".ruff_cache"}
QUIET_SECONDS = 0.02
SETTLED_SECONDS = 0.005
RECHECK_SECONDS = 0.25  # how often, while idle, the builder checks that the project folder is still watched

# watchdog 7's inotify observer warns when a folder deleted and created again gets its watch back; it is harmless.
warnings.filterwarnings("ignore", message=r"Callback with id .* already exists", category=RuntimeWarning,
                        module=r"watchdog\.")


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
        also: list[Path] | None = None,
        poll: bool = False,
        quiet: float = QUIET_SECONDS,
        recheck: float = RECHECK_SECONDS,
    ) -> None:
        super().__init__()
        self.project = project.resolve()
        self._settings = {self.project / "deckgen.yml", *settings_files(self.project)}  # read wherever they are
        self.on_change = on_change
        self.ignore = [p.resolve() for p in ignore]
        self.extra = extra
        # Folders outside the project watched too, not recursively (a --config file kept elsewhere).
        self.also = [p.resolve() for p in also or [] if not p.resolve().is_relative_to(self.project)]
        self.quiet = quiet
        self.recheck = recheck
        self._pending: set[Path] = set()
        self._last_event = 0.0
        self._settled = False
        self._lock = threading.Condition()
        self._stopped = False
        self._identity: tuple[int, int] | None = None
        if poll:
            from watchdog.observers.polling import PollingObserver

            self.observer = PollingObserver(timeout=0.25)
        else:
            from watchdog.observers import Observer

            self.observer = Observer()
        self._thread = threading.Thread(target=self._run, name="deckgen-builder", daemon=True)

    def start(self) -> None:
        """Start watching and the builder thread."""
        self._identity = _identity(self.project)
        self._schedule()
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
        if path == self.project:
            return True  # the project folder itself went away (or came back)
        if any(part in _IGNORED_PARTS for part in path.parts) or is_editor_noise(path):
            return False
        if any(path == p or path.is_relative_to(p) for p in self.ignore):
            return False
        if path in self._settings:
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
        self._add(found, settled=event.event_type in _SETTLING)

    def _add(self, paths: set[Path], *, settled: bool = False) -> None:
        with self._lock:
            self._pending |= paths
            self._last_event = time.monotonic()
            self._settled = settled  # what the last event says of the files: whole, or maybe still written
            self._lock.notify_all()

    def _schedule(self) -> None:
        self.observer.schedule(self, str(self.project), recursive=True)
        for folder in self.also:
            if folder.is_dir():
                self.observer.schedule(self, str(folder), recursive=False)

    def _check_watch(self) -> None:
        """Watch the project folder again when it came back, was replaced, or its watch ended."""
        identity = _identity(self.project)
        watching = bool(self.observer.emitters) and all(e.is_alive() for e in self.observer.emitters)
        if identity is None:
            self._identity = None  # gone: wait for it
            return
        if identity == self._identity and watching:
            return
        log.info("watching %s again", self.project)
        try:
            self.observer.unschedule_all()
            self._schedule()
        except Exception:  # e.g. out of inotify watches: try again at the next check
            log.warning("cannot watch %s again; retrying", self.project, exc_info=log.isEnabledFor(logging.INFO))
            return
        self._identity = identity
        self._add({self.project})  # anything may have changed while it was not watched

    def _run(self) -> None:
        while True:
            batch: set[Path] | None = None
            with self._lock:
                if not self._pending and not self._stopped:
                    self._lock.wait(self.recheck)
                if self._stopped:
                    return
                if self._pending:
                    # Wait until no event came for the quiet period: one save, or a burst of them, is one build.
                    while True:
                        quiet = min(self.quiet, SETTLED_SECONDS) if self._settled else self.quiet
                        remaining = self._last_event + quiet - time.monotonic()
                        if remaining <= 0 or self._stopped:
                            break
                        self._lock.wait(remaining)
                    if self._stopped:
                        return
                    batch, self._pending = self._pending, set()
            if batch is None:
                try:
                    self._check_watch()
                except Exception:
                    log.warning("checking the watch on %s failed", self.project, exc_info=True)
                continue
            try:
                self.on_change(batch)
            except Exception:  # the builder must survive anything; the error is logged with its traceback
                if not self._stopped:  # the temporary site may be gone while stopping: nothing to say
                    log.exception("rebuild failed")


def _identity(folder: Path) -> tuple[int, int] | None:
    try:
        stat = os.stat(folder)
    except OSError:
        return None
    return (stat.st_dev, stat.st_ino)


def _text(path: str | bytes) -> str:
    return path.decode() if isinstance(path, bytes) else path
