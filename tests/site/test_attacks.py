"""Regression tests of what an attack found: hostile YAML, regexes, links and inputs get a message, never a
traceback, a hang or a leak; the previous build/ stays as it was."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from projects import make_project, snapshot

from deckgen.commands.build import build
from deckgen.dialect.deadline import DeadlineExceeded, run_with_deadline
from deckgen.errors import DeckgenError


def run(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "deckgen", "build", str(project), "--no-thumbnails", *args],
                          capture_output=True, text=True, timeout=120)


def failed_cleanly(project: Path, expected: str) -> str:
    """Build a project whose previous build/ exists; the build fails with expected, build/ is unchanged."""
    good = project / "slides" / "good.md"
    good.write_text("# Good\n")
    first = run(project)
    assert first.returncode in (0, 1), first.stderr
    before = snapshot(project / "build") if (project / "build").exists() else None
    result = run(project)
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert expected in result.stderr, result.stderr
    if before is not None:
        assert snapshot(project / "build") == before
    return result.stderr


# -- YAML ------------------------------------------------------------------------------------------------------

def test_an_impossible_date_stays_the_text_written(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"slides/talk.md": "---\ndate: 2024-02-30\nauthor: A\n---\n# T\n"})
    result = build(project, tmp_path / "out")
    assert result.decks[0].options.date == "2024-02-30"
    assert "2024-02-30" in (tmp_path / "out" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(("front", "expected"), [
    ("revealOptions:\n  x: !!set {a: null}", "talk.md:3:6: YAML syntax error: the tag tag:yaml.org,2002:set is not"),
    ("revealOptions:\n  x: !!binary aGVsbG8=", "talk.md:3:6: YAML syntax error: the tag tag:yaml.org,2002:binary"),
    ("revealOptions: &a\n  x: *a", "talk.md:2: YAML alias refers to itself"),
    ("a: &a [x,x,x,x,x,x,x,x,x,x]\nb: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
     "revealOptions: {x: [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]}", "YAML aliases expand to more than 10,000 values"),
    ("revealOptions: {x: " + "[" * 600 + "]" * 600 + "}", "talk.md:2: YAML nested too deeply"),
])
def test_yaml_that_json_cannot_hold_or_that_explodes_is_an_error(tmp_path: Path, front: str, expected: str) -> None:
    project = make_project(tmp_path, {"slides/talk.md": f"---\n{front}\n---\n# T\n"})
    failed_cleanly(project, expected)


# -- time ------------------------------------------------------------------------------------------------------

def test_a_separator_that_backtracks_for_ever_is_stopped(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"slides/talk.md": "---\nseparator: '(a+)+$'\n---\n" + "a" * 40 + "b\n"})
    started = time.monotonic()
    stderr = failed_cleanly(project, "talk.md:2: the deck's separator regexes took more than 2 s")
    assert time.monotonic() - started < 30 and "simplify separator" in stderr


def test_the_deadline_also_holds_outside_the_main_thread() -> None:
    # The live preview builds in a thread, where no timer signal can interrupt: the work runs in a process.
    import re

    outcome: list[object] = []

    def work() -> None:
        try:
            run_with_deadline(0.5, re.compile(r"(a+)+$").search, "a" * 40 + "b")
            outcome.append("finished")
        except DeadlineExceeded:
            outcome.append("stopped")

    thread = threading.Thread(target=work)
    started = time.monotonic()
    thread.start()
    thread.join(20)
    assert outcome == ["stopped"] and time.monotonic() - started < 10
    assert run_with_deadline(1.0, sum, [1, 2]) == 3


@pytest.mark.parametrize("markdown", [
    "[" * 8000,
    "\n".join('- x <!-- .element: class="fragment" -->' for _ in range(1500)),
    "*a " * 20000,
    "<a" * 20000,
    ">" * 20000 + " x",
    "`" * 20000 + "x",
    "<div>" * 10000,
])
def test_inputs_under_100_kb_build_in_under_two_seconds(tmp_path: Path, markdown: str) -> None:
    project = make_project(tmp_path, {"slides/talk.md": "# T\n\n" + markdown + "\n"})
    build(project, tmp_path / "out")  # the assets are copied once, untimed
    started = time.perf_counter()
    build(project, tmp_path / "out2")
    assert time.perf_counter() - started < 2.0


# -- nothing outside the project is read -----------------------------------------------------------------------

@pytest.mark.parametrize(("link", "target", "expected"), [
    ("slides/leak.md", "secret.md", "leak.md: deck 'leak.md' is a link to"),
    ("static/leak.txt", "secret.md", "static/leak.txt: file 'leak.txt' is a link to"),
    ("templates/deck.html", "secret.md", "templates/deck.html: template 'deck.html' is a link to"),
])
def test_links_that_resolve_outside_the_project_are_refused(
    tmp_path: Path, link: str, target: str, expected: str
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / target).write_text("# SECRET CONTENT\n")
    project = make_project(tmp_path / "p", {"slides/talk.md": "# T\n", "static/ok.css": "", "templates/x.html": ""})
    (project / link).unlink(missing_ok=True)
    (project / link).symlink_to(outside / target)
    stderr = failed_cleanly(project, expected)
    assert "outside the project; deckgen never reads it" in stderr
    assert not any(b"SECRET" in data for data in snapshot(project / "build").values())


@pytest.mark.parametrize("folder", ["slides", "static", "templates"])
def test_project_folders_that_link_outside_are_refused(tmp_path: Path, folder: str) -> None:
    outside = tmp_path / "outside"
    (outside / "slides").mkdir(parents=True)
    (outside / "slides" / "leak.md").write_text("# SECRET\n")
    project = make_project(tmp_path / "p", {"slides/talk.md": "# T\n"})
    if folder == "slides":
        (project / "slides").rename(tmp_path / "moved")
        (outside / "slides" / "talk.md").write_text("# T\n")
    (project / folder).symlink_to(outside / "slides", target_is_directory=True)
    result = run(project)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert f"the {folder}/ folder '{folder}' is a link to" in result.stderr


# -- errors that were tracebacks --------------------------------------------------------------------------------

def test_runtime_errors_in_a_template_name_its_line(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"slides/talk.md": "# T\n",
                                      "templates/deck.html": "<html>\n<body>\n{{ 1 // 0 }}\n</body></html>"})
    failed_cleanly(project, "templates/deck.html:3: template error: ZeroDivisionError: integer division or modulo")


def test_a_template_that_extends_itself_is_an_error(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"slides/talk.md": "# T\n", "templates/deck.html": '{% extends "deck.html" %}'})
    failed_cleanly(project, "template deck.html includes or extends itself without end")


def test_stylesheets_that_import_each_other_build(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"slides/talk.md": "---\ncss: a.css\n---\n# T\n",
                                      "slides/a.css": "@import 'b.css';\n", "slides/b.css": "@import 'a.css';\n"})
    build(project, tmp_path / "out")
    assert (tmp_path / "out" / "files" / "slides" / "b.css").is_file()


@pytest.mark.parametrize("name", ["index.html", "INDEX.HTML", "vendor", "Static"])
def test_a_deck_cannot_take_the_name_of_a_site_file(tmp_path: Path, name: str) -> None:
    project = make_project(tmp_path, {f"slides/{name}.md": "# T\n"})
    with pytest.raises(DeckgenError, match=f"a deck cannot be named '{name}'"):
        build(project, tmp_path / "out")


def test_deck_names_are_encoded_where_they_become_urls(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"slides/a b#?%.md": "# Odd\n", "slides/two.md": "# Two\n\n[odd](a%20b%23%3F%25.md)\n"})
    build(project, tmp_path / "out")
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert 'href="a%20b%23%3F%25/index.html"' in index and 'href="a%20b%23%3F%25/index.html?speaker"' in index
    assert (tmp_path / "out" / "a b#?%" / "index.html").is_file()
    two = (tmp_path / "out" / "two" / "index.html").read_text(encoding="utf-8")
    assert 'href="../a%20b%23%3F%25/index.html"' in two


def test_a_deck_html_depends_only_on_its_own_source(tmp_path: Path) -> None:
    shared = "# Same\n\n## Heading\n\nA[^1]\n\n[^1]: note\n\n---\n\n## Heading\n"
    alone = make_project(tmp_path / "alone", {"slides/b.md": shared})
    together = make_project(tmp_path / "together", {"slides/a.md": "## Heading\n\n" * 50 + "[^1]\n\n[^1]: x\n",
                                                    "slides/b.md": shared})
    build(alone, tmp_path / "o1")
    build(together, tmp_path / "o2")
    section = lambda out: (out / "b" / "index.html").read_text(encoding="utf-8").split('<div class="slides">')[1]  # noqa: E731
    assert section(tmp_path / "o1") == section(tmp_path / "o2")


def test_no_traceback_even_when_the_environment_is_odd(tmp_path: Path) -> None:
    project = make_project(tmp_path, {"slides/talk.md": "# T\n"})
    env = {**os.environ, "DECKGEN_CACHE_DIR": str(tmp_path / "cache-is-a-file")}
    (tmp_path / "cache-is-a-file").write_text("x")
    result = subprocess.run([sys.executable, "-m", "deckgen", "build", str(project), "--no-thumbnails"],
                            capture_output=True, text=True, timeout=120, env=env)
    assert result.returncode == 1 and "Traceback" not in result.stderr and result.stderr.strip()
