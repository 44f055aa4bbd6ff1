"""Work in forked child processes, results back through pipes: the render workers (every core takes tasks from
one queue) and the time limit on a deck's own regular expressions.

Lighter than multiprocessing's pools (no pool threads, no extra imports: about 20 ms less per build). A child that
dies without an answer is noticed, and its tasks are done again in this process.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import select
import signal
import struct
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")
# The task queue is a pipe filled before any process reads it: it must hold every task number at once, and a pipe
# holds at least one page (4 KiB) even when the user's pipes are at the system's limit.
MAX_TASKS = 1024
_TASK = struct.Struct("<I")


class ChildFailed(Exception):
    """The child process ended without giving a result (killed, out of memory)."""


class ChildTimeout(Exception):
    """The child process did not answer in time."""


class Child:
    """A forked call: its process and the read end of the pipe its result comes through."""

    def __init__(self, pid: int, fd: int) -> None:
        self.pid, self.fd = pid, fd
        self._done = False

    def result(self, timeout: float | None = None) -> Any:
        """Wait for the call's return value; its exception is raised here. ChildTimeout after timeout seconds."""
        data = self._read(timeout)
        status = self._reap()
        try:
            if status != 0:
                raise ValueError(f"exit status {status}")
            ok, value = pickle.loads(data)
        except Exception:  # noqa: BLE001 - no answer, or half of one: the child died while writing it
            raise ChildFailed("a worker process ended without an answer (was it killed, or out of memory?)") from None
        if not ok:
            raise value
        return value

    def stop(self) -> None:
        """End the child if it still runs (Ctrl-C, a deadline) and release its pipe."""
        if self._done:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        self._reap()

    def _read(self, timeout: float | None) -> bytes:
        chunks: list[bytes] = []
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            if deadline is not None:
                left = deadline - time.monotonic()
                if left <= 0 or not select.select([self.fd], [], [], left)[0]:
                    raise ChildTimeout
            chunk = os.read(self.fd, 1 << 20)
            if not chunk:
                return b"".join(chunks)
            chunks.append(chunk)

    def _reap(self) -> int:
        """Close the pipe and wait for the child; return its exit status (-N: ended by signal N)."""
        if self._done:
            return 0
        self._done = True
        os.close(self.fd)
        return os.waitstatus_to_exitcode(os.waitpid(self.pid, 0)[1])


def fork_call(work: Callable[..., Any], *args: Any) -> Child:
    """Start work(*args) in a child process forked from this one (it shares everything loaded so far)."""
    read_fd, write_fd = os.pipe()
    try:
        pid = os.fork()
    except OSError:  # no process left (a limit, memory): the caller decides what to do without one
        os.close(read_fd)
        os.close(write_fd)
        raise
    if pid == 0:  # the child: never returns
        status = 1
        try:
            os.close(read_fd)
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
            payload = _answer(work, args)
            with os.fdopen(write_fd, "wb") as pipe:
                pipe.write(payload)
            status = 0
        finally:
            os._exit(status)  # no atexit handlers, no second flush of the parent's buffers
    os.close(write_fd)
    return Child(pid, read_fd)


def _answer(work: Callable[..., Any], args: tuple[Any, ...]) -> bytes:
    try:
        return pickle.dumps((True, work(*args)), protocol=pickle.HIGHEST_PROTOCOL)
    except BaseException as exc:  # noqa: BLE001 - handed to the parent, which raises it
        try:
            return pickle.dumps((False, exc), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception:  # noqa: BLE001 - an exception that cannot be pickled: its text, then
            return pickle.dumps((False, RuntimeError(f"{type(exc).__name__}: {exc}")))


def map_forked(
    work: Callable[[T], R],
    tasks: Sequence[T],
    workers: int,
    *,
    heavy: Sequence[bool] | None = None,
    meanwhile: Callable[[], object] | None = None,
) -> list[R]:
    """[work(task) for task in tasks], done by this process and workers - 1 forked children.

    Every process takes the next task from a queue (a pipe holding task numbers; reads of 4 bytes from a pipe
    are atomic), so each stays busy until the end. Tasks marked heavy (those that need a costly set-up, such as a
    code lexer) sit in a second queue, which the children empty first and this process last: this process then
    seldom pays for the set-up. meanwhile runs here while the children start working (the caller's next stage
    can load then); they take over its share of the tasks.
    """
    if workers <= 1 or len(tasks) <= 1:
        return [work(task) for task in tasks]
    if len(tasks) > MAX_TASKS:
        raise ValueError(f"at most {MAX_TASKS} tasks, not {len(tasks)}")
    flags = list(heavy) if heavy is not None else [False] * len(tasks)
    light_queue = _queue([index for index, flag in enumerate(flags) if not flag])
    try:
        heavy_queue = _queue([index for index, flag in enumerate(flags) if flag])
    except BaseException:
        os.close(light_queue)
        raise
    children: list[Child] = []
    try:
        for _ in range(workers - 1):
            try:
                children.append(fork_call(_take_tasks, work, tasks, (heavy_queue, light_queue)))
            except OSError:  # no more processes: those started and this one do the tasks
                break
        if meanwhile is not None:
            meanwhile()
        done = _take_tasks(work, tasks, (light_queue, heavy_queue))
        for child in children:
            with contextlib.suppress(ChildFailed):  # its tasks are gone from the queues: done again below
                done.update(child.result())
    finally:
        os.close(light_queue)
        os.close(heavy_queue)
        for child in children:
            child.stop()
    return [done[index] if index in done else work(tasks[index]) for index in range(len(tasks))]


def _queue(indexes: list[int]) -> int:
    """A pipe holding these task numbers, closed for writing (reads return nothing once it is empty)."""
    queue, feed = os.pipe()
    try:
        data = memoryview(b"".join(_TASK.pack(index) for index in indexes))
        while data:
            data = data[os.write(feed, data) :]
    except BaseException:
        os.close(queue)
        raise
    finally:
        os.close(feed)
    return queue


def _take_tasks(work: Callable[[T], R], tasks: Sequence[T], queues: tuple[int, ...]) -> dict[int, R]:
    done: dict[int, R] = {}
    for queue in queues:
        while len(data := os.read(queue, _TASK.size)) == _TASK.size:
            index = _TASK.unpack(data)[0]
            done[index] = work(tasks[index])
    return done
