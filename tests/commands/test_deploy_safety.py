"""deckgen deploy never drops commits, never writes over sources, never moves a checked-out branch, and publishes
only a site deckgen built: real repositories, their remote a bare repository under tmp_path."""

from __future__ import annotations

from pathlib import Path

import pytest
from gitrepos import DECK, git, make_repo
from projects import make_project, snapshot

from deckgen.cli import main


def _files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def _tree(repo: Path, ref: str) -> list[str]:
    return sorted(git(repo, "ls-tree", "-r", "--name-only", ref).splitlines())


def _refs(repo: Path) -> str:
    return git(repo, "for-each-ref", "--format=%(refname) %(objectname)", "refs/heads")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    return make_repo(tmp_path, monkeypatch)


def _push_branch(tmp_path: Path, bare: Path, branch: str, files: dict[str, str], message: str = "Pages") -> str:
    """Push a branch of one commit holding files (none: an empty tree) to bare, from a scratch repository."""
    scratch = make_project(tmp_path / f"scratch-{branch}", files)
    scratch.mkdir(exist_ok=True)
    git(scratch, "init", "--quiet", "-b", branch)
    git(scratch, "add", "-A")
    git(scratch, "commit", "--quiet", "--allow-empty", "-m", message)
    git(scratch, "push", "--quiet", str(bare), f"{branch}:{branch}")
    return git(scratch, "rev-parse", "HEAD")


