"""Run a deck's own regular expressions with a time limit: a separator that backtracks catastrophically
(`(a+)+$`) would otherwise hang the build, or the live preview's builder, for ever.

In the main thread, a timer signal interrupts the match (Python's regex engine checks for signals); in another
thread (the live preview builds in one), the work runs in a forked process that is stopped at the deadline.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")


class DeadlineExceeded(Exception):
    """The work did not finish in time."""


def _interrupt(signum: int, frame: Any) -> None:
    raise DeadlineExceeded


def run_with_deadline(seconds: float, work: Callable[..., T], *args: Any) -> T:
    """Return work(*args), or raise DeadlineExceeded after seconds."""
    if threading.current_thread() is threading.main_thread() and hasattr(signal, "setitimer"):
        previous = signal.signal(signal.SIGALRM, _interrupt)
        signal.setitimer(signal.ITIMER_REAL, seconds)
        try:
            return work(*args)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, previous)
    if not hasattr(os, "fork"):  # Windows: neither a timer signal nor fork; the work runs without a limit
        return work(*args)
    from deckgen.dialect.forked import ChildTimeout, fork_call

    child = fork_call(work, *args)
    try:
        return child.result(timeout=seconds)
    except ChildTimeout:
        raise DeadlineExceeded from None
    finally:
        child.stop()
