"""The forked workers: every task done once and in order, a child's exception raised here, a dead child's tasks
done again (test_attacks.py checks the deadline that runs in a child)."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from deckgen.dialect.forked import ChildFailed, fork_call, map_forked


def _pid_and_square(number: int) -> tuple[int, int]:
    time.sleep(0.001)  # long enough for the children to start before this process has done every task
    return os.getpid(), number * number


def test_every_task_once_in_order_on_several_processes() -> None:
    results = map_forked(_pid_and_square, list(range(300)), 3)
    assert [square for _, square in results] == [n * n for n in range(300)]
    assert len({pid for pid, _ in results}) > 1  # the children took tasks too


def _fails_on_seven(number: int) -> int:
    if number == 7:
        raise ValueError("seven is not allowed")
    time.sleep(0.001)
    return number


def test_a_childs_exception_is_raised_in_the_parent() -> None:
    with pytest.raises(ValueError, match="seven is not allowed"):
        map_forked(_fails_on_seven, list(range(40)), 2)


def _dies_unless_parent(parent: int, marks: Path):  # noqa: ANN202 - a factory of task functions
    def work(number: int) -> int:
        if os.getpid() != parent:
            (marks / str(os.getpid())).touch()
            os.kill(os.getpid(), signal.SIGKILL)  # a worker killed (out of memory, say) in the middle of its task
        time.sleep(0.002)
        return number + 1

    return work


def test_a_dead_childs_tasks_are_done_here(tmp_path: Path) -> None:
    assert map_forked(_dies_unless_parent(os.getpid(), tmp_path), list(range(50)), 3) == list(range(1, 51))
    assert len(list(tmp_path.iterdir())) == 2  # both children took a task and died


def test_a_child_killed_without_answer_is_an_error() -> None:
    child = fork_call(time.sleep, 5)
    os.kill(child.pid, signal.SIGKILL)
    with pytest.raises(ChildFailed):
        child.result()


def test_heavy_tasks_go_to_the_children_first_and_meanwhile_runs_here() -> None:
    """This process does its meanwhile work, then the light tasks; the children start with the heavy ones."""
    parent = os.getpid()
    called: list[int] = []
    tasks = list(range(60))
    heavy = [number < 6 for number in tasks]
    results = map_forked(_pid_and_square, tasks, 2, heavy=heavy,
                         meanwhile=lambda: (called.append(os.getpid()), time.sleep(0.05)))
    assert called == [parent]
    assert [square for _, square in results] == [n * n for n in tasks]
    assert all(pid != parent for pid, _ in results[:6])  # taken by the child while this process was busy
    assert any(pid == parent for pid, _ in results[6:])  # and this process still took its share of the rest


def test_without_processes_to_fork_this_process_does_every_task(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse() -> int:
        raise BlockingIOError(11, "Resource temporarily unavailable")

    monkeypatch.setattr(os, "fork", refuse)
    results = map_forked(_pid_and_square, list(range(20)), 4)
    assert results == [(os.getpid(), n * n) for n in range(20)]


def test_a_child_killed_while_sending_its_answer_has_its_tasks_done_here(tmp_path: Path) -> None:
    """An answer bigger than the pipe holds: the child blocks writing it until this process reads, and is killed
    then (out of memory, say). Half an answer is no answer: its tasks are done again here."""
    parent = os.getpid()

    def big(number: int) -> str:
        if os.getpid() != parent:
            (tmp_path / "child").write_text(str(os.getpid()))
        return str(number) * 100_000

    def kill_the_child() -> None:
        deadline = time.monotonic() + 10
        while not (tmp_path / "child").exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.2)  # the child has taken every task and is blocked writing its answer
        os.kill(int((tmp_path / "child").read_text()), signal.SIGKILL)

    results = map_forked(big, list(range(10)), 2, heavy=[True] * 10, meanwhile=kill_the_child)
    assert results == [str(number) * 100_000 for number in range(10)]


def test_without_fork_everything_runs_here(monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows has no fork: many slides render in this process, and a deck's regexes run without a limit."""
    import threading

    from deckgen.dialect import render
    from deckgen.dialect.deadline import run_with_deadline

    monkeypatch.delattr(os, "fork")
    monkeypatch.setattr(render, "_CACHE", {})
    keys = [(f"## Slide {n}\n\n```python\nx = {n}\n```\n", None, False) for n in range(render.PARALLEL_THRESHOLD)]
    slides = render.render_many(keys)
    assert len(slides) == len(keys) and "hljs" in slides[-1].html
    answers: list[int] = []
    thread = threading.Thread(target=lambda: answers.append(run_with_deadline(1, sum, [1, 2, 3])))
    thread.start()
    thread.join(10)
    assert answers == [6]
