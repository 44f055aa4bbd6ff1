"""`deckgen deploy`: build the site, commit it to a branch (gh-pages) and push that branch.

The commit is written by ghp-import (a small, long-maintained library that MkDocs uses for the same job): it feeds
the site to `git fast-import`, so the working tree, the index and the current branch are never touched.
"""

from __future__ import annotations

import contextlib
import logging
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from deckgen import __version__
from deckgen.errors import DeckgenError

log = logging.getLogger(__name__)


class DeployError(DeckgenError):
    """The site cannot be committed to the branch or pushed."""


@dataclass
class DeployResult:
    """What deckgen deploy pushed."""

    site: Path
    remote: str
    branch: str
    commit: str
    decks: int | None  # None with --no-build

    def summary(self) -> str:
        """Return the line to show."""
        what = "the site" if self.decks is None else f"{self.decks} deck{'s' if self.decks != 1 else ''}"
        return f"deployed {what} from {self.site} to {self.remote}/{self.branch} (commit {self.commit[:7]})"


def deploy(
    project: Path,
    out: Path | None = None,
    *,
    remote: str = "origin",
    branch: str = "gh-pages",
    message: str | None = None,
    build_site: bool = True,
    config_file: Path | None = None,
    strict: bool = False,
) -> DeployResult:
    """Build the project (unless build_site is false), commit out to branch and push it to remote."""
    project = project.resolve()
    if not project.is_dir():
        raise DeployError(f"{project} is not a folder: give deckgen deploy the project folder")
    git = _Git(project)
    git.check_repository()
    git.check_remote(remote)
    git.check_branch(branch)
    git.check_identity()
    git.fetch(remote, branch)  # so that the new commit goes on top of what the remote holds
    decks = None
    if build_site:
        from deckgen.commands.build import build

        # Pictures of the first slides when Chromium is there, as `deckgen build` does; a failed build raises.
        result = build(project, out, config_file=config_file, strict=strict, thumbnails=None)
        site, decks = result.out, len(result.decks)
    else:
        site = (out or project / "build").resolve()
        if not (site / "index.html").is_file():
            raise DeployError(f"nothing to deploy: {site} holds no built site (no index.html). "
                              "Run deckgen build first, or leave out --no-build")
    commit = git.commit_site(site, branch, remote, message or git.default_message())
    git.push(remote, branch)
    return DeployResult(site, remote, branch, commit, decks)


class _Git:
    """git, run in the project folder; every failure becomes a DeployError."""

    def __init__(self, project: Path) -> None:
        self.project = project

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        try:
            done = subprocess.run(["git", *args], cwd=self.project, capture_output=True, text=True, check=False)
        except FileNotFoundError:
            raise DeployError("git is not installed (or not on PATH): deckgen deploy needs it") from None
        if check and done.returncode != 0:
            raise DeployError(f"git {' '.join(args)} failed: {_git_message(done)}")
        return done

    def check_repository(self) -> None:
        done = self.run("rev-parse", "--is-inside-work-tree", check=False)
        if done.returncode != 0 or done.stdout.strip() != "true":
            raise DeployError(f"{self.project} is not inside a git repository: deckgen deploy commits the site to "
                              "a branch of the project's repository. Run git init and git remote add origin URL "
                              "there first")

    def check_remote(self, remote: str) -> None:
        if remote not in self.run("remote").stdout.split():
            raise DeployError(f"no git remote {remote!r}: add one with git remote add {remote} URL, or pass --remote")

    def check_branch(self, branch: str) -> None:
        if self.run("check-ref-format", "--branch", branch, check=False).returncode != 0:
            raise DeployError(f"{branch!r} is not a valid git branch name")
        current = self.run("symbolic-ref", "--quiet", "--short", "HEAD", check=False).stdout.strip()
        if current == branch:
            raise DeployError(f"the current branch is {branch!r}, the branch deckgen deploy writes the site to: "
                              "switch to the branch of your sources first, or pass --branch")

    def check_identity(self) -> None:
        # ghp-import signs the commit with GIT_COMMITTER_NAME/EMAIL, else user.name/user.email, never a guess.
        for env, key in (("GIT_COMMITTER_NAME", "user.name"), ("GIT_COMMITTER_EMAIL", "user.email")):
            if not (os.environ.get(env) or self.run("config", key, check=False).stdout.strip()):
                raise DeployError(f"git does not know who commits the site: set {key} (git config {key} ...) "
                                  f"or {env}")

    def fetch(self, remote: str, branch: str) -> None:
        """Update remote/branch from the remote, if the remote has the branch."""
        done = self.run("ls-remote", "--exit-code", "--heads", remote, f"refs/heads/{branch}", check=False)
        if done.returncode == 2:
            return  # the first deployment: the branch starts with this one
        if done.returncode != 0:
            raise DeployError(f"cannot reach git remote {remote!r}: {_git_message(done)}")
        self.run("fetch", "--quiet", remote, f"+refs/heads/{branch}:refs/remotes/{remote}/{branch}")

    def rev(self, ref: str) -> str | None:
        done = self.run("rev-parse", "--verify", "--quiet", f"refs/heads/{ref}^{{commit}}", check=False)
        return done.stdout.strip() if done.returncode == 0 else None

    def default_message(self) -> str:
        head = self.run("rev-parse", "--short", "HEAD", check=False).stdout.strip()
        return f"Deploy {head} with deckgen {__version__}" if head else f"Deploy with deckgen {__version__}"

    def commit_site(self, site: Path, branch: str, remote: str, message: str) -> str:
        """Commit every file of site as the whole content of branch; return the commit."""
        import ghp_import

        before = self.rev(branch)
        log.info("committing %s to %s", site, branch)
        try:
            with contextlib.chdir(self.project):  # ghp-import runs git in the current folder
                ghp_import.ghp_import(str(site), mesg=message, branch=branch, remote=remote, push=False,
                                      nojekyll=True)
        except ghp_import.GhpError as exc:
            raise DeployError(f"cannot commit the site to {branch!r}: {exc.message}") from None
        except TypeError:
            # ghp-import 2.1 reports a failed git fast-import by writing bytes to the text stdout.
            if self.rev(branch) != before:
                raise
        after = self.rev(branch)
        if after is None or after == before:
            raise DeployError(f"git fast-import did not commit the site to {branch!r} (see git's message above)")
        return after

    def push(self, remote: str, branch: str) -> None:
        # Pushed here rather than by ghp-import, so that git's own message becomes part of the error.
        log.info("pushing %s to %s", branch, remote)
        done = self.run("push", "--quiet", remote, f"refs/heads/{branch}:refs/heads/{branch}", check=False)
        if done.returncode != 0:
            raise DeployError(f"git push {remote} {branch} failed: {_git_message(done)}. The site is committed on "
                              f"the local branch {branch!r}: push it with git push {remote} {branch}")


def _git_message(done: subprocess.CompletedProcess[str]) -> str:
    """git's own message in one line, without its hints."""
    lines = [line.strip() for line in (done.stderr or done.stdout).splitlines()]
    lines = [line.removeprefix("fatal: ").removeprefix("error: ") for line in lines if line and not
             line.startswith(("hint:", "To "))]
    return " ".join(lines).rstrip(".") or f"exit status {done.returncode}"
