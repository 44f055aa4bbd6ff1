"""A git repository for deploy tests: a working copy with a commit on main, its remote a local bare repository."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from projects import make_project

DECK = "---\ntitle: One\n---\n# One\n\n---\n\n## Two\n"


def git(cwd: Path, *args: str) -> str:
    """Run git in cwd; return its output (a failure raises)."""
    done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def make_repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    """A working repository with a commit on main, its remote origin a local bare repository."""
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(tmp_path / "gitconfig"))  # none of the machine's settings
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    for who in ("AUTHOR", "COMMITTER"):
        monkeypatch.setenv(f"GIT_{who}_NAME", "Deck Tester")
        monkeypatch.setenv(f"GIT_{who}_EMAIL", "tester@example.org")
    bare = tmp_path / "remote.git"
    git(tmp_path, "init", "--quiet", "--bare", str(bare))
    work = make_project(tmp_path / "work", {"slides/one.md": DECK, ".gitignore": "build/\n"})
    git(work, "init", "--quiet", "-b", "main")
    git(work, "add", ".")
    git(work, "commit", "--quiet", "-m", "Slides")
    git(work, "remote", "add", "origin", str(bare))
    git(work, "push", "--quiet", "origin", "main")
    return work, bare
