"""deckgen init writes every file of the starter project or none: a failure midway leaves the folder as it was."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from projects import make_project, snapshot

from deckgen.cli import main


def _tree(folder: Path) -> list[str]:
    """Every file and folder under folder (hidden ones too)."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*"))




@pytest.mark.parametrize("blocker", ["static", ".github", ".github/workflows"])
def test_init_writes_nothing_when_a_file_is_in_the_way_of_a_folder(
    blocker: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # static/custom.css and .github/workflows/pages.yml come after deckgen.yml and slides/welcome.md.
    root = make_project(tmp_path / "talks", {blocker: "a file where init makes a folder\n", "notes.txt": "mine\n"})
    before = _tree(root)
    assert main(["init", str(root)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: cannot write {root / blocker}/") and err.endswith("; nothing was written\n")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert _tree(root) == before  # no deckgen.yml, no slides/, no temporary file
    assert (root / blocker).read_text() == "a file where init makes a folder\n"


def test_init_with_force_restores_every_replaced_file_after_a_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_project(tmp_path / "talks", {"deckgen.yml": "title: Mine\n", "slides/welcome.md": "# Mine\n",
                                             ".gitignore": "*.pyc\n", ".github": "in the way\n"})
    before = snapshot(root)
    assert main(["init", str(root), "--force"]) == 1
    assert "nothing was written" in capsys.readouterr().err
    assert snapshot(root) == before
    assert _tree(root) == [".github", ".gitignore", "deckgen.yml", "slides", "slides/welcome.md"]


def test_init_into_a_read_only_folder_leaves_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], read_only
) -> None:
    # A shared part, not a deck: init still writes its demo deck there (and cannot).
    root = make_project(tmp_path / "talks", {"slides/_shared/keep.md": "# Keep\n"})
    read_only(root / "slides")  # slides/welcome.md cannot be written; deckgen.yml before it can
    assert main(["init", str(root)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"error: cannot write {root / 'slides/welcome.md'}: ") and "nothing was written" in err
    assert _tree(root) == ["slides", "slides/_shared", "slides/_shared/keep.md"]


def test_init_files_get_the_usual_permissions(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        assert main(["init", str(tmp_path / "talks")]) == 0
    finally:
        os.umask(old)
    root = tmp_path / "talks"
    for path in [root, *root.rglob("*")]:
        assert stat.S_IMODE(path.stat().st_mode) == (0o755 if path.is_dir() else 0o644), path
    assert _tree(root) == [".github", ".github/workflows", ".github/workflows/pages.yml", ".gitignore", "deckgen.yml",
                           "slides", "slides/welcome.md", "static", "static/custom.css"]
