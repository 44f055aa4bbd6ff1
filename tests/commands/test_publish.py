"""Publishing: deckgen init's starter project, the GitHub Pages workflows, and deckgen deploy to a branch."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from gitrepos import DECK, git, make_repo
from projects import REPO, make_project

from deckgen import __version__
from deckgen.cli import main

SCAFFOLD_WORKFLOW = REPO / "src/deckgen/commands/scaffold/github/workflows/pages.yml"
DECKGEN = str(Path(sys.executable).with_name("deckgen"))  # the installed command
SCAFFOLD_FILES = [".github/workflows/pages.yml", ".gitignore", "deckgen.yml", "slides/welcome.md", "static/custom.css"]


def _files(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


# -- deckgen init ------------------------------------------------------------------------------------------


def test_init_creates_a_project_that_builds_as_is(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = tmp_path / "new" / "talks"  # created, parents included
    assert main(["init", str(project)]) == 0
    assert _files(project) == SCAFFOLD_FILES
    assert "slides/welcome.md" in capsys.readouterr().out
    assert (project / ".gitignore").read_text() == "build/\n"
    config = yaml.safe_load((project / "deckgen.yml").read_text())
    assert config == {"title": "talks", "description": "Slides built with deckgen.",
                      "defaults": {"css": "static/custom.css"},
                      "profiles": {"public": {"hide": ["todo", "preparation", "local"]}}}

    assert main(["build", str(project), "--strict", "--profile", "public"]) == 0
    assert 'profile <strong class="profile">public</strong>' in (project / "build" / "index.html").read_text()
    assert main(["build", str(project), "--strict"]) == 0
    out = project / "build"
    assert {".nojekyll", "index.html", "welcome/index.html", "static/custom.css"} <= set(_files(out))
    page = (out / "welcome" / "index.html").read_text()
    assert page.count("<section") == 8  # 7 slides, one of them below another
    assert 'data-line-numbers="1-2|4"' in page  # code with steps
    assert 'class="fragment"' in page
    assert page.count('<aside class="notes">') == 2
    assert "katex" in page and r"e^{i\pi} + 1 = 0" in page
    assert "../static/custom.css" in page


def test_init_refuses_to_overwrite_and_lists_every_existing_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    make_project(tmp_path, {"deckgen.yml": "title: Mine\n", "slides/welcome.md": "# Mine\n",
                            ".gitignore": "*.pyc\n"})
    assert main(["init", str(tmp_path)]) == 1
    # slides/welcome.md is a deck of the project: init writes no demo deck there, so it is not in its way.
    assert capsys.readouterr().err == (
        f"error: {tmp_path} already holds deckgen.yml: deckgen init overwrites no file unless "
        "--force is given; nothing was written\n"
    )
    assert _files(tmp_path) == [".gitignore", "deckgen.yml", "slides/welcome.md"]
    assert (tmp_path / "deckgen.yml").read_text() == "title: Mine\n"
    assert (tmp_path / ".gitignore").read_text() == "*.pyc\n"

    assert main(["init", str(tmp_path), "--force"]) == 0
    assert "deckgen.yml (overwritten)" in capsys.readouterr().out
    assert _files(tmp_path) == SCAFFOLD_FILES
    assert "title: Mine" not in (tmp_path / "deckgen.yml").read_text()
    assert (tmp_path / "slides/welcome.md").read_text() == "# Mine\n"  # the project's own deck, even with --force
    # The project's own ignore rules stay; build/ is added once.
    assert (tmp_path / ".gitignore").read_text() == "*.pyc\nbuild/\n"
    assert main(["init", str(tmp_path), "--force"]) == 0
    assert (tmp_path / ".gitignore").read_text() == "*.pyc\nbuild/\n"


def test_init_in_the_current_folder_and_into_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["init"]) == 0
    assert _files(tmp_path) == SCAFFOLD_FILES
    (tmp_path / "file").write_text("x")
    capsys.readouterr()
    assert main(["init", "file"]) == 1
    assert capsys.readouterr().err.startswith("error: file is a file, not a folder")


# -- the GitHub Pages workflows ----------------------------------------------------------------------------


@pytest.mark.parametrize("deck", ["slides/talk.md", "slides/talk/index.md"])
def test_init_into_a_folder_with_decks_writes_no_demo_deck(deck: str, tmp_path: Path) -> None:
    make_project(tmp_path, {deck: "# My talk\n", "slides/_shared/outro.md": "# Thanks\n"})
    run = subprocess.run([DECKGEN, "init", str(tmp_path)], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and run.stderr == ""
    assert _files(tmp_path) == sorted([".github/workflows/pages.yml", ".gitignore", "deckgen.yml", deck,
                                       "slides/_shared/outro.md", "static/custom.css"])
    assert "  slides/welcome.md" not in run.stdout
    shown = deck.removeprefix("slides/")
    assert f"no demo deck (slides/welcome.md): slides/ already holds your decks ({shown})\n" in run.stdout
    assert main(["build", str(tmp_path), "--strict", "--no-thumbnails"]) == 0
    assert not (tmp_path / "build/welcome").exists() and (tmp_path / "build/talk/index.html").is_file()


def test_init_beside_only_parts_or_stray_files_still_writes_the_demo_deck(tmp_path: Path) -> None:
    # Parts (_shared/), hidden files and a folder without index.md are no decks.
    make_project(tmp_path, {"slides/_shared/outro.md": "# Thanks\n", "slides/.draft.md": "# x\n",
                            "slides/img/notes.txt": "x"})
    assert main(["init", str(tmp_path)]) == 0
    assert (tmp_path / "slides/welcome.md").is_file()


def _workflow(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


@pytest.mark.parametrize("which", ["scaffold", "repository"])
def test_pages_workflow(which: str, tmp_path: Path) -> None:
    if which == "scaffold":  # as deckgen init writes it: the distribution deckgen-reveal, pinned to this version
        assert main(["init", str(tmp_path)]) == 0
        workflow = tmp_path / ".github/workflows/pages.yml"
        install = f"pip install 'deckgen-reveal[pdf]=={__version__}'"
    else:  # this repository's: deckgen from the checkout
        workflow, install = REPO / ".github/workflows/pages.yml", "pip install '.[pdf]'"
    data = _workflow(workflow)
    assert set(data["on"]) == {"push", "workflow_dispatch"}
    assert data["on"]["push"] == {"branches": ["main"]}
    assert data["permissions"] == {"contents": "read", "pages": "write", "id-token": "write"}
    assert data["concurrency"] == {"group": "pages", "cancel-in-progress": False}
    assert set(data["jobs"]) == {"build", "deploy"}

    steps = data["jobs"]["build"]["steps"]
    kinds = [step.get("uses", "").split("@")[0] or step["run"] for step in steps]
    install_at, build_at = kinds.index(install), kinds.index("deckgen build --profile public")
    assert kinds[:2] == ["actions/checkout", "actions/setup-python"]
    assert 2 <= install_at < kinds.index("actions/cache") < build_at
    assert build_at < kinds.index("actions/configure-pages") < kinds.index("actions/upload-pages-artifact")
    assert "env" not in steps[build_at]  # the runner's Chromium or Chrome is found on PATH for the pictures
    by_action = {step["uses"].split("@")[0]: step for step in steps if "uses" in step}
    assert by_action["actions/checkout"]["uses"] == "actions/checkout@v4"
    assert by_action["actions/setup-python"] == {"name": "Set up Python", "uses": "actions/setup-python@v5",
                                                 "with": {"python-version": "3.12"}}
    cache = by_action["actions/cache"]
    assert cache["uses"] == "actions/cache@v4" and cache["with"]["path"] == "~/.cache/deckgen"
    version_step = next(step for step in steps if step.get("id") == "deckgen")
    assert "deckgen --version" in version_step["run"] and "GITHUB_OUTPUT" in version_step["run"]
    assert "${{ steps.deckgen.outputs.version }}" in cache["with"]["key"]
    assert steps.index(version_step) < steps.index(cache)
    assert by_action["actions/configure-pages"]["uses"] == "actions/configure-pages@v5"
    upload = by_action["actions/upload-pages-artifact"]
    assert upload["uses"] == "actions/upload-pages-artifact@v3" and upload["with"] == {"path": "build"}
    assert "actions/setup-node" not in by_action

    deploy = data["jobs"]["deploy"]
    assert deploy["needs"] == "build"
    assert deploy["environment"] == {"name": "github-pages", "url": "${{ steps.deployment.outputs.page_url }}"}
    assert deploy["steps"] == [{"name": "Deploy to GitHub Pages", "id": "deployment",
                                "uses": "actions/deploy-pages@v4"}]


def test_init_writes_the_scaffold_workflow_pinned_to_the_running_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    template = SCAFFOLD_WORKFLOW.read_text(encoding="utf-8")
    assert "run: pip install 'deckgen-reveal[pdf]==__VERSION__'\n" in template
    assert main(["init", str(tmp_path / "now")]) == 0
    written = (tmp_path / "now/.github/workflows/pages.yml").read_text(encoding="utf-8")
    assert written == template.replace("__VERSION__", __version__)
    assert f"run: pip install 'deckgen-reveal[pdf]=={__version__}'\n" in written
    assert "To upgrade" in written  # the comment above the pin says how

    # The version comes from the deckgen that runs, not from the template.
    monkeypatch.setattr("deckgen.commands.init.__version__", "9.8.7")
    assert main(["init", str(tmp_path / "later")]) == 0
    written = (tmp_path / "later/.github/workflows/pages.yml").read_text(encoding="utf-8")
    assert "pip install 'deckgen-reveal[pdf]==9.8.7'" in written and "__VERSION__" not in written


# -- deckgen deploy ----------------------------------------------------------------------------------------





@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    return make_repo(tmp_path, monkeypatch)


def test_deploy_pushes_exactly_the_site_and_leaves_the_checkout_alone(
    repo: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    work, bare = repo
    source = git(work, "rev-parse", "--short", "HEAD")
    assert main(["deploy", str(work)]) == 0
    out = capsys.readouterr().out
    assert out.startswith(f"deployed 1 deck from {work / 'build'} to origin/gh-pages (commit ")
    tree = git(bare, "ls-tree", "-r", "--name-only", "gh-pages").splitlines()
    assert sorted(tree) == _files(work / "build")
    assert ".nojekyll" in tree and "one/index.html" in tree and "index.html" in tree
    assert git(bare, "show", "gh-pages:one/index.html") == (work / "build/one/index.html").read_text().strip()
    assert git(bare, "log", "-1", "--format=%s", "gh-pages") == f"Deploy {source} with deckgen 0.1.0"
    assert git(work, "status", "--porcelain") == ""
    assert git(work, "symbolic-ref", "--short", "HEAD") == "main"
    assert git(work, "rev-parse", "--short", "HEAD") == source
    first = git(bare, "rev-parse", "gh-pages")

    (work / "slides/one.md").write_text(DECK + "\n---\n\n## Three\n")
    (work / "slides/two.md").write_text("# Two\n")
    assert main(["deploy", str(work), "-m", "Second"]) == 0
    assert git(bare, "rev-parse", "gh-pages^") == first
    assert git(bare, "log", "-1", "--format=%s", "gh-pages") == "Second"
    assert sorted(git(bare, "ls-tree", "-r", "--name-only", "gh-pages").splitlines()) == _files(work / "build")
    assert "two/index.html" in _files(work / "build")
    assert git(work, "symbolic-ref", "--short", "HEAD") == "main"
    assert git(bare, "rev-parse", "main") == git(work, "rev-parse", "HEAD")


def test_deploy_goes_on_top_of_what_another_clone_deployed(repo: tuple[Path, Path], tmp_path: Path) -> None:
    work, bare = repo
    assert main(["deploy", str(work)]) == 0
    other = tmp_path / "other"
    git(tmp_path, "clone", "--quiet", "-b", "main", str(bare), str(other))
    assert main(["deploy", str(other), "--message", "From the other clone"]) == 0
    from_other = git(bare, "rev-parse", "gh-pages")
    # The first clone's remote-tracking branch is stale now; deploy fetches before it commits.
    assert main(["deploy", str(work), "-m", "Again"]) == 0
    assert git(bare, "rev-parse", "gh-pages^") == from_other


def test_deploy_a_failing_build_pushes_nothing(repo: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    work, bare = repo
    assert main(["deploy", str(work)]) == 0
    deployed = git(bare, "rev-parse", "gh-pages")
    (work / "slides/one.md").write_text("---\ntitle: [unclosed\n---\n# One\n")
    capsys.readouterr()
    assert main(["deploy", str(work)]) == 1
    err = capsys.readouterr().err
    assert "slides/one.md:3:1: YAML syntax error" in err and "Traceback" not in err
    assert git(bare, "rev-parse", "gh-pages") == deployed
    assert git(work, "rev-parse", "gh-pages") == deployed


def test_deploy_a_failing_first_build_creates_no_branch(repo: tuple[Path, Path]) -> None:
    work, bare = repo
    (work / "slides/one.md").write_text("---\ntheme: blakc\n---\n# One\n")
    assert main(["deploy", str(work)]) == 1
    assert git(bare, "branch", "--list", "gh-pages") == ""
    assert git(work, "branch", "--list", "gh-pages") == ""


def test_deploy_without_the_remote(repo: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    work, bare = repo
    assert main(["deploy", str(work), "--remote", "upstream"]) == 1
    assert capsys.readouterr().err == (
        "error: no git remote 'upstream': add one with git remote add upstream URL, or pass --remote\n"
    )
    git(work, "remote", "remove", "origin")
    assert main(["deploy", str(work)]) == 1
    assert capsys.readouterr().err == (
        "error: no git remote 'origin': add one with git remote add origin URL, or pass --remote\n"
    )
    assert not (work / "build").exists()  # checked before building


def test_deploy_outside_a_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    project = make_project(tmp_path / "p", {"slides/one.md": DECK})
    assert main(["deploy", str(project)]) == 1
    assert capsys.readouterr().err.startswith(f"error: {project} is not inside a git repository: ")


def test_deploy_no_build(repo: tuple[Path, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    work, bare = repo
    assert main(["deploy", str(work), "--no-build"]) == 1
    assert capsys.readouterr().err.startswith(f"error: nothing to deploy: {work / 'build'} holds no built site")
    site = tmp_path / "site"
    assert main(["build", str(work), "-o", str(site)]) == 0
    assert main(["deploy", str(work), "--no-build", "-o", str(site)]) == 0
    assert "deployed the site" in capsys.readouterr().out
    assert sorted(git(bare, "ls-tree", "-r", "--name-only", "gh-pages").splitlines()) == _files(site)
    assert not (work / "build").exists()


def test_deploy_refuses_to_write_the_current_branch(
    repo: tuple[Path, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    work, bare = repo
    assert main(["deploy", str(work), "--branch", "main"]) == 1
    assert capsys.readouterr().err == (
        "error: the current branch is 'main', the branch deckgen deploy writes the site to: switch to the branch "
        "of your sources first, or pass --branch\n"
    )
    assert git(bare, "rev-parse", "main") == git(work, "rev-parse", "HEAD")


def test_deploy_reports_a_rejected_push(repo: tuple[Path, Path], capsys: pytest.CaptureFixture[str]) -> None:
    work, bare = repo
    hook = bare / "hooks" / "pre-receive"
    hook.write_text("#!/bin/sh\necho 'pushes are closed' >&2\nexit 1\n")
    hook.chmod(0o755)
    assert main(["deploy", str(work)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: git push origin gh-pages failed: ")
    assert "pushes are closed" in err and "Nothing was deployed" in err
    assert git(bare, "branch", "--list", "gh-pages") == ""
    # The local branch moves only once the remote took the commit: nothing to push by hand, nothing to undo.
    assert git(work, "branch", "--list", "gh-pages") == ""
    hook.unlink()
    assert main(["deploy", str(work)]) == 0
    assert git(bare, "rev-parse", "gh-pages") == git(work, "rev-parse", "gh-pages")
