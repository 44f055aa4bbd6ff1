"""`deckgen --version` answers before anything heavy is imported: no argparse, logging, pathlib, re, no stage.

Not a timing test: the modules a run imports (python -X importtime) are compared with a bare interpreter's.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from deckgen import __version__

# What the console script `deckgen` does (see [project.scripts]), with the arguments it is given.
CONSOLE_SCRIPT = "import sys; sys.argv = ['deckgen', *sys.argv[1:]]; from deckgen.cli import run; sys.exit(run())"
# Modules that must never load for --version: the command line's and logging's heavy imports.
HEAVY = {"argparse", "logging", "pathlib", "re", "enum", "gettext", "textwrap", "shutil", "locale", "typing",
         "traceback", "threading", "fnmatch", "urllib.parse", "importlib.resources", "importlib.metadata"}


def _imported(*args: str, cwd: Path) -> tuple[list[str], str]:
    """The modules `python -X importtime ARGS` imports, in order, and what it prints."""
    run = subprocess.run([sys.executable, "-X", "importtime", *args], capture_output=True, text=True, cwd=cwd,
                         timeout=60)
    assert run.returncode == 0, run.stderr
    modules = [line.rpartition("|")[2].strip() for line in run.stderr.splitlines()
               if line.startswith("import time:") and not line.rstrip().endswith("imported package")]
    assert modules, run.stderr
    return modules, run.stdout


@pytest.fixture(scope="module")
def bare(tmp_path_factory: pytest.TempPathFactory) -> set[str]:
    """The modules a bare interpreter imports on this machine (site, .pth files, sitecustomize)."""
    modules, _ = _imported("-c", "pass", cwd=tmp_path_factory.mktemp("bare"))
    return set(modules)


@pytest.mark.parametrize("code", [CONSOLE_SCRIPT, "from deckgen.cli import main; main(['--version'])"],
                         ids=["console-script", "main-argv"])
def test_version_imports_nothing_but_the_cli(code: str, bare: set[str], tmp_path: Path) -> None:
    modules, out = _imported("-c", code, "--version", cwd=tmp_path)
    assert out == f"deckgen {__version__}\n"
    extra = [name for name in modules if name not in bare]
    assert sorted(set(extra) & HEAVY) == []
    assert [name for name in extra if name.startswith("deckgen")] == ["deckgen", "deckgen.cli"]
    # Nothing else at all: one more import anywhere in deckgen/__init__.py or cli.py's top shows up here.
    assert set(extra) <= {"deckgen", "deckgen.cli", "__future__"}, extra


def test_python_m_deckgen_version_imports_no_stage(tmp_path: Path) -> None:
    modules, out = _imported("-m", "deckgen", "--version", cwd=tmp_path)
    assert out == f"deckgen {__version__}\n"
    assert sorted(set(modules) & HEAVY) == []  # runpy's own imports aside, as for the console script
    assert [name for name in modules if name.startswith("deckgen")] == ["deckgen", "deckgen.cli"]


def test_anything_else_still_goes_through_argparse(tmp_path: Path) -> None:
    # Only exactly `--version` takes the fast path; help and the commands are argparse's as before.
    modules, out = _imported("-c", CONSOLE_SCRIPT, "build", "--help", cwd=tmp_path)
    assert "argparse" in modules and "usage: deckgen build" in out
    run = subprocess.run([sys.executable, "-c", CONSOLE_SCRIPT, "--version", "build"], capture_output=True,
                         text=True, cwd=tmp_path, timeout=60)
    assert run.returncode == 0 and run.stdout == f"deckgen {__version__}\n"  # argparse's version action


def test_the_command_flushes_what_it_says_and_exits_with_its_status(tmp_path: Path) -> None:
    """The console script ends the process without the interpreter's clean-up: what it printed and logged still
    reaches a pipe, and its status is the command's."""
    (tmp_path / "slides").mkdir()
    (tmp_path / "slides" / "talk.md").write_text("---\ntitel: Talk\n---\n# Talk\n\n---\n\n## Two\n", encoding="utf-8")
    (tmp_path / "slides" / "other.md").write_text("---\ntheme: nope\n---\n# Other\n", encoding="utf-8")

    def deckgen(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([sys.executable, "-c", CONSOLE_SCRIPT, *args], capture_output=True, text=True,
                              cwd=tmp_path, timeout=120)

    failed = deckgen("build", "--no-thumbnails")
    assert failed.returncode == 1 and "theme" in failed.stderr and "nope" in failed.stderr
    (tmp_path / "slides" / "other.md").unlink()
    built = deckgen("build", "--no-thumbnails")
    assert built.returncode == 0, built.stderr
    assert built.stdout == f"built 1 deck into {(tmp_path / 'build').resolve()} (2 slides)\n"
    assert "titel" in built.stderr and "title" in built.stderr  # a warning logged, flushed before the end
    listed = deckgen("list", "--json")
    assert listed.returncode == 0 and '"name": "talk"' in listed.stdout and listed.stdout.endswith("\n")


@pytest.mark.browser
def test_a_build_with_every_picture_cached_loads_no_browser_module(tmp_path: Path, chromium_path: str) -> None:
    """The pictures of unchanged decks come from the cache: asyncio, the site's web server and the browser's
    modules are not even imported (they cost tens of ms a build)."""
    project = tmp_path / "p"
    (project / "slides").mkdir(parents=True)
    (project / "slides" / "a.md").write_text("# A\n\n---\n\n# B\n")
    first = subprocess.run([sys.executable, "-c", CONSOLE_SCRIPT, "build", str(project), "--thumbnails"],
                           capture_output=True, text=True, timeout=300, env={**os.environ, "DECKGEN_CHROMIUM": chromium_path})
    assert first.returncode == 0, first.stderr
    modules, _ = _imported("-c", CONSOLE_SCRIPT, "build", str(project), "--thumbnails", cwd=tmp_path)
    assert "deckgen.browser.session" in modules  # the pictures were asked for, and came from the cache
    assert sorted({"asyncio", "http.server", "deckgen.browser.chromium", "playwright"} & set(modules)) == []
