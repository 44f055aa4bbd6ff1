"""`deckgen serve`: build into a temporary folder, serve it on loopback, rebuild and push on every save."""

from __future__ import annotations

import errno
import logging
import os
import shutil
import signal
import socket
import sys
import tempfile
import time
import webbrowser
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

from deckgen.errors import DeckgenError

log = logging.getLogger(__name__)


def bind(host: str, port: int, *, tries: int = 20) -> tuple[list[socket.socket], int]:
    """Bind the first free port from port on; say so when the asked one is busy."""
    from tornado.netutil import bind_sockets

    for candidate in range(port, port + tries):
        try:
            sockets = bind_sockets(candidate, address=host)
            return sockets, sockets[0].getsockname()[1]
        except OSError as exc:
            if exc.errno != errno.EADDRINUSE:
                raise DeckgenError(f"cannot listen on {host}:{candidate}: {exc.strerror}") from None
            print(f"port {candidate} is busy; trying {candidate + 1}", file=sys.stderr)
    raise DeckgenError(f"ports {port} to {port + tries - 1} on {host} are all busy; choose one with --port")


def serve(
    project: Path, *, host: str = "127.0.0.1", port: int = 8000, open_browser: bool = False, poll: bool = False,
    config_file: Path | None = None, ready: object = None, profile: str | None = None, only_deck: str | None = None,
) -> int:
    """Run the preview until interrupted (Ctrl-C or SIGTERM); the temporary site is always removed.

    A broken deck, deckgen.yml or template, at start or later, never stops it: the pages show the error.
    profile: the variant to preview (deckgen.yml's profiles:); only_deck: a deck's name, whose page is the
    address printed (and opened) instead of the index.
    """
    from tornado.httpserver import HTTPServer
    from tornado.ioloop import IOLoop

    from deckgen.live.devserver import make_app, push, set_errors
    from deckgen.live.livesite import LiveSite
    from deckgen.live.watch import ProjectWatcher

    project = project.resolve()
    if not (project / "slides").is_dir():
        raise DeckgenError(f"no slides/ folder in {project}: put one deck per slides/NAME.md")
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"warning: serving on {host}: anyone who can reach this machine can read the decks",
              file=sys.stderr)
    sockets, port = bind(host, port)
    out = Path(tempfile.mkdtemp(prefix="deckgen-serve-"))
    previous_term = signal.signal(signal.SIGTERM, _raise_interrupt)
    _quiet_workers()
    try:
        site = LiveSite(project, out, config_file=config_file, profile=profile)
        for noisy in ("livereload", "tornado.access"):  # connection chatter, even with -v
            logging.getLogger(noisy).setLevel(logging.WARNING)
        started = time.perf_counter()
        first = site.build_all()
        log.info("first build in %.0f ms", (time.perf_counter() - started) * 1000)
        for error in first.errors:
            print(str(error), file=sys.stderr)
        set_errors(first.errors)  # a page opened now shows them at once
        loop = IOLoop.current()
        server = HTTPServer(make_app(out, host=host, port=port))
        server.add_sockets(sockets)

        stopping = False

        had_errors = bool(first.errors)

        def rebuild(changed: set[Path]) -> None:
            nonlocal had_errors
            began = time.perf_counter()
            update = site.update(changed)
            if stopping:  # Ctrl-C came during this rebuild: nothing to report
                return
            took = (time.perf_counter() - began) * 1000
            names = ", ".join(sorted(_shown(p, project) for p in changed))
            print(f"rebuilt in {took:.1f} ms after {names}", file=sys.stderr, flush=True)
            for error in update.errors:
                print(str(error), file=sys.stderr)
            if had_errors and not update.errors:
                print("fixed: no errors left", file=sys.stderr, flush=True)
            had_errors = bool(update.errors)
            loop.add_callback(push, update)

        config = site.config_path()
        watcher = ProjectWatcher(project, rebuild, ignore=[out], extra=site.watched_files, also=[config.parent],
                                 poll=poll)
        watcher.start()
        shown = "localhost" if host in ("127.0.0.1", "::1") else host
        url = f"http://{shown}:{port}/" + (f"{quote(only_deck)}/index.html" if only_deck else "")
        print(f"serving {project.name} on {url} (Ctrl-C to stop)", flush=True)
        if open_browser:
            webbrowser.open(url)
        if callable(ready):
            ready(url)
        restore_signals = _stop_loop_on_signals(loop)
        try:
            loop.start()
        finally:
            restore_signals()  # from here a second Ctrl-C interrupts the clean-up itself
            stopping = True
            watcher.stop()
            site.close()  # waits for a write under way: then no rebuild can write into out again
            server.stop()
        print("stopped", file=sys.stderr)
    except KeyboardInterrupt:
        print("stopped", file=sys.stderr)
    finally:
        signal.signal(signal.SIGTERM, previous_term)
        for sock in sockets:
            sock.close()
        shutil.rmtree(out, ignore_errors=True)
    return 0


def _raise_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _stop_loop_on_signals(loop: object) -> Callable[[], None]:
    """While serving, Ctrl-C and SIGTERM stop the event loop from within it, between two callbacks.

    Raising KeyboardInterrupt wherever the main thread happens to be is not enough there: code that catches
    everything (livereload's send_message does) would swallow it and the server would go on. Returns the function
    that puts the raising handlers back (for the clean-up; asyncio would leave SIGTERM at its default).
    """
    aio = getattr(loop, "asyncio_loop", None)
    installed = []
    for signum in (signal.SIGINT, signal.SIGTERM):
        try:
            aio.add_signal_handler(signum, loop.stop)  # type: ignore[union-attr]
            installed.append(signum)
        except (AttributeError, NotImplementedError, RuntimeError, ValueError):
            pass  # no asyncio loop, or not on this platform: the raising handlers stay

    def restore() -> None:
        for signum in installed:
            aio.remove_signal_handler(signum)  # type: ignore[union-attr]
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, _raise_interrupt)

    return restore


_workers_quieted = False


def _quiet_workers() -> None:
    """Processes forked from here (the pool that renders many new slides at once) leave stopping to this one.

    Ctrl-C sends SIGINT to every process of the terminal's group: without this each worker would print its own
    KeyboardInterrupt traceback, and the SIGTERM the pool ends them with would run this process's handler.
    """
    global _workers_quieted
    if _workers_quieted or not hasattr(os, "register_at_fork"):
        return
    _workers_quieted = True

    def in_child() -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_DFL)

    os.register_at_fork(after_in_child=in_child)


def _shown(path: Path, project: Path) -> str:
    """A changed file as the user knows it: relative to the project."""
    try:
        return path.relative_to(project).as_posix()
    except ValueError:
        return str(path)