def _refused(argv: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    capsys.readouterr()
    assert main(argv) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1 and "Traceback" not in err
    return err


def test_deploy_refuses_a_local_branch_with_commits_the_remote_lacks(
    repo: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    work, bare = repo
    assert main(["deploy", str(work)]) == 0
    deployed = git(bare, "rev-parse", "gh-pages")
    # A fix made by hand on the local gh-pages, not pushed yet.
    local = git(work, "commit-tree", "gh-pages^{tree}", "-p", "gh-pages", "-m", "Fix a typo by hand")
    git(work, "update-ref", "refs/heads/gh-pages", local)
    built = snapshot(work / "build")
    (work / "slides/one.md").write_text(DECK + "\n---\n\n## Three\n")

    err = _refused(["deploy", str(work)], capsys)
    assert err.startswith("error: the local branch 'gh-pages' has 1 commit that the remote does not "
                          "(origin/gh-pages lacks it): deckgen deploy would drop it. ")
    assert git(work, "rev-parse", "gh-pages") == local  # kept
    assert git(bare, "rev-parse", "gh-pages") == deployed  # nothing pushed
    assert snapshot(work / "build") == built  # checked before building: nothing changed

    # Once pushed, the next deploy goes on top of it.
    git(work, "push", "--quiet", "origin", "gh-pages")
    assert main(["deploy", str(work)]) == 0
    assert git(bare, "rev-parse", "gh-pages^") == local


def test_deploy_to_main_from_another_branch_is_refused(
    repo: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    work, bare = repo
    (work / "slides/two.md").write_text("# Two\n")
    git(work, "add", ".")
    git(work, "commit", "--quiet", "-m", "Unpushed work")
    git(work, "switch", "--quiet", "-c", "feature")
    refs, remote_refs = _refs(work), _refs(bare)

    err = _refused(["deploy", str(work), "--branch", "main"], capsys)
    assert err.startswith("error: the local branch 'main' has 1 commit that the remote does not ")
    assert _refs(work) == refs and _refs(bare) == remote_refs
    assert git(work, "status", "--porcelain") == ""
    assert not (work / "build").exists()

    # Pushed, main is no longer ahead, but it holds the sources: never replaced by a site.
    git(work, "push", "--quiet", "origin", "main")
    refs, remote_refs = _refs(work), _refs(bare)
    err = _refused(["deploy", str(work), "--branch", "main"], capsys)
    assert err.startswith("error: the local branch 'main' holds something else than a site deckgen deployed ")
    assert _refs(work) == refs and _refs(bare) == remote_refs
    assert _tree(bare, "main") == [".gitignore", "slides/one.md", "slides/two.md"]


def test_deploy_refuses_a_remote_branch_that_holds_anything_but_a_site(
    repo: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    work, bare = repo
    docs = _push_branch(tmp_path, bare, "docs", {"README.md": "# Our documentation\n", "index.html": "<p>hi</p>"})
    # A look-alike holding a project's deckgen.yml is not a site either.
    look = _push_branch(tmp_path, bare, "look", {".nojekyll": "", "index.html": "x", "deckgen.yml": "title: x\n",
                                                 "static/deckgen/index.css": "/* mine */"})
    for branch, tip in (("docs", docs), ("look", look)):
        err = _refused(["deploy", str(work), "--branch", branch], capsys)
        assert err.startswith(f"error: origin/{branch} holds something else than a site deckgen deployed (its last "
                              f"commit {tip[:7]} has no ")
        assert git(bare, "rev-parse", branch) == tip
        assert git(work, "branch", "--list", branch) == ""


def test_deploy_refuses_a_branch_checked_out_in_another_worktree(
    repo: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    work, bare = repo
    assert main(["deploy", str(work)]) == 0
    pages = tmp_path / "pages"
    git(work, "worktree", "add", "--quiet", str(pages), "gh-pages")
    before, remote_before = _refs(work), _refs(bare)
    err = _refused(["deploy", str(work)], capsys)
    assert err == (f"error: the branch 'gh-pages' is checked out in the worktree {pages}: deckgen deploy would move "
                   "it under that checkout. Check out another branch there, or pass another --branch; nothing was "
                   "deployed\n")
    assert _refs(work) == before and _refs(bare) == remote_before
    assert git(pages, "status", "--porcelain") == ""
    # The same from the linked worktree: main is checked out in the main one.
    project = make_project(pages / "project", {"slides/one.md": DECK})
    err = _refused(["deploy", str(project), "--branch", "main"], capsys)
    assert err.startswith(f"error: the branch 'main' is checked out in the worktree {work}: ")
    assert _refs(work) == before and _refs(bare) == remote_before


def test_deploy_goes_on_top_of_a_previous_version_deploy_and_an_empty_branch(
    repo: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    work, bare = repo
    # What deckgen 0.1.0 pushed: its marker file was published with the site.
    legacy = _push_branch(tmp_path, bare, "gh-pages", {
        ".nojekyll": "", ".deckgen-build": "This folder is written by deckgen build and replaced on every build.\n",
        "index.html": "<p>old index</p>", "gone/index.html": "<p>a deck since removed</p>",
    }, message="Deploy 1234567 with deckgen 0.1.0")
    assert main(["deploy", str(work)]) == 0
    assert git(bare, "rev-parse", "gh-pages^") == legacy
    tree = _tree(bare, "gh-pages")
    assert tree == _files(work / "build")
    assert ".deckgen-build" not in tree and "gone/index.html" not in tree and "one/index.html" in tree

    empty = _push_branch(tmp_path, bare, "pages", {})
    assert _tree(bare, "pages") == []
    assert main(["deploy", str(work), "--branch", "pages"]) == 0
    assert git(bare, "rev-parse", "pages^") == empty
    assert _tree(bare, "pages") == _files(work / "build")
    assert git(work, "rev-parse", "pages") == git(bare, "rev-parse", "pages")


def test_deploy_no_build_publishes_only_a_folder_deckgen_built(
    repo: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    work, bare = repo
    err = _refused(["deploy", str(work), "--no-build", "-o", str(work / ".git")], capsys)
    assert err.startswith(f"error: {work / '.git'} is (or holds) the repository's git folder ")
    err = _refused(["deploy", str(work), "--no-build", "-o", str(work)], capsys)
    assert "the repository's git folder" in err

    mine = make_project(tmp_path / "mine", {"index.html": "<p>my own page</p>", ".nojekyll": "",
                                            "private/notes.txt": "not for the web"})
    err = _refused(["deploy", str(work), "--no-build", "-o", str(mine)], capsys)
    assert err.startswith(f"error: {mine} was not built by deckgen: deckgen deploy --no-build publishes only ")

    site = tmp_path / "site"
    assert main(["build", str(work), "-o", str(site)]) == 0
    secret = tmp_path / "secret.txt"
    secret.write_text("a key")
    (site / "key.txt").symlink_to(secret)
    err = _refused(["deploy", str(work), "--no-build", "-o", str(site)], capsys)
    assert err.startswith(f"error: {site / 'key.txt'} is a symbolic link: ")
    assert git(bare, "branch", "--list", "gh-pages") == "" and git(work, "branch", "--list", "gh-pages") == ""

    (site / "key.txt").unlink()
    assert main(["deploy", str(work), "--no-build", "-o", str(site)]) == 0
    assert _tree(bare, "gh-pages") == _files(site)
